"""The review queue puts a card a reviewer flagged "suspected minor" first in every order and every status tab
(issue 14: "first in every queue"), and its row says why; unflagged, the card goes back to its place."""

from __future__ import annotations

import re
from typing import Any

from monitor.cards import card_id
from monitor.review.i18n import MESSAGES
from tests.monitor.review.conftest import World, post
from tests.monitor.review.test_cards import card_rows, flags_at, picture_2_at_two_places


def flagged_rows(page: str) -> list[str]:
    """The cards whose row is marked "suspected minor" (the marker is in the row's status cell)."""
    rows = re.findall(r'<tr [^>]*data-card="([^"]+)"[^>]*>(.*?)</tr>', page, flags=re.S)
    marker = f'<span class="badge minor">{MESSAGES["en"]["suspected_minor"]}</span>'
    return [card for card, cells in rows if marker in cells]


async def test_a_card_flagged_suspected_minor_comes_first_in_every_order_and_tab_and_says_so(
    world: World, make_sighting: Any
) -> None:
    hits = await picture_2_at_two_places(world, make_sighting)  # seen after picture 1: the newer card
    older, newer = card_id(world.hits[0].media_sha256, "item-1"), card_id(hits[0].media_sha256, "item-2")
    vera, ian = await world.client_for("vera"), await world.client_for("ian")
    await post(vera, f"/cards/{newer}/decision", {"verdict": "escalate", "comment": "a second look, please"})
    assert card_rows(await (await vera.get("/hits")).text()) == [newer, older]
    assert (await post(vera, f"/cards/{older}/flags", {"suspected_minor": "on", "category": ""})).status == 303
    for address in ("/hits", "/hits?order=newest", "/hits?status="):
        page = await (await vera.get(address)).text()
        assert card_rows(page) == [older, newer], address  # before the escalated card, whatever the order
        assert flagged_rows(page) == [older]
    for address in ("/hits?status=pending", "/hits?status=pending&order=newest"):
        assert card_rows(await (await vera.get(address)).text()) == [older]
    unflag = {"flags_at": flags_at(await (await ian.get(f"/cards/{older}")).text()), "category": ""}
    await post(ian, f"/cards/{older}/flags", unflag)  # an investigator takes the flag back
    page = await (await vera.get("/hits")).text()
    assert card_rows(page) == [newer, older] and flagged_rows(page) == []


async def test_within_a_status_tab_the_flagged_card_comes_before_newer_ones(world: World, make_sighting: Any) -> None:
    hits = await picture_2_at_two_places(world, make_sighting)
    older, newer = card_id(world.hits[0].media_sha256, "item-1"), card_id(hits[0].media_sha256, "item-2")
    vera = await world.client_for("vera")
    assert card_rows(await (await vera.get("/hits?status=pending")).text()) == [newer, older]
    await post(vera, f"/cards/{older}/flags", {"suspected_minor": "on", "category": ""})
    for address in ("/hits?status=pending", "/hits?status=pending&order=newest"):
        page = await (await vera.get(address)).text()
        assert card_rows(page) == [older, newer] and flagged_rows(page) == [older], address
