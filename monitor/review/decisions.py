"""A hit's review status from its decisions: the rule that turns verdicts into a status.

Each reviewer counts once, by their latest verdict. The latest verdict overall decides between reject,
escalate and confirm; a confirmation counts as "confirmed" only when ``required`` different reviewers
currently confirm (four-eyes review when ``JIKIMI_REVIEW_CONFIRMATIONS=2``).
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.records import CONFIRMED, Decision

EXPORTABLE = CONFIRMED


def status_after(decisions: Sequence[Decision], required: int) -> str:
    if not decisions:
        return "pending"
    latest_by_reviewer: dict[str, Decision] = {}
    for decision in sorted(decisions, key=lambda d: d.at):
        latest_by_reviewer[decision.reviewer] = decision
    last = max(decisions, key=lambda d: d.at)
    if last.verdict == "reject":
        return "rejected"
    if last.verdict == "escalate":
        return "escalated"
    confirmers = sum(1 for d in latest_by_reviewer.values() if d.verdict == "confirm")
    return EXPORTABLE if confirmers >= required else "confirmed-once"
