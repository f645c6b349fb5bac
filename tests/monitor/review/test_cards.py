"""Review by picture: the queue lists cards (one media × one victim picture), a card takes one decision for
every signal at every place, several cards can be decided at once, and the four-eyes rule refuses aloud."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from crawlers.sighting import BlocklistHit, Distributor, Sighting
from evidence.verify import verify_bundle
from monitor.cards import card_id
from monitor.records import BlocklistEntry, HitRecord
from monitor.review.i18n import MESSAGES
from tests.monitor.review.conftest import World, add_hit_with_packet, post

ENTRIES_2 = (  # three signals of picture 2, one of them a victim-side crop
    BlocklistEntry("sha256", "aa" * 32, "case-9", "picture 2", "test", item_id="item-2"),
    BlocklistEntry("md5", "bb" * 16, "case-9", "picture 2", "test", item_id="item-2"),
    BlocklistEntry("pdq", "cc" * 32, "case-9", "picture 2", "test", variant="centre crop 5%", item_id="item-2"),
)
PICTURE_2 = tuple(
    BlocklistHit(entry.id, entry.hash_type, entry.case, entry.label, distance, probe, entry.item_id, entry.value)
    for entry, distance, probe in zip(ENTRIES_2, (0, 0, 12), ("aa" * 32, "bb" * 16, "dd" * 32), strict=True)
)
PLACES = ("http://127.0.0.1/thread/2", "http://127.0.0.1/thread/3")


async def picture_2_at_two_places(world: World, make_sighting: Any) -> list[HitRecord]:
    """Three signals of one victim picture matched one file, seen at two places: six hits, one card."""
    await world.context.store.add_blocklist_entries(list(ENTRIES_2))
    hits: list[HitRecord] = []
    for location in PLACES:
        sighting: Sighting = make_sighting(location=location)
        hits += await add_hit_with_packet(world.context, sighting, PICTURE_2)
    return hits


def flags_at(page: str) -> str:
    """The card flags form's ``flags_at``: which saved flags the form shows."""
    found = re.search(r'name="flags_at" value="([^"]*)"', page)
    assert found, "no flags form on the page"
    return found.group(1)


def card_rows(page: str) -> list[str]:
    return re.findall(r'<tr class="status-[a-z-]+" data-card="([^"]+)"', page)


async def test_the_queue_lists_one_card_per_picture_and_the_card_every_signal_and_place(
    world: World, make_sighting: Any
) -> None:
    hits = await picture_2_at_two_places(world, make_sighting)
    assert len(hits) == 6
    vera = await world.client_for("vera")
    queue = await (await vera.get("/hits")).text()
    card = card_id(hits[0].media_sha256, "item-2")
    assert sorted(card_rows(queue)) == sorted([card, card_id(world.hits[0].media_sha256, "item-1")])
    page = await (await vera.get(f"/cards/{card}")).text()
    signals = re.search(r'<table class="signals".*?</table>', page, re.S)
    assert signals and [t in signals.group(0) for t in ("sha256", "md5", "pdq", "12", "centre crop 5%")] == [True] * 5
    places = re.search(r'<table class="places".*?</table>', page, re.S)
    assert places and all(location in places.group(0) for location in PLACES)
    assert "thread/1" not in places.group(0)  # picture 1's place is another card
    spread = await vera.get(re.findall(r'href="(/items/[^"]+)"', page)[0])  # the picture's spread, one click away
    shown = await spread.text()
    assert spread.status == 200 and all(location in shown for location in PLACES)


async def test_one_decision_decides_every_signal_at_every_place_with_custody_on_each_packet(
    world: World, make_sighting: Any
) -> None:
    hits = await picture_2_at_two_places(world, make_sighting)
    card = card_id(hits[0].media_sha256, "item-2")
    vera = await world.client_for("vera")
    response = await post(vera, f"/cards/{card}/decision", {"verdict": "confirm", "comment": "same person"})
    assert response.status == 303
    store = world.context.store
    assert {(await store.get_hit(hit.uid)).status for hit in hits} == {"confirmed"}  # type: ignore[union-attr]
    assert (await store.get_hit(world.hits[0].uid)).status == "pending"  # type: ignore[union-attr]
    for packet_id in {hit.packet_id for hit in hits}:
        decided = [e for e in await store.custody_events(packet_id or "") if e.kind == "decided"]
        assert len(decided) == 3 and {e.details["card_id"] for e in decided} == {card}
        assert {e.actor for e in decided} == {"vera"}
    page = await (await vera.get(f"/cards/{card}")).text()
    assert 'data-status="confirmed"' in page and "same person" in page


@pytest.mark.parametrize("settings_overrides", [{"review_confirmations": 2}])
async def test_a_second_confirmation_by_the_same_reviewer_is_refused_aloud_and_changes_nothing(
    world: World, make_sighting: Any
) -> None:
    hits = await picture_2_at_two_places(world, make_sighting)
    card = card_id(hits[0].media_sha256, "item-2")
    vera, ian = await world.client_for("vera"), await world.client_for("ian")
    await post(vera, f"/cards/{card}/decision", {"verdict": "confirm"})
    again = await post(vera, f"/cards/{card}/decision", {"verdict": "confirm"})
    page = await (await vera.get(again.headers["Location"])).text()
    assert MESSAGES["en"]["confirmed_already"].split(":")[0] in page
    store = world.context.store
    assert [len(await store.decisions(hit.id)) for hit in hits] == [1] * 6
    assert 'data-status="confirmed-once"' in page
    await post(ian, f"/cards/{card}/decision", {"verdict": "confirm"})
    assert {(await store.get_hit(hit.uid)).status for hit in hits} == {"confirmed"}  # type: ignore[union-attr]


@pytest.mark.parametrize("settings_overrides", [{"review_confirmations": 2}])
async def test_the_same_refusal_holds_on_a_single_place(world: World) -> None:
    vera, hit = await world.client_for("vera"), world.hits[0]
    await post(vera, f"/hits/{hit.uid}/decision", {"verdict": "confirm"})
    again = await post(vera, f"/hits/{hit.uid}/decision", {"verdict": "confirm"})
    assert MESSAGES["en"]["confirmed_already"].split(":")[0] in await (await vera.get(again.headers["Location"])).text()
    assert len(await world.context.store.decisions(hit.id)) == 1


async def test_several_cards_are_decided_at_once_each_on_its_own_and_the_tabs_count_them(
    world: World, make_sighting: Any
) -> None:
    hits = await picture_2_at_two_places(world, make_sighting)
    cards = [card_id(hits[0].media_sha256, "item-2"), card_id(world.hits[0].media_sha256, "item-1")]
    vera = await world.client_for("vera")
    response = await post(vera, "/cards/decision", {"verdict": "escalate", "card": cards, "back": "case=case-9"})
    assert response.status == 303 and response.headers["Location"] == "/hits?case=case-9"
    queue = await (await vera.get(response.headers["Location"])).text()
    assert "Decided: 2. Refused: 0 (confirmed by you already). Not found: 0." in queue
    tab = re.search(r'data-status="escalated"[^>]*>[^<]*<span class="count">(\d+)</span>', queue)
    assert tab and tab.group(1) == "1"  # only case-9's card under the case filter
    everything = await (await vera.get("/hits?status=escalated")).text()
    assert sorted(card_rows(everything)) == sorted(cards)
    for hit in [*hits, world.hits[0]]:
        events = await world.context.store.custody_events(hit.custody_chain)
        assert any(e.kind == "decided" and e.details.get("hit_id") == hit.id for e in events)


async def test_a_bulk_decision_with_nothing_chosen_or_an_unknown_card_says_so(world: World) -> None:
    vera = await world.client_for("vera")
    nothing = await post(vera, "/cards/decision", {"verdict": "reject"})
    assert MESSAGES["en"]["nothing_chosen"] in await (await vera.get(nothing.headers["Location"])).text()
    unknown = await post(vera, "/cards/decision", {"verdict": "reject", "card": "f" * 64 + ".nope"})
    assert (
        "Decided: 0. Refused: 0 (confirmed by you already). Not found: 1."
        in await (await vera.get(unknown.headers["Location"])).text()
    )
    assert (await world.context.store.get_hit(world.hits[0].uid)).status == "pending"  # type: ignore[union-attr]
    assert (await vera.get("/cards/" + "f" * 64 + ".nope")).status == 404
    assert (await post(vera, "/cards/" + "f" * 64 + ".nope/decision", {"verdict": "reject"})).status == 404


async def test_the_queue_filters_by_case_and_status(world: World, make_sighting: Any) -> None:
    hits = await picture_2_at_two_places(world, make_sighting)
    vera = await world.client_for("vera")
    assert card_rows(await (await vera.get("/hits?case=case-9")).text()) == [card_id(hits[0].media_sha256, "item-2")]
    assert card_rows(await (await vera.get("/hits?status=confirmed")).text()) == []
    assert card_rows(await (await vera.get("/hits?status=nonsense")).text()) == []


async def test_an_investigator_exports_a_chosen_picture_with_every_confirmed_place_of_it(
    world: World, make_sighting: Any, tmp_path: Path
) -> None:
    hits = await picture_2_at_two_places(world, make_sighting)
    card = card_id(hits[0].media_sha256, "item-2")
    ian = await world.client_for("ian")
    await post(ian, f"/cards/{card}/decision", {"verdict": "confirm"})
    assert card in await (await ian.get("/export")).text()
    response = await post(ian, "/export", {"card": card, "recipient": "Seoul police", "reason": "case 9"})
    assert response.status == 200
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(await response.read())
    assert sorted(verify_bundle(bundle).packets) == sorted({hit.packet_id for hit in hits})
    assert world.hits[0].packet_id not in verify_bundle(bundle).packets  # picture 1 was not chosen nor confirmed


async def test_escalated_pictures_come_first_then_pending_ones_and_newest_first_on_request(
    world: World, make_sighting: Any
) -> None:
    hits = await picture_2_at_two_places(world, make_sighting)  # seen after picture 1
    older, newer = card_id(world.hits[0].media_sha256, "item-1"), card_id(hits[0].media_sha256, "item-2")
    vera = await world.client_for("vera")
    assert card_rows(await (await vera.get("/hits")).text()) == [newer, older]
    await post(vera, f"/cards/{older}/decision", {"verdict": "escalate", "comment": "a second look, please"})
    assert card_rows(await (await vera.get("/hits")).text()) == [older, newer]
    assert card_rows(await (await vera.get("/hits?order=newest")).text()) == [newer, older]
    page = await (await vera.get(f"/cards/{newer}")).text()
    assert f'href="/cards/{older}" data-key="n"' in page  # the next picture is the escalated one


async def test_the_queue_filters_by_the_channel_a_picture_was_posted_in(world: World, make_sighting: Any) -> None:
    telegram = make_sighting(
        source_id="kanal9", source_kind="telegram", location="https://t.me/kanal9/12",
        distributor=Distributor(channel_id="-1007", channel_username="kanal9", message_id=12),
    )  # fmt: skip
    on_telegram = await add_hit_with_packet(world.context, telegram, PICTURE_2[:1])
    vera = await world.client_for("vera")
    queue = await (await vera.get("/hits")).text()
    assert '<option value="@kanal9">' in queue  # offered as a filter
    assert card_rows(await (await vera.get("/hits?channel=%40kanal9")).text()) == [
        card_id(on_telegram[0].media_sha256, "item-2")
    ]


async def test_a_reviewer_flags_a_suspected_minor_and_the_category_with_custody_on_every_packet(
    world: World, make_sighting: Any
) -> None:
    hits = await picture_2_at_two_places(world, make_sighting)
    card = card_id(hits[0].media_sha256, "item-2")
    vera = await world.client_for("vera")
    response = await post(vera, f"/cards/{card}/flags", {"suspected_minor": "on", "category": "child_exploitation"})
    assert response.status == 303
    store = world.context.store
    flags = (await store.card_flags([card]))[card]
    assert (flags.suspected_minor, flags.category, flags.set_by) == (True, "child_exploitation", "vera")
    for packet_id in {hit.packet_id for hit in hits}:
        flagged = [e for e in await store.custody_events(packet_id or "") if e.kind == "flagged"]
        assert [(e.actor, e.details["suspected_minor"], e.details["category"]) for e in flagged] == [
            ("vera", True, "child_exploitation")
        ]
    page = await (await vera.get(f"/cards/{card}")).text()
    assert 'id="suspected-minor-badge"' in page and '<option value="child_exploitation" selected>' in page
    stale = await post(vera, f"/cards/{card}/flags", {"category": ""})  # a form from before the flag was set
    assert (
        MESSAGES["en"]["flags_changed_meanwhile"].split(":")[0]
        in await (await vera.get(stale.headers["Location"])).text()
    )
    assert (await store.card_flags([card]))[card].suspected_minor is True  # a volunteer's stale form changed nothing
    ian = await world.client_for("ian")
    current = {"flags_at": flags_at(await (await ian.get(f"/cards/{card}")).text()), "category": ""}
    await post(vera, f"/cards/{card}/flags", current)  # a volunteer may raise the flag, not lower it
    assert (await store.card_flags([card]))[card].suspected_minor is True
    current = {"flags_at": flags_at(await (await ian.get(f"/cards/{card}")).text()), "category": ""}
    await post(ian, f"/cards/{card}/flags", current)  # an investigator unticks it
    assert (await store.card_flags([card]))[card].suspected_minor is False


async def test_flags_on_an_unknown_card_or_an_unknown_category_are_refused(world: World) -> None:
    vera = await world.client_for("vera")
    assert (await post(vera, "/cards/" + "f" * 64 + ".nope/flags", {"category": ""})).status == 404
    card = card_id(world.hits[0].media_sha256, world.hits[0].item_id)
    assert (await post(vera, f"/cards/{card}/flags", {"category": "gossip"})).status == 400
    assert await world.context.store.card_flags([card]) == {}


async def test_a_decision_goes_on_only_to_a_card_and_a_form_that_is_not_utf8_is_refused(world: World) -> None:
    vera, hit = await world.client_for("vera"), world.hits[0]
    card = card_id(hit.media_sha256, hit.item_id)
    response = await post(vera, f"/cards/{card}/decision", {"verdict": "escalate", "next": "/../..//evil.example/x"})
    assert response.headers["Location"] == f"/cards/{card}"
    token = re.search(r'name="csrf" value="([^"]+)"', await (await vera.get("/hits")).text())
    assert token
    body = f"csrf={token.group(1)}&verdict=reject&card=".encode() + b"\xff"
    refused = await vera.post("/cards/decision", data=body, allow_redirects=False,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert refused.status == 400
