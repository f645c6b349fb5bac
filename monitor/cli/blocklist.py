"""``jikimi blocklist import|add-images|items|withdraw|stats``: the hashes to find (never images).

A victim's picture is one blocklist *item*; its hashes are the item's entries (signals). ``withdraw`` stops
looking for an item, all its hashes at once; the hits already recorded stay as evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from monitor.cli.console import make_console, shown

if TYPE_CHECKING:
    import numpy as np

    from monitor.records import BlocklistEntry

blocklist_app = typer.Typer(no_args_is_help=True, help="Manage the blocklist of hashes (never images).")


IMPORT_BATCH = 50_000  # entries a transaction: an import holds one batch, and other writers wait for one at most
RETRO_CHUNK = 200_000  # new entries retro-matched together: the media seen before are scanned once a chunk


@blocklist_app.command("import")
def blocklist_import(
    file: Path, origin: Annotated[str, typer.Option(help="Where the list came from.")] = "import"
) -> None:
    """Import a hash list (CSV hash_type,hash,case,label[,item] or JSON lines). All rows or none.

    Rows of one case with the same ``item`` are one picture; a row without ``item`` is a picture of its own.

    The file is read twice, never held whole (``monitor/matching/hash_lists.py``): once to check every row,
    then in batches of ``IMPORT_BATCH`` entries, each stored in one transaction. A list changed between the
    two readings so that a row turns bad is refused from that row on, the batches before it being stored
    (adding the same list again is harmless: entries are unique)."""
    import asyncio

    from monitor.matching.hash_lists import blocklist_batches, check_blocklist

    check = check_blocklist(file, origin)
    added, items = asyncio.run(_add_and_retro_match(blocklist_batches(file, origin, IMPORT_BATCH)))
    make_console().print(
        f"imported {added} new entries ({check.entries - added} already present) of {items} items from {file}"
    )


@blocklist_app.command("add-images")
def blocklist_add_images(
    folder: Path,
    case: Annotated[str, typer.Option(help="Pseudonymous case reference.")],
    label: Annotated[str, typer.Option(help="Label prefix for the entries.")] = "picture",
) -> None:
    """Hash a victim's pictures locally and store only the hashes. The pictures are not copied."""
    import asyncio

    from config.settings import load_settings
    from monitor.matching.intake import hash_pictures
    from monitor.packets.case_codes import checked_case_code

    checked_case_code(case)  # before any picture is read: the code ends up in file names and headers
    settings = load_settings()
    intake = hash_pictures(folder, case, label, settings.match_pdq_min_quality, settings.hash_max_pixels)
    added, pictures = asyncio.run(_add_and_retro_match([intake.entries]))
    console = make_console()
    for problem in intake.skipped:
        console.print(f"not hashed perceptually: {problem}", markup=False)
    console.print(f"added {added} hashes of {pictures} pictures (items) for case {case!r}; no picture was stored")


async def _add_and_retro_match(batches: Iterable[Sequence[BlocklistEntry]]) -> tuple[int, int]:
    """Store the entries batch by batch, then find the media seen earlier that they match (see
    monitor/matching/retro.py), ``RETRO_CHUNK`` entries at a time: (entries added, distinct items)."""
    from config.settings import load_settings
    from monitor.context import open_context
    from monitor.matching.retro import RetroReport, recapture_with, retro_match

    added, items = 0, DistinctIds()
    pending: list[BlocklistEntry] = []
    reports: list[RetroReport] = []
    async with open_context(load_settings()) as context:
        pipeline = await context.pipeline(blocklist=False)
        recapture = recapture_with(context.settings)
        for batch in batches:
            added += await context.store.add_blocklist_entries(batch)
            items.add(entry.item_id for entry in batch)
            pending.extend(batch)
            if len(pending) >= RETRO_CHUNK:
                reports.append(await retro_match(pipeline, pending, context.workdir / "retro", recapture))
                pending = []
        if pending or not reports:
            reports.append(await retro_match(pipeline, pending, context.workdir / "retro", recapture))
        await context.matcher()  # writes the index file beside the store: the next process to match maps it
    report = RetroReport.total(reports)
    make_console().print(
        f"retro-match: {report.scanned} media seen before, {report.media_matched} now match "
        f"({report.sightings_matched} sightings): {report.hits_recorded} new hits, {report.preserved} preserved, "
        f"{report.not_preserved} not preserved (offline, changed, or Telegram: preserved at its next crawl)"
    )
    for problem in report.problems:
        make_console().print(shown(f"  problem: {problem.media_url or problem.location}: {problem.reason}"))
    return added, len(items)


class DistinctIds:
    """How many distinct hex ids were seen, at 8 bytes an id (their first 64 bits) instead of a set of strings:
    a million-entry list of items of their own is a million ids. Two ids sharing 64 bits among a million: a
    chance of about 3 in 100 million, which would make the count shown one short."""

    def __init__(self) -> None:
        self._parts: list[np.ndarray] = []

    def add(self, ids: Iterable[str]) -> None:
        import numpy as np

        self._parts.append(np.unique(np.fromiter((int(text[:16], 16) for text in ids), dtype=np.uint64)))

    def __len__(self) -> int:
        import numpy as np

        return len(np.unique(np.concatenate(self._parts))) if self._parts else 0


@blocklist_app.command("stats")
def blocklist_stats() -> None:
    """How many hashes of each type and case the blocklist holds."""
    import asyncio

    from config.settings import load_settings
    from monitor.context import open_context

    async def run() -> None:
        async with open_context(load_settings()) as context:
            counts = await context.store.blocklist_counts()
        by_type = counts["hash_type"]
        console = make_console()
        console.print(f"entries: {sum(by_type.values())}, cases: {len(counts['case'])}")
        for hash_type, count in sorted(by_type.items()):
            console.print(f"  {hash_type}: {count}")

    asyncio.run(run())


@blocklist_app.command("items")
def blocklist_items(case: Annotated[str | None, typer.Option(help="Only this case's items.")] = None) -> None:
    """List the blocklist items (one per victim picture): id, state, case, label, origin, when added."""
    import asyncio

    from config.settings import load_settings
    from monitor.context import open_context

    async def run() -> None:
        async with open_context(load_settings()) as context:
            items = await context.store.blocklist_items(case)
        console = make_console()
        for item in items:
            line = f"{item.id}  {item.state}  {item.case}  {item.label}  {item.origin}  {item.added_at:%Y-%m-%d %H:%M}"
            console.print(shown(line))
        console.print(f"{len(items)} items")

    asyncio.run(run())


@blocklist_app.command("withdraw")
def blocklist_withdraw(item_id: str) -> None:
    """Stop looking for an item (a victim's picture): all its hashes at once. Recorded hits stay as evidence.

    A running daemon stops matching it from its next run on (a run already under way finishes with the list
    it started with)."""
    import asyncio

    from config.settings import load_settings
    from crawlers.sighting import utc_now
    from monitor.context import open_context
    from monitor.errors import BlocklistError

    async def run() -> str:
        async with open_context(load_settings()) as context:
            item = await context.store.get_blocklist_item(item_id)
            if item is None:
                raise BlocklistError(f"no blocklist item {item_id!r} (`jikimi blocklist items` lists them)")
            if not await context.store.withdraw_item(item_id, utc_now()):
                return f"item {item_id} was withdrawn already"
        return f"withdrew item {item_id} ({item.case}, {item.label}): none of its hashes is matched any more"

    make_console().print(shown(asyncio.run(run())))
