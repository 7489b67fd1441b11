"""The report's pages as a QTextDocument, put together piece by piece with a text cursor.

The order: the header (person, period, version), the summary, the charts (minutes per
week; pain before and after), the sessions table, then two appendices (notes in full,
the steps of each session) and the disclaimer.

Every text from the log goes in with ``insertText``: it is shown as written and never
read as markup (a note holding ``<img src=...>`` prints those characters). No piece is
big: Qt holds Python's lock for the whole of each call, so building the document in
many small calls (not one ``setHtml``) keeps the window responsive while a worker
thread writes the report. For the same reason the sessions table is cut into a table
per month (of at most :data:`ROWS_PER_TABLE` rows), which Qt lays out one at a time.

Qt splits a table row across two pages when its cells hold several lines; so every
cell of the tables holds one line: columns are as wide as their words, and a longer
text is shortened with "…" (a note is then printed in full in the appendix). Words
are never broken: lines wrap between words only (:data:`TEXT_OPTION`).

The sessions table's Notes column holds a session's plain notes, or its SOAP Assessment
when only a SOAP note was written (:func:`table_note`). The notes appendix prints, for each
session it lists, the plain notes, the SOAP fields under their headings, when the session
was signed, and each addendum with its date and time; a session with a SOAP note or
addenda is always in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrameFormat,
    QTextLength,
    QTextOption,
    QTextTable,
    QTextTableCellFormat,
    QTextTableFormat,
)

from ...core.log import Addendum, SessionRow, SoapNote, StepRow, Summary
from ...core.log.edits.notes import SOAP_TITLES, signed_words
from .model import STATUS_LABELS, format_duration, local_datetime
from .report_chart import MIN_FOR_TREND, ChartObjects

TITLE = "Massage Timer — session report"
DISCLAIMER = "Massage Timer guides massage routines; it does not diagnose. Show this report to your doctor."
PARAGRAPH_CHARS = 4000
"""A longer line of a note is printed as several paragraphs, cut between words."""
LONG_WORD = 60
"""A "word" longer than this (a pasted link) may break after every :data:`LONG_WORD` characters."""
ROWS_PER_TABLE = 60
TABLE_POINTS = 8.5
PADDING_MM = 1.0
"""A table cell's padding."""
SESSION_COLUMNS = ("Date", "Protocol and variant", "Side", "Minutes", "Pain before", "Pain after", "Notes")
STEP_COLUMNS = ("Step", "Side", "Planned", "Active", "Paused", "Result")
TEXT_OPTION = QTextOption()
TEXT_OPTION.setWrapMode(QTextOption.WrapMode.WordWrap)

_INK, _TEAL, _MUTED = QColor("#1d2428"), QColor("#1f6b72"), QColor("#5d676c")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LONG = re.compile(rf"\S{{{LONG_WORD}}}(?=\S)")
Step = Callable[[float, str], None]


@dataclass
class ReportData:
    """What the report shows, read from the log (plain values)."""

    facts: list[tuple[str, ...]]
    """Person, period, filters, when generated, the version."""
    summary: Summary
    person: str = ""
    period: str = ""
    per_protocol: list[tuple[str, int]] = field(default_factory=list)
    weeks: list[tuple[date, float]] = field(default_factory=list)
    """Minutes per week (its Monday), oldest first."""
    pain: list[tuple[float, int | None, int | None]] = field(default_factory=list)
    """(start, pain before, pain after) of the rated sessions, oldest first."""
    rows: list[SessionRow] = field(default_factory=list)
    """The sessions of the table, oldest first."""
    steps: dict[str, list[StepRow]] = field(default_factory=dict)
    soap: dict[str, SoapNote] = field(default_factory=dict)
    """The SOAP notes of the table's sessions, by session id."""
    addenda: dict[str, list[Addendum]] = field(default_factory=dict)


def note_lines(notes: str) -> list[str]:
    """A note's lines as text to print (control characters other than tabs left out)."""
    return _LINE_BREAK.split(_UNPRINTABLE.sub("", notes))


def table_note(s: SessionRow, soap: SoapNote | None) -> str:
    """The Notes column's text: the plain notes, or the SOAP Assessment when only a SOAP note was written."""
    return s.notes or (soap.assessment if soap is not None else "")


def one_line(text: str) -> str:
    return " ".join(part.strip() for part in note_lines(text) if part.strip())


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

    def __init__(self, doc: QTextDocument, width: float) -> None:
        self.doc = doc
        self.width = width
        self.cursor = QTextCursor(doc)
        self._reuse = True  # the document's first block, or the empty one after a table
        self.text = _char()
        self.bold = _char(bold=True)
        self.muted = _char(color=_MUTED)
        self.cell_text = _char(TABLE_POINTS)
        self.cell_head = _char(TABLE_POINTS, bold=True)
        self.cell_muted = _char(TABLE_POINTS, italic=True, color=_MUTED)
        device = doc.documentLayout().paintDevice()
        font = QFont(doc.defaultFont())
        font.setPointSizeF(TABLE_POINTS)
        self.metrics = QFontMetricsF(font, device) if device is not None else QFontMetricsF(font)
        font.setBold(True)
        self.head_metrics = QFontMetricsF(font, device) if device is not None else QFontMetricsF(font)
        self.charts = ChartObjects(doc)
        self.groups: list[tuple[int, int]] = []
        """Blocks (first, last numbers) to keep on one page when they fit on one."""
        # Qt scales the lengths of formats (widths, padding) from 96 dpi to the device; text
        # is measured here in the device's units.
        self.scale = device.logicalDpiX() / 96 if device is not None else 1.0
        self.padding = PADDING_MM * 96 / 25.4 * self.scale

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

    def heading(self, text: str, size: float = 13, top: float = 20, *, new_page: bool = False) -> None:
        fmt = _block(top, 5)
        if new_page:
            fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        self.block(text, _char(size, bold=True, color=_TEAL if size >= 13 else _INK), fmt)

    def chart(self, kind: str, data: object) -> None:
        self.block("")
        self.charts.add(self.cursor, kind, data, (self.width - 4) / self.scale)

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

    def widths(self, heads: tuple[str, ...], samples: list[tuple[str, ...]], rest: int) -> list[float]:
        """Column widths (device units) fitting the headings' words and the samples; ``rest`` takes the rest."""
        inner = []
        for column, head in enumerate(heads):
            words = max(self.head_metrics.horizontalAdvance(w) for w in head.split())
            values = max((self.metrics.horizontalAdvance(s[column]) for s in samples), default=0.0)
            inner.append(max(words, values) + self.metrics.averageCharWidth())
        outer = [w + 2 * self.padding + 2 for w in inner]
        outer[rest] = 0.0
        outer[rest] = max(self.width * 0.2, self.width - sum(outer) - 4)
        return outer

    def grid(self, heads: tuple[str, ...], widths: list[float], rows: int, caption: str = "") -> QTextTable:
        """A bordered table with one header row (two with a caption), repeated on each page."""
        fmt = QTextTableFormat()
        fmt.setColumnWidthConstraints([QTextLength(QTextLength.Type.FixedLength, w / self.scale) for w in widths])
        fmt.setBorder(1)
        fmt.setBorderBrush(QBrush(QColor("#c9cfcc")))
        fmt.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
        fmt.setBorderCollapse(True)
        fmt.setCellSpacing(0)
        fmt.setCellPadding(self.padding / self.scale)
        heads_rows = 2 if caption else 1
        fmt.setHeaderRowCount(heads_rows)  # repeated on every page the table goes on
        fmt.setBottomMargin(8)
        table = self.table(rows + heads_rows, len(heads), fmt)
        if caption:
            table.mergeCells(0, 0, 1, len(heads))
            self.cell(table, 0, 0, caption, _char(TABLE_POINTS + 1, bold=True))
        for column, name in enumerate(heads):
            table.cellAt(heads_rows - 1, column).setFormat(_shaded())
            self.cell(table, heads_rows - 1, column, name, self.cell_head)
        return table

    def tabbed(self, widths: list[float]) -> QTextBlockFormat:
        """A one-line row whose columns start at tab stops ``widths`` apart (device units)."""
        fmt = _block(0, 0)
        stops, x = [], self.padding
        for w in widths[:-1]:
            x += w
            stops.append(QTextOption.Tab(x / self.scale, QTextOption.TabType.LeftTab))
        fmt.setTabPositions(stops)
        fmt.setLeftMargin(self.padding / self.scale)
        fmt.setTopMargin(self.padding / self.scale)
        fmt.setBottomMargin(self.padding / self.scale)
        fmt.setNonBreakableLines(True)
        return fmt

    def fit(self, text: str, width: float) -> str:
        """``text`` on one line, shortened with "…" to fit ``width`` (a column's outer width)."""
        room = width - 2 * self.padding - 2 - self.metrics.averageCharWidth()
        return self.metrics.elidedText(one_line(text), Qt.TextElideMode.ElideRight, room)


def _shaded() -> QTextTableCellFormat:
    fmt = QTextTableCellFormat()
    fmt.setBackground(QBrush(QColor("#e9ece8")))
    return fmt


def _hours(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes:,} min ({minutes // 60} h {minutes % 60:02d} min)" if minutes >= 60 else f"{minutes} min"


def _avg(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _when(s: SessionRow) -> str:
    return local_datetime(s.started_ts, s.utc_offset_min).strftime("%Y-%m-%d %H:%M")


def _side(side: str | None) -> str:
    return {"both": "Both", "left": "Left", "right": "Right"}.get(side or "", side or "—")


def _protocol(s: SessionRow) -> str:
    return f"{s.protocol_title} · {s.variant}" if s.variant else s.protocol_title


def _pain(value: int | None) -> str:
    return "—" if value is None else str(value)


def _summary(c: _Composer, data: ReportData) -> None:
    s = data.summary
    c.heading("Summary")
    if s.sessions == 0:
        c.block("No sessions in this period.")
        return
    protocols = "; ".join(f"{title} ({count:,})" for title, count in data.per_protocol)
    items = [
        ("Sessions", f"{s.sessions:,}"),
        ("Minutes of massage", _hours(s.active_seconds)),
        ("Protocols", protocols or "—"),
        ("Average pain before", _avg(s.pain_before_avg), "/ 10"),
        ("Average pain after", _avg(s.pain_after_avg), "/ 10"),
    ]
    if s.pain_change_avg is not None:
        change = f"{s.pain_change_avg:+.1f}"
        rated = f"{s.pain_pairs:,} session{'s' if s.pain_pairs != 1 else ''}"
        items.append(("Average change", change, f"(in {rated} rated before and after)"))
    c.pairs(items, c.text, c.bold)


def _charts(c: _Composer, data: ReportData) -> None:
    c.heading("Minutes per week")
    c.chart("minutes", data.weeks)
    c.heading("Pain before and after each session")
    rated = len(data.pain)
    if not rated:
        c.block("No session in this period was rated for pain.", c.muted)
        return
    plural = "s" if rated != 1 else ""
    if rated >= MIN_FOR_TREND:
        c.block(f"{rated:,} rated session{plural}; the dashed lines are the trend.", c.muted, _block(0, 4))
    else:
        c.block(f"{rated:,} rated session{plural}: a trend needs {MIN_FOR_TREND}.", c.muted, _block(0, 4))
    c.chart("pain", data.pain)


def _session_cells(s: SessionRow) -> tuple[str, ...]:
    minutes = f"{round(s.actual_seconds / 60):,}"
    return (_when(s), _protocol(s), _side(s.side), minutes, _pain(s.pain_before), _pain(s.pain_after))


def _sessions(c: _Composer, data: ReportData, step: Step) -> list[SessionRow]:
    """The sessions table, a table per month; returns the sessions the notes appendix prints in full."""
    rows = data.rows
    c.heading("Sessions")
    total = data.summary.sessions
    if total > len(rows):
        c.block(f"The latest {len(rows):,} of {total:,} sessions; the summary above covers all of them.", c.muted)
    status = "" if all(s.status == "completed" for s in rows) else " (not all completed: see the steps)"
    c.block(f"Minutes: time massaged{status}. Pain: 0 (none) to 10.", c.muted, _block(0, 4))
    samples = [("2026-12-31 23:59", "Acupressure of four standard", "Right", "999", "10", "10", "")]
    widths = c.widths(SESSION_COLUMNS, samples, 6)
    widths[1], widths[6] = widths[1] + widths[6] * 0.25, widths[6] * 0.75
    chunks: list[tuple[str, list[SessionRow]]] = []
    for s in rows:
        month = local_datetime(s.started_ts, s.utc_offset_min).strftime("%B %Y")
        if not chunks or chunks[-1][0].removesuffix(" (continued)") != month:
            chunks.append((month, []))
        elif len(chunks[-1][1]) >= ROWS_PER_TABLE:
            chunks.append((f"{month} (continued)", []))
        chunks[-1][1].append(s)
    shortened: list[SessionRow] = []
    done = 0
    for month, chunk in chunks:
        table = c.grid(SESSION_COLUMNS, widths, len(chunk), month)
        for row, s in enumerate(chunk, 2):
            for column, text in enumerate(_session_cells(s)):
                c.cell(table, row, column, c.fit(text, widths[column]) if column == 1 else text, c.cell_text)
            soap = data.soap.get(s.id)
            text = table_note(s, soap)
            more = (soap is not None and not soap.is_empty) or bool(data.addenda.get(s.id))
            if not text and not more:
                continue
            mark = f" [{len(shortened) + 1}]"
            short = c.fit(text, widths[6])
            whole = short == one_line(text) and len(note_lines(text)) == 1
            if whole and not more:
                c.cell(table, row, 6, short, c.cell_text)
                continue
            shortened.append(s)
            room = widths[6] - c.metrics.horizontalAdvance(mark)
            short = c.fit(text, room)
            if short and not short.endswith("…") and not (whole and short == one_line(text)):
                short += " …"
            c.cell(table, row, 6, short, c.cell_text)
            c.cell(table, row, 6, mark, c.cell_muted)
        done += len(chunk)
        step(done / max(1, len(rows)), "Putting the sessions together…")
    return shortened


def _breakable(part: str) -> str:
    """A very long word may break (after a zero-width space) rather than run off the page."""
    return _LONG.sub(lambda m: m.group(0) + "\u200b", part) if len(part) > LONG_WORD else part


def _note_text(c: _Composer, text: str) -> None:
    for line in note_lines(text):
        for part in paragraphs(line):
            c.block(_breakable(part))


def _notes_appendix(c: _Composer, data: ReportData, notes: list[SessionRow], step: Step) -> None:
    c.heading("Appendix A: notes in full", new_page=True)
    for number, s in enumerate(notes, 1):
        head = f"[{number}] {_when(s)} · {s.protocol_title}"
        c.block(f"{head} · {len(s.notes):,} characters" if s.notes else head, c.bold, _block(10, 2))
        _note_text(c, s.notes)
        soap = data.soap.get(s.id)
        for name, text in soap.items() if soap is not None else ():
            if text.strip():
                c.block(SOAP_TITLES[name], c.bold, _block(4, 0))
                _note_text(c, text)
        if s.signed_ts is not None:
            c.block(f"Signed on {signed_words(s.signed_ts)}", c.muted, _block(4, 0))
        for addendum in data.addenda.get(s.id, []):
            c.block(f"Addendum of {signed_words(addendum.written_ts)}", c.bold, _block(4, 0))
            _note_text(c, addendum.text)
        step(number / len(notes), "Putting the notes together…")


def _step_cells(st: StepRow) -> tuple[str, ...]:
    planned = format_duration(st.planned) if st.planned else "untimed"
    paused = format_duration(st.paused_seconds) if st.paused_seconds >= 1 else "—"
    result = st.outcome.capitalize()
    return (st.title, _side(st.side), planned, format_duration(st.active_seconds), paused, result)


def _steps_appendix(c: _Composer, data: ReportData, step: Step, letter: str) -> None:
    """Each session's steps as lines with tab stops, not tables: hundreds of small tables
    take seconds to lay out and draw, these lines a fraction of that, and a line never splits."""
    c.heading(f"Appendix {letter}: the steps of each session", new_page=True)
    samples = [("", "Right", "untimed", "1h 05m", "1h 05m", "Completed")]
    widths = c.widths(STEP_COLUMNS, samples, 0)
    head, line, shaded = c.tabbed(widths), c.tabbed(widths), c.tabbed(widths)
    head.setBackground(QBrush(QColor("#e9ece8")))
    shaded.setBackground(QBrush(QColor("#f5f6f4")))
    caption = _block(9, 1)
    caption_char = _char(TABLE_POINTS + 1, bold=True)
    for n, s in enumerate(data.rows, 1):
        steps = data.steps.get(s.id, [])
        status = STATUS_LABELS.get(s.status, s.status)
        c.block(c.fit(f"{_when(s)} · {_protocol(s)} · {status}", sum(widths)), caption_char, caption)
        first = c.cursor.blockNumber()
        c.block("\t".join(STEP_COLUMNS), c.cell_head, head)
        if not steps:
            c.block("No steps were logged.", c.cell_muted, line)
        for row, st in enumerate(steps):
            cells = list(_step_cells(st))
            cells[0] = c.fit(cells[0], widths[0])
            c.block("\t".join(cells), c.cell_text, shaded if row % 2 else line)
        c.groups.append((first, c.cursor.blockNumber()))
        if n % 20 == 0 or n == len(data.rows):
            step(n / len(data.rows), "Putting the steps together…")


@dataclass
class Composed:
    """What :func:`compose` made besides the text: the charts (keep them while the document
    is drawn) and the groups of blocks that should not be split across pages."""

    charts: ChartObjects
    groups: list[tuple[int, int]]


def compose(doc: QTextDocument, data: ReportData, step: Step, width: float = 700.0) -> Composed:
    """Fill ``doc`` (empty) with the report, for pages ``width`` wide; ``step(share, what)`` hears the progress."""
    doc.setDefaultTextOption(TEXT_OPTION)
    c = _Composer(doc, width)
    c.block(TITLE, _char(18, bold=True, color=_TEAL), _block(0, 2))
    c.pairs(data.facts, c.bold, c.text)
    _summary(c, data)
    if data.rows:
        _charts(c, data)
        notes = _sessions(c, data, lambda done, what: step(done * 0.5, what))
        if notes:
            _notes_appendix(c, data, notes, lambda done, what: step(0.5 + done * 0.2, what))
        _steps_appendix(c, data, lambda done, what: step(0.7 + done * 0.3, what), "B" if notes else "A")
    c.block(DISCLAIMER, c.bold, _block(18, 0, QColor("#fdf3e7")))
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, TITLE)
    return Composed(c.charts, c.groups)
