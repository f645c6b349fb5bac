"""Every page in both languages: no key shown raw, no English left on a Korean page, both catalogues whole.

Each template is rendered directly (no server) with a strict translator, which raises on a key missing
from the page's language, and with representative values: every value of every term group (hit
status, custody kind, verdict, role, run status, source kind, platform), and every flash message and
error a handler names. The text a reader sees (text and the ``alt``/``title`` attributes) is then
checked twice (``shown_text.py``):

- no word in it is a catalogue key (``status_pending`` shown as such), unless the language's own
  messages use that word (English "all" is both a key and its text);
- on a Korean page, no Latin word is left beyond the Korean messages' own technical tokens (CSV,
  ``c`` for a shortcut), the data the test put in (names, URLs, case ids) and ``TECHNICAL``.

Rendering finds only the branches a scene reaches, so the templates' own calls are also read (jinja's
syntax tree): every literal ``t("key")`` must be in both catalogues, every ``t.term`` group must be one
of ``TERM_GROUPS``, and every key a template takes from its values must come from a handler the
``named_messages`` scan reads. No catalogue message may go unused.
"""

from __future__ import annotations

import ast
import dataclasses
import logging
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from jinja2 import nodes
from pydantic import BaseModel

from config.recipients import Category, RecipientsFile
from config.watchlist import Schedule, Source
from crawlers.sighting import Distributor, ForwardedFrom, Media, Sighting
from evidence.custody import CustodyEvent
from monitor.cards import STATUS_ORDER, Card, card_of
from monitor.records import BlocklistItem, Decision, HitRecord, ItemState, Role, RunRecord, UserRecord, Verdict
from monitor.review import hits as hit_routes
from monitor.review.card_recipients import CardRecipients, PlannedRecipient
from monitor.review.cards import CATEGORIES, CardView, Place, poster_text
from monitor.review.hit_details import HitDetails, PacketState
from monitor.review.i18n import LANGUAGES, MESSAGES, TERM_GROUPS, MissingMessage, message_key, translator, warn_missing
from monitor.review.messages_ko import KOREAN
from monitor.review.notice_plan import PlanView, cards_of
from monitor.review.notices import may_submit
from monitor.review.pages import TEMPLATES, Flash
from monitor.review.queue import QueueFilter
from monitor.review.recipients_cache import LoadedRecipients
from monitor.review.report_page import GROUPS
from monitor.review.security import Reviewer
from monitor.spread import (
    ChannelSpread,
    DistributorSpread,
    ItemSpread,
    MediaSpread,
    Online,
    Poster,
    PosterSpread,
    SpreadPlace,
)
from monitor.store.notice_records import CardFlags, NoticeAttempt, NoticePlace, NoticeRecord
from monitor.takedown.content import EmailText
from monitor.takedown.records import (
    CategorySource,
    Evidence,
    NoticePlan,
    PlannedLocation,
    PlannedNotice,
    Rule,
    Unplanned,
)
from monitor.takedown.report import build_report
from monitor.takedown.report_records import RemovalOutcome, RemovalTimeline
from tests.monitor.review.shown_text import PLACEHOLDER, data_pattern, english_left, raw_keys, shown_text

REVIEW_PACKAGE = Path(hit_routes.__file__).parent
MESSAGE_SOURCES = [*sorted(REVIEW_PACKAGE.glob("*.py")), REVIEW_PACKAGE.parent / "usernames.py"]  # what names keys

# What the UI must name: every value of each group (i18n.TERM_GROUPS follows the enums it is built from).
TERMS = TERM_GROUPS
HIT_STATUSES, RUN_STATUSES, VERDICTS, ROLES = TERMS["status"], TERMS["run"], tuple(Verdict), tuple(Role)
TECHNICAL = {"sha256"}  # written in a template itself: the hash that finds the same media elsewhere

# The data the pages show as it is. No value here is a word of the interface.
CASE, OTHER_CASE, LABEL = "case-7", "case-8", "P1"
LOCATION, TELEGRAM_LOCATION = "https://forum.example/thread/81", "https://t.me/kanal9/12"
SOURCE_IDS = tuple(f"watch-{n}" for n in range(12))
COMMENT, RECIPIENT = "same picture", "Seoul police"
DISTRIBUTOR = Distributor(
    channel_title="Kanal 9", channel_username="kanal9", sender_name="Mun", sender_username="mun_42",
    author_signature="M.", text="a synthetic post", page_title="thread",
)  # fmt: skip
PACKET_ID = "c0ffee4a9e1d2b3c4d5e6f708192a3b4"
MEDIA_SHA256 = "ab" * 32  # a card page shows the media's SHA-256
PROBLEM = "manifest signature missing or invalid"  # evidence/stored_packet.py's words, the technical detail
UNREADABLE = "KeyError"  # what hit_details.py names under "the packet could not be read"
METADATA_ROWS = [("capture_time", "2026-11-01T12:00:00Z"), ("media.mime", "image/jpeg")]
WATCHLIST = "/srv/jikimi/watchlist.yaml"
WATCHLIST_PROBLEM = "watchlist.yaml: source #2: field 'kind' is missing"  # config's words, as they are
UPLOAD_PROBLEM = "line 2: 'zz' is not a valid PDQ hash"
PLAN_CARD, ADDRESS, REFERENCE = "cd" * 32 + ".item1", "abuse@forum.example", "JKM-0123456789AB"
NAMES = ("vera", "ian", "ada", "tom", "ivan", "iris", "ines")
HASH_TYPES = ("pdq", "sha256", "md5", "phash")
SOURCE_KINDS = ("web", "telegram", "telegram_web")  # shown by name (t.term("kind", …)), not as data
SHOWN_POSTER = ("channel_title", "channel_username", "sender_name", "sender_username", "author_signature", "text")
DATA = (
    *(CASE, OTHER_CASE, LABEL, PACKET_ID, LOCATION, TELEGRAM_LOCATION, "forum.example", *SOURCE_IDS, MEDIA_SHA256),
    *(COMMENT, RECIPIENT, PROBLEM, UNREADABLE, WATCHLIST, WATCHLIST_PROBLEM, UPLOAD_PROBLEM, "0 3 * * *"),
    *(PLAN_CARD[:12], ADDRESS),
    *NAMES, *HASH_TYPES, *(getattr(DISTRIBUTOR, name) for name in SHOWN_POSTER),
    *(text for row in METADATA_ROWS for text in row),
)  # fmt: skip
SHOWN_DATA = data_pattern(DATA)
AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


class NoConfig(BaseModel):
    """A source's kind-specific settings: the sources page never shows them."""


@dataclass(frozen=True, slots=True)
class Scene:
    """One template with the values one handler would give it."""

    template: str
    name: str
    values: Mapping[str, Any] = field(default_factory=dict)
    reviewer: Reviewer | None = Reviewer("ada", "admin")


def make_hit(status: str, n: int = 0, **overrides: Any) -> HitRecord:
    values: dict[str, Any] = {
        "sighting_id": f"s{n}", "entry_id": "e1", "hash_type": HASH_TYPES[n % len(HASH_TYPES)], "case": CASE,
        "label": LABEL, "distance": n, "matched_value": "00" * 32, "source_id": SOURCE_IDS[n % 2],
        "location": (LOCATION, TELEGRAM_LOCATION)[n % 2], "media_url": LOCATION + "/a.jpg",
        "media_sha256": MEDIA_SHA256, "posted_at": AT if n % 2 else None, "seen_at": AT, "packet_id": f"p{n}",
        "status": status, "source_kind": SOURCE_KINDS[n % 2],
    }  # fmt: skip
    return HitRecord(**(values | overrides))


def history() -> list[CustodyEvent]:
    """One event of every kind, and a decision for every verdict (one with a comment)."""
    details: dict[str, dict[str, Any]] = {"exported": {"recipient": RECIPIENT}}
    events = [(kind, details.get(kind, {})) for kind in TERMS["custody"]]
    events += [("viewed", {"media": media}) for media in TERMS["media"]]
    events += [
        ("decided", {"verdict": verdict, "comment": COMMENT if i == 0 else ""}) for i, verdict in enumerate(VERDICTS)
    ]
    return [
        CustodyEvent(PACKET_ID, seq, kind, AT, NAMES[seq % 3], details) for seq, (kind, details) in enumerate(events)
    ]


USER_ERRORS = (
    *("bad_request", "user_exists", "weak_password", "username_invisible", "username_characters"),
    *("nothing_to_approve", "approve_own_request"),
)
BLOCKLIST_ERRORS = ("blocklist_wrong_file", "blocklist_too_large", "blocklist_refused")
FLASHES = {
    **dict.fromkeys(("decision_saved", "user_added", "user_awaiting_approval", "user_approved", "expired"), {}),
    **dict.fromkeys(("confirmed_already", "nothing_chosen", "flags_saved", "flags_changed_meanwhile"), {}),
    **dict.fromkeys(("notice_submitted", "notice_requeued", "notice_not_waiting", "notices_pass_running"), {}),
    "notices_pass_refused": {"problem": WATCHLIST_PROBLEM},
    **dict.fromkeys(
        ("notices_pass_done", "notices_pass_problems"),
        {
            "sent": 1,
            "failed": 2,
            "unconfirmed": 0,
            "waiting": 1,
            "held": 0,
            "stopped": 3,
            "problem": UPLOAD_PROBLEM,
        },
    ),  # fmt: skip
    "cards_decided": {"decided": 3, "refused": 1, "missing": 0},
}  # every flash a handler names, with the values it gives
LOGIN_ERRORS = ("locked", "login_failed", "account_pending")
EXPORT_ERRORS = ("nothing_to_export", "bad_request", "bad_case_code")
MESSAGE_KEYS = ("forbidden", "reveal_limit", "not_found", "bad_request")
PACKET_PROBLEMS = ("not_verified", "packet_unreadable")


def hit_scenes() -> Iterator[Scene]:
    hit = make_hit("pending")
    sighting = Sighting(SOURCE_IDS[0], "web", LOCATION, AT, Media(LOCATION + "/a.mp4", mime="video/mp4"), DISTRIBUTOR)
    packet = PacketState(PACKET_ID, True, None, True, {})
    details = HitDetails(
        hit, sighting, packet, same_media=[sighting],
        same_entry=[make_hit(status, n + 1) for n, status in enumerate(HIT_STATUSES)], decisions=[], history=history(),
        same_entry_total=60,  # more than are listed: the page says so
    )  # fmt: skip
    page = {
        "d": details, "hit": hit, "revealed_until": None, "reveal_seconds": 20, "next_uid": "f" * 32,
        "platform": hit.platform, "may_reveal": True, "verdicts": VERDICTS, "metadata_rows": METADATA_ROWS,
        "card_link": "/cards/" + "ab" * 32 + ".item1",
    }  # fmt: skip
    yield Scene("hit.html.j2", "blurred", page, Reviewer("ian", "investigator"))
    yield Scene("hit.html.j2", "revealed", page | {"revealed_until": AT}, Reviewer("ian", "investigator"))
    broken = PacketState(PACKET_ID, False, PROBLEM, False, {})
    unverified = page | {"d": HitDetails(hit, None, broken, [], [], []), "next_uid": None, "metadata_rows": []}
    yield Scene("hit.html.j2", "not verified", unverified, Reviewer("vera", "volunteer"))
    unreadable = PacketState(PACKET_ID, False, UNREADABLE, False, {}, problem_key="packet_unreadable")
    yield Scene("hit.html.j2", "unreadable", unverified | {"d": HitDetails(hit, None, unreadable, [], [], [])})
    on_telegram = make_hit("escalated", 1)
    telegram = page | {"hit": on_telegram, "platform": on_telegram.platform}
    yield Scene("hit.html.j2", "on telegram", telegram, Reviewer("vera", "volunteer"))
    without = page | {"d": HitDetails(hit, None, None, [], [], []), "may_reveal": False}
    yield Scene("hit.html.j2", "no packet", without, Reviewer("vera", "volunteer"))


def listed_cards() -> list[Card]:
    """A card in every status, one of them seen at two places (on the web and on Telegram)."""
    cards = [
        card_of([make_hit(status, n, media_sha256=f"{n:064x}", item_id="item1")])
        for n, status in enumerate(STATUS_ORDER)
    ]
    two_places = [make_hit("pending", n, sighting_id=f"s{n}", item_id="item2") for n in range(2)]
    return [*cards, card_of(two_places)]


def queue_scenes() -> Iterator[Scene]:
    listed = listed_cards()
    platforms = (*TERMS["platform"], "forum.example")  # named platforms, and a web host shown as it is
    choices = {
        "status": STATUS_ORDER, "source": SOURCE_IDS, "case": (CASE, OTHER_CASE), "platform": platforms,
        "channel": ("@kanal9", "forum.example"), "order": ("newest",),
    }  # fmt: skip
    wanted = QueueFilter(status="pending", case=CASE, channel="@kanal9", order="newest")
    tabs = [("", 6, ""), *((str(status), 1, wanted.query(status=str(status))) for status in STATUS_ORDER)]
    page = {
        "cards": listed, "total": len(listed), "filter": wanted, "choices": choices, "older": "page=1", "newer": "",
        "tabs": tabs, "here": wanted.query(), "minor": {listed[0].id},  # one flagged "suspected minor"
    }  # fmt: skip
    yield Scene("queue.html.j2", "every status", page, Reviewer("vera", "volunteer"))
    yield Scene("queue.html.j2", "empty", page | {"cards": [], "total": 0}, Reviewer("vera", "volunteer"))


def card_scenes() -> Iterator[Scene]:
    hits = [make_hit(status, n, sighting_id=f"s{n}", item_id="item1") for n, status in enumerate(STATUS_ORDER)]
    card = card_of(hits)
    places = [
        Place(h.location, h.media_url, h.source_id, h.platform, h.seen_at, h.posted_at, h.packet_id, h.uid, h.status,
              poster_text(Sighting(h.source_id, "web", h.location, AT, Media(h.media_url), DISTRIBUTOR)))
        for h in hits
    ]  # fmt: skip
    decisions = [
        Decision(hits[0].id, NAMES[n], verdict, COMMENT if n == 0 else "") for n, verdict in enumerate(VERDICTS)
    ]
    packet = PacketState(PACKET_ID, True, None, True, {})
    view = CardView(card, places[:2], hits[0], packet, decisions)
    page = {
        "v": view, "card": card, "hit": hits[0], "history": history(), "revealed_until": None, "reveal_seconds": 20,
        "may_reveal": True, "next_card": "cd" * 32 + ".item1", "categories": CATEGORIES, "may_withhold": True,
        "planned": CardRecipients((PlannedRecipient(SOURCE_IDS[0], tuple(Rule), COMMENT, 2, False),
                                   PlannedRecipient(SOURCE_IDS[1], ("reviewer",), COMMENT, 1, False, True),
                                   PlannedRecipient(SOURCE_IDS[2], ("public",), COMMENT, 1, True)), (NAMES[0],)),
    }  # fmt: skip
    yield Scene("card.html.j2", "blurred", page, Reviewer("ian", "investigator"))
    yield Scene("card.html.j2", "a bad recipients file", page | {"planned": CardRecipients(problem=WATCHLIST_PROBLEM)})
    yield Scene("card.html.j2", "nobody to ask", page | {"planned": CardRecipients()})
    yield Scene("card.html.j2", "no recipients file", page | {"planned": CardRecipients(missing=True)})
    flagged = CardFlags(card.id, True, "child_exploitation", NAMES[0], AT)
    yield Scene("card.html.j2", "flagged", page | {"v": CardView(card, places, hits[0], packet, [], flags=flagged)})
    yield Scene("card.html.j2", "revealed", page | {"revealed_until": AT}, Reviewer("ian", "investigator"))
    broken = CardView(card, places, hits[0], PacketState(PACKET_ID, False, PROBLEM, False, {}), [])
    yield Scene("card.html.j2", "not verified", page | {"v": broken, "next_card": None}, Reviewer("vera", "volunteer"))
    without = CardView(card, places, hits[0], None, [])
    yield Scene("card.html.j2", "no packet", page | {"v": without, "may_reveal": False}, Reviewer("vera", "volunteer"))
    yield Scene("card.html.j2", "a video", page | {"v": CardView(card, places, hits[0], packet, [], is_video=True)})
    yield Scene("history.html.j2", "every event", {"events": history()})
    shown = {"hit": hits[0], "packet": packet, "revealed_until": None, "may_reveal": True, "reveal_seconds": 20}
    yield Scene("picture.html.j2", "blurred", shown | {"is_video": True, "back": "/cards/x"})


def admin_scenes() -> Iterator[Scene]:
    users = [UserRecord(name, role, "hash") for name, role in zip(NAMES, ROLES, strict=False)]
    users.append(UserRecord(NAMES[3], "volunteer", "hash", disabled=True))
    users.append(UserRecord("ivan", "investigator", "hash", created_by="tom", awaiting_approval=True))
    users.append(UserRecord("iris", "investigator", "hash", created_by="ada", awaiting_approval=True))
    users.append(UserRecord("ines", "investigator", "hash", created_by="tom", approved_by="ada", approved_at=AT))
    for error in (None, *USER_ERRORS):
        yield Scene("users.html.j2", error or "listed", {"users": users, "roles": ROLES, "error": error})
    cases = [(CASE, 3), (OTHER_CASE, 1)]
    yield Scene("blocklist.html.j2", "form", {"cases": cases, "result": None})
    added = {"added": 1, "total": 2, "retro_hits": 1}
    yield Scene("blocklist.html.j2", "uploaded", {"cases": cases, "result": added})
    for key in BLOCKLIST_ERRORS:
        yield Scene("blocklist.html.j2", key, {"cases": cases, "result": {"error": key, "problem": UPLOAD_PROBLEM}})
    every, cron = Schedule(every=timedelta(minutes=30)), Schedule(cron="0 3 * * *", jitter=timedelta(seconds=90))
    sources = [Source(id, SOURCE_KINDS[n % 3], (every, cron)[n % 2], NoConfig()) for n, id in enumerate(SOURCE_IDS)]
    runs = [
        RunRecord(f"r{n}", s.id, AT, status=status)
        for n, (s, status) in enumerate(zip(sources, RUN_STATUSES, strict=False))
    ]
    last_runs = {s.id: run for s, run in zip(sources, [*runs, None], strict=True)}
    page = {"sources": sources, "last_runs": last_runs, "error": None, "watchlist": WATCHLIST}
    yield Scene("sources.html.j2", "every run status", page)
    yield Scene("sources.html.j2", "watchlist unreadable", page | {"sources": [], "error": WATCHLIST_PROBLEM})


def other_scenes() -> Iterator[Scene]:
    for error in (None, *LOGIN_ERRORS):
        yield Scene("login.html.j2", error or "form", {"error": error, "name": ""}, reviewer=None)
    confirmed = [card_of([make_hit("confirmed", n, media_sha256=f"{n:064x}")]) for n in range(2)]
    confirmed.append(card_of([make_hit("confirmed", n, sighting_id=f"s{n}") for n in range(2)]))  # two places
    for error in (None, *EXPORT_ERRORS):
        page = {"confirmed": confirmed, "cases": [CASE], "error": error}
        yield Scene("export.html.j2", error or "form", page, Reviewer("ian", "investigator"))
    yield Scene("export.html.j2", "nothing confirmed", {"confirmed": [], "cases": [], "error": None})
    for key in MESSAGE_KEYS:
        yield Scene("message.html.j2", key, {"message_key": key} | ({"limit": 5} if key == "reveal_limit" else {}))
    for role, name in zip(ROLES, NAMES, strict=False):
        for flash, flashed in FLASHES.items():
            values = {"flash": Flash(flash, flashed), "reviews": 20}
            yield Scene("base.html.j2", f"{role} {flash}", values, Reviewer(name, role))
    yield Scene("base.html.j2", "logged out", {"flash": Flash("expired", {})}, reviewer=None)


def spread_scenes() -> Iterator[Scene]:
    """The spread pages of an item and of a source: a forward, and every state of a re-check."""
    item = BlocklistItem("1f" * 16, CASE, LABEL, added_at=AT)
    forward = ForwardedFrom("-1009", DISTRIBUTOR.channel_title, None, AT, 12)
    places = tuple(
        SpreadPlace(
            f"s{n}", item.id, CASE, LABEL, "0" * 63 + str(n), HIT_STATUSES[n % len(HIT_STATUSES)],
            (TELEGRAM_LOCATION, LOCATION)[n % 2], LOCATION + "/a.jpg", SOURCE_IDS[n % 2], SOURCE_KINDS[n % 2 * 2],
            ("telegram", "forum.example")[n % 2], "kanal9" if n % 2 == 0 else "", DISTRIBUTOR.channel_title or "",
            12 if n % 2 == 0 else None, Poster("777", "mun_42", "Mun", "M.") if n else Poster(), AT if n else None,
            AT, PACKET_ID if n else None, state, AT if state is not Online.NOT_CHECKED else None,
            forward if n == 2 else None,
        )
        for n, state in enumerate((*Online, Online.ONLINE))
    )  # fmt: skip
    media = (MediaSpread("0" * 64, HIT_STATUSES[0], 3, AT, AT),)
    channels = (ChannelSpread(SOURCE_IDS[0], "kanal9", "Kanal 9", "telegram", 3, AT, AT),)
    spread = ItemSpread(item, media, places, channels)
    values = {"online": Online}
    yield Scene("spread_item.html.j2", "every state", values | {"spread": spread}, Reviewer("ian", "investigator"))
    withdrawn = ItemSpread(dataclasses.replace(item, state=ItemState.WITHDRAWN), (), (), ())
    yield Scene("spread_item.html.j2", "nowhere", values | {"spread": withdrawn}, Reviewer("vera", "volunteer"))
    posters = tuple(PosterSpread(place.poster, 1, AT, AT) for place in places[:2])
    source = DistributorSpread(SOURCE_IDS[0], "telegram", places, posters)
    yield Scene("spread_source.html.j2", "every state", values | {"spread": source}, Reviewer("ian", "investigator"))
    quiet = DistributorSpread(SOURCE_IDS[1], "", (), ())
    yield Scene("spread_source.html.j2", "no matches", values | {"spread": quiet}, Reviewer("vera", "volunteer"))
    for show_item in (False, True):
        rows = values | {"places": places, "show_item": show_item}
        yield Scene("spread_places.html.j2", f"show item {show_item}", rows)
    yield Scene("spread_macros.html.j2", "macros only")


def notice_scenes() -> Iterator[Scene]:
    """The outbox with a notice in every state and by both channels, one waiting for a person to check."""
    places = (NoticePlace(LOCATION, (PACKET_ID,), ()), NoticePlace(TELEGRAM_LOCATION, (PACKET_ID,), ()))
    listed = [
        NoticeRecord(f"{n:024x}", SOURCE_IDS[n % 2], "public-operator", "deepfake", "", "ko", channel, places,
                     created_at=AT, state=state, sent=(AT,) if n % 2 else (), submitted_by=NAMES[0] if n == 4 else "",
                     needs_check="unconfirmed" if state == "sending" else "", stopped_reason=COMMENT if n == 5 else "",
                     attempts=(NoticeAttempt(AT, UPLOAD_PROBLEM),) if state == "failed" else ())
        for n, (state, channel) in enumerate(zip(TERMS["notice_state"], [*TERMS["notice_channel"]] * 3, strict=False))
    ]  # fmt: skip
    page = {"notices": listed, "total": len(listed), "waiting": 2, "may_submit": may_submit}
    yield Scene("notices.html.j2", "every state", page, Reviewer("ian", "investigator"))
    yield Scene("notices.html.j2", "empty", page | {"notices": [], "total": 0, "waiting": 0})


def recipients_file() -> RecipientsFile:
    """An e-mail recipient (an operator) and a manual one with a form (the police), in both languages."""
    return RecipientsFile.model_validate({
        "requester": {"organisation": RECIPIENT, "contact": ADDRESS, "capacity": "victim", "mandate": COMMENT},
        "recipients": [
            {"id": SOURCE_IDS[0], "match": {"host": "forum.example"}, "channel": "email", "address": ADDRESS},
            {"id": SOURCE_IDS[1], "name": RECIPIENT, "role": "police", "channel": "manual", "form": COMMENT,
             "url": LOCATION, "language": "en"},
        ],
    })  # fmt: skip


def planned(recipient: str, rule: Rule, source: CategorySource, first: bool = False) -> PlannedNotice:
    location = PlannedLocation(LOCATION, "forum.example", "forum.example", True, COMMENT, DISTRIBUTOR, AT, AT,
                               (Evidence(PACKET_ID, MEDIA_SHA256),), (PLAN_CARD,))  # fmt: skip
    return PlannedNotice(recipient, rule, COMMENT, tuple(Category)[len(rule) % 3], source, (location,), first)


def plan_scenes() -> Iterator[Scene]:
    """The plan with every rule and every source of a category, a place left out; no file; a bad file; the
    preview of a notice to each recipient; the report, full and public."""
    recipients = recipients_file()
    notices = [
        planned(SOURCE_IDS[n % 2], rule, tuple(CategorySource)[n % 4], rule is Rule.SUSPECTED_MINOR)
        for n, rule in enumerate(Rule)
    ]
    plan = NoticePlan(tuple(notices), (Unplanned(PLAN_CARD, TELEGRAM_LOCATION, COMMENT),))
    rows = [(notice, REFERENCE, recipients.recipient(notice.recipient)) for notice in notices]
    page = {"view": PlanView(LoadedRecipients(recipients), AT, plan), "rows": rows, "cards_of": cards_of}
    investigator = Reviewer("ian", "investigator")
    yield Scene("notice_plan.html.j2", "every rule", page, investigator)
    yield Scene("notice_plan.html.j2", "nothing planned", page | {"view": PlanView(LoadedRecipients(recipients), AT),
                                                                   "rows": []}, investigator)  # fmt: skip
    yield Scene("notice_plan.html.j2", "no file", page | {"view": PlanView(LoadedRecipients(missing=True), AT)})
    yield Scene("notice_plan.html.j2", "a bad file", page | {"view": PlanView(LoadedRecipients(problem=PROBLEM), AT)})
    yield Scene("notice_macros.html.j2", "macros only")
    for notice in notices[:2]:
        preview = {
            "notice": notice, "reference": REFERENCE, "recipient": recipients.recipient(notice.recipient),
            "email": EmailText(COMMENT, PROBLEM), "language": "ko", "notice_languages": ["ko", "en"],
            "cards": [PLAN_CARD],
        }  # fmt: skip
        yield Scene("notice_preview.html.j2", f"to {notice.recipient}", preview, investigator)
    seen = [AT + timedelta(days=n) for n in range(3)]
    timelines = [
        RemovalTimeline(
            platform, SOURCE_IDS[0] if n else "", LOCATION, PLAN_CARD, seen[n % 3], seen[n % 3] if n else None, n,
            seen[n % 3] + timedelta(hours=5) if outcome.removed else None, outcome,
        )
        for n, (outcome, platform) in enumerate(zip(RemovalOutcome, ["telegram", "forum.example"] * 4, strict=False))
    ]  # fmt: skip
    for variant in ("full", "public"):
        report = build_report(timelines, as_of=AT + timedelta(days=40), public=variant == "public")
        values = {"report": report, "variant": variant, "windows": (7, 30), "outcomes": list(RemovalOutcome),
                  "groups": GROUPS}  # fmt: skip
        yield Scene("report_page.html.j2", variant, values, investigator)
    empty = build_report([], as_of=AT)
    yield Scene("report_page.html.j2", "empty", values | {"report": empty, "variant": "full"}, investigator)


SCENES = [
    *hit_scenes(),
    *queue_scenes(),
    *card_scenes(),
    *notice_scenes(),
    *plan_scenes(),
    *admin_scenes(),
    *other_scenes(),
    *spread_scenes(),
]


def render(scene: Scene, language: str) -> str:
    """The page as ``render_page`` would make it, with a translator that raises on a missing message."""
    values = {
        "t": translator(language, strict=True), "lang": language, "languages": LANGUAGES, "reviewer": scene.reviewer,
        "csrf": "token", "flash": None, "path": "/", "reviews": 0, "break_after": 20,
    }  # fmt: skip
    return TEMPLATES.get_template(scene.template).render(values | dict(scene.values))


def interface_text(page: str) -> str:
    """What the interface itself says on ``page``: the shown text without the data the test put in."""
    return SHOWN_DATA.sub(" ", shown_text(page))


def scene_id(scene: Scene) -> str:
    return f"{scene.template}:{scene.name}"


def rendered_text(scene: Scene, language: str) -> str:
    try:
        return interface_text(render(scene, language))
    except MissingMessage as missing:
        pytest.fail(str(missing))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("scene", SCENES, ids=scene_id)
def test_every_page_renders_in_both_languages_without_a_key_shown_raw(scene: Scene, language: str) -> None:
    text = rendered_text(scene, language)
    assert raw_keys(text, language) == [], text


@pytest.mark.parametrize("scene", SCENES, ids=scene_id)
def test_a_korean_page_leaves_no_english_word_beyond_data_and_technical_tokens(scene: Scene) -> None:
    text = rendered_text(scene, "ko")
    assert english_left(text, TECHNICAL) == [], text


def test_every_template_is_rendered_by_some_scene() -> None:
    assert set(TEMPLATES.list_templates()) == {scene.template for scene in SCENES}


def test_every_state_kind_verdict_role_and_run_status_has_a_korean_name() -> None:
    english, korean = translator("en", strict=True), translator("ko", strict=True)
    for group, values in TERMS.items():
        for value in values:
            assert english.term(group, value), message_key(group, value)
            assert re.search("[가-힣]", korean.term(group, value)), message_key(group, value)


def test_both_catalogues_have_the_same_snake_case_keys_and_the_same_placeholders() -> None:
    assert set(MESSAGES["ko"]) == set(MESSAGES["en"])
    for key, text in MESSAGES["en"].items():
        assert set(PLACEHOLDER.findall(MESSAGES["ko"][key])) == set(PLACEHOLDER.findall(text)), key
        assert all(name is None or name.isidentifier() for _, name, _, _ in string.Formatter().parse(text)), key
        assert re.fullmatch("[a-z][a-z0-9]*(_[a-z0-9]+)*", key), f"{key!r} is not lower_snake_case"


REFUSALS = {"ApprovalRefused": 0, "UsernameRefused": 1}  # exception → the position of its message key


def named_messages(source: str) -> set[str]:
    """The message keys a handler module names: flashed, rendered as a message, or given as a page's error."""
    values = [value for node in ast.walk(ast.parse(source)) for value in message_values(node)]
    return {c.value for v in values for c in ast.walk(v) if isinstance(c, ast.Constant) and isinstance(c.value, str)}


def message_values(node: ast.AST) -> list[ast.expr]:
    """The expressions in ``node`` that hold a message key: ``flash(request, KEY)``, ``render_message(request,
    KEY, ...)``, ``{"error": KEY}``, ``{"message_key": KEY}``, ``error = KEY``, ``session["flash"] = KEY`` and
    a packet's ``problem_key`` (given as ``problem_key=KEY`` or as the field's default), and the key a refusal
    carries to the page (``ApprovalRefused(KEY)``, ``UsernameRefused(name, KEY, reason)``)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("flash", "render_message"):
        return node.args[1:2]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in REFUSALS:
        return node.args[REFUSALS[node.func.id] : REFUSALS[node.func.id] + 1]
    if isinstance(node, ast.keyword) and node.arg == "problem_key":
        return [node.value]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "problem_key":
        return [node.value] if node.value is not None else []
    if isinstance(node, ast.Dict):
        pairs = zip(node.keys, node.values, strict=True)
        return [v for k, v in pairs if isinstance(k, ast.Constant) and k.value in ("error", "message_key")]
    if isinstance(node, ast.Assign) and any(holds_a_message(target) for target in node.targets):
        return [node.value]
    return []


def holds_a_message(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return target.id == "error"
    return (
        isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and target.slice.value == "flash"
    )


def test_every_message_a_handler_names_is_in_both_catalogues_and_shown_by_a_scene() -> None:
    named = set().union(*(named_messages(path.read_text()) for path in MESSAGE_SOURCES))
    assert {"decision_saved", "forbidden", "expired", "locked", "not_verified", "packet_unreadable"} <= named
    assert sorted(named - set(MESSAGES["en"])) == [] and sorted(named - set(MESSAGES["ko"])) == []
    shown = {*USER_ERRORS, *BLOCKLIST_ERRORS, *FLASHES, *LOGIN_ERRORS, *EXPORT_ERRORS, *MESSAGE_KEYS, *PACKET_PROBLEMS}
    assert sorted(named - shown) == []


def test_a_missing_message_raises_when_strict_and_reads_sensibly_in_production() -> None:
    with pytest.raises(MissingMessage, match="no message 'status_archived' in the 'ko' catalogue"):
        translator("ko", strict=True)("status_archived")
    korean = translator("ko")
    assert korean("no_such_key") == "no_such_key"
    assert korean.term("status", "archived") == "archived"  # a new state reads as itself, not status_archived
    assert korean.term("status", "confirmed-once") == MESSAGES["ko"]["status_confirmed_once"]
    assert translator("fr")("login") == "Log in"


def test_a_korean_message_missing_in_production_shows_the_english_text_and_is_logged_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delitem(KOREAN, "status_pending")
    warn_missing.cache_clear()
    caplog.set_level(logging.WARNING, logger="monitor.review.i18n")
    korean = translator("ko")
    assert [korean.term("status", "pending") for _ in range(3)] == ["pending"] * 3  # the English text, not the key
    warned = [r.getMessage() for r in caplog.records if r.name == "monitor.review.i18n"]
    assert warned == [
        "review UI: no message 'status_pending' in the 'ko' catalogue (monitor/review/messages_ko.py); "
        "showing the English text"
    ]
    warn_missing.cache_clear()


def test_a_platform_is_named_where_it_is_one_and_a_web_host_is_shown_as_it_is(
    caplog: pytest.LogCaptureFixture,
) -> None:
    korean = translator("ko", strict=True)
    assert korean.term("platform", "telegram") == "텔레그램"
    assert korean.term("platform", "forum.example") == "forum.example"  # data: no message, no warning
    assert korean.term("kind", "telegram_web") == "텔레그램 (공개 미리보기)"
    assert caplog.records == []


def template_calls(name: str) -> Iterator[tuple[str, str]]:
    """Every ``t(…)`` and ``t.term(…)`` in template ``name``, as ``("key", KEY)``, ``("group", GROUP)`` or
    ``("dynamic", EXPRESSION)``. A loop over a literal list (``{% for name in ["status", …] %}``) names its keys."""
    source, _, _ = TEMPLATES.loader.get_source(TEMPLATES, name)
    tree = TEMPLATES.parse(source)
    literal_loops = {
        loop.target.name: [item.value for item in loop.iter.items if isinstance(item, nodes.Const)]
        for loop in tree.find_all(nodes.For)
        if isinstance(loop.target, nodes.Name) and isinstance(loop.iter, nodes.List)
    }
    for call in tree.find_all(nodes.Call):
        callee, first = call.node, call.args[0] if call.args else None
        if isinstance(callee, nodes.Getattr) and callee.attr == "term" and isinstance(callee.node, nodes.Name):
            yield "group", first.value if isinstance(first, nodes.Const) else f"{name}: a group not written out"
        elif isinstance(callee, nodes.Name) and callee.name == "t" and first is not None:
            if isinstance(first, nodes.Const):
                yield "key", first.value
            elif isinstance(first, nodes.Name) and first.name in literal_loops:
                yield from (("key", key) for key in literal_loops[first.name])
            else:
                yield "dynamic", expression_text(first)


def expression_text(node: nodes.Node) -> str:
    if isinstance(node, nodes.Getattr):
        return f"{expression_text(node.node)}.{node.attr}"
    return node.name if isinstance(node, nodes.Name) else type(node).__name__


# Keys a template takes from its values: each comes from a handler (the named_messages scan checks them).
HANDLER_KEYS = {"error", "flash.key", "message_key", "result.error", "d.packet.problem_key", "v.packet.problem_key"}


def test_every_key_and_term_group_a_template_names_is_in_both_catalogues() -> None:
    calls = {call for name in TEMPLATES.list_templates() for call in template_calls(name)}
    keys = {value for kind, value in calls if kind == "key"}
    assert {"queue", "status", "platform", "no_hits"} <= keys  # the scan finds what it should
    for language in LANGUAGES:
        assert sorted(keys - set(MESSAGES[language])) == [], language
    assert sorted({value for kind, value in calls if kind == "group"} - set(TERMS)) == []
    assert sorted({value for kind, value in calls if kind == "dynamic"} - HANDLER_KEYS) == []


def test_every_catalogue_message_is_used_by_a_template_a_handler_or_a_term() -> None:
    calls = {call for name in TEMPLATES.list_templates() for call in template_calls(name)}
    named = set().union(*(named_messages(path.read_text()) for path in MESSAGE_SOURCES))
    terms = {message_key(group, value) for group, values in TERMS.items() for value in values}
    used = {value for kind, value in calls if kind == "key"} | named | terms
    assert sorted(set(MESSAGES["en"]) - used) == []


def test_a_schedule_reads_as_the_watchlist_writes_it_in_both_languages() -> None:
    from monitor.review.pages import duration_text

    shown = [duration_text(timedelta(seconds=s)) for s in (1800, 7200, 90, 86400, 1.5)]
    assert shown == ["30m", "2h", "90s", "1d", "1.5s"]
    assert translator("ko")("schedule_every", every="30m") == "30m마다"
