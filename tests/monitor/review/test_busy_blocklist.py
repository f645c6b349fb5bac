"""The review UI keeps answering while an uploaded hash list is indexed and retro-matched, and while the
matcher is rebuilt over the whole blocklist (what the daemon does when the list grew, in the same process).

Each test holds one CPU-heavy step — indexing an upload's entries, scanning the media seen before, building
the matcher's indexes — at a gate that opens only once the server has answered another request (``GET
/healthz``). Run off the event loop, the step waits in its thread while the server answers, and the gate
opens. Run on the loop, the held step would hold the whole server: nothing could answer, so the gate gives
up after ``GATE_SECONDS`` (a failure, never a hang) and the work fails.
"""

from __future__ import annotations

import asyncio
import io
import os
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from monitor.matching import index_file
from monitor.matching.retro import RetroMatcher
from monitor.records import BlocklistEntry
from tests.monitor.review.conftest import World, post

GATE_SECONDS = 30.0  # only reached when the step blocks the event loop
HEAVY_STEPS: dict[str, tuple[object, str]] = {  # what is held: a method of a class, or a module's function
    "indexing an upload's entries": (RetroMatcher, "__init__"),
    "scanning the media seen before": (RetroMatcher, "scan"),
    "rebuilding the matcher": (index_file, "build_parts"),
}


class Gate:
    """Holds a wrapped function until ``opened`` is set, from any thread."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.gave_up = False

    def hold(self, step: Callable[..., Any]) -> Callable[..., Any]:
        def held(*args: Any, **kwargs: Any) -> Any:
            self.entered.set()
            if not self.opened.wait(GATE_SECONDS):
                self.gave_up = True
                raise AssertionError("nothing answered while this step ran: it ran on the event loop")
            return step(*args, **kwargs)

        return held


def hash_list(sha256: str, extra: int) -> dict[str, Any]:
    rows = [f"sha256,{sha256},case-busy,the media seen before"]
    rows += [f"pdq,{number:064x},case-busy,entry {number}" for number in range(extra)]
    stream = io.BytesIO(("hash_type,hash,case,label\n" + "\n".join(rows) + "\n").encode())
    stream.name = "list.csv"
    return {"file": stream}


async def upload_and_check(world: World, sha256: str) -> None:
    """An admin uploads a list naming media seen before; it is retro-matched."""
    ada = await world.client_for("ada")
    response = await post(ada, "/admin/blocklist", hash_list(sha256, 2000))
    assert response.status == 200, await response.text()
    hits = [hit for hit in await world.context.store.hits() if hit.media_sha256 == sha256]
    assert [hit.case for hit in hits].count("case-busy") == 1


async def rebuild_and_check(world: World, sha256: str) -> None:
    """The matcher over the whole blocklist is built again (``Daemon._current_pipeline`` does this)."""
    await world.context.store.add_blocklist_entries(hash_list_entries(2000))
    pipeline = await world.context.pipeline()
    assert len(pipeline.matcher) >= 2000


def hash_list_entries(count: int) -> list[BlocklistEntry]:
    return [BlocklistEntry("pdq", f"{number:064x}", "case-busy", f"entry {number}") for number in range(count)]


@pytest.mark.parametrize("step", sorted(HEAVY_STEPS))
async def test_the_review_ui_answers_while_a_large_list_is_indexed_and_matched(
    world: World, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    store = world.context.store
    (seen,) = await store.sightings()
    assert seen.fingerprints is not None
    await store.put_fingerprints(seen.fingerprints)  # kept for retro-matching, as the pipeline does
    gate = Gate()
    owner, name = HEAVY_STEPS[step]
    monkeypatch.setattr(owner, name, gate.hold(getattr(owner, name)))
    visitor = await world.client_for()
    work = rebuild_and_check if owner is index_file else upload_and_check

    running = asyncio.create_task(work(world, seen.fingerprints.sha256))
    assert await asyncio.to_thread(gate.entered.wait, GATE_SECONDS), f"the work never reached {step}"
    health = await visitor.get("/healthz")
    answered_while_held = health.status == 200 and not gate.opened.is_set() and not gate.gave_up
    gate.opened.set()
    await running

    assert answered_while_held and not gate.gave_up, f"the server was blocked while {step}"


MEASURED_ENTRIES = int(os.environ.get("BENCH_BUSY_UPLOAD_ENTRIES", "0"))  # not JIKIMI_*: conftest clears those


@pytest.mark.skipif(not MEASURED_ENTRIES, reason="a measurement: set BENCH_BUSY_UPLOAD_ENTRIES=100000")
@pytest.mark.parametrize("settings_overrides", [{"review_max_upload_bytes": 64 * 2**20}])
async def test_measure_how_long_the_ui_waits_while_a_long_list_is_uploaded(world: World) -> None:
    """Not a check: prints how long ``GET /healthz`` took, asked from another thread every 50 ms during the
    upload of a list of ``BENCH_BUSY_UPLOAD_ENTRIES`` entries (run with ``-s``). The longest wait is the
    longest the event loop was busy."""
    (seen,) = await world.context.store.sightings()
    assert seen.fingerprints is not None
    await world.context.store.put_fingerprints(seen.fingerprints)
    waits: list[float] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.wait(0.05):
            started = time.perf_counter()
            with urllib.request.urlopen(world.base_url + "/healthz", timeout=300) as response:
                response.read()
            waits.append(time.perf_counter() - started)

    asking = threading.Thread(target=ask)
    ada = await world.client_for("ada")
    started = time.perf_counter()
    asking.start()
    response = await post(ada, "/admin/blocklist", hash_list(seen.fingerprints.sha256, MEASURED_ENTRIES))
    seconds = time.perf_counter() - started
    stop.set()
    await asyncio.to_thread(asking.join)
    assert response.status == 200 and waits
    waits.sort()
    print(f"\n{MEASURED_ENTRIES:,}-entry upload: {seconds:.1f} s; /healthz answered {len(waits)} times, median "
          f"{waits[len(waits) // 2]:.3f} s, longest {waits[-1]:.2f} s")  # fmt: skip
