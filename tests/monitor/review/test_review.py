"""Reviewing: decisions and their rule, custody of every view, reveals and their limits, the blur, exports."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageFilter

from evidence.verify import verify_bundle
from monitor.cards import card_id
from monitor.review.i18n import MESSAGES
from tests.monitor.review.conftest import World, csrf_of, post


async def kinds_and_actors(world: World, chain: str) -> list[tuple[str, str]]:
    return [(e.kind, e.actor) for e in await world.context.store.custody_events(chain)]


async def test_a_view_and_a_decision_are_custody_events_shown_as_the_history(world: World) -> None:
    hit = world.hits[0]
    vera = await world.client_for("vera")
    await vera.get(f"/hits/{hit.uid}")
    response = await post(vera, f"/hits/{hit.uid}/decision", {"verdict": "confirm", "comment": "same picture"})
    assert response.status == 303
    assert (await world.context.store.get_hit(hit.uid)).status == "confirmed"  # type: ignore[union-attr]
    assert hit.packet_id is not None
    assert await kinds_and_actors(world, hit.packet_id) == [
        ("captured", "jikimi"), ("viewed", "vera"), ("decided", "vera"),
    ]  # fmt: skip
    page = await (await vera.get(f"/hits/{hit.uid}")).text()
    text = re.sub(r"<[^>]+>", "", page)
    assert "decided · vera" in text and "confirm: “same picture”" in text and "viewed · vera" in text


@pytest.mark.parametrize("settings_overrides", [{"review_confirmations": 2}])
async def test_two_confirmations_must_come_from_two_different_reviewers(world: World) -> None:
    hit = world.hits[0]
    vera, ian = await world.client_for("vera"), await world.client_for("ian")
    store = world.context.store
    await post(vera, f"/hits/{hit.uid}/decision", {"verdict": "confirm"})
    await post(vera, f"/hits/{hit.uid}/decision", {"verdict": "confirm"})
    assert (await store.get_hit(hit.uid)).status == "confirmed-once"  # type: ignore[union-attr]
    card = card_id(hit.media_sha256, hit.item_id)
    assert card not in await (await ian.get("/export")).text()  # not exportable yet
    await post(ian, f"/hits/{hit.uid}/decision", {"verdict": "confirm"})
    assert (await store.get_hit(hit.uid)).status == "confirmed"  # type: ignore[union-attr]
    assert card in await (await ian.get("/export")).text()
    await post(ian, f"/hits/{hit.uid}/decision", {"verdict": "reject", "comment": "wrong person"})
    assert (await store.get_hit(hit.uid)).status == "rejected"  # type: ignore[union-attr]


async def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(world: World) -> None:
    hit = world.hits[0]
    vera = await world.client_for("vera")
    for token in (None, "forged-token"):
        data: dict[str, Any] = {"verdict": "confirm"} | ({"csrf": token} if token else {})
        response = await vera.post(f"/hits/{hit.uid}/decision", data=data, allow_redirects=False)
        assert response.status == 400
    assert await world.context.store.decisions(hit.id) == []


@pytest.mark.parametrize("settings_overrides", [{"review_idle_minutes": 0.01}])
async def test_an_idle_session_ends_and_asks_to_log_in_again(world: World) -> None:
    import asyncio

    vera = await world.client_for("vera")
    assert (await vera.get("/hits", allow_redirects=False)).status == 200
    await asyncio.sleep(0.8)
    response = await vera.get("/hits", allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (303, "/login")
    assert "Your session ended" in await (await vera.get("/login")).text()


async def test_repeated_failed_logins_lock_the_name_out_for_a_while(world: World) -> None:
    from tests.monitor.review.conftest import PASSWORD, log_in

    client = await world.client_for()
    for _ in range(world.settings.review_login_attempts):
        assert (await log_in(client, "vera", "not the password")).status == 401
    locked = await log_in(client, "vera", PASSWORD)
    assert locked.status == 429 and "Too many failed attempts" in await locked.text()
    world.clock.now += world.settings.review_lockout_minutes * 60 + 1
    assert (await log_in(client, "vera", PASSWORD)).status == 200


async def test_there_is_no_default_account(world: World) -> None:
    from tests.monitor.review.conftest import log_in

    client = await world.client_for()
    for name, password in (("admin", "admin"), ("admin", ""), ("root", "password"), ("demo", "demo")):
        assert (await log_in(client, name, password)).status == 401


async def test_the_preview_is_grey_and_blurred_and_the_page_never_links_the_original(world: World) -> None:
    hit = world.hits[0]
    vera = await world.client_for("vera")
    page = await (await vera.get(f"/hits/{hit.uid}")).text()
    assert "preview.jpg" in page and "original.jpg" not in page and "Reveal" not in page
    preview = np.asarray(Image.open(io.BytesIO(await (await vera.get(f"/hits/{hit.uid}/preview.jpg")).read())))
    assert np.abs(preview[..., 0].astype(int) - preview[..., 2].astype(int)).max() <= 3  # grey
    sharp = Image.open(world.context.settings.data_dir.parent / "sighting-media.jpg").convert("L").resize(
        (preview.shape[1], preview.shape[0])
    )  # fmt: skip
    assert fine_detail(Image.fromarray(preview[..., 0])) < 0.5 < 2 < fine_detail(sharp)  # details are gone


def fine_detail(grey: Image.Image) -> float:
    """Mean difference between a picture and itself slightly blurred: what a small blur would remove."""
    return float(np.abs(np.asarray(grey, float) - np.asarray(grey.filter(ImageFilter.GaussianBlur(3)), float)).mean())


@pytest.mark.parametrize("settings_overrides", [{"review_daily_reveals": 1}])
async def test_reveals_are_recorded_and_stop_gently_at_the_daily_limit(world: World) -> None:
    hit = world.hits[0]
    ian = await world.client_for("ian")
    assert (await post(ian, f"/hits/{hit.uid}/reveal")).status == 303
    page = await (await ian.get(f"/hits/{hit.uid}")).text()
    assert "original.jpg" in page and "Revealed until" in page
    second = await post(ian, f"/hits/{hit.uid}/reveal")
    assert second.status == 429 and "reveal limit" in await second.text()
    assert hit.packet_id is not None
    assert [k for k, _ in await kinds_and_actors(world, hit.packet_id)].count("revealed") == 1


async def test_an_investigator_exports_confirmed_hits_as_a_bundle_that_verifies(world: World, tmp_path: Path) -> None:
    hit = world.hits[0]
    ian = await world.client_for("ian")
    await post(ian, f"/hits/{hit.uid}/decision", {"verdict": "confirm"})
    response = await post(ian, "/export", {"case": "case-7", "recipient": "Seoul police", "reason": "case 7"})
    assert response.status == 200 and response.content_type == "application/zip"
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(await response.read())
    assert verify_bundle(bundle).packets == (hit.packet_id,)
    assert any(name.endswith("takedown.csv") for name in zipfile.ZipFile(bundle).namelist())
    assert hit.packet_id is not None
    assert (await kinds_and_actors(world, hit.packet_id))[-1] == ("exported", "ian")


async def test_an_admin_uploads_a_hash_list_and_bad_or_huge_files_are_refused(world: World) -> None:
    ada = await world.client_for("ada")

    def upload(content: bytes, name: str) -> dict[str, Any]:
        stream = io.BytesIO(content)
        stream.name = name
        return {"file": stream}

    good = b"hash_type,hash,case,label\nmd5," + b"2" * 32 + b",case-8,x\n"
    ok = await post(ada, "/admin/blocklist", upload(good, "list.csv"))
    assert ok.status == 200 and "1 new entries" in await ok.text()
    bad = await post(ada, "/admin/blocklist", upload(b"hash_type,hash,case,label\npdq,zz,case-8,x\n", "bad.csv"))
    assert bad.status == 400 and "line 2: &#39;zz&#39; is not a valid PDQ hash" in await bad.text()
    picture = await post(ada, "/admin/blocklist", upload(b"\xff\xd8\xff\xe0 a jpeg", "victim.jpg"))
    assert picture.status == 400
    huge = b"hash_type,hash,case,label\n" + (b"md5," + b"3" * 32 + b",case-8,x\n") * 200_000  # 7.8 MB
    too_big = await post(ada, "/admin/blocklist", upload(huge, "huge.csv"))
    assert too_big.status == 413, await too_big.text()
    assert len(await world.context.store.blocklist_entries()) == 1


async def test_the_interface_speaks_korean_when_the_browser_asks_and_switches_on_request(world: World) -> None:
    client = await world.client_for()
    korean = await (await client.get("/login", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"})).text()
    assert "로그인" in korean and '<html lang="ko">' in korean
    await client.get("/lang/en")
    english = await (await client.get("/login", headers={"Accept-Language": "ko-KR"})).text()
    assert "Log in" in english
    assert await csrf_of(client)


def test_both_catalogues_have_every_message() -> None:
    assert set(MESSAGES["ko"]) == set(MESSAGES["en"])


@pytest.mark.parametrize("settings_overrides", [{"review_break_after": 2}])
async def test_a_break_is_suggested_after_the_configured_number_of_reviews(world: World) -> None:
    hit = world.hits[0]
    vera = await world.client_for("vera")
    await post(vera, f"/hits/{hit.uid}/decision", {"verdict": "confirm"})
    assert "Please take a break" not in await (await vera.get(f"/hits/{hit.uid}")).text()
    await post(vera, f"/hits/{hit.uid}/decision", {"verdict": "escalate"})
    page = await (await vera.get(f"/hits/{hit.uid}")).text()
    assert "You have reviewed 2 hits in this session. Please take a break" in page


def test_a_video_is_previewed_as_a_blurred_strip_of_keyframes(tmp_path: Path) -> None:
    from monitor.review.media import blurred_preview
    from tests.conftest import write_video

    video = write_video(tmp_path / "clip.mp4", [1, 2, 3], seconds_each=1.0)
    strip = Image.open(io.BytesIO(blurred_preview(video.read_bytes(), "video/mp4", tmp_path / "work")))
    assert strip.width > 2 * strip.height  # several frames side by side, never a playable file
    assert not any((tmp_path / "work").iterdir())  # the decrypted bytes did not stay on disk
