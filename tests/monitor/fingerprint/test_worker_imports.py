"""What a hash-pool worker loads, as a specification: the fingerprinting code and nothing of the command line.

Why this needs a subprocess started the way ``jikimi`` starts: the pool spawns its workers, and a spawned
process first re-runs its parent's main module (CPython ``multiprocessing/spawn.py``: the main module's
``__spec__`` names a module to re-import, else its ``__file__`` is a script to re-run). Under pytest, or
``python -m monitor.cli``, that is someone else's main; in production it is the ``jikimi`` script pip
installed beside the interpreter. So the parent here is made to look to ``spawn`` exactly as a ``jikimi
crawl`` does (no ``__spec__``, ``__file__`` the installed script), then fingerprints a generated picture,
plain and sealed, through the real ``HashPool``. A ``sitecustomize`` on the workers' path writes each
worker's ``sys.modules`` when it exits, after it has hashed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(sys.executable).with_name("jikimi")

NOT_IN_A_WORKER = ("telethon", "pymongo", "scrapy", "twisted", "aiohttp", "playwright", "typer", "click", "rich")
"""The crawlers', the stores' and the command line's libraries: none of them hashes a picture."""

FINGERPRINTING = ("PIL", "numpy", "pdqhash", "av", "monitor.fingerprint.media")

RECORDER = """
import atexit, json, os, sys

def record():
    process = sys.modules.get("multiprocessing.process")
    if process is not None and process.parent_process() is not None:
        out = os.path.join(os.environ["WORKER_MODULES_DIR"], f"{os.getpid()}.json")
        with open(out, "w") as file:
            json.dump(sorted(sys.modules), file)

atexit.register(record)
"""

CRAWL_LIKE = """
import asyncio, sys
from pathlib import Path

sys.modules["__main__"].__file__ = {script!r}  # what spawn reads of a `jikimi ...` process's main module
sys.argv = [{script!r}, "crawl"]

from crawlers.temp_files import SealedFiles
from monitor.demo.pictures import encode, make_picture
from monitor.fingerprint.pool import HashPool

plain, sealed = Path("plain.jpg"), Path("sealed.jpg")
plain.write_bytes(encode(make_picture(3)))
files = SealedFiles.new()
files.write(sealed, plain.read_bytes())

async def fingerprint_both(pool):
    return [await pool.fingerprint(plain), await pool.fingerprint(sealed, files)]

with HashPool(workers=1, max_pixels=89_478_485) as pool:
    results = asyncio.run(fingerprint_both(pool))
assert all(result.error is None and "pdq" in result.values for result in results), results
assert results[0].values == results[1].values
"""


def worker_modules(tmp_path: Path) -> list[list[str]]:
    """Fingerprint in a ``jikimi``-like process; the ``sys.modules`` of each worker it spawned."""
    assert SCRIPT.is_file(), f"no jikimi script beside {sys.executable} (pip install -e . writes it)"
    site, records = tmp_path / "site", tmp_path / "workers"
    site.mkdir()
    records.mkdir()
    (site / "sitecustomize.py").write_text(RECORDER)
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "WORKER_MODULES_DIR": str(records)}
    result = subprocess.run(
        [sys.executable, "-c", CRAWL_LIKE.format(script=str(SCRIPT))],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = [json.loads(path.read_text()) for path in sorted(records.glob("*.json"))]
    assert found, "no worker recorded its modules"
    return found


def loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    present = set(modules) | {module.partition(".")[0] for module in modules}
    return [name for name in names if name in present]


def test_a_worker_of_the_jikimi_command_loads_the_fingerprinting_code_and_not_the_command_line(
    tmp_path: Path,
) -> None:
    for modules in worker_modules(tmp_path):
        assert loaded(modules, NOT_IN_A_WORKER) == []
        # the script's own line, ``from monitor.cli import main``, costs the package's lazy __init__ and no command
        assert [module for module in modules if module.startswith("monitor.cli.")] == []
        assert loaded(modules, FINGERPRINTING) == list(FINGERPRINTING)
