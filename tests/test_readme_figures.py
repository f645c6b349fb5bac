"""README.md's benchmark figures as specifications: they are exactly what ``bench/report.py`` renders from
the committed ``bench/results/*.json``, and those results keep the rules the figures rest on (every timing
the best and median of at least five repeats; a cost that grows measured at two sizes 10× apart).

No benchmark runs here: the results are read as committed, so this is fast. When it fails after a change
to a benchmark or to the report, run ``make bench`` (or ``python -m bench.report`` for a report change).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from typing import Any

import pytest

from bench.report import BEGIN, END, README, load_results, render, section_of, with_section

GROWING = {
    "big_media": (None,),
    "index": ("pdq", "phash"),
    "retro": (None,),
    "telegram": (None,),
    "evidence": (None,),
    "queue": (None,),
    "sealing": ("round_trip", "fingerprint"),
}
"""The results whose cost grows with a size, and where their ``sizes`` lists are (None: at the top)."""


def samples_in(value: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(value, dict):
        if "samples" in value:
            yield where, value
        for key, inner in value.items():
            yield from samples_in(inner, f"{where}.{key}")
    elif isinstance(value, list):
        for number, inner in enumerate(value):
            yield from samples_in(inner, f"{where}[{number}]")


def test_readme_figures_are_what_the_report_renders_from_the_committed_results() -> None:
    assert section_of(README.read_text()) == render(load_results()), (
        "README.md's figures differ from bench/results: run `make bench` or `.venv/bin/python -m bench.report`"
    )


def test_every_timing_is_the_best_and_median_of_at_least_five_samples() -> None:
    found = {
        f"{name}{where}": figures for name, result in load_results().items() for where, figures in samples_in(result)
    }
    assert found
    for where, figures in found.items():
        assert len(figures["samples"]) >= 5, where
        assert figures["best"] == min(figures["samples"]), where
        assert figures["median"] == statistics.median(figures["samples"]), where


def test_every_timed_benchmark_says_how_loaded_the_machine_was_and_repeated_at_least_five_times() -> None:
    for name, result in load_results().items():
        assert result["conditions"]["cpus"] >= 1 and "load_average_1min" in result["conditions"], name
        assert result["conditions"]["repeats"] >= 5 or name == "robustness", name


@pytest.mark.parametrize(("name", "part"), [(name, part) for name, parts in GROWING.items() for part in parts])
def test_a_cost_that_grows_is_measured_at_two_sizes_ten_times_apart(name: str, part: str | None) -> None:
    result = load_results()[name]
    sizes = (result[part] if part else result)["sizes"]
    assert [size["size"] * 10 for size in sizes[:1]] == [size["size"] for size in sizes[1:]]


def test_the_report_rewrites_only_the_text_between_the_markers() -> None:
    readme = f"# Title\n\nkept before\n\n{BEGIN}\nold figures\n{END}\n\nkept after\n"
    assert (
        with_section(readme, "new figures") == f"# Title\n\nkept before\n\n{BEGIN}\nnew figures\n{END}\n\nkept after\n"
    )


def test_a_readme_without_one_pair_of_markers_is_refused() -> None:
    for readme in ("no markers", f"{BEGIN}\n{BEGIN}\n{END}", f"{END}\n{BEGIN}"):
        with pytest.raises(ValueError, match="must hold one"):
            section_of(readme)
