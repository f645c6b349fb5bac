"""A notice as a printable PDF: the statutory fields in Korean (and English) as text, KST beside UTC, the
evidence references — and never an image, and nothing fetched while printing.

The text is read back with poppler's ``pdftotext`` (``scripts/ensure-chromium`` installs ``poppler-utils``
beside chromium). Where chromium or pdftotext is missing these tests are skipped with the reason, except in
CI, which sets ``REQUIRE_BROWSER_TESTS=1`` so that a missing tool fails them instead of hiding them."""

from __future__ import annotations

import asyncio
import base64
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from config.recipients import Language, RecipientsFile
from monitor.takedown.content import notice_document, notice_reference
from monitor.takedown.pdf import NoticePrintError, html_to_pdf, notice_pdf, print_html
from tests.browser import chromium, needs_chromium
from tests.monitor.takedown.test_content import CASE_AS_NAME, LABEL_AS_NAME, recipients, telegram_notice
from tests.monitor.takedown.test_routing import MEDIA, NOW

__all__ = ["recipients"]  # the fixture, imported for these tests

PDFTOTEXT = shutil.which("pdftotext")
PDFIMAGES = shutil.which("pdfimages")
needs_pdftotext = pytest.mark.skipif(
    (PDFTOTEXT is None or PDFIMAGES is None) and not os.environ.get("REQUIRE_BROWSER_TESTS"),
    reason="poppler's pdftotext and pdfimages are not installed (scripts/ensure-chromium installs poppler-utils)",
)

STATUTORY_KO = ["불법촬영물등 유통 신고·삭제요청서", "신고·삭제요청인", "기관명", "Example Monitoring Group",
                "요청인 구분", "피해자 지원기관", "위임·동의 근거", "MANDATE-1", "유형", "허위영상물", "불법성",
                "유통 위치", "플랫폼", "게시 시각", "최초 확인", "탐지 방법", "선의의 진술", "증거 참조"]  # fmt: skip


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    assert PDFTOTEXT is not None, "REQUIRE_BROWSER_TESTS is set but pdftotext (poppler-utils) is not installed"
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    return subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          text=True, timeout=60).stdout  # fmt: skip


@pytest.fixture
def korean_pdf(recipients: RecipientsFile) -> bytes:
    notice = telegram_notice(recipients)
    return notice_pdf(notice, recipients, created_at=NOW, language=Language.KO, chromium=chromium())


@needs_chromium
@needs_pdftotext
def test_the_korean_pdf_holds_the_statutory_fields_as_text(korean_pdf: bytes, recipients: RecipientsFile,
                                                          tmp_path: Path) -> None:  # fmt: skip
    assert korean_pdf.startswith(b"%PDF-")
    text = pdf_text(korean_pdf, tmp_path)
    flat = " ".join(text.split())
    for field in STATUTORY_KO:
        assert field in flat, f"{field!r} missing from the PDF text:\n{text}"
    assert "https://t.me/leaks_channel/12" in flat and "@leaks_channel" in flat and "-1001234567890" in flat
    assert "2026-11-29 21:00:00 KST" in flat and "2026-11-29T12:00:00Z" in flat  # the post time, KST beside UTC
    assert "packet-tg" in flat and MEDIA in flat.replace(" ", "")  # a long digest may wrap: compared unspaced
    assert notice_reference(telegram_notice(recipients)) in flat


@needs_chromium
@needs_pdftotext
def images_in(pdf: bytes, tmp_path: Path) -> tuple[int, int]:
    """Images in a PDF, counted twice: image objects in its bytes, and the rows of poppler's ``pdfimages -list``."""
    assert PDFIMAGES is not None, "REQUIRE_BROWSER_TESTS is set but pdfimages (poppler-utils) is not installed"
    path = tmp_path / "images.pdf"
    path.write_bytes(pdf)
    listed = subprocess.run([PDFIMAGES, "-list", str(path)], capture_output=True, text=True, check=True,
                            timeout=60).stdout.splitlines()  # fmt: skip
    return len(re.findall(rb"/Subtype\s*/Image", pdf)), len(listed[2:])  # after its header line and rule


def test_the_pdf_never_names_the_victim_and_carries_no_image(korean_pdf: bytes, tmp_path: Path) -> None:
    text = pdf_text(korean_pdf, tmp_path)
    assert LABEL_AS_NAME not in text and CASE_AS_NAME not in text and "Jiyoung" not in text
    assert images_in(korean_pdf, tmp_path) == (0, 0)


@needs_chromium
@needs_pdftotext
def test_the_image_count_sees_an_image_when_there_is_one(tmp_path: Path) -> None:
    """The check above can fail: a page with a picture in it prints to a PDF in which both counts find it."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    picture = base64.b64encode(buffer.getvalue()).decode()
    pdf = asyncio.run(html_to_pdf(f'<p>text</p><img src="data:image/png;base64,{picture}">', chromium()))
    assert images_in(pdf, tmp_path) == (1, 1)


@needs_chromium
@needs_pdftotext
def test_the_english_pdf_keeps_the_korean_category_beside_its_translation(recipients: RecipientsFile,
                                                                        tmp_path: Path) -> None:  # fmt: skip
    pdf = notice_pdf(telegram_notice(recipients), recipients, created_at=NOW, language=Language.EN, chromium=chromium())
    flat = " ".join(pdf_text(pdf, tmp_path).split())
    for field in [
        "Requester",
        "Mandate or consent reference",
        "sexually explicit deepfake (허위영상물)",
        "Why it is unlawful",
        "Good-faith statement",
        "2026-11-29 21:00:00 KST",
        "2026-11-29T12:00:00Z",
    ]:
        assert field in flat, field


@needs_chromium
def test_printing_loads_nothing_even_when_the_page_asks(tmp_path: Path) -> None:
    """A URL from a crawled place that slipped into the markup would still reach nothing: every request is
    refused, so a server that counts requests sees none."""
    import http.server
    import threading

    seen: list[str] = []

    class Counting(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    html = (f'<html><head><link rel="stylesheet" href="{base}/style.css"></head><body><p>text</p>'
            f'<img src="{base}/pixel.png"><iframe src="{base}/frame"></iframe>'
            f'<script src="{base}/script.js"></script></body></html>')  # fmt: skip
    try:
        pdf = asyncio.run(html_to_pdf(html, chromium()))
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF-") and seen == []


def test_the_print_page_escapes_what_came_from_a_crawled_place(recipients: RecipientsFile) -> None:
    document = notice_document(telegram_notice(recipients), recipients, created_at=NOW, language=Language.KO)
    document["locations"][0]["url"] = 'https://t.me/x/1"><script>alert(1)</script>'
    html = print_html(document)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "http://" not in html and "https://t.me/x/1" in html  # no link to anywhere but the text of a location


def test_without_chromium_printing_stops_with_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(NoticePrintError, match="no Chromium to print the PDF with: install Debian's chromium"):
        asyncio.run(html_to_pdf("<p>notice</p>", tmp_path / "no-such-chromium"))
