"""``jikimi blocklist import|add-images|stats``: the hashes to find (never images)."""

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
    """Import a hash list (CSV hash_type,hash,case,label or JSON lines). All rows or none."""
    import asyncio

    from monitor.matching.hash_lists import read_blocklist

    entries = read_blocklist(file, origin)
    added = asyncio.run(_add_and_retro_match(entries))
    make_console().print(f"imported {added} new entries ({len(entries) - added} already present) from {file}")


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
    console.print(f"added {added} hashes for case {case!r}; no picture was stored")


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
