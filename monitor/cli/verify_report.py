"""How ``jikimi verify`` tells a person what a bundle proved, and — as loudly — what it could not prove.

A bare "OK" on a bundle checked only against its own key would let a forgery pass as evidence, so the
output always names the signing key's fingerprint and the time-stamping authority, and ends with a
``NOT CHECKED`` line for everything the bundle could not vouch for itself and a ``WARNING`` for packets
without a time-stamp. The last line still starts with ``OK`` when every check that could run passed.

``--strict`` is for whoever must rely on the answer (an investigator before court): a bundle that could
not be checked in full (key or authority not pinned, something NOT CHECKED, a packet without a time-stamp)
then ends ``INCOMPLETE`` and the command exits 3, so a script cannot mistake "consistent with itself" for
"proven".
"""

from __future__ import annotations

from rich.console import Console

from evidence.verify import VerifyReport

STRICT_EXIT = 3


def unproven(report: VerifyReport) -> list[str]:
    """What stops ``report`` from being a full proof: empty when the key and authority were pinned and
    every check could run."""
    gaps = [*report.not_checked]  # an unpinned key or authority is among them (``evidence/verify.py``)
    if report.untimestamped:
        gaps.append(f"{len(report.untimestamped)} packets without a time-stamp")
    return gaps


def print_report(report: VerifyReport, console: Console, strict: bool = False) -> bool:
    """Print ``report``; return ``False`` when ``strict`` and the bundle could not be checked in full."""
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
    gaps = unproven(report) if strict else []
    verified = f"{report.bundle}: {report.files} files, {len(report.packets)} packets verified"
    if gaps:
        console.print(
            f"INCOMPLETE: {verified}, but not proven (--strict): {'; '.join(gaps)}", soft_wrap=True, markup=False
        )
        return False
    console.print(f"OK: {verified}", soft_wrap=True)
    return True
