from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from config.errors import ConfigError
from config.watchlist import load_watchlist
from crawlers.registry import config_models
from crawlers.source_configs import WebSourceConfig

GOOD = """
sources:
  - id: demo-forum
    kind: web
    start_urls: [http://127.0.0.1:8765/]
    allowed_domains: [127.0.0.1]
    allow_private_addresses: true
    max_depth: 3
    schedule: {every: 30m}
  - id: nightly
    kind: web
    enabled: false
    start_urls: [https://example.org/]
    schedule: {cron: "0 */2 * * *", jitter: 5m}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "watchlist.yaml"
    path.write_text(text)
    return path


def load(tmp_path: Path, text: str) -> list:
    return load_watchlist(write(tmp_path, text), config_models())


def test_a_valid_watchlist_gives_typed_sources(tmp_path: Path) -> None:
    forum, nightly = load(tmp_path, GOOD)
    assert forum.id == "demo-forum" and forum.kind == "web" and forum.enabled
    assert isinstance(forum.config, WebSourceConfig)
    assert forum.config.max_depth == 3
    assert forum.schedule.every == timedelta(minutes=30)
    assert nightly.schedule.cron == "0 */2 * * *" and nightly.schedule.jitter == timedelta(minutes=5)
    assert not nightly.enabled


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sources:\n  - {id: a, kind: wbe, schedule: {every: 1h}}\n", ["source 'a'", "'kind'", "did you mean 'web'"]),
        (
            "sources:\n  - {id: a, kind: web, start_urls: ['http://x/'], schedule: {every: 1h}}\n"
            "  - {id: a, kind: web, start_urls: ['http://y/'], schedule: {every: 1h}}\n",
            ["source 'a'", "'id'", "duplicate"],
        ),
        ("sources:\n  - {id: a, kind: web, schedule: {every: 1h}}\n", ["source 'a'", "'start_urls'", "required"]),
        ("sources:\n  - {id: a, kind: web, start_urls: ['http://x/']}\n", ["source 'a'", "'schedule'", "missing"]),
        (
            "sources:\n  - {id: a, kind: web, start_urls: ['http://x/'], schedule: {every: soon}}\n",
            ["source 'a'", "'schedule.every'", "not a duration"],
        ),
        (
            "sources:\n  - {id: a, kind: web, start_urls: ['http://x/'], schedule: {cron: 'every day'}}\n",
            ["source 'a'", "'schedule.cron'", "not a cron line"],
        ),
        (
            "sources:\n  - {id: a, kind: web, start_urls: ['http://x/'], max_dpth: 2, schedule: {every: 1h}}\n",
            ["source 'a'", "'max_dpth'", "did you mean 'max_depth'"],
        ),
        ("sources:\n  - {id: Bad Id, kind: web}\n", ["source #1", "'id'", "[a-z0-9_-]"]),
        ("sources:\n  - id: a\n    kind: [web\n", ["not valid YAML", "line"]),
        ("just: text\n", ["top-level 'sources:'"]),
    ],
    ids=["unknown-kind", "duplicate-id", "missing-field", "missing-schedule", "bad-duration", "bad-cron",
         "misspelt-field", "bad-id", "bad-yaml", "no-sources"],
)  # fmt: skip
def test_a_bad_watchlist_is_refused_naming_file_source_and_field(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, text)
    message = str(raised.value)
    assert str(tmp_path / "watchlist.yaml") in message
    for part in expected:
        assert part in message
    assert raised.value.exit_code == 2


def test_a_missing_watchlist_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the watchlist"):
        load_watchlist(tmp_path / "absent.yaml", config_models())
