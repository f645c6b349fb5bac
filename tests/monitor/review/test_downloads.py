"""A download's file name reaches the Content-Disposition header safely (RFC 6266 / RFC 8187)."""

from __future__ import annotations

from monitor.review.downloads import attachment_disposition, download_headers


def test_a_plain_name_is_one_quoted_filename() -> None:
    assert attachment_disposition("jikimi-case-7-bundle.zip") == 'attachment; filename="jikimi-case-7-bundle.zip"'


def test_a_korean_name_gets_an_ascii_stand_in_and_the_real_name_percent_encoded() -> None:
    value = attachment_disposition("jikimi-사건-7-bundle.zip")
    assert value == (
        "attachment; filename=\"jikimi-__-7-bundle.zip\"; filename*=UTF-8''jikimi-%EC%82%AC%EA%B1%B4-7-bundle.zip"
    )


def test_quotes_line_breaks_and_slashes_never_reach_the_header_raw() -> None:
    value = attachment_disposition('a";\r\nX: y/../b.zip')
    assert value == "attachment; filename=\"a____X__y_.._b.zip\"; filename*=UTF-8''a%22%3B%0D%0AX%3A%20y%2F..%2Fb.zip"


def test_a_download_is_never_cached() -> None:
    assert download_headers("b.zip", "application/zip")["Cache-Control"] == "no-store"
