"""The report's pain chart: pain before and after each session, with trend lines.

Drawn with QPainter on a QImage (no pyqtgraph, no widget), so it can be drawn on the
report's worker thread.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen

_BEFORE = QColor("#d9822b")
_AFTER = QColor("#2a7f86")


def day(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%d %b %Y")


def pain_points(
    rows: list[tuple[float, int | None, int | None]], limit: int = 400
) -> list[tuple[float, float | None, float | None]]:
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
        (
            (w + 0.5) * 7 * 86400,
            acc[0] / acc[1] if acc[1] else None,
            acc[2] / acc[3] if acc[3] else None,
        )
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


def pain_chart(rows: list[tuple[float, int | None, int | None]], width: int = 1400, height: int = 520) -> QImage | None:
    """A simple before/after pain chart with trend lines, or None without ratings."""
    points = pain_points(rows)
    if not points:
        return None
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont()
    font.setPixelSize(22)
    p.setFont(font)
    left, right, top, bottom = 70, 30, 50, 60
    plot = QRectF(left, top, width - left - right, height - top - bottom)
    x0 = points[0][0]
    x1 = points[-1][0]
    if x1 - x0 < 86400:
        x0, x1 = x0 - 43200, x1 + 43200

    def pos(x: float, y: float) -> QPointF:
        return QPointF(
            plot.left() + (x - x0) / (x1 - x0) * plot.width(),
            plot.bottom() - y / 10 * plot.height(),
        )

    grid = QPen(QColor("#d5dad7"), 1)
    p.setPen(grid)
    for v in range(0, 11, 2):
        y = pos(x0, v).y()
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        p.setPen(QColor("#1d2428"))
        p.drawText(
            QRectF(0, y - 14, left - 12, 28),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            str(v),
        )
        p.setPen(grid)
    p.setPen(QColor("#1d2428"))
    for frac in (0.0, 0.5, 1.0):
        x = x0 + (x1 - x0) * frac
        align = {
            0.0: Qt.AlignmentFlag.AlignLeft,
            0.5: Qt.AlignmentFlag.AlignHCenter,
            1.0: Qt.AlignmentFlag.AlignRight,
        }[frac]
        px = pos(x, 0).x()
        rect = QRectF(px - (0 if frac == 0 else 200 if frac == 1 else 100), plot.bottom() + 10, 200, 34)
        p.drawText(rect, int(align | Qt.AlignmentFlag.AlignTop), day(x))
    for i, (name, color) in enumerate((("Before", _BEFORE), ("After", _AFTER))):
        series = [(x, v) for x, *vals in points if (v := vals[i]) is not None]
        p.setPen(QPen(color.darker(120), 1.5))
        p.setBrush(color)
        radius = 5 if len(points) > 100 else 7
        for x, v in series:
            p.drawEllipse(pos(x, v), radius, radius)
        fit = _fit(series)
        if fit is not None:
            slope, intercept = fit
            xa, xb = series[0][0], series[-1][0]
            path = QPainterPath(pos(xa, max(0.0, min(10.0, slope * xa + intercept))))
            path.lineTo(pos(xb, max(0.0, min(10.0, slope * xb + intercept))))
            pen = QPen(color, 4, Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
        # Legend
        lx = plot.left() + 10 + i * 380
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawEllipse(QPointF(lx + 8, 22), 8, 8)
        p.setPen(QColor("#1d2428"))
        p.drawText(
            QRectF(lx + 24, 6, 340, 32),
            int(Qt.AlignmentFlag.AlignVCenter),
            f"{name} (dashed: trend)",
        )
    p.end()
    return image
