"""Who a card's takedown requests would go to, shown on the card page before anything is sent.

The same routing as ``jikimi notices plan`` (``monitor/takedown/routing.py``), for this one card as if it were
confirmed, so a reviewer sees the recipients before confirming and can take one off (``CardFlags.withheld``)
or ask one more (``CardFlags.added``), both set by the card's flags form. The recipients that may be added are
found by routing itself — the plan as if every recipient had been added — so the page never offers one that
routing would refuse (an operator for a private place or a suspected minor). Escalations are left out: they
depend on what was sent and on time, and ``jikimi notices plan`` shows them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from monitor.cards import Card
from monitor.records import HitStatus, ItemState
from monitor.review.pages import ReviewApp
from monitor.review.recipients_cache import current_recipients
from monitor.store.notice_records import CardFlags
from monitor.takedown.gathering import facts_of
from monitor.takedown.records import PlannedNotice, Rule
from monitor.takedown.routing import plan_notices


@dataclass(frozen=True, slots=True)
class PlannedRecipient:
    """One recipient the card's places would be sent to, why, and whether a reviewer withheld or added it."""

    recipient: str
    rules: tuple[str, ...]  # every rule that chose it for a place of the card (``Rule``), in the plan's order
    reason: str  # in English, as routing says it (the page names the rules in the reader's language)
    places: int
    withheld: bool
    added: bool = False  # asked only because a reviewer added it: unticking it takes the addition back


@dataclass(frozen=True, slots=True)
class CardRecipients:
    """The card's recipients, or why none can be shown (no recipients file, or a bad one)."""

    recipients: tuple[PlannedRecipient, ...] = ()
    addable: tuple[str, ...] = ()  # recipients not planned that a reviewer may add (routing would ask them)
    problem: str = ""  # the recipients file's first problem, as config names it (technical: a line and field)
    missing: bool = False  # there is no recipients file yet: nobody would be asked


async def card_recipients(app: ReviewApp, card: Card, flags: CardFlags | None) -> CardRecipients:
    loaded = await current_recipients(app.settings.recipients)
    if loaded.recipients is None:
        return CardRecipients(problem=loaded.problem, missing=loaded.missing)
    recipients = loaded.recipients
    store = app.context.store
    item = await store.get_blocklist_item(card.item_id)
    withdrawn = {card.item_id} if item is not None and item.state is ItemState.WITHDRAWN else set()
    (facts,) = await facts_of(store, [dataclasses.replace(card, status=HitStatus.CONFIRMED)], withdrawn)
    now = datetime.now(UTC)
    plan = plan_notices([dataclasses.replace(facts, withheld=frozenset())], recipients, now=now)
    withheld, added = (set(flags.withheld), set(flags.added)) if flags else (set(), set())
    planned = tuple(_by_recipient(plan.notices, withheld, added))
    everyone = frozenset(recipient.id for recipient in recipients.recipients)
    widest = plan_notices([dataclasses.replace(facts, withheld=frozenset(), added=everyone)], recipients, now=now)
    shown = {recipient.recipient for recipient in planned}
    addable = tuple(dict.fromkeys(n.recipient for n in widest.notices if n.recipient not in shown))
    return CardRecipients(planned, addable)


def _by_recipient(notices: Iterable[PlannedNotice], withheld: set[str], added: set[str]) -> list[PlannedRecipient]:
    """One row per recipient, however many notices (one per rule) would go to it about this card."""
    grouped: dict[str, list[PlannedNotice]] = {}
    for notice in notices:
        grouped.setdefault(notice.recipient, []).append(notice)
    return [
        PlannedRecipient(
            recipient, tuple(str(n.rule) for n in group), "; ".join(dict.fromkeys(n.reason for n in group)),
            len({location.url for n in group for location in n.locations}), recipient in withheld,
            recipient in added and all(n.rule is Rule.REVIEWER for n in group),
        )
        for recipient, group in grouped.items()
    ]  # fmt: skip
