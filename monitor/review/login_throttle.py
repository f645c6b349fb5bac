"""Failed logins, counted three ways so that guessing one account locks out neither its owner nor others.

- per account **at one address** (``attempts``, 5): an attacker guessing ``vera`` from one address stops
  there, and ``vera`` herself, elsewhere, still logs in;
- per **account** from every address (``account_attempts``, 20): a guess spread over many addresses stops
  too, and only that account waits;
- per **address** over every account (``address_attempts``, 50): one address spraying many names stops.
  Behind a reverse proxy every reviewer has the proxy's address unless the proxy is trusted
  (``JIKIMI_REVIEW_TRUSTED_PROXIES``, ``monitor/review/client_address.py``).

A lockout lasts ``lockout_seconds`` after the failures that caused it (a sliding window). A success
clears the account's counts, not the address's: logging into one's own account between guesses does not
buy more guesses. An account is counted by its name's key (NFKC, casefold: ``usernames.py``), the
form a login finds it by, so ``ＩＡＮ`` and ``Ian`` are guesses at ``ian`` and buy no more of them.

The failures are kept in the store (``LoginFailureStore``: SQLite or MongoDB), so a restart forgets none
and two UI processes on one store count together; the clock is therefore the wall clock (seconds since
the epoch), not a per-process one. The keys hold the account name and the address: they are dropped
once past the lockout, at the next failure. ``MemoryLoginFailures`` is the same in one process's memory,
for tests and for a throttle built without a store.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from config.settings import Settings
from monitor.store.base import LoginFailureStore
from monitor.usernames import username_key


@dataclass
class MemoryLoginFailures:
    """``LoginFailureStore`` in memory: one process's failures, lost when it stops."""

    _failures: dict[str, list[float]] = field(default_factory=dict)

    async def add_login_failure(self, keys: Sequence[str], at: float) -> None:
        for key in keys:
            self._failures.setdefault(key, []).append(at)

    async def count_login_failures(self, keys: Sequence[str], since: float) -> dict[str, int]:
        return {key: sum(1 for at in self._failures.get(key, ()) if at > since) for key in keys}

    async def clear_login_failures(self, keys: Sequence[str]) -> None:
        for key in keys:
            self._failures.pop(key, None)

    async def forget_login_failures(self, before: float) -> int:
        forgotten = 0
        for key in list(self._failures):
            kept = [at for at in self._failures[key] if at > before]
            forgotten += len(self._failures[key]) - len(kept)
            if kept:
                self._failures[key] = kept
            else:  # the table must not grow without end
                del self._failures[key]
        return forgotten


@dataclass
class LoginThrottle:
    attempts: int
    lockout_seconds: float
    clock: Callable[[], float] = time.time
    account_attempts: int = 20
    address_attempts: int = 50
    failures: LoginFailureStore = field(default_factory=MemoryLoginFailures)

    @classmethod
    def from_settings(
        cls, settings: Settings, clock: Callable[[], float] = time.time, failures: LoginFailureStore | None = None
    ) -> LoginThrottle:
        return cls(
            settings.review_login_attempts, settings.review_lockout_minutes * 60, clock,
            settings.review_login_account_attempts, settings.review_login_address_attempts,
            failures or MemoryLoginFailures(),
        )  # fmt: skip

    def _limits(self, name: str, address: str) -> list[tuple[str, int]]:
        account = username_key(name)  # every spelling that logs into one account counts as that account
        return [
            (f"pair:{account}\0{address}", self.attempts),
            (f"account:{account}", self.account_attempts),
            (f"address:{address}", self.address_attempts),
        ]

    async def locked(self, name: str, address: str) -> bool:
        limits = self._limits(name, address)
        since = self.clock() - self.lockout_seconds
        counts = await self.failures.count_login_failures([key for key, _ in limits], since)
        return any(counts[key] >= limit for key, limit in limits)

    async def failed(self, name: str, address: str) -> None:
        now = self.clock()
        await self.failures.forget_login_failures(now - self.lockout_seconds)
        await self.failures.add_login_failure([key for key, _ in self._limits(name, address)], now)

    async def succeeded(self, name: str, address: str) -> None:
        await self.failures.clear_login_failures([key for key, _ in self._limits(name, address)[:2]])
