"""The History page: filters, a lazy table of sessions, a detail pane and charts.

pyqtgraph is heavy: the charts module is imported the first time the Charts
tab is shown, never when this module is imported. Chart numbers are read on a
worker thread with a read-only connection, so a large log never freezes the
page; the table reads only the rows it shows.
"""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    QTime,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.log import Filter, SessionRow, StepRow, Store, StoreError, export_csv
from ..history.model import (
    COL_DATE,
    COL_DURATION,
    COL_PAIN,
    COL_PERSON,
    COL_PROTOCOL,
    COL_STATUS,
    STATUS_LABELS,
    HistoryModel,
    format_duration,
    format_pain,
    local_datetime,
)
from ..settings import Settings
from ..widgets.basics import button, plain_label, set_role, tell

PERIODS = (
    ("Last 30 days", 30),
    ("Last 90 days", 90),
    ("Last year", 365),
    ("All time", None),
    ("Custom dates", -1),
)
ALL_TIME = 3
CUSTOM = 4
OUTCOME_LABELS = {
    "completed": "done",
    "skipped": "skipped",
    "stopped": "stopped",
    "interrupted": "interrupted",
    "running": "running",
}


def _midnight_ts(day: QDate) -> float:
    return float(QDateTime(day, QTime(0, 0)).toSecsSinceEpoch())


def _confirm(parent: QWidget, title: str, text: str) -> bool:
    """Ask a yes/no question; the text is shown literally."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText("Delete")
    box.button(QMessageBox.StandardButton.No).setText("Keep")
    return QMessageBox.StandardButton(box.exec()) == QMessageBox.StandardButton.Yes


def step_detail(step: StepRow) -> str:
    """The second line of a step in the detail pane: side, pauses, overrun, changes."""
    parts = []
    if step.side:
        parts.append(f"{step.side} side")
    if step.paused_seconds >= 1:
        parts.append(f"paused {format_duration(step.paused_seconds)}")
    if step.overrun_seconds >= 1:
        parts.append(f"overrun {format_duration(step.overrun_seconds)}")
    if step.extensions:
        sign = "+" if step.adjusted_seconds >= 0 else "−"
        times = "change" if step.extensions == 1 else "changes"
        parts.append(f"{sign}{format_duration(abs(step.adjusted_seconds))} ({step.extensions} {times})")
    if step.overridden:
        parts.append("beyond the range")
    if step.slept_seconds >= 1:
        parts.append(f"computer asleep {format_duration(step.slept_seconds)}")
    return " · ".join(parts)


class _ChartLoader(QObject):
    """Reads chart numbers on a worker thread and hands them back by signal."""

    loaded = Signal(int)
    """A generation's result is ready: collect it with :meth:`take`."""

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="history-charts")
        self._generation = 0
        self._results: dict[int, object] = {}
        self._cache: dict[Filter, object] = {}
        """Chart numbers per filter, until the log changes (see :meth:`forget`)."""
        self._lock = threading.Lock()

    def request(self, flt: Filter) -> int:
        with self._lock:
            self._generation += 1
            generation = self._generation
            cached = self._cache.get(flt)
            if cached is not None:
                self._results = {generation: cached}
        if cached is not None:
            QTimer.singleShot(0, lambda: self.loaded.emit(generation))  # queued like a worker's
        else:
            self.pool.submit(self._run, generation, flt)
        return generation

    def forget(self) -> None:
        """The log changed: cached chart numbers are stale."""
        with self._lock:
            self._cache.clear()

    def _run(self, generation: int, flt: Filter) -> None:
        with self._lock:
            if generation != self._generation:
                return  # a newer request is queued
        from ..history import charts

        reader = self._store.reader()
        try:
            data: object = charts.load_chart_data(reader, flt)
        except Exception as exc:  # noqa: BLE001 - shown in the chart area, never a crash
            data = exc
        finally:
            reader.close()
        with self._lock:
            self._results = {generation: data}
            if not isinstance(data, Exception):
                self._cache[flt] = data
        # Only an int crosses the thread boundary; the result is handed over under the lock.
        with contextlib.suppress(RuntimeError):  # the page was closed meanwhile
            self.loaded.emit(generation)

    def take(self, generation: int) -> object | None:
        with self._lock:
            return self._results.pop(generation, None)

    def is_current(self, generation: int) -> bool:
        with self._lock:
            return generation == self._generation


class SessionDetail(QScrollArea):
    """The selected session: what happened in each step, pain, notes."""

    notes_saved = Signal(str)
    delete_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.session: SessionRow | None = None
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 10, 4, 4)
        lay.setSpacing(8)
        self.placeholder = plain_label("Choose a session to see its steps and notes.", "muted")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.placeholder)
        self.content = QWidget()
        columns = QHBoxLayout(self.content)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(18)
        c = QVBoxLayout()
        c.setSpacing(4)
        self.title = plain_label("", "heading")
        self.when = plain_label("", "muted")
        self.summary = plain_label("")
        self.pain = plain_label("")
        c.addWidget(self.title)
        c.addWidget(self.when)
        c.addWidget(self.summary)
        c.addWidget(self.pain)
        c.addSpacing(4)
        self.steps = QTableWidget(0, 4)
        self.steps.setObjectName("StepsTable")
        for col, text in enumerate(("Step", "Planned", "Actual", "Outcome")):
            item = QTableWidgetItem(text)
            align = Qt.AlignmentFlag.AlignRight if col in (1, 2) else Qt.AlignmentFlag.AlignLeft
            item.setTextAlignment(align | Qt.AlignmentFlag.AlignVCenter)
            self.steps.setHorizontalHeaderItem(col, item)
        self.steps.verticalHeader().setVisible(False)
        self.steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.steps.setWordWrap(True)
        self.steps.setShowGrid(False)
        self.steps.setAlternatingRowColors(True)
        self.steps.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.steps.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        c.addWidget(self.steps)
        c.addStretch(1)
        columns.addLayout(c, 3)
        n = QVBoxLayout()
        n.setSpacing(6)
        notes_label = QLabel("&Notes")
        set_role(notes_label, "heading")
        n.addWidget(notes_label)
        self.notes = QPlainTextEdit()
        notes_label.setBuddy(self.notes)
        self.notes.setObjectName("NotesEdit")
        self.notes.setPlaceholderText("How did it go? Anything to tell the doctor?")
        self.notes.setMinimumHeight(90)
        self.notes.textChanged.connect(self._on_notes_changed)
        n.addWidget(self.notes, 1)
        row = QHBoxLayout()
        self.save_button = button("Save notes", "primary", "Save the notes of this session")
        self.save_button.setObjectName("SaveNotesButton")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self._on_save)
        self.delete_button = button("Delete session…", "danger", "Delete this session from the log (asks first)")
        self.delete_button.setObjectName("DeleteSessionButton")
        self.delete_button.clicked.connect(self._on_delete)
        row.addWidget(self.save_button)
        row.addStretch(1)
        row.addWidget(self.delete_button)
        n.addLayout(row)
        columns.addLayout(n, 2)
        lay.addWidget(self.content, 1)
        self.setWidget(body)
        self.show_session(None, [])

    def show_session(self, session: SessionRow | None, steps: list[StepRow]) -> None:
        self.session = session
        self.placeholder.setVisible(session is None)
        self.content.setVisible(session is not None)
        if session is None:
            return
        s = session
        self.title.setText(s.protocol_title)
        when = local_datetime(s.started_ts, s.utc_offset_min).strftime("%A %d %B %Y, %H:%M")
        extras = [when, s.person]
        if s.side:
            extras.append("both sides" if s.side == "both" else f"{s.side} side")
        if s.stage:
            extras.append(f"{s.stage} stage")
        if s.performed_by:
            extras.append(f"by {s.performed_by}")
        self.when.setText(" · ".join(extras))
        status = STATUS_LABELS.get(s.status, s.status)
        self.summary.setText(
            f"{status} · {format_duration(s.actual_seconds)} of {format_duration(s.planned_seconds)} planned"
            f" · {s.steps_done} of {s.steps_total} steps done"
        )
        pain = format_pain(s.pain_before, s.pain_after)
        if pain and s.pain_before is not None and s.pain_after is not None:
            change = s.pain_after - s.pain_before
            pain += f"  ({'+' if change > 0 else '−' if change < 0 else '±'}{abs(change)})"
        self.pain.setText(f"Pain before → after: {pain}" if pain else "Pain was not rated.")
        self.steps.setRowCount(len(steps))
        for i, step in enumerate(steps):
            detail = step_detail(step)
            title = QTableWidgetItem(f"{step.title}\n{detail}" if detail else step.title)
            title.setToolTip(step.title)
            planned = QTableWidgetItem(format_duration(step.planned) if step.timed and step.planned else "untimed")
            actual = QTableWidgetItem(format_duration(step.active_seconds))
            outcome = QTableWidgetItem(OUTCOME_LABELS.get(step.outcome, step.outcome))
            for col, item in enumerate((title, planned, actual, outcome)):
                align = Qt.AlignmentFlag.AlignRight if col in (1, 2) else Qt.AlignmentFlag.AlignLeft
                item.setTextAlignment(align | Qt.AlignmentFlag.AlignTop)
                self.steps.setItem(i, col, item)
        self._fit_steps()
        self.notes.blockSignals(True)
        self.notes.setPlainText(s.notes)
        self.notes.blockSignals(False)
        self.save_button.setEnabled(False)

    def _fit_steps(self) -> None:
        self.steps.resizeRowsToContents()
        height = self.steps.horizontalHeader().height() + 2 * self.steps.frameWidth()
        height += sum(self.steps.rowHeight(r) for r in range(self.steps.rowCount()))
        self.steps.setFixedHeight(height)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.session is not None:
            self._fit_steps()

    def _on_notes_changed(self) -> None:
        self.save_button.setEnabled(self.session is not None and self.notes.toPlainText() != self.session.notes)

    def _on_save(self) -> None:
        if self.session is not None:
            self.notes_saved.emit(self.notes.toPlainText())

    def _on_delete(self) -> None:
        if self.session is not None:
            self.delete_requested.emit(self.session.id)


class HistoryPage(QWidget):
    """Past sessions: filter, read, annotate, delete, chart, export."""

    charts_updated = Signal()
    """The charts show the current filter (for tests and benchmarks)."""

    def __init__(self, store: Store, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.charts: Any = None  # charts.HistoryCharts, created on first view
        self._charts_stale = True
        self._charts_generation = 0
        self._loader = _ChartLoader(store, self)
        pool = self._loader.pool
        self.destroyed.connect(lambda *_: pool.shutdown(wait=False, cancel_futures=True))

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(8)

        head = QHBoxLayout()
        head.addWidget(plain_label("History", "title", wrap=False))
        self.count_label = plain_label("", "muted", wrap=False)
        head.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        self.export_button = button("Export CSV…", tooltip="Save the filtered sessions as a spreadsheet (CSV)")
        self.export_button.setObjectName("ExportCsvButton")
        self.export_button.clicked.connect(self._on_export_csv)
        self.report_button = button(
            "Doctor report (PDF)…",
            tooltip="A printable summary of the filtered sessions to show your doctor",
        )
        self.report_button.setObjectName("ReportButton")
        self.report_button.clicked.connect(self._on_report)
        head.addWidget(self.export_button)
        head.addWidget(self.report_button)
        outer.addLayout(head)

        outer.addWidget(self._filter_bar())

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.model = HistoryModel(store, self)
        self.table = QTableView()
        self.table.setObjectName("HistoryTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_PROTOCOL, QHeaderView.ResizeMode.Stretch)
        fm = self.fontMetrics()
        widths = {
            COL_DATE: fm.horizontalAdvance("2026-12-31  23:59") + 24,
            COL_PERSON: fm.horizontalAdvance("Grandpa Jo") + 24,
            COL_DURATION: fm.horizontalAdvance("Duration") + 24,
            COL_STATUS: fm.horizontalAdvance("Interrupted") + 24,
            COL_PAIN: fm.horizontalAdvance("Pain before → after") + 20,
        }
        for col, width in widths.items():
            self.table.setColumnWidth(col, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.detail = SessionDetail()
        self.detail.setObjectName("SessionDetail")
        self.detail.notes_saved.connect(self._on_save_notes)
        self.detail.delete_requested.connect(self._on_delete)
        self.empty_label = plain_label("", "muted")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        left_lay.addWidget(self.table)
        left_lay.addWidget(self.empty_label)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([400, 600])
        state = self.settings.raw().value("history/splitter")
        if state is not None:
            self.splitter.restoreState(state)
        self.splitter.splitterMoved.connect(
            lambda *_: self.settings.raw().setValue("history/splitter", self.splitter.saveState())
        )
        left.setMinimumHeight(5 * (self.fontMetrics().height() + 10))
        self.detail.setMinimumHeight(160)
        self.tabs.addTab(self.splitter, "Sessions")
        self.charts_holder = QWidget()
        QVBoxLayout(self.charts_holder).setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self.charts_holder, "Charts")
        self.tabs.currentChanged.connect(self._on_tab_changed)
        outer.addWidget(self.tabs, 1)

        saved = self.settings.raw().value("history/period")
        try:
            period = int(saved) if saved is not None else ALL_TIME
        except (TypeError, ValueError):
            period = ALL_TIME
        self.period.blockSignals(True)
        self.period.setCurrentIndex(period if 0 <= period < CUSTOM else ALL_TIME)
        self.period.blockSignals(False)
        self.refresh()

    # ------------------------------------------------------------ building

    def _filter_bar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("HistoryFilters")
        grid = QGridLayout(bar)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        self.person = QComboBox()
        self.person.setObjectName("PersonFilter")
        self.protocol = QComboBox()
        self.protocol.setObjectName("ProtocolFilter")
        self.status = QComboBox()
        self.status.setObjectName("StatusFilter")
        self.status.addItem("All statuses", None)
        for key in ("completed", "stopped", "interrupted"):
            self.status.addItem(STATUS_LABELS[key], key)
        self.period = QComboBox()
        self.period.setObjectName("PeriodFilter")
        for text, _days in PERIODS:
            self.period.addItem(text)
        self.date_from = QDateEdit()
        self.date_from.setObjectName("DateFrom")
        self.date_to = QDateEdit()
        self.date_to.setObjectName("DateTo")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
        for combo in (self.person, self.protocol, self.status, self.period):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.person.setMinimumContentsLength(12)
        self.protocol.setMinimumContentsLength(18)
        self.status.setMinimumContentsLength(10)
        self.period.setMinimumContentsLength(10)

        def label(text: str, buddy: QWidget) -> QLabel:
            lab = QLabel(text)
            lab.setBuddy(buddy)
            return lab

        grid.addWidget(label("&Person", self.person), 0, 0)
        grid.addWidget(self.person, 0, 1)
        grid.addWidget(label("P&rotocol", self.protocol), 0, 2)
        grid.addWidget(self.protocol, 0, 3)
        grid.addWidget(label("&Status", self.status), 0, 4)
        grid.addWidget(self.status, 0, 5)
        grid.addWidget(label("P&eriod", self.period), 1, 0)
        grid.addWidget(self.period, 1, 1)
        grid.addWidget(label("&From", self.date_from), 1, 2)
        dates = QHBoxLayout()
        dates.setSpacing(8)
        dates.addWidget(self.date_from, 1)
        dates.addWidget(label("&to", self.date_to))
        dates.addWidget(self.date_to, 1)
        grid.addLayout(dates, 1, 3)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 3)
        grid.setColumnStretch(5, 2)

        for combo in (self.person, self.protocol, self.status):
            combo.currentIndexChanged.connect(self._apply_filter)
        self.period.currentIndexChanged.connect(self._on_period_changed)
        self.date_from.dateChanged.connect(self._on_dates_edited)
        self.date_to.dateChanged.connect(self._on_dates_edited)
        return bar

    # ------------------------------------------------------------ filters

    def current_filter(self) -> Filter:
        since = until = None
        if self.period.currentIndex() != ALL_TIME:
            since = _midnight_ts(self.date_from.date())
            until = _midnight_ts(self.date_to.date().addDays(1))
        return Filter(
            person=self.person.currentData(),
            protocol_id=self.protocol.currentData(),
            status=self.status.currentData(),
            since_ts=since,
            until_ts=until,
        )

    def _set_dates(self, start: QDate, end: QDate) -> None:
        for edit, value in ((self.date_from, start), (self.date_to, end)):
            edit.blockSignals(True)
            edit.setDate(value)
            edit.blockSignals(False)

    def _sync_period_dates(self) -> None:
        index = self.period.currentIndex()
        days = PERIODS[index][1]
        today = QDate.currentDate()
        if days is None:
            first = self.store.sessions(limit=1, newest_first=False)
            start = today
            if first:
                d = local_datetime(first[0].started_ts, first[0].utc_offset_min).date()
                start = QDate(d.year, d.month, d.day)
            self._set_dates(start, today)
        elif days > 0:
            self._set_dates(today.addDays(-(days - 1)), today)

    def _on_period_changed(self, index: int) -> None:
        if index != CUSTOM:
            self.settings.raw().setValue("history/period", index)
        self._sync_period_dates()
        self._apply_filter()

    def _on_dates_edited(self) -> None:
        if self.date_to.date() < self.date_from.date():
            sender = self.sender()
            other = self.date_to if sender is self.date_from else self.date_from
            other.blockSignals(True)
            other.setDate(sender.date())
            other.blockSignals(False)
        if self.period.currentIndex() != CUSTOM:
            self.period.blockSignals(True)
            self.period.setCurrentIndex(CUSTOM)
            self.period.blockSignals(False)
        self._apply_filter()

    def _fill_combo(self, combo: QComboBox, all_text: str, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(all_text, None)
        for text, data in items:
            combo.addItem(text, data)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    def refresh(self) -> None:
        """Re-read the log (after a session or an edit), keeping the filters."""
        self._loader.forget()
        self._fill_combo(self.person, "All people", [(p, p) for p in self.store.persons()])
        self._fill_combo(self.protocol, "All protocols", [(t, pid) for pid, t in self.store.protocol_ids()])
        self._sync_period_dates()
        self._apply_filter()

    def _apply_filter(self) -> None:
        selected = self.detail.session.id if self.detail.session else None
        self.model.set_filter(self.current_filter())
        n = self.model.rowCount()
        self.count_label.setText(f"{n:,} session{'s' if n != 1 else ''}")
        any_sessions = n > 0 or self.store.count() > 0
        self.table.setVisible(n > 0)
        self.empty_label.setVisible(n == 0)
        self.empty_label.setText(
            "No sessions match these filters."
            if any_sessions
            else "No sessions yet.\nFinished and stopped sessions appear here."
        )
        row = self.model.row_of(selected) if selected else -1
        self._select_row(row if row >= 0 else (0 if n else -1))
        self._charts_stale = True
        if self.tabs.currentWidget() is self.charts_holder:
            self._update_charts()

    def _select_row(self, row: int) -> None:
        if row < 0:
            self.table.selectionModel().clear()
            self._show_detail(None)
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
        self._show_detail(self.model.session_at(row))

    # ------------------------------------------------------------ detail

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_detail(self.model.session_at(current.row()) if current.isValid() else None)

    def _show_detail(self, session: SessionRow | None) -> None:
        if session is not None and session == self.detail.session:
            return  # unchanged: keep unsaved notes
        steps = self.store.steps(session.id) if session is not None else []
        self.detail.show_session(session, steps)

    def _on_save_notes(self, text: str) -> None:
        session = self.detail.session
        if session is None:
            return
        try:
            self.store.update_session(session.id, notes=text)
        except StoreError as exc:
            tell(
                self,
                "Notes not saved",
                f"The notes could not be saved: {exc}\n\nThey are still in the box.",
                warning=True,
            )
            return
        row = self.table.currentIndex().row()
        self.model.invalidate(row)
        fresh = self.store.session(session.id)
        self.detail.show_session(fresh, self.store.steps(session.id))

    def _on_delete(self, session_id: str) -> None:
        session = self.detail.session
        if session is None or session.id != session_id:
            return
        when = local_datetime(session.started_ts, session.utc_offset_min).strftime("%Y-%m-%d %H:%M")
        text = (
            f"Delete the session of {when} ({session.protocol_title}, {session.person})?\n\n"
            "Its steps, pain ratings and notes are removed from the log. This cannot be undone."
        )
        if not _confirm(self, "Delete session", text):
            return
        row = self.table.currentIndex().row()
        try:
            self.store.delete_session(session_id)
        except StoreError as exc:
            tell(self, "Session not deleted", f"The session could not be deleted: {exc}", warning=True)
            return
        self._loader.forget()
        self.detail.show_session(None, [])
        self._fill_combo(self.person, "All people", [(p, p) for p in self.store.persons()])
        self._fill_combo(self.protocol, "All protocols", [(t, pid) for pid, t in self.store.protocol_ids()])
        self._apply_filter()
        n = self.model.rowCount()
        self._select_row(min(row, n - 1) if n else -1)

    # ------------------------------------------------------------ charts

    def _on_tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.charts_holder and self._charts_stale:
            self._update_charts()

    def show_charts(self) -> None:
        """Switch to the Charts tab (creating the charts on first use)."""
        self.tabs.setCurrentWidget(self.charts_holder)

    def _ensure_charts(self) -> Any:
        if self.charts is None:
            from ..history import charts  # pyqtgraph is imported here, on first view

            self.charts = charts.HistoryCharts(self.charts_holder)
            self.charts.setObjectName("HistoryCharts")
            self.charts_holder.layout().addWidget(self.charts)
            self._loader.loaded.connect(self._on_chart_data)
        return self.charts

    def _update_charts(self) -> None:
        self._ensure_charts()
        self._charts_stale = False
        self._charts_generation = self._loader.request(self.current_filter())

    def _on_chart_data(self, generation: int) -> None:
        data = self._loader.take(generation)
        if generation != self._charts_generation or self.charts is None or data is None:
            return
        if isinstance(data, Exception):
            for page in self.charts.pages:
                page.show_empty(f"The charts cannot be drawn: {data}")
        else:
            self.charts.set_data(data)
        self.charts_updated.emit()

    def apply_theme(self) -> None:
        """Call after the light/dark scheme changed."""
        if self.charts is not None:
            self.charts.apply_theme()

    # ------------------------------------------------------------ export

    def _default_name(self, suffix: str) -> str:
        return str(Path.home() / f"massage-sessions-{date.today().isoformat()}.{suffix}")

    def export_csv_to(self, path: Path) -> int:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            return export_csv(self.store, handle, self.current_filter())

    def _on_export_csv(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export sessions as CSV", self._default_name("csv"), "CSV files (*.csv)"
        )
        if not name:
            return
        path = Path(name)
        try:
            n = self.export_csv_to(path)
        except OSError as exc:
            tell(
                self,
                "Export CSV",
                f"The file {path} could not be written: {exc.strerror or exc}",
                warning=True,
            )
            return
        self.count_label.setText(f"Exported {n:,} session{'s' if n != 1 else ''} to {path.name}")

    def _on_report(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Save the doctor report",
            self._default_name("pdf").replace("sessions", "report"),
            "PDF files (*.pdf)",
        )
        if not name:
            return
        from ..history.report import write_report

        path = Path(name)
        try:
            n = write_report(self.store, self.current_filter(), path)
        except OSError as exc:
            tell(
                self,
                "Doctor report",
                f"The report {path} could not be written: {exc.strerror or exc}",
                warning=True,
            )
            return
        self.count_label.setText(f"Report of {n:,} session{'s' if n != 1 else ''} saved as {path.name}")
