"""The README's recall and false-positive paragraphs, written from ``bench/results/robustness.json``.

Kept apart from ``bench/report.py`` because it is the one part that chooses words from the data: which
edits are at 100 %, where the one-hash import differs, where jikimi's variants make the difference, and
which targets were missed. Every number comes from the results; none is typed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

JIKIMI, IMPORTED = "jikimi / add-images", "jikimi / import"
ALONE = {"PDQ": "pdq alone / add-images", "pHash": "phash alone / add-images"}
VARIANTS_MATTER = 0.05  # an edit is shown for the hashes alone when jikimi's recall is this much higher


def percent(share: float) -> str:
    """``100 %``, ``96.6 %``, ``0.027 %``, ``0 %``: decimals only where they say something."""
    value = 100 * share
    if value in (0, 100) or value >= 99.95:
        return f"{value:.0f} %"
    return f"{value:.2g} %" if value < 1 else f"{value:.1f} %"


def recall_paragraph(result: Mapping[str, Any]) -> str:
    table = result["table"]
    edits = [edit for edit in table if edit != "original"]
    perfect = [edit for edit in edits if table[edit][JIKIMI]["recall"] == 1]
    lower = [edit for edit in edits if edit not in perfect]
    perfect_text = ", ".join(
        edit if table[edit][IMPORTED]["recall"] == 1 else f"{edit} ({percent(table[edit][IMPORTED]['recall'])})"
        for edit in perfect
    )
    lower_text = "; ".join(
        f"{edit} {percent(table[edit][JIKIMI]['recall'])} ({percent(table[edit][IMPORTED]['recall'])})"
        for edit in lower
    )
    alone = [
        edit
        for edit in edits
        if max(table[edit][column]["recall"] for column in ALONE.values())
        < table[edit][JIKIMI]["recall"] - VARIANTS_MATTER
    ]
    alone_text = ", ".join(
        f"{edit} " + " / ".join(percent(table[edit][column]["recall"]) for column in ALONE.values()) for edit in alone
    )
    victims, others = result["blocklisted"], result["pictures"] - result["blocklisted"]
    return (
        f"Recall (`bench/robustness.py`: {result['pictures']:,} generated pictures, {victims:,} in the blocklist and"
        f" {others:,} not, each edited {len(edits)} ways) of jikimi's matcher with an `add-images` blocklist,"
        f" the one-hash import in brackets where it differs: 100 % for {perfect_text}; {lower_text}."
        f" The hashes alone, without jikimi's variants ({' / '.join(ALONE)}): {alone_text}. {targets_text(result)}"
    )


def targets_text(result: Mapping[str, Any]) -> str:
    table, targets = result["table"], result["targets"]
    missed = [
        f"{edit} {percent(table[edit][JIKIMI]['recall'])} against {percent(target)}"
        for edit, target in targets.items()
        if table[edit][JIKIMI]["recall"] < target
    ]
    if not missed:
        return f"Every edit with a recall target ({len(targets)} of them) meets it."
    return "Below their recall targets: " + "; ".join(missed) + "."


def false_positive_paragraph(result: Mapping[str, Any]) -> str:
    """Summed over the original and every edit: how often a picture outside the blocklist matched."""
    table = result["table"]
    columns = list(next(iter(table.values())))
    counts = {column: sum(table[edit][column]["false_positives"] for edit in table) for column in columns}
    checked = sum(table[edit][JIKIMI]["unrelated_checked"] for edit in table)
    if not any(counts.values()):
        return (
            f"False positives: 0 of {checked:,} unrelated pictures and their edits, for every matcher and both"
            f" kinds of blocklist (with none seen, the 95 % upper bound on the rate is 3 in {checked:,},"
            f" {percent(3 / checked)})."
        )
    listed = "; ".join(f"{column} {count} ({percent(count / checked)})" for column, count in counts.items())
    return f"False positives among {checked:,} unrelated pictures and their edits: {listed}."


def robustness_paragraphs(result: Mapping[str, Any]) -> list[str]:
    return [recall_paragraph(result), false_positive_paragraph(result)]
