"""The contract of the store's queries: what pages, exports, re-checks and ``/metrics`` ask for, answered by
the store (filtered, sorted, paged, counted) instead of by loading a whole collection. Mixed into every
back end's test class beside ``StoreContract``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from crawlers.sighting import Sighting
from evidence.custody import CustodyKind, next_event
from monitor.records import BlocklistEntry, HitRecord, HitStatus, PacketRecord, RunRecord, RunStatus
from monitor.store.base import Store
from monitor.store.queries import HitQuery
from tests.contracts.store_contract import SHA, fingerprinted, hit_for

T0 = datetime(2026, 11, 1, tzinfo=UTC)


async def seven_hits(store: Store, make_sighting: Callable[..., Sighting]) -> list[HitRecord]:
    """Hits one hour apart over two sources, two cases, two platforms and three statuses; the newest last."""
    hits = []
    for number in range(7):
        sighting = fingerprinted(
            make_sighting, location=f"http://site-{number % 2}.example/t/{number}", source_id=f"src-{number % 2}"
        )
        entry = BlocklistEntry("md5", f"{number:032x}", f"case-{number % 3 == 0}")
        status = (HitStatus.PENDING, HitStatus.CONFIRMED, HitStatus.REJECTED)[number % 3]
        hit = hit_for(sighting, entry, created_at=T0 + timedelta(hours=number), status=status,
                      packet_id=f"p-{number}" if number % 2 else None, source_kind="web")  # fmt: skip
        assert await store.put_hit(hit)
        hits.append(hit)
    return hits


class StoreQueryContract:
    async def test_hits_are_filtered_sorted_newest_first_paged_and_counted(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        hits = await seven_hits(store, make_sighting)
        page = await store.find_hits(HitQuery(limit=3))
        assert [h.id for h in page.hits] == [h.id for h in hits[::-1][:3]] and page.total == 7
        second = await store.find_hits(HitQuery(limit=3, offset=3))
        assert [h.id for h in second.hits] == [h.id for h in hits[::-1][3:6]]
        pending = await store.find_hits(HitQuery(statuses=(HitStatus.PENDING,)))
        assert {h.id for h in pending.hits} == {hits[0].id, hits[3].id, hits[6].id} and pending.total == 3
        mixed = HitQuery(source_id="src-1", statuses=(HitStatus.CONFIRMED, HitStatus.REJECTED), limit=None)
        assert {h.id for h in (await store.find_hits(mixed)).hits} == {hits[1].id, hits[5].id}
        assert (await store.find_hits(HitQuery(case="case-True"))).total == 3
        assert (await store.find_hits(HitQuery(cases=("case-True", "case-False")))).total == 7
        assert (await store.find_hits(HitQuery(platform="site-0.example"))).total == 4
        assert (await store.find_hits(HitQuery(since=T0 + timedelta(hours=5)))).total == 2
        assert (await store.find_hits(HitQuery(with_packet=True))).total == 3
        assert [h.id for h in (await store.find_hits(HitQuery(uids=(hits[2].uid,)))).hits] == [hits[2].id]
        assert [h.id for h in (await store.find_hits(HitQuery(ids=(hits[4].id,)))).hits] == [hits[4].id]
        assert [h.id for h in (await store.find_hits(HitQuery(packet_ids=("p-5",)))).hits] == [hits[5].id]
        assert (await store.find_hits(HitQuery(entry_id=hits[3].entry_id))).total == 1
        assert (
            await store.find_hits(HitQuery(entry_id=hits[3].entry_id, exclude_sighting=hits[3].sighting_id))
        ).total == 0
        assert (await store.find_hits(HitQuery(media_sha256=SHA))).total == 7

    async def test_the_queue_facets_are_the_distinct_values_and_the_counts_per_status(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        hits = await seven_hits(store, make_sighting)
        await store.set_hit_status(hits[0].id, HitStatus.ESCALATED)
        facets = await store.hit_facets()
        assert facets.sources == ["src-0", "src-1"] and facets.cases == ["case-False", "case-True"]
        assert facets.platforms == ["site-0.example", "site-1.example"]
        assert facets.by_status == {HitStatus.ESCALATED: 1, HitStatus.PENDING: 2, HitStatus.CONFIRMED: 2,
                                    HitStatus.REJECTED: 2}  # fmt: skip
        assert (await store.find_hits(HitQuery(statuses=(HitStatus.ESCALATED,)))).hits[0].id == hits[0].id
        confirmed = await store.hit_facets(HitQuery(statuses=(HitStatus.CONFIRMED,), with_packet=True))
        expected = (["case-False"], ["src-1"], {HitStatus.CONFIRMED: 1})  # hit 1 (hit 4 has no packet)
        assert (confirmed.cases, confirmed.sources, confirmed.by_status) == expected

    async def test_the_blocklist_is_counted_per_case_and_hash_type(self, store: Store) -> None:
        entries = [BlocklistEntry("sha256", SHA, "a"), BlocklistEntry("md5", "1" * 32, "a")]
        await store.add_blocklist_entries([*entries, BlocklistEntry("md5", "2" * 32, "b")])
        assert await store.blocklist_counts() == {"case": {"a": 2, "b": 1}, "hash_type": {"md5": 2, "sha256": 1}}

    async def test_sightings_and_packets_are_read_by_id_and_packets_by_age(
        self, store: Store, make_sighting: Callable[..., Sighting]
    ) -> None:
        one = fingerprinted(make_sighting, location="http://x/1")
        two = fingerprinted(make_sighting, location="http://x/2")
        await store.put_sighting(one)
        await store.put_sighting(two)
        assert [s.id for s in await store.sightings_by_id([two.id, "missing"])] == [two.id]
        old = PacketRecord("p-old", one.id, "evidence/p-old", "00", created_at=T0)
        new = PacketRecord("p-new", two.id, "evidence/p-new", "11", created_at=T0 + timedelta(days=2))
        await store.put_packet(new)
        await store.put_packet(old)
        assert await store.packets_by_id(["p-new", "p-old", "p-none"]) == [old, new]
        assert await store.packets_since(T0 + timedelta(days=1)) == [new]

    async def test_the_last_event_of_a_kind_is_read_per_chain(self, store: Store) -> None:
        first = next_event(None, "c-1", CustodyKind.CAPTURED, "jikimi", {}, T0)
        check = next_event(first, "c-1", CustodyKind.RECHECKED, "jikimi", {"online": True}, T0 + timedelta(1))
        later = next_event(check, "c-1", CustodyKind.RECHECKED, "jikimi", {"online": False}, T0 + timedelta(2))
        viewed = next_event(later, "c-1", CustodyKind.VIEWED, "ae", {}, T0 + timedelta(3))
        other = next_event(None, "c-2", CustodyKind.CAPTURED, "jikimi", {}, T0)
        for event in (first, check, later, viewed, other):
            assert await store.append_custody(event)
        assert await store.last_custody_events(["c-1", "c-2", "c-3"], CustodyKind.RECHECKED) == {"c-1": later}
        assert await store.last_custody_events(["c-1", "c-2"], CustodyKind.CAPTURED) == {"c-1": first, "c-2": other}

    async def test_a_source_runs_summary_counts_the_failures_since_its_last_good_run(self, store: Store) -> None:
        def run(number: int, status: RunStatus, source: str = "src", errors: int = 0) -> RunRecord:
            started = T0 + timedelta(hours=number)
            return RunRecord(f"r-{source}-{number}", source, started, started + timedelta(minutes=5), status,
                             {"errors": errors})  # fmt: skip

        runs = [run(0, RunStatus.FAILED, errors=2), run(1, RunStatus.OK, errors=1), run(2, RunStatus.UNREACHABLE),
                run(3, RunStatus.RATE_LIMITED), run(0, RunStatus.OK, "other")]  # fmt: skip
        for record in runs:
            await store.put_run(record)
        summary = await store.source_runs("src")
        assert summary.last == runs[3] and summary.failures_in_a_row == 2
        assert summary.last_success == runs[1].finished_at
        empty = await store.source_runs("never")
        assert (empty.last, empty.last_success, empty.failures_in_a_row) == (None, None, 0)
        assert [r.id for r in await store.runs("src", limit=2)] == ["r-src-3", "r-src-2"]
        await store.put_run(dataclasses.replace(run(4, RunStatus.RUNNING), finished_at=None))
        assert [r.id for r in await store.runs_with_status(RunStatus.RUNNING)] == ["r-src-4"]
        assert (await store.source_runs("src")).failures_in_a_row == 0  # a run under way ends the streak
        totals = await store.run_totals()
        assert totals.runs[("src", "ok")] == 1 and totals.runs[("src", "failed")] == 1
        assert totals.errors == {"src": 3, "other": 0}
        assert totals.last_success == {"src": runs[1].finished_at, "other": runs[4].finished_at}
