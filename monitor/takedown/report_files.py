"""Write the accountability report to a directory: the full one for the group, and a public one to publish.

``write_report`` writes::

    DIR/index.html          figures, plots (inline SVG) and every location with its outcome
    DIR/report.csv          the figures: one row per group (all, each platform, each recipient)
    DIR/locations.csv       one row per location (its timeline)
    DIR/public/index.html   counts only (``report.build_report(public=True)``): no location, card or channel
    DIR/public/report.csv

Each page is one self-contained file: styles inline, plots as inline SVG, no script, and a
Content-Security-Policy of ``default-src 'none'`` so that even a link that slipped in would load nothing.
Cells that came from crawled places are escaped (HTML) or kept from running as formulas (CSV).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from config.untrusted_text import spreadsheet_cell, visible
from evidence.canonical_json import utc_z
from monitor.takedown.report import WINDOWS, AccountabilityReport, Clock, Figures, build_report
from monitor.takedown.report_plots import online_curves_svg, outcomes_svg
from monitor.takedown.report_records import RemovalOutcome, RemovalTimeline

_HTML = jinja2.Environment(
    loader=jinja2.PackageLoader("monitor.takedown", "templates"), autoescape=True, undefined=jinja2.StrictUndefined,
    trim_blocks=True, lstrip_blocks=True,
)  # fmt: skip
LOCATION_COLUMNS = ["platform", "recipient", "location", "card_id", "first_seen", "first_notice_at", "notices_sent",
                    "removed_at", "outcome"]  # fmt: skip


@dataclass(frozen=True, slots=True)
class ReportFiles:
    """Where the report was written."""

    full: Path
    public: Path


def _clock_columns(prefix: str) -> list[str]:
    windows = [f"{prefix}_{name}_{days}d" for days in WINDOWS for name in ("online", "of", "share")]
    return [f"{prefix}_removals_timed", f"{prefix}_median_hours", f"{prefix}_p90_hours", *windows]


FIGURE_COLUMNS = ["scope", "group", "locations", "notified", "notices_sent", "removed",
                  *_clock_columns("since_notice"), *_clock_columns("since_seen"),
                  *[f"outcome: {outcome.value}" for outcome in RemovalOutcome]]  # fmt: skip


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _clock_cells(clock: Clock) -> list[str]:
    cells = [str(clock.timed), _number(clock.median_hours), _number(clock.p90_hours)]
    for days in WINDOWS:
        share = clock.online_after[days]
        cells += [str(share.still_online), str(share.of), _number(share.ratio)]
    return cells


def scoped_figures(report: AccountabilityReport) -> list[tuple[str, Figures]]:
    """Every row of the report with its scope: ``all``, then each platform, then each recipient."""
    return [("all", report.overall), *(("platform", row) for row in report.by_platform),
            *(("recipient", row) for row in report.by_recipient)]  # fmt: skip


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_cell(visible(cell)) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def figures_csv(report: AccountabilityReport) -> bytes:
    rows = []
    for scope, row in scoped_figures(report):
        counts = [str(row.locations), str(row.notified), str(row.notices_sent), str(row.removed)]
        outcomes = [str(row.outcomes[outcome]) for outcome in RemovalOutcome]
        rows.append([scope, row.group, *counts, *_clock_cells(row.since_notice), *_clock_cells(row.since_seen),
                     *outcomes])  # fmt: skip
    return _csv(FIGURE_COLUMNS, rows)


def locations_csv(timelines: Iterable[RemovalTimeline]) -> bytes:
    def when(value: datetime | None) -> str:
        return utc_z(value) or ""

    return _csv(LOCATION_COLUMNS, ([
        t.platform, t.recipient, t.location, t.card_id, when(t.first_seen), when(t.first_notice_at),
        str(t.notices_sent), when(t.removed_at), t.outcome.value,
    ] for t in timelines))  # fmt: skip


def report_html(report: AccountabilityReport) -> str:
    """The report as one self-contained HTML page (module docstring)."""
    values = {
        "report": report, "as_of": utc_z(report.as_of), "windows": WINDOWS, "outcomes": list(RemovalOutcome),
        "online_svg": Markup(online_curves_svg(report)),
        "outcomes_svg": Markup(outcomes_svg(report)),
        "visible": visible, "utc_z": utc_z,
    }  # fmt: skip
    return _HTML.get_template("report.html.j2").render(values)


def write_report(timelines: Sequence[RemovalTimeline], out: Path, *, as_of: datetime | None = None) -> ReportFiles:
    """Write the full report to ``out`` and the public one to ``out/public`` (created, files replaced)."""
    as_of = as_of or datetime.now(UTC)
    full = build_report(timelines, as_of=as_of)
    public = build_report(timelines, as_of=as_of, public=True)
    public_dir = out / "public"
    public_dir.mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text(report_html(full), encoding="utf-8")
    (out / "report.csv").write_bytes(figures_csv(full))
    (out / "locations.csv").write_bytes(locations_csv(full.timelines))
    (public_dir / "index.html").write_text(report_html(public), encoding="utf-8")
    (public_dir / "report.csv").write_bytes(figures_csv(public))
    return ReportFiles(out, public_dir)
