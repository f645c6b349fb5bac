"""Login throttling counts an account at one address, an account, and an address, each on its own, and
keeps the counts in the store."""

from __future__ import annotations

from pathlib import Path

from monitor.review.login_throttle import LoginThrottle, MemoryLoginFailures
from monitor.store.base import LoginFailureStore
from monitor.store.sqlite import SqliteStore
from tests.monitor.review.conftest import FakeClock


def throttle(clock: FakeClock, failures: LoginFailureStore | None = None) -> LoginThrottle:
    limits = {"attempts": 3, "lockout_seconds": 60, "account_attempts": 6, "address_attempts": 9}
    return LoginThrottle(clock=clock, failures=failures or MemoryLoginFailures(), **limits)


async def fail(limiter: LoginThrottle, name: str, address: str, times: int) -> None:
    for _ in range(times):
        await limiter.failed(name, address)


async def test_an_account_guessed_at_one_address_is_locked_there_only() -> None:
    limiter = throttle(FakeClock())
    await fail(limiter, "vera", "203.0.113.9", 3)
    assert await limiter.locked("vera", "203.0.113.9") and await limiter.locked("VERA", "203.0.113.9")
    assert not await limiter.locked("vera", "198.51.100.7") and not await limiter.locked("ian", "203.0.113.9")


async def test_an_account_guessed_from_many_addresses_is_locked_everywhere_and_others_are_not() -> None:
    limiter = throttle(FakeClock())
    for n in range(3):
        await fail(limiter, "vera", f"203.0.113.{n}", 2)
    assert await limiter.locked("vera", "198.51.100.7") and not await limiter.locked("ian", "203.0.113.0")


async def test_an_address_spraying_names_is_locked_for_every_name() -> None:
    limiter = throttle(FakeClock())
    for n in range(9):
        await limiter.failed(f"user{n}", "203.0.113.9")
    assert await limiter.locked("someone-else", "203.0.113.9") and not await limiter.locked(
        "someone-else", "198.51.100.7"
    )


async def test_a_success_clears_the_account_but_not_the_address_and_lockouts_pass() -> None:
    clock = FakeClock()
    limiter = throttle(clock)
    for n in range(8):
        await limiter.failed(f"user{n}", "203.0.113.9")
    await fail(limiter, "mallory", "203.0.113.9", 2)
    await limiter.succeeded("mallory", "203.0.113.9")  # her own account: no fresh guesses for the address
    await limiter.failed("vera", "203.0.113.9")
    assert await limiter.locked("vera", "203.0.113.9")
    clock.now += 61
    assert not await limiter.locked("vera", "203.0.113.9")


async def test_every_spelling_that_logs_into_an_account_counts_as_that_account() -> None:
    limiter = throttle(FakeClock())
    for spelling in ("Ian", "\uff29\uff21\uff2e", "\uff49an"):  # Ian, fullwidth ＩＡＮ, ｉan
        await limiter.failed(spelling, "203.0.113.9")
    assert await limiter.locked("ian", "203.0.113.9")


async def test_failed_logins_outlive_a_restart_and_are_shared_by_two_ui_processes(tmp_path: Path) -> None:
    clock, path = FakeClock(), tmp_path / "jikimi.sqlite3"
    first, second = SqliteStore(path), SqliteStore(path)  # two processes on one data directory
    await first.open()
    await second.open()
    await fail(throttle(clock, first), "vera", "203.0.113.9", 2)
    await fail(throttle(clock, second), "vera", "203.0.113.9", 1)
    assert await throttle(clock, second).locked("vera", "203.0.113.9")
    await first.close()
    await second.close()
    restarted = SqliteStore(path)
    await restarted.open()
    assert await throttle(clock, restarted).locked("vera", "203.0.113.9")
    clock.now += 61  # the lockout still passes
    assert not await throttle(clock, restarted).locked("vera", "203.0.113.9")
    await restarted.close()
