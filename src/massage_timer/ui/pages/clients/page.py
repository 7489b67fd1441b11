"""The Clients page: find a client among thousands, change the record, see the sessions, repeat one.

Left, a search (it filters as you type, a moment after the last key) over one lazy table model;
right, the chosen client's form (:mod:`.editor`), sessions and pain summary (:mod:`.model`).
Deleting a client or merging duplicates (:mod:`.merge_dialog`) makes a backup of the log first
and does nothing when the backup fails. What to do on "Repeat last session" and "Open in
History" is the main window's choice: the page only emits :attr:`ClientsPage.repeat_requested`
and :attr:`ClientsPage.open_history`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ....core.log import Store, StoreError, backup_failure_message, make_backup
from ....core.log.people import Client
from ....core.protocols.library import Library
from ...settings import Settings
from ...widgets.basics import button, choose, plain_label, tell
from .editor import ClientEditor
from .merge_dialog import DuplicatesDialog
from .model import ClientListModel, ClientSessionsModel, pain_summary
from .repeat import variant_title

SEARCH_DELAY_MS = 150


def delete_question(client: Client) -> str:
    """The question asked before a client is deleted, with the number of sessions that go too."""
    if client.sessions == 0:
        return f"Delete the client “{client.name}”? They have no sessions. A backup of the log is made first."
    if client.sessions == 1:
        return (
            f"Delete the client “{client.name}” and their 1 session? A backup of the log is made first; "
            "otherwise this cannot be undone."
        )
    return (
        f"Delete the client “{client.name}” and their {client.sessions} sessions? A backup of the log is made "
        "first; otherwise this cannot be undone."
    )


def unavailable(text: str) -> QWidget:
    """The page shown instead when there is no session log: why, in a line."""
    holder = QWidget()
    col = QVBoxLayout(holder)
    col.addWidget(plain_label(text, "danger"))
    col.addStretch(1)
    return holder


def _table(model: object) -> QTableView:
    view = QTableView()
    view.setModel(model)  # type: ignore[arg-type]
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.setShowGrid(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(False)
    return view


class ClientsPage(QWidget):
    """The clients of the log.

    Args:
        store: the session log.
        backups: the folder backups go to (``settings`` says how many are kept).
        library: the protocol library as it is now (it gives the variants' titles).
    """

    repeat_requested = Signal(str)
    open_history = Signal(str)

    def __init__(
        self,
        store: Store,
        backups: Path,
        settings: Settings,
        library: Callable[[], Library],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.backups = backups
        self.settings = settings
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 14, 18, 14)
        outer.addWidget(plain_label("Clients", "title", selectable=False))
        outer.addWidget(splitter, 1)

        left = QWidget()
        lcol = QVBoxLayout(left)
        lcol.setContentsMargins(0, 0, 8, 0)
        self.search = QLineEdit()
        self.search.setObjectName("client-search")
        self.search.setPlaceholderText("Search by name")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        lcol.addWidget(self.search)
        self.show_archived = QCheckBox("Show archived clients")
        self.show_archived.toggled.connect(lambda _on: self.refresh())
        lcol.addWidget(self.show_archived)
        self.model = ClientListModel()
        self.view = _table(self.model)
        self.view.setObjectName("client-list")
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setMinimumWidth(340)
        head = self.view.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.view.selectionModel().currentRowChanged.connect(lambda cur, prev: self._on_row(cur.row(), prev.row()))
        lcol.addWidget(self.view, 1)
        self.count_label = plain_label("", "muted", selectable=False)
        lcol.addWidget(self.count_label)
        row = QHBoxLayout()
        self.new_button = button("New client…")
        self.new_button.clicked.connect(self.new_client)
        self.dupes_button = button("Find duplicates…")
        self.dupes_button.clicked.connect(self.find_duplicates)
        row.addWidget(self.new_button)
        row.addWidget(self.dupes_button)
        row.addStretch(1)
        lcol.addLayout(row)
        splitter.addWidget(left)

        right = QWidget()
        rcol = QVBoxLayout(right)
        rcol.setContentsMargins(12, 0, 4, 0)
        self.heading = plain_label("Choose a client on the left.", "heading")
        rcol.addWidget(self.heading)
        self.editor = ClientEditor()
        rcol.addWidget(self.editor)
        actions = QHBoxLayout()
        self.save_button = button("Save", "primary")
        self.save_button.clicked.connect(self.save)
        self.repeat_button = button("Repeat last session", tooltip="Set up a session like this client's last one")
        self.repeat_button.clicked.connect(self._repeat)
        self.archive_button = button("Archive")
        self.archive_button.clicked.connect(self.toggle_archived)
        self.delete_button = button("Delete…", "danger")
        self.delete_button.clicked.connect(self.delete_client)
        for b in (self.save_button, self.repeat_button):
            actions.addWidget(b)
        actions.addStretch(1)
        for b in (self.archive_button, self.delete_button):
            actions.addWidget(b)
        rcol.addLayout(actions)
        rcol.addSpacing(10)
        rcol.addWidget(plain_label("Sessions", "heading", selectable=False))
        self.summary = plain_label("", "muted")
        self.summary.setObjectName("pain-summary")
        rcol.addWidget(self.summary)
        self.sessions_model = ClientSessionsModel(lambda p, v: variant_title(library(), p, v))
        self.sessions_view = _table(self.sessions_model)
        self.sessions_view.setMinimumHeight(150)
        shead = self.sessions_view.horizontalHeader()
        shead.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in (0, 2, 3):
            shead.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        rcol.addWidget(self.sessions_view, 1)
        hrow = QHBoxLayout()
        hrow.addStretch(1)
        self.history_button = button("Open in History")
        self.history_button.clicked.connect(self._open_history)
        hrow.addWidget(self.history_button)
        rcol.addLayout(hrow)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right.setMinimumHeight(520)
        scroll.setWidget(right)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([480, 560])
        self._current: str | None = None
        self._show(None)
        self.refresh()

    # ----------------------------------------------------------- the list

    def refresh(self) -> None:
        """Read the list (and the chosen client) from the log again; what is being typed stays."""
        self._timer.stop()
        archived = None if self.show_archived.isChecked() else False
        clients = self.store.clients(self.search.text(), archived=archived)
        keep = self._current
        self.view.selectionModel().blockSignals(True)
        try:
            self.model.set_clients(clients)
            row = self.model.row_of(keep) if keep else -1
            if row >= 0:
                self._select(row)
        finally:
            self.view.selectionModel().blockSignals(False)
        self.count_label.setText(
            "No clients match." if not clients else "1 client." if len(clients) == 1 else f"{len(clients):,} clients."
        )
        if keep is not None:
            client = self.store.client(keep)
            if client is None:
                self._show(None)
            elif not self.editor.dirty:
                self._show(client)
            else:
                self._show_sessions(client)

    def _select(self, row: int) -> None:
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.view.selectionModel().setCurrentIndex(index, flags)
        self.view.scrollTo(index)

    def select_client(self, client_id: str) -> None:
        """Choose the client (listed or not: an archived one is shown when asked for)."""
        if self.model.row_of(client_id) < 0:
            client = self.store.client(client_id)
            if client is None:
                return
            if client.archived:
                self.show_archived.setChecked(True)
            self.search.clear()
            self.refresh()
        row = self.model.row_of(client_id)
        if row >= 0:
            self._select(row)

    def _on_row(self, row: int, previous: int) -> None:
        client = self.model.client_at(row)
        if client is not None and client.id == self._current:
            return
        if self.editor.dirty and not self._settle_edits():
            self.view.selectionModel().blockSignals(True)
            try:
                back = self.model.row_of(self._current or "")
                self._select(back if back >= 0 else previous)
            finally:
                self.view.selectionModel().blockSignals(False)
            return
        self._show(self.store.client(client.id) if client is not None else None)

    def _settle_edits(self) -> bool:
        """Changes not saved: save them, leave them, or keep editing (False)."""
        name = self.editor.client.name if self.editor.client else ""
        answer = choose(
            self,
            "Save the changes?",
            f"The changes to “{name}” are not saved yet.",
            ("Save", "Don't save", "Keep editing"),
        )
        if answer == 0:
            return self.save()
        return answer == 1

    # ----------------------------------------------------------- the chosen client

    def _show(self, client: Client | None) -> None:
        self._current = client.id if client else None
        self.editor.show_client(client)
        self.heading.setText(client.name if client else "Choose a client on the left.")
        for b in (self.save_button, self.archive_button, self.delete_button):
            b.setEnabled(client is not None)
        self.archive_button.setText("Unarchive" if client and client.archived else "Archive")
        self._show_sessions(client)

    def _show_sessions(self, client: Client | None) -> None:
        rows = self.store.client_sessions(client.id) if client else []
        self.sessions_model.set_rows(rows)
        self.summary.setText(pain_summary(rows) if client else "")
        self.repeat_button.setEnabled(bool(rows))
        self.history_button.setEnabled(bool(rows))

    def save(self) -> bool:
        """Save the form (:meth:`~massage_timer.core.log.people.ClientLog.update_client`); False when refused."""
        if self._current is None:
            return False
        try:
            client = self.store.update_client(self._current, **self.editor.values())  # type: ignore[arg-type]
        except (StoreError, OSError, sqlite3.Error) as exc:
            self.editor.show_error(str(exc))  # what was typed stays in the form
            return False
        self._show(client)
        self.editor.show_error("Saved.", ok=True)
        self.refresh()
        return True

    def new_client(self) -> None:
        name, ok = QInputDialog.getText(self, "New client", "Name of the new client:")
        if not ok or not name.strip():
            return
        try:
            client = self.store.add_client(name)
        except (StoreError, OSError, sqlite3.Error) as exc:
            tell(self, "New client", str(exc), warning=True)
            return
        self.search.clear()
        self._current = client.id
        self.refresh()
        self._show(client)

    def toggle_archived(self) -> None:
        client = self.store.client(self._current) if self._current else None
        if client is None:
            return
        try:
            self.store.archive_client(client.id, not client.archived)
        except (StoreError, OSError, sqlite3.Error) as exc:
            tell(self, "Archive", str(exc), warning=True)
            return
        self.refresh()

    def make_backup(self) -> str | None:
        """Back up the log now: None when done, else why it could not be made."""
        try:
            make_backup(self.store, self.backups, int(self.settings.get("backups_keep")))
        except (OSError, sqlite3.Error, StoreError) as exc:
            return backup_failure_message(self.backups, exc)
        return None

    def delete_client(self) -> bool:
        """Ask, back up the log, then delete the chosen client with its sessions."""
        client = self.store.client(self._current) if self._current else None
        if client is None:
            return False
        if choose(self, "Delete the client?", delete_question(client), ("Delete", "Keep")) != 0:
            return False
        failed = self.make_backup()
        if failed:
            tell(self, "Not deleted", f"“{client.name}” was not deleted. {failed}", warning=True)
            return False
        try:
            self.store.delete_client(client.id)
        except (StoreError, OSError, sqlite3.Error) as exc:
            tell(self, "Not deleted", str(exc), warning=True)
            return False
        self._current = None
        self._show(None)
        self.refresh()
        return True

    def find_duplicates(self) -> None:
        dialog = DuplicatesDialog(self.store, self.make_backup, self)
        dialog.merged.connect(self.refresh)
        dialog.exec()

    def _repeat(self) -> None:
        if self._current:
            self.repeat_requested.emit(self._current)

    def _open_history(self) -> None:
        if self._current:
            self.open_history.emit(self._current)
