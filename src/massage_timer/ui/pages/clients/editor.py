"""The form of one client on the Clients page: name, date of birth, usual side and level, notes.

The form only collects what is typed (:meth:`ClientEditor.values`); the page saves it and, when
the log refuses, shows why with :meth:`ClientEditor.show_error` and leaves the typing as it is.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from ....core.log.people import MAX_NAME, Client
from ...widgets.basics import plain_label, set_role
from ...widgets.notes_box import NotesEdit

SIDE_NAMES = (("", "Not given"), ("left", "Left"), ("right", "Right"), ("both", "Both sides"))
LEVEL_NAMES = (("", "Not given"), ("upper", "Upper back"), ("lower", "Lower back"))


def _combo(choices: tuple[tuple[str, str], ...]) -> QComboBox:
    box = QComboBox()
    for value, label in choices:
        box.addItem(label, value)
    return box


class ClientEditor(QWidget):
    """Editable fields of one client; ``edited`` tells that something was typed since :meth:`show_client`."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.client: Client | None = None
        self._loading = False
        self.dirty = False
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setMaxLength(MAX_NAME)
        self.name.setObjectName("client-name")
        form.addRow("Name:", self.name)
        self.born = QLineEdit()
        self.born.setObjectName("client-born")
        self.born.setPlaceholderText("not given (write it as 1954-03-02)")
        self.born.setMaxLength(10)
        form.addRow("Date of birth:", self.born)
        self.side = _combo(SIDE_NAMES)
        self.side.setObjectName("client-side")
        form.addRow("Sciatica side:", self.side)
        self.level = _combo(LEVEL_NAMES)
        self.level.setObjectName("client-level")
        form.addRow("Level:", self.level)
        form.addRow("", plain_label("Side and level are chosen for this client when a session is set up.", "muted"))
        col.addLayout(form)
        col.addWidget(plain_label("Notes (conditions, what to avoid):", selectable=False))
        self.notes = NotesEdit()
        self.notes.setObjectName("client-notes")
        self.notes.setPlaceholderText("Conditions, what to avoid, what helped")
        self.notes.setMinimumHeight(80)
        self.notes.setMaximumHeight(150)  # the sessions below stay in view
        col.addWidget(self.notes)
        col.addWidget(self.notes.counter)
        self.error = plain_label("", "danger")
        self.error.setObjectName("client-error")
        self.error.hide()
        col.addWidget(self.error)
        for signal in (self.name.textEdited, self.born.textEdited, self.notes.textChanged):
            signal.connect(self._on_edit)
        self.side.currentIndexChanged.connect(self._on_edit)
        self.level.currentIndexChanged.connect(self._on_edit)

    def _on_edit(self, *_: object) -> None:
        if not self._loading:
            self.dirty = True
            self.edited.emit()

    def show_client(self, client: Client | None) -> None:
        """Show ``client`` (None: an empty, disabled form); what was typed before is replaced."""
        self._loading = True
        try:
            self.client = client
            self.name.setText(client.name if client else "")
            self.born.setText((client.born or "") if client else "")
            self.side.setCurrentIndex(max(0, self.side.findData((client.side or "") if client else "")))
            self.level.setCurrentIndex(max(0, self.level.findData((client.level or "") if client else "")))
            self.notes.setPlainText(client.notes if client else "")
        finally:
            self._loading = False
        self.dirty = False
        self.show_error("")
        self.setEnabled(client is not None)

    def values(self) -> dict[str, object]:
        """The typed fields, as :meth:`~massage_timer.core.log.people.ClientLog.update_client` takes them."""
        return {
            "name": self.name.text(),
            "born": self.born.text().strip() or None,
            "side": self.side.currentData() or None,
            "level": self.level.currentData() or None,
            "notes": self.notes.toPlainText(),
        }

    def show_error(self, text: str, *, ok: bool = False) -> None:
        """Say why the last save failed (or, with ``ok``, that it worked); "" hides the line."""
        self.error.setText(text)
        set_role(self.error, "ok" if ok else "danger")
        self.error.setVisible(bool(text))
