"""The hash pool as a specification: a worker that dies costs one file its perceptual hashes, not the crawl."""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path

from monitor.demo.pictures import encode, make_picture
from monitor.fingerprint.exact import exact_hashes
from monitor.fingerprint.pool import HashPool


async def test_a_file_whose_worker_died_keeps_its_exact_hashes_and_the_next_file_gets_a_fresh_pool(
    tmp_path: Path,
) -> None:
    picture = tmp_path / "a.jpg"
    picture.write_bytes(encode(make_picture(5)))
    others = set(multiprocessing.active_children())
    with HashPool(workers=1, max_pixels=89_478_485) as pool:
        assert (await pool.fingerprint(picture)).error is None
        (worker,) = set(multiprocessing.active_children()) - others
        assert worker.pid is not None
        os.kill(worker.pid, signal.SIGKILL)  # as a decoder crashing on a hostile file would end it
        worker.join(10)

        crashed = await pool.fingerprint(picture)
        assert crashed.error == "the hashing process crashed on this file"
        assert crashed.values == exact_hashes(picture)

        again = await pool.fingerprint(picture)
        assert again.error is None and "pdq" in again.values
