"""A change on the card page that takes a recipient off a picture's requests stops that recipient's open
notice at once: a manual request to an operator cannot be recorded as submitted after the card was flagged a
suspected minor, even before the outbox's next pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from config.recipients_loading import load_recipients
from monitor.cards import card_id
from monitor.store.notice_records import NoticeState
from monitor.takedown.outbox import Signing, send_due
from tests.config.test_recipients import REQUESTER
from tests.monitor.review.conftest import World, post

RECIPIENTS = (
    REQUESTER
    + """\
recipients:
  - {id: host-abuse, match: {host: "127.0.0.1"}, channel: manual, form: "the host's abuse form"}
  - {id: police, role: police, channel: manual, form: "ECRM"}
"""
)


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "recipients.yaml"
    path.write_text(RECIPIENTS, encoding="utf-8")
    return {"recipients": path}


async def test_flagging_a_suspected_minor_stops_the_operators_manual_request_before_anyone_submits_it(
    world: World,
) -> None:
    hit = world.hits[0]
    card = card_id(hit.media_sha256, hit.item_id)
    store = world.context.store
    vera, ian = await world.client_for("vera"), await world.client_for("ian")
    await post(vera, f"/cards/{card}/decision", {"verdict": "confirm"})
    recipients = load_recipients(world.settings.recipients)
    now = datetime.now(UTC)
    await send_due(store, recipients, None, clock=lambda: now, signing=Signing("jikimi", None),
                   stale_after=timedelta(minutes=5))  # fmt: skip
    (operator,) = [notice for notice in await store.notices() if notice.recipient == "host-abuse"]
    assert operator.state is NoticeState.QUEUED  # waiting for a person to submit the host's form
    await post(vera, f"/cards/{card}/flags", {"suspected_minor": "on", "category": ""})
    stopped = await store.get_notice(operator.id)
    assert stopped is not None and stopped.state is NoticeState.STOPPED
    await post(ian, f"/notices/{operator.id}/submitted")
    after = await store.get_notice(operator.id)
    assert after is not None and after.state is NoticeState.STOPPED and not after.submitted_by
