"""The watchlist fields of each source kind: one pydantic model per kind, kept apart from the crawlers.

Why not beside each crawler class? Validating a watchlist (``jikimi status``, the daemon, the review UI's
sources page) needs every kind's model, and the crawler modules import telethon or Scrapy/Twisted, which
cost far more than the validation itself. This module imports only pydantic and ``telegram_links``.
Each crawler still names its model in ``config_model``; the registry's contract test checks they agree.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator, model_validator

from crawlers.fetch_scope import PRIVATE_HINT, FetchScope, address_refusal
from crawlers.telegram_links import parse_channel

TELEGRAM_DOMAINS = ("t.me", "telegram.org", "telesco.pe", "cdn-telegram.org", "telegram-cdn.org")
"""What the real t.me/s preview loads its pages, styles and media from."""

ALLOW_PRIVATE_HELP = (
    "Let this source's requests reach loopback, private and link-local addresses (off: a hostile site could "
    "otherwise make jikimi fetch from the machine or network it runs on). For local sources such as the demo."
)


def _refuse_private_start(urls: list[str], allowed: bool) -> None:
    """A source whose own start address is private must say so: refused later, it would crawl nothing."""
    for url in urls:
        host = urlsplit(url).hostname or ""
        reason = address_refusal(host) or ("localhost names this machine" if host == "localhost" else None)
        if reason is not None and not allowed:
            raise ValueError(f"{url}: {reason}; {PRIVATE_HINT}")


class WebSourceConfig(BaseModel):
    """Fields of a ``kind: web`` source in the watchlist."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start_urls: list[AnyHttpUrl] = Field(min_length=1)
    allowed_domains: list[str] = Field(default_factory=list)
    max_depth: int = Field(2, ge=0, le=20)
    max_pages: int = Field(1000, ge=1)
    allow: list[str] = Field(default_factory=list, description="Follow only links matching one of these regexes.")
    deny: list[str] = Field(default_factory=list, description="Never follow links matching these regexes.")
    obey_robots: bool = True
    allow_private_addresses: bool = Field(False, description=ALLOW_PRIVATE_HELP)

    @model_validator(mode="after")
    def _private_start(self) -> WebSourceConfig:
        _refuse_private_start([str(url) for url in self.start_urls], self.allow_private_addresses)
        return self

    def fetch_scope(self) -> FetchScope:
        """Pages on the start URLs' origins or the allowed domains (``crawlers/fetch_scope.py``)."""
        starts = [str(url) for url in self.start_urls]
        return FetchScope.of(starts, self.allowed_domains, self.allow_private_addresses)

    @field_validator("allow", "deny")
    @classmethod
    def _regexes(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
        return patterns


class TelegramSourceConfig(BaseModel):
    """Fields of a ``kind: telegram`` source. Unset limits fall back to the ``JIKIMI_TELEGRAM_*`` settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: str
    backfill_messages: int | None = Field(None, ge=0, description="First run: read this many recent messages.")
    backfill_days: float | None = Field(None, gt=0, description="First run: read the messages of these days.")
    max_media_bytes: int | None = Field(None, gt=0)
    flood_wait_budget: float | None = Field(None, ge=0)

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str) -> str:
        parse_channel(value)
        return value


class TelegramWebSourceConfig(BaseModel):
    """Fields of a ``kind: telegram_web`` source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: str
    base_url: str = "https://t.me"
    backfill_messages: int | None = Field(None, ge=0, description="First run: read back this many messages.")
    max_pages: int = Field(1000, ge=1, description="Preview pages read in one run at most (about 20 posts each).")
    allow_private_addresses: bool = Field(False, description=ALLOW_PRIVATE_HELP)

    @model_validator(mode="after")
    def _private_base(self) -> TelegramWebSourceConfig:
        _refuse_private_start([self.base_url], self.allow_private_addresses)
        return self

    def fetch_scope(self) -> FetchScope:
        """``base_url``'s origin, and Telegram's own domains when it is the real ``t.me``."""
        real = (urlsplit(self.base_url).hostname or "").lower() == "t.me"
        return FetchScope.of([self.base_url], TELEGRAM_DOMAINS if real else (), self.allow_private_addresses)

    @field_validator("channel")
    @classmethod
    def _public_username(cls, value: str) -> str:
        ref = parse_channel(value)
        if ref.username is None:
            raise ValueError("the t.me/s preview needs the channel's public @username, not a numeric id")
        return ref.username
