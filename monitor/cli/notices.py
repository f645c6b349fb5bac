"""``jikimi notices plan`` and ``show``: what would be sent to whom about the confirmed cards, and why, and
what one notice says — nothing is sent. ``send``, ``list``, ``submit`` and ``retry`` work the outbox
(``monitor/takedown/outbox.py``): ``send`` runs one pass (exit 0; 1 when a notice could not be sent, each
named on stderr, the others sent all the same).

The plan is read from the store (``JIKIMI_DATA_DIR``) and the recipients file (``JIKIMI_RECIPIENTS``, or
``--recipients``). A missing or invalid recipients file stops before the store is opened (exit status 2,
naming the line and field, or saying how to make one). Places left out of every notice (removed, withdrawn,
nobody to ask) are listed with their reason: on stdout as a table, or on stderr beside ``--json``, whose
stdout stays one JSON object per planned notice.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from config.untrusted_text import visible
from monitor.cli.console import make_console, shown
from monitor.cli.outbox_context import Outbox, run_on_outbox

if TYPE_CHECKING:
    from datetime import datetime

    from config.recipients import RecipientsFile
    from monitor.store.notice_records import NoticeRecord
    from monitor.takedown.outbox import OutboxRun
    from monitor.takedown.records import NoticePlan, PlannedNotice

notices_app = typer.Typer(no_args_is_help=True, help="Takedown notices: plan, send, re-send, list, submit.")


RecipientsOption = Annotated[
    Path | None, typer.Option("--recipients", help="Recipients YAML (default JIKIMI_RECIPIENTS, ./recipients.yaml).")
]


@notices_app.command("plan")
def plan(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per planned notice, one per line.")] = False,
    recipients: RecipientsOption = None,
) -> None:
    """Show the notices the confirmed cards call for: recipient, locations, the rule that chose it and why."""
    from config.untrusted_text import json_line_for_terminal

    planned, loaded = current_plan(recipients)
    if not as_json:
        print_plan(planned, loaded)
        return
    for notice in planned.notices:
        line = json.dumps(plan_document(notice, loaded), ensure_ascii=False, sort_keys=True)
        sys.stdout.write(json_line_for_terminal(line) + "\n")
    for line in left_out(planned):
        sys.stderr.write(f"{json_line_for_terminal(line)}\n")


@notices_app.command("show")
def show(
    reference: Annotated[str, typer.Argument(help="The notice's reference (JKM-…), as jikimi notices plan shows it.")],
    language: Annotated[str | None, typer.Option(help="ko or en (default: the recipient's language).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The notice as JSON instead of e-mail text.")] = False,
    recipients: RecipientsOption = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the notice as an A4 PDF to this file.")] = None,
) -> None:
    """Print one planned notice as its recipient would read it: e-mail subject and body, JSON, or a printable
    PDF of the same document (for a recipient whose form takes an attachment, or for the file). Nothing is sent."""
    from datetime import UTC, datetime

    from config.errors import UsageError
    from config.recipients import Language
    from monitor.takedown.content import notice_document, notice_reference, render_email
    from monitor.takedown.pdf import notice_pdf

    if language is not None and language not in tuple(Language):
        raise UsageError(f"--language must be ko or en (got {language!r})")
    planned, loaded = current_plan(recipients)
    wanted = reference.strip().upper()
    found = [notice for notice in planned.notices if notice_reference(notice) == wanted]
    if not found:
        raise UsageError(f"no planned notice has the reference {reference!r} (jikimi notices plan lists them)")
    lang = Language(language) if language else None
    now = datetime.now(UTC)
    if pdf is not None:  # the PDF of the same document (monitor/takedown/pdf.py); nothing else is printed
        pdf.write_bytes(notice_pdf(found[0], loaded, created_at=now, language=lang))
        return
    if as_json:
        document = notice_document(found[0], loaded, created_at=now, language=lang)
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        return
    email = render_email(found[0], loaded, created_at=now, language=lang)
    sys.stdout.write(f"Subject: {email.subject}\n\n{email.body}")


def current_plan(recipients_path: Path | None) -> tuple[NoticePlan, RecipientsFile]:
    """The plan as of now: the recipients file first (a bad one stops before the store is opened), then the store."""
    import asyncio
    from datetime import UTC, datetime

    from config.recipients_loading import load_recipients
    from config.settings import load_settings
    from monitor.store import store_from_settings
    from monitor.takedown.gathering import confirmed_cards
    from monitor.takedown.resending import history_of
    from monitor.takedown.routing import plan_notices

    settings = load_settings()
    loaded = load_recipients(recipients_path or settings.recipients)

    async def run() -> NoticePlan:
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        store = store_from_settings(settings)
        await store.open()
        try:
            history = history_of(await store.notices())  # what was sent: escalations that are due show
            return plan_notices(await confirmed_cards(store), loaded, now=datetime.now(UTC), history=history)
        finally:
            await store.close()

    return asyncio.run(run()), loaded


def plan_document(notice: PlannedNotice, recipients: RecipientsFile) -> dict[str, Any]:
    """One line of ``jikimi notices plan --json``: ``recipient``, ``locations`` (URLs), ``rule``, ``reason``,
    and how it would go (channel, address or form, language), its category and the cards it names."""
    from monitor.takedown.content import notice_reference

    recipient = recipients.recipient(notice.recipient)
    return {
        "recipient": notice.recipient, "locations": [location.url for location in notice.locations],
        "rule": notice.rule.value, "reason": notice.reason, "first": notice.first,
        "reference": notice_reference(notice), "channel": recipient.channel.value, "address": recipient.address,
        "language": recipient.language.value, "category": notice.category.value,
        "category_source": notice.category_source.value,
        "cards": sorted({card for location in notice.locations for card in location.card_ids}),
    }  # fmt: skip


def left_out(planned: NoticePlan) -> list[str]:
    """The places no notice names, one line each, and a note when a category is only the file's default."""
    lines = [f"not planned: {item.url} (card {item.card_id}): {item.reason}" for item in planned.unplanned]
    defaults = [notice for notice in planned.notices if notice.category_source == "default"]
    if defaults:
        lines.append(f"note: {len(defaults)} notice(s) use the default category {defaults[0].category.value}: "
                     "their cases are not in case_categories of the recipients file")  # fmt: skip
    return lines


def print_plan(planned: NoticePlan, recipients: RecipientsFile) -> None:
    from monitor.takedown.content import notice_reference

    console = make_console()
    for notice in planned.notices:
        recipient = recipients.recipient(notice.recipient)
        how = recipient.address or ("by hand" + (f": {recipient.url}" if recipient.url else ""))
        urgent = "URGENT " if notice.first else ""
        console.print(shown(
            f"{urgent}{notice_reference(notice)} → {recipient.id} ({recipient.channel.value}, {how}, "
            f"{recipient.language.value}) · rule {notice.rule.value} · {notice.category.value} · "
            f"{len(notice.locations)} location(s)"
        ))  # fmt: skip
        console.print(shown(f"  why: {notice.reason}"))
        for location in notice.locations:
            console.print(shown(f"  - {location.url}"))
    for line in left_out(planned):
        console.print(shown(line))
    console.print(f"{len(planned.notices)} notice(s) planned, {len(planned.unplanned)} place(s) left out; nothing sent")


@notices_app.command("send")
def send(recipients: RecipientsOption = None) -> None:
    """Send what is due now: new notices, re-sends to places still online, escalations; stop the rest."""
    from monitor.takedown.outbox import send_due

    async def work(outbox: Outbox) -> OutboxRun:
        assert outbox.recipients is not None  # read first: a bad file stops before the store is opened
        return await send_due(outbox.store, outbox.recipients, outbox.sender, clock=outbox.clock,
                              signing=outbox.signing, stale_after=outbox.stale_after)  # fmt: skip

    done = run_on_outbox(recipients, work)
    for problem in done.problems:
        sys.stderr.write(f"{visible(problem)}\n")
    sys.stdout.write(
        f"{done.sent} sent, {done.failed} failed, {done.unconfirmed} to check, {done.waiting} waiting for a person, "
        f"{done.rate_limited} held by a rate limit, {done.stopped} stopped, {done.created} new\n"
    )
    if done.failed or done.unconfirmed:
        raise typer.Exit(1)


@notices_app.command("list")
def list_notices(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per notice, one per line.")] = False,
) -> None:
    """Every notice in the outbox: recipient, locations, sent times (UTC), state, last error, what to check."""
    from config.untrusted_text import json_line_for_terminal

    found = run_on_outbox(None, lambda outbox: outbox.store.notices(), need_recipients=False)
    for notice in found:
        document = notice_listing(notice)
        if as_json:
            line = json.dumps(document, ensure_ascii=False, sort_keys=True)
            sys.stdout.write(json_line_for_terminal(line) + "\n")
            continue
        sent = ", ".join(document["sent"]) or "never"
        problem = document["needs_check"] or document["error"] or document["stopped_reason"]
        sys.stdout.write(visible(f"{notice.id} {notice.reference} → {notice.recipient} · {notice.state} · sent: {sent}"
                                 f"{' · ' + problem if problem else ''}") + "\n")  # fmt: skip
        for url in notice.urls:
            sys.stdout.write(f"  - {visible(url)}\n")


@notices_app.command("submit")
def submit(
    notice_id: Annotated[str, typer.Argument(help="The notice's id (or its JKM-… reference), as list shows it.")],
    by: Annotated[str, typer.Option("--by", help="Who submitted it (recorded in the custody log).")],
) -> None:
    """Record that a person submitted a notice by hand (a manual recipient's form), or confirmed an unconfirmed
    send went through."""
    from monitor.takedown.outbox import submit_notice

    async def work(outbox: Outbox) -> NoticeRecord:
        return await submit_notice(outbox.store, notice_id, by, clock=outbox.clock, signing=outbox.signing)

    done = run_on_outbox(None, work, need_recipients=False)
    sys.stdout.write(f"{done.id} submitted by {visible(done.submitted_by)} at {_utc(done.sent[-1])}\n")


@notices_app.command("retry")
def retry(
    notice_id: Annotated[str, typer.Argument(help="The id of a notice whose send is unconfirmed.")],
    by: Annotated[str, typer.Option("--by", help="Who checked that it did not arrive.")],
) -> None:
    """Queue an unconfirmed send again, once a person checked that it did not arrive (the next send sends it)."""
    from monitor.takedown.outbox import retry_notice

    async def work(outbox: Outbox) -> NoticeRecord:
        return await retry_notice(outbox.store, notice_id, by, signing=outbox.signing)

    done = run_on_outbox(None, work, need_recipients=False)
    sys.stdout.write(f"{done.id} queued again\n")


def notice_listing(notice: NoticeRecord) -> dict[str, Any]:
    """One line of ``jikimi notices list --json``: the contract's ``recipient``, ``locations``, ``sent`` (UTC)
    and ``state``, and the rest a person needs (id, reference, round, attempts with their errors)."""
    return {
        "id": notice.id, "reference": notice.reference, "recipient": notice.recipient, "locations": list(notice.urls),
        "sent": [_utc(at) for at in notice.sent], "state": str(notice.state), "rule": notice.rule,
        "category": notice.category, "channel": notice.channel, "language": notice.language, "round": notice.round,
        "reason": notice.reason, "created_at": _utc(notice.created_at), "error": notice.last_error,
        "attempts": [{"at": _utc(a.at), "error": a.error, "reply": a.reply} for a in notice.attempts],
        "needs_check": notice.needs_check, "stopped_reason": notice.stopped_reason,
        "submitted_by": notice.submitted_by, "subject": notice.subject, "body_sha256": notice.body_sha256,
        "packets": sorted({p for place in notice.places for p in place.packet_ids}),
        "cards": sorted({c for place in notice.places for c in place.card_ids}),
    }  # fmt: skip


def _utc(moment: datetime) -> str:
    from evidence.canonical_json import utc_z

    return utc_z(moment) or ""


def recheck() -> None:
    """Re-check every confirmed location for removal once, now, however recently it was checked (a place found
    gone is not asked again). Each check is a custody event; notices of places found gone stop at the next send."""
    from config.settings import load_settings
    from monitor.operations.rechecks import checkers_from, recheck_confirmed

    checkers = checkers_from(load_settings())

    async def work(outbox: Outbox) -> dict[str, int]:
        return await recheck_confirmed(outbox.store, timedelta(0), checkers, outbox.signing.actor,
                                       now=outbox.clock(), signer=outbox.signing.signer)  # fmt: skip

    counts = run_on_outbox(None, work, need_recipients=False)
    sys.stdout.write(f"{counts['online']} still online, {counts['gone']} gone, {counts['unknown']} unknown\n")
