"""The report's plots as inline SVG: share still online by days since first seen, and outcomes per platform.

matplotlib, imported when a plot is drawn (never by ``jikimi --help``), on the Agg backend (no display).
The SVG is made to sit inside the report's HTML and load nothing: text stays text (``svg.fonttype: none``,
drawn by the reader's local fonts, and searchable, so a test can see every word a plot shows), and the XML
prologue, the DOCTYPE with its URL, the metadata block, comments and namespace declarations are removed —
an HTML parser gives inline ``<svg>`` its namespace by itself. ``svg.hashsalt`` makes the ids, and so the
file, the same on every run.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from config.untrusted_text import visible
from monitor.takedown.report import AccountabilityReport
from monitor.takedown.report_records import RemovalOutcome

COLOURS = {
    RemovalOutcome.POST_DELETED: "#1b7837", RemovalOutcome.CHANNEL_GONE: "#5aae61",
    RemovalOutcome.PAGE_GONE: "#a6dba0", RemovalOutcome.MEDIA_REPLACED: "#c2a5cf",
    RemovalOutcome.GONE_UNKNOWN: "#bbbbbb", RemovalOutcome.ONLINE: "#b2182b", RemovalOutcome.UNCHECKED: "#f4a582",
}  # fmt: skip
_RC: Any = {"svg.fonttype": "none", "svg.hashsalt": "jikimi-report", "font.size": 9, "axes.spines.top": False,
       "axes.spines.right": False, "text.parse_math": False}  # fmt: skip
_STRIP = [
    re.compile(r"\A.*?(?=<svg\b)", re.S),  # prologue and DOCTYPE
    re.compile(r"<metadata>.*?</metadata>\s*", re.S),
    re.compile(r"<!--.*?-->\s*", re.S),
    re.compile(r'\s+xmlns(:\w+)?="[^"]*"'),
]


@contextmanager
def _figure(size: tuple[float, float]) -> Iterator[tuple[Any, Any]]:
    """A figure and its axes under the report's style, on the Agg backend, closed afterwards."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    with matplotlib.rc_context(_RC):
        figure, axes = pyplot.subplots(figsize=size)
        try:
            yield figure, axes
        finally:
            pyplot.close(figure)


def inline_svg(figure: Any) -> str:
    """``figure`` as an ``<svg>`` element that names no URL (see the module docstring)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    for pattern in _STRIP:
        svg = pattern.sub("", svg)
    return svg.strip()


def online_curves_svg(report: AccountabilityReport) -> str:
    """Per platform, the share still online on each day since first seen (days no location reached are left out)."""
    with _figure((7, 3.2)) as (figure, axes):
        for platform, curve in report.online_curves.items():
            days = [day for day, share in enumerate(curve) if share.ratio is not None]
            shares = [100 * share.ratio for share in curve if share.ratio is not None]
            axes.step(days, shares, where="post", label=visible(platform))
        axes.set_xlabel("days since first seen")
        axes.set_ylabel("% still online")
        axes.set_ylim(0, 105)
        if report.online_curves:
            axes.legend(loc="lower left", frameon=False)
        return inline_svg(figure)


def outcomes_svg(report: AccountabilityReport) -> str:
    """Per platform, its locations by outcome: one stacked bar each, removals on the left."""
    rows = list(reversed(report.by_platform))
    with _figure((7, 0.5 + 0.45 * max(1, len(rows)))) as (figure, axes):
        left = [0] * len(rows)
        names = [visible(row.group) for row in rows]
        for outcome in RemovalOutcome:
            counts = [row.outcomes[outcome] for row in rows]
            if any(counts):
                axes.barh(names, counts, left=left, color=COLOURS[outcome], label=outcome.value)
                left = [a + b for a, b in zip(left, counts, strict=True)]
        axes.set_xlabel("locations")
        if rows:
            axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=3, frameon=False)
        return inline_svg(figure)
