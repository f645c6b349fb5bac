"""``jikimi hits``: the review cards (one media × one victim picture), and ``jikimi hits decide`` on one of them."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from config.errors import UsageError
from monitor.cli.console import card_json, cards_table, make_console, shown

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


VERDICTS = ("confirmed", "rejected", "escalated")
"""What ``--verdict`` accepts: each names a ``monitor.records.Verdict``, imported when a card is decided (the
records module loads the crawler registry and pydantic, which ``jikimi --help`` has no use for)."""


@hits_app.command("decide")
def decide(
    card: Annotated[str, typer.Argument(help="The card's id (the first column of jikimi hits, or its JSON id).")],
    verdict: Annotated[str, typer.Option(help=f"One of: {', '.join(VERDICTS)}.")],
    reviewer: Annotated[str, typer.Option(help="The account deciding (a user of this store: jikimi users list).")],
    reason: Annotated[str, typer.Option(help="Why (kept with the decision and in custody).")] = "",
) -> None:
    """Decide a card: the verdict is recorded on every hit of it, with a custody event on every packet.

    The review UI's rules hold: a confirmation needs ``JIKIMI_REVIEW_CONFIRMATIONS`` different reviewers, and
    the same reviewer confirming again is refused (exit status 2), as are an unknown card or reviewer.
    """
    import asyncio

    from config.settings import load_settings
    from monitor.context import open_context
    from monitor.decisions import decide_card
    from monitor.records import Verdict

    if verdict not in VERDICTS:
        raise UsageError(f"--verdict must be one of {', '.join(VERDICTS)} (got {verdict!r})")
    chosen = {"confirmed": Verdict.CONFIRM, "rejected": Verdict.REJECT, "escalated": Verdict.ESCALATE}[verdict]
    settings = load_settings()

    async def run() -> None:
        async with open_context(settings) as monitor:
            done = await decide_card(
                monitor.store, monitor.signer, card, reviewer, chosen, reason.strip()[:2000],
                settings.review_confirmations,
            )  # fmt: skip
        kept = f"; {len(done.kept)} confirmed by {done.reviewer} already kept as they are" if done.kept else ""
        make_console().print(
            shown(f"card {done.card.id}: {done.card.status} — {verdict} by {done.reviewer} on "
                  f"{counted(len(done.decided), 'hit')} at {counted(len(done.card.locations), 'place')}{kept}")
        )  # fmt: skip

    asyncio.run(run())


def counted(number: int, noun: str) -> str:
    """``1 place``, ``2 places``: what a person reads in the decision's summary."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
