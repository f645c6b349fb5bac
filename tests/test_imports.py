"""Cheap imports as specifications: what a light import or command must leave unloaded.

Each case runs in a fresh interpreter (``sys.executable -c``) started in the repository root, so the
tree under test is the one imported and nothing this test process loaded can hide a heavy import.
The child prints, as its last line, which of the watched modules ended up in ``sys.modules``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawlers.sighting import Fingerprints, Sighting
from monitor.fingerprint.exact import exact_hashes

ROOT = Path(__file__).resolve().parents[1]

HEAVY = ("telethon", "scrapy", "twisted", "numpy", "scipy", "PIL", "pdqhash", "av", "pymongo", "aiohttp")
"""Libraries that cost tens to hundreds of milliseconds each and that record types, the offline
verifier, ``jikimi --help`` and ``jikimi status`` never use."""

CRAWLER_MODULES = ("crawlers.telegram", "crawlers.telegram_web", "crawlers.web")

REPORT = """
import json, sys
watched = {watched!r}
loaded = {{name for name in sys.modules}} | {{name.partition(".")[0] for name in sys.modules}}
print(json.dumps(sorted(set(watched) & loaded)))
"""

RUN_CLI = """
import sys
sys.argv = ["jikimi", *{args!r}]
from monitor.cli import main
try:
    main()
except SystemExit as exc:
    assert exc.code in (0, None), f"jikimi {{sys.argv[1:]}} exited with {{exc.code}}"
"""


def loaded_after(code: str, watched: tuple[str, ...], cwd: Path, **env: str) -> list[str]:
    """Run ``code`` in a fresh interpreter importing this tree; the watched modules it left loaded."""
    result = subprocess.run(
        [sys.executable, "-c", code + REPORT.format(watched=watched)],
        cwd=cwd, env=os.environ | {"PYTHONPATH": str(ROOT)} | env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


WATCHLIST = ROOT / "watchlist.example.yaml"

VALIDATE_WATCHLIST = f"""
from pathlib import Path
from config.watchlist import load_watchlist
from crawlers.registry import config_models
assert load_watchlist(Path({str(WATCHLIST)!r}), config_models())
"""

UNKNOWN_KIND = """
from crawlers.errors import UnknownSourceKind
from crawlers.registry import crawler_for
try:
    crawler_for("telgram")
except UnknownSourceKind as exc:
    assert "did you mean 'telegram'?" in str(exc), exc
else:
    raise AssertionError("crawler_for('telgram') raised nothing")
"""


@pytest.mark.parametrize(
    ("code", "unloaded"),
    [
        pytest.param("import crawlers.sighting", HEAVY, id="crawlers.sighting"),
        pytest.param("import crawlers", HEAVY + CRAWLER_MODULES, id="crawlers"),
        pytest.param("import evidence.verify", HEAVY, id="evidence.verify"),
        pytest.param("import evidence", HEAVY, id="evidence"),
        pytest.param("import monitor.records", HEAVY, id="monitor.records"),
        pytest.param("import monitor.store", HEAVY, id="monitor.store"),
        pytest.param("import monitor.review.passwords", HEAVY, id="monitor.review.passwords"),
        pytest.param("import monitor.operations.status", HEAVY, id="monitor.operations.status"),
        pytest.param("import monitor.cli", HEAVY, id="monitor.cli"),
        pytest.param(VALIDATE_WATCHLIST, HEAVY + CRAWLER_MODULES, id="config.watchlist validating the example"),
        pytest.param(UNKNOWN_KIND, HEAVY + CRAWLER_MODULES, id="crawler_for of an unknown kind"),
    ],
)
def test_a_light_import_leaves_the_heavy_libraries_unloaded(
    code: str, unloaded: tuple[str, ...], tmp_path: Path
) -> None:
    assert loaded_after(code, unloaded, tmp_path) == []


@pytest.fixture
def bundle(make_sighting: Callable[..., Sighting], tmp_path: Path) -> Path:
    """A bundle of one signed packet with its custody chain, as ``jikimi export`` writes it."""
    from evidence.bundle import export_bundle
    from evidence.custody import next_event
    from evidence.packet import write_packet
    from evidence.signing import public_key_pem, signing_key_from

    key, signer = bytes(range(32)), signing_key_from(bytes(range(100, 132)))
    sighting = make_sighting()
    sighting = dataclasses.replace(sighting, fingerprints=Fingerprints(exact_hashes(sighting.media.path)))
    written = write_packet(sighting, tmp_path / "evidence", key, signer=signer)
    details = {"manifest_sha256": written.manifest_sha256}
    at = datetime(2026, 11, 1, 13, tzinfo=UTC)
    captured = next_event(None, written.id, "captured", "tester", details, at, signer)
    exported = next_event(captured, written.id, "exported", "tester", {"export_id": "e", "packets": 1}, at, signer)
    chain = captured.to_json_line() + "\n" + exported.to_json_line() + "\n"
    custody = {f"custody/{written.id}.jsonl": chain.encode()}
    out = tmp_path / "bundle.zip"
    export_bundle([written.path], out, key, public_key=public_key_pem(signer), extra=custody)
    return out


@pytest.mark.parametrize("command", ["--help", "verify", "status"])
def test_help_verify_and_status_start_without_the_heavy_libraries(command: str, bundle: Path, tmp_path: Path) -> None:
    args = {"--help": ["--help"], "verify": ["verify", str(bundle)], "status": ["status"]}[command]
    code = RUN_CLI.format(args=args)
    loaded = loaded_after(
        code, HEAVY, tmp_path, JIKIMI_DATA_DIR=str(tmp_path / "data"), JIKIMI_WATCHLIST=str(WATCHLIST)
    )
    # ``status`` opens the store, whose media columns come from the signal registry: numpy (~75 ms) is the
    # price of that; the crawler, hashing, HTTP and MongoDB libraries stay out.
    allowed = {"numpy"} if command == "status" else set()
    assert set(loaded) <= allowed


def test_the_verifier_still_loads_what_it_checks_with(tmp_path: Path) -> None:
    needed = ("bagit", "cryptography", "rfc3161_client")
    assert loaded_after("import evidence.verify", needed, tmp_path) == list(needed)
