"""Channel references as people write them, and the canonical links of posts.

A watchlist ``channel:`` may be ``@name``, ``name``, ``https://t.me/name``, ``t.me/name/123``,
``t.me/s/name``, ``https://t.me/c/1234567890/5`` or a numeric id (``1234567890`` or the Bot API form
``-1001234567890``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
_LINK = re.compile(r"^(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me)/(?:s/)?(?P<rest>[^?#]+)")


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A channel named by username or by numeric id (exactly one is set)."""

    username: str | None = None
    channel_id: int | None = None

    def __str__(self) -> str:
        return f"@{self.username}" if self.username else f"channel {self.channel_id}"


def parse_channel(spec: str) -> ChannelRef:
    """The channel ``spec`` names; ``ValueError`` saying what is accepted otherwise."""
    text = spec.strip()
    match = _LINK.match(text)
    if match:
        parts = [part for part in match.group("rest").split("/") if part]
        if len(parts) >= 2 and parts[0] == "c" and parts[1].isdigit():
            return ChannelRef(channel_id=int(parts[1]))
        text = parts[0] if parts else ""
    text = text.removeprefix("@")
    if re.fullmatch(r"-?\d+", text):
        number = int(text)
        return ChannelRef(channel_id=-number - 1_000_000_000_000 if number < -1_000_000_000_000 else abs(number))
    if _USERNAME.match(text):
        return ChannelRef(username=text)
    raise ValueError(f"{spec!r} is not a channel: use @name, https://t.me/name, t.me/name/123 or a numeric channel id")


def message_link(username: str | None, channel_id: int, message_id: int) -> str:
    """``https://t.me/<username>/<id>`` for public channels, ``https://t.me/c/<channel id>/<id>`` otherwise."""
    if username:
        return f"https://t.me/{username}/{message_id}"
    return f"https://t.me/c/{channel_id}/{message_id}"
