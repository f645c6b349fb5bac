from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawlers.tme_markup import TmeMedia, UnrecognisedMarkup, parse_tme_page, parse_views

FIXTURE = (Path(__file__).parent / "fixtures" / "tme_s_page.html").read_text()
CDN = "https://cdn4.cdn-telegram.org/file/"


def test_posts_are_read_with_their_metadata() -> None:
    page = parse_tme_page(FIXTURE, "https://t.me")
    assert [p.message_id for p in page.posts] == [120, 121, 124] and page.oldest_id == 120
    first = page.posts[0]
    assert first.channel == "synthetic_channel"
    assert first.text == "New pictures today mirror second line"
    assert first.urls == ("https://example.org/mirror",)
    assert first.posted_at == datetime(2026, 10, 30, 21, 4, 5, tzinfo=UTC)
    assert (first.views, first.author, first.edited) == (1200, "admin", False)
    assert first.media == (TmeMedia("photo", CDN + "photo-120.jpg", 120),)


def test_an_album_forwarded_and_edited_post_keeps_each_item_with_its_own_message() -> None:
    album = parse_tme_page(FIXTURE, "https://t.me").posts[1]
    assert album.forwarded_name == "Origin Channel"
    assert album.forwarded_link == "https://t.me/origin_channel/45"
    assert album.edited and album.views == 845
    assert album.media == (
        TmeMedia("photo", CDN + "album-121.jpg", 121),
        TmeMedia("photo", CDN + "album-122.jpg", 122),
        TmeMedia("video", CDN + "video-123.mp4", 123),
    )


def test_a_text_only_post_has_no_media() -> None:
    text_only = parse_tme_page(FIXTURE, "https://t.me").posts[2]
    assert text_only.media == () and text_only.views == 3_000_000


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><h1>Welcome to our new website</h1></body></html>",
        "<section class='tgme_channel_history'><div class='tgme_widget_message'>x</div></section>",
        "<section class='tgme_channel_history'><div class='tgme_widget_message_wrap'></div></section>",
    ],
    ids=["not-a-channel-page", "post-without-data-post", "wrappers-without-posts"],
)
def test_a_page_whose_structure_is_not_recognised_is_an_error_not_an_empty_success(html: str) -> None:
    with pytest.raises(UnrecognisedMarkup):
        parse_tme_page(html, "https://t.me")


def test_an_empty_channel_history_is_a_valid_page_with_no_posts() -> None:
    page = parse_tme_page("<section class='tgme_channel_history'></section>", "https://t.me")
    assert page.posts == () and page.oldest_id is None


@pytest.mark.parametrize(
    ("text", "views"), [("845", 845), ("1.2K", 1200), ("3M", 3_000_000), ("", None), ("n/a", None)]
)
def test_view_counts_are_read_as_numbers(text: str, views: int | None) -> None:
    assert parse_views(text) == views
