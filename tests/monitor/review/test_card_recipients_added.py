"""An investigator can ask one more recipient about a picture from its card page, but only one the routing
rules allow for its places; taking the addition back, or a volunteer trying it, changes nothing else."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from config.recipients_loading import load_recipients
from monitor.cards import card_id
from monitor.takedown.gathering import confirmed_cards
from monitor.takedown.records import Rule
from monitor.takedown.routing import plan_notices
from tests.config.test_recipients import CONTRACT
from tests.monitor.review.conftest import World, post

MORE = """\
  - {id: other-abuse, match: {host: "forum.example"}, channel: email, address: abuse@forum.example}
  - {id: kcsc, role: regulator, channel: manual, form: "KCSC digital sex crime report"}
  - {id: police, role: police, channel: manual, form: "ECRM"}
"""


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, Any]:
    """The contract's abuse contact of 127.0.0.1 (the world's place), another host's, a regulator, the police."""
    path = tmp_path / "recipients.yaml"
    path.write_text(CONTRACT + MORE, encoding="utf-8")
    return {"recipients": path}


def also_ask(page: str) -> list[str]:
    return re.findall(r'name="add" value="([^"]+)"', page)


async def test_an_investigator_adds_a_recipient_the_rules_allow_and_it_is_asked_about_the_picture(world: World) -> None:
    hit = world.hits[0]
    card = card_id(hit.media_sha256, hit.item_id)
    ian = await world.client_for("ian")
    page = await (await ian.get(f"/cards/{card}")).text()
    assert also_ask(page) == ["kcsc", "police"]  # not other-abuse: it is not the operator of this place
    await post(ian, f"/cards/{card}/decision", {"verdict": "confirm"})
    await post(ian, f"/cards/{card}/flags", {
        "recipients_shown": "1", "candidate": "host-abuse", "ask": "host-abuse", "addable": ["kcsc", "police"],
        "add": "kcsc", "category": "",
    })  # fmt: skip
    assert (await world.context.store.card_flags([card]))[card].added == ("kcsc",)
    plan = plan_notices(await confirmed_cards(world.context.store), load_recipients(world.settings.recipients),
                        now=hit.seen_at)  # fmt: skip
    assert {notice.recipient: notice.rule for notice in plan.notices} == {
        "host-abuse": Rule.PUBLIC,
        "kcsc": Rule.REVIEWER,
    }
    page = await (await ian.get(f"/cards/{card}")).text()
    assert 'name="by_reviewer" value="kcsc"' in page and also_ask(page) == ["police"]
    flagged = [e for e in await world.context.store.custody_events(hit.custody_chain) if e.kind == "flagged"]
    assert flagged[-1].details["added"] == ["kcsc"] and flagged[-1].actor == "ian"


async def test_unticking_an_added_recipient_takes_the_addition_back_without_withholding_it(world: World) -> None:
    hit = world.hits[0]
    card = card_id(hit.media_sha256, hit.item_id)
    ian = await world.client_for("ian")
    form = {"recipients_shown": "1", "candidate": "host-abuse", "ask": "host-abuse", "category": ""}
    await post(ian, f"/cards/{card}/flags", {**form, "addable": ["kcsc", "police"], "add": "kcsc"})
    page = await (await ian.get(f"/cards/{card}")).text()
    saved_at = re.search(r'name="flags_at" value="([^"]*)"', page)
    assert saved_at
    await post(ian, f"/cards/{card}/flags", {
        **form, "flags_at": saved_at.group(1), "candidate": ["host-abuse", "kcsc"], "by_reviewer": "kcsc",
        "addable": "police",
    })  # fmt: skip
    flags = (await world.context.store.card_flags([card]))[card]
    assert (flags.added, flags.withheld) == ((), ())
    assert also_ask(await (await ian.get(f"/cards/{card}")).text()) == ["kcsc", "police"]


async def test_a_volunteer_cannot_add_a_recipient(world: World) -> None:
    hit = world.hits[0]
    card = card_id(hit.media_sha256, hit.item_id)
    vera = await world.client_for("vera")
    assert also_ask(await (await vera.get(f"/cards/{card}")).text()) == []
    await post(vera, f"/cards/{card}/flags", {"recipients_shown": "1", "candidate": "host-abuse", "ask": "host-abuse",
                                              "addable": "kcsc", "add": "kcsc", "category": ""})  # fmt: skip
    assert (await world.context.store.card_flags([card]))[card].added == ()


async def test_a_korean_card_page_names_each_recipient_s_rule_in_korean(world: World) -> None:
    hit = world.hits[0]
    ian = await world.client_for("ian")
    response = await ian.get(f"/cards/{card_id(hit.media_sha256, hit.item_id)}", headers={"Accept-Language": "ko"})
    page = await response.text()
    assert "공개된 곳의 운영자 또는 플랫폼" in page
    assert "추가로 요청할 곳" in page
