"""Reviewers' decisions: the rule that turns verdicts into a status, and recording a decision with its custody.

Both the review UI (one hit, ``monitor/review/hits.py``) and ``jikimi hits decide`` (every hit of a card,
``monitor/cli/hits.py``) record decisions here, so the four-eyes rule and the custody trail are the same
whichever way a reviewer decides. Nothing here knows about HTTP.

The rule: each reviewer counts once, by their latest verdict. The latest verdict overall decides between
reject, escalate and confirm; a confirmation counts as "confirmed" only when ``required`` different
reviewers currently confirm (four-eyes review when ``JIKIMI_REVIEW_CONFIRMATIONS=2``). Every decision is a
``decided`` custody event on the chain of the hit's packet, naming the hit (and the card, when decided as one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from config.errors import UsageError
from evidence.custody import CustodyKind
from monitor.cards import Card, card_keys, card_of
from monitor.packets.custody_log import append_event
from monitor.records import Decision, HitRecord, HitStatus, Verdict
from monitor.store.base import Store
from monitor.store.queries import HitQuery
from monitor.usernames import stored_account

EXPORTABLE = HitStatus.CONFIRMED


class DecisionRefused(UsageError):
    """A decision that is not recorded, and why: an unknown card or reviewer, or a reviewer confirming twice
    (exit status 2; nothing of it was written)."""

    def __init__(self, message: str, *, card_missing: bool = False) -> None:
        super().__init__(message)
        self.card_missing = card_missing  # no such card (rather than a decision the rules refuse)


def status_after(decisions: Sequence[Decision], required: int) -> HitStatus:
    """A hit's status after its ``decisions`` (the rule is in the module's docstring)."""
    if not decisions:
        return HitStatus.PENDING
    latest_by_reviewer: dict[str, Decision] = {}
    for decision in sorted(decisions, key=lambda d: d.at):
        latest_by_reviewer[decision.reviewer] = decision
    last = max(decisions, key=lambda d: d.at)
    if last.verdict == Verdict.REJECT:
        return HitStatus.REJECTED
    if last.verdict == Verdict.ESCALATE:
        return HitStatus.ESCALATED
    confirmers = sum(1 for d in latest_by_reviewer.values() if d.verdict == Verdict.CONFIRM)
    return EXPORTABLE if confirmers >= required else HitStatus.CONFIRMED_ONCE


def confirms_already(decisions: Sequence[Decision], reviewer: str) -> bool:
    """Whether ``reviewer``'s latest verdict among ``decisions`` is a confirmation: their confirming again would
    not be a second pair of eyes."""
    theirs = [decision for decision in decisions if decision.reviewer == reviewer]
    return bool(theirs) and max(theirs, key=lambda d: d.at).verdict == Verdict.CONFIRM


async def decide_hit(
    store: Store, signer: Ed25519PrivateKey | None, hit: HitRecord, reviewer: str, verdict: Verdict, comment: str,
    required: int, details: Mapping[str, Any] | None = None,
) -> HitStatus:  # fmt: skip
    """Record one reviewer's verdict on one hit: the decision, the hit's new status, the custody event."""
    await store.put_decision(Decision(hit.id, reviewer, verdict, comment))
    status = status_after(await store.decisions(hit.id), required)
    await store.set_hit_status(hit.id, status)
    event = {"hit_id": hit.id} | dict(details or {}) | {"verdict": str(verdict), "comment": comment, "status": status}
    await append_event(store, hit.custody_chain, CustodyKind.DECIDED, reviewer, event, signer=signer)
    return status


@dataclass(frozen=True, slots=True)
class CardDecision:
    """What deciding a card did: the card as it is now, the hits the decision was recorded on, and the reviewer
    as the store names them (however the name was typed)."""

    card: Card
    decided: tuple[str, ...]
    kept: tuple[str, ...]  # hits this reviewer had confirmed already: their confirmation counts once
    reviewer: str = ""


async def card_hits(store: Store, card_id: str) -> list[HitRecord]:
    """Every hit of the card ``card_id`` (by the store's media × item index); refused if there is no such card."""
    keys = card_keys(card_id)
    hits = (
        []
        if keys is None
        else (await store.find_hits(HitQuery(media_sha256=keys[0], item_id=keys[1], limit=None))).hits
    )
    if not hits:
        raise DecisionRefused(f"no card {card_id!r} (jikimi hits lists the cards and their ids)", card_missing=True)
    return hits


async def decide_card(
    store: Store, signer: Ed25519PrivateKey | None, card_id: str, reviewer: str, verdict: Verdict, comment: str,
    required: int,
) -> CardDecision:  # fmt: skip
    """Record ``reviewer``'s verdict on every hit of a card, by the same rule and custody as one hit's.

    Refused, with nothing written, for an unknown card, a reviewer who is not an enabled account of this
    store, or a confirmation by a reviewer who has confirmed every hit of the card already. Hits this
    reviewer confirmed before (a place seen again since) keep that confirmation; the others get the decision.
    """
    hits = await card_hits(store, card_id)
    user = await stored_account(store, reviewer)
    if user is None or user.disabled:
        state = "is disabled" if user is not None else "is not an account of this store (jikimi users list)"
        raise DecisionRefused(f"reviewer {reviewer!r} {state}: a decision names a reviewer who may make it")
    reviewer = user.name  # as stored, whichever spelling was typed: the four-eyes rule compares names
    repeats = set()
    if verdict == Verdict.CONFIRM:
        repeats = {hit.id for hit in hits if confirms_already(await store.decisions(hit.id), reviewer)}
        if len(repeats) == len(hits):
            raise DecisionRefused(
                f"{reviewer!r} has confirmed card {card_id!r} already: a second confirmation must come from a "
                "different reviewer (four-eyes review)"
            )
    decided = [hit for hit in hits if hit.id not in repeats]
    for hit in decided:
        await decide_hit(store, signer, hit, reviewer, verdict, comment, required, {"card_id": card_id})
    now = (await store.find_hits(HitQuery(ids=tuple(hit.id for hit in hits), limit=None))).hits
    return CardDecision(card_of(now), tuple(hit.id for hit in decided), tuple(sorted(repeats)), reviewer)
