"""Storage back ends behind the ``Store`` protocol, chosen from the settings (like scrapy's STORE_SCHEMES).

Back ends are ``"module:Class"`` strings imported when chosen, so a process on the embedded SQLite store
never imports pymongo; the package's other names are imported on first use (``config/lazy_imports.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from config.lazy_imports import lazy_exports, load_object

if TYPE_CHECKING:
    from config.settings import Settings
    from monitor.store.base import Store
    from monitor.store.mongo import MongoStore
    from monitor.store.sqlite import SqliteStore
else:
    __getattr__ = lazy_exports(
        __name__,
        {
            "monitor.store.base": ("Store",),
            "monitor.store.mongo": ("MongoStore",),
            "monitor.store.sqlite": ("SqliteStore",),
        },
    )

STORE_SCHEMES: dict[str, str] = {
    "sqlite": "monitor.store.sqlite:SqliteStore",
    "mongodb": "monitor.store.mongo:MongoStore",
}
"""Back end name → ``"module:Class"`` of its ``Store``."""


def store_from_settings(settings: Settings) -> Store:
    """MongoDB when ``MONGODB_URL`` is set, else the embedded SQLite file in the data directory."""
    if settings.mongodb_url is not None:
        mongo_store = cast("type[MongoStore]", load_object(STORE_SCHEMES["mongodb"]))
        return mongo_store.from_url(settings.mongodb_url.get_secret_value(), settings.mongodb_database)
    sqlite_store = cast("type[SqliteStore]", load_object(STORE_SCHEMES["sqlite"]))
    return sqlite_store(settings.data_dir / "jikimi.sqlite3")


__all__ = ["STORE_SCHEMES", "MongoStore", "SqliteStore", "Store", "store_from_settings"]
