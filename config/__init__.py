"""Settings from the environment and the watchlist of sources: the root of jikimi's imports.

Every package imports ``config.errors``, which runs this file first; so the names below are imported on
first use (``config/lazy_imports.py``) and ``config.errors`` alone loads neither pydantic nor YAML.
"""

from typing import TYPE_CHECKING

from config.lazy_imports import lazy_exports

if TYPE_CHECKING:
    from config.durations import parse_duration
    from config.errors import ConfigError, JikimiError, did_you_mean
    from config.settings import Settings, load_settings
    from config.watchlist import Schedule, Source, load_watchlist
else:
    __getattr__ = lazy_exports(
        __name__,
        {
            "config.durations": ("parse_duration",),
            "config.errors": ("ConfigError", "JikimiError", "did_you_mean"),
            "config.settings": ("Settings", "load_settings"),
            "config.watchlist": ("Schedule", "Source", "load_watchlist"),
        },
    )

__all__ = [
    "ConfigError",
    "JikimiError",
    "Schedule",
    "Settings",
    "Source",
    "did_you_mean",
    "load_settings",
    "load_watchlist",
    "parse_duration",
]
