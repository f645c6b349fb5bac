"""SQL for the typed queries of ``monitor/store/queries.py`` on the SQLite store's query columns.

Every condition is a parameter (``?``), never text pasted into the statement; lists are chunked by the
caller where they can be long.
"""

from __future__ import annotations

from typing import Any

from monitor.records import RunStatus
from monitor.store.queries import HitQuery
from monitor.store.serialise import stored_time

NOT_FAILURES = tuple(status.value for status in RunStatus if not status.is_failure)


def _in(column: str, values: tuple[str, ...], conditions: list[str], params: list[Any]) -> None:
    if values:
        conditions.append(f"{column} IN ({', '.join('?' for _ in values)})")
        params.extend(values)


def hit_conditions(query: HitQuery) -> tuple[str, list[Any]]:
    """``WHERE …`` (or nothing) and its parameters."""
    conditions: list[str] = []
    params: list[Any] = []
    _in("status", tuple(status.value for status in query.statuses), conditions, params)
    _in("case_ref", query.cases, conditions, params)
    _in("id", query.ids, conditions, params)
    _in("uid", query.uids, conditions, params)
    _in("packet_id", query.packet_ids, conditions, params)
    for column, value in (
        ("source_id", query.source_id), ("case_ref", query.case), ("platform", query.platform),
        ("channel", query.channel), ("entry_id", query.entry_id), ("item_id", query.item_id),
        ("media_sha256", query.media_sha256),
    ):  # fmt: skip
        if value is not None:
            conditions.append(f"{column} = ?")
            params.append(value)
    if query.since is not None:
        conditions.append("created_at >= ?")
        params.append(stored_time(query.since))
    if query.exclude_sighting is not None:
        conditions.append("sighting_id != ?")
        params.append(query.exclude_sighting)
    if query.with_packet:
        conditions.append("packet_id IS NOT NULL")
    return (" WHERE " + " AND ".join(conditions)) if conditions else "", params


def hit_page_sql(query: HitQuery) -> tuple[str, str, list[Any]]:
    """(the page's SELECT, the COUNT, their parameters); the page's limit and offset are appended."""
    where, params = hit_conditions(query)
    limit = -1 if query.limit is None else query.limit
    page = f"SELECT body FROM hits{where} ORDER BY created_at DESC, id LIMIT {int(limit)} OFFSET {int(query.offset)}"
    return page, f"SELECT COUNT(*) FROM hits{where}", params


CARD_HITS_SQL = (
    "SELECT hits.body, hits.entry_id, coalesce(json_extract(blocklist.body, '$.variant'), '') FROM hits "
    "LEFT JOIN blocklist ON blocklist.id = hits.entry_id WHERE hits.media_sha256 = ? AND hits.item_id = ?"
)
"""One card's hits, with the variant of each hit's entry, by the ``hits_card`` index."""


SOURCE_RUNS_SQL = f"""
SELECT
  (SELECT body FROM runs WHERE source_id = :source ORDER BY started_at DESC LIMIT 1),
  (SELECT MAX(finished_at) FROM runs WHERE source_id = :source AND status = :ok),
  (SELECT COUNT(*) FROM runs WHERE source_id = :source AND status NOT IN ({", ".join(map(repr, NOT_FAILURES))})
     AND started_at > coalesce((SELECT MAX(started_at) FROM runs WHERE source_id = :source
                                AND status IN ({", ".join(map(repr, NOT_FAILURES))})), ''))
"""
"""A source's last run, its last success and its failures since the last run that was not a failure."""

DISTINCT_SQL = """
WITH RECURSIVE found(value) AS (
  SELECT MIN({column}) FROM hits
  UNION ALL
  SELECT (SELECT MIN({column}) FROM hits WHERE {column} > found.value) FROM found WHERE found.value IS NOT NULL
)
SELECT value FROM found WHERE value IS NOT NULL
"""
"""The distinct values of an indexed ``{column}`` of hits, in order, by one index seek per value (a "skip
scan"): the review queue's filter lists cost the number of sources, cases and platforms, not of hits."""
