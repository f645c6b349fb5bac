"""The spread pages of the review UI: where a picture was seen and what a source posted, with no picture."""

from __future__ import annotations

import csv
import io
import json

from monitor.spread_rendering import PLACE_COLUMNS
from tests.monitor.review.conftest import World
from tests.monitor.spread_world import ITEM, KANAL9, fill


async def test_a_reviewer_sees_every_place_of_a_picture_its_forward_and_its_state_without_any_picture(
    world: World,
) -> None:
    await fill(world.context.store)
    client = await world.client_for("vera")
    response = await client.get(f"/items/{ITEM}")
    page = await response.text()
    assert response.status == 200
    for shown in ("https://t.me/kanal9/12", "https://t.me/relay/5", "https://forum.example/t/1", "Kanal 9 #12"):
        assert shown in page
    assert "Removed" in page and "Not checked yet" in page and "Still online" in page
    assert "<img" not in page and "<video" not in page and '.jpg"' not in page
    assert f'href="/sources/{KANAL9}/spread"' in page
    assert "spread.csv" not in page  # a volunteer reads the page; the downloads are an investigator's


async def test_a_sources_page_lists_its_matches_and_its_posters_in_korean_too(world: World) -> None:
    await fill(world.context.store)
    client = await world.client_for("vera")
    await client.get("/lang/ko")
    response = await client.get(f"/sources/{KANAL9}/spread")
    page = await response.text()
    assert response.status == 200
    assert "@mun_42" in page and "Ann" in page and "https://t.me/kanal9/40" in page
    assert "삭제됨" in page and "아직 확인 안 됨" in page and f'href="/items/{ITEM}"' in page


async def test_viewing_a_spread_page_writes_no_custody_event(world: World) -> None:
    await fill(world.context.store)
    before = await world.context.store.custody_events("p-kanal9")
    client = await world.client_for("ian")
    assert (await client.get(f"/items/{ITEM}")).status == 200
    assert (await client.get(f"/sources/{KANAL9}/spread")).status == 200
    assert await world.context.store.custody_events("p-kanal9") == before


async def test_an_investigator_downloads_the_spread_as_csv_and_json_files(world: World) -> None:
    await fill(world.context.store)
    client = await world.client_for("ian")
    page = await (await client.get(f"/items/{ITEM}")).text()
    assert f'href="/items/{ITEM}/spread.csv"' in page and f'href="/items/{ITEM}/spread.json"' in page
    response = await client.get(f"/items/{ITEM}/spread.csv")
    assert response.status == 200 and response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8"))))
    assert tuple(rows[0]) == PLACE_COLUMNS and len(rows) == 4
    response = await client.get(f"/sources/{KANAL9}/spread.json")
    assert response.status == 200 and response.headers["Content-Type"].startswith("application/json")
    assert [p["location"] for p in json.loads(await response.read())["places"]] == [
        "https://t.me/kanal9/12",
        "https://t.me/kanal9/40",
    ]


async def test_a_volunteer_may_not_download_and_nobody_logged_out_sees_anything(world: World) -> None:
    await fill(world.context.store)
    volunteer = await world.client_for("vera")
    assert (await volunteer.get(f"/items/{ITEM}/spread.csv")).status == 403
    assert (await volunteer.get(f"/sources/{KANAL9}/spread.json")).status == 403
    stranger = await world.client_for()
    response = await stranger.get(f"/items/{ITEM}", allow_redirects=False)
    assert response.status in (302, 303) and response.headers["Location"] == "/login"


async def test_an_unknown_picture_or_source_is_the_translated_not_found_page(world: World) -> None:
    client = await world.client_for("ian")
    await client.get("/lang/ko")
    for path in ("/items/no-such-item", "/sources/no-such-source/spread", "/items/no-such-item/spread.csv"):
        response = await client.get(path)
        assert response.status == 404 and '<html lang="ko">' in await response.text(), path
