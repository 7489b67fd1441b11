"""A printable session report (PDF) that a person can bring to their doctor.

The report is HTML that this module generates (every string from the log
escaped) laid out by a QTextDocument and written with QPdfWriter or sent to a
printer. It needs a QGuiApplication but no window, and no pyqtgraph: the pain
chart is drawn with QPainter.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QTextDocument,
)

from ...core.log import Filter, SessionRow, Store
from .model import STATUS_LABELS, format_duration, format_pain, local_datetime

TITLE = "Massage Timer — session report"
DISCLAIMER = "Massage Timer guides massage routines; it does not diagnose. Show this report to your doctor."
MAX_TABLE_ROWS = 500
"""The session table lists at most this many (the latest); the summary covers all."""
CHART_URL = QUrl("massage-timer://pain-chart.png")
_BEFORE = QColor("#d9822b")
_AFTER = QColor("#2a7f86")


def _day(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%d %b %Y")


def _period(flt: Filter, first: float | None, last: float | None) -> str:
    start = flt.since_ts if flt.since_ts is not None else first
    end = flt.until_ts - 1 if flt.until_ts is not None else last
    if start is None or end is None:
        return "—"
    return f"{_day(start)} – {_day(end)}"


def _hours(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def _avg(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


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
        p.drawText(rect, int(align | Qt.AlignmentFlag.AlignTop), _day(x))
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


def _row_html(s: SessionRow) -> str:
    when = local_datetime(s.started_ts, s.utc_offset_min).strftime("%Y-%m-%d %H:%M")
    cells = (
        when,
        s.protocol_title,
        format_duration(s.actual_seconds),
        STATUS_LABELS.get(s.status, s.status),
        format_pain(s.pain_before, s.pain_after) or "—",
        s.notes,
    )
    return "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>"


def report_html(store: Store, flt: Filter, *, with_chart: bool = True) -> tuple[str, int, QImage | None]:
    """The report as HTML, the number of sessions, and the pain chart image (or None)."""
    summary = store.summary(flt)
    e = html.escape
    persons = [flt.person] if flt.person is not None else summary.persons
    person_text = ", ".join(persons) if persons else "—"
    generated = datetime.now(UTC).astimezone().strftime("%d %b %Y, %H:%M")
    parts = [
        "<html><head><style>",
        "body { font-family: sans-serif; color: #1d2428; }",
        "h1 { font-size: 18pt; color: #1f6b72; margin-bottom: 2px; }",
        "h2 { font-size: 13pt; margin-top: 16px; margin-bottom: 4px; }",
        "td, th { padding: 3px 6px; vertical-align: top; }",
        "th { background-color: #e9ece8; text-align: left; }",
        ".muted { color: #5d676c; }",
        ".disclaimer { margin-top: 18px; padding: 6px; background-color: #fdf3e7; }",
        "</style></head><body>",
        f"<h1>{e(TITLE)}</h1>",
        "<table cellspacing='0'>",
        f"<tr><td><b>Person{'s' if len(persons) > 1 else ''}</b></td><td>{e(person_text)}</td></tr>",
        f"<tr><td><b>Period</b></td><td>{e(_period(flt, summary.first_ts, summary.last_ts))}</td></tr>",
    ]
    if flt.protocol_id is not None:
        titles = dict(store.protocol_ids())
        parts.append(f"<tr><td><b>Protocol</b></td><td>{e(titles.get(flt.protocol_id, flt.protocol_id))}</td></tr>")
    if flt.status is not None:
        parts.append(f"<tr><td><b>Status</b></td><td>{e(STATUS_LABELS.get(flt.status, flt.status))}</td></tr>")
    parts.append(f"<tr><td><b>Generated</b></td><td>{e(generated)}</td></tr></table>")

    parts.append("<h2>Summary</h2>")
    if summary.sessions == 0:
        parts.append("<p>No sessions in this period.</p>")
    else:
        parts.append("<table cellspacing='0'>")
        parts.append(f"<tr><td>Sessions</td><td><b>{summary.sessions:,}</b></td></tr>")
        parts.append(f"<tr><td>Total massage time</td><td><b>{e(_hours(summary.active_seconds))}</b></td></tr>")
        parts.append(
            f"<tr><td>Average pain before</td><td><b>{_avg(summary.pain_before_avg)}</b> / 10</td></tr>"
            f"<tr><td>Average pain after</td><td><b>{_avg(summary.pain_after_avg)}</b> / 10</td></tr>"
        )
        if summary.pain_change_avg is not None:
            change = summary.pain_change_avg
            parts.append(
                f"<tr><td>Average change in a session</td><td><b>{change:+.1f}</b>"
                f" <span class='muted'>(over {summary.pain_pairs:,} sessions rated before and after)</span></td></tr>"
            )
        parts.append("</table>")
        parts.append("<h2>Sessions per protocol</h2><table cellspacing='0'>")
        for _pid, title, count in store.sessions_per_protocol(flt):
            parts.append(f"<tr><td>{e(title)}</td><td align='right'><b>{count:,}</b></td></tr>")
        parts.append("</table>")

    image = None
    if with_chart and summary.sessions:
        image = pain_chart(store.pain_trend(flt))
        if image is not None:
            parts.append("<h2>Pain before and after</h2>")
            parts.append(f"<p><img src='{CHART_URL.toString()}' width='620'></p>")

    if summary.sessions:
        rows = store.sessions(flt, limit=MAX_TABLE_ROWS)
        rows.reverse()
        parts.append("<h2>Sessions</h2>")
        if summary.sessions > len(rows):
            parts.append(
                f"<p class='muted'>The latest {len(rows):,} of {summary.sessions:,} sessions;"
                " the summary above covers all of them.</p>"
            )
        parts.append(
            "<table width='100%' border='1' cellspacing='0' cellpadding='3' style='border-color: #c9cfcc;'>"
            "<tr><th width='15%'>Date</th><th width='22%'>Protocol</th><th width='10%'>Duration</th>"
            "<th width='12%'>Status</th><th width='8%'>Pain</th><th>Notes</th></tr>"
        )
        parts.extend(_row_html(s) for s in rows)
        parts.append("</table>")

    parts.append(f"<p class='disclaimer'><b>{e(DISCLAIMER)}</b></p>")
    parts.append("</body></html>")
    return "\n".join(parts), summary.sessions, image


def build_document(store: Store, flt: Filter) -> tuple[QTextDocument, int]:
    """The report laid out as a QTextDocument (for a PDF or a printer)."""
    text, count, image = report_html(store, flt)
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    font = QFont()
    font.setPointSizeF(9.5)
    doc.setDefaultFont(font)
    if image is not None:
        doc.addResource(QTextDocument.ResourceType.ImageResource, CHART_URL, image)
    doc.setHtml(text)
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, TITLE)
    return doc, count


def write_report(store: Store, flt: Filter, path: Path) -> int:
    """Write the report of the filtered sessions as a PDF at ``path``; returns the session count.

    Raises:
        OSError: the file cannot be written.
    """
    doc, count = build_document(store, flt)
    path = Path(path)
    # QPdfWriter does not report failures: check that the place is writable first.
    with open(path, "wb"):
        pass
    writer = QPdfWriter(str(path))
    writer.setTitle(TITLE)
    writer.setCreator("Massage Timer")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(18, 16, 18, 16),
        )
    )
    writer.setResolution(300)
    doc.print_(writer)
    del writer  # finishes the file
    if path.stat().st_size == 0:
        raise OSError(f"nothing was written to {path}")
    return count
