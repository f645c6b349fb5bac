"""``jikimi hits``: the review cards (one media × one victim picture), and ``jikimi hits decide`` on one of them."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from monitor.cli.console import card_json, cards_table, make_console

PAGE = 500  # cards read per query: ``--json`` streams them, so a store of any size prints in flat memory

hits_app = typer.Typer(
    invoke_without_command=True, no_args_is_help=False,
    help="List the review cards (newest first), or decide one (``jikimi hits decide``).",
)  # fmt: skip


@hits_app.callback()
def list_cards(
    context: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per card, one per line.")] = False,
) -> None:
    """List the cards, newest first: one per distinct media and victim picture, with every signal and place."""
    if context.invoked_subcommand is not None:
        return
    import asyncio

    from config.settings import load_settings
    from monitor.context import open_context
    from monitor.store.queries import CardQuery

    async def run() -> None:
        async with open_context(load_settings()) as monitor:
            offset, shown = 0, []
            while True:
                page = await monitor.store.find_cards(CardQuery(offset=offset, limit=PAGE))
                if as_json:
                    sys.stdout.writelines(card_json(card) + "\n" for card in page.cards)
                else:
                    shown += page.cards
                offset += len(page.cards)
                if not page.cards or offset >= page.total:
                    break
        if not as_json:
            make_console().print(cards_table(shown))

    asyncio.run(run())
