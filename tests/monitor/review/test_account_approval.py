"""Accounts that may reveal or approve, made in the UI, wait for an admin other than the one who asked."""

from __future__ import annotations

import dataclasses

import pytest

from monitor.records import Role
from monitor.review.account_approval import ApprovalRefused, approved, requested_account


@pytest.mark.parametrize(("role", "waits"), [(Role.VOLUNTEER, False), (Role.INVESTIGATOR, True), (Role.ADMIN, True)])
def test_only_accounts_that_may_reveal_or_approve_wait(role: Role, waits: bool) -> None:
    account = requested_account("new", role, "hash", "ada")
    assert (account.awaiting_approval, account.created_by) == (waits, "ada")


def test_a_second_admin_approves_and_the_record_says_who() -> None:
    account = approved(requested_account("ivan", Role.INVESTIGATOR, "hash", "ada"), "olga")
    assert not account.awaiting_approval and account.approved_by == "olga" and account.approved_at is not None


@pytest.mark.parametrize("approver", ["ada", "ivan"])
def test_neither_the_asking_admin_nor_the_account_itself_approves(approver: str) -> None:
    with pytest.raises(ApprovalRefused, match="approve_own_request"):
        approved(requested_account("ivan", Role.INVESTIGATOR, "hash", "ada"), approver)


def test_an_account_not_waiting_or_disabled_has_nothing_to_approve() -> None:
    waiting = requested_account("ivan", Role.INVESTIGATOR, "hash", "ada")
    for account in (approved(waiting, "olga"), dataclasses.replace(waiting, disabled=True)):
        with pytest.raises(ApprovalRefused, match="nothing_to_approve"):
            approved(account, "olga")
