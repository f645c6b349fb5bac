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

In memory, per server process: a restart forgets the counts, and two UI processes on one store count
apart (each allows the limits). Kept in the store, they would outlive both; not done yet.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from config.settings import Settings
from monitor.review.usernames import username_key

MAX_KEYS = 100_000  # above this, keys without a recent failure are dropped at the next failure


@dataclass
class LoginThrottle:
    attempts: int
    lockout_seconds: float
    clock: Callable[[], float] = time.monotonic
    account_attempts: int = 20
    address_attempts: int = 50
    _failures: dict[str, list[float]] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings, clock: Callable[[], float] = time.monotonic) -> LoginThrottle:
        return cls(
            settings.review_login_attempts, settings.review_lockout_minutes * 60, clock,
            settings.review_login_account_attempts, settings.review_login_address_attempts,
        )  # fmt: skip

    def _limits(self, name: str, address: str) -> list[tuple[str, int]]:
        account = username_key(name)  # every spelling that logs into one account counts as that account
        return [
            (f"pair:{account}\0{address}", self.attempts),
            (f"account:{account}", self.account_attempts),
            (f"address:{address}", self.address_attempts),
        ]

    def _recent(self, key: str, now: float) -> int:
        recent = [t for t in self._failures.get(key, []) if now - t < self.lockout_seconds]
        if recent:
            self._failures[key] = recent
        else:  # forget keys with no recent failure: the table must not grow without end
            self._failures.pop(key, None)
        return len(recent)

    def locked(self, name: str, address: str) -> bool:
        now = self.clock()
        return any(self._recent(key, now) >= limit for key, limit in self._limits(name, address))

    def failed(self, name: str, address: str) -> None:
        now = self.clock()
        if len(self._failures) > MAX_KEYS:
            for key in list(self._failures):
                self._recent(key, now)
        for key, _ in self._limits(name, address):
            self._failures.setdefault(key, []).append(now)

    def succeeded(self, name: str, address: str) -> None:
        for key, _ in self._limits(name, address)[:2]:
            self._failures.pop(key, None)
