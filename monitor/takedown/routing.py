"""Decide who is asked to take down each confirmed place, and why: the plan of notices, nothing sent.

For every place of every confirmed card (``plan_notices``):

1. A card that is not confirmed, or whose victim picture was withdrawn, gets nothing.
2. A place the last removal re-check found gone gets nothing.
3. A card a reviewer flagged "suspected minor" goes to the competent authorities only (``rules.suspected_minor``:
   police, regulator, support centre — the loader refuses any other role there), ahead of every other notice,
   as 아동·청소년성착취물.
4. A private place goes to ``rules.private`` (police only by default).
5. A public place goes to every operator or platform contact whose ``match`` covers it (``rules.public.to``);
   when none does, to ``rules.public.then`` (the regulator) at once.
6. A recipient a reviewer added to the card (``CardFacts.added``, set on the card page) is asked about each
   place it covers whose rule allows its role — never an operator for a suspected minor or a private place,
   which is said for each place refused. A recipient a reviewer withheld is asked about nothing of the card.
7. Escalation: a recipient first notified about a place longer ago than its delay, the place still online,
   hands it to its ``escalate_to`` (or the public rule's ``then`` roles) — only to a role the place's rule
   allows, so a suspected minor's or a private place's escalation never reaches an operator.
8. Places are batched: one notice per (recipient, rule, category).

**Public or private?** Nothing in the watchlist says a source is private, and what a sighting records is
what we can go on (``crawlers/sighting.py``), so: a place whose source id is listed in
``rules.private_sources`` (a members-only forum) is private; a Telegram place is public when its channel has
a public username — the ``Distributor.channel_username`` the crawler recorded, which every ``telegram_web``
sighting has (the ``t.me/s`` preview exists only for public channels) and a ``telegram`` sighting has for a
public channel — and private otherwise (a ``t.me/c/<id>/…`` link: a private channel or an invite-only
group); a web page is public. When the sighting is gone from the store, the canonical link decides
(``t.me/<username>/<id>`` against ``t.me/c/<id>/<id>``). Why not default a Telegram place to public? A
private group's operator has no legal duty and may warn the group, so a place we cannot show to be public
goes to the police.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from config.recipients import Category, Recipient, RecipientsFile, Role
from monitor.cards import Card
from monitor.records import HitStatus
from monitor.takedown.records import (
    CardFacts,
    CategorySource,
    Evidence,
    NoticeHistory,
    NoticePlan,
    PlaceFacts,
    PlannedLocation,
    PlannedNotice,
    Rule,
    Unplanned,
)

TELEGRAM_KINDS = ("telegram", "telegram_web")
RULE_ORDER = tuple(Rule)
Key = tuple[str, Rule, Category]
Choice = tuple[Recipient, Rule, str]
"""One recipient chosen for one place: by which rule, and why in words."""


def describe_duration(duration: timedelta) -> str:
    """``7d``, ``36h``, ``2s``: a duration as recipients.yaml writes it."""
    seconds = int(duration.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def publicity(place: PlaceFacts, private_sources: Iterable[str]) -> tuple[bool, str]:
    """Whether a place is publicly distributed, and the words that say why (the module docstring says how)."""
    location = place.location
    host = host_of(location.location)
    if location.source_id in set(private_sources):
        return False, f"a place of source {location.source_id!r}, which recipients.yaml lists as private"
    if place.source_kind in TELEGRAM_KINDS or location.platform == "telegram":
        username = place.distributor.channel_username if place.distributor else _username_in(location.location)
        if username:
            return True, f"a public Telegram channel (@{username})"
        return False, "a Telegram chat without a public username (a private channel or an invite-only group)"
    return True, f"a public web page on {host}"


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _username_in(url: str) -> str | None:
    parts = [part for part in urlsplit(url).path.split("/") if part]
    return parts[0] if len(parts) >= 2 and parts[0] not in ("c", "s") else None


def category_of(facts: CardFacts, recipients: RecipientsFile) -> tuple[Category, CategorySource]:
    """The card's category: a reviewer's, a suspected minor's, the case's, or the file's default (said so)."""
    if facts.suspected_minor:
        return Category.CHILD_EXPLOITATION, CategorySource.SUSPECTED_MINOR
    if facts.category is not None:
        return facts.category, CategorySource.CARD
    if facts.card.case in recipients.case_categories:
        return recipients.case_categories[facts.card.case], CategorySource.CASE
    return recipients.rules.default_category, CategorySource.DEFAULT


def _covers(recipient: Recipient, place: PlaceFacts) -> bool:
    """An authority without ``match`` takes every place; anyone with one, the places it matches."""
    location = place.location
    return recipient.match is None or recipient.match.matches(host_of(location.location), location.platform)


def _with_roles(recipients: RecipientsFile, roles: Iterable[Role], place: PlaceFacts) -> list[Recipient]:
    wanted = set(roles)
    return [r for r in recipients.recipients if r.role in wanted and _covers(r, place)]


def _roles(roles: Iterable[Role]) -> str:
    return ", ".join(role.value for role in roles)


def first_choices(
    facts: CardFacts, place: PlaceFacts, public: bool, why: str, recipients: RecipientsFile
) -> list[Choice]:
    """Steps 3-5: who is asked first about ``place`` (``public``, for the reason ``why``)."""
    rules = recipients.rules
    if facts.suspected_minor:
        reason = "a reviewer flagged a suspected minor: the competent authorities only, ahead of every other notice"
        return [(r, Rule.SUSPECTED_MINOR, reason) for r in _with_roles(recipients, rules.suspected_minor.to, place)]
    if not public:
        reason = f"{why}: a private place goes to {_roles(rules.private.to)} only"
        return [(r, Rule.PRIVATE, reason) for r in _with_roles(recipients, rules.private.to, place)]
    operators = _with_roles(recipients, rules.public.to, place)
    if operators:
        return [(r, Rule.PUBLIC, f"{why}: {_asked_as(r)}") for r in operators]
    reason = f"{why}, and no {_roles(rules.public.to)} contact covers {host_of(place.location.location)}: asked at once"
    return [(r, Rule.PUBLIC_FALLBACK, reason) for r in _with_roles(recipients, rules.public.then, place)]


def _asked_as(recipient: Recipient) -> str:
    if recipient.match is None:
        return f"{recipient.display_name} ({recipient.role}) is asked about every public place"
    return f"{recipient.display_name} is the {recipient.role} of {recipient.match.describe()}"


def added_choices(
    facts: CardFacts, place: PlaceFacts, public: bool, first: list[Choice], recipients: RecipientsFile
) -> tuple[list[Choice], list[str]]:
    """Step 6: the recipients a reviewer added that may be asked about ``place``, and those refused (in words).
    Each choice carries the place's own rule, so that its escalations obey it too."""
    rule = Rule.SUSPECTED_MINOR if facts.suspected_minor else Rule.PUBLIC if public else Rule.PRIVATE
    asked = {recipient.id for recipient, _, _ in first}
    chosen: list[Choice] = []
    refused: list[str] = []
    for recipient in recipients.recipients:
        if recipient.id not in facts.added or recipient.id in asked:
            continue
        if recipient.role not in _allowed_roles(rule, recipients):
            refused.append(f"{recipient.id} added by a reviewer, but a {rule} place never goes to a {recipient.role}")
        elif not _covers(recipient, place) and recipient.match is not None:
            refused.append(f"{recipient.id} added by a reviewer, but it covers only {recipient.match.describe()}")
        else:
            chosen.append((recipient, rule, "added by a reviewer on the card page"))
    return chosen, refused


def _allowed_roles(rule: Rule, recipients: RecipientsFile) -> set[Role]:
    rules = recipients.rules
    if rule is Rule.SUSPECTED_MINOR:
        return set(rules.suspected_minor.to)
    if rule is Rule.PRIVATE:
        return set(rules.private.to)
    return set(Role)


def escalations(
    first: list[Choice], place: PlaceFacts, recipients: RecipientsFile, history: NoticeHistory, now: datetime
) -> tuple[list[Choice], list[str]]:
    """Step 6: the recipients a place is handed on to, and the escalations refused (in words)."""
    url = place.location.location
    chosen: list[Choice] = []
    refused: list[str] = []
    asked = {recipient.id for recipient, _, _ in first}
    pending = [(recipient, rule) for recipient, rule, _ in first]
    while pending:
        recipient, rule = pending.pop(0)
        since = history.first_notified.get((recipient.id, url))
        delay = recipients.escalation_delay(recipient)
        if since is None or now - since < delay:
            continue
        if recipient.escalate_to is not None:
            onward = [recipients.recipient(recipient.escalate_to)]
        else:
            onward = _with_roles(recipients, recipients.rules.public.then, place)
        reason = (f"still online {describe_duration(now - since)} after the first notice to {recipient.id} "
                  f"(escalated after {describe_duration(delay)})")  # fmt: skip
        for target in onward:
            if target.id in asked:
                continue
            if target.role not in _allowed_roles(rule, recipients):
                refused.append(f"not escalated from {recipient.id} to {target.id}: a {rule} place never goes to "
                               f"a {target.role}")  # fmt: skip
                continue
            asked.add(target.id)
            chosen.append((target, Rule.ESCALATION, reason))
            pending.append((target, rule))
    return chosen, refused


def _location(card: Card, place: PlaceFacts, public: bool, why: str) -> PlannedLocation:
    location = place.location
    web = location.platform != "telegram"
    return PlannedLocation(
        url=location.location,
        platform=location.platform,
        host=host_of(location.location),
        public=public,
        publicity=why,
        distributor=place.distributor,
        posted_at=location.posted_at,
        first_seen=location.seen_at,
        evidence=(Evidence(location.packet_id, card.media_sha256),),
        card_ids=(card.id,),
        media_urls=(location.media_url,) if web and location.media_url and location.media_url != location.location
        else (),
    )  # fmt: skip


def _merged(old: PlannedLocation, new: PlannedLocation) -> PlannedLocation:
    """One location seen again (another card, another sighting): one entry with all its evidence."""
    return replace(
        old,
        posted_at=old.posted_at or new.posted_at,
        first_seen=min(old.first_seen, new.first_seen),
        evidence=tuple(dict.fromkeys(old.evidence + new.evidence)),
        card_ids=tuple(dict.fromkeys(old.card_ids + new.card_ids)),
        media_urls=tuple(dict.fromkeys(old.media_urls + new.media_urls)),
    )


def plan_notices(
    cards: Iterable[CardFacts], recipients: RecipientsFile, *, now: datetime, history: NoticeHistory | None = None
) -> NoticePlan:
    """The notices the confirmed ``cards`` call for now (steps in the module docstring), and every place left
    out with its reason. ``history``: what was sent before (empty: first notices only, no escalation)."""
    history = history or NoticeHistory()
    batches: dict[Key, dict[str, PlannedLocation]] = {}
    reasons: dict[Key, dict[str, None]] = {}
    sources: dict[Key, CategorySource] = {}
    unplanned: list[Unplanned] = []
    for facts in cards:
        card = facts.card
        if card.status is not HitStatus.CONFIRMED or facts.item_withdrawn:
            why = "its victim picture was withdrawn" if facts.item_withdrawn else f"the card is {card.status}"
            unplanned += [Unplanned(card.id, place.location.location, why) for place in facts.places]
            continue
        category, category_source = category_of(facts, recipients)
        for place in facts.places:
            url = place.location.location
            if place.removed_at is not None:
                unplanned.append(Unplanned(card.id, url, f"gone since the re-check of {place.removed_at:%Y-%m-%d}"))
                continue
            public, why = publicity(place, recipients.rules.private_sources)
            first = first_choices(facts, place, public, why, recipients)
            added, refused = added_choices(facts, place, public, first, recipients)
            unplanned += [Unplanned(card.id, url, text) for text in refused]
            if not first + added:
                unplanned.append(Unplanned(card.id, url, f"{why}: no recipient in recipients.yaml may be asked"))
                continue
            onward, refused = escalations(first + added, place, recipients, history, now)
            unplanned += [Unplanned(card.id, url, text) for text in refused]
            planned = _location(card, place, public, why)
            reviewed = [(recipient, Rule.REVIEWER, reason) for recipient, _, reason in added]
            chosen = [choice for choice in first + reviewed + onward if choice[0].id not in facts.withheld]
            unplanned += [
                Unplanned(card.id, url, f"{choice[0].id} withheld from this card by a reviewer")
                for choice in first + reviewed + onward if choice[0].id in facts.withheld
            ]  # fmt: skip
            for recipient, rule, reason in chosen:
                key = (recipient.id, rule, category)
                batch = batches.setdefault(key, {})
                batch[url] = _merged(batch[url], planned) if url in batch else planned
                reasons.setdefault(key, {})[reason] = None
                sources.setdefault(key, category_source)
    order = {recipient.id: index for index, recipient in enumerate(recipients.recipients)}
    notices = [
        PlannedNotice(
            recipient=recipient_id, rule=rule, reason=_summary(list(reasons[key])), category=category,
            category_source=sources[key], locations=tuple(batches[key].values()), first=rule is Rule.SUSPECTED_MINOR,
        )
        for key in batches
        for recipient_id, rule, category in [key]
    ]  # fmt: skip
    notices.sort(key=lambda n: (not n.first, order[n.recipient], RULE_ORDER.index(n.rule), n.category.value))
    return NoticePlan(tuple(notices), tuple(unplanned))


def _summary(reasons: list[str], shown: int = 3) -> str:
    more = f"; and {len(reasons) - shown} more" if len(reasons) > shown else ""
    return "; ".join(reasons[:shown]) + more
