"""Calendar-aligned axis ticks for the History charts (weeks, months, quarters, years)."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta


def period_ticks(starts: list[date], labels: list[str], monthly: bool, most: int = 12) -> list[tuple[float, str]]:
    """Ticks for the bars: at most ``most``; months on round steps (quarters, Januaries), as years."""
    n = len(starts)
    if not monthly:
        step = max(1, math.ceil(n / most))
        return [(float(i), labels[i]) for i in range(0, n, step)]
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60, 120) if n / s <= most), 120)
    ticks = []
    for i, d in enumerate(starts):
        if (d.year * 12 + d.month - 1) % step == 0:
            ticks.append((float(i), str(d.year) if step >= 12 else labels[i]))
    return ticks or [(0.0, labels[0])]


def date_ticks(start: float, end: float, most: int = 8) -> list[tuple[float, str]]:
    """Calendar-aligned ticks (weeks, months, quarters or years) with short labels."""
    first = datetime.fromtimestamp(start).date()
    last = datetime.fromtimestamp(end).date()
    days = max(1, (last - first).days)
    ticks: list[date] = []
    if days / 7 <= most:
        d = first + timedelta(days=(7 - first.weekday()) % 7)  # Mondays
        while d <= last:
            ticks.append(d)
            d += timedelta(days=7)
        fmt = "{d.day} {m}"
    else:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        step = next((s for s in (1, 2, 3, 6, 12, 24, 60) if months / s <= most), 120)
        y, m = first.year, first.month
        m0 = (y * 12 + m - 1 + step - 1) // step * step  # first aligned month on or after
        k = m0
        while True:
            d = date(k // 12, k % 12 + 1, 1)
            if d > last:
                break
            if d >= first:
                ticks.append(d)
            k += step
        fmt = "{y}" if step >= 12 else "{m} {y}" if months > 12 or first.year != last.year else "{m}"
    out = []
    for d in ticks:
        ts = datetime(d.year, d.month, d.day).timestamp()
        out.append((ts, fmt.format(d=d, m=d.strftime("%b"), y=d.year)))
    return out
