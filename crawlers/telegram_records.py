"""Turn telethon messages into what a Sighting carries: distributor metadata, media facts, raw JSON.

Kept apart from the crawler so the mapping can be read (and tested) on its own: every field a takedown
request or a court needs — channel, message id, link, times in UTC, views, forwards, replies, author
signature, forwarded-from, reply-to, text and the URLs in it — and the message's own ``to_dict()``.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from telethon import utils
from telethon.tl import types

from crawlers.sighting import Distributor, ForwardedFrom

EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
              "video/mp4": ".mp4", "video/webm": ".webm", "video/quicktime": ".mov"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class TelegramMedia:
    """A message's photo or image/video document: its stable key (``photo:<id>``), type and size."""

    file_key: str
    mime: str
    size: int | None

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.mime, ".bin")


def _photo_size(photo: types.Photo) -> int | None:
    sizes = []
    for size in photo.sizes:
        if isinstance(size, types.PhotoSize):
            sizes.append(size.size)
        elif isinstance(size, types.PhotoSizeProgressive) and size.sizes:
            sizes.append(max(size.sizes))
    return max(sizes) if sizes else None


def media_of(message: types.Message) -> TelegramMedia | None:
    """The picture or video of a message, or ``None`` (text, polls, link previews, other files)."""
    media = message.media
    if isinstance(media, types.MessageMediaPhoto) and isinstance(media.photo, types.Photo):
        return TelegramMedia(f"photo:{media.photo.id}", "image/jpeg", _photo_size(media.photo))
    if isinstance(media, types.MessageMediaDocument) and isinstance(media.document, types.Document):
        mime = media.document.mime_type or ""
        if mime.startswith(("image/", "video/")):
            return TelegramMedia(f"document:{media.document.id}", mime, media.document.size)
    return None


def _peer_id(peer: Any) -> str | None:
    return None if peer is None else str(utils.get_peer_id(peer, add_mark=False))


def _forwarded(header: types.MessageFwdHeader | None) -> ForwardedFrom | None:
    if header is None:
        return None
    return ForwardedFrom(
        peer_id=_peer_id(header.from_id),
        name=header.from_name or header.post_author,
        date=header.date,
        message_id=header.channel_post,
    )


def _urls(message: types.Message) -> tuple[str, ...]:
    found: list[str] = []
    for entity, text in message.get_entities_text() if message.entities else ():
        if isinstance(entity, types.MessageEntityTextUrl):
            found.append(entity.url)
        elif isinstance(entity, types.MessageEntityUrl):
            found.append(text)
    return tuple(dict.fromkeys(found))


def distributor_of(message: types.Message, channel_id: int, username: str | None, title: str | None) -> Distributor:
    sender = getattr(message, "sender", None)
    from_user = isinstance(message.from_id, types.PeerUser)
    reply_to = message.reply_to.reply_to_msg_id if isinstance(message.reply_to, types.MessageReplyHeader) else None
    return Distributor(
        channel_id=str(channel_id), channel_username=username, channel_title=title, message_id=message.id,
        grouped_id=message.grouped_id, sender_id=_peer_id(message.from_id),
        sender_username=getattr(sender, "username", None) if from_user else None,
        sender_name=utils.get_display_name(sender) or None if from_user and sender else None,
        author_signature=message.post_author, forwarded_from=_forwarded(message.fwd_from), reply_to=reply_to,
        text=message.message or None, posted_at=message.date, edited_at=message.edit_date, views=message.views,
        forwards=message.forwards, replies=message.replies.replies if message.replies else None, urls=_urls(message),
    )  # fmt: skip


def json_safe(value: Any) -> Any:
    """``to_dict()`` output made JSON-safe: datetimes as ISO 8601, bytes as ``{"base64": …}``."""
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    return value


def raw_post_json(message: types.Message) -> bytes:
    return json.dumps(json_safe(message.to_dict()), ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
