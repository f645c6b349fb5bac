"""Takedown notices: who is asked to remove confirmed material, why, and what the notice says.

Today's step plans and renders; sending (SMTP, an idempotent outbox), re-sends and escalation on the
daemon's clock come next. Names are imported on first use (``config/lazy_imports.py``).
"""

from typing import TYPE_CHECKING

from config.lazy_imports import lazy_exports

if TYPE_CHECKING:
    from monitor.takedown.gathering import confirmed_cards
    from monitor.takedown.records import CardFacts, NoticeHistory, NoticePlan, PlaceFacts, PlannedNotice, Rule
    from monitor.takedown.routing import plan_notices
else:
    __getattr__ = lazy_exports(
        __name__,
        {
            "monitor.takedown.gathering": ("confirmed_cards",),
            "monitor.takedown.records": (
                "CardFacts", "NoticeHistory", "NoticePlan", "PlaceFacts", "PlannedNotice", "Rule",
            ),
            "monitor.takedown.routing": ("plan_notices",),
        },
    )  # fmt: skip

__all__ = [
    "CardFacts",
    "NoticeHistory",
    "NoticePlan",
    "PlaceFacts",
    "PlannedNotice",
    "Rule",
    "confirmed_cards",
    "plan_notices",
]
