"""Browser tests run in Debian's chromium. Skipped (with the reason) where it is missing, except in CI,
which sets ``REQUIRE_BROWSER_TESTS=1`` so that a missing browser fails them instead of hiding them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from evidence.rendering import find_chromium

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("REQUIRE_BROWSER_TESTS"),
    reason="Debian's chromium is not installed (make test installs it with apt-get when it can)",
)


def chromium() -> Path:
    assert CHROMIUM is not None, "REQUIRE_BROWSER_TESTS is set but no chromium executable was found"
    return CHROMIUM
