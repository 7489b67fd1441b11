"""History charts drawn with pyqtgraph.

This is the only module that imports pyqtgraph (and numpy); the History
page imports it the first time its charts are shown, so the app starts fast.

The numbers come from :mod:`.chartdata` (:func:`load_chart_data` reads the log,
aggregated in SQL, and touches no widget: it may run on a worker thread with its
own read-only :class:`~massage_timer.core.log.store.Store`); they are re-exported here.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QLabel, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from ..theme import ACCENT, TEAL, current_is_dark
from .chartdata import MAX_PAIN_POINTS, MAX_WEEK_BARS, ChartData, date_ticks, load_chart_data, period_ticks

__all__ = [
    "MAX_PAIN_POINTS",
    "MAX_WEEK_BARS",
    "MIN_TREND_SESSIONS",
    "TAB_TITLES",
    "ChartData",
    "HistoryCharts",
    "date_ticks",
    "load_chart_data",
    "period_ticks",
    "trend_line",
]

TAB_TITLES = ("Minutes", "Pain", "Per protocol", "Time of day", "Weeks")

MIN_TREND_SESSIONS = 5
"""Rated sessions a trend line needs: through fewer points a line says more than they do."""

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


def whole_ticks(top: float, most: int = 6) -> list[tuple[float, str]]:
    """Whole-number ticks from 0 past ``top``: a count is never a fraction."""
    step = max(1, math.ceil(top / most))
    return [(float(v), str(v)) for v in range(0, int(top) + step, step)]


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
    """The history charts as tabs; call :meth:`set_data` with a :class:`ChartData`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self.data = ChartData()
        self._stale: set[int] = set()
        """Tabs whose chart does not show ``data`` yet: drawn when they are shown."""
        self.minutes_plot = self._plot()
        self.pain_plot = self._plot(axisItems={"bottom": pg.DateAxisItem(orientation="bottom")})
        self.protocol_plot = self._plot()
        self.hour_plot = self._plot()
        self.week_plot = self._plot()
        self.plots = (self.minutes_plot, self.pain_plot, self.protocol_plot, self.hour_plot, self.week_plot)
        self.pages: list[_ChartPage] = []
        for title, plot in zip(TAB_TITLES, self.plots, strict=True):
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
        for plot in self.plots:
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
        draw = (self._draw_minutes, self._draw_pain, self._draw_protocols, self._draw_hours, self._draw_weeks)
        draw[index](data)

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
        plot.getAxis("bottom").setTicks([whole_ticks(top), []])
        plot.getAxis("bottom").setLabel("sessions", color=self._fg.name())
        plot.setXRange(0, top * 1.12, padding=0)
        plot.setYRange(-0.6, n - 0.4, padding=0)

    def _draw_hours(self, data: ChartData) -> None:
        page, plot = self.pages[3], self.hour_plot
        counts = np.array(data.hours, dtype=float)
        if not counts.any():
            page.show_empty("No sessions to place on the clock.")
            return
        page.show_plot()
        self._title(plot, "Sessions by the hour they started (local time)")
        color = QColor(self._colors()[0])
        plot.addItem(
            pg.BarGraphItem(
                x=np.arange(24, dtype=float),
                height=counts,
                width=0.8,
                brush=pg.mkBrush(color),
                pen=pg.mkPen(color.darker(115)),
            )
        )
        top = float(counts.max())
        plot.getAxis("bottom").setTicks([[(float(h), f"{h}") for h in range(0, 24, 3)], []])
        plot.getAxis("bottom").setLabel("hour of the day", color=self._fg.name())
        plot.getAxis("left").setTicks([whole_ticks(top), []])
        plot.getAxis("left").setLabel("sessions", color=self._fg.name())
        plot.setXRange(-0.6, 23.6, padding=0)
        plot.setYRange(0, top * 1.12, padding=0)

    def _draw_weeks(self, data: ChartData) -> None:
        page, plot = self.pages[4], self.week_plot
        n = len(data.week_counts)
        if n == 0:
            page.show_empty("No weeks to show.")
            return
        page.show_plot()
        self._title(plot, data.streak_caption[0].upper() + data.streak_caption[1:])
        legend = self._legend(plot, columns=2)
        counts = np.array(data.week_counts, dtype=float)
        x = np.arange(n, dtype=float)
        top = max(1.0, float(counts.max()))
        width = 0.8 if n < 60 else 0.95
        color = QColor(self._colors()[0])
        busy = counts > 0
        if busy.any():
            bars = pg.BarGraphItem(
                x=x[busy], height=counts[busy], width=width, brush=pg.mkBrush(color), pen=pg.mkPen(color.darker(115))
            )
            plot.addItem(bars)
            legend.addItem(bars, "sessions that week")
        if (~busy).any():
            red = QColor("#e57373" if current_is_dark() else "#c0392b")
            fill = QColor(red)
            fill.setAlpha(45)
            # A week without a session: a low outlined marker on the baseline, not a bar that reads as a count.
            gaps = pg.BarGraphItem(
                x=x[~busy],
                height=top * 0.08,
                width=width,
                brush=pg.mkBrush(fill),
                pen=pg.mkPen(red, width=1.5),
            )
            plot.addItem(gaps)
            legend.addItem(gaps, "no session")
        labels = [f"{w.day} {w.strftime('%b')}" for w in data.week_starts]
        plot.getAxis("bottom").setTicks([period_ticks(data.week_starts, labels, monthly=False), []])
        plot.getAxis("bottom").setLabel(None)
        plot.getAxis("left").setTicks([whole_ticks(top), []])
        plot.getAxis("left").setLabel("sessions", color=self._fg.name())
        plot.setXRange(-0.6, n - 0.4, padding=0)
        plot.setYRange(0, top * 1.35, padding=0)  # room above for the legend
