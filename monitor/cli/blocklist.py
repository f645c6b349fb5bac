"""``jikimi blocklist import|add-images|items|withdraw|stats``: the hashes to find (never images).

A victim's picture is one blocklist *item*; its hashes are the item's entries (signals). ``withdraw`` stops
looking for an item, all its hashes at once; the hits already recorded stay as evidence.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from monitor.cli.console import make_console, shown

if TYPE_CHECKING:
    from monitor.records import BlocklistEntry

blocklist_app = typer.Typer(no_args_is_help=True, help="Manage the blocklist of hashes (never images).")


@blocklist_app.command("import")
def blocklist_import(
    file: Path, origin: Annotated[str, typer.Option(help="Where the list came from.")] = "import"
) -> None:
    """Import a hash list (CSV hash_type,hash,case,label[,item] or JSON lines). All rows or none.

    Rows of one case with the same ``item`` are one picture; a row without ``item`` is a picture of its own."""
    import asyncio

    from monitor.matching.hash_lists import read_blocklist

    entries = read_blocklist(file, origin)
    added = asyncio.run(_add_and_retro_match(entries))
    items = len({entry.item_id for entry in entries})
    make_console().print(
        f"imported {added} new entries ({len(entries) - added} already present) of {items} items from {file}"
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
    added = asyncio.run(_add_and_retro_match(intake.entries))
    console = make_console()
    for problem in intake.skipped:
        console.print(f"not hashed perceptually: {problem}", markup=False)
    pictures = len({entry.item_id for entry in intake.entries})
    console.print(f"added {added} hashes of {pictures} pictures (items) for case {case!r}; no picture was stored")


async def _add_and_retro_match(entries: list[BlocklistEntry]) -> int:
    """Store the entries, then find the media seen earlier that they match (see monitor/matching/retro.py)."""
    from config.settings import load_settings
    from monitor.context import open_context
    from monitor.matching.retro import recapture_with, retro_match

    async with open_context(load_settings()) as context:
        added = await context.store.add_blocklist_entries(entries)
        report = await retro_match(
            await context.pipeline(blocklist=False),
            entries,
            context.workdir / "retro",
            recapture_with(context.settings),
        )
    make_console().print(
        f"retro-match: {report.scanned} media seen before, {report.media_matched} now match "
        f"({report.sightings_matched} sightings): {report.hits_recorded} new hits, {report.preserved} preserved, "
        f"{report.not_preserved} not preserved (offline, changed, or Telegram: preserved at its next crawl)"
    )
    for problem in report.problems:
        make_console().print(shown(f"  problem: {problem.media_url or problem.location}: {problem.reason}"))
    return added


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
