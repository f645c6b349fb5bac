"""How ``jikimi verify`` tells a person what a bundle proved, and — as loudly — what it could not prove.

A bare "OK" on a bundle checked only against its own key would let a forgery pass as evidence, so the
output always names the signing key's fingerprint and the time-stamping authority, and ends with a
``NOT CHECKED`` line for everything the bundle could not vouch for itself and a ``WARNING`` for packets
without a time-stamp. The last line still starts with ``OK`` when every check that could run passed.
"""

from __future__ import annotations

from rich.console import Console

from evidence.verify import VerifyReport


def print_report(report: VerifyReport, console: Console) -> None:
    pinned = "matches the key given with --key" if report.key_pinned else "NOT PINNED"
    console.print(f"signing key: sha256 {report.key_fingerprint} ({pinned})", soft_wrap=True)
    for authority in report.authorities:
        state = "the root given with --tsa-root" if report.tsa_pinned else "NOT PINNED"
        console.print(f"time-stamp authority: {authority} ({state})", soft_wrap=True, markup=False)
    for packet_id in report.packets:
        stamp = report.timestamps.get(packet_id, "awaiting")
        when = "awaiting timestamp" if stamp == "awaiting" else f"time-stamped {stamp}"
        console.print(f"  packet {packet_id}: files, signature and custody OK; {when}")
    if report.custody_stamped:
        console.print(f"custody chains time-stamped at export: {report.custody_stamped}")
    if report.unsigned_events:
        console.print(f"NOTE: {report.unsigned_events} custody events unsigned (written before signing)")
    for sentence in report.not_checked:
        console.print(f"NOT CHECKED: {sentence}", soft_wrap=True, markup=False)
    if report.untimestamped:
        console.print(
            f"WARNING: NO TIMESTAMP on {len(report.untimestamped)} of {len(report.packets)} packets: "
            "only the operator's own clock says when they were captured",
            soft_wrap=True,
        )
    console.print(f"OK: {report.bundle}: {report.files} files, {len(report.packets)} packets verified", soft_wrap=True)
