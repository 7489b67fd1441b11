"""The numbers behind History's charts: read from the log and shaped, with no widget and no pyqtgraph."""

from .data import MAX_PAIN_POINTS, MAX_WEEK_BARS, ChartData, load_chart_data
from .ticks import date_ticks, period_ticks
from .weeks import longest_runs, streak_caption, weeks_between

__all__ = [
    "MAX_PAIN_POINTS",
    "MAX_WEEK_BARS",
    "ChartData",
    "date_ticks",
    "load_chart_data",
    "longest_runs",
    "period_ticks",
    "streak_caption",
    "weeks_between",
]
