"""The error dialog: an uncaught exception in plain words, "Copy details", and where the log folder is.

:mod:`.crash_reporter` shows it, on the GUI thread. It is not modal: a running
session keeps running behind it, and its keys keep working. Also here: opening
the log folder in the file manager (the dialog's button and Help → About's).
"""

from __future__ import annotations

from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from ... import APP_NAME
from ...core import diagnostics
from ..widgets.basics import button, plain_label


def _open_url(url: QUrl) -> bool:
    """Open ``url`` with the desktop's handler (a seam for tests)."""
    return QDesktopServices.openUrl(url)


def open_log_folder(folder: Path | None = None) -> str:
    """Show the log folder in the file manager (creating it first); what went wrong, or "" if it opened."""
    folder = folder or diagnostics.current_log_folder()
    try:
        diagnostics.make_private_folder(folder)
    except OSError as exc:
        return f"Could not create {folder}: {exc.strerror or exc}"
    if _open_url(QUrl.fromLocalFile(str(folder))):
        return ""
    return f"Could not open a file manager; the log folder is {folder}"


def versions_text() -> str:
    """The app, Python, Qt and PySide6 versions and the platform, one per line."""
    return "\n".join(diagnostics.version_lines(qVersion(), pyside_version))


class CrashDialog(QDialog):
    """What went wrong, in plain words; the technical details to copy; the log folder to open."""

    def __init__(self, summary: str, details: str, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME}: something went wrong")
        self.setObjectName("CrashDialog")
        self.folder = folder
        self.reports: list[tuple[str, str]] = [(summary, details)]
        self.resize(640, 460)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(plain_label("Something went wrong", "heading"))
        self.message = plain_label(self._message_text())
        layout.addWidget(self.message)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setAccessibleName("Technical details")
        self.details.setPlainText(details)
        layout.addWidget(self.details, 1)
        self.folder_label = plain_label(f"The log folder (events and errors, no session data): {folder}", "muted")
        layout.addWidget(self.folder_label)
        self.open_error = plain_label("", "danger")
        self.open_error.hide()
        layout.addWidget(self.open_error)

        row = QHBoxLayout()
        self.copy_button = button("Copy details", tooltip="Copy what happened and the versions, for a bug report")
        self.copy_button.clicked.connect(self.copy_details)
        self.open_button = button("Open log folder", tooltip=str(folder))
        self.open_button.clicked.connect(self._open_folder)
        self.close_button = button("Close", "primary")
        self.close_button.clicked.connect(self.close)
        self.close_button.setDefault(True)
        row.addWidget(self.copy_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout.addLayout(row)

    def _message_text(self) -> str:
        summary = self.reports[0][0]
        text = (
            f"{APP_NAME} ran into a problem it did not expect: {summary}.\n\n"
            "The app goes on: a session that is running keeps running, and what was saved stays saved. "
            "If something no longer works, close the app and start it again. "
            "To report the problem, press Copy details and paste them into your message."
        )
        more = len(self.reports) - 1
        if more:
            text += f"\n\n{more} more error{'s' if more > 1 else ''} happened since; the details of each are below."
        return text

    def add(self, summary: str, details: str) -> None:
        """Another error while the dialog is open: counted and added, no new dialog."""
        self.reports.append((summary, details))
        self.message.setText(self._message_text())
        self.details.appendPlainText("\n" + details)

    def details_text(self) -> str:
        """What Copy details puts on the clipboard: the versions, then every traceback."""
        return versions_text() + "\n\n" + "\n\n".join(details for _summary, details in self.reports) + "\n"

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
        self.copy_button.setText("Copied")

    def _open_folder(self) -> None:
        problem = open_log_folder(self.folder)
        self.open_error.setText(problem)
        self.open_error.setVisible(bool(problem))

    def present(self) -> None:
        """Show the dialog without blocking (a seam for tests)."""
        self.show()
        self.raise_()
        self.activateWindow()
