"""Uncaught exceptions shown to the user: handed from any thread to the GUI thread, then to the error dialog.

:func:`install_crash_dialog` makes :mod:`core.diagnostics` hand every uncaught
exception (a Qt slot's, a thread's) to a :class:`CrashReporter` living on the GUI
thread. The hand-over is a queued signal, so the dialog is always made on the GUI
thread and from the event loop, never inside the code that failed.

It never recurses: further errors while the dialog is open are added to it, and if
showing it fails, later errors go to the log only. Installed before the first frame,
it loads the dialog itself (:mod:`.crash_dialog`) only when there is something to show.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QWidget

from ...core import diagnostics

if TYPE_CHECKING:
    from .crash_dialog import CrashDialog

log = logging.getLogger(__name__)


class CrashReporter(QObject):
    """Receives uncaught exceptions from any thread and shows them on the GUI thread."""

    _reported = Signal(str, str)  # summary, details

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.dialog: CrashDialog | None = None
        self.broken = False
        """Showing the dialog failed once: from then on errors go to the log only."""
        self._reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def report(self, summary: str, details: str) -> None:
        """Called by the exception hooks, on whatever thread failed."""
        with contextlib.suppress(RuntimeError):  # the reporter is gone (the app is closing): the log has it
            self._reported.emit(summary, details)

    def _show(self, summary: str, details: str) -> None:
        if self.broken:
            return
        try:
            if self.dialog is not None and self.dialog.isVisible():
                self.dialog.add(summary, details)
                return
            if self.dialog is not None:
                self.dialog.deleteLater()
            from .crash_dialog import CrashDialog

            self.dialog = CrashDialog(summary, details, self.folder, _parent_window())
            self.dialog.present()
        except Exception:  # noqa: BLE001 - the error dialog must never fail in turn
            self.broken = True
            log.exception("the error dialog could not be shown; further errors go to the log only")


def _parent_window() -> QWidget | None:
    window = QApplication.activeWindow()
    return None if window is None or window.objectName() == "CrashDialog" else window


def install_crash_dialog(app: QObject, folder: Path | None = None) -> CrashReporter:
    """Show uncaught exceptions in the error dialog from now on (the hooks log them in any case)."""
    reporter = CrashReporter(folder or diagnostics.current_log_folder(), app)
    diagnostics.set_reporter(reporter.report)
    return reporter
