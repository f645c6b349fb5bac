"""The outbox's tests share a store seeded like ``jikimi notices plan``'s (tests/monitor/cli/test_notices_plan.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from monitor.store.sqlite import SqliteStore
from tests.monitor.cli.test_notices_plan import seed


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    await seed(tmp_path)  # confirmed: FORUM/1 (public, host 127.0.0.1) and a private group; FORUM/4 found gone
    opened = SqliteStore(tmp_path / "jikimi.sqlite3")
    await opened.open()
    yield opened
    await opened.close()
