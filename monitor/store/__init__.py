"""Storage back ends behind the ``Store`` protocol, chosen from the settings (like scrapy's STORE_SCHEMES)."""

from __future__ import annotations

from config.settings import Settings
from monitor.store.base import Store
from monitor.store.mongo import MongoStore
from monitor.store.sqlite import SqliteStore


def store_from_settings(settings: Settings) -> Store:
    """MongoDB when ``MONGODB_URL`` is set, else the embedded SQLite file in the data directory."""
    if settings.mongodb_url is not None:
        return MongoStore.from_url(settings.mongodb_url.get_secret_value(), settings.mongodb_database)
    return SqliteStore(settings.data_dir / "jikimi.sqlite3")


__all__ = ["MongoStore", "SqliteStore", "Store", "store_from_settings"]
