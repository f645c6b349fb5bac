"""Crawl work folders: locked while their crawl lives, swept at the next start once it is dead."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawlers.workdirs import locked_workdir, sweep_workdirs

HOLD = """
import sys, time
from pathlib import Path
from crawlers.workdirs import locked_workdir
with locked_workdir(Path(sys.argv[1]), "live-run") as folder:
    (folder / "media").mkdir()
    (folder / "media" / "picture").write_bytes(b"plaintext")
    print("ready", flush=True)
    time.sleep(600)
"""


def holding_process(root: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(root)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "ready\n"
    return process


def test_the_folder_of_a_live_crawl_in_another_process_is_never_swept(tmp_path: Path) -> None:
    process = holding_process(tmp_path)
    try:
        assert sweep_workdirs(tmp_path, unlocked_older_than=0) == []
        assert (tmp_path / "live-run" / "media" / "picture").exists()
    finally:
        process.kill()
        process.wait()


def test_the_folder_of_a_crawl_killed_with_sigkill_is_swept_at_the_next_start(tmp_path: Path) -> None:
    process = holding_process(tmp_path)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert (tmp_path / "live-run" / "media" / "picture").exists()
    assert sweep_workdirs(tmp_path) == [tmp_path / "live-run"]
    assert list(tmp_path.iterdir()) == []


def test_a_folder_without_a_lock_is_swept_only_once_it_is_old(tmp_path: Path) -> None:
    old, fresh = tmp_path / "from-an-earlier-version", tmp_path / "review"
    for folder in (old, fresh):
        folder.mkdir()
        (folder / "x").write_bytes(b"left behind")
    os.utime(old, (time.time() - 120, time.time() - 120))
    assert sweep_workdirs(tmp_path, unlocked_older_than=60) == [old]
    assert fresh.exists()


def test_a_locked_work_folder_is_private_and_removed_even_when_its_block_fails(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), locked_workdir(tmp_path, "run-1") as folder:
        assert oct(folder.stat().st_mode & 0o777) == "0o700"
        (folder / "picture").write_bytes(b"plaintext")
        assert sweep_workdirs(tmp_path, unlocked_older_than=0) == []  # held by this very process
        raise RuntimeError("the crawl failed")
    assert list(tmp_path.iterdir()) == []
