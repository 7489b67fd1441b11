"""Where the app keeps its files: the Data and protocol-folder groups, and opening a folder in the file manager.

The groups only show paths; the page connects their "Open folder" buttons to
:func:`open_in_file_manager` and shows what went wrong, if anything.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QGroupBox, QWidget

from ....core.paths import DataPaths, make_private_dirs
from ....core.resources import ResourceError, builtin_protocols_dir
from ...widgets.basics import button, plain_label
from .forms import form_layout, path_field, path_row


def _open_url(url: QUrl) -> bool:
    """Open ``url`` with the desktop's handler (a seam for tests)."""
    return QDesktopServices.openUrl(url)


def open_in_file_manager(path: Path) -> str:
    """Open ``path`` in the file manager, creating it first if needed; what went wrong, or "" if it opened."""
    try:
        make_private_dirs(path)
    except OSError as exc:
        return f"Could not create {path}: {exc.strerror or exc}"
    if _open_url(QUrl.fromLocalFile(str(path))):
        return ""
    return f"Could not open a file manager; the folder is {path}"


class DataGroup(QGroupBox):
    """The data folder (with a button to open it) and the session log file."""

    def __init__(self, paths: DataPaths, parent: QWidget | None = None) -> None:
        super().__init__("Data", parent)
        form = form_layout(self)

        self.data_dir_edit = path_field(paths.root)
        self.open_data_button = button("Open folder", tooltip="Show the data folder in the file manager")
        form.addRow("Data folder", path_row(self.data_dir_edit, self.open_data_button))

        self.log_file_edit = path_field(paths.database)
        form.addRow("Session log", path_row(self.log_file_edit))


class ProtocolsGroup(QGroupBox):
    """The built-in protocols folder and the user's own (with a button to open it)."""

    def __init__(self, paths: DataPaths, parent: QWidget | None = None) -> None:
        super().__init__("Where protocols are read from", parent)
        form = form_layout(self)
        try:
            builtin = str(builtin_protocols_dir())
        except ResourceError as exc:
            builtin = f"not found: {exc}"
        self.builtin_dir_edit = path_field(builtin)
        form.addRow("Built-in protocols", path_row(self.builtin_dir_edit))

        self.user_protocols_edit = path_field(paths.protocols)
        self.open_protocols_button = button(
            "Open folder",
            tooltip="Show your protocols folder in the file manager (it is created if needed)",
        )
        form.addRow("Your protocols", path_row(self.user_protocols_edit, self.open_protocols_button))
        form.addRow(
            plain_label(
                "Put your own protocol files (.toml) in this folder; "
                "see the protocol format guide (README.md in the built-in folder). "
                "A file with the same id as a built-in protocol replaces it. "
                "Use “Reload” on the Protocols page after editing.",
                "muted",
            )
        )
