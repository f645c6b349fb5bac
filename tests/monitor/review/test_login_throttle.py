"""Login throttling counts an account at one address, an account, and an address, each on its own."""

from __future__ import annotations

from monitor.review.login_throttle import LoginThrottle
from tests.monitor.review.conftest import FakeClock


def throttle(clock: FakeClock) -> LoginThrottle:
    return LoginThrottle(attempts=3, lockout_seconds=60, clock=clock, account_attempts=6, address_attempts=9)


def fail(limiter: LoginThrottle, name: str, address: str, times: int) -> None:
    for _ in range(times):
        limiter.failed(name, address)


def test_an_account_guessed_at_one_address_is_locked_there_only() -> None:
    limiter = throttle(FakeClock())
    fail(limiter, "vera", "203.0.113.9", 3)
    assert limiter.locked("vera", "203.0.113.9") and limiter.locked("VERA", "203.0.113.9")
    assert not limiter.locked("vera", "198.51.100.7") and not limiter.locked("ian", "203.0.113.9")


def test_an_account_guessed_from_many_addresses_is_locked_everywhere_and_others_are_not() -> None:
    limiter = throttle(FakeClock())
    for n in range(3):
        fail(limiter, "vera", f"203.0.113.{n}", 2)
    assert limiter.locked("vera", "198.51.100.7") and not limiter.locked("ian", "203.0.113.0")


def test_an_address_spraying_names_is_locked_for_every_name() -> None:
    limiter = throttle(FakeClock())
    for n in range(9):
        limiter.failed(f"user{n}", "203.0.113.9")
    assert limiter.locked("someone-else", "203.0.113.9") and not limiter.locked("someone-else", "198.51.100.7")


def test_a_success_clears_the_account_but_not_the_address_and_lockouts_pass() -> None:
    clock = FakeClock()
    limiter = throttle(clock)
    for n in range(8):
        limiter.failed(f"user{n}", "203.0.113.9")
    fail(limiter, "mallory", "203.0.113.9", 2)
    limiter.succeeded("mallory", "203.0.113.9")  # her own account: no fresh guesses for the address
    limiter.failed("vera", "203.0.113.9")
    assert limiter.locked("vera", "203.0.113.9")
    clock.now += 61
    assert not limiter.locked("vera", "203.0.113.9")


def test_every_spelling_that_logs_into_an_account_counts_as_that_account() -> None:
    limiter = throttle(FakeClock())
    for spelling in ("Ian", "\uff29\uff21\uff2e", "\uff49an"):  # Ian, fullwidth ＩＡＮ, ｉan
        limiter.failed(spelling, "203.0.113.9")
    assert limiter.locked("ian", "203.0.113.9")
