"""The chart numbers for one filter: read from the log (aggregated in SQL) and shaped.

:func:`load_chart_data` touches no widget and may run on a worker thread with its
own read-only :class:`~massage_timer.core.log.store.Store`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ....core.log import Filter, Store
from .weeks import monday_of, weeks_between
from .weeks import streak_caption as _streak_caption

MAX_WEEK_BARS = 78
"""Beyond this many weeks, minutes are shown per month (bars stay readable)."""
MAX_PAIN_POINTS = 400
"""Beyond this many rated sessions, the pain chart shows weekly averages."""


@dataclass
class ChartData:
    """Everything the charts show, for one filter."""

    any_sessions: bool = False
    """Whether the log holds any session at all (for the empty-state wording)."""
    protocol_order: list[str] = field(default_factory=list)
    """All protocol ids in a stable order: a protocol keeps its colour across filters."""
    titles: dict[str, str] = field(default_factory=dict)
    period_labels: list[str] = field(default_factory=list)
    period_starts: list[date] = field(default_factory=list)
    """The first day of each period (a Monday, or the 1st of a month)."""
    monthly: bool = False
    minutes: dict[str, list[float]] = field(default_factory=dict)
    """protocol id -> minutes per period (aligned with ``period_labels``)."""
    pain_x: list[float] = field(default_factory=list)
    pain_before: list[float] = field(default_factory=list)
    pain_after: list[float] = field(default_factory=list)
    pain_averaged: bool = False
    pain_persons: list[str] = field(default_factory=list)
    """Who has pain ratings here: pain is each person's own, so with two or more no chart is pooled."""
    pain_sessions: int = 0
    """Rated sessions behind the pain chart."""
    per_protocol: list[tuple[str, str, int]] = field(default_factory=list)
    hours: list[int] = field(default_factory=lambda: [0] * 24)
    """Sessions started in each local hour of the day, 0 to 23."""
    week_starts: list[date] = field(default_factory=list)
    """Every Monday of the filtered period, weeks without a session included."""
    week_counts: list[int] = field(default_factory=list)
    """Sessions per week (aligned with ``week_starts``); 0 for a week without one."""

    @property
    def empty(self) -> bool:
        return not self.per_protocol

    @property
    def streak_caption(self) -> str:
        """The longest run of weeks with a session and the longest gap, in words."""
        return _streak_caption(self.week_counts)


def load_chart_data(store: Store, flt: Filter) -> ChartData:
    """Query and shape the chart numbers (no widgets: safe on a worker thread)."""
    data = ChartData()
    all_protocols = store.protocol_ids()
    data.any_sessions = bool(all_protocols)
    data.protocol_order = sorted(pid for pid, _ in all_protocols)
    data.titles = {pid: title for pid, title in all_protocols}
    data.per_protocol = store.sessions_per_protocol(flt)
    if not data.per_protocol:
        return data
    data.titles.update({pid: title for pid, title, _ in data.per_protocol})
    data.hours = store.sessions_by_hour(flt)
    weekly = store.week_totals(flt)
    per_week: dict[date, int] = {}
    for total in weekly:  # the same numbers as store.sessions_per_week, without another pass
        per_week[total.monday] = per_week.get(total.monday, 0) + total.sessions
    _fill_weeks(data, sorted(per_week.items()), flt)
    if weekly:
        weeks = weeks_between(weekly[0].monday, weekly[-1].monday)
        data.monthly = len(weeks) > MAX_WEEK_BARS
        if data.monthly:
            periods = sorted({(w.year, w.month) for w in weeks})
            first_y, first_m = periods[0]
            last_y, last_m = periods[-1]
            periods = [
                (y, m)
                for y in range(first_y, last_y + 1)
                for m in range(1, 13)
                if (first_y, first_m) <= (y, m) <= (last_y, last_m)
            ]
            slot = {p: i for i, p in enumerate(periods)}
            data.period_starts = [date(y, m, 1) for y, m in periods]
            data.period_labels = [d.strftime("%b %Y") for d in data.period_starts]
        else:
            slot = {w: i for i, w in enumerate(weeks)}
            data.period_starts = list(weeks)
            data.period_labels = [f"{w.day} {w.strftime('%b')}" for w in weeks]
        n = len(data.period_labels)
        for total in weekly:
            d = total.monday
            i = slot[(d.year, d.month)] if data.monthly else slot[d]
            data.minutes.setdefault(total.protocol_id, [0.0] * n)[i] += total.minutes

    rated = sum(w.rated for w in weekly)
    data.pain_sessions = rated
    if not rated:
        data.pain_persons = []
    elif flt.person is not None:
        data.pain_persons = [flt.person]  # what rated_persons would say, without a pass over the log
    else:
        data.pain_persons = store.rated_persons(flt)
    if len(data.pain_persons) > 1:
        return data  # never one line through several people's pain
    if 0 < rated <= MAX_PAIN_POINTS:
        rows = store.pain_trend(flt)
        data.pain_x = [float(r[0]) for r in rows]
        data.pain_before = [math.nan if r[1] is None else float(r[1]) for r in rows]
        data.pain_after = [math.nan if r[2] is None else float(r[2]) for r in rows]
    elif rated:
        # Many ratings: weekly averages, from the sums the log already added up.
        data.pain_averaged = True
        by_week: dict[date, list[float]] = {}
        for w in weekly:
            if w.rated:
                sums = by_week.setdefault(w.monday, [0.0, 0.0, 0.0, 0.0])
                sums[0] += w.pain_before_sum
                sums[1] += w.pain_before_count
                sums[2] += w.pain_after_sum
                sums[3] += w.pain_after_count
        for monday, (b_sum, b_n, a_sum, a_n) in sorted(by_week.items()):
            middle = datetime.combine(monday, datetime.min.time()) + timedelta(days=3.5)
            data.pain_x.append(middle.timestamp())  # mid-week, local time
            data.pain_before.append(b_sum / b_n if b_n else math.nan)
            data.pain_after.append(a_sum / a_n if a_n else math.nan)
    return data


def _fill_weeks(data: ChartData, counted: list[tuple[date, int]], flt: Filter) -> None:
    """Every week of the filtered period with its sessions: the filter's dates, else first to last session."""
    if not counted:
        return
    first, last = counted[0][0], counted[-1][0]
    if flt.since_ts is not None:
        first = min(first, monday_of(datetime.fromtimestamp(flt.since_ts).date()))
    if flt.until_ts is not None:
        last = max(last, monday_of(datetime.fromtimestamp(flt.until_ts - 1).date()))
    data.week_starts = weeks_between(first, last)
    by_week = dict(counted)
    data.week_counts = [by_week.get(monday, 0) for monday in data.week_starts]
