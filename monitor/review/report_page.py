"""The takedown accountability report in the review UI: what ``jikimi report --out DIR`` writes, on a page.

The figures are the report module's own: timelines from ``takedown.report_gathering.removal_timelines`` (with
the outbox's history, ``report_outbox.OutboxHistory``), figures from ``takedown.report.build_report``, plots
from ``takedown.report_plots`` and the files from ``takedown.report_files`` — nothing is counted here.

Why a review-UI page, not the report's own HTML? That document is made to be opened from disk or published:
its styles are inline, and so are the plots' (matplotlib's SVG styles every shape with a ``style`` attribute).
The UI's Content-Security-Policy allows no inline style, and loosening it for one page would loosen it on a
page that shows text from crawled places. So the page lays the figures out in the UI's own (translated)
template, the plots are same-origin SVG images (an image runs no script, loads nothing, and its styles stay
inside it), and the report's files — ``index.html`` and ``report.csv`` of the full and the public variant,
``locations.csv`` — are downloads, byte for byte what the command writes (made as of the download).

The public variant (``?variant=public``) is counts only, as the report module makes it: no location, card or
channel, web hosts pooled. The full one, with every location, is for the ``export`` role.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from aiohttp import web

from monitor.review.downloads import download_headers
from monitor.review.pages import ReviewApp, not_found, render_page, review_app
from monitor.review.permissions import requires
from monitor.takedown.report import ALL, NO_NOTICE, WEB_SITES, WINDOWS, AccountabilityReport, build_report
from monitor.takedown.report_files import figures_csv, locations_csv, report_html
from monitor.takedown.report_gathering import removal_timelines
from monitor.takedown.report_outbox import OutboxHistory
from monitor.takedown.report_plots import online_curves_svg, outcomes_svg
from monitor.takedown.report_records import RemovalOutcome

routes = web.RouteTableDef()
T = TypeVar("T")
VARIANTS = ("full", "public")
VARIANT = r"{variant:full|public}"
PLOTS: dict[str, Callable[[AccountabilityReport], str]] = {"online": online_curves_svg, "outcomes": outcomes_svg}
PLOTTING = web.AppKey("report_plotting", asyncio.Lock)
"""matplotlib's pyplot keeps global state: one plot drawn at a time, in a worker thread (set by ``install``)."""
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
"""A plot's own policy, for a plot opened on its own as a document: its inline styles, and nothing else (no
script, nothing loaded). Shown as an ``<img>``, a browser runs no script and loads nothing from it anyway."""
GROUPS = {"all": ALL, "no_notice": NO_NOTICE, "web_sites": WEB_SITES}
"""The report's own group names, which the page shows in the reader's language."""
SVG_NAMESPACES = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def install(app: web.Application) -> None:
    app[PLOTTING] = asyncio.Lock()


def variant_of(request: web.Request) -> str:
    variant = request.match_info.get("variant") or request.query.get("variant", "full")
    return variant if variant in VARIANTS else "full"


async def current_report(app: ReviewApp, public: bool) -> AccountabilityReport:
    """The report as of now, read from the store; figures in a thread (they sort every timeline)."""
    store = app.context.store
    timelines = await removal_timelines(store, OutboxHistory(store))
    return await asyncio.to_thread(build_report, timelines, as_of=datetime.now(UTC), public=public)


async def drawn(request: web.Request, draw: Callable[[AccountabilityReport], T], public: bool) -> T:
    """``draw`` (a plot, or the HTML that holds both) off the event loop, one at a time."""
    report = await current_report(review_app(request), public)
    async with request.app[PLOTTING]:
        return await asyncio.to_thread(draw, report)


@routes.get("/report")
@requires("export")
async def report_page(request: web.Request) -> web.Response:
    """The figures per platform and per recipient, the plots, and the report's files to download."""
    variant = variant_of(request)
    report = await current_report(review_app(request), variant == "public")
    return await render_page(request, "report_page.html.j2", {
        "report": report, "variant": variant, "windows": WINDOWS, "outcomes": list(RemovalOutcome), "groups": GROUPS,
    })  # fmt: skip


def standalone_svg(svg: str) -> str:
    """A report plot as a file of its own: the namespaces ``report_plots.inline_svg`` leaves to an HTML parser."""
    return svg.replace("<svg ", f"<svg {SVG_NAMESPACES} ", 1)


@routes.get(rf"/report/plots/{VARIANT}/{{plot:online|outcomes}}.svg")
@requires("export")
async def plot(request: web.Request) -> web.Response:
    svg = await drawn(request, PLOTS[request.match_info["plot"]], variant_of(request) == "public")
    headers = {"Content-Security-Policy": SVG_POLICY, "Cache-Control": "no-store"}
    return web.Response(text=standalone_svg(svg), content_type="image/svg+xml", headers=headers)


@routes.get(rf"/report/{VARIANT}/{{name:index.html|report.csv|locations.csv}}")
@requires("export")
async def report_file(request: web.Request) -> web.Response:
    """One of the files ``jikimi report --out DIR`` writes (``DIR/…`` full, ``DIR/public/…`` public), as a download."""
    variant, name = variant_of(request), request.match_info["name"]
    public = variant == "public"
    if name == "locations.csv" and public:  # the public variant has no locations: there is no such file
        raise await not_found(request)
    if name == "index.html":
        body = (await drawn(request, report_html, public)).encode("utf-8")
        kind = "text/html; charset=utf-8"
    else:
        report = await current_report(review_app(request), public)
        body = figures_csv(report) if name == "report.csv" else locations_csv(report.timelines)
        kind = "text/csv; charset=utf-8"
    filename = f"{'public-' if public else ''}{name}"
    return web.Response(body=body, headers=download_headers(filename, kind))
