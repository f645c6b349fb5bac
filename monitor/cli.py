"""The ``jikimi`` command line (typer + rich). Every command works on ``JIKIMI_DATA_DIR``.

Errors: a ``JikimiError`` is printed as its message and exits with its ``exit_code`` (2 for bad input
such as a bad watchlist or hash list, 1 otherwise); anything else is a bug and shows a traceback
(without local variables, which could hold secrets).
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from config.errors import JikimiError
from config.settings import Settings, load_settings
from config.watchlist import load_watchlist
from crawlers.registry import config_models
from evidence.verify import verify_bundle
from monitor import daemon_cli
from monitor.blocklist import hash_pictures, read_blocklist
from monitor.console import crawl_progress, hit_json, hits_table, print_runs
from monitor.context import open_context
from monitor.crawling import crawl_sources
from monitor.exporting import export_packets
from monitor.records import BlocklistEntry
from monitor.retro import retro_match
from monitor.review.cli import serve, users_app

app = typer.Typer(no_args_is_help=True, pretty_exceptions_show_locals=False, help="jikimi: find, preserve, take down.")
blocklist_app = typer.Typer(no_args_is_help=True, help="Manage the blocklist of hashes (never images).")
app.add_typer(blocklist_app, name="blocklist")
telegram_app = typer.Typer(no_args_is_help=True, help="Telegram account access for kind: telegram sources.")
app.add_typer(telegram_app, name="telegram")
app.add_typer(users_app, name="users")
app.command("serve")(serve)
app.command("run")(daemon_cli.run)
app.command("status")(daemon_cli.status)
console = Console(highlight=False)
if not console.is_terminal:  # piped or logged: wide enough that URLs are not folded
    console = Console(highlight=False, width=200)


def _settings() -> Settings:
    return load_settings()


@app.command()
def demo(port: Annotated[int, typer.Option(help="Port of the demo site on 127.0.0.1.")] = 8765) -> None:
    """Run a whole monitoring pass on the bundled synthetic forum and print the hits."""
    from monitor.demo.run import run_demo

    settings = _settings().model_copy(update={"crawl_autothrottle": False, "crawl_retry_times": 0})
    with crawl_progress(console, "crawling the demo forum") as progress:
        result = asyncio.run(run_demo(settings, port, progress))
    console.print(f"demo site: {result.site_url}")
    print_runs(console, result.runs)
    console.print(hits_table(result.hits))
    console.print(f"bundle: {result.bundle.path} ({result.bundle.packets} packets)")
    console.print(
        f"review UI: http://{settings.review_host}:{settings.review_port} — start it with `.venv/bin/jikimi serve`; "
        f"one-time demo login: {result.login[0]} / {result.login[1]} (investigator; a new password each run)"
    )
    counts = result.counts
    console.print(f"hits: {counts['hits']}, sightings: {counts['sightings']}, packets: {counts['packets']}")


@app.command()
def crawl(
    watchlist: Annotated[Path | None, typer.Option(help="Watchlist YAML (default JIKIMI_WATCHLIST).")] = None,
    source: Annotated[list[str] | None, typer.Option(help="Only this source id (repeatable).")] = None,
) -> None:
    """Crawl each source of the watchlist once."""
    settings = _settings()
    sources = load_watchlist(watchlist or settings.watchlist, config_models())
    if source:
        unknown = sorted(set(source) - {s.id for s in sources})
        if unknown:
            raise JikimiError(f"no source {', '.join(map(repr, unknown))} in the watchlist")
        sources = [s for s in sources if s.id in source]

    async def run() -> None:
        async with open_context(settings) as context:
            with crawl_progress(console, "crawling") as progress:
                runs = await crawl_sources(context, sources, progress)
        print_runs(console, runs)

    asyncio.run(run())


@blocklist_app.command("import")
def blocklist_import(
    file: Path, origin: Annotated[str, typer.Option(help="Where the list came from.")] = "import"
) -> None:
    """Import a hash list (CSV hash_type,hash,case,label or JSON lines). All rows or none."""
    entries = read_blocklist(file, origin)
    added = asyncio.run(_add_and_retro_match(entries))
    console.print(f"imported {added} new entries ({len(entries) - added} already present) from {file}")


@blocklist_app.command("add-images")
def blocklist_add_images(
    folder: Path,
    case: Annotated[str, typer.Option(help="Pseudonymous case reference.")],
    label: Annotated[str, typer.Option(help="Label prefix for the entries.")] = "picture",
) -> None:
    """Hash a victim's pictures locally and store only the hashes. The pictures are not copied."""
    settings = _settings()
    intake = hash_pictures(folder, case, label, settings.match_pdq_min_quality, settings.hash_max_pixels)

    added = asyncio.run(_add_and_retro_match(intake.entries))
    for problem in intake.skipped:
        console.print(f"not hashed perceptually: {problem}", markup=False)
    console.print(f"added {added} hashes for case {case!r}; no picture was stored")


async def _add_and_retro_match(entries: list[BlocklistEntry]) -> int:
    """Store the entries, then find the media seen earlier that they match (see monitor/retro.py)."""
    async with open_context(_settings()) as context:
        added = await context.store.add_blocklist_entries(entries)
        report = await retro_match(await context.pipeline(), entries, context.workdir / "retro")
    console.print(
        f"retro-match: {report.scanned} media seen before, {report.media_matched} now match "
        f"({report.sightings_matched} sightings): {report.hits_recorded} new hits, {report.preserved} preserved, "
        f"{report.not_preserved} not preserved (offline, changed, or Telegram: preserved at its next crawl)"
    )
    return added


@blocklist_app.command("stats")
def blocklist_stats() -> None:
    """How many hashes of each type and case the blocklist holds."""

    async def run() -> None:
        async with open_context(_settings()) as context:
            entries = await context.store.blocklist_entries()
        by_type: dict[str, int] = {}
        for entry in entries:
            by_type[entry.hash_type] = by_type.get(entry.hash_type, 0) + 1
        cases = {entry.case for entry in entries}
        console.print(f"entries: {len(entries)}, cases: {len(cases)}")
        for hash_type, count in sorted(by_type.items()):
            console.print(f"  {hash_type}: {count}")

    asyncio.run(run())


@telegram_app.command("login")
def telegram_login(
    session: Annotated[
        Path | None, typer.Option(help="Session file to create (default: data/telegram.session).")
    ] = None,
) -> None:
    """Log in with phone and code, and store the session (a secret) with mode 0600."""
    from crawlers.telegram_session import log_in

    settings = _settings()
    if settings.telegram_api_id is None or settings.telegram_api_hash is None:
        raise JikimiError("set TELEGRAM_API_ID and TELEGRAM_API_HASH first (from https://my.telegram.org)")
    target = session or settings.data_dir / "telegram.session"

    def ask(prompt: str, secret: bool) -> str:
        return str(typer.prompt(prompt, hide_input=secret))

    path = asyncio.run(log_in(target, settings.telegram_api_id, settings.telegram_api_hash.get_secret_value(), ask))
    console.print(f"session stored at {path} (mode 0600). Set TELEGRAM_SESSION={path} in .env; keep it secret.")


@app.command("hits")
def list_hits(as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False) -> None:
    """List the hits, newest first."""

    async def run() -> None:
        async with open_context(_settings()) as context:
            found = await context.store.hits()
        if as_json:
            for hit in found:
                sys.stdout.write(hit_json(hit) + "\n")
        else:
            console.print(hits_table(found))

    asyncio.run(run())


@app.command()
def export(
    out: Annotated[Path, typer.Option(help="The bundle file to write (.zip).")],
    recipient: Annotated[str, typer.Option(help="Who receives the bundle (recorded in custody).")] = "(not given)",
    reason: Annotated[str, typer.Option(help="Why it is exported (recorded in custody).")] = "(not given)",
    hash_only: Annotated[bool, typer.Option(help="Leave the media bytes out.")] = False,
    case: Annotated[list[str] | None, typer.Option(help="Only packets of this case (repeatable).")] = None,
    hits: Annotated[str, typer.Option("--hits", help="Only the packets of these hit ids (comma-separated).")] = "",
    since: Annotated[datetime | None, typer.Option(help="Only packets made since (ISO date, UTC).")] = None,
) -> None:
    """Export evidence packets to one bundle that verifies offline (the export is a custody event)."""
    since_utc = since.replace(tzinfo=UTC) if since is not None and since.tzinfo is None else since
    hit_ids = [part.strip() for part in hits.split(",") if part.strip()]

    async def run() -> None:
        async with open_context(_settings()) as context:
            summary = await export_packets(
                context, out, hash_only=hash_only, recipient=recipient, reason=reason, cases=case or (),
                hit_ids=hit_ids, since=since_utc,
            )  # fmt: skip
        console.print(f"bundle: {summary.path} ({summary.packets} packets, {summary.files} files)")

    asyncio.run(run())


custody_app = typer.Typer(no_args_is_help=True, help="The hash-chained custody log of evidence packets.")
app.add_typer(custody_app, name="custody")


@custody_app.command("verify")
def custody_verify() -> None:
    """Check every custody chain in the store; exits 1 naming the first edited, removed or moved event."""
    from monitor.custody_log import verify_all_chains

    async def run() -> int:
        async with open_context(_settings()) as context:
            return await verify_all_chains(context.store)

    checked = asyncio.run(run())
    console.print(f"OK: {checked} custody events verified")


@app.command()
def verify(bundle: Path) -> None:
    """Check a bundle offline; exits 1 naming the first file that does not match."""
    report = verify_bundle(bundle)
    for packet_id in report.packets:
        stamp = report.timestamps.get(packet_id, "awaiting")
        when = "awaiting timestamp" if stamp == "awaiting" else f"time-stamped {stamp}"
        console.print(f"  packet {packet_id}: files, signature and custody OK; {when}")
    console.print(f"OK: {report.bundle}: {report.files} files, {len(report.packets)} packets verified")


@app.command()
def timestamp() -> None:
    """Ask the time-stamping authority (TSA_URL) again for every packet still awaiting its token."""
    from monitor.timestamps import TimestampSettings, timestamp_pending

    settings = _settings()
    if settings.tsa_url is None:
        raise JikimiError("TSA_URL is not set: no time-stamping authority to ask")

    async def run() -> dict[str, int]:
        async with open_context(settings) as context:
            ask = TimestampSettings(settings.tsa_url, settings.tsa_timeout)
            return await timestamp_pending(
                context.store, settings.data_dir, context.key, ask, settings.operator or "jikimi"
            )

    counts = asyncio.run(run())
    console.print(", ".join(f"{outcome}: {count}" for outcome, count in sorted(counts.items())) or "no packets")


@app.command()
def purge(
    reason: Annotated[str, typer.Option(help="Why (recorded in each packet's custody log).")],
    case: Annotated[list[str] | None, typer.Option(help="Purge the packets of this case.")] = None,
    packets: Annotated[str, typer.Option(help="Comma-separated packet ids.")] = "",
) -> None:
    """Delete the pictures (media and screenshots) of packets; hashes, metadata and proofs stay."""
    from monitor.purging import purge_media

    settings = _settings()

    async def run() -> tuple[int, int]:
        async with open_context(settings) as context:
            ids = [p.strip() for p in packets.split(",") if p.strip()]
            report = await purge_media(
                context, cases=case or [], packet_ids=ids, reason=reason, actor=settings.operator or "jikimi"
            )
            return report.packets, report.files

    count, files = asyncio.run(run())
    console.print(f"purged {files} files from {count} packets; each purge is a custody event")


def main() -> None:
    try:
        app()
    except JikimiError as exc:
        sys.stderr.write(f"error: {exc}\n")  # unwrapped: a path in the message must stay copyable
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
