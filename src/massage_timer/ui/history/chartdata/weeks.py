"""Weeks of the filtered period: the Mondays in a span, and the longest runs with and without a session."""

from __future__ import annotations

from datetime import date, timedelta


def weeks_between(first: date, last: date) -> list[date]:
    """Every Monday from ``first`` to ``last`` (both Mondays), oldest first."""
    out = []
    d = first
    while d <= last:
        out.append(d)
        d += timedelta(days=7)
    return out


def monday_of(day: date) -> date:
    """The Monday that starts ``day``'s week."""
    return day - timedelta(days=day.weekday())


def longest_runs(counts: list[int]) -> tuple[int, int]:
    """(most weeks in a row with a session, most weeks in a row without one)."""
    run = gap = best_run = best_gap = 0
    for n in counts:
        if n:
            run, gap = run + 1, 0
        else:
            run, gap = 0, gap + 1
        best_run, best_gap = max(best_run, run), max(best_gap, gap)
    return best_run, best_gap


def _weeks(n: int) -> str:
    return f"{n} week{'' if n == 1 else 's'}"


def streak_caption(counts: list[int]) -> str:
    """The sentence under the weeks strip, e.g. "longest run: 3 weeks in a row with a session; longest gap: 2 weeks"."""
    run, gap = longest_runs(counts)
    return f"longest run: {_weeks(run)} in a row with a session; longest gap: {_weeks(gap)}"
