"""The report's pages as a QTextDocument, put together piece by piece with a text cursor.

Every text from the log goes in with ``insertText``: it is shown as written and never
read as markup (a note holding ``<img src=...>`` prints those characters). No piece is
big: Qt holds Python's lock for the whole of each call, so building the document in
many small calls (not one ``setHtml``) keeps the window responsive while a worker
thread writes the report. For the same reason the sessions table is cut into a table
per month (of at most :data:`ROWS_PER_TABLE` rows), which Qt lays out one at a time.

Notes of any length are printed in full. A long note is not put in the table (a table
cell spanning many pages is slow to lay out): its row shows the beginning, and the
whole note follows the tables in paragraphs of at most :data:`PARAGRAPH_CHARS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QUrl
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFrameFormat,
    QTextImageFormat,
    QTextLength,
    QTextTable,
    QTextTableCellFormat,
    QTextTableFormat,
)

from ...core.log import SessionRow, Summary
from .model import STATUS_LABELS, format_duration, format_pain, local_datetime

TITLE = "Massage Timer — session report"
DISCLAIMER = "Massage Timer guides massage routines; it does not diagnose. Show this report to your doctor."
CHART_URL = QUrl("massage-timer://pain-chart.png")
NOTE_IN_TABLE = 300
"""Notes up to this many characters (and :data:`NOTE_LINES_IN_TABLE` lines) are shown whole in the table."""
NOTE_LINES_IN_TABLE = 6
PARAGRAPH_CHARS = 4000
"""A longer line of a note is printed as several paragraphs, cut between words."""
ROWS_PER_TABLE = 60
COLUMNS = (("Date", 14), ("Protocol", 20), ("Duration", 12), ("Status", 12), ("Pain", 8), ("Notes", 0))
"""The sessions table: heading and width in percent (0: the rest)."""

_INK, _TEAL, _MUTED = QColor("#1d2428"), QColor("#1f6b72"), QColor("#5d676c")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
Step = Callable[[float, str], None]


@dataclass
class ReportData:
    """What the report shows, read from the log (plain values)."""

    facts: list[tuple[str, ...]]
    """Person, period, filters, when generated."""
    summary: Summary
    per_protocol: list[tuple[str, int]] = field(default_factory=list)
    chart: QImage | None = None
    rows: list[SessionRow] = field(default_factory=list)
    """The sessions of the table, oldest first."""


def note_lines(notes: str) -> list[str]:
    """A note's lines as text to print (control characters other than tabs left out)."""
    return _LINE_BREAK.split(_UNPRINTABLE.sub("", notes))


def fits_in_table(notes: str) -> bool:
    return len(notes) <= NOTE_IN_TABLE and len(note_lines(notes)) <= NOTE_LINES_IN_TABLE


def beginning(notes: str, length: int = NOTE_IN_TABLE * 2 // 3) -> str:
    """The first words of a long note, for its row in the table."""
    text = " ".join(line.strip() for line in note_lines(notes[: length * 2]) if line.strip())
    if len(text) <= length:
        return text
    cut = text.rfind(" ", length // 2, length)
    return text[: cut if cut > 0 else length]


def paragraphs(line: str) -> list[str]:
    """A line of a note as paragraphs of at most :data:`PARAGRAPH_CHARS`, cut between words."""
    out = []
    while len(line) > PARAGRAPH_CHARS:
        cut = line.rfind(" ", PARAGRAPH_CHARS // 2, PARAGRAPH_CHARS)
        cut = cut + 1 if cut > 0 else PARAGRAPH_CHARS
        out.append(line[:cut])
        line = line[cut:]
    out.append(line)
    return out


def _char(
    size: float | None = None, *, bold: bool = False, italic: bool = False, color: QColor = _INK
) -> QTextCharFormat:
    fmt = QTextCharFormat()
    if size is not None:
        fmt.setFontPointSize(size)
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    fmt.setForeground(QBrush(color))
    return fmt


def _block(top: float = 0, bottom: float = 0, background: QColor | None = None) -> QTextBlockFormat:
    fmt = QTextBlockFormat()
    fmt.setTopMargin(top)
    fmt.setBottomMargin(bottom)
    if background is not None:
        fmt.setBackground(QBrush(background))
    return fmt


class _Composer:
    """Adds blocks and tables at the end of a document."""

    def __init__(self, doc: QTextDocument) -> None:
        self.doc = doc
        self.cursor = QTextCursor(doc)
        self._reuse = True  # the document's first block, or the empty one after a table
        self.text = _char()
        self.bold = _char(bold=True)
        self.muted = _char(color=_MUTED)

    def block(self, text: str, char: QTextCharFormat | None = None, fmt: QTextBlockFormat | None = None) -> None:
        char = char or self.text
        fmt = fmt or _block()
        if self._reuse:
            self.cursor.setBlockFormat(fmt)
            self.cursor.setBlockCharFormat(char)
            self._reuse = False
        else:
            self.cursor.insertBlock(fmt, char)
        self.cursor.insertText(text, char)

    def heading(self, text: str, size: float = 13, top: float = 20) -> None:
        self.block(text, _char(size, bold=True), _block(top, 5))

    def table(self, rows: int, columns: int, fmt: QTextTableFormat) -> QTextTable:
        if not self._reuse:
            self.cursor.insertBlock(_block(), self.text)
        table = self.cursor.insertTable(rows, columns, fmt)
        self.cursor.movePosition(QTextCursor.MoveOperation.End)
        self._reuse = True
        return table

    def cell(self, table: QTextTable, row: int, column: int, text: str, char: QTextCharFormat | None = None) -> None:
        table.cellAt(row, column).lastCursorPosition().insertText(text, char or self.text)

    def pairs(self, items: list[tuple[str, ...]], key: QTextCharFormat, value: QTextCharFormat) -> None:
        """A borderless table of (label, value[, a muted remark]) rows."""
        fmt = QTextTableFormat()
        fmt.setBorder(0)
        fmt.setCellSpacing(0)
        fmt.setCellPadding(2)
        fmt.setTopMargin(2)
        fmt.setBottomMargin(12)  # Qt gives the block after a table no top margin
        table = self.table(len(items), 2, fmt)
        for row, (label, text, *remark) in enumerate(items):
            self.cell(table, row, 0, label, key)
            self.cell(table, row, 1, text, value)
            for more in remark:
                self.cell(table, row, 1, f" {more}", self.muted)


def _summary(c: _Composer, data: ReportData) -> None:
    s = data.summary
    c.heading("Summary")
    if s.sessions == 0:
        c.block("No sessions in this period.")
        return
    items = [
        ("Sessions", f"{s.sessions:,}"),
        ("Total massage time", _hours(s.active_seconds)),
        ("Average pain before", _avg(s.pain_before_avg), "/ 10"),
        ("Average pain after", _avg(s.pain_after_avg), "/ 10"),
    ]
    if s.pain_change_avg is not None:
        change = f"{s.pain_change_avg:+.1f}"
        items.append(
            ("Average change in a session", change, f"(over {s.pain_pairs:,} sessions rated before and after)")
        )
    c.pairs(items, c.text, c.bold)
    c.heading("Sessions per protocol")
    c.pairs([(title, f"{count:,}") for title, count in data.per_protocol], c.text, c.bold)
    if data.chart is not None:
        c.heading("Pain before and after")
        c.doc.addResource(QTextDocument.ResourceType.ImageResource, CHART_URL, data.chart)
        image = QTextImageFormat()
        image.setName(CHART_URL.toString())
        image.setWidth(620)
        image.setHeight(620 * data.chart.height() / max(1, data.chart.width()))
        c.block("")
        c.cursor.insertImage(image)


def _hours(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def _avg(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _when(s: SessionRow) -> str:
    return local_datetime(s.started_ts, s.utc_offset_min).strftime("%Y-%m-%d %H:%M")


def _sessions_format() -> QTextTableFormat:
    fmt = QTextTableFormat()
    fmt.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
    fmt.setColumnWidthConstraints(
        [
            QTextLength(QTextLength.Type.PercentageLength, width)
            if width
            else QTextLength(QTextLength.Type.VariableLength, 0)
            for _name, width in COLUMNS
        ]
    )
    fmt.setBorder(1)
    fmt.setBorderBrush(QBrush(QColor("#c9cfcc")))
    fmt.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
    fmt.setBorderCollapse(True)
    fmt.setCellSpacing(0)
    fmt.setCellPadding(3)
    fmt.setHeaderRowCount(1)  # repeated on every page the table goes on
    fmt.setBottomMargin(8)
    return fmt


def _sessions(c: _Composer, data: ReportData, total: int, step: Step) -> None:
    rows = data.rows
    c.heading("Sessions")
    if total > len(rows):
        c.block(f"The latest {len(rows):,} of {total:,} sessions; the summary above covers all of them.", c.muted)
    chunks: list[tuple[str, list[SessionRow]]] = []
    for s in rows:
        month = local_datetime(s.started_ts, s.utc_offset_min).strftime("%B %Y")
        if not chunks or chunks[-1][0].removesuffix(" (continued)") != month:
            chunks.append((month, []))
        elif len(chunks[-1][1]) >= ROWS_PER_TABLE:
            chunks.append((f"{month} (continued)", []))
        chunks[-1][1].append(s)
    header = _char(bold=True)
    italic = _char(italic=True, color=_MUTED)
    long_notes: list[SessionRow] = []
    done = 0
    for month, chunk in chunks:
        c.heading(month, 10.5, 8)
        table = c.table(len(chunk) + 1, len(COLUMNS), _sessions_format())
        for column, (name, _width) in enumerate(COLUMNS):
            table.cellAt(0, column).setFormat(_shaded())
            c.cell(table, 0, column, name, header)
        for row, s in enumerate(chunk, 1):
            cells = (
                _when(s),
                s.protocol_title,
                format_duration(s.actual_seconds),
                STATUS_LABELS.get(s.status, s.status),
                format_pain(s.pain_before, s.pain_after) or "—",
            )
            for column, text in enumerate(cells):
                c.cell(table, row, column, text)
            if s.notes and not fits_in_table(s.notes):
                long_notes.append(s)
                c.cell(table, row, 5, f"{beginning(s.notes)} … ")
                c.cell(table, row, 5, f"(in full under “Notes in full”, {len(long_notes)})", italic)
            else:
                c.cell(table, row, 5, "\n".join(note_lines(s.notes)) if s.notes else "")
        done += len(chunk)
        step(done / max(1, len(rows)), "Putting the sessions together…")
    if long_notes:
        c.heading("Notes in full")
        for number, s in enumerate(long_notes, 1):
            head = f"{number} · {_when(s)} · {s.protocol_title} · {len(s.notes):,} characters"
            c.block(head, c.bold, _block(10, 2))
            for line in note_lines(s.notes):
                for part in paragraphs(line):
                    c.block(part)
            step(1.0, "Putting the notes together…")


def _shaded() -> QTextTableCellFormat:
    fmt = QTextTableCellFormat()
    fmt.setBackground(QBrush(QColor("#e9ece8")))
    return fmt


def compose(doc: QTextDocument, data: ReportData, step: Step) -> None:
    """Fill ``doc`` (empty) with the report; ``step(share, what)`` hears the progress and may stop it."""
    c = _Composer(doc)
    c.block(TITLE, _char(18, bold=True, color=_TEAL), _block(0, 2))
    c.pairs(data.facts, c.bold, c.text)
    _summary(c, data)
    if data.rows:
        _sessions(c, data, data.summary.sessions, step)
    c.block(DISCLAIMER, c.bold, _block(18, 0, QColor("#fdf3e7")))
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, TITLE)
