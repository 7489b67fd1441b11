"""The Backups group of the Settings page: the backups of the session log, and how many to keep.

The group lists what it is given and writes only the "keep the newest"
setting; the page asks before a restore and passes the requests on. Importing the
sessions of another computer's log is done here (:mod:`.importing`): it needs only
the data folder, found on the page the group sits in.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ....core.paths import DataPaths
from ...settings import BACKUP_KEEP_RANGE, Settings
from ...widgets.basics import button, plain_label, set_role, tell
from .importing import ImportOutcome, LogImporter, refresh_history


class BackupsGroup(QGroupBox):
    """The list of backups with Back up now, Restore…, Open folder, and how many backups to keep."""

    imported = Signal(object)
    """An import ended (its :class:`.importing.ImportOutcome`; the user has been told)."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__("Backups", parent)
        self.settings = settings
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 14, 16, 16)
        box.setSpacing(10)
        box.addWidget(
            plain_label(
                "A copy of the session log is made once a day when the app opens, before its "
                "format is upgraded, and whenever you ask. Restoring a backup first backs up "
                "the log as it is, so a restore can be undone.",
                "muted",
            )
        )
        self.backups_list = QListWidget()
        self.backups_list.setAccessibleName("Backups")
        self.backups_list.setMinimumHeight(110)
        self.backups_list.setMaximumHeight(200)
        box.addWidget(self.backups_list)
        row = QHBoxLayout()
        row.setSpacing(10)
        self.backup_button = button("Back up now", tooltip="Copy the session log into the backups folder now")
        self.restore_button = button("Restore…", tooltip="Replace the session log with the chosen backup")
        self.open_backups_button = button("Open folder", tooltip="Show the backups folder in the file manager")
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addWidget(self.open_backups_button)
        row.addStretch(1)
        row.addWidget(QLabel("Keep the newest"))
        self.backups_keep_spin = QSpinBox()
        self.backups_keep_spin.setRange(*BACKUP_KEEP_RANGE)
        self.backups_keep_spin.setAccessibleName("Backups to keep")
        self.backups_keep_spin.valueChanged.connect(lambda v: self.settings.set("backups_keep", int(v)))
        row.addWidget(self.backups_keep_spin)
        box.addLayout(row)
        import_row = QHBoxLayout()
        self.import_button = button(
            "Import sessions from another computer…",
            tooltip="Add the sessions of another computer's session log, or of a backup, to this log",
        )
        self.import_button.clicked.connect(self._on_import_clicked)
        import_row.addWidget(self.import_button)
        import_row.addStretch(1)
        box.addLayout(import_row)
        # ``tell`` is looked up when it is called, so that tests can replace it
        self.importer = LogImporter(self, self._data_paths, lambda *a, **k: tell(*a, **k))
        self.importer.done.connect(self._on_imported)
        self.backup_status = plain_label("", "muted")
        self.backup_status.hide()
        box.addWidget(self.backup_status)

    def set_backups(self, backups: list) -> None:
        """List the backups (``BackupInfo``, newest first) with their date and session count."""
        self.backups_list.clear()
        for info in backups:
            when = info.created.strftime("%Y-%m-%d %H:%M:%S")
            if info.sessions is None:
                text = f"{when} — cannot be read ({info.error})"
            else:
                text = f"{when} — {info.sessions} session{'s' if info.sessions != 1 else ''}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, info.path)
            item.setToolTip(str(info.path))
            self.backups_list.addItem(item)
        if not backups:
            item = QListWidgetItem("No backups yet")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.backups_list.addItem(item)
        self.restore_button.setEnabled(bool(backups))

    def set_status(self, text: str, ok: bool = True) -> None:
        """Show how the last backup or restore went (hidden when ``text`` is empty)."""
        self.backup_status.setText(text)
        set_role(self.backup_status, "ok" if ok else "danger")
        self.backup_status.setVisible(bool(text))

    def chosen(self) -> tuple[Path, str] | None:
        """The selected backup's file and its line in the list, or None if none is selected."""
        item = self.backups_list.currentItem()
        path = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if path is None:
            return None
        return Path(path), item.text()

    def _data_paths(self) -> DataPaths | None:
        """The data folder, from the page this group sits in."""
        widget = self.parentWidget()
        while widget is not None:
            paths = getattr(widget, "paths", None)
            if isinstance(paths, DataPaths):
                return paths
            widget = widget.parentWidget()
        return None

    def _on_import_clicked(self) -> None:
        if self.importer.choose_and_start():
            self.import_button.setEnabled(False)
            self.set_status("Importing sessions…")

    def _on_imported(self, outcome: ImportOutcome) -> None:
        from ....core.log import list_backups

        self.import_button.setEnabled(True)
        self.set_status("")
        paths = self._data_paths()
        if outcome.changed:
            if paths is not None:
                self.set_backups(list_backups(paths.backups))  # the backup made first
            refresh_history(self)
        self.imported.emit(outcome)
