"""Settings from the environment, the watchlist of sources and the recipients of notices: the root of jikimi's imports.

Every package imports ``config.errors``, which runs this file first; so the names below are imported on
first use (``config/lazy_imports.py``) and ``config.errors`` alone loads neither pydantic nor YAML.
"""

from typing import TYPE_CHECKING

from config.lazy_imports import lazy_exports

if TYPE_CHECKING:
    from config.durations import parse_duration
    from config.errors import ConfigError, JikimiError, did_you_mean
    from config.recipients import RecipientsFile
    from config.recipients_loading import load_recipients
    from config.settings import Settings, load_settings
    from config.watchlist import Schedule, Source, load_watchlist
else:
    __getattr__ = lazy_exports(
        __name__,
        {
            "config.durations": ("parse_duration",),
            "config.errors": ("ConfigError", "JikimiError", "did_you_mean"),
            "config.recipients": ("RecipientsFile",),
            "config.recipients_loading": ("load_recipients",),
            "config.settings": ("Settings", "load_settings"),
            "config.watchlist": ("Schedule", "Source", "load_watchlist"),
        },
    )

__all__ = [
    "ConfigError",
    "JikimiError",
    "RecipientsFile",
    "Schedule",
    "Settings",
    "Source",
    "did_you_mean",
    "load_recipients",
    "load_settings",
    "load_watchlist",
    "parse_duration",
]
