"""The report's files: a full report for the group and a public one that names nothing, each one page that
loads nothing from anywhere, with its plots inside and its figures in a CSV."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from monitor.takedown.report_files import FIGURE_COLUMNS, write_report
from monitor.takedown.report_records import RemovalOutcome, RemovalTimeline
from tests.browser import chromium, needs_chromium
from tests.monitor.takedown.test_report import AS_OF, days, timeline

ROOT = Path(__file__).resolve().parents[3]
HOSTILE = 'https://evil.example/p?q="><script>alert(1)</script><img src=https://tracker.example/x.png>'
TIMELINES = [
    timeline("https://t.me/leaks_channel/12", seen=days(40), removed_after_seen=days(3)),
    timeline("https://t.me/other_room/7", seen=days(40), outcome=RemovalOutcome.UNCHECKED),
    timeline(
        "https://jiyoung-archive.example/album/3",
        platform="jiyoung-archive.example",
        seen=days(40),
        notice_after=days(1),
        removed_after_notice=days(2),
        outcome=RemovalOutcome.PAGE_GONE,
        recipient="host-abuse",
        notices=3,
    ),  # fmt: skip
    timeline(HOSTILE, platform="evil.example", seen=days(10)),
]


def secrets_of(timelines: list[RemovalTimeline]) -> list[str]:
    """Everything the public files must not name: locations, cards, hosts, channels, message ids."""
    found = []
    for t in timelines:
        found += [t.location, t.card_id]
        if t.platform != "telegram":
            found.append(t.platform)
        found += [part for part in re.split(r"[/:?=&\"<> ]+", t.location) if len(part) > 3 and part != "https"]
    return sorted(set(found) - {"t.me"})


def public_files(out: Path) -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in sorted((out / "public").iterdir())}


class Attributes(HTMLParser):
    """Every attribute of every element, as a browser's parser sees them (text is not an attribute)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [(name, value or "") for name, value in attrs]


def external_references(html: str) -> list[str]:
    """Attributes that load or link (``src``, ``href``…) and CSS ``url()`` pointing anywhere but into the page."""
    parser = Attributes()
    parser.feed(html)
    loading = {"src", "href", "xlink:href", "action", "srcset", "poster", "data", "background", "formaction"}
    values = [value for name, value in parser.found if name in loading]
    values += [url for name, value in parser.found for url in re.findall(r"url\(\s*['\"]?([^)'\"]*)", value)]
    values += re.findall(r"url\(\s*['\"]?([^)'\"]*)", "".join(re.findall(r"<style>(.*?)</style>", html, re.S)))
    return [value for value in values if not value.startswith("#")]


def test_it_writes_the_full_and_the_public_report_with_plots_inside(tmp_path: Path) -> None:
    files = write_report(TIMELINES, tmp_path / "out", as_of=AS_OF)
    for name in ("index.html", "report.csv", "locations.csv", "public/index.html", "public/report.csv"):
        assert (files.full / name).is_file(), name
    html = (files.full / "index.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 2 and "days since first seen" in html and "page gone" in html
    assert "https://t.me/leaks_channel/12" in html  # the group's own report lists its locations


def test_the_public_variant_names_no_location_card_host_or_channel(tmp_path: Path) -> None:
    write_report(TIMELINES, tmp_path / "out", as_of=AS_OF)
    files = public_files(tmp_path / "out")
    assert {path.name for path in files} == {"index.html", "report.csv"}
    leaks = [(path.name, secret) for path, text in files.items() for secret in secrets_of(TIMELINES) if secret in text]
    assert leaks == []
    rows = list(csv.DictReader(io.StringIO(files[tmp_path / "out" / "public" / "report.csv"])))
    platforms = {row["group"]: row for row in rows if row["scope"] == "platform"}
    assert set(platforms) == {"telegram", "web sites"} and platforms["web sites"]["locations"] == "2"


def test_no_page_loads_anything_from_anywhere(tmp_path: Path) -> None:
    write_report(TIMELINES, tmp_path / "out", as_of=AS_OF)
    for page in (tmp_path / "out" / "index.html", tmp_path / "out" / "public" / "index.html"):
        html = page.read_text(encoding="utf-8")
        assert external_references(html) == [], page
        assert "<script" not in html and "default-src 'none'" in html
    public = (tmp_path / "out" / "public" / "index.html").read_text(encoding="utf-8")
    assert "http://" not in public and "https://" not in public


def test_a_hostile_location_is_text_in_the_page_and_not_a_formula_in_the_csv(tmp_path: Path) -> None:
    write_report([*TIMELINES, timeline("=HYPERLINK(1)", platform="x.example", seen=days(2))], tmp_path, as_of=AS_OF)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    cells = [row[2] for row in csv.reader(io.StringIO((tmp_path / "locations.csv").read_text(encoding="utf-8")))]
    assert "'=HYPERLINK(1)" in cells


def test_the_csv_has_one_row_per_group_with_the_figures(tmp_path: Path) -> None:
    write_report(TIMELINES, tmp_path, as_of=AS_OF)
    text = (tmp_path / "report.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == FIGURE_COLUMNS
    everything = rows[0]
    assert (everything["scope"], everything["locations"], everything["removed"]) == ("all", "4", "2")
    assert everything["since_seen_median_hours"] == "72.00"  # both removals: 3 days after first seen
    assert (everything["since_seen_online_30d"], everything["since_seen_of_30d"]) == ("1", "3")  # 10 days: too young
    assert everything["outcome: page gone"] == "1" and everything["outcome: post deleted"] == "1"
    recipient = next(row for row in rows if row["group"] == "host-abuse")
    assert (recipient["notices_sent"], recipient["since_notice_median_hours"]) == ("3", "48.00")


@needs_chromium
def test_chromium_opening_the_report_makes_no_request_but_the_file_itself(tmp_path: Path) -> None:
    write_report(TIMELINES, tmp_path, as_of=AS_OF)
    code = f"""
import asyncio, json
from playwright.async_api import async_playwright
async def main():
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path={str(chromium())!r}, args=["--no-sandbox"],
                                          proxy={{"server": "http://127.0.0.1:9"}})
        page = await browser.new_page()
        seen = []
        page.on("request", lambda request: seen.append(request.url))
        for name in ("index.html", "public/index.html"):
            await page.goto({(tmp_path.as_uri() + "/")!r} + name, wait_until="load")
        await browser.close()
        print(json.dumps(seen))
asyncio.run(main())
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f'["{tmp_path.as_uri()}/index.html", "{tmp_path.as_uri()}/public/index.html"]'
