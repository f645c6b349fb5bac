"""Names under which a packet's files are safe to open: nothing a hostile site sent can run when clicked.

Why names, not rewritten bytes? The packet keeps what was received, byte for byte, under its signed
manifest: a court checks those bytes, so they cannot be cleaned. But a file called ``page.html`` opened
from an unzipped bundle *is* the hostile page, live: its scripts, images and beacons call the site and tell
its operator the investigator's address. So:

- the page as received is stored as ``page.html.txt`` (``RECEIVED_PAGE_NAME``): any browser or file
  manager shows it as text. People look at ``capture.png`` (the page as rendered, stamped) and read the
  HTTP exchange in ``page.warc.gz``; neither runs anything.
- media get the extension of what their bytes are (``sniffed_extension``: JPEG, PNG, GIF, WebP, MP4,
  WebM…), never one taken from a hostile ``Content-Type`` or URL: a polyglot served as ``text/html`` is
  stored as ``media/<sha256>.bin``, not ``.html``.
- packets written before this rule still hold ``page.html`` (and perhaps ``media/<sha>.html``): an export
  ships such a file as ``<name>.txt`` (``bundle_name``). The packet's manifest keeps the name it was signed
  with; verification reads the file under ``bundle_name(name)``.

A sandboxed "view copy" of the page (CSP ``default-src 'none'`` in a sandboxed frame) was considered and
left out: it would be a second, derived rendering of hostile markup whose safety depends on browser
details, while the screenshot already shows the page to people.
"""

from __future__ import annotations

from pathlib import PurePosixPath

RECEIVED_PAGE_NAME = "page.html.txt"
OUR_RENDERINGS = frozenset({"post.html"})  # rendered by jikimi from data, escaped: safe to open as HTML
ACTIVE_SUFFIXES = frozenset({
    ".htm", ".html", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml", ".svg", ".svgz", ".xml", ".xsl", ".js",
    ".mjs", ".hta", ".pdf", ".swf", ".url", ".webloc", ".desktop", ".lnk",
})  # fmt: skip
INERT_SUFFIX = ".txt"

_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xff\xd8\xff", ".jpg"),
    (0, b"\x89PNG\r\n\x1a\n", ".png"),
    (0, b"GIF87a", ".gif"),
    (0, b"GIF89a", ".gif"),
    (0, b"BM", ".bmp"),
    (0, b"II*\x00", ".tif"),
    (0, b"MM\x00*", ".tif"),
)
_FTYP_BRANDS = {b"qt  ": ".mov", b"heic": ".heic", b"heix": ".heic", b"mif1": ".heic", b"avif": ".avif",
                b"3gp4": ".3gp", b"3gp5": ".3gp", b"3g2a": ".3g2", b"M4V ": ".m4v"}  # fmt: skip
SNIFF_BYTES = 64


def sniffed_extension(head: bytes) -> str:
    """The extension of the media whose first bytes are ``head`` (``SNIFF_BYTES`` are enough); ``.bin`` when
    the bytes are none of the picture and video formats we know."""
    for offset, magic, extension in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return extension
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"AVI "):
        return ".webp" if head[8:12] == b"WEBP" else ".avi"
    if head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12], ".mp4")
    if head[:4] == b"\x1a\x45\xdf\xa3":  # EBML: Matroska, or WebM when its doctype says so
        return ".webm" if b"webm" in head else ".mkv"
    return ".bin"


def bundle_name(name: str) -> str:
    """The name a packet file gets in a bundle: itself, or with ``.txt`` added when a browser or desktop would
    run it (an old packet's ``page.html``, a media file once named ``.html`` or ``.svg``)."""
    if name in OUR_RENDERINGS or PurePosixPath(name).suffix.lower() not in ACTIVE_SUFFIXES:
        return name
    return name + INERT_SUFFIX
