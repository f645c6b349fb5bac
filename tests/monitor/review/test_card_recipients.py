"""A card page shows who its takedown requests would go to before anything is sent, and a reviewer can take
one off: the withheld recipient is never asked about that picture, and the change is in custody."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from config.recipients_loading import load_recipients
from monitor.cards import card_id
from monitor.takedown.gathering import confirmed_cards
from monitor.takedown.routing import plan_notices
from tests.config.test_recipients import CONTRACT
from tests.monitor.review.conftest import World, post


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, Any]:
    """The issue's minimal recipients file: the abuse contact of host 127.0.0.1 (the world's place)."""
    path = tmp_path / "recipients.yaml"
    path.write_text(CONTRACT, encoding="utf-8")
    return {"recipients": path}


async def test_the_card_page_names_the_recipients_and_a_reviewer_withholds_one(world: World) -> None:
    hit = world.hits[0]
    card = card_id(hit.media_sha256, hit.item_id)
    vera = await world.client_for("vera")
    page = await (await vera.get(f"/cards/{card}")).text()
    assert 'name="ask" value="host-abuse" checked disabled' in page  # before any confirmation; a volunteer's view
    await post(vera, f"/cards/{card}/decision", {"verdict": "confirm"})
    recipients = load_recipients(world.settings.recipients)
    before = plan_notices(await confirmed_cards(world.context.store), recipients, now=hit.seen_at)
    assert [notice.recipient for notice in before.notices] == ["host-abuse"]
    ian = await world.client_for("ian")  # withholding needs an investigator
    await post(ian, f"/cards/{card}/flags", {"recipients_shown": "1", "candidate": "host-abuse", "category": ""})
    page = await (await ian.get(f"/cards/{card}")).text()
    assert '<input type="checkbox" name="ask" value="host-abuse">' in page
    after = plan_notices(await confirmed_cards(world.context.store), recipients, now=hit.seen_at)
    assert after.notices == () and "withheld from this card by a reviewer" in after.unplanned[0].reason
    flagged = [e for e in await world.context.store.custody_events(hit.custody_chain) if e.kind == "flagged"]
    assert flagged[-1].details["withheld"] == ["host-abuse"] and flagged[-1].actor == "ian"


async def test_a_withheld_recipient_stays_withheld_when_the_page_cannot_list_it(world: World) -> None:
    hit = world.hits[0]
    card = card_id(hit.media_sha256, hit.item_id)
    ian = await world.client_for("ian")
    await post(ian, f"/cards/{card}/flags", {"recipients_shown": "1", "candidate": "host-abuse", "category": ""})
    assert (await world.context.store.card_flags([card]))[card].withheld == ("host-abuse",)
    world.settings.recipients.write_bytes(b"\xff\xfe not UTF-8")  # broken: the page can list nobody
    page = await (await ian.get(f"/cards/{card}")).text()
    assert "not UTF-8" in page and 'name="recipients_shown"' not in page
    saved_at = re.search(r'name="flags_at" value="([^"]*)"', page)
    assert saved_at
    await post(ian, f"/cards/{card}/flags", {"flags_at": saved_at.group(1), "category": "deepfake"})
    flags = (await world.context.store.card_flags([card]))[card]
    assert (flags.category, flags.withheld) == ("deepfake", ("host-abuse",))  # not silently asked again


async def test_only_an_investigator_withholds_a_recipient(world: World) -> None:
    hit = world.hits[0]
    card = card_id(hit.media_sha256, hit.item_id)
    vera = await world.client_for("vera")
    assert 'value="host-abuse" checked disabled' in await (await vera.get(f"/cards/{card}")).text()
    await post(vera, f"/cards/{card}/flags", {"recipients_shown": "1", "candidate": "host-abuse", "category": ""})
    assert (await world.context.store.card_flags([card]))[card].withheld == ()
