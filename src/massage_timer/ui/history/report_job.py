"""The doctor's report, written on a worker thread while a progress dialog offers Cancel.

The worker is a QThread (Qt's text layout starts timers, which need a thread Qt
made) that reads with its own read-only connection (:meth:`Store.reader`) and
writes the PDF with :func:`.report.write_report`: no widget is touched off the GUI
thread. The window stays responsive however long the notes are; Cancel stops the
report between two pages and leaves no file behind.

Qt's calls keep Python's lock while they run, and a GUI thread waiting for it gets
it only after the interpreter's switch interval (5 ms): a table repaint, a few
hundred small calls into Python, would take seconds. While a report runs the
interval is 0.5 ms, so that the GUI thread gets its turn at once.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ...core.log import Filter, Store
from ...core.log.errors import file_write_failure
from .report import ReportCancelled, write_report

STEPS = 1000
"""The progress bar's resolution."""
SWITCH_INTERVAL = 0.0005
"""Python's thread switch interval while a report is written (seconds)."""


@dataclass(frozen=True)
class ReportOutcome:
    """How a report ended: written (``count`` sessions), cancelled, or failed (``error``)."""

    path: Path
    count: int = 0
    cancelled: bool = False
    error: str = ""


class _ReportThread(QThread):
    """Writes one report; :attr:`outcome` is set before :attr:`finished` is emitted."""

    progressed = Signal(int, str)

    def __init__(self, store: Store, flt: Filter, path: Path) -> None:
        super().__init__()
        self._store = store
        self._flt = flt
        self._path = path
        self._last = -1
        self.cancel_event = threading.Event()
        self.outcome = ReportOutcome(path, error="the report did not run")

    def _progress(self, done: float, what: str) -> None:
        value = round(done * STEPS)
        if value != self._last:
            self._last = value
            self.progressed.emit(value, what)

    def run(self) -> None:
        path = self._path
        try:
            reader = self._store.reader()
        except Exception as exc:  # noqa: BLE001 - said in a message, never a crash
            self.outcome = ReportOutcome(path, error=f"The session log {self._store.path} cannot be read: {exc}")
            return
        try:
            count = write_report(reader, self._flt, path, progress=self._progress, cancelled=self.cancel_event.is_set)
            self.outcome = ReportOutcome(path, count=count)
        except ReportCancelled:
            self.outcome = ReportOutcome(path, cancelled=True)
        except OSError as exc:
            self.outcome = ReportOutcome(path, error=file_write_failure(path, exc))
        except Exception as exc:  # noqa: BLE001 - said in a message, never a crash
            self.outcome = ReportOutcome(path, error=f"The report {path} could not be written: {exc}")
        finally:
            reader.close()


def _stop(thread: _ReportThread) -> None:
    thread.cancel_event.set()
    with contextlib.suppress(RuntimeError):  # already gone: it had finished
        thread.wait()


class ReportJob(QObject):
    """One report being written, with its progress dialog; :attr:`done` says how it ended."""

    done = Signal(object)
    """The :class:`ReportOutcome`."""

    def __init__(self, store: Store, flt: Filter, path: Path, parent: QWidget) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.dialog = QProgressDialog("Preparing the report…", "Cancel", 0, STEPS, parent)
        self.dialog.setObjectName("ReportProgress")
        self.dialog.setWindowTitle("Doctor report")
        self.dialog.setMinimumWidth(380)  # no jumps as the text changes
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self._updating = False
        self._interval = sys.getswitchinterval()
        self.thread = _ReportThread(store, flt, self.path)
        self.thread.progressed.connect(self._on_progress)
        self.thread.finished.connect(self._on_finished)
        thread = self.thread
        # Closing the window mid-report: stop the worker and wait for it (a QThread must
        # not be destroyed while it runs).
        parent.destroyed.connect(lambda *_: _stop(thread))

    def start(self) -> None:
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._interval, SWITCH_INTERVAL))
        self.dialog.setValue(0)
        self.thread.start()

    def cancel(self) -> None:
        """Stop the report (at the next page); nothing is written."""
        self.thread.cancel_event.set()

    def running(self) -> bool:
        return self.thread.isRunning()

    def _on_progress(self, value: int, what: str) -> None:
        # A modal QProgressDialog processes events in setValue: a progress signal heard in
        # there is skipped rather than nested (the next one catches up).
        if self._updating or self.thread.cancel_event.is_set():
            return
        self._updating = True
        try:
            self.dialog.setLabelText(f"{what}\n{self.path.name}")
            self.dialog.setValue(value)
        finally:
            self._updating = False

    def _on_finished(self) -> None:
        self.thread.wait()  # "finished" comes just before the thread ends
        sys.setswitchinterval(self._interval)
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()
        self.done.emit(self.thread.outcome)
