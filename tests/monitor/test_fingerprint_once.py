"""The same bytes are hashed once per store, even when two sightings of them interleave so that the second
looked for stored fingerprints before the first stored them, and starts hashing after the first finished."""

from __future__ import annotations

from pathlib import Path

from config.settings import Settings
from crawlers.sighting import Media, Sighting, utc_now
from monitor.context import open_context
from monitor.counters import RunCounters
from monitor.demo.pictures import encode, make_picture
from monitor.fingerprint.pool import HashPool


async def test_a_sighting_that_looked_too_early_takes_the_fingerprints_stored_meanwhile(
    settings: Settings, hash_pool: HashPool, tmp_path: Path
) -> None:
    path = tmp_path / "repost.jpg"
    path.write_bytes(encode(make_picture(3)))
    async with open_context(settings, hash_pool=hash_pool) as context:
        pipeline = await context.pipeline()
        counters = RunCounters()
        first = await pipeline.process(Sighting("chan", "telegram", "https://t.me/chan/1", utc_now(), Media("a", path)),
                                       counters)  # fmt: skip
        assert first is not None and counters.new_media == 1
        store = context.store
        looked = store.get_fingerprints

        async def before_the_first_was_stored(sha256: str) -> None:  # the second's look, from before
            store.get_fingerprints = looked  # type: ignore[method-assign]
            return None

        store.get_fingerprints = before_the_first_was_stored  # type: ignore[method-assign,assignment]
        second = await pipeline.process(
            Sighting("chan", "telegram", "https://t.me/chan/2", utc_now(), Media("b", path)), counters
        )
    assert second is not None and second.fingerprints == first.fingerprints
    assert counters.new_media == 1  # hashed once: the second took what the first stored
