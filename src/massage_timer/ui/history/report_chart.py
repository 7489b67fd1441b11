"""The report's charts: minutes per week, and pain before and after each session.

They are drawn with QPainter straight onto the PDF (vector lines and real text, never
an image of the chart): :class:`ChartObjects` keeps each chart's place in the report's
QTextDocument and draws it there when its page is drawn. No pyqtgraph, no widget: it runs on the report's worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from PySide6.QtCore import QPointF, QRectF, Qt, QUrl
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QTextCursor, QTextDocument, QTextImageFormat

_BEFORE = QColor("#d9822b")
_AFTER = QColor("#2a7f86")
_BAR = QColor("#7fa9ad")
_INK = QColor("#1d2428")
_GRID = QColor("#d5dad7")
MIN_FOR_TREND = 5
"""Trend lines are drawn only with at least this many rated sessions."""
ASPECT = 0.3
MIN_WEEKS = 12
"""Bars are at most as wide as with this many weeks."""
"""A chart's height as a share of its width."""

Pain = list[tuple[float, int | None, int | None]]


def day(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%d %b %Y")


def pain_points(rows: Pain, limit: int = 400) -> list[tuple[float, float | None, float | None]]:
    """The pain ratings to draw: each session, or weekly averages when there are many."""
    if len(rows) <= limit:
        return [(ts, b, a) for ts, b, a in rows]
    weeks: dict[int, list[float]] = {}
    for ts, b, a in rows:
        acc = weeks.setdefault(int(ts // (7 * 86400)), [0.0, 0.0, 0.0, 0.0])
        if b is not None:
            acc[0] += b
            acc[1] += 1
        if a is not None:
            acc[2] += a
            acc[3] += 1
    return [
        ((w + 0.5) * 7 * 86400, acc[0] / acc[1] if acc[1] else None, acc[2] / acc[3] if acc[3] else None)
        for w, acc in sorted(weeks.items())
    ]


def _fit(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Least-squares slope and intercept, or None with fewer than two distinct x."""
    n = len(points)
    if n < 2:
        return None
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx
    return slope, my - slope * mx


def _nice_step(top: float) -> float:
    """A round step for about four grid lines up to ``top``."""
    for step in (1, 2, 5, 10, 15, 20, 30, 60, 90, 120, 180, 240, 300, 600):
        if top / step <= 5:
            return step
    return 1200


@dataclass
class _Frame:
    """Where a chart draws in its rectangle, and its text size (in the painter's units)."""

    rect: QRectF
    unit: float = field(init=False)
    plot: QRectF = field(init=False)

    def __post_init__(self) -> None:
        self.unit = self.rect.width() / 1000
        u = self.unit
        self.plot = self.rect.adjusted(60 * u, 42 * u, -12 * u, -40 * u)

    def font(self, painter: QPainter) -> None:
        font = QFont(painter.font())
        font.setPointSizeF(7.5)
        painter.setFont(font)

    def label(self, painter: QPainter, rect: QRectF, align: Qt.AlignmentFlag, text: str) -> None:
        painter.setPen(_INK)
        painter.drawText(rect, int(align), text)

    def y_grid(self, painter: QPainter, top: float, step: float) -> None:
        u, plot = self.unit, self.plot
        value = 0.0
        while value <= top + 1e-9:
            y = plot.bottom() - value / top * plot.height()
            painter.setPen(QPen(_GRID, max(1.0, u)))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            self.label(painter, QRectF(self.rect.left(), y - 12 * u, 52 * u, 24 * u), right, f"{value:g}")
            value += step

    def x_labels(self, painter: QPainter, labels: list[str], span: tuple[float, float] | None = None) -> None:
        u, plot = self.unit, self.plot
        left, right = span or (plot.left(), plot.right())
        band = QRectF(left, plot.bottom() + 8 * u, right - left, 28 * u)
        top = Qt.AlignmentFlag.AlignTop
        aligns = (Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignHCenter, Qt.AlignmentFlag.AlignRight)
        chosen = aligns if len(labels) == 3 else aligns[::2] if len(labels) == 2 else aligns[1:2]
        for text, align in zip(labels, chosen, strict=False):
            self.label(painter, band, align | top, text)

    def legend(self, painter: QPainter, entries: list[tuple[str, QColor | None]]) -> None:
        """A dot of each colour and its name; no colour: a dashed line."""
        u = self.unit
        x = self.plot.left()
        mid = self.rect.top() + 16 * u
        for text, color in entries:
            if color is None:
                painter.setPen(QPen(_INK, 2.5 * u, Qt.PenStyle.DashLine))
                painter.drawLine(QPointF(x, mid), QPointF(x + 30 * u, mid))
                x += 22 * u
            else:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(color)
                painter.drawEllipse(QPointF(x + 7 * u, mid), 6 * u, 6 * u)
                painter.setBrush(Qt.BrushStyle.NoBrush)
            box = QRectF(x + 18 * u, self.rect.top(), 420 * u, 32 * u)
            self.label(painter, box, Qt.AlignmentFlag.AlignVCenter, text)
            x += 18 * u + painter.fontMetrics().horizontalAdvance(text) + 30 * u


def draw_minutes(painter: QPainter, rect: QRectF, weeks: list[tuple[date, float]]) -> None:
    """Bars of massage minutes per week (from Monday), oldest on the left."""
    f = _Frame(rect)
    f.font(painter)
    top = max((m for _d, m in weeks), default=0.0)
    step = _nice_step(max(top, 1.0))
    top = max(step, step * -(-top // step))
    f.y_grid(painter, top, step)
    f.legend(painter, [("Minutes of massage in the week", _BAR)])
    if not weeks:
        return
    first, last = weeks[0][0], weeks[-1][0]
    span = max(1, (last - first).days // 7 + 1)
    slot = f.plot.width() / max(span, MIN_WEEKS)  # a few weeks: narrow bars, in the middle
    start = f.plot.left() + (f.plot.width() - slot * span) / 2
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(_BAR)
    for monday, minutes in weeks:
        i = (monday - first).days // 7
        h = minutes / top * f.plot.height()
        gap = slot * 0.15 if slot > 6 * f.unit else 0
        painter.drawRect(QRectF(start + i * slot + gap / 2, f.plot.bottom() - h, slot - gap, h))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    labels = [first.strftime("%d %b %Y")] + ([last.strftime("%d %b %Y")] if last != first else [])
    if len(labels) == 1:
        f.x_labels(painter, labels, (start - 100 * f.unit, start + slot + 100 * f.unit))
        return
    f.x_labels(painter, labels, (start, start + slot * span))


def draw_pain(painter: QPainter, rect: QRectF, rows: Pain) -> None:
    """Pain before and after each session (0 to 10), with trend lines from :data:`MIN_FOR_TREND` sessions."""
    f = _Frame(rect)
    f.font(painter)
    f.y_grid(painter, 10, 2)
    trend = len(rows) >= MIN_FOR_TREND
    f.legend(painter, [("Before", _BEFORE), ("After", _AFTER)] + ([("Trend", None)] if trend else []))
    points = pain_points(rows)
    if not points:
        return
    x0, x1 = points[0][0], points[-1][0]
    if x1 - x0 < 86400:
        x0, x1 = x0 - 43200, x1 + 43200
    plot, u = f.plot, f.unit

    def pos(x: float, y: float) -> QPointF:
        return QPointF(plot.left() + (x - x0) / (x1 - x0) * plot.width(), plot.bottom() - y / 10 * plot.height())

    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    radius = (3.5 if len(points) > 100 else 5) * u
    for i, color in enumerate((_BEFORE, _AFTER)):
        series = [(x, v) for x, *vals in points if (v := vals[i]) is not None]
        painter.setPen(QPen(color.darker(125), max(1.0, u)))
        painter.setBrush(color)
        for x, v in series:
            painter.drawEllipse(pos(x, v), radius, radius)
        fit = _fit(series) if trend else None
        if fit is not None:
            slope, intercept = fit
            xa, xb = series[0][0], series[-1][0]
            a = pos(xa, max(0.0, min(10.0, slope * xa + intercept)))
            b = pos(xb, max(0.0, min(10.0, slope * xb + intercept)))
            painter.setPen(QPen(color.darker(110), 3 * u, Qt.PenStyle.DashLine))
            painter.drawLine(a, b)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    labels = [day(x0), day((x0 + x1) / 2), day(x1)]
    f.x_labels(painter, labels if len(set(labels)) == 3 else [day((x0 + x1) / 2)])


class ChartObjects:
    """A document's charts: each holds its place as a blank picture, and is drawn over it in vectors.

    (A QTextObjectInterface would be the way to draw inside the text, but Qt does not call
    one written in Python.) The place is a 1-pixel white image stretched to the chart's size:
    one line that Qt never splits across two pages.
    """

    def __init__(self, doc: QTextDocument) -> None:
        self.doc = doc
        self._charts: list[tuple[int, str, object]] = []
        self._blank = QImage(1, 1, QImage.Format.Format_RGB32)
        self._blank.fill(QColor("white"))

    def add(self, cursor: QTextCursor, kind: str, data: object, width: float) -> None:
        """A chart (``"minutes"`` or ``"pain"``) of ``data`` at the cursor (alone in its block), ``width`` wide."""
        url = QUrl(f"massage-timer://chart/{len(self._charts)}")
        self.doc.addResource(QTextDocument.ResourceType.ImageResource, url, self._blank)
        fmt = QTextImageFormat()
        fmt.setName(url.toString())
        fmt.setWidth(width)
        fmt.setHeight(width * ASPECT)
        self._charts.append((cursor.position(), kind, data))
        cursor.insertImage(fmt)

    def draw(self, painter: QPainter, view: QRectF) -> None:
        """Draw the charts that are in ``view`` (document coordinates, as the painter is)."""
        layout = self.doc.documentLayout()
        for position, kind, data in self._charts:
            rect = layout.blockBoundingRect(self.doc.findBlock(position))
            if not rect.intersects(view):
                continue
            fmt = self.doc.findBlock(position).begin().fragment().charFormat().toImageFormat()
            device = layout.paintDevice()
            width = fmt.width() * (device.logicalDpiX() / 96 if device is not None else 1.0)  # as Qt scales it
            area = QRectF(rect.left(), rect.top(), width, width * ASPECT)
            painter.save()
            try:
                (draw_minutes if kind == "minutes" else draw_pain)(painter, area, data)  # type: ignore[arg-type]
            finally:
                painter.restore()
