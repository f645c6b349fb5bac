"""Settings from the environment and the watchlist of sources: the root of jikimi's imports."""

from config.durations import parse_duration
from config.errors import ConfigError, JikimiError, did_you_mean
from config.settings import Settings, load_settings
from config.watchlist import Schedule, Source, load_watchlist

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
