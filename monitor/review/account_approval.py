"""Who may make an account that sees originals: two admins, or the server's operator.

Why? An admin cannot reveal or export, but an admin who could make an investigator account alone could
log in with it and reveal anyway. So, in the review UI:

- a **volunteer** account (reviews only, never sees an original) is made by one admin, at once;
- an **investigator** account (reveals, exports) and an **admin** account (which approves the others, so a
  second admin account made alone would be a way round this rule) *wait*: they cannot log in until an
  admin **other than the one who asked** approves them (and no account approves itself);
- each step is kept on the account (``created_by``, ``approved_by``, ``approved_at``, shown on the users
  page) and logged (``jikimi.review.accounts``).

The UI cannot change an account's role, so there is no other way to raise one. ``jikimi users add`` makes
any account at once: it runs on the server, as someone who holds the data directory and its keys anyway.
"""

from __future__ import annotations

import dataclasses
import logging

from crawlers.sighting import utc_now
from monitor.records import Role, UserRecord

log = logging.getLogger("jikimi.review.accounts")

NEEDS_APPROVAL = frozenset({Role.INVESTIGATOR, Role.ADMIN})


class ApprovalRefused(Exception):
    """An approval that breaks the rule; ``message_key`` names why, for the page."""

    def __init__(self, message_key: str) -> None:
        super().__init__(message_key)
        self.message_key = message_key


def requested_account(name: str, role: Role, password_hash: str, admin: str) -> UserRecord:
    """The account ``admin`` asks for: usable at once only if its role cannot reveal or approve."""
    waits = role in NEEDS_APPROVAL
    log.info("account requested", extra={"account": name, "role": str(role), "by": admin, "waits": waits})
    return UserRecord(name, role, password_hash, created_by=admin, awaiting_approval=waits)


def approved(user: UserRecord, admin: str) -> UserRecord:
    """``user`` approved by ``admin``; ``ApprovalRefused`` if nothing awaits or ``admin`` may not approve it."""
    if not user.awaiting_approval or user.disabled:
        raise ApprovalRefused("nothing_to_approve")
    if admin in (user.created_by, user.name):
        raise ApprovalRefused("approve_own_request")
    log.info("account approved", extra={"account": user.name, "role": str(user.role), "by": admin})
    return dataclasses.replace(user, awaiting_approval=False, approved_by=admin, approved_at=utc_now())
