"""The outbox in the review UI: investigators see every takedown request, record a manual one as submitted
and settle a send nobody could confirm; each is a custody event on the notice's packets, in their name."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from monitor.store.notice_records import NoticePlace, NoticeRecord, NoticeState
from tests.monitor.review.conftest import World, post

AT = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


async def outbox(world: World) -> tuple[NoticeRecord, NoticeRecord, NoticeRecord]:
    """A manual notice waiting, a send whose outcome is unknown, and one sent by e-mail, all about world's place."""
    hit = world.hits[0]
    places = (NoticePlace(hit.location, (hit.packet_id or "",), ()),)

    def notice(number: int, channel: str, state: NoticeState, **more: object) -> NoticeRecord:
        return NoticeRecord(f"{number:024x}", f"recipient-{number}", "public-operator", "deepfake", "public place",
                            "ko", channel, places, created_at=AT, state=state, **more)  # type: ignore[arg-type]  # fmt: skip

    made = (
        notice(1, "manual", NoticeState.QUEUED, reference="JKM-MANUAL"),
        notice(2, "email", NoticeState.SENDING, needs_check="the reply was lost", sending_since=AT),
        notice(3, "email", NoticeState.SENT, sent=(AT,)),
    )
    for record in made:
        assert await world.context.store.put_notice(record)
    return made


async def test_an_investigator_records_a_manual_request_as_submitted_with_custody(world: World) -> None:
    manual, unknown, sent = await outbox(world)
    ian = await world.client_for("ian")
    page = await (await ian.get("/notices")).text()
    assert "JKM-MANUAL" in page and page.count('action="/notices/') == 3  # submit ×2, retry ×1; none for `sent`
    assert f"/notices/{sent.id}/" not in page
    response = await post(ian, f"/notices/{manual.id}/submitted")
    assert response.status == 303 and response.headers["Location"] == "/notices"
    stored = await world.context.store.get_notice(manual.id)
    assert stored is not None and stored.state == NoticeState.SUBMITTED and stored.submitted_by == "ian"
    events = await world.context.store.custody_events(world.hits[0].packet_id or "")
    assert [(e.kind, e.actor) for e in events][-1] == ("notified", "ian")
    again = await post(ian, f"/notices/{manual.id}/submitted")  # twice: refused, said so, nothing recorded
    assert "no longer waiting" in await (await ian.get(again.headers["Location"])).text()
    assert len(await world.context.store.custody_events(world.hits[0].packet_id or "")) == len(events)


async def test_a_send_nobody_could_confirm_is_queued_again_when_it_never_arrived(world: World) -> None:
    _, unknown, _ = await outbox(world)
    ian = await world.client_for("ian")
    await post(ian, f"/notices/{unknown.id}/retry")
    stored = await world.context.store.get_notice(unknown.id)
    assert stored is not None and stored.state == NoticeState.QUEUED and not stored.needs_check


async def test_volunteers_do_not_see_the_outbox(world: World) -> None:
    manual, _, _ = await outbox(world)
    vera = await world.client_for("vera")
    assert (await vera.get("/notices")).status == 403
    assert (await post(vera, f"/notices/{manual.id}/submitted")).status == 403
    assert (await world.context.store.get_notice(manual.id)).state == NoticeState.QUEUED  # type: ignore[union-attr]


async def test_an_email_request_cannot_be_marked_submitted_by_hand(world: World) -> None:
    _, unknown, sent = await outbox(world)
    queued_email = dataclasses.replace(sent, id="f" * 24, state=NoticeState.QUEUED, sent=())
    assert await world.context.store.put_notice(queued_email)
    ian = await world.client_for("ian")
    for notice in (queued_email, sent):  # it is sent by e-mail, or was sent already: no button, and no way round
        await post(ian, f"/notices/{notice.id}/submitted")
        assert (await world.context.store.get_notice(notice.id)).state == notice.state  # type: ignore[union-attr]
    await post(ian, f"/notices/{sent.id}/retry")
    assert (await world.context.store.get_notice(sent.id)).state == NoticeState.SENT  # type: ignore[union-attr]
