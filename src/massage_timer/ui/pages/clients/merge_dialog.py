"""Find duplicates…: the groups of clients whose names may be one person's, merged one group at a time.

For each group the user chooses the client to keep; the dialog says what moves before Merge
is pressed. A backup of the log is made first (``backup``); when it fails nothing is merged.
The groups come from :meth:`~massage_timer.core.log.people.ClientLog.near_duplicates` and are
never merged by themselves.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ....core.log import Store, StoreError
from ....core.log.people import Client
from ...widgets.basics import button, plain_label
from .model import short_date


def client_line(client: Client) -> str:
    """A client told apart from its near duplicates: name, date of birth, sessions, last session."""
    born = f", born {client.born}" if client.born else ""
    if client.sessions == 0:
        return f"“{client.name}”{born}, no sessions"
    if client.sessions == 1:
        return f"“{client.name}”{born}, 1 session, on {short_date(client.last_ts)}"
    return f"“{client.name}”{born}, {client.sessions} sessions, the last on {short_date(client.last_ts)}"


def merge_summary(keep: Client, others: list[Client]) -> str:
    """What a merge into ``keep`` moves, one sentence per client merged."""
    lines = []
    for other in others:
        if other.sessions == 0:
            text = f"“{other.name}” has no sessions to move to “{keep.name}”."
        elif other.sessions == 1:
            text = f"1 session of “{other.name}” moves to “{keep.name}”."
        else:
            text = f"{other.sessions} sessions of “{other.name}” move to “{keep.name}”."
        if other.notes.strip():
            text += f" The notes of “{other.name}” are added to the notes of “{keep.name}”."
        lines.append(text)
    lines.append("A backup of the log is made first.")
    return "\n".join(lines)


class _GroupBox(QGroupBox):
    """One group of near duplicates: which to keep, what moves, and Merge."""

    merge_requested = Signal(str, list)

    def __init__(self, group: list[Client], parent: QWidget | None = None) -> None:
        super().__init__(f"“{group[0].name.strip()}” and similar names", parent)
        self.group = group
        col = QVBoxLayout(self)
        col.addWidget(plain_label("Keep this client:", selectable=False))
        self.choice = QButtonGroup(self)
        keep = max(group, key=lambda c: (c.sessions, -c.created_ts))  # the most sessions, then the oldest
        for client in group:
            radio = QRadioButton(client_line(client))
            radio.setProperty("client_id", client.id)
            radio.setChecked(client is keep)
            self.choice.addButton(radio)
            col.addWidget(radio)
        self.summary = plain_label("", "muted")
        col.addWidget(self.summary)
        row = QHBoxLayout()
        row.addStretch(1)
        self.merge_button = button("Merge", "primary")
        self.merge_button.clicked.connect(self._merge)
        row.addWidget(self.merge_button)
        col.addLayout(row)
        self.choice.buttonToggled.connect(lambda *_: self._update())
        self._update()

    def kept(self) -> Client:
        chosen = self.choice.checkedButton()
        wanted = chosen.property("client_id") if chosen is not None else self.group[0].id
        return next(c for c in self.group if c.id == wanted)

    def _update(self) -> None:
        keep = self.kept()
        self.summary.setText(merge_summary(keep, [c for c in self.group if c.id != keep.id]))

    def _merge(self) -> None:
        keep = self.kept()
        self.merge_requested.emit(keep.id, [c.id for c in self.group if c.id != keep.id])


class DuplicatesDialog(QDialog):
    """The near-duplicate groups of the log, each with its own Merge.

    Args:
        backup: makes a backup of the log; returns None when it is made, else why not.
    """

    merged = Signal()

    def __init__(self, store: Store, backup: Callable[[], str | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._backup = backup
        self.setWindowTitle("Find duplicate clients")
        self.setModal(True)
        outer = QVBoxLayout(self)
        outer.addWidget(
            plain_label(
                "These clients have names that differ only in capitals, spaces or accents. "
                "Merge those that are one person: their sessions, notes and answers go to the client you keep.",
                "muted",
            )
        )
        self.status = plain_label("", "danger")
        self.status.setObjectName("merge-status")
        self.status.hide()
        outer.addWidget(self.status)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._body = QWidget()
        self._col = QVBoxLayout(self._body)
        scroll.setWidget(self._body)
        outer.addWidget(scroll, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        close = button("Close")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        outer.addLayout(row)
        self.groups: list[_GroupBox] = []
        self.reload()
        self.resize(max(640, self.fontMetrics().averageCharWidth() * 80), 520)

    def reload(self) -> None:
        """Show the groups as the log has them now."""
        while self._col.count():
            item = self._col.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.groups = []
        found = self.store.near_duplicates()
        if not found:
            self._col.addWidget(plain_label("No duplicate names were found. Every client's name is different."))
        for group in found:
            box = _GroupBox(group)
            box.merge_requested.connect(self.merge)
            self._col.addWidget(box)
            self.groups.append(box)
        self._col.addStretch(1)

    def _say(self, text: str, role: str = "danger") -> None:
        from ...widgets.basics import set_role

        self.status.setText(text)
        set_role(self.status, role)
        self.status.setVisible(bool(text))

    def merge(self, keep_id: str, other_ids: list[str]) -> bool:
        """Back up the log, then merge ``other_ids`` into ``keep_id``; a failed backup merges nothing."""
        failed = self._backup()
        if failed:
            self._say(f"Nothing was merged. {failed}")
            return False
        try:
            outcome = self.store.merge_clients(keep_id, other_ids)
        except (StoreError, OSError) as exc:
            self._say(str(exc))
            return False
        moved = outcome.sessions_moved
        what = "1 session" if moved == 1 else f"{moved} sessions"
        self._say(f"Merged into “{outcome.kept.name}”: {what} moved.", "ok")
        self.merged.emit()
        self.reload()
        return True
