"""The four boxes of a SOAP note, and a read-only view of one with its signature and addenda.

:class:`SoapBox` asks for a note in the SOAP form: Subjective, Objective, Assessment and
Plan, each a :class:`~..notes_box.NotesEdit` with its limit, its counter and its paste
handling, under its full name and a one-line hint. :class:`SoapView` shows a note as plain
text under the same headings (never as markup), with lines such as "Signed on …" and the
addenda below. Neither writes anything: the page that holds them does.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from ....core.log import SoapNote
from ....core.log.edits.notes import SOAP_FIELDS, SOAP_TITLES
from ..basics import plain_label
from ..notes_box import NotesEdit

SOAP_HINTS = {
    "subjective": "What the client says: pain, sleep, changes since last time",
    "objective": "What you find: tense or tender areas, skin, movement",
    "assessment": "What you make of it: better or worse, and why",
    "plan": "What to do next time; shown before the next session",
}
"""One line under each box's name: what goes in it."""


class SoapBox(QWidget):
    """Four labelled note boxes, two by two; :meth:`note` is what was written."""

    changed = Signal()
    """Any of the boxes changed."""

    def __init__(self, parent: QWidget | None = None, *, min_box_height: int = 56) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(2)
        self.boxes: dict[str, NotesEdit] = {}
        self.hints: dict[str, QLabel] = {}
        for i, name in enumerate(SOAP_FIELDS):
            # head, hint, box and counter in rows of their own, so that the two boxes of a row line up
            top, col = (i // 2) * 5, i % 2
            head = plain_label(SOAP_TITLES[name], "heading", wrap=False, selectable=False)
            hint = plain_label(SOAP_HINTS[name], "muted", selectable=False)
            box = NotesEdit()
            box.setObjectName(f"Soap-{name}")
            box.setAccessibleName(SOAP_TITLES[name])
            box.setTabChangesFocus(True)
            box.setMinimumHeight(min_box_height)
            head.setBuddy(box)
            box.textChanged.connect(self.changed)
            # a counter only says how long the text is: it shows when that matters
            box.counter.setVisible(False)
            box.textChanged.connect(lambda b=box: b.counter.setVisible(b.over_limit() or b.left_out > 0 or _near(b)))
            grid.addWidget(head, top, col)
            grid.addWidget(hint, top + 1, col)
            grid.addWidget(box, top + 2, col)
            grid.addWidget(box.counter, top + 3, col)
            grid.setRowStretch(top + 2, 1)
            if top == 0:
                grid.setRowMinimumHeight(4, 10)
            self.boxes[name] = box
            self.hints[name] = hint

    def note(self) -> SoapNote:
        """The note as written, without the blank space around each field (as plain notes are saved)."""
        return SoapNote(**{name: box.toPlainText().strip() for name, box in self.boxes.items()})

    def set_note(self, note: SoapNote | None) -> None:
        for name, box in self.boxes.items():
            box.setPlainText(getattr(note, name) if note is not None else "")

    def clear(self) -> None:
        self.set_note(None)

    def has_input(self) -> bool:
        return not self.note().is_empty

    def over_limit(self) -> bool:
        return any(box.over_limit() for box in self.boxes.values())


def _label(text: str, role: str) -> QLabel:
    if role != "strong":
        return plain_label(text, role, selectable=False)
    label = plain_label(text, selectable=False)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _near(box: NotesEdit) -> bool:
    """Within a tenth of the limit: the counter starts to matter."""
    return len(box.toPlainText()) >= box.limit * 0.9


class SoapView(QWidget):
    """A SOAP note shown as plain text under its headings, with lines below it (signature, addenda)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lay = QVBoxLayout(self)
        self._lay.setContentsMargins(0, 0, 0, 0)
        self._lay.setSpacing(2)
        self._parts: list[QWidget] = []

    def show_note(self, note: SoapNote | None, sections: Sequence[tuple[str, str, str]] = ()) -> None:
        """Show ``note`` (its written fields) and then ``sections``: (heading, role of the heading, text).

        A section with an empty heading is a line of its own (e.g. "Signed on …"), in that role.
        The role ``strong`` is bold text of the normal size (the note's own headings are so).
        """
        for part in self._parts:
            self._lay.removeWidget(part)
            part.deleteLater()
        self._parts = []
        shown: list[tuple[str, str, str]] = []
        if note is not None:
            shown += [(SOAP_TITLES[name], "strong", text) for name, text in note.items() if text.strip()]
        shown += list(sections)
        for heading, role, text in shown:
            if heading:
                self._add(_label(heading, role), space=8)
                if text:
                    self._add(plain_label(text))
            else:
                self._add(_label(text, role), space=8)
        self.setVisible(bool(shown))

    def texts(self) -> list[str]:
        """The text of each line shown, in order (for reading it back)."""
        return [part.text() for part in self._parts if isinstance(part, QLabel)]

    def _add(self, label: QLabel, *, space: int = 0) -> None:
        if space and self._parts:
            label.setContentsMargins(0, space, 0, 0)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._lay.addWidget(label)
        self._parts.append(label)
