"""Who a card's takedown requests would go to, shown on the card page before anything is sent.

The same routing as ``jikimi notices plan`` (``monitor/takedown/routing.py``), for this one card as if it were
confirmed, so a reviewer sees the recipients before confirming and can take one off (``CardFlags.withheld``,
set by the card's flags form). Escalations are left out: they depend on what was sent and on time, and
``jikimi notices plan`` shows them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime

from config.errors import ConfigError
from config.recipients_loading import load_recipients
from monitor.cards import Card
from monitor.records import HitStatus, ItemState
from monitor.review.pages import ReviewApp
from monitor.store.notice_records import CardFlags
from monitor.takedown.gathering import facts_of
from monitor.takedown.routing import plan_notices


@dataclass(frozen=True, slots=True)
class PlannedRecipient:
    """One recipient the card's places would be sent to, why, and whether a reviewer withheld it."""

    recipient: str
    rule: str
    reason: str
    places: int
    withheld: bool


@dataclass(frozen=True, slots=True)
class CardRecipients:
    """The card's recipients, or why none can be shown (no recipients file, or a bad one)."""

    recipients: tuple[PlannedRecipient, ...] = ()
    problem: str = ""  # the recipients file's first problem, as config names it (technical: a line and field)
    missing: bool = False  # there is no recipients file yet: nobody would be asked


async def card_recipients(app: ReviewApp, card: Card, flags: CardFlags | None) -> CardRecipients:
    if not app.settings.recipients.is_file():
        return CardRecipients(missing=True)
    try:
        recipients = load_recipients(app.settings.recipients)
    except ConfigError as exc:
        return CardRecipients(problem=str(exc).splitlines()[0])
    store = app.context.store
    item = await store.get_blocklist_item(card.item_id)
    withdrawn = {card.item_id} if item is not None and item.state is ItemState.WITHDRAWN else set()
    (facts,) = await facts_of(store, [dataclasses.replace(card, status=HitStatus.CONFIRMED)], withdrawn)
    plan = plan_notices([dataclasses.replace(facts, withheld=frozenset())], recipients, now=datetime.now(UTC))
    withheld = set(flags.withheld) if flags else set()
    return CardRecipients(tuple(
        PlannedRecipient(notice.recipient, str(notice.rule), notice.reason, len(notice.locations),
                         notice.recipient in withheld)
        for notice in plan.notices
    ))  # fmt: skip
