"""Chart numbers for the History page, read on a worker thread.

The charts module (pyqtgraph, numpy) is imported on the worker the first time
numbers are asked for, never when this module is imported. Each request reads
with its own read-only connection, so a large log never freezes the page.
"""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, QTimer, Signal

from ...core.log import Filter, Store


class ChartLoader(QObject):
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
        from . import charts

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
