"""The contract every ``Store`` implementation must meet. Subclass it and provide a ``store`` fixture."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from crawlers.base import SourceState
from crawlers.sighting import Fingerprints, Sighting
from monitor.records import BlocklistEntry, HitRecord, PacketRecord, ProblemKind, RunProblem, RunRecord
from monitor.store.base import Store

SHA = "ab" * 32


def fingerprinted(make_sighting: Callable[..., Sighting], **overrides: object) -> Sighting:
    return make_sighting(fingerprints=Fingerprints({"sha256": SHA, "md5": "cd" * 16}, pdq_quality=70), **overrides)


def hit_for(sighting: Sighting, entry: BlocklistEntry, **overrides: object) -> HitRecord:
    values: dict[str, object] = dict(
        sighting_id=sighting.id, entry_id=entry.id, hash_type=entry.hash_type, case=entry.case, label=entry.label,
        distance=0, matched_value=entry.value, source_id=sighting.source_id, location=sighting.location,
        media_url=sighting.media.url, media_sha256=SHA, posted_at=None, seen_at=sighting.seen_at,
        item_id=entry.item_id, entry_value=entry.value,
    )  # fmt: skip
    values.update(overrides)
    return HitRecord(**values)  # type: ignore[arg-type]


class StoreContract:
    async def test_blocklist_entries_are_added_once_however_often_imported(self, store: Store) -> None:
        entries = [BlocklistEntry("sha256", SHA, "case-1", "a"), BlocklistEntry("pdq", "0" * 64, "case-1", "b")]
        assert await store.add_blocklist_entries(entries) == 2
        assert await store.add_blocklist_entries(entries + [BlocklistEntry("md5", "1" * 32, "case-2")]) == 1
        stored = await store.blocklist_entries()
        assert {(e.hash_type, e.value, e.case) for e in stored} == {
            ("sha256", SHA, "case-1"), ("pdq", "0" * 64, "case-1"), ("md5", "1" * 32, "case-2"),
        }  # fmt: skip
        assert (await store.counts())["blocklist"] == 3

    async def test_the_same_hash_in_two_cases_is_two_entries(self, store: Store) -> None:
        added = await store.add_blocklist_entries(
            [BlocklistEntry("sha256", SHA, "a"), BlocklistEntry("sha256", SHA, "b")]
        )
        assert added == 2

    async def test_fingerprints_are_kept_by_sha256_and_read_back_equal(self, store: Store) -> None:
        fingerprints = Fingerprints({"sha256": SHA, "pdq": "f" * 64}, {"pdq": ("0" * 64,)}, 88, 10, 20, None)
        assert await store.get_fingerprints(SHA) is None
        assert await store.put_fingerprints(fingerprints)
        assert not await store.put_fingerprints(dataclasses.replace(fingerprints, pdq_quality=1))
        assert await store.get_fingerprints(SHA) == fingerprints

    async def test_a_sighting_is_stored_once_without_its_temporary_paths(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        sighting = fingerprinted(make_sighting)
        assert not await store.has_sighting(sighting.id)
        assert await store.put_sighting(sighting)
        assert not await store.put_sighting(sighting)
        assert await store.has_sighting(sighting.id)
        (stored,) = await store.sightings()
        assert stored.id == sighting.id and stored.media.path is None
        assert stored.capture is not None and stored.capture.raw_path is None
        assert stored.capture.http_headers == sighting.capture.http_headers  # type: ignore[union-attr]
        assert stored.seen_at == sighting.seen_at

    async def test_hits_are_unique_per_sighting_and_entry_and_listed_newest_first(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        sighting = fingerprinted(make_sighting)
        entries = [BlocklistEntry("sha256", SHA, "case-1"), BlocklistEntry("md5", "cd" * 16, "case-1")]
        now = datetime(2026, 11, 1, tzinfo=UTC)
        older, newer = (
            hit_for(sighting, entries[0], created_at=now),
            hit_for(sighting, entries[1], created_at=now + timedelta(1)),
        )
        assert await store.put_hit(older) and await store.put_hit(newer)
        assert not await store.put_hit(dataclasses.replace(older, distance=5))
        assert [h.id for h in await store.hits()] == [newer.id, older.id]
        assert (await store.hits())[1].distance == 0

    async def test_one_packet_per_sighting(self, store: Store) -> None:
        packet = PacketRecord("p-1", "s-1", "evidence/p-1", "ef" * 32)
        assert await store.put_packet(packet)
        assert not await store.put_packet(packet)
        assert await store.packets() == [packet]

    async def test_only_packets_without_a_timestamped_event_await_their_token(self, store: Store) -> None:
        from evidence.custody import next_event

        at = datetime(2026, 11, 1, tzinfo=UTC)
        packets = [PacketRecord(f"p-{n}", f"s-{n}", f"evidence/p-{n}", "ef" * 32, created_at=at) for n in range(3)]
        for packet in packets:
            assert await store.put_packet(packet)
            await store.append_custody(next_event(None, packet.id, "captured", "jikimi", {}, at))
        captured = await store.last_custody_event("p-1")
        await store.append_custody(next_event(captured, "p-1", "timestamped", "jikimi", {}, at + timedelta(hours=1)))
        await store.append_custody(next_event(None, "other-chain", "timestamped", "jikimi", {}, at))
        assert [packet.id for packet in await store.packets_awaiting_timestamp()] == ["p-0", "p-2"]

    async def test_a_run_record_is_updated_as_the_run_progresses(self, store: Store) -> None:
        started = datetime(2026, 11, 1, tzinfo=UTC)
        run = RunRecord("r-1", "src", started)
        await store.put_run(run)
        finished = dataclasses.replace(
            run, finished_at=started + timedelta(minutes=1), status="ok", counters={"sightings": 3},
            problems=(RunProblem(ProblemKind.MEDIA, "http://x/1", "HTTP 500", "http://x/a.jpg"),),
        )  # fmt: skip
        await store.put_run(finished)
        await store.put_run(RunRecord("r-2", "other", started + timedelta(hours=1)))
        assert await store.runs("src") == [finished]
        assert [r.id for r in await store.runs()] == ["r-2", "r-1"]
        assert (await store.counts())["runs"] == 2

    async def test_platform_media_ids_remember_the_sha256_of_their_bytes(self, store: Store) -> None:
        assert await store.get_platform_media("telegram", "photo:1") is None
        await store.put_platform_media("telegram", "photo:1", SHA)
        await store.put_platform_media("telegram", "photo:1", "00" * 32)  # first write wins
        assert await store.get_platform_media("telegram", "photo:1") == SHA
        assert await store.get_platform_media("web", "photo:1") is None

    async def test_source_state_starts_empty_and_is_replaced_on_save(self, store: Store) -> None:
        assert await store.get_source_state("chan") == SourceState("chan")
        await store.put_source_state(SourceState("chan", 250, {"channel_id": 77, "username": "demo"}))
        await store.put_source_state(SourceState("chan", 300, {"channel_id": 77, "username": "demo"}))
        state = await store.get_source_state("chan")
        assert state.watermark == 300 and state.resolved == {"channel_id": 77, "username": "demo"}

    async def test_a_custody_event_takes_its_place_in_the_chain_once(self, store: Store) -> None:
        from evidence.custody import next_event

        first = next_event(None, "packet-1", "captured", "tester", {"m": 1}, datetime(2026, 11, 1, tzinfo=UTC))
        second = next_event(first, "packet-1", "viewed", "tester", {}, datetime(2026, 11, 2, tzinfo=UTC))
        assert await store.append_custody(first) and await store.append_custody(second)
        rival = next_event(first, "packet-1", "revealed", "other", {}, datetime(2026, 11, 2, tzinfo=UTC))
        assert not await store.append_custody(rival)  # seq 1 is taken: no fork
        assert await store.custody_events("packet-1") == [first, second]
        assert await store.last_custody_event("packet-1") == second
        assert await store.last_custody_event("packet-2") is None
        assert await store.custody_chains() == ["packet-1"]

    async def test_a_hit_is_found_by_its_random_uid_and_only_its_status_changes(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        sighting = fingerprinted(make_sighting)
        hit = hit_for(sighting, BlocklistEntry("sha256", SHA, "case-1"))
        await store.put_hit(hit)
        assert len(hit.uid) == 36 and hit.uid != hit.id
        assert await store.get_hit(hit.uid) == hit and await store.get_hit(hit.id) is None
        await store.set_hit_status(hit.id, "confirmed")
        assert await store.get_hit(hit.uid) == dataclasses.replace(hit, status="confirmed")
        assert [h.status for h in await store.hits()] == ["confirmed"]

    async def test_decisions_are_kept_in_order_for_their_hit(self, store: Store) -> None:
        from monitor.records import Decision

        later = Decision("hit-1", "bo", "reject", "not her", datetime(2026, 11, 3, tzinfo=UTC))
        first = Decision("hit-1", "ae", "confirm", "", datetime(2026, 11, 2, tzinfo=UTC))
        assert await store.put_decision(later) and await store.put_decision(first)
        assert not await store.put_decision(first)
        await store.put_decision(Decision("hit-2", "ae", "escalate"))
        assert await store.decisions("hit-1") == [first, later]

    async def test_a_user_name_is_taken_once_and_replaced_only_on_purpose(self, store: Store) -> None:
        from monitor.records import UserRecord

        ae = UserRecord("ae", "volunteer", "$argon2id$x")
        assert await store.put_user(ae) and not await store.put_user(dataclasses.replace(ae, role="admin"))
        assert await store.get_user("ae") == ae and await store.get_user("nobody") is None
        assert await store.put_user(dataclasses.replace(ae, disabled=True), replace=True)
        assert not await store.put_user(UserRecord("ghost", "admin", "x"), replace=True)
        assert [u.disabled for u in await store.users()] == [True]

    async def test_custody_events_are_counted_by_actor_kind_and_time(self, store: Store) -> None:
        from evidence.custody import next_event

        day = datetime(2026, 11, 2, tzinfo=UTC)
        a = next_event(None, "p-1", "revealed", "ae", {}, day + timedelta(hours=9))
        b = next_event(a, "p-1", "revealed", "ae", {}, day - timedelta(hours=1))
        c = next_event(b, "p-1", "viewed", "ae", {}, day + timedelta(hours=10))
        d = next_event(None, "p-2", "revealed", "bo", {}, day + timedelta(hours=11))
        for event in (a, b, c, d):
            await store.append_custody(event)
        assert await store.count_custody("ae", "revealed", day) == 1
        assert await store.count_custody("ae", "revealed", day - timedelta(days=1)) == 2
