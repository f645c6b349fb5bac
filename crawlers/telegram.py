"""Crawl public Telegram channels through an account's API access (telethon).

Per source: the channel is resolved once (its id and access hash are cached in the source state, so a
renamed channel is still found by id and no username lookup is repeated); messages are read oldest
first from the watermark (``iter_messages(min_id=watermark, reverse=True)``), and a Checkpoint follows
each message, so the watermark moves only past stored work. Photos and image/video documents become
Sightings; media already hashed (by its Telegram photo/document id) is not downloaded again.

Faults: a ``FloodWaitError`` is sat out while the run's budget lasts, then the source stops with
``RateLimited`` and resumes next run; private, banned, missing channels raise ``SourceUnavailable``
with a status; an expired file reference is renewed by fetching the message again, once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import telethon
from pydantic import BaseModel
from telethon import TelegramClient, errors
from telethon.tl import types

from config.settings import Settings
from config.watchlist import Source
from crawlers.base import CrawlContext, PostToCheck, RemovalCheck, SourceState
from crawlers.errors import CrawlError, RateLimited, SourceUnavailable, Unavailable
from crawlers.sighting import Capture, Checkpoint, CrawlProblem, CrawlRecord, Media, Sighting, utc_now
from crawlers.source_configs import TelegramSourceConfig
from crawlers.telegram_links import message_link, parse_channel
from crawlers.telegram_records import distributor_of, media_of, raw_post_json
from crawlers.telegram_session import lease_path, open_session, session_lease
from crawlers.temp_files import TempFiles
from crawlers.version import CRAWLER_VERSION

UNAVAILABLE: dict[type[Exception], Unavailable] = {
    errors.ChannelPrivateError: Unavailable.PRIVATE,
    errors.ChannelPublicGroupNaError: Unavailable.PRIVATE,
    errors.ChatForbiddenError: Unavailable.PRIVATE,
    errors.ChannelBannedError: Unavailable.BANNED,
    errors.UserBannedInChannelError: Unavailable.BANNED,
    errors.UsernameNotOccupiedError: Unavailable.NOT_FOUND,
    errors.UsernameInvalidError: Unavailable.NOT_FOUND,
    errors.ChannelInvalidError: Unavailable.NOT_FOUND,
    errors.PeerIdInvalidError: Unavailable.NOT_FOUND,
}


class FloodBudget:
    """Seconds of FloodWait a run may still sit out."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds

    def take(self, seconds: float) -> bool:
        if seconds > self.left:
            return False
        self.left -= seconds
        return True


class TelegramCrawler:
    """The ``telegram`` source kind. ``client_factory`` makes an unconnected ``TelegramClient``."""

    kind: ClassVar[str] = "telegram"
    config_model: ClassVar[type[BaseModel]] = TelegramSourceConfig
    exclusive: ClassVar[bool] = True  # runs share one account session: never two at once

    def __init__(
        self, client_factory: Callable[[], TelegramClient], lease: Callable[[], AbstractAsyncContextManager[None]],
        max_media_bytes: int, flood_wait_budget: float, backfill_messages: int, history_wait: float = 1.0,
    ) -> None:  # fmt: skip
        self.client_factory = client_factory
        self.lease = lease
        self.max_media_bytes = max_media_bytes
        self.flood_wait_budget = flood_wait_budget
        self.backfill_messages = backfill_messages
        self.history_wait = history_wait
        self._live: tuple[TelegramClient, types.InputPeerChannel] | None = None
        self._downloaded: dict[str, tuple[Path, int]] = {}  # file key → file (sealed) and size downloaded this crawl
        self._account_id: str | None = None  # the logged-in account, recorded by id in every capture

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramCrawler:
        session_value = settings.telegram_session.get_secret_value() if settings.telegram_session else None
        api_hash = settings.telegram_api_hash.get_secret_value() if settings.telegram_api_hash else ""

        def client_factory() -> TelegramClient:
            if settings.telegram_api_id is None or not api_hash:
                raise CrawlError("TELEGRAM_API_ID and TELEGRAM_API_HASH must be set for telegram sources")
            session = open_session(session_value)
            return TelegramClient(session, settings.telegram_api_id, api_hash, receive_updates=False)

        lock = lease_path(settings.data_dir / "locks", session_value or "")
        return cls(
            client_factory, lambda: session_lease(lock, wait=settings.crawl_deadline),
            settings.telegram_max_media_bytes, settings.telegram_flood_wait_budget, settings.telegram_backfill_messages,
            settings.telegram_history_wait,
        )  # fmt: skip

    async def crawl(self, source: Source, context: CrawlContext) -> AsyncIterator[CrawlRecord]:
        config = source.config
        assert isinstance(config, TelegramSourceConfig)
        async with self.lease():
            client = self.client_factory()
            client.flood_sleep_threshold = 0  # every FloodWait comes to us, to be weighed against the budget
            self._downloaded = {}
            try:
                await client.connect()
                self._account_id = await _account_id(client)
                async for record in self._crawl_channel(client, source, config, context):
                    yield record
            except tuple(UNAVAILABLE) as exc:
                status = UNAVAILABLE[type(exc)]
                raise SourceUnavailable(
                    f"{config.channel}: {type(exc).__name__}", source_id=source.id, status=status
                ) from None
            except errors.AuthKeyError as exc:
                raise CrawlError(f"the Telegram session is not usable ({type(exc).__name__}): log in again") from None
            except (OSError, ConnectionError) as exc:
                raise SourceUnavailable(f"Telegram could not be reached: {exc}", source_id=source.id) from None
            finally:
                self._live = None
                await client.disconnect()

    async def _crawl_channel(
        self, client: TelegramClient, source: Source, config: TelegramSourceConfig, context: CrawlContext
    ) -> AsyncIterator[CrawlRecord]:
        peer, resolved = await self._resolve(client, source, config, context.state)
        if resolved != context.state.resolved:
            yield Checkpoint(source.id, resolved=resolved)
        self._live = (client, peer)
        budget = FloodBudget(
            config.flood_wait_budget if config.flood_wait_budget is not None else self.flood_wait_budget
        )
        after, since = await self._start(client, peer, config, context.state)
        while True:
            try:
                history = client.iter_messages(
                    peer, min_id=after, offset_date=since, reverse=True, wait_time=self.history_wait
                )
                async for message in history:
                    username = getattr(message.chat, "username", None) or str(resolved.get("username") or "") or None
                    if username != (resolved.get("username") or None):  # the channel was renamed
                        resolved = {**resolved, "username": username or ""}
                        yield Checkpoint(source.id, resolved=resolved)
                    async for record in self._records(client, peer, message, source, config, resolved, context):
                        yield record
                    yield Checkpoint(source.id, watermark=message.id)
                    after, since = message.id, None
                return
            except errors.FloodWaitError as exc:
                if not budget.take(exc.seconds):
                    raise RateLimited(
                        f"Telegram asked to wait {exc.seconds} s, beyond this run's budget", retry_after=exc.seconds
                    ) from None
                await asyncio.sleep(exc.seconds)

    async def _resolve(
        self, client: TelegramClient, source: Source, config: TelegramSourceConfig, state: SourceState
    ) -> tuple[types.InputPeerChannel, dict[str, str | int]]:
        cached = state.resolved
        if cached.get("channel_id") and cached.get("access_hash"):
            return types.InputPeerChannel(int(cached["channel_id"]), int(cached["access_hash"])), dict(cached)
        ref = parse_channel(config.channel)
        try:
            entity = await client.get_entity(ref.username or types.PeerChannel(ref.channel_id or 0))
        except ValueError:
            raise SourceUnavailable(f"{ref} not found", source_id=source.id, status=Unavailable.NOT_FOUND) from None
        if not isinstance(entity, types.Channel):
            raise SourceUnavailable(f"{ref} is not a channel", source_id=source.id, status=Unavailable.NOT_FOUND)
        resolved: dict[str, str | int] = {
            "channel_id": entity.id, "access_hash": entity.access_hash or 0,
            "username": entity.username or "", "title": entity.title,
        }  # fmt: skip
        return types.InputPeerChannel(entity.id, entity.access_hash or 0), resolved

    async def _start(
        self, client: TelegramClient, peer: types.InputPeerChannel, config: TelegramSourceConfig, state: SourceState
    ) -> tuple[int, datetime | None]:
        """Where reading starts: after the watermark, or on a first run after the backfill window."""
        if state.watermark is not None:
            return state.watermark, None
        if config.backfill_days is not None:
            return 0, datetime.now(UTC) - timedelta(days=config.backfill_days)
        backfill = config.backfill_messages if config.backfill_messages is not None else self.backfill_messages
        latest = await client.get_messages(peer, limit=1)
        top = latest[0].id if latest else 0
        return max(0, top - backfill), None

    async def _records(
        self, client: TelegramClient, peer: types.InputPeerChannel, message: Any, source: Source,
        config: TelegramSourceConfig, resolved: dict[str, str | int], context: CrawlContext,
    ) -> AsyncIterator[CrawlRecord]:  # fmt: skip
        media = media_of(message)
        if media is None:
            return
        username = str(resolved.get("username") or "") or None
        link = message_link(username, int(resolved["channel_id"]), message.id)
        distributor = distributor_of(message, int(resolved["channel_id"]), username, str(resolved.get("title") or ""))
        cap = config.max_media_bytes or self.max_media_bytes
        if media.size is not None and media.size > cap:
            reason = f"media too large: {media.size} bytes is over the cap of {cap}"
            yield CrawlProblem(source.id, link, reason, media_url=f"{link}?single", distributor=distributor)
            return
        raw_path = context.workdir / "posts" / f"{message.id}.json"
        raw_path.parent.mkdir(parents=True, exist_ok=True)
        context.files.write(raw_path, raw_post_json(message))
        known = await context.known_media(media.file_key)
        path: Path | None
        size: int | None
        path, size = self._downloaded.get(media.file_key, (None, media.size))
        if known is None and path is None:
            path = context.workdir / "media" / f"{media.file_key.replace(':', '-')}{media.extension}"
            try:
                size = await self._download(client, peer, message, path, context.files)
                self._downloaded[media.file_key] = (path, size)
            except (errors.RPCError, OSError) as exc:
                if isinstance(exc, errors.FloodWaitError):
                    raise
                yield CrawlProblem(source.id, link, f"media download failed: {type(exc).__name__}", f"{link}?single")
                return
        captured = utc_now()
        version = f"{CRAWLER_VERSION} telethon/{telethon.__version__}"
        capture = Capture(
            captured, "telegram", version, final_url=link, raw_path=raw_path, raw_mime="application/json",
            account_id=self._account_id,
        )  # fmt: skip
        yield Sighting(
            source_id=source.id, source_kind=self.kind, location=link, seen_at=captured,
            media=Media(f"{link}?single", path, media.mime, size, media.file_key, sha256=None if path else known),
            distributor=distributor, capture=capture,
        )  # fmt: skip

    async def _download(
        self, client: TelegramClient, peer: types.InputPeerChannel, message: Any, path: Path, files: TempFiles
    ) -> int:
        """Download into memory (held to the size cap before it starts) and write it sealed: the picture is
        never plaintext on disk (``crawlers/temp_files.py``). Returns its size in bytes."""
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            data = await client.download_media(message, file=bytes)
        except errors.FileReferenceExpiredError:
            fresh = await client.get_messages(peer, ids=message.id)  # a fresh file reference, then once more
            if fresh is None or isinstance(fresh, types.MessageEmpty):
                raise
            data = await client.download_media(fresh, file=bytes)
        if not isinstance(data, bytes):
            raise OSError(f"telethon gave no bytes for message {message.id}")
        files.write(path, data)
        return len(data)

    async def fetch_media(self, sighting: Sighting, workdir: Path, files: TempFiles) -> Path | None:
        """Download a sighting's media again (known by id, now a hit), while this crawl is connected."""
        if self._live is None or sighting.distributor.message_id is None:
            return None
        client, peer = self._live
        message = await client.get_messages(peer, ids=sighting.distributor.message_id)
        found = media_of(message) if message is not None and not isinstance(message, types.MessageEmpty) else None
        if found is None:
            return None
        path = workdir / "media" / f"refetched-{found.file_key.replace(':', '-')}{found.extension}"
        await self._download(client, peer, message, path, files)
        return path

    async def check_removal(self, posts: Sequence[PostToCheck]) -> dict[str, RemovalCheck]:
        """Is each post still there? ``get_messages`` answering ``None`` or ``MessageEmpty`` means deleted, and so
        does a channel gone private, banned or missing; unknown (``online`` is ``None``) when Telegram could not be
        asked (network, FloodWait): checked again. A post whose channel was never resolved cannot be asked and
        gets no answer (the re-check job logs it)."""
        answers: dict[str, RemovalCheck] = {}
        targets = [target for target in map(_post_ref, posts) if target is not None]
        if not targets:
            return answers
        async with self.lease():
            client = self.client_factory()
            client.flood_sleep_threshold = 0
            try:
                await client.connect()
                for ref in targets:
                    answers[ref.location] = await _still_posted(client, ref)
            finally:
                await client.disconnect()
        return answers


@dataclass(frozen=True, slots=True)
class PostRef:
    """A Telegram post to re-check: its link, the channel's id and access hash, the message id."""

    location: str
    channel_id: int
    access_hash: int
    message_id: int


def _post_ref(post: PostToCheck) -> PostRef | None:
    """The channel and message of a post link, from the ids its source resolved (``None`` if it never did)."""
    resolved = post.state.resolved
    if not (resolved.get("channel_id") and resolved.get("access_hash")):
        return None
    try:
        message = int(post.location.rstrip("/").rsplit("/", 1)[1])
    except ValueError:
        return None
    return PostRef(post.location, int(resolved["channel_id"]), int(resolved["access_hash"]), message)


DELETED = "message deleted (Telegram returned no message)"


async def _still_posted(client: TelegramClient, ref: PostRef) -> RemovalCheck:
    peer = types.InputPeerChannel(ref.channel_id, ref.access_hash)
    try:
        message = await client.get_messages(peer, ids=ref.message_id)
    except tuple(UNAVAILABLE) as exc:  # the channel went private, was banned or is gone: told apart
        return RemovalCheck(False, f"channel unavailable ({UNAVAILABLE[type(exc)]}: {type(exc).__name__})")
    except (errors.RPCError, OSError, ConnectionError):
        return RemovalCheck(None, "could not ask Telegram")
    if message is None or isinstance(message, types.MessageEmpty):
        return RemovalCheck(False, DELETED)
    return RemovalCheck(True, "message still posted")


async def _account_id(client: TelegramClient) -> str | None:
    """The id of the account the session is logged in as (``users.getUsers([self])``), or ``None``."""
    me = await client.get_me(input_peer=True)
    return str(me.user_id) if me is not None else None
