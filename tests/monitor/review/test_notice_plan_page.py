"""The plan of takedown requests in the review UI: investigators see what would go to whom now and why, read a
request as its recipient would (Korean or English, PDF, JSON), and send one outbox pass that never sends twice."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from config.recipients_loading import load_recipients
from monitor.cards import card_id
from monitor.review.notice_send import SENDING
from monitor.store.notice_records import NoticePlace, NoticeRecord, NoticeState
from monitor.takedown.content import notice_reference
from monitor.takedown.gathering import confirmed_cards
from monitor.takedown.outbox import Signing, send_due, stale_after_for
from monitor.takedown.routing import plan_notices
from monitor.takedown.sending import SmtpSender
from tests.browser import needs_chromium
from tests.doubles.smtp import Mailbox, smtp_server
from tests.monitor.review.conftest import World, post

RECIPIENTS = """\
requester: {organisation: "Example Monitoring Group", contact: "group@example.org", capacity: support_centre, mandate: "MANDATE-1"}
recipients:
  - id: host-abuse
    name: "Local host abuse desk"
    match: {host: "127.0.0.1"}
    channel: email
    address: abuse@example.org
    language: ko
    resend: 1h
  - id: police
    role: police
    channel: manual
    form: "ECRM cyber-crime report"
    url: "https://ecrm.police.go.kr/"
    language: en
  - id: kcsc
    role: regulator
    channel: manual
    form: "KCSC batch request"
    language: ko
"""  # noqa: E501 - the contract's requester line, verbatim
PLACE = "http://127.0.0.1/thread/1"  # the world's place (tests/conftest.py make_sighting)
REFERENCE = re.compile(r'href="/notices/plan/(JKM-[0-9A-F]{12})"')


@pytest.fixture
def smtp() -> Iterator[tuple[str, Mailbox]]:
    with smtp_server() as served:
        yield served


def with_recipients(tmp_path: Path, smtp_url: str | None = None) -> dict[str, Any]:
    """The settings of a world with ``RECIPIENTS`` and, given its URL, a mail server to send through."""
    path = tmp_path / "recipients.yaml"
    path.write_text(RECIPIENTS, encoding="utf-8")
    mail = {"smtp_url": SecretStr(smtp_url), "notice_from": "notices@example.org"} if smtp_url else {}
    return {"recipients": path, **mail}


@pytest.fixture
def settings_overrides(tmp_path: Path, smtp: tuple[str, Mailbox]) -> dict[str, Any]:
    return with_recipients(tmp_path, smtp[0])


async def confirmed(world: World, *, suspected_minor: bool = False) -> str:
    """Confirm the world's card (a volunteer's decision), flagged a suspected minor if asked; its id."""
    hit = world.hits[0]
    card = card_id(hit.media_sha256, hit.item_id)
    vera = await world.client_for("vera")
    assert (await post(vera, f"/cards/{card}/decision", {"verdict": "confirm"})).status == 303
    if suspected_minor:
        ian = await world.client_for("ian")
        await post(ian, f"/cards/{card}/flags", {"suspected_minor": "on", "category": ""})
    return card


async def flashed(client: Any, response: Any) -> str:
    assert response.status == 303, await response.text()
    return str(await (await client.get(response.headers["Location"])).text())


async def test_the_plan_names_each_recipient_its_places_and_cards_and_sends_nothing(world: World) -> None:
    card = await confirmed(world)
    ian = await world.client_for("ian")
    page = await (await ian.get("/notices/plan")).text()
    row = re.search(r'<tr data-reference="(JKM-\w+)" data-recipient="host-abuse">(.*?)</tr>', page, re.S)
    assert row is not None, page
    cells = row.group(2)
    assert "Local host abuse desk" in cells and "abuse@example.org" in cells and "Korean" in cells
    assert PLACE in cells and f'href="/cards/{card}"' in cells
    assert "operator or platform of a public place" in cells and "a public web page on 127.0.0.1" in cells
    assert 'href="' + PLACE not in page  # a place is shown, never a link that would open the material
    recipients = load_recipients(world.settings.recipients)
    (expected,) = plan_notices(
        await confirmed_cards(world.context.store), recipients, now=world.hits[0].seen_at
    ).notices
    assert row.group(1) == notice_reference(expected)
    assert re.findall(r'data-recipient="([\w-]+)"', page) == ["host-abuse"]  # its operator, nobody else yet
    assert await world.context.store.notices() == []  # looking at the plan sends nothing, queues nothing


async def test_a_suspected_minor_goes_first_and_only_to_the_authorities(world: World) -> None:
    await confirmed(world, suspected_minor=True)
    ian = await world.client_for("ian")
    page = await (await ian.get("/notices/plan")).text()
    assert re.findall(r'data-recipient="([\w-]+)"', page) == ["police", "kcsc"]  # never the operator
    assert "first: suspected minor" in page and "child or adolescent" not in page  # the UI's words, not the notice's
    assert "suspected minor: the competent authorities only, first" in page
    assert "host-abuse" not in page  # the rule keeps the operator out: not even listed as left out


async def test_an_escalation_that_is_due_shows_with_its_reason(world: World) -> None:
    """The plan reads what the outbox sent: a place still online long after its first notice goes further."""
    card = await confirmed(world)
    long_ago = datetime.now(UTC) - timedelta(days=30)
    place = NoticePlace(PLACE, (world.hits[0].packet_id or "",), (card,))
    sent = NoticeRecord("a" * 24, "host-abuse", "public", "illegal_filming", "a public web page", "ko", "email",
                        (place,), created_at=long_ago, state=NoticeState.SENT, sent=(long_ago,))  # fmt: skip
    assert await world.context.store.put_notice(sent)
    ian = await world.client_for("ian")
    page = await (await ian.get("/notices/plan")).text()
    assert re.findall(r'data-recipient="([\w-]+)"', page) == ["host-abuse", "kcsc"]  # re-sent, and escalated
    escalated = page[page.index('data-recipient="kcsc"') :]
    assert "still online after the escalation delay" in escalated
    assert "after the first notice to host-abuse" in escalated


async def test_places_left_out_are_listed_with_their_reason(world: World) -> None:
    card = await confirmed(world)
    ian = await world.client_for("ian")
    await post(ian, f"/cards/{card}/flags", {"recipients_shown": "1", "candidate": "host-abuse", "category": ""})
    page = await (await ian.get("/notices/plan")).text()
    left_out = page[page.index('id="left-out"') :]
    assert PLACE in left_out and "host-abuse withheld from this card by a reviewer" in left_out


async def test_without_a_recipients_file_or_with_a_bad_one_the_page_says_why(world: World) -> None:
    await confirmed(world)
    ian = await world.client_for("ian")
    world.settings.recipients.write_text(RECIPIENTS.replace("    address:", "    adress:"), encoding="utf-8")
    page = await (await ian.get("/notices/plan")).text()
    problem = re.search(r'id="plan-problem">(.*?)</p>', page, re.S)
    assert problem is not None and "line 7" in problem.group(1) and "adress" in problem.group(1)
    assert 'action="/notices/send"' not in page
    world.settings.recipients.unlink()
    page = await (await ian.get("/notices/plan")).text()
    assert "There is no recipients file yet" in page and 'action="/notices/send"' not in page


async def test_a_request_previews_in_its_recipients_language_and_switches_to_english(world: World) -> None:
    await confirmed(world)
    ian = await world.client_for("ian")
    (reference,) = REFERENCE.findall(await (await ian.get("/notices/plan")).text())
    korean = await (await ian.get(f"/notices/plan/{reference}")).text()
    fields = ("[불법촬영물등 삭제요청]", "불법촬영물등 유통 신고·삭제요청서", "신고·삭제요청인",
              "위임·동의 근거: MANDATE-1", "기관명: Example Monitoring Group", PLACE, reference)  # fmt: skip
    for field in fields:
        assert field in korean, field
    assert 'lang="ko"' in korean and "Local host abuse desk 귀중" in korean
    english = await (await ian.get(f"/notices/plan/{reference}?language=en")).text()
    assert "[Takedown request]" in english and "신고·삭제요청인" not in english.split('id="email-body"')[1]
    document = await ian.get(f"/notices/plan/{reference}/notice.json")
    assert document.headers["Content-Disposition"].startswith(f'attachment; filename="{reference}.ko.json"')
    parsed = json.loads(await document.read())
    assert parsed["reference"] == reference and parsed["language"] == "ko"
    assert [location["url"] for location in parsed["locations"]] == [PLACE]
    assert await world.context.store.notices() == []  # a preview sends nothing


async def test_an_unknown_reference_is_a_404(world: World) -> None:
    await confirmed(world)
    ian = await world.client_for("ian")
    for path in ("/notices/plan/JKM-000000000000", "/notices/plan/JKM-000000000000/notice.json"):
        response = await ian.get(path)
        assert response.status == 404 and "text/html" in response.headers["Content-Type"]


@needs_chromium
async def test_the_pdf_download_is_a_pdf_of_the_request(world: World) -> None:
    await confirmed(world)
    ian = await world.client_for("ian")
    (reference,) = REFERENCE.findall(await (await ian.get("/notices/plan")).text())
    response = await ian.get(f"/notices/plan/{reference}/notice.pdf?language=en")
    assert response.status == 200 and response.headers["Content-Type"] == "application/pdf"
    assert (await response.read()).startswith(b"%PDF-")
    assert f'filename="{reference}.en.pdf"' in response.headers["Content-Disposition"]


async def test_without_chromium_the_pdf_download_says_how_to_get_one(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("monitor.takedown.pdf.find_chromium", lambda configured=None: None)
    await confirmed(world)
    ian = await world.client_for("ian")
    (reference,) = REFERENCE.findall(await (await ian.get("/notices/plan")).text())
    response = await ian.get(f"/notices/plan/{reference}/notice.pdf")
    assert response.status == 503 and "install Debian's chromium" in await response.text()


async def test_a_volunteer_sees_no_plan_and_cannot_send(world: World, smtp: tuple[str, Mailbox]) -> None:
    await confirmed(world)
    ian, vera = await world.client_for("ian"), await world.client_for("vera")
    (reference,) = REFERENCE.findall(await (await ian.get("/notices/plan")).text())
    for path in ("/notices/plan", f"/notices/plan/{reference}", f"/notices/plan/{reference}/notice.json",
                 f"/notices/plan/{reference}/notice.pdf"):  # fmt: skip
        assert (await vera.get(path)).status == 403, path
    assert (await post(vera, "/notices/send")).status == 403
    assert smtp[1].messages == [] and await world.context.store.notices() == []
    assert 'href="/notices/plan"' not in await (await vera.get("/hits")).text()  # nor a link to it
    assert 'href="/notices/plan"' in await (await ian.get("/hits")).text()


async def test_send_now_delivers_once_in_the_persons_name_and_again_sends_nothing(
    world: World, smtp: tuple[str, Mailbox]
) -> None:
    await confirmed(world)
    ian = await world.client_for("ian")
    page = await flashed(ian, await post(ian, "/notices/send"))
    assert "Outbox pass done: 1 sent, 0 failed" in page
    (mail,) = smtp[1].messages
    assert mail["To"] == "abuse@example.org" and "불법촬영물등 삭제요청" in str(mail["Subject"])
    (notice,) = await world.context.store.notices()
    assert notice.state is NoticeState.SENT and len(notice.sent) == 1
    events = await world.context.store.custody_events(world.hits[0].packet_id or "")
    notified = [(e.actor, e.details["outcome"]) for e in events if e.kind == "notified"]
    assert notified == [("ian", "sent")]
    again = await flashed(ian, await post(ian, "/notices/send"))  # at once: nothing is due before `resend: 1h`
    assert "Outbox pass done: 0 sent, 0 failed" in again and len(smtp[1].messages) == 1
    assert len(await world.context.store.custody_events(world.hits[0].packet_id or "")) == len(events)


async def test_two_clicks_at_once_send_one_request(world: World, smtp: tuple[str, Mailbox]) -> None:
    await confirmed(world)
    ian, other = await world.client_for("ian"), await world.client_for("ian")
    responses = await asyncio.gather(post(ian, "/notices/send"), post(other, "/notices/send"))
    assert [response.status for response in responses] == [303, 303]
    assert len(smtp[1].messages) == 1
    (notice,) = await world.context.store.notices()
    assert notice.sent and len(notice.sent) == 1


async def test_a_click_while_another_process_sends_does_not_send_twice(world: World, smtp: tuple[str, Mailbox]) -> None:
    """The daemon's pass (or ``jikimi notices send``) holds no lock of the UI's: the outbox's claim decides."""
    await confirmed(world)
    ian = await world.client_for("ian")
    settings = world.settings
    daemon = send_due(
        world.context.store, load_recipients(settings.recipients), SmtpSender.from_settings(settings),
        clock=lambda: datetime.now(UTC), signing=Signing("jikimi", world.context.signer),
        stale_after=stale_after_for(settings.notice_smtp_timeout),
    )  # fmt: skip
    clicked, passed = await asyncio.gather(post(ian, "/notices/send"), daemon)
    assert clicked.status == 303 and len(smtp[1].messages) == 1
    (notice,) = await world.context.store.notices()
    assert len(notice.sent) == 1


async def test_a_click_while_a_pass_runs_starts_none(world: World, smtp: tuple[str, Mailbox]) -> None:
    await confirmed(world)
    ian = await world.client_for("ian")
    async with ian.server.app[SENDING]:  # a pass of this application is running
        page = await flashed(ian, await post(ian, "/notices/send"))
    assert "A pass of the outbox is running already" in page
    assert smtp[1].messages == [] and await world.context.store.notices() == []


class TestWithoutAMailServer:
    @pytest.fixture
    def settings_overrides(self, tmp_path: Path) -> dict[str, Any]:
        return with_recipients(tmp_path)

    async def test_send_now_says_so_and_keeps_the_request_queued(self, world: World) -> None:
        await confirmed(world)
        ian = await world.client_for("ian")
        page = await flashed(ian, await post(ian, "/notices/send"))
        assert "0 sent, 1 failed" in page and "JIKIMI_SMTP_URL is not set" in page
        (notice,) = await world.context.store.notices()
        assert notice.state is NoticeState.QUEUED and notice.sent == ()


async def test_send_now_with_a_bad_recipients_file_sends_nothing_and_names_the_problem(
    world: World, smtp: tuple[str, Mailbox]
) -> None:
    await confirmed(world)
    world.settings.recipients.write_text(RECIPIENTS.replace("    address:", "    adress:"), encoding="utf-8")
    ian = await world.client_for("ian")
    response = await post(ian, "/notices/send")
    assert response.headers["Location"] == "/notices/plan"
    page = await flashed(ian, response)
    assert "Nothing was sent:" in page and "adress" in page
    assert smtp[1].messages == [] and await world.context.store.notices() == []
