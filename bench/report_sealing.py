"""The README's figures for sealing a crawl's temporary files, written from ``bench/results/sealing.json``.

Kept apart from ``bench/report.py`` (which stays near its size limit) and as a block of its own after the
other tables, so adding it changed none of their lines. The table has the same columns as the others: the
sealed files are jikimi's side, ``PlainFiles`` on the same bytes in the same rounds the baseline.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Results = Mapping[str, Any]
Row = Callable[..., str]
Format = Callable[..., str]

INTRO = (
    "Sealing a crawl's temporary files (`bench/sealing.py`): `SealedFiles`, AES-256-GCM in 1 MiB chunks with"
    " the run's key held only in memory, against `PlainFiles` on the same bytes, plain then sealed in each"
    " round. The round trip is sealing's whole cost with nothing to hide it; fingerprinting, as the hash"
    " pool calls it, is what a crawl pays for each picture it fetched, decoding and hashing included:"
)


def sealing_rows(result: Results, row: Row, seconds: Format, pair: Format, times: Format) -> list[str]:
    """One row per size of each measurement; the formatting helpers are ``bench/report.py``'s."""
    lines = [
        row(
            f"write, read back and SHA-256 of {size['size']} MiB of random bytes, sealed",
            f"{seconds(size['sealed']['seconds'])}; {pair(size['sealed']['mib_per_s'], ' MiB/s')}",
            f"`PlainFiles`: {seconds(size['plain']['seconds'])}; {pair(size['plain']['mib_per_s'], ' MiB/s')}",
            times(size["sealed_over_plain"], "the plain time"),
        )
        for size in result["round_trip"]["sizes"]
    ]
    megapixels = result["fingerprint"]["megapixels"]
    lines += [
        row(
            f"fingerprinting {size['size']} JPEGs of {megapixels:.1f} MP from sealed files, as the hash pool does",
            f"{seconds(size['sealed']['seconds'])}; {pair(size['sealed']['pictures_per_s'], ' pictures/s')}",
            "the same from plain files: "
            f"{seconds(size['plain']['seconds'])}; {pair(size['plain']['pictures_per_s'], '/s')}",
            times(size["sealed_over_plain"], "the plain time"),
        )
        for size in result["fingerprint"]["sizes"]
    ]
    return lines
