"""History charts drawn with pyqtgraph.

This is the only module that imports pyqtgraph (and numpy); the History
page imports it the first time its charts are shown, so the app starts fast.

:func:`load_chart_data` only reads the log (aggregated in SQL) and shapes
the numbers; it touches no widget and may run on a worker thread with its
own read-only :class:`~massage_timer.core.log.store.Store`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QLabel, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from ...core.log import Filter, Store
from ..theme import ACCENT, TEAL, current_is_dark

TAB_TITLES = ("Minutes", "Pain", "Per protocol")

MAX_WEEK_BARS = 78
"""Beyond this many weeks, minutes are shown per month (bars stay readable)."""
MAX_PAIN_POINTS = 400
MIN_TREND_SESSIONS = 5
"""Rated sessions a trend line needs: through fewer points a line says more than they do."""
"""Beyond this many rated sessions, the pain chart shows weekly averages."""

_LIGHT_SERIES = (
    "#2a7f86",
    "#d9822b",
    "#6a5acd",
    "#3d8b3d",
    "#c0504d",
    "#8a6d3b",
    "#4f81bd",
    "#9b59b6",
)
_DARK_SERIES = (
    "#4fb3bb",
    "#f0a04b",
    "#9d8df1",
    "#6cc46c",
    "#e57373",
    "#c9a26b",
    "#7fa7de",
    "#c08ad8",
)


@dataclass
class ChartData:
    """Everything the three charts show, for one filter."""

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

    @property
    def empty(self) -> bool:
        return not self.per_protocol


def _weeks_between(first: date, last: date) -> list[date]:
    out = []
    d = first
    while d <= last:
        out.append(d)
        d += timedelta(days=7)
    return out


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

    weekly = store.week_totals(flt)
    if weekly:
        weeks = _weeks_between(weekly[0].monday, weekly[-1].monday)
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
    data.pain_persons = store.rated_persons(flt) if rated else []
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


def trend_line(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The least-squares line through the rated points, or None with fewer than two."""
    ok = ~np.isnan(y)
    x, y = x[ok], y[ok]
    if len(x) < 2 or np.ptp(x) == 0:
        return None
    x0 = x[0]
    slope, intercept = np.polyfit((x - x0) / 86400.0, y, 1)
    ends = np.array([x[0], x[-1]])
    return ends, np.clip(slope * (ends - x0) / 86400.0 + intercept, 0, 10)


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


class _ChartPage(QStackedWidget):
    """A plot, or a friendly sentence when there is nothing to draw."""

    def __init__(self, plot: pg.PlotWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = plot
        self.empty_label = QLabel()
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setProperty("role", "muted")
        font = QFont(self.empty_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.empty_label.setFont(font)
        self.addWidget(plot)
        self.addWidget(self.empty_label)

    def show_empty(self, text: str) -> None:
        self.empty_label.setText(text)
        self.setCurrentWidget(self.empty_label)

    def show_plot(self) -> None:
        self.setCurrentWidget(self.plot)

    @property
    def is_empty(self) -> bool:
        return self.currentWidget() is self.empty_label


class HistoryCharts(QTabWidget):
    """The three history charts as tabs; call :meth:`set_data` with a :class:`ChartData`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self.data = ChartData()
        self._stale: set[int] = set()
        """Tabs whose chart does not show ``data`` yet: drawn when they are shown."""
        self.minutes_plot = self._plot()
        self.pain_plot = self._plot(axisItems={"bottom": pg.DateAxisItem(orientation="bottom")})
        self.protocol_plot = self._plot()
        self.pages: list[_ChartPage] = []
        for title, plot in zip(TAB_TITLES, (self.minutes_plot, self.pain_plot, self.protocol_plot), strict=True):
            page = _ChartPage(plot)
            holder = QWidget()
            lay = QVBoxLayout(holder)
            lay.setContentsMargins(4, 8, 4, 4)
            lay.addWidget(page)
            self.pages.append(page)
            self.addTab(holder, title)
        self.currentChanged.connect(self._draw_current)
        self.apply_theme()
        self.set_data(self.data)

    # ------------------------------------------------------------ building

    @staticmethod
    def _plot(**kwargs: object) -> pg.PlotWidget:
        plot = pg.PlotWidget(**kwargs)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.getPlotItem().layout.setContentsMargins(6, 10, 14, 6)
        return plot

    def _colors(self) -> tuple[str, ...]:
        return _DARK_SERIES if current_is_dark() else _LIGHT_SERIES

    def protocol_color(self, pid: str) -> QColor:
        order = self.data.protocol_order or [pid]
        i = order.index(pid) if pid in order else len(order)
        colors = self._colors()
        return QColor(colors[i % len(colors)])

    def apply_theme(self) -> None:
        """Background, axes and text in the current light/dark scheme."""
        palette = QGuiApplication.palette()
        self._fg = palette.color(QPalette.ColorRole.Text)
        bg = palette.color(QPalette.ColorRole.Base)
        font = QFont(QGuiApplication.font())
        for plot in (self.minutes_plot, self.pain_plot, self.protocol_plot):
            plot.setBackground(bg)
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(pg.mkPen(self._fg))
                axis.setTextPen(pg.mkPen(self._fg))
                axis.setTickFont(font)
            plot.getPlotItem().titleLabel.item.setDefaultTextColor(self._fg)
        if self.data is not None:
            self.set_data(self.data)

    def _title(self, plot: pg.PlotWidget, text: str) -> None:
        color = self._fg.name()
        size = f"{QGuiApplication.font().pointSizeF() * 1.1:.1f}pt"
        plot.setTitle(text, color=color, size=size)

    def _legend(self, plot: pg.PlotWidget, columns: int = 1) -> pg.LegendItem:
        item = plot.getPlotItem()
        if item.legend is not None:
            item.legend.scene().removeItem(item.legend) if item.legend.scene() else None
            item.legend = None
        legend = item.addLegend(offset=(10, 10), labelTextColor=self._fg, colCount=columns)
        bg = QGuiApplication.palette().color(QPalette.ColorRole.Base)
        bg.setAlpha(220)
        legend.setBrush(pg.mkBrush(bg))
        legend.setPen(pg.mkPen(QGuiApplication.palette().color(QPalette.ColorRole.Mid)))
        return legend

    # ------------------------------------------------------------ data

    def set_data(self, data: ChartData) -> None:
        """Show ``data``: the chart on screen now, each other tab when it is opened."""
        self.data = data
        self._stale = set(range(len(self.pages)))
        self._draw_current()

    def _draw_current(self, *_: object) -> None:
        index = self.currentIndex()
        if index not in self._stale:
            return
        self._stale.discard(index)
        page, data = self.pages[index], self.data
        page.plot.clear()
        if data.empty:
            text = (
                "No sessions match these filters."
                if data.any_sessions
                else ("No sessions yet.\nFinished sessions appear here.")
            )
            page.show_empty(text)
            return
        (self._draw_minutes, self._draw_pain, self._draw_protocols)[index](data)

    def _draw_minutes(self, data: ChartData) -> None:
        page, plot = self.pages[0], self.minutes_plot
        n = len(data.period_labels)
        if n == 0:
            page.show_empty("No timed steps in these sessions.")
            return
        page.show_plot()
        self._title(plot, "Minutes per month" if data.monthly else "Minutes per week")
        legend = self._legend(plot, columns=2 if len(data.minutes) > 3 else 1)
        x = np.arange(n, dtype=float)
        bottom = np.zeros(n)
        order = [pid for pid in data.protocol_order if pid in data.minutes] + [
            pid for pid in data.minutes if pid not in data.protocol_order
        ]
        for pid in order:
            values = np.array(data.minutes[pid])
            color = self.protocol_color(pid)
            bars = pg.BarGraphItem(
                x=x,
                y0=bottom.copy(),
                height=values,
                width=0.8 if n < 40 else 0.95,
                brush=pg.mkBrush(color),
                pen=pg.mkPen(color.darker(115)) if n < 40 else pg.mkPen(None),
            )
            plot.addItem(bars)
            legend.addItem(bars, data.titles.get(pid, pid))
            bottom += values
        ticks = period_ticks(data.period_starts, data.period_labels, data.monthly)
        plot.getAxis("bottom").setTicks([ticks, []])
        plot.getAxis("left").setTicks(None)
        plot.getAxis("left").setLabel("minutes", color=self._fg.name())
        top = float(bottom.max()) if n else 1.0
        plot.setXRange(-0.6, n - 0.4, padding=0)
        # Room above the tallest bar for the legend.
        plot.setYRange(0, max(1.0, top) * 1.35, padding=0)

    def _draw_pain(self, data: ChartData) -> None:
        page, plot = self.pages[1], self.pain_plot
        if len(data.pain_persons) > 1:
            page.show_empty(
                f"Pain is each person's own: {len(data.pain_persons)} people have ratings here.\n"
                "Choose a person in the filter above to see their pain before and after."
            )
            return
        if not data.pain_x:
            page.show_empty("No pain ratings in these sessions.\nRate pain before and after a session to see a trend.")
            return
        page.show_plot()
        trend_allowed = data.pain_sessions >= MIN_TREND_SESSIONS
        who = f"{data.pain_persons[0]}: " if data.pain_persons else ""
        what = "weekly averages of " if data.pain_averaged else ""
        count = f"{data.pain_sessions} rated session{'' if data.pain_sessions == 1 else 's'}"
        if not trend_allowed:
            count += f"; a trend needs {MIN_TREND_SESSIONS}"
        self._title(plot, f"{who}pain (0–10), {what}{count}")
        legend = self._legend(plot, columns=2)
        x = np.array(data.pain_x)
        dark = current_is_dark()
        series = (
            ("Before", np.array(data.pain_before), QColor("#f0a04b" if dark else ACCENT)),
            ("After", np.array(data.pain_after), QColor("#4fb3bb" if dark else TEAL)),
        )
        for name, y, color in series:
            ok = ~np.isnan(y)
            if not ok.any():
                continue
            size = 6 if data.pain_averaged else 9
            points = pg.PlotDataItem(
                x[ok],
                y[ok],
                pen=None,
                symbol="o",
                symbolSize=size,
                symbolBrush=pg.mkBrush(color),
                symbolPen=pg.mkPen(color.darker(120)),
            )
            plot.addItem(points)
            legend.addItem(points, name)
            line = trend_line(x, y) if trend_allowed else None
            if line is not None:
                trend = pg.PlotDataItem(line[0], line[1], pen=pg.mkPen(color, width=2.5, style=Qt.PenStyle.DashLine))
                plot.addItem(trend)
                legend.addItem(trend, f"{name}: trend")
        plot.getAxis("left").setTicks([[(float(v), str(v)) for v in range(0, 11, 2)], []])
        plot.getAxis("left").setLabel("pain", color=self._fg.name())
        plot.getAxis("bottom").setTicks([date_ticks(float(x.min()), float(x.max())), []])
        span = max(float(x.max() - x.min()), 86400.0)
        plot.setXRange(float(x.min()) - span * 0.03, float(x.max()) + span * 0.03, padding=0)
        plot.setYRange(-0.3, 12.5, padding=0)
        grid = 0.25 if dark else 0.15
        plot.showGrid(x=False, y=True, alpha=grid)

    def _draw_protocols(self, data: ChartData) -> None:
        page, plot = self.pages[2], self.protocol_plot
        page.show_plot()
        self._title(plot, "Sessions per protocol")
        rows = list(reversed(data.per_protocol))  # the most used at the top
        n = len(rows)
        counts = np.array([r[2] for r in rows], dtype=float)
        y = np.arange(n, dtype=float)
        brushes = [pg.mkBrush(self.protocol_color(pid)) for pid, _, _ in rows]
        plot.addItem(pg.BarGraphItem(x0=0, y=y, height=0.6, width=counts, brushes=brushes, pen=pg.mkPen(None)))
        top = float(counts.max())
        for yi, count in zip(y, counts, strict=True):
            label = pg.TextItem(str(int(count)), color=self._fg, anchor=(0, 0.5))
            label.setPos(float(count) + top * 0.01, float(yi))
            plot.addItem(label)
        plot.getAxis("left").setTicks([[(float(i), data.titles.get(r[0], r[1])) for i, r in enumerate(rows)], []])
        plot.getAxis("left").setLabel(None)
        # Whole sessions only on the axis: a session is never a fraction.
        step = max(1, math.ceil(top / 6))
        plot.getAxis("bottom").setTicks([[(float(v), str(v)) for v in range(0, int(top) + step, step)], []])
        plot.getAxis("bottom").setLabel("sessions", color=self._fg.name())
        plot.setXRange(0, top * 1.12, padding=0)
        plot.setYRange(-0.6, n - 0.4, padding=0)
