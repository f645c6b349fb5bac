"""The root of jikimi's exception tree, and configuration errors.

Every package adds its own branch in its ``errors.py``::

    JikimiError                      anything jikimi explains to the user (the CLI prints the message)
    ├── ConfigError                  bad settings or a bad watchlist file: nothing runs (exit status 2)
    ├── crawlers.errors.CrawlError   a source could not be crawled
    ├── monitor.errors.MonitorError  hashing, blocklist or store trouble
    └── evidence.errors.EvidenceError

Anything that is not a ``JikimiError`` is a bug and shows a traceback.
"""

from __future__ import annotations


class JikimiError(Exception):
    """An error whose message is written for the person running jikimi."""

    exit_code: int = 1


class UsageError(JikimiError):
    """A command was given a bad argument (an unknown role, a weak password, a taken name)."""

    exit_code = 2


class ConfigError(JikimiError):
    """Settings or the watchlist are invalid; the message names the file, source and field."""

    exit_code = 2

    def __init__(self, message: str, *, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting


def did_you_mean(name: str, choices: list[str] | tuple[str, ...] | set[str]) -> str:
    """A ``did you mean 'x'?`` hint for an unknown name, or a list of the valid ones."""
    import difflib

    close = difflib.get_close_matches(name, sorted(choices), n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return "expected one of " + ", ".join(repr(c) for c in sorted(choices))
