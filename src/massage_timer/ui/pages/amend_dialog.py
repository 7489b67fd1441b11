"""The dialog that amends a logged session later: pain after, notes, and how an interrupted session ended.

History's detail pane and the start-up notice about an interrupted session open it
(:func:`edit_session`). Saving goes through :meth:`Store.amend_session
<massage_timer.core.log.Store.amend_session>`, which keeps every value it replaces, so
what was logged at the time stays visible in History. If the log cannot take the change,
the dialog says so and stays open with what was entered.

The pain buttons are the Finish panel's (0 to 10, or not rated); notes are saved as the
Finish panel saves them: as written, without the blank space around them.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...core.log import Amendment, SessionRow, Store, StoreError
from ..history.model import local_datetime
from ..widgets.basics import plain_label, set_role, tell
from ..widgets.notes_box import NotesEdit, heading_row

NOT_RATED = -1
"""The pain group's id of "Not rated"."""

ENDINGS = (
    ("completed", "Mark it as completed"),
    ("stopped", "Mark it as stopped"),
    ("interrupted", "Leave it interrupted"),
)
"""How an interrupted session can be finished later; the last leaves it as it is."""


class AmendDialog(QDialog):
    """Pain after and notes of one logged session (and, if it was interrupted, how it ended).

    ``notes`` is the text to start from (History passes what is in its notes box, saved or
    not); by default the session's notes. After Save, :attr:`saved` holds the amendments made.
    """

    def __init__(
        self, store: Store, session: SessionRow, parent: QWidget | None = None, *, notes: str | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.session = session
        self.saved: list[Amendment] = []
        self.setWindowTitle("Edit pain after and notes")
        self.setObjectName("AmendDialog")
        self.setStyleSheet(
            "QPushButton[amend='pain'] { min-width: 2.2em; }"
            "QPushButton[amend='pain']:checked { background: palette(highlight); color: palette(highlighted-text); }"
        )
        lay = QVBoxLayout(self)
        lay.setSpacing(8)
        when = local_datetime(session.started_ts, session.utc_offset_min).strftime("%A %d %B %Y, %H:%M")
        lay.addWidget(plain_label(session.protocol_title, "heading"))
        lay.addWidget(plain_label(f"{when} · {session.person}", "muted"))

        self.ending_group = QButtonGroup(self)
        self.ending_buttons: dict[str, QRadioButton] = {}
        if session.status == "interrupted":
            box = QGroupBox("This session was interrupted. Finish it:")
            rows = QVBoxLayout(box)
            for value, text in ENDINGS:
                radio = QRadioButton(text)
                radio.setObjectName(f"ending-{value}")
                self.ending_group.addButton(radio)
                self.ending_buttons[value] = radio
                rows.addWidget(radio)
            self.ending_buttons["interrupted"].setChecked(True)
            lay.addWidget(box)

        pain_label = plain_label("Pain after", "heading", wrap=False)
        pain_label.setToolTip("0 = no pain, 10 = the worst pain imaginable")
        lay.addWidget(pain_label)
        pain_row = QHBoxLayout()
        pain_row.setSpacing(4)
        self.pain_group = QButtonGroup(self)
        self.pain_group.setExclusive(True)
        self.pain_buttons: list[QPushButton] = []
        for value in range(11):
            btn = QPushButton(str(value))
            btn.setCheckable(True)
            btn.setProperty("amend", "pain")
            btn.setAccessibleName(f"Pain {value} of 10")
            btn.setToolTip(
                {0: "0: no pain", 5: "5: moderate pain", 10: "10: the worst pain imaginable"}.get(
                    value, f"Pain {value} of 10"
                )
            )
            btn.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.pain_group.addButton(btn, value)
            self.pain_buttons.append(btn)
            pain_row.addWidget(btn, 1)
        self.not_rated = QPushButton("Not rated")
        self.not_rated.setCheckable(True)
        self.not_rated.setProperty("amend", "pain")
        self.pain_group.addButton(self.not_rated, NOT_RATED)
        pain_row.addSpacing(6)
        pain_row.addWidget(self.not_rated)
        lay.addLayout(pain_row)
        before = "not rated" if session.pain_before is None else str(session.pain_before)
        lay.addWidget(
            plain_label(f"Before the session: {before}.   0 = no pain · 10 = the worst pain imaginable", "muted")
        )
        self.set_pain(session.pain_after)

        notes_label = QLabel("&Notes")
        set_role(notes_label, "heading")
        self.notes = NotesEdit()
        self.notes.setObjectName("AmendNotes")
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(110)
        self.notes.setPlaceholderText("How did it go? Anything to tell the doctor?")
        lay.addLayout(heading_row(notes_label, self.notes))
        self.notes.setPlainText(session.notes if notes is None else notes)
        lay.addWidget(self.notes, 1)
        lay.addWidget(plain_label("What was logged before stays in the session's history, beside the change.", "muted"))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("AmendSaveButton")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)

        self.pain_group.idToggled.connect(self._update_save)
        self.ending_group.buttonToggled.connect(self._update_save)
        self.notes.textChanged.connect(self._update_save)
        self._update_save()
        checked = self.pain_group.checkedButton()
        if checked is not None:
            checked.setFocus()  # not the 0 button, whose focus frame would look like a choice
        self.resize(max(self.sizeHint().width(), 560), max(self.sizeHint().height(), 440))

    # -- what was entered --------------------------------------------------

    def pain(self) -> int | None:
        value = self.pain_group.checkedId()
        return None if value < 0 else value

    def set_pain(self, value: int | None) -> None:
        (self.not_rated if value is None else self.pain_buttons[value]).setChecked(True)

    def ending(self) -> str:
        """The status chosen for an interrupted session (its own status otherwise)."""
        for value, radio in self.ending_buttons.items():
            if radio.isChecked():
                return value
        return self.session.status

    def set_ending(self, value: str) -> None:
        self.ending_buttons[value].setChecked(True)

    def notes_to_save(self) -> str:
        """The notes as they are saved: unchanged ones as logged, new ones as the Finish panel saves them."""
        text = self.notes.toPlainText()
        return text if text == self.session.notes else text.strip()

    def changes(self) -> dict[str, object]:
        """The fields that differ from the log, with their new values (what Save sends)."""
        s = self.session
        asked: dict[str, object] = {}
        if self.pain() != s.pain_after:
            asked["pain_after"] = self.pain()
        if (notes := self.notes_to_save()) != s.notes:
            asked["notes"] = notes
        if self.ending() != s.status:
            asked["status"] = self.ending()
        return asked

    def _update_save(self, *_args: object) -> None:
        notes_fit = "notes" not in self.changes() or not self.notes.over_limit()
        self.save_button.setEnabled(bool(self.changes()) and notes_fit)

    # -- saving --------------------------------------------------------------

    def accept(self) -> None:
        asked = self.changes()
        if not asked:
            super().accept()
            return
        try:
            self.saved = self.store.amend_session(self.session.id, **asked)  # type: ignore[arg-type]
        except StoreError as exc:
            tell(self, "Not saved", f"{exc}\n\nWhat you entered is still in the window.", warning=True)
            return
        super().accept()


def edit_session(
    parent: QWidget | None, store: Store, session: SessionRow, *, notes: str | None = None
) -> list[Amendment] | None:
    """Show the dialog for ``session``; the amendments saved, or None when it was cancelled."""
    dialog = AmendDialog(store, session, parent, notes=notes)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.saved
    finally:
        dialog.deleteLater()
