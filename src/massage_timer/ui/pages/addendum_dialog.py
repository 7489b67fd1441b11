"""The dialog that adds an addendum to a signed session: a plain text box, Save and Cancel.

History's detail pane offers it for a signed session instead of editing pain after and
notes (:func:`add_addendum`). Saving goes through :meth:`Store.add_addendum
<massage_timer.core.log.Store.add_addendum>`, which stamps it with the time it is saved;
the signed note itself stays as it was. If the log cannot take it, the dialog says so
and stays open with what was written.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ...core.log import Addendum, SessionRow, Store, StoreError
from ...core.log.edits.notes import signed_words
from ..history.model import local_datetime
from ..widgets.basics import plain_label, set_role, tell
from ..widgets.notes_box import NotesEdit, heading_row


class AddendumDialog(QDialog):
    """Text to add below a signed session's note; after Save, :attr:`saved` is the addendum written."""

    def __init__(
        self,
        store: Store,
        session: SessionRow,
        parent: QWidget | None = None,
        *,
        now: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.session = session
        self.now = now
        self.saved: Addendum | None = None
        self.setWindowTitle("Add an addendum")
        self.setObjectName("AddendumDialog")
        lay = QVBoxLayout(self)
        lay.setSpacing(8)
        when = local_datetime(session.started_ts, session.utc_offset_min).strftime("%A %d %B %Y, %H:%M")
        lay.addWidget(plain_label(session.protocol_title, "heading"))
        lay.addWidget(plain_label(f"{when} · {session.person}", "muted"))
        if session.signed_ts is not None:
            about = (
                f"This session was signed on {signed_words(session.signed_ts)}. What you write here is added "
                "below its note with today's date and time; the signed note itself stays as it was."
            )
        else:
            about = "What you write here is added below the session's note with today's date and time."
        lay.addWidget(plain_label(about, "muted"))
        label = QLabel("&Addendum")
        set_role(label, "heading")
        self.text = NotesEdit()
        self.text.setObjectName("AddendumText")
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(120)
        self.text.setPlaceholderText("For example: the client called the next day; the pain had gone.")
        lay.addLayout(heading_row(label, self.text))
        lay.addWidget(self.text, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("AddendumSaveButton")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.text.textChanged.connect(self._update_save)
        self._update_save()
        self.text.setFocus()
        self.resize(max(self.sizeHint().width(), 540), max(self.sizeHint().height(), 340))

    def _update_save(self) -> None:
        self.save_button.setEnabled(bool(self.text.toPlainText().strip()) and not self.text.over_limit())

    def accept(self) -> None:
        text = self.text.toPlainText().strip()
        if not text:
            return
        try:
            self.saved = self.store.add_addendum(self.session.id, text, self.now())
        except StoreError as exc:
            tell(self, "Not saved", f"{exc}\n\nWhat you wrote is still in the window.", warning=True)
            return
        super().accept()


def add_addendum(parent: QWidget | None, store: Store, session: SessionRow) -> Addendum | None:
    """Show the dialog for ``session``; the addendum saved, or None when it was cancelled."""
    dialog = AddendumDialog(store, session, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.saved
    finally:
        dialog.deleteLater()
