"""``jikimi telegram login``: an account's API access for ``kind: telegram`` sources."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from config.errors import JikimiError
from monitor.cli.console import make_console

telegram_app = typer.Typer(no_args_is_help=True, help="Telegram account access for kind: telegram sources.")


@telegram_app.command("login")
def telegram_login(
    session: Annotated[
        Path | None, typer.Option(help="Session file to create (default: data/telegram.session).")
    ] = None,
) -> None:
    """Log in with phone and code, and store the session (a secret) with mode 0600."""
    import asyncio

    from config.settings import load_settings
    from crawlers.telegram_session import log_in

    settings = load_settings()
    if settings.telegram_api_id is None or settings.telegram_api_hash is None:
        raise JikimiError("set TELEGRAM_API_ID and TELEGRAM_API_HASH first (from https://my.telegram.org)")
    target = session or settings.data_dir / "telegram.session"

    def ask(prompt: str, secret: bool) -> str:
        return str(typer.prompt(prompt, hide_input=secret))

    path = asyncio.run(log_in(target, settings.telegram_api_id, settings.telegram_api_hash.get_secret_value(), ask))
    make_console().print(f"session stored at {path} (mode 0600). Set TELEGRAM_SESSION={path} in .env; keep it secret.")
