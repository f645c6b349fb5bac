"""What light commands load, run through the installed ``jikimi`` script as a user runs them.

Each command runs in a fresh interpreter under ``-X importtime``, which names every module imported on
stderr; the tree under test comes first on the path. ``tests/test_imports.py`` checks the same commands
through ``monitor.cli.main``; this is the script itself, the main module the hash pool's workers re-run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from monitor.cli.review import ROLES
from monitor.records import Role
from tests.monitor.cli import test_hits_decide
from tests.monitor.cli.test_cli import cli_environment

ROOT = Path(__file__).resolve().parents[3]
data_dir = test_hits_decide.data_dir  # the fixture: a store holding one card (four hits at two places)
SCRIPT = Path(sys.executable).with_name("jikimi")

CRAWLING_AND_SERVING = ("telethon", "scrapy", "twisted", "pymongo", "aiohttp", "playwright")
"""The crawlers', MongoDB's and the web servers' libraries: no light command uses them."""

DECODING = ("PIL", "av", "pdqhash", "imagehash")
"""The hashing libraries: loaded by the hash pool's first picture, not by opening a store."""

RECORDS = ("pydantic", "yaml", "config.settings", "crawlers.registry", "monitor.records", "monitor.store")
"""Settings, the crawler registry, the records and the stores: ``--help`` reads none of them."""


def imported_by(*args: str, data_dir: Path) -> tuple[set[str], str]:
    """The modules (and their top-level packages) ``jikimi *args`` imports, read from ``-X importtime``,
    and what it printed."""
    assert SCRIPT.is_file(), f"no jikimi script beside {sys.executable} (pip install -e . writes it)"
    env = cli_environment(data_dir) | {"PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", str(SCRIPT), *args],
        cwd=data_dir.parent, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    names = {line.rpartition("|")[2].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    return names | {name.partition(".")[0] for name in names}, result.stdout


def test_jikimi_help_loads_no_crawler_store_record_or_hashing_library(data_dir: Path) -> None:
    loaded, _ = imported_by("--help", data_dir=data_dir)
    assert "typer" in loaded  # the probe sees the command line's own imports
    assert loaded & {*CRAWLING_AND_SERVING, *DECODING, *RECORDS} == set()


def test_hits_json_reads_the_store_without_the_crawlers_or_the_decoders(data_dir: Path) -> None:
    loaded, printed = imported_by("hits", "--json", data_dir=data_dir)
    assert test_hits_decide.CARD in printed  # it did read the store and print the card
    assert loaded & {*CRAWLING_AND_SERVING, *DECODING} == set()


def test_the_roles_users_add_names_in_its_help_are_the_records_roles() -> None:
    assert ROLES == tuple(Role)
