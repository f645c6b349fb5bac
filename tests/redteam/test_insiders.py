"""Red team: curious and hostile insiders of the review UI (issue 12, findings 5, 6, 7, 10 and the lows).

Each test is an attack that worked on the code before the fix: a cookie copied before logout, an admin
making an investigator to reveal with, a case code that climbs out of the export folder or into a
header, failed logins that lock out a whole office, argon2 stalling the server, ``/metrics`` naming the
watched sources, a bidi override reversing a name, pictures fetched without a trace in the custody log.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from pydantic import SecretStr

from crawlers.sighting import Distributor, Sighting
from monitor.records import RunRecord, RunStatus, UserRecord
from monitor.review import passwords
from monitor.review.app import COOKIE_NAME
from monitor.review.passwords import hash_password
from tests.monitor.review import conftest as review_ui
from tests.monitor.review.conftest import PASSWORD, World, add_hit_with_packet, csrf_of, log_in, post

world = review_ui.world  # the review UI's fixtures: a real store with a hit and its packet, a server, clients
settings_overrides = review_ui.settings_overrides

AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


async def events_of(world: World, **wanted: Any) -> list[tuple[str, str, dict[str, Any]]]:
    chain = world.hits[0].packet_id or ""
    events = await world.context.store.custody_events(chain)
    return [(e.kind, e.actor, dict(e.details)) for e in events if all(e.details.get(k) == v for k, v in wanted.items())]


# --- 5. logout ends a session; a session has an absolute lifetime ------------------------------------------


async def test_a_cookie_copied_before_logout_no_longer_opens_anything_after_it(world: World) -> None:
    vera = await world.client_for("vera")
    copied = next(cookie.value for cookie in vera.session.cookie_jar if cookie.key == COOKIE_NAME)
    assert (await post(vera, "/logout")).status == 303
    thief = await world.client_for()
    replayed = await thief.get("/hits", headers={"Cookie": f"{COOKIE_NAME}={copied}"}, allow_redirects=False)
    assert (replayed.status, replayed.headers["Location"]) == (303, "/login")


@pytest.mark.parametrize("settings_overrides", [{"review_session_hours": 1.0 / 3600}])
async def test_a_session_kept_busy_still_ends_at_its_absolute_lifetime(world: World) -> None:
    vera = await world.client_for("vera")
    started = time.monotonic()
    while time.monotonic() - started < 0.8:  # busy all along: the idle timeout never fires
        assert (await vera.get("/hits", allow_redirects=False)).status == 200
        await asyncio.sleep(0.2)
    await asyncio.sleep(0.4)
    ended = await vera.get("/hits", allow_redirects=False)
    assert (ended.status, ended.headers["Location"]) == (303, "/login")


async def test_the_store_keeps_no_usable_session_secret(world: World) -> None:
    vera = await world.client_for("vera")
    sealed = next(cookie.value for cookie in vera.session.cookie_jar if cookie.key == COOKIE_NAME)
    database = (world.settings.data_dir / "jikimi.sqlite3").read_bytes()
    assert sealed.encode() not in database


# --- 6. reveal-capable accounts need a second admin -------------------------------------------------------


async def test_an_admin_alone_cannot_make_an_investigator_and_reveal_with_it(world: World) -> None:
    ada, uid = await world.client_for("ada"), world.hits[0].uid
    assert (
        await post(ada, "/admin/users", {"name": "ivan", "role": "investigator", "password": PASSWORD})
    ).status == 303
    waiting = await log_in(await world.client_for(), "ivan", PASSWORD)
    assert waiting.status == 403 and "waiting for an admin" in await waiting.text()
    assert (await post(ada, "/admin/users/ivan/approve")).status == 403  # not the admin who asked
    # nor through a second admin account of her own: it waits too, so it cannot approve anything
    assert (await post(ada, "/admin/users", {"name": "adam", "role": "admin", "password": PASSWORD})).status == 303
    assert (await log_in(await world.client_for(), "adam", PASSWORD)).status == 403

    await world.context.store.put_user(UserRecord("olga", "admin", hash_password(PASSWORD)))  # the operator's
    olga = await world.client_for("olga")
    assert (await post(olga, "/admin/users/ivan/approve")).status == 303
    ivan = await world.client_for("ivan")
    assert (await post(ivan, f"/hits/{uid}/reveal")).status == 303
    stored = await world.context.store.get_user("ivan")
    assert stored is not None and (stored.created_by, stored.approved_by) == ("ada", "olga")
    users_page = await (await olga.get("/admin/users")).text()
    assert "by ada" in users_page and "approved by olga" in users_page


async def test_an_admin_makes_a_volunteer_at_once_and_nobody_else_approves(world: World) -> None:
    ada = await world.client_for("ada")
    made = await post(ada, "/admin/users", {"name": "val", "role": "volunteer", "password": PASSWORD})
    assert made.status == 303
    assert (await log_in(await world.client_for(), "val", PASSWORD)).status == 200
    ian = await world.client_for("ian")
    assert (await post(ian, "/admin/users/val/approve")).status == 403  # approving is an admin's
    again = await post(ada, "/admin/users/val/approve")
    assert again.status == 409 and "not waiting for an approval" in await again.text()


async def test_the_users_page_says_when_a_waiting_account_was_asked_for_and_by_whom(world: World) -> None:
    ada = await world.client_for("ada")
    assert (
        await post(ada, "/admin/users", {"name": "ivan", "role": "investigator", "password": PASSWORD})
    ).status == 303
    stored = await world.context.store.get_user("ivan")
    assert stored is not None
    page = await (await ada.get("/admin/users")).text()
    asked = f'by ada, <time datetime="{stored.created_at.isoformat()}">{stored.created_at:%Y-%m-%d %H:%M} UTC</time>'
    assert asked in page and "awaiting a second admin" in page


# --- look-alike account names: nobody passes for another reviewer in the audit trail ----------------------


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Ian", "That name is taken"),  # case
        ("\uff49\uff41\uff4e", "That name is taken"),  # fullwidth ｉａｎ: NFKC makes it ian
        ("\u0456an", "only a-z"),  # Cyrillic і
        ("i\u0430n", "only a-z"),  # Cyrillic а
        ("ian\u200b", "invisible characters"),  # zero-width space
        ("i\u200dan", "invisible characters"),  # zero-width joiner
        ("\u202eian", "invisible characters"),  # a bidi override
        ("ian\x07", "only a-z"),  # a control character
        ("i an", "only a-z"),
    ],
)
async def test_an_admin_cannot_make_an_account_that_reads_as_an_existing_reviewer(
    world: World, name: str, why: str
) -> None:
    ada = await world.client_for("ada")
    made = await post(ada, "/admin/users", {"name": name, "role": "volunteer", "password": PASSWORD})
    assert made.status == 400 and why in await made.text()
    assert sorted(user.name for user in await world.context.store.users()) == ["ada", "ian", "vera"]


async def test_a_new_name_is_stored_normalised_and_its_owner_logs_in_as_typed(world: World) -> None:
    ada = await world.client_for("ada")
    assert (await post(ada, "/admin/users", {"name": "Nadia", "role": "volunteer", "password": PASSWORD})).status == 303
    assert [u.name for u in await world.context.store.users() if u.name.startswith("n")] == ["nadia"]
    assert (await log_in(await world.client_for(), "Nadia", PASSWORD)).status == 200
    hangul = await post(ada, "/admin/users", {"name": "김지민", "role": "volunteer", "password": PASSWORD})
    assert hangul.status == 303


async def test_accounts_named_before_the_rule_still_log_in_and_block_their_look_alikes(world: World) -> None:
    await world.context.store.put_user(UserRecord("Olga Kim", "volunteer", hash_password(PASSWORD)))
    await world.context.store.put_user(UserRecord("Bo", "volunteer", hash_password(PASSWORD)))
    assert (await log_in(await world.client_for(), "Olga Kim", PASSWORD)).status == 200
    assert (await log_in(await world.client_for(), "Bo", PASSWORD)).status == 200
    ada = await world.client_for("ada")
    taken = await post(ada, "/admin/users", {"name": "bo", "role": "volunteer", "password": PASSWORD})
    assert taken.status == 400 and "That name is taken" in await taken.text()


# --- 7. the export form: case codes, the file name header, the download's headers --------------------------


async def confirmed_by_ian(world: World) -> TestClient[Any, Any]:
    ian = await world.client_for("ian")
    assert (await post(ian, f"/hits/{world.hits[0].uid}/decision", {"verdict": "confirm"})).status == 303
    return ian


async def test_an_export_case_that_climbs_out_of_the_export_folder_is_refused_and_writes_nothing(
    world: World, tmp_path: Path
) -> None:
    ian = await confirmed_by_ian(world)
    climbing = "/" + "../" * 40 + str(tmp_path).lstrip("/") + "/escaped"
    form = {"case": climbing, "hit": world.hits[0].uid, "recipient": "police", "reason": "case 7"}
    response = await post(ian, "/export", form)
    assert response.status == 400 and "The case code was refused" in await response.text()
    assert sorted(tmp_path.rglob("*escaped*")) == [] and sorted(tmp_path.rglob("*-bundle.zip")) == []
    assert await events_of(world) == [e for e in await events_of(world) if e[0] != "exported"]


async def test_an_export_case_cannot_write_into_the_content_disposition_header(world: World) -> None:
    ian = await confirmed_by_ian(world)
    form = {"case": 'x";filename="evil.html', "hit": world.hits[0].uid, "recipient": "police", "reason": "case 7"}
    response = await post(ian, "/export", form)
    assert response.status == 400 and "evil.html" not in response.headers.get("Content-Disposition", "")


async def test_the_bundle_download_is_not_stored_and_carries_the_security_headers(world: World) -> None:
    ian = await confirmed_by_ian(world)
    response = await post(ian, "/export", {"case": "case-7", "recipient": "Seoul police", "reason": "case 7"})
    assert response.status == 200 and response.content_type == "application/zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="jikimi-case-7-bundle.zip"'
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Referrer-Policy"] == "no-referrer"


# --- 10. login throttling per account and per address; argon2 off the event loop ---------------------------


async def log_in_from(client: TestClient[Any, Any], name: str, password: str, address: str) -> ClientResponse:
    """A login as it reaches the server through the reverse proxy, which names the client's address."""
    token = await csrf_of(client)
    form = {"name": name, "password": password, "csrf": token}
    return await client.post("/login", data=form, headers={"X-Forwarded-For": address}, allow_redirects=False)


async def test_guessing_one_account_does_not_lock_another_out_at_the_same_address(world: World) -> None:
    office = await world.client_for()
    for _ in range(world.settings.review_login_attempts):
        assert (await log_in(office, "vera", "not the password")).status == 401
    assert (await log_in(office, "vera", PASSWORD)).status == 429
    assert (await log_in(await world.client_for(), "ian", PASSWORD)).status == 200


@pytest.mark.parametrize("settings_overrides", [{"review_trusted_proxies": "127.0.0.1"}])
async def test_behind_a_trusted_proxy_guessing_an_account_does_not_lock_its_owner_out(world: World) -> None:
    attacker, owner = await world.client_for(), await world.client_for()
    for _ in range(world.settings.review_login_attempts):
        assert (await log_in_from(attacker, "vera", "not the password", "203.0.113.9")).status == 401
    assert (await log_in_from(attacker, "vera", PASSWORD, "203.0.113.9")).status == 429
    assert (await log_in_from(owner, "vera", PASSWORD, "198.51.100.7")).status == 303


async def test_a_forwarded_for_header_from_an_untrusted_peer_buys_no_more_guesses(world: World) -> None:
    client = await world.client_for()
    for n in range(world.settings.review_login_attempts):
        assert (await log_in_from(client, "vera", "not the password", f"203.0.113.{n}")).status == 401
    assert (await log_in_from(client, "vera", PASSWORD, "198.51.100.7")).status == 429


class SlowHasher:
    """argon2 made slower (and counted), to see whether it holds the event loop."""

    def __init__(self, real: Any, seconds: float) -> None:
        self.real, self.seconds = real, seconds
        self.running = self.most = 0
        self.lock = threading.Lock()

    def verify(self, stored: str, password: str) -> bool:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(self.seconds)
        with self.lock:
            self.running -= 1
        return bool(self.real.verify(stored, password))


async def test_parallel_logins_neither_stall_the_server_nor_hash_without_bound(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SlowHasher(passwords._HASHER, 0.6)
    monkeypatch.setattr(passwords, "_HASHER", slow)
    clients = [await world.client_for() for _ in range(4)]
    tokens = [await csrf_of(client) for client in clients]
    gaps: list[float] = []
    done = asyncio.Event()

    async def tick() -> None:
        last = time.monotonic()
        while not done.is_set():
            await asyncio.sleep(0.01)
            gaps.append(time.monotonic() - last)
            last = time.monotonic()

    ticker = asyncio.create_task(tick())
    logins = [
        client.post("/login", data={"name": "vera", "password": PASSWORD, "csrf": token}, allow_redirects=False)
        for client, token in zip(clients, tokens, strict=True)
    ]
    answers = await asyncio.gather(*logins)
    done.set()
    await ticker
    assert [answer.status for answer in answers] == [303] * 4
    assert max(gaps) < 0.4, f"the event loop stood still for {max(gaps):.2f} s"
    assert slow.most == passwords.CONCURRENT_HASHES


# --- lows: /metrics, bidi overrides, every picture fetch audited ---------------------------------------------


async def test_metrics_without_the_token_name_no_watched_source(world: World) -> None:
    await world.context.store.put_run(RunRecord("r-1", "secret-forum-watch", AT, AT, RunStatus.OK, {"errors": 2}))
    text = await (await (await world.client_for()).get("/metrics")).text()
    assert "secret-forum-watch" not in text
    assert 'jikimi_runs_total{status="ok"} 1\n' in text and "jikimi_errors_total 2\n" in text


@pytest.mark.parametrize("settings_overrides", [{"review_metrics_token": SecretStr("metrics-token-for-tests")}])
async def test_metrics_with_the_token_are_per_source(world: World) -> None:
    await world.context.store.put_run(RunRecord("r-1", "secret-forum-watch", AT, AT, RunStatus.OK, {"errors": 2}))
    client = await world.client_for()
    wrong = await (await client.get("/metrics", headers={"Authorization": "Bearer guessed"})).text()
    assert "secret-forum-watch" not in wrong
    right = await client.get("/metrics", headers={"Authorization": "Bearer metrics-token-for-tests"})
    assert 'jikimi_runs_total{source="secret-forum-watch",status="ok"} 1' in await right.text()


async def test_a_name_with_a_bidi_override_is_shown_with_the_override_written_out(
    world: World, make_sighting: Any
) -> None:
    reversed_name = "\u202egpj.exe"  # shows as "exe.jpg"
    sighting: Sighting = make_sighting(
        location="http://127.0.0.1/thread/2",
        distributor=Distributor(channel_title=reversed_name, sender_name="Mun\u2066\u200b", text="look \u202d here"),
    )
    (hit,) = await add_hit_with_packet(world.context, sighting)
    page = await (await (await world.client_for("vera")).get(f"/hits/{hit.uid}")).text()
    assert "\u202e" not in page and "\u2066" not in page and "\u200b" not in page and "\u202d" not in page
    assert "[U+202E]gpj.exe" in page and "Mun[U+2066][U+200B]" in page and "look [U+202D] here" in page


async def test_every_preview_and_every_original_served_is_a_custody_event(world: World) -> None:
    uid = world.hits[0].uid
    vera, ian = await world.client_for("vera"), await world.client_for("ian")
    for _ in range(2):
        assert (await vera.get(f"/hits/{uid}/preview.jpg")).status == 200
    assert [(k, a) for k, a, _ in await events_of(world, media="preview")] == [("viewed", "vera")] * 2
    assert (await post(ian, f"/hits/{uid}/reveal")).status == 303
    assert (await ian.get(f"/hits/{uid}/original.jpg")).status == 200
    ((kind, actor, details),) = await events_of(world, media="original")
    assert (kind, actor) == ("viewed", "ian") and datetime.fromisoformat(details["grant_until"]) > datetime.now(UTC)
