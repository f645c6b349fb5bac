"""``jikimi notices plan`` and ``show``: what would be sent to whom about the confirmed cards, and why, and
what one notice says — nothing is sent.

The plan is read from the store (``JIKIMI_DATA_DIR``) and the recipients file (``JIKIMI_RECIPIENTS``, or
``--recipients``). A missing or invalid recipients file stops before the store is opened (exit status 2,
naming the line and field, or saying how to make one). Places left out of every notice (removed, withdrawn,
nobody to ask) are listed with their reason: on stdout as a table, or on stderr beside ``--json``, whose
stdout stays one JSON object per planned notice.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from monitor.cli.console import make_console, shown

if TYPE_CHECKING:
    from config.recipients import RecipientsFile
    from monitor.takedown.records import NoticePlan, PlannedNotice

notices_app = typer.Typer(no_args_is_help=True, help="Takedown notices: what would go to whom, and why.")


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
) -> None:
    """Print one planned notice as its recipient would read it: e-mail subject and body, or JSON. Nothing is sent."""
    from datetime import UTC, datetime

    from config.errors import UsageError
    from config.recipients import Language
    from monitor.takedown.content import notice_document, notice_reference, render_email

    if language is not None and language not in tuple(Language):
        raise UsageError(f"--language must be ko or en (got {language!r})")
    planned, loaded = current_plan(recipients)
    wanted = reference.strip().upper()
    found = [notice for notice in planned.notices if notice_reference(notice) == wanted]
    if not found:
        raise UsageError(f"no planned notice has the reference {reference!r} (jikimi notices plan lists them)")
    lang = Language(language) if language else None
    now = datetime.now(UTC)
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
    from monitor.takedown.routing import plan_notices

    settings = load_settings()
    loaded = load_recipients(recipients_path or settings.recipients)

    async def run() -> NoticePlan:
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        store = store_from_settings(settings)
        await store.open()
        try:
            return plan_notices(await confirmed_cards(store), loaded, now=datetime.now(UTC))
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
