"""A box for a session's notes that holds at most so many characters, and says how many.

Whatever way text comes in (typing, pasting, dropping, an input method), the part
that would make the notes longer than the limit is refused; a paste keeps what fits
and the counter says how much was left out. Text the program sets (notes read from
the log) is shown in full however long it is: notes written by an older version are
never cut. Such a box takes no more text until it is back under the limit.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QWidget

from ...core.text import MAX_NOTES
from .basics import plain_label, set_role


def _units(text: str) -> int:
    """Length in a QTextDocument's positions (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def notes_status(length: int, limit: int, left_out: int = 0) -> tuple[str, bool]:
    """The counter's text for notes of ``length`` characters, and whether it is a warning."""
    count = f"{length:,} / {limit:,} characters"
    if length > limit:
        return (
            f"{count}. These notes are longer than notes can be now; they are kept in full. "
            f"To change them, first shorten them to {limit:,} characters.",
            True,
        )
    if left_out:
        return f"{count}. The text was too long: {left_out:,} characters of it were not added.", True
    if length == limit:
        return f"{count}. The notes are full.", True
    return count, False


class NotesEdit(QPlainTextEdit):
    """Plain-text notes of at most ``limit`` characters, with a counter label (:attr:`counter`)."""

    def __init__(self, limit: int = MAX_NOTES, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.limit = limit
        self.left_out = 0
        """Characters the last edit brought that did not fit."""
        self._loading = False
        self._trimming = False
        self.counter: QLabel = plain_label("", "muted", wrap=True, selectable=False)
        self.counter.setObjectName("NotesCounter")
        self.document().contentsChange.connect(self._on_contents_change)
        self.textChanged.connect(self._update_counter)
        self._update_counter()

    def setPlainText(self, text: str) -> None:  # noqa: N802 - Qt's name
        """Show ``text`` in full, even beyond the limit (notes from the log are never cut)."""
        self._loading = True
        try:
            super().setPlainText(text)
        finally:
            self._loading = False
        self.left_out = 0
        self._update_counter()

    def clear(self) -> None:
        self.setPlainText("")

    def over_limit(self) -> bool:
        return len(self.toPlainText()) > self.limit

    def _on_contents_change(self, position: int, _removed: int, added: int) -> None:
        if self._loading or self._trimming or added <= 0:
            return
        excess = len(self.toPlainText()) - self.limit
        if excess <= 0:
            self.left_out = 0
            return
        end = min(position + added, self.document().characterCount() - 1)
        cursor = QTextCursor(self.document())
        cursor.setPosition(position)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        inserted = cursor.selectedText()
        cut = min(excess, len(inserted))
        keep = _units(inserted[: len(inserted) - cut])
        cursor.setPosition(position + keep)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self._trimming = True
        try:
            # Part of the same edit: one undo takes back the whole paste.
            cursor.joinPreviousEditBlock()
            cursor.removeSelectedText()
            cursor.endEditBlock()
        finally:
            self._trimming = False
        self.left_out = cut if added > 1 else 0

    def _update_counter(self) -> None:
        text, warning = notes_status(len(self.toPlainText()), self.limit, self.left_out)
        if text != self.counter.text():
            self.counter.setText(text)
        if (self.counter.property("role") == "danger") != warning:
            set_role(self.counter, "danger" if warning else "muted")


def heading_row(heading: QLabel, edit: NotesEdit) -> QHBoxLayout:
    """A notes box's heading (its buddy: Alt and the underlined letter go to the box) with the
    box's counter at the right, as one row to put above the box."""
    heading.setBuddy(edit)
    row = QHBoxLayout()
    row.addWidget(heading)
    row.addSpacing(12)
    row.addWidget(edit.counter, 1)
    edit.counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return row
