"""What each part of ``SqliteStore`` (records, cards, review sessions, notices) needs of it: the connection
methods ``SqliteStore`` defines. One declaration for every part, so each mixin states its needs by its base."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class SqlitePart:
    """Needs the connection methods of ``SqliteStore``."""

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        raise NotImplementedError

    async def _insert(self, table: str, columns: dict[str, Any]) -> bool:
        raise NotImplementedError

    async def _bodies(self, cls: type[T], sql: str, params: tuple[Any, ...] = ()) -> list[T]:
        raise NotImplementedError
