"""Every route × every role: allowed, 403, or sent to log in. Checked on the server, whatever the page shows."""

from __future__ import annotations

import io
from typing import Any

import pytest

from monitor.cards import card_id
from monitor.review.i18n import MESSAGES
from tests.monitor.review.conftest import World, post

# (method, path template, form) — {uid} is the hit's random id, {card} its card's id
ROUTES: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/hits", {}),
    ("GET", "/cards/{card}", {}),
    ("POST", "/cards/{card}/decision", {"verdict": "escalate"}),
    ("POST", "/cards/{card}/flags", {"category": "deepfake"}),
    ("POST", "/cards/decision", {"verdict": "escalate", "card": "{card}"}),
    ("GET", "/hits/{uid}", {}),
    ("GET", "/hits/{uid}/preview.jpg", {}),
    ("POST", "/hits/{uid}/decision", {"verdict": "confirm"}),
    ("POST", "/hits/{uid}/reveal", {}),
    ("GET", "/export", {}),
    ("POST", "/export", {"case": "case-7", "recipient": "police", "reason": "case 7"}),
    ("GET", "/admin/users", {}),
    ("POST", "/admin/users", {"name": "newbie", "role": "volunteer", "password": "x" * 16}),
    ("POST", "/admin/users/newbie/disable", {}),
    ("GET", "/admin/blocklist", {}),
    ("POST", "/admin/blocklist", {}),
    ("GET", "/admin/sources", {}),
]
REVIEWING = {"/hits", "/hits/{uid}", "/hits/{uid}/preview.jpg", "/hits/{uid}/decision", "/cards/{card}",
             "/cards/{card}/decision", "/cards/decision", "/cards/{card}/flags"}  # fmt: skip  # every role reviews
ALLOWED = {
    "vera": REVIEWING,
    "ian": {*REVIEWING, "/hits/{uid}/reveal", "/export"},
    "ada": {*REVIEWING, "/admin/users", "/admin/users/newbie/disable", "/admin/blocklist", "/admin/sources"},
}  # fmt: skip


def form_for(path: str, form: dict[str, Any]) -> Any:
    if path == "/admin/blocklist":
        upload = io.BytesIO(b"hash_type,hash,case,label\nmd5," + b"1" * 32 + b",case-8,x\n")
        upload.name = "list.csv"  # aiohttp sends it as the file name
        return {"file": upload}
    return form


@pytest.mark.parametrize("who", [None, "vera", "ian", "ada"])
async def test_every_route_checks_the_session_and_the_role(world: World, who: str | None) -> None:
    client = await world.client_for(who)
    uid, card = world.hits[0].uid, card_id(world.hits[0].media_sha256, world.hits[0].item_id)
    for method, template, form in ROUTES:
        path = template.format(uid=uid, card=card)
        form = {name: value.format(card=card) if isinstance(value, str) else value for name, value in form.items()}
        if method == "GET":
            response = await client.get(path, allow_redirects=False)
        else:
            response = await post(client, path, form_for(template, form))
        outcome = (response.status, response.headers.get("Location"))
        if who is None:
            assert outcome == (303, "/login"), (template, outcome)
        elif template in ALLOWED[who]:
            assert response.status in (200, 303), (who, template, outcome, await response.text())
            assert response.headers.get("Location") != "/login"
        else:
            assert response.status == 403, (who, template, outcome)


async def test_the_original_needs_a_reveal_even_for_an_investigator(world: World) -> None:
    ian, vera = await world.client_for("ian"), await world.client_for("vera")
    uid = world.hits[0].uid
    assert (await ian.get(f"/hits/{uid}/original.jpg")).status == 403
    assert (await vera.get(f"/hits/{uid}/original.jpg")).status == 403
    assert (await post(ian, f"/hits/{uid}/reveal")).status == 303
    revealed = await ian.get(f"/hits/{uid}/original.jpg")
    assert revealed.status == 200 and revealed.content_type == "image/jpeg"
    assert (await vera.get(f"/hits/{uid}/original.jpg")).status == 403  # a grant is per session


async def test_an_unknown_or_guessed_hit_id_is_not_found(world: World) -> None:
    client = await world.client_for("vera")
    assert (await client.get("/hits/00000000-0000-4000-8000-000000000000")).status == 404
    assert (await client.get(f"/hits/{world.hits[0].id}")).status == 404  # the stored id is not the URL id


async def test_a_missing_hit_and_an_unknown_path_answer_with_the_not_found_page_in_the_reviewers_language(
    world: World,
) -> None:
    client = await world.client_for("vera")
    for path in ("/hits/" + "0" * 32, "/hits/zzz", "/admin/nothing"):
        response = await client.get(path, headers={"Accept-Language": "ko-KR,ko;q=0.9"})
        assert response.status == 404 and response.content_type == "text/html", path
        assert MESSAGES["ko"]["not_found"] in await response.text(), path


async def test_health_answers_without_a_session_and_every_response_has_the_security_headers(world: World) -> None:
    client = await world.client_for()
    health = await client.get("/healthz")
    assert health.status == 200 and (await health.json()) == {"status": "ok"}
    for response in (health, await client.get("/hits", allow_redirects=False), await client.get("/login")):
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_no_page_carries_a_secret(world: World) -> None:
    client = await world.client_for("ada")
    secrets = [world.context.key.hex(), "BEGIN PRIVATE KEY", "password_hash", "$argon2"]
    for path in ("/hits", f"/hits/{world.hits[0].uid}", "/admin/users", "/admin/sources", "/admin/blocklist"):
        page = await (await client.get(path)).text()
        assert not any(secret in page for secret in secrets), path


async def test_metrics_are_prometheus_text_without_a_session_and_without_hit_details(world: World) -> None:
    client = await world.client_for()
    response = await client.get("/metrics")
    text = await response.text()
    assert response.status == 200 and response.content_type == "text/plain"
    assert "# TYPE jikimi_hits_total counter" in text and "jikimi_hits_total 1\n" in text
    assert "jikimi_review_queue_length 1\n" in text
    assert world.hits[0].location not in text and world.hits[0].case not in text


async def test_a_disabled_account_is_logged_out_at_its_next_request(world: World) -> None:
    vera, ada = await world.client_for("vera"), await world.client_for("ada")
    assert (await vera.get("/hits", allow_redirects=False)).status == 200
    assert (await post(ada, "/admin/users/vera/disable")).status == 303
    response = await vera.get("/hits", allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (303, "/login")
