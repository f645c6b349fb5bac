"""Takedown notices: who is asked to remove confirmed material, why, what the notice says, and the outbox that
sends it, re-sends it while the material is online, escalates it and stops it once the material is gone.

Names are imported on first use (``config/lazy_imports.py``).
"""

from typing import TYPE_CHECKING

from config.lazy_imports import lazy_exports

if TYPE_CHECKING:
    from monitor.takedown.gathering import confirmed_cards
    from monitor.takedown.outbox import OutboxRun, Signing, retry_notice, send_due, submit_notice
    from monitor.takedown.records import CardFacts, NoticeHistory, NoticePlan, PlaceFacts, PlannedNotice, Rule
    from monitor.takedown.resending import history_of, reconcile
    from monitor.takedown.routing import plan_notices
    from monitor.takedown.sending import MailSender, OutgoingMail, SendFailed, SmtpSender
else:
    __getattr__ = lazy_exports(
        __name__,
        {
            "monitor.takedown.gathering": ("confirmed_cards",),
            "monitor.takedown.outbox": ("OutboxRun", "Signing", "retry_notice", "send_due", "submit_notice"),
            "monitor.takedown.records": (
                "CardFacts", "NoticeHistory", "NoticePlan", "PlaceFacts", "PlannedNotice", "Rule",
            ),
            "monitor.takedown.resending": ("history_of", "reconcile"),
            "monitor.takedown.routing": ("plan_notices",),
            "monitor.takedown.sending": ("MailSender", "OutgoingMail", "SendFailed", "SmtpSender"),
        },
    )  # fmt: skip

__all__ = [
    "CardFacts",
    "MailSender",
    "NoticeHistory",
    "NoticePlan",
    "OutboxRun",
    "OutgoingMail",
    "PlaceFacts",
    "PlannedNotice",
    "Rule",
    "SendFailed",
    "Signing",
    "SmtpSender",
    "confirmed_cards",
    "history_of",
    "plan_notices",
    "reconcile",
    "retry_notice",
    "send_due",
    "submit_notice",
]
