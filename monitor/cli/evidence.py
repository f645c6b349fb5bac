"""``jikimi export|verify|timestamp|purge`` and ``jikimi custody verify``: evidence packets and bundles."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from config.errors import JikimiError
from monitor.cli.console import make_console

if TYPE_CHECKING:
    from evidence.custody import ChainCheck

custody_app = typer.Typer(no_args_is_help=True, help="The hash-chained custody log of evidence packets.")


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
    import asyncio

    from config.settings import load_settings
    from monitor.context import open_context
    from monitor.packets.exporting import export_packets

    since_utc = since.replace(tzinfo=UTC) if since is not None and since.tzinfo is None else since
    hit_ids = [part.strip() for part in hits.split(",") if part.strip()]

    async def run() -> None:
        from evidence.signing import key_fingerprint, public_key_pem

        async with open_context(load_settings()) as context:
            summary = await export_packets(
                context, out, hash_only=hash_only, recipient=recipient, reason=reason, cases=case or (),
                hit_ids=hit_ids, since=since_utc,
            )  # fmt: skip
            fingerprint = key_fingerprint(public_key_pem(context.signer))
        console = make_console()
        console.print(f"bundle: {summary.path} ({summary.packets} packets, {summary.files} files)")
        console.print(f"signing key: sha256 {fingerprint} (give it to the recipient apart from the bundle: "
                      "they check it with jikimi verify --key)", soft_wrap=True)  # fmt: skip

    asyncio.run(run())


@custody_app.command("verify")
def custody_verify() -> None:
    """Check every custody chain in the store; exits 1 naming the first edited, removed or moved event."""
    import asyncio

    from config.settings import load_settings
    from evidence.signing import public_key_pem
    from monitor.context import open_context
    from monitor.packets.custody_log import verify_all_chains

    async def run() -> ChainCheck:
        async with open_context(load_settings()) as context:
            return await verify_all_chains(context.store, public_key_pem(context.signer))

    checked = asyncio.run(run())
    console = make_console()
    if checked.unsigned:
        console.print(f"NOTE: {checked.unsigned} events unsigned (written before signing)")
    console.print(f"OK: {checked.events} custody events verified")


def verify(
    bundle: Path,
    key: Annotated[
        str | None,
        typer.Option(help="The signing key to require: its public-key.pem, or its SHA-256 fingerprint (hex)."),
    ] = None,
    tsa_root: Annotated[
        Path | None,
        typer.Option(help="The time-stamping authority's root certificate (PEM) to require; tokens are then needed."),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(help="Exit 3 (INCOMPLETE) unless key and authority are pinned and everything could be checked."),
    ] = False,
) -> None:
    """Check a bundle offline; exits 1 naming the first file that does not match. Says what it could not check."""
    from evidence.pins import TrustPins
    from evidence.verify import verify_bundle
    from monitor.cli.verify_report import STRICT_EXIT, print_report

    report = verify_bundle(bundle, TrustPins.from_arguments(key, tsa_root))
    if not print_report(report, make_console(), strict=strict):
        raise typer.Exit(STRICT_EXIT)


def timestamp() -> None:
    """Ask the time-stamping authority (TSA_URL) again for every packet still awaiting its token."""
    import asyncio

    from config.settings import load_settings
    from monitor.context import open_context
    from monitor.packets.timestamps import TimestampSettings, timestamp_pending

    settings = load_settings()
    if settings.tsa_url is None:
        raise JikimiError("TSA_URL is not set: no time-stamping authority to ask")

    async def run() -> dict[str, int]:
        async with open_context(settings) as context:
            ask = TimestampSettings(settings.tsa_url, settings.tsa_timeout)
            return await timestamp_pending(
                context.store, settings.data_dir, context.key, ask, settings.operator or "jikimi",
                signer=context.signer,
            )  # fmt: skip

    counts = asyncio.run(run())
    make_console().print(", ".join(f"{outcome}: {count}" for outcome, count in sorted(counts.items())) or "no packets")


def purge(
    reason: Annotated[str, typer.Option(help="Why (recorded in each packet's custody log).")],
    case: Annotated[list[str] | None, typer.Option(help="Purge the packets of this case.")] = None,
    packets: Annotated[str, typer.Option(help="Comma-separated packet ids.")] = "",
) -> None:
    """Delete the pictures (media and screenshots) of packets; hashes, metadata and proofs stay."""
    import asyncio

    from config.settings import load_settings
    from monitor.context import open_context
    from monitor.packets.purging import purge_media

    settings = load_settings()

    async def run() -> tuple[int, int]:
        async with open_context(settings) as context:
            ids = [p.strip() for p in packets.split(",") if p.strip()]
            report = await purge_media(
                context, cases=case or [], packet_ids=ids, reason=reason, actor=settings.operator or "jikimi"
            )
            return report.packets, report.files

    count, files = asyncio.run(run())
    make_console().print(f"purged {files} files from {count} packets; each purge is a custody event")
