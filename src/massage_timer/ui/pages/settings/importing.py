"""Import sessions from another computer: the Backups group's *Import sessions from another computer…*.

The user picks the other log (or a backup of it) in a file dialog; the import
(:func:`massage_timer.core.log.import_log`) runs on a worker thread with a connection of
its own (10,000 sessions take about a second, too long for the window to freeze), while
the button waits and the cursor shows it. A message box then says what was done, or,
as a warning naming the file, why the file cannot be imported.

The app's own connection sees the new sessions at once (the same file, WAL). History,
when it was opened, reads the log again; the backups list shows the backup made first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from ....core.paths import DataPaths

FILE_FILTER = "Session logs (*.sqlite3 *.sqlite *.db);;All files (*)"
TITLE = "Import sessions"


@dataclass(frozen=True)
class ImportOutcome:
    """How an import ended: the report's lines, or ``error`` (nothing changed then)."""

    source: Path
    lines: list[str] = field(default_factory=list)
    error: str = ""
    changed: bool = False
    """Whether anything was written to this log."""


class _ImportThread(QThread):
    """Runs one import; :attr:`outcome` is set before :attr:`finished` is emitted."""

    def __init__(self, paths: DataPaths, source: Path) -> None:
        super().__init__()
        self._paths = paths
        self._source = source
        self.outcome = ImportOutcome(source, error=f"{source}: the import did not run.")

    def run(self) -> None:
        from ....core.log import StoreError, import_log
        from ....core.log.disk.merge import open_writer

        source = self._source
        try:
            store = open_writer(self._paths.database)
        except StoreError as exc:
            self.outcome = ImportOutcome(source, error=str(exc))
            return
        if store is None:
            self.outcome = ImportOutcome(
                source,
                error=f"There is no session log in {self._paths.root} to import into yet. Nothing was imported.",
            )
            return
        try:
            report = import_log(store, source, backups_dir=self._paths.backups)
            self.outcome = ImportOutcome(source, report.describe(), changed=report.changed)
        except StoreError as exc:
            self.outcome = ImportOutcome(source, error=str(exc))
        except Exception as exc:  # noqa: BLE001 - said in a message, never a crash
            self.outcome = ImportOutcome(source, error=f"{source}: it could not be imported ({exc}).")
        finally:
            store.close()


class LogImporter(QObject):
    """Choose a file, import it off the GUI thread, say how it went; :attr:`done` carries the outcome."""

    done = Signal(object)
    """The :class:`ImportOutcome`, once the user has been told."""

    def __init__(self, parent: QWidget, paths: Callable[[], DataPaths | None], tell: Callable[..., None]) -> None:
        super().__init__(parent)
        self._parent = parent
        self._paths = paths
        self._tell = tell
        self.thread: _ImportThread | None = None

    def running(self) -> bool:
        return self.thread is not None and self.thread.isRunning()

    def choose_and_start(self) -> bool:
        """Ask for the file, then start; False when the user cancelled or an import runs already."""
        if self.running():
            return False
        paths = self._paths()
        start = str(paths.backups) if paths is not None and paths.backups.is_dir() else ""
        name, _ = QFileDialog.getOpenFileName(self._parent, "Import sessions from another computer", start, FILE_FILTER)
        if not name:
            return False
        return self.start(Path(name))

    def start(self, source: Path) -> bool:
        """Import ``source`` on a worker thread; False when an import runs already."""
        if self.running():
            return False
        paths = self._paths()
        if paths is None:
            self._tell(self._parent, TITLE, "Massage Timer does not know where its session log is.", warning=True)
            return False
        thread = _ImportThread(paths, source)
        thread.finished.connect(self._on_finished)
        self.thread = thread
        self._parent.destroyed.connect(lambda *_: _wait(thread))  # never destroyed while it runs
        QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        thread.start()
        return True

    def _on_finished(self) -> None:
        QGuiApplication.restoreOverrideCursor()
        thread = self.thread
        if thread is None:
            return
        outcome = thread.outcome
        thread.deleteLater()
        self.thread = None
        if outcome.error:
            self._tell(self._parent, TITLE, outcome.error, warning=True)
        else:
            self._tell(self._parent, TITLE, "\n".join(outcome.lines))
        self.done.emit(outcome)


def _wait(thread: QThread) -> None:
    with contextlib.suppress(RuntimeError):  # already gone: it had finished
        thread.wait()


def refresh_history(widget: QWidget) -> bool:
    """Have the History page read the log again, if the window has opened it; True when it did.

    The main window keeps its pages by name (``_pages``) and History has ``refresh()``, as
    after a restore. A window without them (a test, the page on its own) is left alone.
    """
    pages = getattr(widget.window(), "_pages", None)
    refresh = getattr(pages.get("history"), "refresh", None) if isinstance(pages, dict) else None
    if not callable(refresh):
        return False
    refresh()
    return True
