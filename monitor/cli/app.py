"""The ``jikimi`` typer app: every command group assembled, and the one place errors become exit codes.

Imported by ``monitor.cli.main`` when a command runs, never by importing ``monitor.cli`` itself: the
``jikimi`` script's first line is ``from monitor.cli import main``, and each hash-pool worker re-runs that
script (``monitor/cli/__init__.py`` says why), so everything imported here stays out of the workers.

Errors: a ``JikimiError`` is printed as its message and exits with its ``exit_code`` (2 for bad input
such as a bad watchlist or hash list, 1 otherwise); anything else is a bug and shows a traceback
(without local variables, which could hold secrets).
"""

from __future__ import annotations

import sys

import typer

from config.errors import JikimiError
from monitor.cli import blocklist, crawl, daemon, demo, evidence, hits, notices, report, review, spread, telegram

app = typer.Typer(no_args_is_help=True, pretty_exceptions_show_locals=False, help="jikimi: find, preserve, take down.")
app.command()(demo.demo)
app.command()(crawl.crawl)
app.add_typer(hits.hits_app, name="hits")
app.add_typer(spread.spread_app, name="spread")
app.add_typer(notices.notices_app, name="notices")
app.command("recheck")(notices.recheck)
app.add_typer(blocklist.blocklist_app, name="blocklist")
app.add_typer(telegram.telegram_app, name="telegram")
app.command()(evidence.export)
app.command()(evidence.verify)
app.command()(evidence.timestamp)
app.command()(evidence.purge)
app.add_typer(evidence.custody_app, name="custody")
app.command("run")(daemon.run)
app.command("status")(daemon.status)
app.command("report")(report.report)
app.command("serve")(review.serve)
app.add_typer(review.users_app, name="users")


def main() -> None:
    try:
        app()
    except JikimiError as exc:
        sys.stderr.write(f"error: {exc}\n")  # unwrapped: a path in the message must stay copyable
        sys.exit(exc.exit_code)


__all__ = ["app", "main"]
