"""The Korean review UI in headless Chromium: a reviewer whose browser asks for Korean logs in, works
through the queue and a hit on Telegram, and never reads a raw key or an English sentence.

What counts as untranslated is ``shown_text``'s: a catalogue key or a term-shaped key (``status_…``), a
phrase of the English catalogue, or any Latin word beyond the world's own data (names, URLs, case and
packet ids, the post's text, hash types) and the Korean messages' technical tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from crawlers.sighting import Distributor, Sighting
from monitor.cards import card_id
from monitor.records import HitRecord
from tests.browser import needs_chromium
from tests.monitor.review.conftest import ACCOUNTS, PASSWORD, World, add_hit_with_packet
from tests.monitor.review.shown_text import data_pattern, english_left, english_messages, raw_keys

pytestmark = needs_chromium

TELEGRAM = Distributor(
    channel_id=777, channel_username="kanal9", channel_title="Kanal 9", message_id=12, text="a synthetic post"
)
TECHNICAL = {"sha256", "pdq", "UTC", "SHA-256"}  # hash names, and the time zone every time is given in


def untranslated(text: str, data: Iterable[str]) -> list[str]:
    """What on a Korean page is not Korean: raw keys, English catalogue phrases, Latin words beyond ``data``."""
    shown = data_pattern(data).sub(" ", text)
    return sorted({*raw_keys(shown, "ko"), *english_messages(shown), *english_left(shown, TECHNICAL)})


def shown_data(hits: Iterable[HitRecord], sightings: Iterable[Sighting]) -> set[str]:
    """The values the pages show as they are: the hits' and posts' own fields, and every account's name."""
    data = set(ACCOUNTS)
    for hit in hits:
        data |= {hit.location, hit.media_url, hit.source_id, hit.case, hit.label, hit.packet_id or "", hit.hash_type}
        data |= {hit.media_sha256, hit.entry_value[:16]}
    for sighting in sightings:
        who = sighting.distributor
        texts = (who.channel_title, who.channel_username, who.sender_name, who.page_title, who.text)
        data |= {text for text in texts if text}
    return data


async def korean_text(page: Any) -> str:
    """What the page shows (text, title, images' alternative text) once Chromium has laid it out."""
    assert await page.get_attribute("html", "lang") == "ko"
    alts = await page.eval_on_selector_all("[alt], [title]", "els => els.map(e => e.alt || e.title)")
    return "\n".join([await page.title(), await page.inner_text("body"), *alts])


async def test_a_korean_reviewer_sees_the_queue_a_telegram_hit_and_its_decision_without_an_untranslated_word(
    browser: Any, world: World, make_sighting: Any
) -> None:
    on_telegram = make_sighting(
        source_id="kanal9-preview", source_kind="telegram_web", location="https://t.me/kanal9/12", distributor=TELEGRAM
    )
    telegram_hits = await add_hit_with_packet(world.context, on_telegram)
    hits = [*world.hits, *telegram_hits]
    sightings = await world.context.store.sightings_of([hit.media_sha256 for hit in hits])
    events = await world.context.store.custody_events(telegram_hits[0].custody_chain)
    data = shown_data([*world.hits, *telegram_hits], sightings) | {e.actor for e in events}  # the collector
    page = await (await browser.new_context(locale="ko-KR")).new_page()  # Accept-Language: ko-KR
    await page.goto(world.base_url + "/hits")
    assert untranslated(await korean_text(page), data) == []  # the login page
    await page.fill("input[name=name]", "ian")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form.login button")
    await page.wait_for_url(re.compile(r"/hits$"))
    queue = await korean_text(page)
    assert "텔레그램" in queue and "검토 대기" in queue  # the platform and the status badge, named in Korean
    assert untranslated(queue, data) == [], queue
    await page.click("tr:has-text('t.me/kanal9') a.open")
    card = await korean_text(page)
    assert "텔레그램" in card and "검토 대기" in card
    assert untranslated(card, data) == [], card
    await page.keyboard.press("c")  # confirm the whole picture, and on to the next one
    await page.wait_for_selector("p.flash")
    following = await korean_text(page)
    assert "판정을 저장했습니다." in following and "사진" in following
    assert untranslated(following, data) == [], following
    await page.goto(f"{world.base_url}/cards/{card_id(telegram_hits[0].media_sha256, telegram_hits[0].item_id)}")
    decided = await korean_text(page)
    assert "판정 · ian" in decided and "일치 확인" in decided  # the history names the verdict in Korean
    assert untranslated(decided, data) == [], decided
    await page.goto(f"{world.base_url}/hits/{telegram_hits[0].uid}")  # the place's own page
    assert untranslated(await korean_text(page), data) == []
    await page.goto(world.base_url + "/hits?status=confirmed")  # the queue's status tab
    assert untranslated(await korean_text(page), data) == []
    await page.goto(world.base_url + "/hits/" + "0" * 32)  # a stale link
    assert untranslated(await korean_text(page), data) == []


def test_the_check_catches_raw_keys_english_phrases_and_words_but_not_the_data() -> None:
    """The check itself: each way a Korean page could betray a missing translation is caught, data is not."""
    assert untranslated("상태 status_pending", ()) == ["status_pending"]
    assert untranslated("상태 status_archived", ()) == ["status_archived"]  # a key no catalogue has yet
    assert untranslated("플랫폼 telegram", ()) == ["telegram"]
    assert "such" in untranslated("no such hit", ())  # aiohttp's 404 text
    assert untranslated("Decision saved.", ()) == ["Decision", "Decision saved", "saved"]
    assert untranslated("게시 위치 https://t.me/kanal9/12 · pdq", {"https://t.me/kanal9/12"}) == []
