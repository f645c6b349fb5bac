"""Structured logs for unattended runs: JSON lines when not on a terminal, with every secret redacted.

Why redact by value, not by field? A secret can reach a message by many routes (an exception that
prints a URL with its password, a library logging its request). The filter replaces the value of every
secret setting (API hash, session string, bot token, passwords in URLs, keys) wherever it appears, in
the message, its arguments and the formatted traceback, and the user information of every URL (a watchlist
source's ``https://user:pass@host/``).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr

from config.settings import Settings
from config.url_credentials import redact_credentials
from evidence.canonical_json import utc_z

REDACTED = "***"
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def secret_values(settings: Settings) -> list[str]:
    """The values to hide: every SecretStr setting, and the password of any URL with one."""
    values: list[str] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr) and value.get_secret_value():
            secret = value.get_secret_value()
            values.append(secret)
            password = urlsplit(secret).password if "://" in secret else None
            if password:
                values.append(password)
    for name in ("alert_webhook_url",):
        url = getattr(settings, name, None)
        password = urlsplit(url).password if url else None
        if password:
            values.append(password)
    return sorted({v for v in values if len(v) >= 4}, key=len, reverse=True)


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted(set(secrets), key=len, reverse=True)  # a longer secret may contain a shorter one

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return redact_credentials(text)  # and any URL's user and password, a watchlist's included

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, self.redact(value))
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": utc_z(datetime.fromtimestamp(record.created, UTC)),
            "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage(),
        }  # fmt: skip
        line |= {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
        if record.exc_text:
            line["error"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


def setup_logging(settings: Settings, stream: Any = None, json_lines: bool | None = None) -> logging.Handler:
    """Log to ``stream`` (stderr): JSON lines unless it is a terminal; secrets redacted. Returns the handler."""
    target = stream or sys.stderr
    as_json = json_lines if json_lines is not None else not getattr(target, "isatty", lambda: False)()
    handler = logging.StreamHandler(target)
    text = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler.setFormatter(JsonLines() if as_json else text)
    handler.addFilter(RedactSecrets(secret_values(settings)))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    return handler
