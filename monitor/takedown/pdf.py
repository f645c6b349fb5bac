"""A notice as a printable PDF: the same document as its e-mail text, laid out on A4 and printed by Chromium.

Some recipients take a request only on paper or as an attached file (the police, KCSC's batch requests, a
form that asks for an upload). The PDF is rendered from ``content.notice_document`` — the document the
JSON and the e-mail are made from — through ``templates/notice.print.html.j2``, so the three never disagree.

Printing uses the Chromium the evidence screenshots already use (``evidence.rendering.find_chromium``,
Debian's ``chromium`` driven by Playwright, which never downloads a browser). The page is ours, but its
text holds URLs and usernames taken from crawled places, so it is printed with nothing able to leave:

- the HTML is set as the page's content (no URL is loaded) with scripts off and a Content-Security-Policy
  of ``default-src 'none'``;
- every request the page might still make is aborted (``context.route``), and the browser's own traffic
  goes to a proxy on the discard port (as ``evidence/rendering.py`` does), so nothing reaches any network;
- fonts are local only (``fonts-noto-cjk`` for Korean, DejaVu for Latin): the page names font families,
  never a font file or URL.

The PDF holds text only, never an image: a notice never carries the picture (``content.py``).
"""

from __future__ import annotations

import asyncio
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from config.errors import JikimiError
from config.recipients import Language, RecipientsFile
from evidence.rendering import find_chromium
from monitor.takedown import wording
from monitor.takedown.content import notice_document
from monitor.takedown.records import PlannedNotice

PRINT_TEMPLATE = "notice.print.html.j2"
NOWHERE = "http://127.0.0.1:9"
"""The browser's own proxy: the discard port, where nothing listens, so nothing is reached."""
_FLAGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--no-first-run", "--disable-default-apps", "--mute-audio"]  # fmt: skip
_HTML = jinja2.Environment(
    loader=jinja2.PackageLoader("monitor.takedown", "templates"), autoescape=True, undefined=jinja2.StrictUndefined,
    trim_blocks=True, lstrip_blocks=True,
)  # fmt: skip

LABELS = {
    Language.KO: {
        "to": "{} 귀중", "title": "불법촬영물등 유통 신고·삭제요청서", "reference": "참조", "written": "작성",
        "urgent": "※ 긴급: 아동·청소년이 등장하는 것으로 의심되는 자료입니다.", "requester": "신고·삭제요청인",
        "organisation": "기관명", "contact": "연락처", "capacity": "요청인 구분", "mandate": "위임·동의 근거",
        "category": "유형", "unlawful": "불법성", "locations": "유통 위치", "platform": "플랫폼",
        "posted": "게시 시각", "first_seen": "최초 확인", "unknown": "확인되지 않음", "media_file": "파일 주소",
        "evidence": "증거 참조", "packet": "패킷", "none": "없음", "detection": "탐지 방법",
        "good_faith": "선의의 진술",
    },
    Language.EN: {
        "to": "To {}", "title": "Request to remove illegally distributed intimate images "
        "(Korea: 불법촬영물등 유통 신고·삭제요청서)", "reference": "ref", "written": "written",
        "urgent": "URGENT: the material is suspected to show a child or adolescent.", "requester": "Requester",
        "organisation": "Organisation", "contact": "Contact", "capacity": "Capacity",
        "mandate": "Mandate or consent reference", "category": "Category", "unlawful": "Why it is unlawful",
        "locations": "Locations", "platform": "platform", "posted": "posted", "first_seen": "first seen",
        "unknown": "not known", "media_file": "media file", "evidence": "evidence", "packet": "packet",
        "none": "none", "detection": "How it was found", "good_faith": "Good-faith statement",
    },
}  # fmt: skip
"""The print layout's headings, in the e-mail's words (``templates/body.*.j2``)."""


class NoticePrintError(JikimiError):
    """The notice could not be printed: no Chromium, or Chromium failed. The message says which and what to do
    (a ``JikimiError``: the command line prints it and exits 1, and the notice itself is untouched)."""


def print_html(document: dict[str, Any]) -> str:
    """The notice document (``content.notice_document``) as an HTML page made for A4 print, escaped."""
    language = Language(document["language"])
    values = {"notice": document, "labels": LABELS[language], "identifiers": wording.IDENTIFIER[language]}
    return _HTML.get_template(PRINT_TEMPLATE).render(values)


async def html_to_pdf(html: str, chromium: Path | None = None, timeout: float = 30.0) -> bytes:
    """Print ``html`` to an A4 PDF in headless Chromium, every request refused (see the module docstring)."""
    executable = find_chromium(chromium)
    if executable is None:
        raise NoticePrintError("no Chromium to print the PDF with: install Debian's chromium (scripts/ensure-chromium)")
    from playwright.async_api import async_playwright

    flags = [*_FLAGS, *(["--no-sandbox"] if os.geteuid() == 0 else [])]
    async with async_playwright() as playwright:
        try:
            browser = await playwright.chromium.launch(
                executable_path=str(executable), args=flags, headless=True, proxy={"server": NOWHERE}
            )
        except Exception as exc:
            raise NoticePrintError(f"Chromium at {executable} did not start: {_first_line(exc)}") from None
        try:
            context = await browser.new_context(java_script_enabled=False, service_workers="block", offline=True)
            await context.route("**/*", lambda route: route.abort("blockedbyclient"))
            page = await context.new_page()
            await page.set_content(html, wait_until="load", timeout=timeout * 1000)
            pdf: bytes = await page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        except Exception as exc:
            raise NoticePrintError(f"Chromium could not print the notice: {_first_line(exc)}") from None
        finally:
            await browser.close()
    return pdf


async def render_pdf(
    notice: PlannedNotice, recipients: RecipientsFile, *, created_at: datetime, language: Language | None = None,
    chromium: Path | None = None,
) -> bytes:  # fmt: skip
    """The notice as a PDF in ``language`` (default: the recipient's), from the same document as its e-mail."""
    document = notice_document(notice, recipients, created_at=created_at, language=language)
    return await html_to_pdf(print_html(document), chromium)


def notice_pdf(
    notice: PlannedNotice, recipients: RecipientsFile, *, created_at: datetime, language: Language | None = None,
    chromium: Path | None = None,
) -> bytes:  # fmt: skip
    """``render_pdf`` for a command outside any event loop (``jikimi notices show --pdf``)."""
    return asyncio.run(render_pdf(notice, recipients, created_at=created_at, language=language, chromium=chromium))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
