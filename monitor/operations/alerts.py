"""Alerts for the people running the monitor: new hits, a source failing repeatedly, a time-stamp backlog.

Two channels, both optional: a webhook (JSON POST) and a Telegram bot message to a group chat. An alert
carries counts and a link to the review UI only: never an image, never a distributor's name, channel or
URL, so a leaked alert exposes nothing about a victim or a hit. Delivery is retried with back-off; a
failed delivery is logged (without the bot token) and never stops the daemon.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp

from config.settings import Settings

log = logging.getLogger("jikimi.alerts")


@dataclass(frozen=True, slots=True)
class Alert:
    kind: str  # new-hits, source-failing, tsa-backlog
    text: str
    facts: dict[str, Any] = field(default_factory=dict)  # counts, source id, link: nothing about a victim


class AlertChannel(Protocol):
    @property
    def name(self) -> str: ...

    async def deliver(self, http: aiohttp.ClientSession, alert: Alert) -> None:
        """Send once; raise on failure (the caller retries)."""


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str
    name: str = "webhook"

    async def deliver(self, http: aiohttp.ClientSession, alert: Alert) -> None:
        payload = {"kind": alert.kind, "text": alert.text, **alert.facts}
        async with http.post(self.url, json=payload) as response:
            if response.status >= 300:
                raise RuntimeError(f"HTTP {response.status}")


@dataclass(frozen=True, slots=True)
class TelegramBot:
    api: str
    token: str
    chat_id: str
    name: str = "telegram bot"

    async def deliver(self, http: aiohttp.ClientSession, alert: Alert) -> None:
        url = f"{self.api.rstrip('/')}/bot{self.token}/sendMessage"
        body = {"chat_id": self.chat_id, "text": alert.text, "disable_web_page_preview": True}
        async with http.post(url, json=body) as response:
            if response.status >= 300:
                raise RuntimeError(f"HTTP {response.status}")


def channels_from_settings(settings: Settings) -> list[AlertChannel]:
    channels: list[AlertChannel] = []
    if settings.alert_webhook_url:
        channels.append(Webhook(settings.alert_webhook_url))
    token = settings.alert_telegram_bot_token.get_secret_value() if settings.alert_telegram_bot_token else ""
    if token and settings.alert_telegram_chat_id:
        channels.append(TelegramBot(settings.alert_telegram_api, token, settings.alert_telegram_chat_id))
    return channels


class Alerter:
    """Sends each alert to every channel, retrying each with exponential back-off."""

    def __init__(self, channels: Sequence[AlertChannel], attempts: int = 4, first_delay: float = 2.0) -> None:
        self.channels = list(channels)
        self.attempts = attempts
        self.first_delay = first_delay
        self.sent: list[Alert] = []

    async def send(self, alert: Alert) -> None:
        self.sent.append(alert)
        if not self.channels:
            return
        timeout = aiohttp.ClientTimeout(total=15)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            await asyncio.gather(*(self._deliver(http, channel, alert) for channel in self.channels))

    async def _deliver(self, http: aiohttp.ClientSession, channel: AlertChannel, alert: Alert) -> None:
        delay = self.first_delay
        for attempt in range(1, self.attempts + 1):
            try:
                await channel.deliver(http, alert)
                return
            except (TimeoutError, aiohttp.ClientError, RuntimeError) as exc:
                # the exception's text may hold the URL, and the bot's URL holds its token
                reason = str(exc) if isinstance(exc, RuntimeError) else type(exc).__name__
                log.warning("alert %s via %s failed (attempt %d): %s", alert.kind, channel.name, attempt, reason)
                if attempt < self.attempts:
                    await asyncio.sleep(delay)
                    delay *= 2
        log.error("alert %s via %s given up after %d attempts", alert.kind, channel.name, self.attempts)


def new_hits_alert(count: int, source_id: str, review_url: str) -> Alert:
    text = f"jikimi: {count} new hit(s) to review from source {source_id}. Review: {review_url}/hits?status=pending"
    return Alert("new-hits", text, {"hits": count, "source": source_id, "link": f"{review_url}/hits?status=pending"})


def failing_alert(source_id: str, failures: int, status: str, retry_at: str) -> Alert:
    text = f"jikimi: source {source_id} failed {failures} times in a row ({status}); next try {retry_at}."
    return Alert("source-failing", text, {"source": source_id, "failures": failures, "status": status})


def backlog_alert(waiting: int) -> Alert:
    text = f"jikimi: {waiting} evidence packets are awaiting their RFC 3161 time-stamp (is the TSA reachable?)."
    return Alert("tsa-backlog", text, {"waiting": waiting})
