"""The Clients page's tables: the list of clients and one client's sessions, as lazy Qt models.

A list of 5,000 clients is one model over a Python list (the view asks only for the rows it
shows), never a widget per client. :func:`pain_summary` says in one sentence how a client's
pain went over the sessions rated before and after.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ....core.log import SessionRow
from ....core.log.people import Client
from ...history.model import local_datetime

TREND_LEAST = 5
"""Rated sessions needed before the page speaks of a trend."""

_Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()


def short_date(ts: float | None) -> str:
    """A time as a local date, ``2026-01-05`` ("" for None)."""
    return "" if ts is None else datetime.fromtimestamp(ts).strftime("%Y-%m-%d")


def pain_summary(rows: Sequence[SessionRow]) -> str:
    """One sentence on the pain of the sessions rated both before and after, or why there is none."""
    rated = [r for r in rows if r.pain_before is not None and r.pain_after is not None]
    if not rated:
        return "No session of this client has pain rated both before and after yet."
    before = sum(r.pain_before or 0 for r in rated) / len(rated)
    after = sum(r.pain_after or 0 for r in rated) / len(rated)
    if len(rated) == 1:
        return (
            f"Pain before {before:.1f} → after {after:.1f} in the one rated session. "
            f"At least {TREND_LEAST} rated sessions are needed to speak of a trend."
        )
    if len(rated) < TREND_LEAST:
        return (
            f"Pain before {before:.1f} → after {after:.1f} on average over {len(rated)} rated sessions. "
            f"At least {TREND_LEAST} rated sessions are needed to speak of a trend."
        )
    return f"Pain before {before:.1f} → after {after:.1f} on average over {len(rated)} rated sessions."


class ClientListModel(QAbstractTableModel):
    """Clients as rows: name, date of birth, sessions, last session."""

    HEADERS = ("Name", "Born", "Sessions", "Last session")

    def __init__(self) -> None:
        super().__init__()
        self._clients: list[Client] = []

    def set_clients(self, clients: list[Client]) -> None:
        self.beginResetModel()
        self._clients = list(clients)
        self.endResetModel()

    def client_at(self, row: int) -> Client | None:
        return self._clients[row] if 0 <= row < len(self._clients) else None

    def row_of(self, client_id: str) -> int:
        """The row of the client, or -1 when it is not listed."""
        return next((i for i, c in enumerate(self._clients) if c.id == client_id), -1)

    def rowCount(self, parent: _Index = _NO_INDEX) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._clients)

    def columnCount(self, parent: _Index = _NO_INDEX) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201, N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        client = self.client_at(index.row())
        if client is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return f"{client.name} (archived)" if client.archived else client.name
            if col == 1:
                return client.born or ""
            if col == 2:
                return str(client.sessions)
            return short_date(client.last_ts)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return client.id
        return None


class ClientSessionsModel(QAbstractTableModel):
    """One client's sessions, newest first: date, protocol and variant, minutes, pain before → after.

    Args:
        variant_title: (protocol id, variant id) -> the variant's title, or None when unknown.
    """

    HEADERS = ("Date", "Protocol", "Minutes", "Pain")

    def __init__(self, variant_title: Callable[[str, str], str | None] | None = None) -> None:
        super().__init__()
        self._rows: list[SessionRow] = []
        self._variant_title = variant_title

    def set_rows(self, rows: list[SessionRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> SessionRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = _NO_INDEX) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _NO_INDEX) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201, N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def _protocol(self, row: SessionRow) -> str:
        if not row.variant:
            return row.protocol_title
        title = self._variant_title(row.protocol_id, row.variant) if self._variant_title else None
        return f"{row.protocol_title}, {title or row.variant}"

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        row = self.row_at(index.row())
        if row is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        col = index.column()
        if col == 0:
            return f"{local_datetime(row.started_ts, row.utc_offset_min):%Y-%m-%d %H:%M}"
        if col == 1:
            return self._protocol(row)
        if col == 2:
            return str(round(row.actual_seconds / 60))
        before = "–" if row.pain_before is None else str(row.pain_before)
        after = "–" if row.pain_after is None else str(row.pain_after)
        return f"{before} → {after}"
