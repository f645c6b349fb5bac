"""``jikimi demo``: the whole monitoring pass on the bundled synthetic forum and channel."""

from __future__ import annotations

from typing import Annotated

import typer

from monitor.cli.console import cards_table, crawl_progress, make_console, print_runs


def demo(port: Annotated[int, typer.Option(help="Port of the demo site on 127.0.0.1.")] = 8765) -> None:
    """Run a whole monitoring pass on the bundled synthetic forum and print the hits."""
    import asyncio

    from config.settings import load_settings
    from monitor.demo.run import run_demo

    console = make_console()
    settings = load_settings().model_copy(update={"crawl_autothrottle": False, "crawl_retry_times": 0})
    with crawl_progress(console, "crawling the demo forum") as progress:
        result = asyncio.run(run_demo(settings, port, progress))
    console.print(f"demo site: {result.site_url}")
    print_runs(console, result.runs)
    console.print(cards_table(result.cards))
    console.print(f"bundle: {result.bundle.path} ({result.bundle.packets} packets)")
    console.print(
        f"review UI: http://{settings.review_host}:{settings.review_port} — start it with `.venv/bin/jikimi serve`; "
        f"one-time demo login: {result.login[0]} / {result.login[1]} (investigator; a new password each run)"
    )
    counts = result.counts
    console.print(f"hits: {counts['hits']}, sightings: {counts['sightings']}, packets: {counts['packets']}")
