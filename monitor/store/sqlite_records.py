"""The SQLite store's review, evidence and run records: hits, decisions, users, packets, custody, runs.

A mixin of ``SqliteStore`` (``monitor/store/sqlite.py``), which owns the connection and its one thread.
Queries read the query columns beside each JSON document (``monitor/store/sqlite_migrations.py``), so a
page filters, sorts and counts with an index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from evidence.custody import CustodyEvent, CustodyKind
from monitor.records import Decision, HitRecord, HitStatus, PacketRecord, RunRecord, RunStatus, UserRecord
from monitor.store.queries import HitFacets, HitPage, HitQuery, RunTotals, SourceRuns
from monitor.store.serialise import from_json, stored_time, to_json
from monitor.store.sqlite_cards import refresh_cards
from monitor.store.sqlite_parts import SqlitePart
from monitor.store.sqlite_queries import DISTINCT_SQL, SOURCE_RUNS_SQL, hit_conditions, hit_page_sql

T = TypeVar("T")
CHUNK = 500  # ids per IN (…): well below SQLite's limit on parameters
FACET_COLUMNS = ("source_id", "case_ref", "platform", "channel")
HIT_COLUMNS = (
    "id", "sighting_id", "entry_id", "status", "created_at", "uid", "source_id", "case_ref", "packet_id",
    "media_sha256", "platform", "item_id", "channel", "body",
)  # fmt: skip
INSERT_HIT = f"INSERT OR IGNORE INTO hits ({', '.join(HIT_COLUMNS)}) VALUES ({', '.join('?' for _ in HIT_COLUMNS)})"


def hit_row(hit: HitRecord) -> tuple[Any, ...]:
    """A hit as the values of ``HIT_COLUMNS``: its query columns beside its document."""
    return (
        hit.id, hit.sighting_id, hit.entry_id, str(hit.status), stored_time(hit.created_at), hit.uid, hit.source_id,
        hit.case, hit.packet_id, hit.media_sha256, hit.platform, hit.item_id, hit.channel, to_json(hit),
    )  # fmt: skip


class SqliteRecords(SqlitePart):
    """SqliteStore's records."""

    async def _bodies_in(self, cls: type[T], sql: str, values: Sequence[str], extra: tuple[Any, ...] = ()) -> list[T]:
        """``sql`` with ``{marks}`` for a chunk of ``values``, run chunk by chunk; ``extra`` are the parameters
        of the statement's later ``?``s."""
        found: list[T] = []
        for start in range(0, len(values), CHUNK):
            chunk = tuple(values[start : start + CHUNK])
            found += await self._bodies(cls, sql.format(marks=", ".join("?" for _ in chunk)), chunk + extra)
        return found

    # --- hits ------------------------------------------------------------------------------------
    async def put_hit(self, hit: HitRecord) -> bool:
        return await self.put_hits([hit]) == 1

    async def put_hits(self, hits: Sequence[HitRecord]) -> int:
        """Hits not stored yet, in one transaction, with the summary of every card they touch."""
        rows = [hit_row(hit) for hit in hits]

        def insert(db: sqlite3.Connection) -> int:
            added = int(db.executemany(INSERT_HIT, rows).rowcount)  # the hits' rows only, not the triggers' counts
            refresh_cards(db, ((hit.media_sha256, hit.item_id) for hit in hits))
            return added

        return await self._run(insert) if hits else 0

    async def hits(self) -> list[HitRecord]:
        return await self._bodies(HitRecord, "SELECT body FROM hits ORDER BY created_at DESC, id")

    async def find_hits(self, query: HitQuery) -> HitPage:
        page_sql, count_sql, params = hit_page_sql(query)

        def read(db: sqlite3.Connection) -> HitPage:
            hits = [from_json(HitRecord, row[0]) for row in db.execute(page_sql, params)]
            return HitPage(hits, int(db.execute(count_sql, params).fetchone()[0]))

        return await self._run(read)

    async def hit_facets(self, query: HitQuery | None = None) -> HitFacets:
        def read(db: sqlite3.Connection) -> HitFacets:
            if query is None:  # the whole queue: each value found by one index seek, however many hits have it
                values = [[str(row[0]) for row in db.execute(DISTINCT_SQL.format(column=column))]
                          for column in FACET_COLUMNS]  # fmt: skip
                statuses = db.execute("SELECT status, count FROM hit_counts WHERE count > 0").fetchall()
            else:
                where, params = hit_conditions(query)
                values = [
                    [str(row[0]) for row in db.execute(
                        f"SELECT DISTINCT {column} FROM hits{where} ORDER BY {column}", params) if row[0] is not None]
                    for column in FACET_COLUMNS
                ]  # fmt: skip
                statuses = db.execute(f"SELECT status, COUNT(*) FROM hits{where} GROUP BY status", params).fetchall()
            by_status = {HitStatus(status): int(count) for status, count in statuses}
            sources, cases, platforms, channels = values
            return HitFacets(sources, cases, platforms, by_status, [channel for channel in channels if channel])

        return await self._run(read)

    async def get_hit(self, uid: str) -> HitRecord | None:
        found = await self._bodies(HitRecord, "SELECT body FROM hits WHERE uid = ?", (uid,))
        return found[0] if found else None

    async def set_hit_status(self, hit_id: str, status: HitStatus) -> None:
        sql = "UPDATE hits SET status = ?, body = json_set(body, '$.status', ?) WHERE id = ?"

        def update(db: sqlite3.Connection) -> None:
            db.execute(sql, (str(status), str(status), hit_id))
            refresh_cards(db, db.execute("SELECT media_sha256, item_id FROM hits WHERE id = ?", (hit_id,)).fetchall())

        await self._run(update)

    # --- decisions and users ---------------------------------------------------------------------
    async def put_decision(self, decision: Decision) -> bool:
        columns = {"id": decision.id, "hit_id": decision.hit_id, "at": decision.at.isoformat()}
        return await self._insert("decisions", columns | {"body": to_json(decision)})

    async def decisions(self, hit_id: str) -> list[Decision]:
        return await self._bodies(Decision, "SELECT body FROM decisions WHERE hit_id = ? ORDER BY at", (hit_id,))

    async def put_user(self, user: UserRecord, replace: bool = False) -> bool:
        if not replace:
            return await self._insert("users", {"name": user.name, "body": to_json(user)})
        sql = "UPDATE users SET body = ? WHERE name = ?"
        return await self._run(lambda db: db.execute(sql, (to_json(user), user.name)).rowcount == 1)

    async def get_user(self, name: str) -> UserRecord | None:
        found = await self._bodies(UserRecord, "SELECT body FROM users WHERE name = ?", (name,))
        return found[0] if found else None

    async def users(self) -> list[UserRecord]:
        return await self._bodies(UserRecord, "SELECT body FROM users ORDER BY name")

    # --- packets and custody ---------------------------------------------------------------------
    async def put_packet(self, packet: PacketRecord) -> bool:
        columns = {"id": packet.id, "sighting_id": packet.sighting_id, "created_at": stored_time(packet.created_at)}
        return await self._insert("packets", columns | {"body": to_json(packet)})

    async def packets(self) -> list[PacketRecord]:
        return await self._bodies(PacketRecord, "SELECT body FROM packets ORDER BY rowid")

    async def packets_by_id(self, packet_ids: Sequence[str]) -> list[PacketRecord]:
        found = await self._bodies_in(PacketRecord, "SELECT body FROM packets WHERE id IN ({marks})", packet_ids)
        return sorted(found, key=lambda packet: (packet.created_at, packet.id))

    async def packets_awaiting_timestamp(self) -> list[PacketRecord]:
        sql = ("SELECT body FROM packets WHERE NOT EXISTS (SELECT 1 FROM custody WHERE custody.chain = packets.id"
               " AND custody.kind = 'timestamped') ORDER BY rowid")  # fmt: skip
        return await self._bodies(PacketRecord, sql)

    async def packets_since(self, since: datetime) -> list[PacketRecord]:
        sql = "SELECT body FROM packets WHERE created_at >= ? ORDER BY created_at, id"
        return await self._bodies(PacketRecord, sql, (stored_time(since),))

    async def append_custody(self, event: CustodyEvent) -> bool:
        return await self._insert(
            "custody",
            {"chain": event.chain, "seq": event.seq, "kind": str(event.kind), "actor": event.actor,
             "at": stored_time(event.at), "body": to_json(event)},
        )  # fmt: skip

    async def last_custody_event(self, chain: str) -> CustodyEvent | None:
        sql = "SELECT body FROM custody WHERE chain = ? ORDER BY seq DESC LIMIT 1"
        found = await self._bodies(CustodyEvent, sql, (chain,))
        return found[0] if found else None

    async def last_custody_events(self, chains: Sequence[str], kind: CustodyKind) -> dict[str, CustodyEvent]:
        sql = (
            "SELECT body FROM custody AS c WHERE chain IN ({marks}) AND kind = ? AND seq = "
            "(SELECT MAX(seq) FROM custody WHERE chain = c.chain AND kind = c.kind)"
        )
        found = await self._bodies_in(CustodyEvent, sql, list(dict.fromkeys(chains)), (str(kind),))
        return {event.chain: event for event in found}

    async def custody_events(self, chain: str) -> list[CustodyEvent]:
        return await self._bodies(CustodyEvent, "SELECT body FROM custody WHERE chain = ? ORDER BY seq", (chain,))

    async def custody_chains(self) -> list[str]:
        rows = await self._run(lambda db: db.execute("SELECT DISTINCT chain FROM custody ORDER BY chain").fetchall())
        return [str(row[0]) for row in rows]

    async def count_custody(self, actor: str, kind: CustodyKind, since: datetime) -> int:
        sql = "SELECT COUNT(*) FROM custody WHERE actor = ? AND kind = ? AND at >= ?"
        params = (actor, str(kind), stored_time(since))
        return int(await self._run(lambda db: db.execute(sql, params).fetchone()[0]))

    # --- runs ------------------------------------------------------------------------------------
    async def put_run(self, run: RunRecord) -> None:
        finished = stored_time(run.finished_at) if run.finished_at else None
        params = (run.id, run.source_id, run.started_at.isoformat(), str(run.status), finished,
                  int(run.counters.get("errors", 0)), to_json(run))  # fmt: skip
        sql = "INSERT OR REPLACE INTO runs (id, source_id, started_at, status, finished_at, errors, body) VALUES "
        await self._run(lambda db: db.execute(sql + "(?, ?, ?, ?, ?, ?, ?)", params))

    async def runs(self, source_id: str | None = None, limit: int | None = None) -> list[RunRecord]:
        where, params = ("", ()) if source_id is None else (" WHERE source_id = ?", (source_id,))
        sql = f"SELECT body FROM runs{where} ORDER BY started_at DESC LIMIT {-1 if limit is None else int(limit)}"
        return await self._bodies(RunRecord, sql, params)

    async def runs_with_status(self, status: RunStatus) -> list[RunRecord]:
        sql = "SELECT body FROM runs WHERE status = ? ORDER BY started_at DESC"
        return await self._bodies(RunRecord, sql, (str(status),))

    async def source_runs(self, source_id: str) -> SourceRuns:
        last, success, failures = await self._run(
            lambda db: db.execute(SOURCE_RUNS_SQL, {"source": source_id, "ok": str(RunStatus.OK)}).fetchone()
        )
        return SourceRuns(
            source_id, from_json(RunRecord, last) if last else None,
            datetime.fromisoformat(success) if success else None, int(failures),
        )  # fmt: skip

    async def run_totals(self) -> RunTotals:
        def read(db: sqlite3.Connection) -> RunTotals:
            counts = db.execute("SELECT source_id, status, COUNT(*) FROM runs GROUP BY source_id, status")
            sums = db.execute(
                "SELECT source_id, coalesce(SUM(errors), 0), MAX(CASE WHEN status = ? THEN finished_at END) "
                "FROM runs GROUP BY source_id",
                (str(RunStatus.OK),),
            ).fetchall()
            return RunTotals(
                {(source, status): int(count) for source, status, count in counts},
                {source: int(errors) for source, errors, _ in sums},
                {source: datetime.fromisoformat(last) for source, _, last in sums if last},
            )

        return await self._run(read)
