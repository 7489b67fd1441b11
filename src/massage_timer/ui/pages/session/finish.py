"""The finish panel: what each step planned and took, pain after and notes.

The panel only shows and collects; the page fills it and saves what it collected.
With the SOAP notes form chosen (Settings, ``notes_form``), four boxes (:class:`SoapBox`)
take the place of the one notes box, and "Save and sign" asks once, then asks the page
to save and sign (:attr:`FinishPanel.sign_requested`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ....core.durations import format_clock
from ....core.log import SoapNote
from ....core.session.events import Outcome, StepRun
from ...history.detail import items_words
from ...settings import Settings
from ...widgets.basics import ask, plain_label
from ...widgets.notes_box import NotesEdit
from ...widgets.soap import SoapBox
from .wording import length_words, plural

OUTCOME_WORDS = {
    Outcome.COMPLETED: "Done",
    Outcome.SKIPPED: "Ended early",
    Outcome.STOPPED: "Stopped",
    Outcome.RUNNING: "Running",
}


class FinishPanel(QWidget):
    """What happened, pain after and notes; Save adds them to the logged session."""

    save_requested = Signal()
    sign_requested = Signal()
    """Save, then sign the session (the user said yes to signing)."""
    close_requested = Signal()

    SIGN_QUESTION = "A signed note cannot be changed; you can add an addendum later. Sign?"

    COLUMNS = ("Step", "Planned", "Actual", "Paused", "Changes", "Result")

    def __init__(self, parent: QWidget | None = None, *, settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.confirm: Callable[[QWidget, str, str, str, str], bool] = ask
        """The yes/no question before signing (replaceable in tests)."""
        self.soap_form = False
        """The notes are asked for in the SOAP form (read from the settings each time the panel is filled)."""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 18, 24, 18)
        outer.setSpacing(10)

        self.title = plain_label("Session complete", "title")
        self.subtitle = plain_label("", "muted")
        self.saved_note = plain_label("", "ok")
        outer.addWidget(self.title)
        outer.addWidget(self.subtitle)
        outer.addWidget(self.saved_note)

        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(self.COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.table.setMinimumHeight(120)
        outer.addWidget(self.table, 3)

        pain_row = QHBoxLayout()
        pain_row.setSpacing(6)
        self.pain_label = plain_label("Pain now", "heading", wrap=False)
        self.pain_label.setToolTip("0 = no pain, 10 = the worst pain imaginable")
        pain_row.addWidget(self.pain_label)
        pain_row.addSpacing(8)
        self.pain_group = QButtonGroup(self)
        self.pain_group.setExclusive(True)
        self.pain_buttons: list[QPushButton] = []
        for value in range(11):
            btn = QPushButton(str(value))
            btn.setCheckable(True)
            btn.setProperty("session", "pain")
            btn.setToolTip(
                {0: "0: no pain", 5: "5: moderate pain", 10: "10: the worst pain imaginable"}.get(
                    value, f"Pain {value} of 10"
                )
            )
            btn.setAccessibleName(f"Pain {value} of 10")
            btn.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            btn.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.pain_group.addButton(btn, value)
            self.pain_buttons.append(btn)
            pain_row.addWidget(btn, 1)
        self.not_rated = QPushButton("Not rated")
        self.not_rated.setCheckable(True)
        self.not_rated.setChecked(True)
        self.not_rated.setProperty("session", "pain")
        self.not_rated.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.pain_group.addButton(self.not_rated, -1)
        pain_row.addSpacing(8)
        pain_row.addWidget(self.not_rated)
        outer.addLayout(pain_row)
        self.pain_hint = plain_label("0 = no pain · 10 = the worst pain imaginable", "muted")
        outer.addWidget(self.pain_hint)

        self.notes = NotesEdit()
        self.notes.setObjectName("NotesEdit")
        self.notes.setPlaceholderText(
            "How did it go? Skin reactions, how the patient felt, anything to tell the doctor…"
        )
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(70)
        notes_head = QHBoxLayout()
        self.notes_heading = plain_label("Notes", "heading", wrap=False)
        notes_head.addWidget(self.notes_heading)
        notes_head.addSpacing(12)
        notes_head.addWidget(self.notes.counter, 1)
        self.notes.counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        outer.addLayout(notes_head)
        outer.addWidget(self.notes, 2)
        self.soap = SoapBox()
        self.soap.setObjectName("SoapBox")
        self.soap.setVisible(False)
        outer.addWidget(self.soap, 2)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save pain and notes")
        self.save_button.setProperty("session", "main")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_requested)
        self.sign_button = QPushButton("Save and sign")
        self.sign_button.setObjectName("SaveAndSignButton")
        self.sign_button.setProperty("session", "action")
        self.sign_button.setToolTip("Save the notes and sign them: afterwards they can only be added to")
        self.sign_button.setVisible(False)
        self.sign_button.clicked.connect(self._on_sign)
        self.close_button = QPushButton("Close")
        self.close_button.setProperty("session", "action")
        self.close_button.setToolTip("Leave this summary; the session stays in your history")
        self.close_button.clicked.connect(self.close_requested)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)

        self.pain_group.idToggled.connect(self._update_close_text)
        self.notes.textChanged.connect(self._update_close_text)
        self.soap.changed.connect(self._update_close_text)

    # -- content ---------------------------------------------------------

    def show_runs(
        self,
        runs: Sequence[StepRun],
        *,
        stopped: bool,
        subtitle: str,
        saved_text: str,
        can_save: bool,
        pain_before: int | None,
    ) -> None:
        self.title.setText("Session stopped" if stopped else "Session complete")
        self.subtitle.setText(subtitle)
        self.saved_note.setText(saved_text)
        self.saved_note.setVisible(bool(saved_text))
        self.table.setRowCount(len(runs))
        for row, run in enumerate(runs):
            for col, text in enumerate(run_cells(run)):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        rows_h = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        frame = self.table.frameWidth() * 2
        self.table.setMaximumHeight(max(120, self.table.horizontalHeader().height() + rows_h + frame + 2))
        self.not_rated.setChecked(True)
        self.notes.clear()
        self.soap.clear()
        self._show_notes_form()
        self.save_button.setEnabled(can_save)
        self.sign_button.setEnabled(can_save)
        self.save_button.setToolTip(
            "Adds the pain rating and the notes to this session in your history"
            if can_save
            else "The session log is not available"
        )
        if pain_before is not None:
            self.pain_hint.setText(f"Before the session: {pain_before}.   0 = no pain · 10 = the worst pain imaginable")
        else:
            self.pain_hint.setText("0 = no pain · 10 = the worst pain imaginable")
        self._update_close_text()

    def pain(self) -> int | None:
        value = self.pain_group.checkedId()
        return value if value >= 0 else None

    def set_pain(self, value: int | None) -> None:
        (self.not_rated if value is None else self.pain_buttons[value]).setChecked(True)

    def has_input(self) -> bool:
        if self.soap_form and self.soap.has_input():
            return True
        return self.pain() is not None or bool(self.notes.toPlainText().strip())

    def plain_notes(self) -> str | None:
        """The plain notes to save, or None in the SOAP form (the session's notes are then left alone)."""
        return None if self.soap_form else self.notes.toPlainText().strip()

    def soap_note(self) -> SoapNote | None:
        """The SOAP note to save, or None in the plain form."""
        return self.soap.note() if self.soap_form else None

    def _show_notes_form(self) -> None:
        self.soap_form = self.settings is not None and self.settings.get("notes_form") == "soap"
        for widget in (self.notes, self.notes.counter, self.notes_heading):
            widget.setVisible(not self.soap_form)
        self.soap.setVisible(self.soap_form)
        self.sign_button.setVisible(self.soap_form)
        self.save_button.setText("Save" if self.soap_form else "Save pain and notes")

    def _on_sign(self) -> None:
        if self.confirm(self, "Sign the note?", self.SIGN_QUESTION, "Save and sign", "Not now"):
            self.sign_requested.emit()

    def _update_close_text(self, *_args: object) -> None:
        self.close_button.setText("Discard notes" if self.has_input() else "Close")


def run_cells(run: StepRun) -> tuple[str, str, str, str, str, str]:
    """The finish table's cells for one step run."""
    if run.planned is None:
        planned = "untimed"
    elif run.initial_planned is not None and run.initial_planned != run.planned:
        planned = f"{format_clock(run.planned)} (was {format_clock(run.initial_planned)})"
    else:
        planned = format_clock(run.planned)
    actual = format_clock(run.active)
    if run.overrun >= 1:
        actual += f" ({format_clock(run.overrun)} over)"
    paused = format_clock(run.paused) if run.paused >= 1 else "—"
    if run.body_timer and run.guidance_paused >= 1:
        paused = f"guidance {format_clock(run.guidance_paused)}"  # the time on the body ran on
    changes = []
    if run.extensions:
        sign = "+" if run.adjusted >= 0 else "−"
        changes.append(f"{sign}{format_clock(abs(run.adjusted))} in {plural(run.extensions, 'change')}")
    if run.overridden:
        changes.append("beyond range")
    if run.slept >= 1:
        changes.append(f"computer asleep {length_words(run.slept)}")
    if run.snoozes:
        changes.append(f"alarm snoozed {length_words(run.snoozed)}")
    if run.over_max:
        changes.append("longer than its longest time")
    if run.items:
        on = [i.on_seconds for i in run.items]
        changes.append(items_words(len(run.items), on, sum(1 for i in run.items if i.past_max), format_clock))
    return (
        run.title,
        planned,
        actual,
        paused,
        "; ".join(changes) or "—",
        OUTCOME_WORDS.get(run.outcome, str(run.outcome)),
    )
