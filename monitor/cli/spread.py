"""``jikimi spread item ITEM_ID`` and ``jikimi spread source SOURCE_ID``: where a picture went, what a source posted.

A table by default; ``--json`` prints the whole view as one JSON object, ``--csv`` one row per place (the
columns of ``monitor/spread_rendering.PLACE_COLUMNS``, as in a bundle's ``spread-*.csv``). No pictures. An
unknown item or source exits with status 2 and says how to find a real one.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.table import Table

from config.errors import UsageError
from config.untrusted_text import json_line_for_terminal, visible
from monitor.cli.console import make_console, shown

if TYPE_CHECKING:  # ``monitor.spread`` loads the store's records: imported when a view is read, not for --help
    from monitor.spread import DistributorSpread, ItemSpread, SpreadPlace, SpreadStore

spread_app = typer.Typer(no_args_is_help=True, help="The spread of a victim picture, or the matches of a source.")

V = TypeVar("V")
AsJson = Annotated[bool, typer.Option("--json", help="The whole view as one JSON object.")]
AsCsv = Annotated[bool, typer.Option("--csv", help="One CSV row per place (UTF-8, times in UTC).")]


@spread_app.command("item")
def item(
    item_id: Annotated[str, typer.Argument(help="The blocklist item (``item`` in jikimi hits --json).")],
    as_json: AsJson = False,
    as_csv: AsCsv = False,
) -> None:
    """Every media and place an item was seen, its forwards and the channels that re-posted it."""
    from monitor.spread import item_spread

    found = _run(lambda store: item_spread(store, item_id), as_json, as_csv)
    if found is None:
        raise UsageError(f"no blocklist item {item_id!r} in this store (jikimi hits --json names each card's item)")
    _show(found, as_json, as_csv)


@spread_app.command("source")
def source(
    source_id: Annotated[str, typer.Argument(help="The watched source's id (as in the watchlist).")],
    as_json: AsJson = False,
    as_csv: AsCsv = False,
) -> None:
    """Every match of a source, first and last seen, still online or removed, and its posters."""
    from monitor.spread import source_spread

    found = _run(lambda store: source_spread(store, source_id), as_json, as_csv)
    if found is None:
        raise UsageError(f"no source {source_id!r} with matches or crawls in this store (see watchlist.yaml)")
    _show(found, as_json, as_csv)


def _run(read: Callable[[SpreadStore], Awaitable[V]], as_json: bool, as_csv: bool) -> V:
    """Open the store, read one view and close it again."""
    import asyncio

    from config.settings import load_settings
    from monitor.context import open_context

    if as_json and as_csv:
        raise UsageError("--json and --csv: choose one")

    async def run() -> V:
        async with open_context(load_settings()) as monitor:
            return await read(monitor.store)

    return asyncio.run(run())


def _show(found: ItemSpread | DistributorSpread, as_json: bool, as_csv: bool) -> None:
    from monitor.spread import ItemSpread
    from monitor.spread_rendering import item_json, places_csv, source_json

    if as_json:
        document = item_json(found) if isinstance(found, ItemSpread) else source_json(found)
        sys.stdout.write(json_line_for_terminal(json.dumps(document, ensure_ascii=False)) + "\n")
    elif as_csv:  # the data as it was, but no terminal obeys a control character in a channel's name
        sys.stdout.write("".join(c if c in "\r\n" else visible(c) for c in places_csv(found.places).decode()))
    else:
        make_console().print(_table(found))


def _table(found: ItemSpread | DistributorSpread) -> Table:
    from monitor.spread import ItemSpread

    if isinstance(found, ItemSpread):
        title = f"Item {found.item.id} ({found.item.case} / {found.item.label or '-'}): {len(found.places)} places"
    else:
        title = f"Source {found.source_id}: {len(found.places)} matches"
    table = Table(title=shown(title))
    for column in ("seen (UTC)", "location", "channel / poster", "forwarded from", "media", "card", "online"):
        table.add_column(column, overflow="fold")
    for place in found.places:
        table.add_row(*(shown(cell) for cell in _cells(place)))
    return table


def _cells(place: SpreadPlace) -> tuple[str, ...]:
    from monitor.spread import origin_channel

    came = place.forwarded_from
    forwarded = f"{origin_channel(came)} #{came.message_id or '?'}" if came else ""
    poster = place.poster.sender_username or place.poster.sender_name or place.poster.author_signature or ""
    where = " · ".join(part for part in (place.channel or place.source_id, poster) if part)
    return (
        place.seen_at.strftime("%Y-%m-%d %H:%M"), place.location, where, forwarded, place.media_sha256[:16],
        str(place.card_status), str(place.online),
    )  # fmt: skip
