"""The issue's contract end to end, through the command line: the minimal recipients file (host 127.0.0.1,
resend 2s), an SMTP server and a web page on 127.0.0.1 started by the test.

``notices send`` mails the confirmed place and exits 0; at once again it sends nothing new; after the re-send
interval, the place still online (``jikimi recheck`` says so), it mails again; once the page is gone (410) and
``jikimi recheck`` found it so, ``notices send`` sends nothing more; ``notices list --json`` shows the sent
times (UTC) and the state."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web

from monitor.demo.site import RunningSite
from monitor.records import HitStatus
from monitor.store.sqlite import SqliteStore
from tests.config.test_recipients import CONTRACT
from tests.doubles.smtp import Mailbox, smtp_server
from tests.monitor.cli.test_cli import JIKIMI, cli_environment
from tests.monitor.cli.test_notices_plan import ENTRY, hit, sighting

MEDIA = b"synthetic media bytes, not a picture"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


@dataclass
class Page:
    url: str
    status: int = 200


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    """A thread showing the media, until the test sets ``status`` (410: the page is gone)."""
    shown = Page("")

    async def thread(request: web.Request) -> web.Response:
        body = f'<html><img src="{shown.url}/m.jpg"></html>'
        return web.Response(status=shown.status, text=body if shown.status == 200 else "gone")

    async def media(request: web.Request) -> web.Response:
        return web.Response(body=MEDIA, content_type="image/jpeg")

    app = web.Application()
    app.router.add_get("/thread/1", thread)
    app.router.add_get("/thread/1/m.jpg", media)
    site = RunningSite(app)
    shown.url = f"{await site.start(0)}/thread/1"
    yield shown
    await site.stop()


async def seed(data_dir: Path, url: str) -> None:
    store = SqliteStore(data_dir / "jikimi.sqlite3")
    await store.open()
    seen = sighting(url, hashlib.sha256(MEDIA).hexdigest())
    await store.add_blocklist_entries([ENTRY])
    await store.put_sighting(seen)
    await store.put_hit(hit(seen, HitStatus.CONFIRMED))
    await store.close()


async def jikimi(environment: dict[str, str], cwd: Path, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *JIKIMI, *args, env=environment, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_the_contract_sent_once_resent_while_online_and_never_again_once_gone(tmp_path: Path, page: Page) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    await seed(data_dir, page.url)
    (tmp_path / "recipients.yaml").write_text(CONTRACT, encoding="utf-8")
    with smtp_server() as (smtp_url, mailbox):
        environment = cli_environment(data_dir) | {
            "JIKIMI_RECIPIENTS": str(tmp_path / "recipients.yaml"), "JIKIMI_SMTP_URL": smtp_url,
            "JIKIMI_NOTICE_FROM": "notices@example.org",
        }  # fmt: skip

        async def run(*args: str) -> str:
            status, out, err = await jikimi(environment, tmp_path, *args)
            assert status == 0, err
            return out

        assert (await run("notices", "send")).startswith("1 sent")
        first = time.monotonic()
        assert (await run("notices", "send")).startswith("0 sent")  # at once: nothing new
        assert len(mailbox.messages) == 1
        assert (await run("recheck")).startswith("1 still online")
        await asyncio.sleep(max(0.0, 2.2 - (time.monotonic() - first)))
        assert (await run("notices", "send")).startswith("1 sent")  # 2 s later, still online: re-sent
        page.status = 410
        assert "1 gone" in await run("recheck")
        await asyncio.sleep(2.2)
        assert (await run("notices", "send")).startswith("0 sent")  # gone: no further notice names it
        listed = [json.loads(line) for line in (await run("notices", "list", "--json")).splitlines()]
    assert_two_mails_about(mailbox, page.url)
    (notice,) = listed
    assert notice["recipient"] == "host-abuse" and notice["locations"] == [page.url]
    assert len(notice["sent"]) == 2 and all(ISO_UTC.match(at) for at in notice["sent"])
    assert notice["state"] == "stopped" and "gone" in notice["stopped_reason"]


def assert_two_mails_about(mailbox: Mailbox, url: str) -> None:
    assert [message["To"] for message in mailbox.messages] == ["abuse@example.org"] * 2
    assert all(url in message.get_content() for message in mailbox.messages)


def test_a_refused_send_exits_1_naming_the_error_and_a_manual_notice_is_submitted_by_name(tmp_path: Path) -> None:
    from tests.monitor.cli.test_notices_plan import POLICE
    from tests.monitor.cli.test_notices_plan import seed as seed_places

    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    asyncio.run(seed_places(data_dir))
    (tmp_path / "recipients.yaml").write_text(CONTRACT + POLICE, encoding="utf-8")
    with smtp_server(refuse="550 5.7.1 no relaying for you") as (smtp_url, mailbox):
        environment = cli_environment(data_dir) | {
            "JIKIMI_RECIPIENTS": str(tmp_path / "recipients.yaml"), "JIKIMI_SMTP_URL": smtp_url,
            "JIKIMI_NOTICE_FROM": "notices@example.org",
        }  # fmt: skip

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([*JIKIMI, *args], env=environment, cwd=tmp_path, capture_output=True, text=True,
                                  timeout=120)  # fmt: skip

        refused = run("notices", "send")
        listed = {n["recipient"]: n for n in map(json.loads, run("notices", "list", "--json").stdout.splitlines())}
        submitted = run("notices", "submit", listed["police"]["id"], "--by", "vera")
        again = run("notices", "submit", listed["police"]["id"], "--by", "vera")
        after = {n["recipient"]: n for n in map(json.loads, run("notices", "list", "--json").stdout.splitlines())}
        text = run("notices", "list").stdout
    assert refused.returncode == 1 and "550 5.7.1 no relaying for you" in refused.stderr
    assert "0 sent, 1 failed" in refused.stdout and "1 waiting for a person" in refused.stdout
    assert mailbox.messages == []
    assert listed["host-abuse"]["state"] == "failed" and "550" in listed["host-abuse"]["error"]
    assert listed["police"]["state"] == "queued" and listed["police"]["sent"] == []
    assert submitted.returncode == 0 and "submitted by vera" in submitted.stdout, submitted.stderr
    assert again.returncode == 2 and "only a queued, failed or unconfirmed one" in again.stderr
    assert after["police"]["state"] == "submitted" and after["police"]["submitted_by"] == "vera"
    assert len(after["police"]["sent"]) == 1 and ISO_UTC.match(after["police"]["sent"][0])
    assert "→ host-abuse · failed · sent: never" in text and "550" in text


def test_send_refuses_an_invalid_recipients_file_with_status_2_and_sends_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    (tmp_path / "recipients.yaml").write_text(CONTRACT.replace("resend: 2s", "resend: soon"), encoding="utf-8")
    environment = cli_environment(data_dir) | {"JIKIMI_RECIPIENTS": str(tmp_path / "recipients.yaml")}
    result = subprocess.run([*JIKIMI, "notices", "send"], env=environment, cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert result.returncode == 2 and "line 8" in result.stderr and "'resend'" in result.stderr, result.stderr
    assert not (data_dir / "jikimi.sqlite3").exists()  # stopped before the store was opened
