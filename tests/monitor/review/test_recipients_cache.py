"""The review UI parses the recipients file once per change: a corrected file shows at once, an unchanged one
is not parsed again for every page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from monitor.review import recipients_cache
from monitor.review.recipients_cache import current_recipients
from tests.config.test_recipients import CONTRACT


async def test_an_unchanged_file_is_parsed_once_and_a_corrected_one_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "recipients.yaml"
    path.write_text(CONTRACT.replace("channel: email", "chanel: email"), encoding="utf-8")
    parsed: list[Path] = []
    parse = recipients_cache._parse
    monkeypatch.setattr(recipients_cache, "_parse", lambda p: parsed.append(p) or parse(p))
    broken = await current_recipients(path)
    assert broken.recipients is None and "line 3" in broken.problem
    assert await current_recipients(path) is broken and len(parsed) == 1
    path.write_text(CONTRACT, encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different modification time, whatever the clock's resolution
    fixed = await current_recipients(path)
    assert fixed.recipients is not None and [r.id for r in fixed.recipients.recipients] == ["host-abuse"]
    assert len(parsed) == 2


async def test_no_file_is_said_so_and_nothing_is_parsed(tmp_path: Path) -> None:
    missing = await current_recipients(tmp_path / "recipients.yaml")
    assert missing.missing and missing.recipients is None
