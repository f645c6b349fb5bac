"""A synthetic Telegram behind the real ``TelegramClient``: only the wire is replaced.

``WireDouble`` stands where telethon's ``MTProtoSender`` stands: ``send(request)`` returns a future that
``SyntheticTelegram`` resolves with real TL objects (``contacts.ResolvedPeer``, ``messages.ChannelMessages``,
``upload.File``…) or fails with real RPC errors (``FloodWaitError``, ``ChannelPrivateError``…). Everything
above the wire is telethon's own: ``_call`` (flood-wait bookkeeping, entity caching), ``get_entity``,
``iter_messages`` with its ``offset_id``/``add_offset`` paging, ``get_messages`` and ``download_media``.
Only ``connect()`` is overridden: the MTProto handshake (InitConnection, GetConfig, GetState) is
Telegram's side of the wire, not the code under test.

The server pages history the way Telegram does: messages newest first; ``offset_id`` (exclusive) or
``offset_date`` picks the start, ``add_offset`` shifts it (negative: towards newer messages), then
``limit``; ``min_id``/``max_id`` (exclusive) filter the result.
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from telethon import TelegramClient, errors
from telethon.sessions import MemorySession
from telethon.tl import functions, types
from telethon.tl.tlobject import TLRequest
from telethon.tl.types import contacts, messages, storage, upload

from monitor.demo.pictures import encode, make_picture

DC_ID = 2
Fault = Callable[[TLRequest], Exception | None]


@dataclass
class SyntheticChannel:
    id: int
    access_hash: int
    username: str | None
    title: str
    messages: dict[int, types.Message] = field(default_factory=dict)
    refuse_with: type[errors.RPCError] | None = None  # e.g. ChannelPrivateError on every request

    def tl(self) -> types.Channel:
        return types.Channel(
            id=self.id, title=self.title, photo=types.ChatPhotoEmpty(), date=datetime(2024, 1, 1, tzinfo=UTC),
            access_hash=self.access_hash, username=self.username, broadcast=True,
        )  # fmt: skip


class SyntheticTelegram:
    """The far side of the wire: channels, files, scripted faults, and a log of every request."""

    def __init__(self) -> None:
        self.channels: dict[int, SyntheticChannel] = {}
        self.files: dict[int, bytes] = {}
        self.faults: list[Fault] = []
        self.requests: list[TLRequest] = []
        self.expired_references: set[int] = set()
        self._next_file_id = 5_000_000
        self.account = types.User(id=777_000_123, is_self=True, access_hash=4242, first_name="Monitor", bot=False)

    # --- building the world ---------------------------------------------------------------------
    def add_channel(self, channel_id: int, username: str | None, title: str, **kw: Any) -> SyntheticChannel:
        channel = SyntheticChannel(channel_id, channel_id * 7919, username, title, **kw)
        self.channels[channel_id] = channel
        return channel

    def new_photo(self, data: bytes) -> types.Photo:
        self._next_file_id += 1
        self.files[self._next_file_id] = data
        size = types.PhotoSize(type="y", w=800, h=600, size=len(data))
        return types.Photo(
            id=self._next_file_id, access_hash=self._next_file_id * 31, file_reference=b"ref-1",
            date=datetime(2026, 1, 1, tzinfo=UTC), sizes=[size], dc_id=DC_ID,
        )  # fmt: skip

    def new_document(self, data: bytes, mime: str, attributes: list[Any]) -> types.Document:
        self._next_file_id += 1
        self.files[self._next_file_id] = data
        return types.Document(
            id=self._next_file_id, access_hash=self._next_file_id * 31, file_reference=b"ref-1",
            date=datetime(2026, 1, 1, tzinfo=UTC), mime_type=mime, size=len(data), dc_id=DC_ID, attributes=attributes,
        )  # fmt: skip

    def fault_once(self, fault: Fault) -> None:
        """Answer the first request for which ``fault`` returns an error with that error, once."""
        self.faults.append(fault)

    # --- answering ------------------------------------------------------------------------------
    def answer(self, request: TLRequest) -> Any:
        if isinstance(request, functions.InvokeWithoutUpdatesRequest):  # Telegram runs the wrapped query
            return self.answer(request.query)
        self.requests.append(request)
        for fault in list(self.faults):
            error = fault(request)
            if error is not None:
                self.faults.remove(fault)
                raise error
        handler = getattr(self, "_" + type(request).__name__, None)
        if handler is None:
            raise errors.RPCError(request, f"the synthetic Telegram does not answer {type(request).__name__}", 400)
        return handler(request)

    def _channel(self, peer: Any, request: TLRequest) -> SyntheticChannel:
        channel = self.channels.get(getattr(peer, "channel_id", None) or -1)
        if channel is None or channel.access_hash != peer.access_hash:
            raise errors.ChannelInvalidError(request)
        if channel.refuse_with is not None:
            raise channel.refuse_with(request)
        return channel

    def _ResolveUsernameRequest(self, request: functions.contacts.ResolveUsernameRequest) -> Any:
        for channel in self.channels.values():
            if channel.username and channel.username.lower() == request.username.lower():
                return contacts.ResolvedPeer(peer=types.PeerChannel(channel.id), chats=[channel.tl()], users=[])
        raise errors.UsernameNotOccupiedError(request)

    def _GetUsersRequest(self, request: functions.users.GetUsersRequest) -> Any:
        """Only the logged-in account itself (``InputUserSelf``) is asked for by the crawler."""
        if not all(isinstance(user, types.InputUserSelf) for user in request.id):
            raise errors.UserIdInvalidError(request)
        return [self.account]

    def _GetChannelsRequest(self, request: functions.channels.GetChannelsRequest) -> Any:
        return messages.Chats(chats=[self._channel(peer, request).tl() for peer in request.id])

    def _history(self, channel: SyntheticChannel, found: list[types.Message], count: int) -> Any:
        return messages.ChannelMessages(pts=1, count=count, messages=found, topics=[], chats=[channel.tl()], users=[])

    def _GetHistoryRequest(self, request: functions.messages.GetHistoryRequest) -> Any:
        channel = self._channel(request.peer, request)
        newest_first = sorted(channel.messages.values(), key=lambda m: m.id, reverse=True)
        if request.offset_id:
            start = next((i for i, m in enumerate(newest_first) if m.id < request.offset_id), len(newest_first))
        elif request.offset_date:
            start = next((i for i, m in enumerate(newest_first) if m.date < request.offset_date), len(newest_first))
        else:
            start = 0
        start += request.add_offset
        window = newest_first[max(0, start) : max(0, start + request.limit)]
        window = [
            m for m in window
            if (not request.min_id or m.id > request.min_id) and (not request.max_id or m.id < request.max_id)
        ]  # fmt: skip
        return self._history(channel, window, len(newest_first))

    def _GetMessagesRequest(self, request: functions.channels.GetMessagesRequest) -> Any:
        channel = self._channel(request.channel, request)
        peer = types.PeerChannel(channel.id)  # deleted ids come back as MessageEmpty, as Telegram answers
        found = [channel.messages.get(i.id) or types.MessageEmpty(id=i.id, peer_id=peer) for i in request.id]
        for message in found:
            media = getattr(message, "media", None)
            item = getattr(media, "photo", None) or getattr(media, "document", None)
            if item is not None and item.id in self.expired_references:
                item.file_reference = b"ref-2"  # what Telegram hands out when the message is fetched again
        return self._history(channel, found, len(channel.messages))

    def _GetFileRequest(self, request: functions.upload.GetFileRequest) -> Any:
        location = request.location
        data = self.files.get(location.id)
        if data is None:
            raise errors.RPCError(request, "FILE_ID_INVALID", 400)
        if location.id in self.expired_references and location.file_reference == b"ref-1":
            raise errors.FileReferenceExpiredError(request)
        chunk = data[request.offset : request.offset + request.limit]
        return upload.File(type=storage.FileJpeg(), mtime=0, bytes=chunk)


class WireDouble:
    """Stands where ``MTProtoSender`` stands: ``send`` returns a future the synthetic server resolves."""

    def __init__(self, server: SyntheticTelegram) -> None:
        self.server = server
        self.connected = False
        self.auth_key = None

    def send(self, request: TLRequest, ordered: bool = False) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        try:
            future.set_result(self.server.answer(request))
        except errors.RPCError as error:
            future.set_exception(error)
        return future

    def is_connected(self) -> bool:
        return self.connected

    async def connect(self, connection: Any) -> bool:
        self.connected = True
        return True

    async def disconnect(self) -> None:
        self.connected = False


class TelegramClientDouble(TelegramClient):  # type: ignore[misc]
    """The real ``TelegramClient`` on a ``MemorySession`` with the wire replaced by ``WireDouble``."""

    def __init__(self, server: SyntheticTelegram) -> None:
        super().__init__(MemorySession(), api_id=1, api_hash="0" * 32, receive_updates=False)
        self.session.set_dc(DC_ID, "127.0.0.1", 443)
        self._sender = WireDouble(server)

    async def connect(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._sender.connected = True


@functools.cache
def picture_bytes(seed: int) -> bytes:
    return encode(make_picture(seed, (640, 480)), quality=85)


def build_channel(
    server: SyntheticTelegram, channel_id: int, username: str, count: int, *,
    picture_seed: Callable[[int], int | None], start: datetime = datetime(2026, 10, 1, tzinfo=UTC),
) -> SyntheticChannel:  # fmt: skip
    """A channel of ``count`` posts: every 10th a 3-photo album, every 7th forwarded, every 11th edited,
    every 13th a video document, and a photo on posts where ``picture_seed(id)`` gives a seed."""
    channel = server.add_channel(channel_id, username, f"Synthetic channel {username}")
    rng = random.Random(channel_id)
    message_id = 0
    post = 0
    while message_id < count:
        post += 1
        album = 3 if post % 10 == 0 else 1
        for part in range(album):
            message_id += 1
            if message_id > count:
                break
            channel.messages[message_id] = _message(server, channel, message_id, post, part, start, rng, picture_seed)
    return channel


def _message(
    server: SyntheticTelegram, channel: SyntheticChannel, message_id: int, post: int, part: int, start: datetime,
    rng: random.Random, picture_seed: Callable[[int], int | None],
) -> types.Message:  # fmt: skip
    date = start + timedelta(minutes=10 * message_id)
    media: Any = None
    seed = picture_seed(message_id)
    if post % 13 == 0:
        video = server.new_document(
            b"\x00\x00\x00\x18ftypmp42" + bytes(rng.getrandbits(8) for _ in range(64)), "video/mp4",
            [types.DocumentAttributeVideo(duration=3, w=320, h=240), types.DocumentAttributeFilename("clip.mp4")],
        )  # fmt: skip
        media = types.MessageMediaDocument(document=video)
    elif seed is not None:
        media = types.MessageMediaPhoto(photo=server.new_photo(picture_bytes(seed)))
    forwarded = None
    if post % 7 == 0:
        forwarded = types.MessageFwdHeader(
            date=date - timedelta(days=3), from_id=types.PeerChannel(424242), channel_post=post, post_author="origin"
        )
    text = f"post {post} part {part}: see https://example.org/{post}" if part == 0 else ""
    entities = (
        [types.MessageEntityUrl(offset=text.index("https"), length=len(text) - text.index("https"))] if text else []
    )
    return types.Message(
        id=message_id, peer_id=types.PeerChannel(channel.id), date=date, message=text, post=True,
        media=media, views=100 + message_id, forwards=message_id % 5, post_author="admin" if post % 2 else None,
        grouped_id=(10_000 + post) if post % 10 == 0 else None, fwd_from=forwarded,
        edit_date=date + timedelta(hours=1) if post % 11 == 0 else None,
        replies=types.MessageReplies(replies=post % 4, replies_pts=1), entities=entities,
        reply_to=types.MessageReplyHeader(reply_to_msg_id=message_id - 1) if post % 17 == 0 else None,
    )  # fmt: skip
