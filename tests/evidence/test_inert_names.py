"""File names in packets and bundles: media named by their bytes, nothing a browser would run."""

from __future__ import annotations

import pytest

from evidence.inert_names import bundle_name, sniffed_extension


@pytest.mark.parametrize(
    ("head", "extension"),
    [(b"\xff\xd8\xff\xe0\x00\x10JFIF", ".jpg"), (b"\x89PNG\r\n\x1a\n\x00", ".png"), (b"GIF89a\x01\x00", ".gif"),
     (b"RIFF\x10\x00\x00\x00WEBPVP8 ", ".webp"), (b"\x00\x00\x00\x18ftypisom\x00\x00", ".mp4"),
     (b"\x00\x00\x00\x14ftypqt  ", ".mov"), (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm", ".webm"),
     (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01matroska", ".mkv"), (b"<svg onload=alert(1)>", ".bin"),
     (b"<!doctype html><script>", ".bin"), (b"", ".bin")],
)  # fmt: skip
def test_media_get_the_extension_of_what_their_bytes_are(head: bytes, extension: str) -> None:
    assert sniffed_extension(head) == extension


@pytest.mark.parametrize(
    ("name", "in_bundle"),
    [("page.html", "page.html.txt"), ("media/ab.HTML", "media/ab.HTML.txt"), ("media/ab.svg", "media/ab.svg.txt"),
     ("page.html.txt", "page.html.txt"), ("post.html", "post.html"), ("media/ab.jpg", "media/ab.jpg"),
     ("capture.png", "capture.png"), ("page.warc.gz", "page.warc.gz"), ("metadata.json", "metadata.json")],
)  # fmt: skip
def test_a_packet_file_a_browser_would_run_is_shipped_as_text(name: str, in_bundle: str) -> None:
    assert bundle_name(name) == in_bundle
