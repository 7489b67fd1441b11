"""Looking after the open session log while the app runs: the full check, and writes that wait.

* The full ``integrity_check`` (:class:`~massage_timer.core.log.IntegrityCheck`) runs on a
  worker thread, on its own read-only connection, a moment after the log opened (so never
  before the first frame); its result comes back to the GUI thread by the
  :attr:`LogWatch.integrity_checked` signal. Closing the app cancels it.
* While any write waits (:mod:`massage_timer.core.log.pending`), or while the log is
  read-only because its disk was full, a timer retries every :data:`RETRY_MS`: when space
  returns, the log becomes writable again and what waited is written, for sessions that
  ended as for the one that runs.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from ...core.log import IntegrityCheck, Store, StoreError, reopen_writable

RETRY_MS = 5000
"""How often writes that wait are tried again."""
CHECK_DELAY_MS = 3000
"""How long after the log opened the full check starts (start-up is over by then)."""


class LogWatch(QObject):
    """The background check and the retries of one open log.

    Args:
        store: the open log.
        backups: its backups folder (a whole one is offered on damage).
    """

    integrity_checked = Signal(object)
    """The full check's :class:`~massage_timer.core.log.IntegrityResult` (on the GUI thread)."""
    saved_late = Signal()
    """Writes that waited are in the log now."""
    became_writable = Signal()
    """A log opened read-only on a full disk can be written again."""

    def __init__(self, store: Store, backups: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.check = IntegrityCheck(store, backups)
        self._thread: threading.Thread | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(RETRY_MS)
        self._timer.timeout.connect(self.retry_now)
        self.update_retries()

    # ----------------------------------------------------------- the full check

    def start_integrity_check(self, delay_ms: int = CHECK_DELAY_MS, *, force: bool = False) -> None:
        """Run the full check on a worker thread after ``delay_ms`` (once; later calls do nothing)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run_check, args=(force,), name="log-integrity", daemon=True)
        QTimer.singleShot(max(0, delay_ms), self, self._thread.start)

    def _run_check(self, force: bool) -> None:
        result = self.check.run(force=force)
        if result.cancelled:
            return
        with contextlib.suppress(RuntimeError):  # the window closed meanwhile
            self.integrity_checked.emit(result)

    def stop(self) -> None:
        """Cancel the check and the retries (the app is closing); waits a moment for the worker."""
        self._timer.stop()
        self.check.cancel()
        thread = self._thread
        if thread is not None and thread.is_alive():
            thread.join(timeout=5)

    # ----------------------------------------------------------- writes that wait

    def update_retries(self) -> None:
        """Retry on a timer while something waits; stop when nothing does."""
        store = self.store
        waiting = (bool(store.pending) and not store.read_only) or (store.read_only and store.disk_full)
        if waiting and not self._timer.isActive():
            self._timer.start()
        elif not waiting and self._timer.isActive():
            self._timer.stop()

    def retry_now(self) -> bool:
        """Try what waits now. True when nothing waits any more."""
        store = self.store
        reopened = store.read_only and store.disk_full and reopen_writable(store)
        had = bool(store.pending)
        if had and not store.read_only:
            with contextlib.suppress(StoreError):
                store.pending.write_to(store)
        if reopened:
            self.became_writable.emit()
        elif had and not store.pending:
            self.saved_late.emit()
        self.update_retries()
        return not store.pending and not (store.read_only and store.disk_full)
