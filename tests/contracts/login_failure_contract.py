"""The contract of ``LoginFailureStore``: failures are counted per key within a window, cleared, forgotten."""

from __future__ import annotations

from monitor.store.base import LoginFailureStore


class LoginFailureContract:
    async def test_failed_logins_are_counted_per_key_after_a_time(self, store: LoginFailureStore) -> None:
        await store.add_login_failure(["account:vera", "address:203.0.113.9"], 100.0)
        await store.add_login_failure(["account:vera"], 160.0)
        counts = await store.count_login_failures(["account:vera", "address:203.0.113.9", "account:ian"], 50.0)
        assert counts == {"account:vera": 2, "address:203.0.113.9": 1, "account:ian": 0}
        assert await store.count_login_failures(["account:vera"], 100.0) == {"account:vera": 1}  # after, not at

    async def test_failed_logins_are_cleared_by_key_and_old_ones_forgotten(self, store: LoginFailureStore) -> None:
        await store.add_login_failure(["account:vera", "address:203.0.113.9"], 100.0)
        await store.add_login_failure(["account:ian"], 200.0)
        await store.clear_login_failures(["account:vera"])
        assert await store.count_login_failures(["account:vera", "address:203.0.113.9"], 0.0) == {
            "account:vera": 0, "address:203.0.113.9": 1,
        }  # fmt: skip
        assert await store.forget_login_failures(100.0) == 1
        assert await store.count_login_failures(["address:203.0.113.9", "account:ian"], 0.0) == {
            "address:203.0.113.9": 0, "account:ian": 1,
        }  # fmt: skip
