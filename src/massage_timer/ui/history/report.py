"""A printable session report (PDF) of one person, to bring to their doctor.

:func:`write_report` reads what the report shows (:func:`read_report`; the filter
must name the person), puts the pages together as a QTextDocument
(:mod:`.report_layout`: every text from the log inserted as plain text, never as
markup) and writes them one by one with QPdfWriter on the locale's paper (Letter or
A4), with a header line and "Page N of M" on each. It needs a QGuiApplication but no
window and no pyqtgraph (the charts are drawn with QPainter on the PDF,
:mod:`.report_chart`), so it can run on a worker thread (:mod:`.report_job`): Qt's text documents, QPainter on a PDF
writer and images are reentrant, and nothing here touches a widget or a pixmap.

It says how far it got and stops when asked (between two pieces or two pages). The
PDF is written under a temporary name and renamed into place once complete, so a
cancel or an error never leaves a half file.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QLocale, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from ... import __version__
from ...core.log import Filter, Store
from ...core.paths import private_replacement
from ...core.text import printable
from .model import STATUS_LABELS
from .report_chart import ChartObjects, day, pain_points
from .report_layout import DISCLAIMER, TITLE, ReportData, compose

__all__ = [
    "DISCLAIMER",
    "TITLE",
    "NoPerson",
    "ReportCancelled",
    "ReportData",
    "build_document",
    "page_size_for",
    "pain_points",
    "read_report",
    "write_report",
]

MAX_TABLE_ROWS = 500
"""The session table lists at most this many (the latest); the summary covers all."""
MADE_WITH = f"Made with Massage Timer {__version__}"
_TERRITORY = getattr(QLocale, "Territory", QLocale.Country)
LETTER_TERRITORIES = frozenset(
    getattr(_TERRITORY, name)
    for name in (
        "UnitedStates", "Canada", "Mexico", "Philippines", "Chile", "Colombia", "Venezuela", "CostaRica",
        "Guatemala", "Panama", "PuertoRico", "DominicanRepublic", "ElSalvador", "Nicaragua", "Belize",
    )
    if hasattr(_TERRITORY, name)
)  # fmt: skip
"""Where letter paper is the usual size (elsewhere A4)."""
Progress = Callable[[float, str], None]
"""Told how far the report is (0 to 1) and what it does."""
# How the progress is shared out: reading, putting the pages together, laying them out, writing.
_READ, _COMPOSE, _KEEP, _LAYOUT = 0.05, 0.2, 0.3, 0.35


class ReportCancelled(Exception):
    """The report was cancelled; nothing was written."""


def _period(flt: Filter, first: float | None, last: float | None) -> str:
    start = flt.since_ts if flt.since_ts is not None else first
    end = flt.until_ts - 1 if flt.until_ts is not None else last
    if start is None or end is None:
        return "—"
    return f"{day(start)} – {day(end)}"


class NoPerson(ValueError):
    """A report is of one person: the filter names none."""

    def __init__(self) -> None:
        super().__init__("A report is of one person: choose the person it is for.")


def page_size_for(locale: QLocale | None = None) -> QPageSize.PageSizeId:
    """Letter in the US, Canada and the other places that use it; A4 elsewhere."""
    territory = (locale or QLocale()).territory()
    return QPageSize.PageSizeId.Letter if territory in LETTER_TERRITORIES else QPageSize.PageSizeId.A4


def read_report(store: Store, flt: Filter, *, with_chart: bool = True) -> ReportData:
    """Everything the report of one person's filtered sessions shows (a few queries, then plain values).

    Raises:
        NoPerson: the filter names neither a client (``flt.client_id``) nor a person.
    """
    client = store.client(flt.client_id) if flt.client_id is not None else None
    person = client.name if client is not None else flt.person
    if person is None:
        raise NoPerson
    summary = store.summary(flt)
    period = _period(flt, summary.first_ts, summary.last_ts)
    facts = [("Person", person), ("Period", period)]
    if client is not None and client.born:
        facts.append(("Born", client.born))
    if flt.protocol_id is not None:
        titles = dict(store.protocol_ids())
        facts.append(("Protocol", titles.get(flt.protocol_id, flt.protocol_id)))
    if flt.status is not None:
        facts.append(("Status", STATUS_LABELS.get(flt.status, flt.status)))
    facts.append(("Generated", datetime.now(UTC).astimezone().strftime("%d %b %Y, %H:%M")))
    facts.append(("Made with", f"Massage Timer {__version__}"))
    data = ReportData(facts, summary, person=person, period=period)
    if summary.sessions:
        data.per_protocol = [(title, count) for _pid, title, count in store.sessions_per_protocol(flt)]
        if with_chart:
            weeks: dict = {}
            for week in store.week_totals(flt):
                weeks[week.monday] = weeks.get(week.monday, 0.0) + week.minutes
            data.weeks = sorted(weeks.items())
            data.pain = store.pain_trend(flt)
        data.rows = store.sessions(flt, limit=MAX_TABLE_ROWS)
        data.rows.reverse()
        data.steps = {s.id: store.steps(s.id) for s in data.rows}
        notes = store.soap_notes()
        data.soap = {s.id: notes[s.id] for s in data.rows if s.id in notes}
        data.addenda = {s.id: store.addenda(s.id) for s in data.rows if s.signed_ts is not None}
    return data


class _Steps:
    """Passes progress on, and stops the report (:class:`ReportCancelled`) once it is cancelled."""

    def __init__(self, progress: Progress | None, cancelled: Callable[[], bool] | None) -> None:
        self._progress = progress
        self._cancelled = cancelled

    def __call__(self, done: float, what: str) -> None:
        if self._cancelled is not None and self._cancelled():
            raise ReportCancelled
        if self._progress is not None:
            self._progress(done, what)

    def part(self, start: float, end: float) -> Callable[[float, str], None]:
        """The same, for a phase that makes up ``start`` to ``end`` of the whole."""
        return lambda done, what: self(start + (end - start) * done, what)


def _new_document(writer: QPdfWriter | None = None) -> QTextDocument:
    doc = QTextDocument()
    if writer is not None:
        doc.documentLayout().setPaintDevice(writer)  # lay out in the PDF's units, not the screen's
    doc.setUndoRedoEnabled(False)
    doc.setPageSize(QSizeF(0, 0))  # a null page: nothing is laid out while the report is put together
    doc.setDocumentMargin(0)
    font = QFont()
    font.setPointSizeF(9.5)
    for feature in ("liga", "clig"):  # "fi" stays two letters: the PDF's text is searched and copied
        font.setFeature(QFont.Tag(feature), 0)
    doc.setDefaultFont(font)
    return doc


def build_document(store: Store, flt: Filter) -> tuple[QTextDocument, int]:
    """The report as a QTextDocument (to look at its text), and the number of sessions (NoPerson without one)."""
    data = read_report(store, flt)
    doc = _new_document()
    compose(doc, data, lambda _done, _what: None)
    doc.setTextWidth(700)
    return doc, data.summary.sessions


def _lay_out(doc: QTextDocument, step: Callable[[float, str], None]) -> int:
    """Lay the pages out a piece at a time (so that a cancel is heard); returns the page count."""
    layout = doc.documentLayout()
    total = max(1, doc.characterCount())
    block = doc.begin()
    n = done = 0
    while block.isValid():
        n += 1
        if n % 40 == 0 or block.position() - done > 10_000:
            layout.blockBoundingRect(block)  # lays the document out down to this block
            done = block.position()
            step(done / total, "Laying out the pages…")
        block = block.next()
    return doc.pageCount()


def _keep_together(doc: QTextDocument, groups: list[tuple[int, int]], step: Callable[[float, str], None]) -> int:
    """Start a group of blocks on a new page when it would be split but fits on one page.

    Qt has no "keep with next"; the document is laid out already, and a page break put
    before a group lays out again only what follows it. Returns the page count.
    """
    layout = doc.documentLayout()
    height = doc.pageSize().height()
    for n, (first, last) in enumerate(groups, 1):
        top = layout.blockBoundingRect(doc.findBlockByNumber(first)).top()
        bottom = layout.blockBoundingRect(doc.findBlockByNumber(last)).bottom()
        if int(top // height) != int(bottom // height) and bottom - top < height * 0.9:
            cursor = QTextCursor(doc.findBlockByNumber(first))
            fmt = cursor.blockFormat()
            fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            cursor.setBlockFormat(fmt)
        if n % 50 == 0:
            step(n / len(groups), "Laying out the pages…")
    return doc.pageCount()


def _band(painter: QPainter, doc: QTextDocument, rect: QRectF, left: str, right: str) -> None:
    """A line of small muted text: ``left`` (shortened to fit) and ``right``."""
    font = QFont(doc.defaultFont())
    font.setPointSizeF(7.5)
    painter.setFont(font)
    painter.setPen(QColor("#5d676c"))
    metrics = QFontMetricsF(font, painter.device())
    room = rect.width() - metrics.horizontalAdvance(right) - metrics.averageCharWidth() * 4
    left = metrics.elidedText(left, Qt.TextElideMode.ElideRight, room)
    middle = Qt.AlignmentFlag.AlignVCenter
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | middle), left)
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignRight | middle), right)


def _draw_page(
    painter: QPainter,
    doc: QTextDocument,
    index: int,
    pages: int,
    bands: tuple[float, float],
    data: ReportData,
    charts: ChartObjects,
) -> None:
    header, footer = bands
    size = doc.pageSize()
    width = size.width()
    _band(painter, doc, QRectF(0, 0, width, header * 0.6), f"{TITLE} · {printable(data.person)}", data.period)
    painter.setPen(QColor("#c9cfcc"))
    painter.drawLine(QPointF(0, header * 0.6), QPointF(width, header * 0.6))
    view = QRectF(0, index * size.height(), size.width(), size.height())
    painter.save()
    painter.translate(0, header - view.top())
    painter.setClipRect(view)
    context = QAbstractTextDocumentLayout.PaintContext()
    context.clip = view
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Text, QColor("black"))  # never the screen's (dark) scheme
    context.palette = palette
    doc.documentLayout().draw(painter, context)
    charts.draw(painter, view)
    painter.restore()
    band = QRectF(0, header + size.height() + footer * 0.4, width, footer * 0.6)
    _band(painter, doc, band, MADE_WITH, f"Page {index + 1} of {pages}")


def _write_pdf(data: ReportData, target: Path, step: _Steps, page: QPageSize.PageSizeId) -> None:
    writer = QPdfWriter(str(target))
    writer.setTitle(f"{TITLE}: {printable(data.person)}")
    writer.setCreator(f"Massage Timer {__version__}")
    writer.setPageLayout(QPageLayout(QPageSize(page), QPageLayout.Orientation.Portrait, QMarginsF(18, 12, 18, 10)))
    writer.setResolution(300)
    body = writer.pageLayout().paintRectPixels(writer.resolution())
    mm = writer.resolution() / 25.4
    bands = (9 * mm, 8 * mm)  # the header line and the page number
    doc = _new_document(writer)
    composed = compose(doc, data, step.part(_READ, _COMPOSE), body.width())
    charts = composed.charts
    doc.setPageSize(QSizeF(body.width(), body.height() - sum(bands)))  # only now: no layout while composing
    _lay_out(doc, step.part(_COMPOSE, _KEEP))
    pages = _keep_together(doc, composed.groups, step.part(_KEEP, _LAYOUT))
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(errno.EIO, "the PDF could not be started")
    try:
        for index in range(pages):
            step(_LAYOUT + (1 - _LAYOUT) * index / pages, f"Writing page {index + 1} of {pages}…")
            if index and not writer.newPage():
                raise OSError(errno.EIO, "a new page could not be added")
            _draw_page(painter, doc, index, pages, bands, data, charts)
    finally:
        painter.end()


def _check_pdf(partial: Path) -> None:
    """QPdfWriter reports no write errors: a PDF without its end was cut short (a full disk)."""
    with open(partial, "rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - 1024))
        if size == 0 or b"%%EOF" not in handle.read():
            raise OSError(errno.ENOSPC, "the PDF was not written completely")


def write_report(
    store: Store,
    flt: Filter,
    path: Path,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    page: QPageSize.PageSizeId | None = None,
) -> int:
    """Write the report of one person's filtered sessions as a PDF at ``path``; returns the session count.

    ``progress`` hears how far it got; once ``cancelled()`` is true the report stops
    and nothing is written. ``path`` is replaced only by a complete PDF (0600). The
    paper is ``page``, or the locale's (:func:`page_size_for`).

    Raises:
        NoPerson: the filter names no client nor person (a report is of one person).
        ReportCancelled: ``cancelled()`` became true (``path`` is untouched).
        OSError: the file cannot be written; its ``filename`` is ``path``.
    """
    step = _Steps(progress, cancelled)
    step(0.0, "Reading the sessions…")
    data = read_report(store, flt)
    with private_replacement(Path(path)) as partial:
        _write_pdf(data, partial, step, page if page is not None else page_size_for())
        _check_pdf(partial)
    if progress is not None:
        progress(1.0, "Saved")
    return data.summary.sessions
