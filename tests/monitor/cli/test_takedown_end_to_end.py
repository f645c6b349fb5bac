"""Held out end to end, the way a group runs jikimi: a victim's picture hashed (``blocklist add-images``), a
site crawled (``crawl``), the picture confirmed (``hits decide``), the first notice mailed (``notices send``),
the place still online and the notice re-sent, the page taken down, no notice after that, and the report
showing one removal with its time. Every step is the command line; the site and the SMTP server run on
127.0.0.1 for the test; the picture is generated."""

from __future__ import annotations

import asyncio
import csv
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from monitor.demo.pictures import encode, make_picture
from monitor.demo.site import RunningSite
from tests.config.test_recipients import CONTRACT
from tests.doubles.smtp import smtp_server
from tests.monitor.cli.test_cli import JIKIMI, cli_environment
from tests.monitor.cli.test_notices_send import jikimi

PICTURE = encode(make_picture(7))  # generated: shapes and colours, nobody's picture


class Forum:
    """A thread showing the picture until ``gone`` (then 410)."""

    def __init__(self) -> None:
        self.gone = False
        self.url = ""

    async def thread(self, request: web.Request) -> web.Response:
        if self.gone:
            return web.Response(status=410, text="removed")
        return web.Response(text='<html><body><img src="/media/p.jpg"></body></html>', content_type="text/html")

    async def media(self, request: web.Request) -> web.Response:
        return web.Response(status=410) if self.gone else web.Response(body=PICTURE, content_type="image/jpeg")


@pytest.fixture
async def forum() -> AsyncIterator[Forum]:
    shown = Forum()
    app = web.Application()
    app.router.add_get("/thread/1", shown.thread)
    app.router.add_get("/media/p.jpg", shown.media)
    site = RunningSite(app)
    shown.url = f"{await site.start(0)}/thread/1"
    yield shown
    await site.stop()


async def test_crawl_confirm_notify_resend_removed_silence_and_the_report(tmp_path: Path, forum: Forum) -> None:
    data_dir, victim = tmp_path / "data", tmp_path / "victim"
    data_dir.mkdir(mode=0o700)
    victim.mkdir()
    (victim / "picture.jpg").write_bytes(PICTURE)
    (tmp_path / "watchlist.yaml").write_text(
        f"sources:\n  - id: forum\n    kind: web\n    start_urls: [{forum.url}]\n    allowed_domains: [127.0.0.1]\n"
        "    allow_private_addresses: true\n    max_depth: 0\n    schedule: {every: 30m}\n"
    )  # fmt: skip
    (tmp_path / "recipients.yaml").write_text(CONTRACT, encoding="utf-8")
    with smtp_server() as (smtp_url, mailbox):
        environment = cli_environment(data_dir) | {
            "JIKIMI_RECIPIENTS": str(tmp_path / "recipients.yaml"), "JIKIMI_SMTP_URL": smtp_url,
            "JIKIMI_NOTICE_FROM": "notices@example.org", "JIKIMI_WATCHLIST": str(tmp_path / "watchlist.yaml"),
        }  # fmt: skip

        async def run(*args: str) -> str:
            status, out, err = await jikimi(environment, tmp_path, *args)
            assert status == 0, (args, out, err)
            return out

        await run("blocklist", "add-images", str(victim), "--case", "case-42")
        await run("crawl")
        (card,) = [json.loads(line) for line in (await run("hits", "--json")).splitlines()]
        assert [place["location"] for place in card["locations"]] == [forum.url]
        process = await asyncio.create_subprocess_exec(
            *JIKIMI, "users", "add", "ian", "--role", "investigator", "--password-stdin",
            env=environment, cwd=tmp_path, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        await asyncio.wait_for(process.communicate(b"a long enough password\n"), timeout=120)
        await run("hits", "decide", card["id"], "--verdict", "confirmed", "--reviewer", "ian")
        assert (await run("notices", "send")).startswith("1 sent")
        first = time.monotonic()
        assert (await run("recheck")).startswith("1 still online")
        await asyncio.sleep(max(0.0, 2.2 - (time.monotonic() - first)))
        assert (await run("notices", "send")).startswith("1 sent")  # still online after resend: 2s
        forum.gone = True
        assert "1 gone" in await run("recheck")
        await asyncio.sleep(2.2)
        assert (await run("notices", "send")).startswith("0 sent")  # gone: nothing names it again
        await run("report", "--out", str(tmp_path / "report"))
    assert len(mailbox.messages) == 2 and all(forum.url in m.get_content() for m in mailbox.messages)
    assert not any(message.is_multipart() for message in mailbox.messages)  # text only: never the picture
    rows = list(csv.DictReader((tmp_path / "report" / "locations.csv").open(encoding="utf-8")))
    (row,) = rows
    assert row["location"] == forum.url and row["notices_sent"] == "2" and row["removed_at"]
    assert "post deleted" in row["outcome"] or "page gone" in row["outcome"]
