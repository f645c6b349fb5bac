"""Alerts reach a webhook and a Telegram bot (retried, never carrying hit details); logs never carry secrets."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from pydantic import SecretStr

from config.settings import Settings
from monitor.demo.site import RunningSite
from monitor.operations.alerts import Alerter, TelegramBot, Webhook, channels_from_settings, new_hits_alert
from monitor.operations.logs import RedactSecrets, setup_logging

TOKEN = "123456:TEST-bot-token-never-logged"


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[tuple[str, Any]]]]:
    """A webhook endpoint that fails once, and a Bot API ``sendMessage``; both record what they got."""
    received: list[tuple[str, Any]] = []
    failures = {"left": 1}

    async def hook(request: web.Request) -> web.Response:
        if failures["left"]:
            failures["left"] -= 1
            return web.Response(status=503)
        received.append(("webhook", await request.json()))
        return web.Response(status=204)

    async def bot(request: web.Request) -> web.Response:
        received.append((request.match_info["token"], await request.json()))
        return web.json_response({"ok": True, "result": {}})

    app = web.Application()
    app.router.add_post("/hook", hook)
    app.router.add_post("/bot{token}/sendMessage", bot)
    site = RunningSite(app)
    url = await site.start(0)
    yield url, received
    await site.stop()


async def test_a_new_hits_alert_reaches_both_channels_with_counts_and_a_link_only(
    receiver: tuple[str, list[tuple[str, Any]]],
) -> None:
    url, received = receiver
    alerter = Alerter([Webhook(url + "/hook"), TelegramBot(url, TOKEN, "-100777")], attempts=3, first_delay=0.01)
    await alerter.send(new_hits_alert(3, "forum-1", "https://review.example.org"))
    (hook,) = [body for who, body in received if who == "webhook"]  # delivered once, after one retry
    (message,) = [body for who, body in received if who == TOKEN]
    assert hook["kind"] == "new-hits" and hook["hits"] == 3 and hook["link"].startswith("https://review.example.org")
    assert message["chat_id"] == "-100777" and "3 new hit(s)" in message["text"]
    assert "http://" not in message["text"] and "t.me" not in message["text"]  # no location of any hit


async def test_an_alert_channel_that_is_down_is_given_up_on_without_stopping_anything(caplog: Any) -> None:
    alerter = Alerter([Webhook("http://127.0.0.1:9/hook")], attempts=2, first_delay=0.01)
    await alerter.send(new_hits_alert(1, "s", "http://ui"))
    assert "given up after 2 attempts" in caplog.text


def test_channels_come_from_the_settings(settings: Settings) -> None:
    assert channels_from_settings(settings) == []
    configured = settings.model_copy(update={
        "alert_webhook_url": "http://127.0.0.1/hook", "alert_telegram_chat_id": "-1",
        "alert_telegram_bot_token": SecretStr(TOKEN),
    })  # fmt: skip
    assert [channel.name for channel in channels_from_settings(configured)] == ["webhook", "telegram bot"]


def test_logs_are_json_lines_and_every_secret_is_redacted(settings: Settings) -> None:
    secrets = {
        "telegram_api_hash": "0123456789abcdef-api-hash", "telegram_session": "1BVtsOKABu0-session-string",
        "alert_telegram_bot_token": TOKEN, "mongodb_url": "mongodb://jikimi:db-pass-word@127.0.0.1/x",
        "media_key": "bWVkaWEta2V5LW5ldmVyLWxvZ2dlZC0wMTIzNDU2Nzg5",
    }  # fmt: skip
    configured = settings.model_copy(update={k: SecretStr(v) for k, v in secrets.items()})
    stream = io.StringIO()
    handler = setup_logging(configured, stream, json_lines=True)
    try:
        log = logging.getLogger("jikimi.test")
        log.info("connecting with %s and %s", secrets["telegram_api_hash"], "db-pass-word", extra={"token": TOKEN})
        try:
            raise RuntimeError(f"bot {TOKEN} refused, session {secrets['telegram_session']}")
        except RuntimeError:
            log.exception("alert failed")
    finally:
        logging.getLogger().removeHandler(handler)
    text = stream.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["message"] for line in lines] == ["connecting with *** and ***", "alert failed"]
    assert lines[0]["token"] == "***" and "RuntimeError: bot *** refused, session ***" in lines[1]["error"]
    assert not any(secret in text for secret in [*secrets.values(), "db-pass-word"])


def test_the_redaction_filter_replaces_longer_secrets_first() -> None:
    record = logging.makeLogRecord({"msg": "abc-secret and abc-secret-longer"})
    RedactSecrets(["abc-secret", "abc-secret-longer"]).filter(record)
    assert record.msg == "*** and ***"
