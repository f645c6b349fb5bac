"""The accountability report's figures, from removal timelines: per platform and per recipient, how much was
removed, how fast, and how much is still online after 7 and 30 days.

A pure function of ``RemovalTimeline`` records (``report_records.py``), so every figure is stated on
hand-made timelines in ``tests/monitor/takedown/test_report.py``. Definitions, which the report prints:

- **time to removal**: from the clock's start to ``removed_at`` (the re-check that first found it gone), in
  hours. Two clocks: *since first notice* (what a provider did once asked; only locations a notice named,
  and not one found gone before its first notice) and *since first seen* (every location: the figure that
  works before any notice is sent).
- **median**: ``statistics.median`` (the mean of the middle two for an even count); **p90**: the nearest-rank
  90th percentile — the smallest observed time that at least 90% of the removals took no longer than, an
  actual removal's time, never an interpolation.
- **still online after N days**: of the locations whose clock started at least N days before the report's
  ``as_of`` (younger ones cannot tell yet), those not found gone within N days of its start. This is the
  group's own "never deleted" figure.

The public variant (``public=True``) is counts only: it names no location, card or channel, and pools every
web host into one "web sites" group (a host name is where the material is; naming it would point to it).
Telegram stays by name, and recipients by their id in ``recipients.yaml``: who was asked is the point.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.takedown.report_records import RemovalOutcome, RemovalTimeline

WINDOWS = (7, 30)
"""The "still online after N days" figures, in days."""
ALL = "all"
NO_NOTICE = "(no notice sent)"
WEB_SITES = "web sites"
PUBLIC_PLATFORMS = ("telegram",)
"""Platforms the public variant names; every other platform is a web host, pooled as ``WEB_SITES``."""

Start = Callable[[RemovalTimeline], datetime | None]


@dataclass(frozen=True, slots=True)
class Share:
    """``still_online`` of ``of`` locations; ``ratio`` is ``None`` when there were none to count."""

    still_online: int
    of: int

    @property
    def ratio(self) -> float | None:
        return self.still_online / self.of if self.of else None


@dataclass(frozen=True, slots=True)
class Clock:
    """Removal times measured from one start (first notice, or first seen)."""

    timed: int  # removals with a time on this clock
    median_hours: float | None
    p90_hours: float | None
    online_after: Mapping[int, Share]  # days (``WINDOWS``) → share still online


@dataclass(frozen=True, slots=True)
class Figures:
    """One row of the report: a platform, a recipient, or ``all``."""

    group: str
    locations: int
    notified: int  # locations at least one notice named
    notices_sent: int
    removed: int
    since_notice: Clock
    since_seen: Clock
    outcomes: Mapping[RemovalOutcome, int]  # every outcome, zeros included


@dataclass(frozen=True, slots=True)
class AccountabilityReport:
    """The figures as of ``as_of``; ``timelines`` and per-location detail only in the full (non-public) one."""

    as_of: datetime
    public: bool
    overall: Figures
    by_platform: tuple[Figures, ...]
    by_recipient: tuple[Figures, ...]
    online_curves: Mapping[str, tuple[Share, ...]]  # platform → share still online on day 0, 1, … since first seen
    timelines: tuple[RemovalTimeline, ...] = ()


def first_notice(timeline: RemovalTimeline) -> datetime | None:
    return timeline.first_notice_at


def first_seen(timeline: RemovalTimeline) -> datetime | None:
    return timeline.first_seen


def nearest_rank(values: Sequence[float], percent: float) -> float | None:
    """The nearest-rank percentile: the smallest value at least ``percent``% of ``values`` do not exceed."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1]


def _hours(timeline: RemovalTimeline, start: Start) -> float | None:
    begun = start(timeline)
    if begun is None or timeline.removed_at is None or timeline.removed_at < begun:
        return None
    return (timeline.removed_at - begun).total_seconds() / 3600


def share_online(timelines: Iterable[RemovalTimeline], start: Start, days: float, as_of: datetime) -> Share:
    """Of the locations whose clock started ``days`` or more before ``as_of``, how many were online ``days`` in."""
    window = timedelta(days=days)
    counted = online = 0
    for timeline in timelines:
        begun = start(timeline)
        if begun is None or begun + window > as_of:
            continue
        if timeline.removed_at is not None and timeline.removed_at < begun:
            continue  # gone before the clock started: not this clock's to count
        counted += 1
        online += timeline.removed_at is None or timeline.removed_at > begun + window
    return Share(online, counted)


def clock(timelines: Sequence[RemovalTimeline], start: Start, as_of: datetime) -> Clock:
    hours = [h for h in (_hours(timeline, start) for timeline in timelines) if h is not None]
    return Clock(
        timed=len(hours),
        median_hours=statistics.median(hours) if hours else None,
        p90_hours=nearest_rank(hours, 90),
        online_after={days: share_online(timelines, start, days, as_of) for days in WINDOWS},
    )


def figures(group: str, timelines: Sequence[RemovalTimeline], as_of: datetime) -> Figures:
    outcomes = dict.fromkeys(RemovalOutcome, 0)
    for timeline in timelines:
        outcomes[timeline.outcome] += 1
    return Figures(
        group=group,
        locations=len(timelines),
        notified=sum(1 for timeline in timelines if timeline.first_notice_at is not None),
        notices_sent=sum(timeline.notices_sent for timeline in timelines),
        removed=sum(1 for timeline in timelines if timeline.outcome.removed),
        since_notice=clock(timelines, first_notice, as_of),
        since_seen=clock(timelines, first_seen, as_of),
        outcomes=outcomes,
    )


def online_curve(timelines: Sequence[RemovalTimeline], as_of: datetime, days: int) -> tuple[Share, ...]:
    """Share still online on each day 0 … ``days`` since first seen (each day counts the locations old enough)."""
    return tuple(share_online(timelines, first_seen, day, as_of) for day in range(days + 1))


def public_platform(platform: str) -> str:
    return platform if platform in PUBLIC_PLATFORMS else WEB_SITES


def _grouped(
    timelines: Sequence[RemovalTimeline], key: Callable[[RemovalTimeline], str]
) -> dict[str, list[RemovalTimeline]]:
    groups: dict[str, list[RemovalTimeline]] = {}
    for timeline in timelines:
        groups.setdefault(key(timeline), []).append(timeline)
    return dict(sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])))


def build_report(
    timelines: Iterable[RemovalTimeline], *, as_of: datetime, public: bool = False, curve_days: int = 30
) -> AccountabilityReport:
    """The report of ``timelines`` as of ``as_of`` (tz-aware); ``public``: counts only (module docstring)."""
    every = list(timelines)
    platform = public_platform if public else str
    by_platform = _grouped(every, lambda timeline: platform(timeline.platform))
    by_recipient = _grouped(every, lambda timeline: timeline.recipient or NO_NOTICE)
    return AccountabilityReport(
        as_of=as_of,
        public=public,
        overall=figures(ALL, every, as_of),
        by_platform=tuple(figures(name, group, as_of) for name, group in by_platform.items()),
        by_recipient=tuple(figures(name, group, as_of) for name, group in by_recipient.items()),
        online_curves={name: online_curve(group, as_of, curve_days) for name, group in by_platform.items()},
        timelines=() if public else tuple(sorted(every, key=lambda timeline: (timeline.first_seen, timeline.location))),
    )
