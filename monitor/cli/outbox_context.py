"""What the outbox commands work on, opened from the settings: the store, the recipients file, the SMTP sender,
the signing key of custody events and the clock — and closed again.

Why not ``monitor.context.open_context``? That also starts the hashing processes and the browser, seconds of
start-up that sending a notice never needs. The signing key is the same one (``data/keys/signing.key`` or
``JIKIMI_SIGNING_KEY``), so a notice's custody events verify like every other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from config.recipients import RecipientsFile
    from monitor.store.base import Store
    from monitor.takedown.outbox import Signing
    from monitor.takedown.sending import SmtpSender

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outbox:
    store: Store
    recipients: RecipientsFile | None  # read only for the commands that route (``send``)
    sender: SmtpSender | None
    signing: Signing
    clock: Callable[[], datetime]
    stale_after: timedelta


def run_on_outbox(
    recipients_path: Path | None, work: Callable[[Outbox], Awaitable[T]], *, need_recipients: bool = True
) -> T:
    """Run ``work`` on the outbox opened from the settings. The recipients file is read first when it is needed
    (a bad one stops before the store is opened, exit status 2); ``list`` and ``submit`` do without it."""
    import asyncio
    from datetime import UTC

    from config.recipients_loading import load_recipients
    from config.settings import load_settings
    from evidence.signing import load_or_create_signing_key
    from monitor.store import store_from_settings
    from monitor.takedown.outbox import Signing, stale_after_for
    from monitor.takedown.sending import SmtpSender

    settings = load_settings()
    recipients = load_recipients(recipients_path or settings.recipients) if need_recipients else None
    sender = SmtpSender.from_settings(settings) if need_recipients else None

    async def run() -> T:
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        configured = settings.signing_key.get_secret_value() if settings.signing_key else None
        signer = load_or_create_signing_key(settings.data_dir / "keys" / "signing.key", configured)
        store = store_from_settings(settings)
        await store.open()
        try:
            outbox = Outbox(
                store, recipients, sender, Signing(settings.operator or "jikimi", signer), lambda: datetime.now(UTC),
                stale_after_for(settings.notice_smtp_timeout),
            )  # fmt: skip
            return await work(outbox)
        finally:
            await store.close()

    return asyncio.run(run())
