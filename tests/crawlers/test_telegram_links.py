from __future__ import annotations

import pytest

from crawlers.telegram_links import ChannelRef, message_link, parse_channel


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("@demo_channel", ChannelRef(username="demo_channel")),
        ("demo_channel", ChannelRef(username="demo_channel")),
        ("https://t.me/demo_channel", ChannelRef(username="demo_channel")),
        ("t.me/demo_channel/123", ChannelRef(username="demo_channel")),
        ("https://t.me/s/demo_channel?before=50", ChannelRef(username="demo_channel")),
        ("https://telegram.me/demo_channel", ChannelRef(username="demo_channel")),
        ("https://t.me/c/1234567890/55", ChannelRef(channel_id=1234567890)),
        ("1234567890", ChannelRef(channel_id=1234567890)),
        ("-1001234567890", ChannelRef(channel_id=1234567890)),
    ],
)
def test_every_way_people_write_a_channel_is_understood(spec: str, expected: ChannelRef) -> None:
    assert parse_channel(spec) == expected


@pytest.mark.parametrize("spec", ["", "@ab", "https://example.org/x", "two words", "t.me/"])
def test_what_is_not_a_channel_is_refused_with_the_accepted_forms(spec: str) -> None:
    with pytest.raises(ValueError, match="use @name"):
        parse_channel(spec)


def test_links_use_the_username_when_public_and_the_c_form_otherwise() -> None:
    assert message_link("demo", 77, 5) == "https://t.me/demo/5"
    assert message_link(None, 77, 5) == "https://t.me/c/77/5"
