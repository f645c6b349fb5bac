"""The process pool that fingerprints media, so decoding and hashing never block the event loop.

Why ``spawn``? A forked child would inherit the parent's threads (the SQLite worker, the event loop) in
whatever state they were in. Why rebuild on ``BrokenProcessPool``? A hostile file that crashes a decoder
kills its worker; that file gets a recorded error and the next file gets a fresh pool.

What a worker loads: ``spawn`` re-runs the parent's main script in each worker before its first task (in
production the ``jikimi`` script, whose one import, ``monitor.cli``, loads nothing: ``monitor/cli/__init__.py``
says why), then unpickling ``fingerprint_file`` imports the fingerprinting code: decoders, the hashes,
numpy, PyAV. ``tests/monitor/fingerprint/test_worker_imports.py`` holds a worker to that; ``bench/workers.py``
measures a worker's start and memory against one that loads the command line as before. This module itself
imports the decoders only when it first fingerprints, so a command that opens a context and never hashes
(``jikimi hits``, ``jikimi status``) does not load them.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from crawlers.sighting import Fingerprints
from crawlers.temp_files import PLAIN, TempFiles
from monitor.fingerprint.exact import exact_hashes_of


class HashPool:
    """Fingerprint files in ``workers`` processes; one instance created at start-up and passed in."""

    def __init__(self, workers: int, max_pixels: int, max_video_frames: int = 600) -> None:
        self.workers = workers
        self.max_pixels = max_pixels
        self.max_video_frames = max_video_frames
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))

    async def fingerprint(self, path: Path, files: TempFiles = PLAIN) -> Fingerprints:
        """The fingerprints of ``path``, read through ``files`` (a crawl's sealed files: its run key)."""
        from monitor.fingerprint.media import fingerprint_file  # Pillow, numpy, PyAV: first use, not import

        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self._executor, fingerprint_file, str(path), self.max_pixels, self.max_video_frames, files
            )
        except BrokenProcessPool:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = self._new_executor()
            values = await asyncio.to_thread(exact_hashes_of, path, files)
            return Fingerprints(values=values, error="the hashing process crashed on this file")

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> HashPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
