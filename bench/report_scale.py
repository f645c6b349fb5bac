"""The README's figures for issue 15's scale work: lean hash workers (``bench/workers.py``), a crawl's bounded
temporary media (``bench/tempdisk.py``) and a large blocklist's import and first match
(``bench/scale_blocklist.py``), each against the baseline its benchmark measured in the same rounds.

Kept apart from ``bench/report.py`` (near its size limit), like ``report_queue.py``; the formatting helpers are
passed in. A result not yet measured on this checkout is left out rather than failing the report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Results = Mapping[str, Any]
Row = Callable[..., str]
Format = Callable[..., str]
MIB = 1024 * 1024
SLOWER = "the baseline's time"


def scale_rows(results: Results, row: Row, seconds: Format, pair: Format, times: Format) -> list[str]:
    """Rows for whichever of the three results exist."""
    lines: list[str] = []
    if "workers" in results:
        lines += worker_rows(results["workers"], row, seconds, pair, times)
    if "tempdisk" in results:
        lines += tempdisk_rows(results["tempdisk"], row, seconds, pair, times)
    if "scale_blocklist" in results:
        lines += blocklist_rows(results["scale_blocklist"], row, seconds, pair, times)
    return lines


def worker_rows(result: Results, row: Row, seconds: Format, pair: Format, times: Format) -> list[str]:
    lean, old = result["worker"]["lean"], result["worker"]["baseline"]
    ratio = result["worker_lean_over_baseline"]

    def worker(figures: Results) -> str:
        return (f"{seconds(figures['first_fingerprint'])}; peak RSS {pair(figures['rss_mib'], ' MiB')};"
                f" {pair(figures['modules'], ' modules')}")  # fmt: skip

    helped, old_help = (
        result["help"]["jikimi --help (lean, via -c)"],
        result["help"]["jikimi --help (baseline, via -c)"],
    )
    lines = [
        row("hash-pool worker, spawned: start to its first fingerprint", worker(lean),
            "the `jikimi` script's former imports: " + worker(old), times(ratio["first_fingerprint"], SLOWER)),
        row("`jikimi --help`", f"{seconds(helped['seconds'])}; peak RSS {pair(helped['rss_mib'], ' MiB')}",
            f"former imports: {seconds(old_help['seconds'])}; peak RSS {pair(old_help['rss_mib'], ' MiB')}",
            times(result["help_lean_over_baseline"]["seconds"], SLOWER)),
    ]  # fmt: skip
    lines += [
        row(f"hash pool, {size['size']:,} pictures, a fresh pool of {size['workers']} workers",
            pair(size["lean"]["per_second"], "/s"), "former imports: " + pair(size["baseline"]["per_second"], "/s"),
            times(size["lean_over_baseline_time"], SLOWER))
        for size in result["sizes"]
    ]  # fmt: skip
    return lines


def tempdisk_rows(result: Results, row: Row, seconds: Format, pair: Format, times: Format) -> list[str]:
    def peak(figures: Results) -> str:
        return f"{figures['media_files']:,} files, {figures['media_bytes'] / MIB:.1f} MiB"

    def crawl(figures: Results) -> str:
        return f"{peak(figures)}; {seconds(figures['seconds'])}"

    return [
        row(f"web crawl's peak temporary media, {size['pictures']:,} pictures on {size['pages']:,} pages"
            f" (budget {result['budget_files']} files)", crawl(size["jikimi"]),
            "every picture kept to the end: " + crawl(size["baseline"]), times(size["seconds_ratio"], SLOWER))
        for size in result["sizes"]
    ]  # fmt: skip


def blocklist_rows(result: Results, row: Row, seconds: Format, pair: Format, times: Format) -> list[str]:
    lines = []
    for entries, size in result["sizes"].items():
        count = f"{int(entries):,}"
        lines.append(row(
            f"a fresh process's first match, {count}-entry blocklist (persisted index)",
            f"{seconds(size['jikimi first match s'])}; peak {pair(size['jikimi first match MiB'], ' MiB')}",
            f"{result['baseline']}'s code, entries decoded and indexed: {seconds(size['baseline first match s'])}",
            times(size["first match speed-up"], "sooner"),
        ))  # fmt: skip
        baseline = "not timed in these rounds"
        if "baseline import s" in size:
            old = f"{seconds(size['baseline import s'])}; peak {pair(size['baseline import MiB'], ' MiB')}"
            baseline = f"{result['baseline']}'s code: {old}"
        lines.append(row(
            f"`jikimi blocklist import` of {count} entries (streamed, 50,000 a transaction)",
            f"{seconds(size['jikimi import s'])}; peak {pair(size['jikimi import MiB'], ' MiB')}", baseline,
            times(size["import speed-up"], "faster") if "import speed-up" in size else "—",
        ))  # fmt: skip
    return lines
