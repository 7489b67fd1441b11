"""A lazy table model over the session log.

The model holds only the ordered row keys of the filtered sessions (one
integer each, cheap even for 100,000 sessions) and fetches the rows a view
actually shows, a page at a time, keeping a few pages in a small cache.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QPalette

from ...core.durations import whole_seconds
from ...core.log import Filter, SessionRow, Store

PAGE_SIZE = 200
CACHED_PAGES = 8

COLUMNS = ("Date/time", "Person", "Protocol", "Duration", "Status", "Pain before → after")
COL_DATE, COL_PERSON, COL_PROTOCOL, COL_DURATION, COL_STATUS, COL_PAIN = range(len(COLUMNS))

SESSION_ROLE = Qt.ItemDataRole.UserRole + 1
"""The :class:`SessionRow` of a row."""

STATUS_LABELS = {
    "completed": "Completed",
    "stopped": "Stopped",
    "interrupted": "Interrupted",
    "running": "Running",
}

_Index = QModelIndex | QPersistentModelIndex


def local_datetime(ts: float, utc_offset_min: int) -> datetime:
    """The wall-clock time where the session took place (its recorded UTC offset)."""
    return datetime.fromtimestamp(ts, UTC) + timedelta(minutes=utc_offset_min)


def format_when(ts: float, utc_offset_min: int) -> str:
    return local_datetime(ts, utc_offset_min).strftime("%Y-%m-%d  %H:%M")


def format_duration(seconds: float | None) -> str:
    """``mm:ss`` under an hour, ``1h 05m`` from an hour on."""
    if seconds is None:
        return ""
    total = max(0, whole_seconds(seconds))
    if total >= 3600:
        return f"{total // 3600}h {total % 3600 // 60:02d}m"
    return f"{total // 60:02d}:{total % 60:02d}"


TOOLTIP_CHARS = 600
"""A tooltip shows at most this much of a note (Qt would lay out a 1 MB note for every hover)."""


def tooltip_html(text: str) -> str:
    """A tooltip for a note or a title: escaped (always shown literally), long text shortened."""
    more = len(text) - TOOLTIP_CHARS
    shown = html.escape(text[:TOOLTIP_CHARS] if more > 0 else text)
    if more > 0:
        shown += f"…<br><i>({more:,} more characters; the whole note is shown below the table)</i>"
    return f"<p style='white-space:pre-wrap'>{shown}</p>"


def format_pain(before: int | None, after: int | None) -> str:
    if before is None and after is None:
        return ""
    b = "–" if before is None else str(before)
    a = "–" if after is None else str(after)
    return f"{b} → {a}"


class HistoryModel(QAbstractTableModel):
    """Sessions matching a :class:`Filter`, newest first, fetched page by page."""

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._filter = Filter()
        self._keys: list[int] = []
        self._pages: OrderedDict[int, list[SessionRow | None]] = OrderedDict()
        self.pages_fetched = 0
        """How many pages were read from the log (for tests and benchmarks)."""

    # ------------------------------------------------------------ filter

    @property
    def filter(self) -> Filter:
        return self._filter

    def set_filter(self, flt: Filter) -> None:
        self._filter = flt
        self.reload()

    def reload(self) -> None:
        """Re-read the list of sessions (after a change in the log)."""
        self.beginResetModel()
        self._keys = self._store.session_keys(self._filter)
        self._pages.clear()
        self.endResetModel()

    def invalidate(self, row: int) -> None:
        """Forget the cached page of ``row`` (after its session was edited)."""
        self._pages.pop(row // PAGE_SIZE, None)
        if 0 <= row < len(self._keys):
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # ------------------------------------------------------------ rows

    def session_at(self, row: int) -> SessionRow | None:
        if not 0 <= row < len(self._keys):
            return None
        page_no = row // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            keys = self._keys[page_no * PAGE_SIZE : (page_no + 1) * PAGE_SIZE]
            self.pages_fetched += 1
            page = self._store.sessions_by_keys(keys)
            self._pages[page_no] = page
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[row - page_no * PAGE_SIZE]

    def row_of(self, session_id: str) -> int:
        """The row of a session among the cached pages, or -1."""
        for page_no, page in self._pages.items():
            for i, s in enumerate(page):
                if s is not None and s.id == session_id:
                    return page_no * PAGE_SIZE + i
        return -1

    # ------------------------------------------------------------ Qt API

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._keys)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self._alignment(section))
        return None

    @staticmethod
    def _alignment(column: int) -> Qt.AlignmentFlag:
        if column in (COL_DURATION, COL_PAIN):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.TextAlignmentRole,
            Qt.ItemDataRole.ForegroundRole,
            SESSION_ROLE,
        ):
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self._alignment(index.column()))
        s = self.session_at(index.row())
        if s is None:
            return None
        if role == SESSION_ROLE:
            return s
        col = index.column()
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_STATUS and s.status != "completed":
                return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            text = s.protocol_title if col == COL_PROTOCOL else s.notes
            return tooltip_html(text) if text else None
        if col == COL_DATE:
            return format_when(s.started_ts, s.utc_offset_min)
        if col == COL_PERSON:
            return s.person
        if col == COL_PROTOCOL:
            return s.protocol_title
        if col == COL_DURATION:
            return format_duration(s.actual_seconds)
        if col == COL_STATUS:
            return STATUS_LABELS.get(s.status, s.status)
        if col == COL_PAIN:
            return format_pain(s.pain_before, s.pain_after)
        return None
