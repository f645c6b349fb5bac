"""A hit's review status from its decisions: the rule that turns verdicts into a status.

Each reviewer counts once, by their latest verdict. The latest verdict overall decides between reject,
escalate and confirm; a confirmation counts as "confirmed" only when ``required`` different reviewers
currently confirm (four-eyes review when ``JIKIMI_REVIEW_CONFIRMATIONS=2``).
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.records import Decision, HitStatus, Verdict

EXPORTABLE = HitStatus.CONFIRMED


def status_after(decisions: Sequence[Decision], required: int) -> HitStatus:
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
