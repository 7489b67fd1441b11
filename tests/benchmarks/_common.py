"""Shared pieces of the benchmarks: result rows, medians, the Markdown table.

Every benchmark module has ``run(quick: bool) -> list[Row]`` and can also be
run on its own (``python tests/benchmarks/bench_startup.py [--quick]``).
"""

from __future__ import annotations

import os
import statistics
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = HERE / "out"
PYTHON = sys.executable


@dataclass
class Row:
    """One figure of the results table."""

    figure: str
    measured: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    ok: bool | None = None
    """True pass, False miss, None informational (no target)."""
    notes: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "**miss**", None: "info"}[self.ok]


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def mib(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:.1f} MiB"


def fmt_ratio(value: float) -> str:
    return f"{value:.2f}"


def table(rows: Iterable[Row]) -> str:
    lines = [
        "| Figure | Measured | Baseline | Ratio | Target | Result |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r.figure} | {r.measured} | {r.baseline} | {r.ratio} | {r.target} | {r.verdict} |")
    return "\n".join(lines)


def offscreen_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.update(extra)
    return env


def main_for(run: Callable[[bool], list[Row]]) -> None:
    """``python bench_x.py [--quick]``: run one module and print its rows."""
    quick = "--quick" in sys.argv[1:]
    rows = run(quick)
    print(table(rows))
    for r in rows:
        for note in r.notes:
            print(f"- {r.figure}: {note}")
