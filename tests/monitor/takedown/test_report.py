"""The accountability report's figures as specifications, on hand-made timelines: removals, median and p90
time to removal, the share still online after 7 and 30 days, and outcomes kept apart per platform and recipient."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from evidence.custody import CustodyEvent, CustodyKind
from monitor.takedown.report import NO_NOTICE, WEB_SITES, Share, build_report, nearest_rank
from monitor.takedown.report_gathering import outcome_of
from monitor.takedown.report_records import RemovalOutcome, RemovalTimeline

AS_OF = datetime(2026, 12, 2, 12, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[3]
Outcome = RemovalOutcome


def timeline(
    location: str, *, platform: str = "telegram", seen: timedelta, notice_after: timedelta | None = None,
    removed_after_notice: timedelta | None = None, removed_after_seen: timedelta | None = None,
    outcome: RemovalOutcome | None = None, recipient: str = "", notices: int = 0,
) -> RemovalTimeline:  # fmt: skip
    """A location first seen ``seen`` before the report, noticed ``notice_after`` later, removed after that."""
    first_seen = AS_OF - seen
    noticed = first_seen + notice_after if notice_after is not None else None
    removed = None
    if removed_after_notice is not None:
        assert noticed is not None
        removed = noticed + removed_after_notice
    elif removed_after_seen is not None:
        removed = first_seen + removed_after_seen
    return RemovalTimeline(
        platform=platform, recipient=recipient, location=location, card_id=f"card-{location}", first_seen=first_seen,
        first_notice_at=noticed, notices_sent=notices or (1 if noticed else 0), removed_at=removed,
        outcome=outcome or (Outcome.POST_DELETED if removed else Outcome.ONLINE),
    )  # fmt: skip


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


def days(value: float) -> timedelta:
    return timedelta(days=value)


def test_median_and_p90_from_first_notice_to_removal() -> None:
    removals = [1, 2, 3, 4, 100]  # hours after the first notice
    timelines = [timeline(f"https://t.me/c/{n}", seen=days(60), notice_after=hours(5), removed_after_notice=hours(n))
                 for n in removals]  # fmt: skip
    clock = build_report(timelines, as_of=AS_OF).overall.since_notice
    assert (clock.timed, clock.median_hours, clock.p90_hours) == (5, 3, 100)  # p90: nearest rank 5 of 5
    seen = build_report(timelines, as_of=AS_OF).overall.since_seen  # the same removals, 5 hours later each
    assert (seen.median_hours, seen.p90_hours) == (8, 105)


def test_an_even_count_has_the_mean_of_the_middle_two_as_median_and_p90_is_an_observed_time() -> None:
    assert nearest_rank([4.0, 1.0, 3.0, 2.0], 90) == 4
    assert nearest_rank([float(n) for n in range(1, 11)], 90) == 9  # never the interpolated 9.1
    assert nearest_rank([], 90) is None
    timelines = [timeline(f"https://t.me/c/{n}", seen=days(60), notice_after=hours(0), removed_after_notice=hours(n))
                 for n in (1, 2, 3, 4)]  # fmt: skip
    assert build_report(timelines, as_of=AS_OF).overall.since_notice.median_hours == 2.5


def test_share_still_online_after_7_and_30_days_counts_only_locations_old_enough_to_tell() -> None:
    notice = {"seen": days(41), "notice_after": days(1)}  # noticed 40 days before the report
    timelines = [
        timeline("https://t.me/a/1", **notice, removed_after_notice=days(2)),  # gone within 7 days
        timeline("https://t.me/a/2", **notice, removed_after_notice=days(10)),  # online at 7, gone by 30
        timeline("https://t.me/a/3", **notice),  # never removed
        timeline("https://t.me/a/4", **notice, removed_after_notice=days(35)),  # online at 30 days too
        timeline("https://t.me/a/5", seen=days(11), notice_after=days(1)),  # noticed 10 days ago: 7-day figure only
        timeline("https://t.me/a/6", seen=days(4), notice_after=days(1)),  # 3 days: too young for either
    ]
    after = build_report(timelines, as_of=AS_OF).overall.since_notice.online_after
    assert after[7] == Share(still_online=4, of=5) and after[30] == Share(still_online=2, of=4)
    assert after[30].ratio == 0.5


def test_without_notices_the_report_works_from_removals_alone_on_the_first_seen_clock() -> None:
    timelines = [
        timeline("https://t.me/b/1", seen=days(40), removed_after_seen=days(3)),
        timeline("https://t.me/b/2", seen=days(40)),
    ]
    figures = build_report(timelines, as_of=AS_OF).overall
    assert (figures.notified, figures.notices_sent, figures.removed) == (0, 0, 1)
    assert figures.since_notice.timed == 0 and figures.since_notice.median_hours is None
    assert figures.since_notice.online_after[7] == Share(0, 0) and figures.since_notice.online_after[7].ratio is None
    assert figures.since_seen.median_hours == 72 and figures.since_seen.online_after[30] == Share(1, 2)


def test_a_location_found_gone_before_its_first_notice_is_not_timed_on_the_notice_clock() -> None:
    early = timeline("https://t.me/e/1", seen=days(40), notice_after=days(5), removed_after_seen=days(1))
    clock = build_report([early], as_of=AS_OF).overall.since_notice
    assert clock.timed == 0 and clock.online_after[7] == Share(0, 0)


def test_outcomes_are_kept_apart_per_platform_and_removals_count_only_the_gone() -> None:
    timelines = [
        timeline("https://t.me/c/1", seen=days(9), removed_after_seen=days(1), outcome=Outcome.POST_DELETED),
        timeline("https://t.me/c/2", seen=days(9), removed_after_seen=days(2), outcome=Outcome.CHANNEL_GONE),
        timeline("https://t.me/c/3", seen=days(9), removed_after_seen=days(2), outcome=Outcome.GONE_UNKNOWN),
        timeline("https://t.me/c/4", seen=days(9), outcome=Outcome.UNCHECKED),
        timeline(
            "https://forum.example/t/1",
            platform="forum.example",
            seen=days(9),
            removed_after_seen=days(1),
            outcome=Outcome.PAGE_GONE,
        ),  # fmt: skip
        timeline(
            "https://forum.example/t/2",
            platform="forum.example",
            seen=days(9),
            removed_after_seen=days(4),
            outcome=Outcome.MEDIA_REPLACED,
        ),  # fmt: skip
        timeline("https://forum.example/t/3", platform="forum.example", seen=days(9), outcome=Outcome.ONLINE),
    ]
    report = build_report(timelines, as_of=AS_OF)
    telegram, forum = report.by_platform
    assert (telegram.group, telegram.locations, telegram.removed) == ("telegram", 4, 3)
    assert {o: n for o, n in telegram.outcomes.items() if n} == {
        Outcome.POST_DELETED: 1,
        Outcome.CHANNEL_GONE: 1,
        Outcome.GONE_UNKNOWN: 1,
        Outcome.UNCHECKED: 1,
    }
    assert (forum.group, forum.removed) == ("forum.example", 2)
    assert {o: n for o, n in forum.outcomes.items() if n} == {
        Outcome.PAGE_GONE: 1,
        Outcome.MEDIA_REPLACED: 1,
        Outcome.ONLINE: 1,
    }
    assert report.overall.removed == 5 and sum(report.overall.outcomes.values()) == 7


def test_per_recipient_figures_group_by_the_first_notices_recipient() -> None:
    timelines = [
        timeline(
            "https://t.me/d/1",
            seen=days(20),
            notice_after=hours(1),
            removed_after_notice=hours(10),
            recipient="telegram-abuse",
            notices=3,
        ),  # fmt: skip
        timeline("https://t.me/d/2", seen=days(20), notice_after=hours(1), recipient="telegram-abuse", notices=20),
        timeline(
            "https://forum.example/t/9",
            platform="forum.example",
            seen=days(20),
            notice_after=hours(2),
            removed_after_notice=hours(30),
            recipient="forum-abuse",
            notices=2,
        ),  # fmt: skip
        timeline("https://forum.example/t/10", platform="forum.example", seen=days(20)),
    ]
    rows = {row.group: row for row in build_report(timelines, as_of=AS_OF).by_recipient}
    assert set(rows) == {"telegram-abuse", "forum-abuse", NO_NOTICE}
    assert (rows["telegram-abuse"].notices_sent, rows["telegram-abuse"].removed) == (23, 1)
    assert rows["telegram-abuse"].since_notice.median_hours == 10
    assert rows["telegram-abuse"].since_notice.online_after[7] == Share(1, 2)
    assert rows["forum-abuse"].since_notice.p90_hours == 30 and rows[NO_NOTICE].notified == 0


def test_the_public_variant_pools_web_hosts_and_keeps_no_timelines() -> None:
    timelines = [
        timeline("https://t.me/p/1", seen=days(9)),
        timeline("https://one.example/a", platform="one.example", seen=days(9)),
        timeline("https://two.example/b", platform="two.example", seen=days(9), removed_after_seen=days(1)),
    ]
    public = build_report(timelines, as_of=AS_OF, public=True)
    assert [(row.group, row.locations, row.removed) for row in public.by_platform] == [
        (WEB_SITES, 2, 1),
        ("telegram", 1, 0),
    ]
    assert public.timelines == () and set(public.online_curves) == {WEB_SITES, "telegram"}
    assert len(build_report(timelines, as_of=AS_OF).timelines) == 3


def check(result: str, online: bool | None = False, http_status: int | None = None) -> CustodyEvent:
    details = {"location": "x", "online": online, "result": result, "http_status": http_status}
    return CustodyEvent("chain", 1, CustodyKind.RECHECKED, AS_OF, "jikimi", details)


@pytest.mark.parametrize(("result", "status", "platform", "outcome"), [
    ("page gone (HTTP 404)", 404, "forum.example", Outcome.PAGE_GONE),
    ("page no longer shows the media", 200, "forum.example", Outcome.POST_DELETED),
    ("media gone (HTTP 410)", 410, "forum.example", Outcome.POST_DELETED),
    ("media replaced by other bytes", 200, "forum.example", Outcome.MEDIA_REPLACED),
    ("message deleted (absent from the channel preview)", 200, "telegram", Outcome.POST_DELETED),
    ("channel gone (HTTP 404)", 404, "telegram", Outcome.CHANNEL_GONE),
    ("channel preview shows no posts (channel emptied or hidden)", 200, "telegram", Outcome.CHANNEL_GONE),
    # Telegram's API: a message it no longer returns (deleted, or hidden from this account), and a channel
    # it refuses to show (private, banned or gone), told apart
    ("message deleted (Telegram returned no message)", None, "telegram", Outcome.GONE_UNKNOWN),
    ("channel unavailable (banned: ChannelBannedError)", None, "telegram", Outcome.CHANNEL_GONE),
    ("HTTP 404", 404, "forum.example", Outcome.PAGE_GONE),  # other words, but a web page that answers "gone"
    ("something new", None, "forum.example", Outcome.GONE_UNKNOWN),
])  # fmt: skip
def test_outcomes_come_from_the_checkers_words(
    result: str, status: int | None, platform: str, outcome: Outcome
) -> None:
    assert outcome_of(check(result, http_status=status), platform) is outcome


def test_a_location_online_inconclusive_or_never_checked_is_not_removed() -> None:
    assert outcome_of(check("still online (same bytes)", online=True), "x") is Outcome.ONLINE
    assert outcome_of(check("page unreachable (HTTP 503)", online=None), "x") is Outcome.UNCHECKED
    assert outcome_of(None, "x") is Outcome.UNCHECKED
    assert not Outcome.ONLINE.removed and not Outcome.UNCHECKED.removed and Outcome.GONE_UNKNOWN.removed


def test_every_gone_result_the_http_checkers_write_has_an_outcome_of_its_own() -> None:
    """A checker that learns new words for "gone" must be taught to the report, or it says "reason unknown"."""
    source = (ROOT / "crawlers" / "removal_checks.py").read_text(encoding="utf-8")
    words = [text.split("{")[0] for text in re.findall(r'RemovalCheck\(False, f?"([^"]+)"', source)]
    assert len(words) >= 7
    unknown = [w for w in words if outcome_of(check(w), "telegram") is Outcome.GONE_UNKNOWN]
    assert unknown == []
