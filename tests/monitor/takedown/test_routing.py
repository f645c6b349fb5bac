"""Routing as specifications: who is asked about a confirmed place, and why, before anything is sent."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config.recipients import AUTHORITIES, Category, RecipientsFile, Role
from config.recipients_loading import load_recipients
from crawlers.sighting import Distributor
from monitor.cards import Card, CardLocation
from monitor.records import HitStatus
from monitor.takedown.records import CardFacts, CategorySource, NoticeHistory, PlaceFacts, Rule
from monitor.takedown.routing import plan_notices, publicity

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)
MEDIA = "ab" * 32

RECIPIENTS = """\
requester: {organisation: "Example Monitoring Group", contact: "group@example.org", capacity: support_centre,
            mandate: "MANDATE-1"}
recipients:
  - {id: forum-abuse, match: {host: "*.forum.example"}, channel: email, address: abuse@forum.example,
     escalate_to: kcsc, escalate_after: 7d}
  - {id: telegram-abuse, role: platform, match: {platform: telegram}, channel: email, address: abuse@telegram.org,
     language: en}
  - {id: kcsc, role: regulator, channel: manual, form: "KCSC digital sex crime report"}
  - {id: d4u, role: support_centre, channel: manual, form: "d4u"}
  - {id: police, role: police, channel: manual, form: "ECRM"}
rules:
  private_sources: [members-forum]
case_categories:
  case-filmed: illegal_filming
"""


@pytest.fixture
def recipients(tmp_path: Path) -> RecipientsFile:
    path = tmp_path / "recipients.yaml"
    path.write_text(RECIPIENTS, encoding="utf-8")
    return load_recipients(path)


def place(
    url: str, *, source: str = "forum", kind: str = "web", platform: str = "", distributor: Distributor | None = None,
    removed_at: datetime | None = None, packet: str = "packet-1",
) -> PlaceFacts:  # fmt: skip
    location = CardLocation(
        sighting_id=f"sighting-{url}", location=url, media_url=f"{url}/m.jpg", source_id=source,
        platform=platform or ("telegram" if kind.startswith("telegram") else url.split("/")[2]),
        posted_at=NOW - timedelta(days=3), seen_at=NOW - timedelta(days=2), packet_id=packet,
    )  # fmt: skip
    return PlaceFacts(location, kind, distributor or Distributor(), removed_at)


def card_facts(
    *places: PlaceFacts, status: HitStatus = HitStatus.CONFIRMED, case: str = "case-1", **flags: object
) -> CardFacts:
    card = Card(
        id=f"{MEDIA}.item-1", media_sha256=MEDIA, item_id="item-1", case=case, label="picture 1", status=status,
        signals=(), locations=tuple(p.location for p in places), first_seen=NOW - timedelta(days=2),
        last_seen=NOW - timedelta(days=1), hit_ids=("hit-1",), newest_hit_at=NOW - timedelta(days=1),
    )  # fmt: skip
    return CardFacts(card, places, **flags)  # type: ignore[arg-type]


FORUM = place("https://www.forum.example/thread/1")
PUBLIC_CHANNEL = place("https://t.me/leaks_channel/12", kind="telegram_web",
                       distributor=Distributor(channel_username="leaks_channel", message_id=12))  # fmt: skip
PRIVATE_GROUP = place("https://t.me/c/1234567890/7", kind="telegram",
                      distributor=Distributor(channel_id="1234567890", message_id=7))  # fmt: skip


def asked(plan_cards: list[CardFacts], recipients: RecipientsFile, **kwargs: object) -> dict[str, Rule]:
    plan = plan_notices(plan_cards, recipients, now=NOW, **kwargs)  # type: ignore[arg-type]
    return {notice.recipient: notice.rule for notice in plan.notices}


def test_a_public_web_page_goes_to_the_operator_whose_host_pattern_covers_it(recipients: RecipientsFile) -> None:
    plan = plan_notices([card_facts(FORUM)], recipients, now=NOW)
    (notice,) = plan.notices
    assert (notice.recipient, notice.rule) == ("forum-abuse", Rule.PUBLIC)
    assert [location.url for location in notice.locations] == [FORUM.location.location]
    assert "public web page on www.forum.example" in notice.reason and "host *.forum.example" in notice.reason
    assert notice.locations[0].evidence[0].media_sha256 == MEDIA and notice.locations[0].public


def test_a_public_telegram_channel_goes_to_telegram(recipients: RecipientsFile) -> None:
    assert asked([card_facts(PUBLIC_CHANNEL)], recipients) == {"telegram-abuse": Rule.PUBLIC}


def test_a_private_telegram_group_goes_to_the_police_only(recipients: RecipientsFile) -> None:
    plan = plan_notices([card_facts(PRIVATE_GROUP)], recipients, now=NOW)
    assert [(n.recipient, n.rule) for n in plan.notices] == [("police", Rule.PRIVATE)]
    assert "without a public username" in plan.notices[0].reason and "police only" in plan.notices[0].reason


def test_a_telegram_place_whose_sighting_is_gone_is_judged_by_its_link(recipients: RecipientsFile) -> None:
    public = replace(PUBLIC_CHANNEL, distributor=None)
    private = replace(PRIVATE_GROUP, distributor=None)
    assert publicity(public, ())[0] and not publicity(private, ())[0]


def test_a_place_of_a_source_listed_as_private_goes_to_the_police_only(recipients: RecipientsFile) -> None:
    members = place("https://www.forum.example/members/9", source="members-forum")
    assert asked([card_facts(members)], recipients) == {"police": Rule.PRIVATE}


def test_a_suspected_minor_goes_to_the_competent_authorities_only_and_first(recipients: RecipientsFile) -> None:
    minor = card_facts(FORUM, PUBLIC_CHANNEL, PRIVATE_GROUP, suspected_minor=True)
    other = card_facts(replace(FORUM, location=replace(FORUM.location, location="https://www.forum.example/t/2")))
    plan = plan_notices([other, minor], recipients, now=NOW)
    minors = [notice for notice in plan.notices if notice.rule is Rule.SUSPECTED_MINOR]
    assert {notice.recipient for notice in minors} == {"kcsc", "d4u", "police"}
    assert all(recipients.recipient(n.recipient).role in AUTHORITIES for n in minors)
    assert all(len(n.locations) == 3 and n.category is Category.CHILD_EXPLOITATION and n.first for n in minors)
    assert plan.notices[: len(minors)] == tuple(minors)  # ahead of every other notice
    operators = [n for n in plan.notices if recipients.recipient(n.recipient).role in (Role.OPERATOR, Role.PLATFORM)]
    assert all(FORUM.location.location not in [loc.url for loc in n.locations] for n in operators)


def test_a_suspected_minor_is_never_escalated_to_an_operator(recipients: RecipientsFile, tmp_path: Path) -> None:
    text = RECIPIENTS.replace('form: "ECRM"}', 'form: "ECRM", escalate_to: forum-abuse, escalate_after: 1d}')
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    escalating = load_recipients(tmp_path / "r.yaml")
    history = NoticeHistory({("police", FORUM.location.location): NOW - timedelta(days=3)})
    plan = plan_notices([card_facts(FORUM, suspected_minor=True)], escalating, now=NOW, history=history)
    assert "forum-abuse" not in {notice.recipient for notice in plan.notices}
    assert any("not escalated from police to forum-abuse" in u.reason for u in plan.unplanned)


@pytest.mark.parametrize("status", [HitStatus.REJECTED, HitStatus.PENDING, HitStatus.CONFIRMED_ONCE])
def test_a_card_that_is_not_confirmed_gets_nothing(recipients: RecipientsFile, status: HitStatus) -> None:
    plan = plan_notices([card_facts(FORUM, PRIVATE_GROUP, status=status)], recipients, now=NOW)
    assert plan.notices == ()
    assert {u.url for u in plan.unplanned} == {FORUM.location.location, PRIVATE_GROUP.location.location}
    assert all(f"the card is {status}" in u.reason for u in plan.unplanned)


def test_a_withdrawn_picture_and_a_removed_place_get_nothing(recipients: RecipientsFile) -> None:
    withdrawn = plan_notices([card_facts(FORUM, item_withdrawn=True)], recipients, now=NOW)
    gone = plan_notices([card_facts(replace(FORUM, removed_at=NOW - timedelta(hours=1)))], recipients, now=NOW)
    assert withdrawn.notices == () == gone.notices
    assert "withdrawn" in withdrawn.unplanned[0].reason and "gone since" in gone.unplanned[0].reason


def test_a_public_place_no_operator_covers_goes_to_the_regulator_at_once(recipients: RecipientsFile) -> None:
    plan = plan_notices([card_facts(place("https://elsewhere.example/p/1"))], recipients, now=NOW)
    assert [(n.recipient, n.rule) for n in plan.notices] == [("kcsc", Rule.PUBLIC_FALLBACK)]
    assert "no operator, platform contact covers elsewhere.example" in plan.notices[0].reason


def test_still_online_after_the_escalation_delay_the_operators_escalation_is_asked_too(
    recipients: RecipientsFile,
) -> None:
    url = FORUM.location.location
    early = NoticeHistory({("forum-abuse", url): NOW - timedelta(days=6)})
    late = NoticeHistory({("forum-abuse", url): NOW - timedelta(days=8)})
    assert asked([card_facts(FORUM)], recipients, history=early) == {"forum-abuse": Rule.PUBLIC}
    plan = plan_notices([card_facts(FORUM)], recipients, now=NOW, history=late)
    assert [(n.recipient, n.rule) for n in plan.notices] == [("forum-abuse", Rule.PUBLIC), ("kcsc", Rule.ESCALATION)]
    assert "still online 8d after the first notice to forum-abuse (escalated after 7d)" in plan.notices[1].reason


def test_without_its_own_escalation_a_platform_hands_on_to_the_public_rules_next_roles(
    recipients: RecipientsFile,
) -> None:
    history = NoticeHistory({("telegram-abuse", PUBLIC_CHANNEL.location.location): NOW - timedelta(days=7)})
    assert asked([card_facts(PUBLIC_CHANNEL)], recipients, history=history) == {
        "telegram-abuse": Rule.PUBLIC, "kcsc": Rule.ESCALATION,
    }  # fmt: skip


def test_one_notice_per_recipient_batches_the_places_of_every_card(recipients: RecipientsFile) -> None:
    second = replace(FORUM, location=replace(FORUM.location, location="https://forum.example/t/2", packet_id="p-2"))
    plan = plan_notices([card_facts(FORUM), card_facts(second), card_facts(FORUM)], recipients, now=NOW)
    (notice,) = plan.notices
    assert [loc.url for loc in notice.locations] == [FORUM.location.location, "https://forum.example/t/2"]


def test_the_category_is_the_reviewers_then_the_cases_then_the_files_default_said_so(
    recipients: RecipientsFile,
) -> None:
    def category(facts: CardFacts) -> tuple[Category, CategorySource]:
        (notice,) = plan_notices([facts], recipients, now=NOW).notices
        return notice.category, notice.category_source

    assert category(card_facts(FORUM, category=Category.ILLEGAL_FILMING)) == (Category.ILLEGAL_FILMING, "card")
    assert category(card_facts(FORUM, case="case-filmed")) == (Category.ILLEGAL_FILMING, CategorySource.CASE)
    assert category(card_facts(FORUM)) == (Category.DEEPFAKE, CategorySource.DEFAULT)


def test_a_place_with_no_recipient_for_its_rule_is_listed_with_the_reason(tmp_path: Path) -> None:
    operators_only = RECIPIENTS.split("  - {id: kcsc")[0].replace(",\n     escalate_to: kcsc, escalate_after: 7d", "")
    (tmp_path / "r.yaml").write_text(operators_only, encoding="utf-8")
    only_operators = load_recipients(tmp_path / "r.yaml")
    plan = plan_notices([card_facts(PRIVATE_GROUP)], only_operators, now=NOW)
    assert plan.notices == ()
    assert "no recipient in recipients.yaml may be asked" in plan.unplanned[0].reason


def test_a_recipient_a_reviewer_withheld_from_a_card_is_not_asked_about_it_and_the_plan_says_so(
    recipients: RecipientsFile,
) -> None:
    assert asked([card_facts(FORUM)], recipients) == {"forum-abuse": Rule.PUBLIC}
    plan = plan_notices([card_facts(FORUM, withheld=frozenset({"forum-abuse"}))], recipients, now=NOW)
    assert plan.notices == ()
    assert [u.reason for u in plan.unplanned] == ["forum-abuse withheld from this card by a reviewer"]
    other = card_facts(PUBLIC_CHANNEL, withheld=frozenset({"forum-abuse"}))  # another recipient: unaffected
    assert asked([other], recipients) == {"telegram-abuse": Rule.PUBLIC}


def test_a_recipient_a_reviewer_added_to_a_card_is_asked_too_about_every_place_it_covers(
    recipients: RecipientsFile,
) -> None:
    facts = card_facts(FORUM, PUBLIC_CHANNEL, added=frozenset({"d4u", "telegram-abuse"}))
    plan = plan_notices([facts], recipients, now=NOW)
    by_recipient = {notice.recipient: notice for notice in plan.notices}
    assert by_recipient["d4u"].rule is Rule.REVIEWER
    assert by_recipient["d4u"].reason == "added by a reviewer on the card page"
    assert [location.url for location in by_recipient["d4u"].locations] == [
        FORUM.location.location,
        PUBLIC_CHANNEL.location.location,
    ]
    # telegram-abuse was already asked about the channel: no second notice; it covers only the channel
    telegram = by_recipient["telegram-abuse"]
    assert ([location.url for location in telegram.locations], telegram.rule) == ([PUBLIC_CHANNEL.location.location],
                                                                                   Rule.PUBLIC)  # fmt: skip
    refused = "telegram-abuse added by a reviewer, but it covers only platform telegram"
    assert [u.reason for u in plan.unplanned] == [refused]


def test_a_reviewer_cannot_add_an_operator_to_a_private_place_or_a_suspected_minor(recipients: RecipientsFile) -> None:
    private = plan_notices([card_facts(PRIVATE_GROUP, added=frozenset({"telegram-abuse", "d4u"}))], recipients, now=NOW)
    assert {notice.recipient: notice.rule for notice in private.notices} == {"police": Rule.PRIVATE}
    assert [u.reason for u in private.unplanned] == [
        "telegram-abuse added by a reviewer, but a private place never goes to a platform",
        "d4u added by a reviewer, but a private place never goes to a support_centre",
    ]
    minor = card_facts(FORUM, suspected_minor=True, added=frozenset({"forum-abuse"}))
    assert "forum-abuse" not in asked([minor], recipients)


def test_an_added_recipient_a_reviewer_also_withheld_is_not_asked(recipients: RecipientsFile) -> None:
    both = card_facts(FORUM, added=frozenset({"d4u"}), withheld=frozenset({"d4u"}))
    assert asked([both], recipients) == {"forum-abuse": Rule.PUBLIC}


def test_an_added_recipient_still_online_after_its_delay_escalates_only_where_the_place_s_rule_allows(
    recipients: RecipientsFile,
) -> None:
    facts = card_facts(FORUM, added=frozenset({"forum-abuse"}))  # already its operator: the same notice, once
    history = NoticeHistory({("forum-abuse", FORUM.location.location): NOW - timedelta(days=8)})
    assert asked([facts], recipients, history=history) == {"forum-abuse": Rule.PUBLIC, "kcsc": Rule.ESCALATION}
