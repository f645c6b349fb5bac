"""What each part of ``MongoStore`` (records, cards, review sessions, notices) needs of it: ``db`` and the
helpers ``MongoStore`` defines. One declaration for every part, so each mixin states its needs by its base."""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


class MongoPart:
    """Needs ``db`` and the helpers of ``MongoStore``."""

    db: Any

    async def _insert(self, collection: str, record_id: str, record: Any) -> bool:
        raise NotImplementedError

    async def _find(
        self, cls: type[T], collection: str, query: dict[str, Any], sort: list[tuple[str, int]] | None = None,
        limit: int = 0, skip: int = 0,
    ) -> list[T]:  # fmt: skip
        raise NotImplementedError
