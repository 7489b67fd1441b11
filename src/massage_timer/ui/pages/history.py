"""The History page: filters, a lazy table of sessions, a detail pane and charts.

The page wires History's pieces (``massage_timer.ui.history``) together: the
filter bar, the table model, the detail pane, the charts and the doctor's
report. It does the log's writing (notes, amendments through :mod:`.amend_dialog`, addenda
to a signed session through :mod:`.addendum_dialog`,
deletes) and the exports: a CSV file is private (0600) and complete or not there at
all; the report is written on a worker thread behind a progress dialog with Cancel
(:mod:`..history.report_job`).

pyqtgraph is heavy: the charts module is imported the first time the Charts
tab is shown, never when this module is imported. Chart numbers are read on a
worker thread with a read-only connection, so a large log never freezes the
page; the table reads only the rows it shows.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

from PySide6.QtCore import QDate, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QMessageBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.log import Filter, SessionRow, Store, StoreError, write_export_file
from ...core.log.errors import file_write_failure
from ..history.chart_loader import ChartLoader
from ..history.detail import SessionDetail
from ..history.filters import ALL_TIME, CUSTOM, FilterBar
from ..history.model import (
    COL_DATE,
    COL_DURATION,
    COL_PAIN,
    COL_PERSON,
    COL_PROTOCOL,
    COL_STATUS,
    HistoryModel,
    local_datetime,
)
from ..history.report_job import ReportJob, ReportOutcome
from ..settings import Settings
from ..widgets.basics import button, plain_label, tell
from .addendum_dialog import add_addendum
from .amend_dialog import edit_session

CSV_FILTERS = {
    "sessions": "CSV, one row per session (*.csv)",
    "steps": "CSV, one row per step run (*.csv)",
}
"""The save dialog's file types: the rows of the export. Both start with a UTF-8 byte order mark
(spreadsheets then read accents and Cyrillic right)."""


def choose_person(parent: QWidget, persons: list[str]) -> str | None:
    """Ask which person a report is for (it is of one person); None when cancelled."""
    person, ok = QInputDialog.getItem(
        parent, "Doctor report", "A report is of one person. Whose sessions should it show?", persons, 0, False
    )
    return person if ok and person else None


def _confirm(parent: QWidget, title: str, text: str) -> bool:
    """Ask a yes/no question; the text is shown literally."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText("Delete")
    box.button(QMessageBox.StandardButton.No).setText("Keep")
    return QMessageBox.StandardButton(box.exec()) == QMessageBox.StandardButton.Yes


class HistoryPage(QWidget):
    """Past sessions: filter, read, annotate, delete, chart, export."""

    charts_updated = Signal()
    """The charts show the current filter (for tests and benchmarks)."""
    report_finished = Signal(object)
    """A report was written, cancelled or failed (its :class:`ReportOutcome`)."""
    continue_requested = Signal(str)
    """Continue the interrupted session with this id (the window prepares it on the Session page)."""

    def __init__(self, store: Store, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.charts: Any = None  # charts.HistoryCharts, created on first view
        self.report_job: ReportJob | None = None
        self._charts_stale = True
        self._charts_generation = 0
        self._loader = ChartLoader(store, self)
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
        self.export_button = button(
            "Export CSV…", tooltip="Save the filtered sessions, or their step runs, as a spreadsheet (CSV)"
        )
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

        self.filters = FilterBar(self._first_day)
        self.person, self.protocol, self.status = self.filters.person, self.filters.protocol, self.filters.status
        self.period, self.date_from, self.date_to = self.filters.period, self.filters.date_from, self.filters.date_to
        self.filters.period_chosen.connect(self._on_period_chosen)
        self.filters.changed.connect(self._apply_filter)
        outer.addWidget(self.filters)

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
        self.detail.amend_requested.connect(self._on_amend)
        self.detail.addendum_requested.connect(self._on_addendum)
        self.detail.delete_requested.connect(self._on_delete)
        self.detail.continue_requested.connect(self.continue_requested)
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

    # ------------------------------------------------------------ filters

    def current_filter(self) -> Filter:
        return self.filters.current_filter()

    def show_client(self, client_id: str) -> None:
        """Show one client's sessions (the person filter set to them; other filters kept)."""
        self.refresh()
        index = self.person.findData(client_id)
        if index >= 0:
            self.person.setCurrentIndex(index)

    def _first_day(self) -> QDate | None:
        """The day of the first session in the log, where "All time" begins."""
        first = self.store.sessions(limit=1, newest_first=False)
        if not first:
            return None
        d = local_datetime(first[0].started_ts, first[0].utc_offset_min).date()
        return QDate(d.year, d.month, d.day)

    def _on_period_chosen(self, index: int) -> None:
        if index != CUSTOM:
            self.settings.raw().setValue("history/period", index)

    def refresh(self) -> None:
        """Re-read the log (after a session or an edit), keeping the filters."""
        self._loader.forget()
        self.filters.set_choices(self.store.client_choices(), self.store.protocol_ids())
        self.filters.sync_period_dates()
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
        if session is None:
            self.detail.show_session(None, [])
            return
        sid = session.id
        s = self.store
        self.detail.show_session(session, s.steps(sid), s.amendments(sid), s.items(sid), s.soap(sid), s.addenda(sid))

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
        self.detail.session = None
        self._show_detail(self.store.session(session.id))

    def _on_addendum(self, session_id: str) -> None:
        """Add an addendum to the shown signed session in a dialog, then show it again."""
        session = self.detail.session
        if session is None or session.id != session_id or add_addendum(self, self.store, session) is None:
            return
        self.detail.session = None
        self._show_detail(self.store.session(session_id))

    def _on_amend(self, session_id: str) -> None:
        """Amend the shown session in a dialog (it starts from the notes box, saved or not), then re-read."""
        session = self.detail.session
        if session is None or session.id != session_id:
            return
        row = self.table.currentIndex().row()
        if not edit_session(self, self.store, session, notes=self.detail.notes.toPlainText()):
            return  # cancelled, or nothing changed
        self.refresh()  # the table and the charts; a finished interrupted session may leave the filter
        again = self.model.session_at(row)
        if again is not None and again.id == session_id:  # its place is its start time, unchanged
            self._select_row(row)

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
        self.filters.set_choices(self.store.client_choices(), self.store.protocol_ids())
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

    def export_csv_to(self, path: Path, *, rows: Literal["sessions", "steps"] = "sessions") -> int:
        """Write the filtered sessions (or their step runs) as a private CSV file with a BOM.

        Returns the row count (OSError if it cannot).
        """
        return write_export_file(self.store, path, "csv", self.current_filter(), bom=True, rows=rows)

    def _on_export_csv(self) -> None:
        name, chosen = QFileDialog.getSaveFileName(
            self,
            "Export sessions as CSV",
            self._default_name("csv"),
            ";;".join(CSV_FILTERS.values()),
            CSV_FILTERS["sessions"],
        )
        if not name:
            return
        path = Path(name)
        rows = "steps" if chosen == CSV_FILTERS["steps"] else "sessions"
        try:
            n = self.export_csv_to(path, rows=rows)
        except OSError as exc:
            tell(self, "Export CSV", f"The sessions were not exported. {file_write_failure(path, exc)}", warning=True)
            return
        what = "session" if rows == "sessions" else "step run"
        self.count_label.setText(f"Exported {n:,} {what}{'s' if n != 1 else ''} to {path.name}")

    def _report_filter(self) -> Filter | None:
        """The filter for a report: of one client, asked for when "All people" is chosen."""
        flt = self.current_filter()
        if flt.client_id is not None or flt.person is not None:
            return flt
        shown = {name: client_id for client_id, name in self.store.client_choices(flt)}
        if not shown:
            tell(self, "Doctor report", "There are no sessions to report with these filters.")
            return None
        names = list(shown)  # sorted by name, clients of one name told apart
        person = names[0] if len(names) == 1 else choose_person(self, names)
        return None if person is None else replace(flt, client_id=shown[person])

    def _on_report(self) -> None:
        if self.report_job is not None and self.report_job.running():
            return
        flt = self._report_filter()
        if flt is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Save the doctor report",
            self._default_name("pdf").replace("sessions", "report"),
            "PDF files (*.pdf)",
        )
        if not name:
            return
        self.report_button.setEnabled(False)
        self.report_job = ReportJob(self.store, flt, Path(name), self)
        self.report_job.done.connect(self._on_report_done)
        self.report_job.start()

    def _on_report_done(self, outcome: ReportOutcome) -> None:
        self.report_button.setEnabled(True)
        if self.report_job is not None:
            self.report_job.deleteLater()
            self.report_job = None
        if outcome.cancelled:
            self.count_label.setText(f"Report cancelled; {outcome.path.name} was not written")
        elif outcome.error:
            tell(self, "Doctor report", f"The report was not saved. {outcome.error}", warning=True)
        else:
            n = outcome.count
            self.count_label.setText(f"Report of {n:,} session{'s' if n != 1 else ''} saved as {outcome.path.name}")
        self.report_finished.emit(outcome)
