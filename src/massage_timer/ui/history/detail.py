"""The History page's detail pane: the selected session step by step, its pain ratings and notes.

The pane only shows a session and says when the notes should be saved, the session
amended, continued (an interrupted one) or deleted (:attr:`SessionDetail.notes_saved`,
:attr:`SessionDetail.amend_requested`, :attr:`SessionDetail.continue_requested`,
:attr:`SessionDetail.delete_requested`); the page does the writing, the window the continuing. What was changed later
is listed under the pain ratings, one line per change, each with the value first logged
(:func:`amendment_line`). A SOAP note shows under its headings, as plain text; a signed session
says when it was signed, lists its addenda with their times, and offers "Add addendum…"
(:attr:`SessionDetail.addendum_requested`) where others offer to edit pain after and notes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.log import Addendum, Amendment, ItemRow, SessionRow, SoapNote, StepRow, is_resumption
from ...core.log.edits.notes import signed_words
from ...core.text import printable
from ..widgets.basics import button, plain_label, set_role
from ..widgets.notes_box import NotesEdit
from ..widgets.soap import SoapView
from .model import STATUS_LABELS, format_duration, format_pain, local_datetime, tooltip_html

OUTCOME_LABELS = {
    "completed": "done",
    "skipped": "skipped",
    "stopped": "stopped",
    "interrupted": "interrupted",
    "running": "running",
}


AMENDED_FIELDS = {"pain_after": "Pain after", "notes": "Notes", "status": "Status"}

NOTE_IN_LINE = 60
"""Characters of a note quoted in a line about a change (the whole note is in the tooltip)."""


def changed_on(ts: float) -> str:
    """When a change was made, in this computer's local time: ``2 Dec 2026 14:05``."""
    moment = datetime.fromtimestamp(ts)
    return f"{moment.day} {moment:%b %Y %H:%M}"


def amended_value(field: str, value: str | None) -> str:
    """A value as it was before or after a change, on one line."""
    if field == "pain_after":
        return "not rated" if value is None else value
    if field == "status":
        return STATUS_LABELS.get(value or "", value or "").lower()
    if not value:
        return "empty"
    shown = printable(value)
    return f"“{shown[:NOTE_IN_LINE]}…”" if len(shown) > NOTE_IN_LINE else f"“{shown}”"


def amendment_line(amendment: Amendment) -> str:
    """``Pain after changed from 4 to 3 on 2 Dec 2026 14:05 (originally 4)``; ``Continued on …`` for a resumption."""
    a = amendment
    if is_resumption(a):
        return f"Continued on {changed_on(a.changed_ts)} after an interruption"
    what = AMENDED_FIELDS.get(a.field, a.field)
    return (
        f"{what} changed from {amended_value(a.field, a.old_value)} to {amended_value(a.field, a.new_value)}"
        f" on {changed_on(a.changed_ts)} (originally {amended_value(a.field, a.original)})"
    )


def items_words(count: int, on_seconds: Sequence[float], past_max: int, clock: Callable[[float], str]) -> str:
    """``placed one by one: 4, on for 16:40, 16:02, 15:20, 14:35 (1 past the longest time)``."""
    text = f"placed one by one: {count}, on for " + ", ".join(clock(s) for s in on_seconds)
    if past_max:
        text += f" ({past_max} past the longest time)"
    return text


def step_detail(step: StepRow, items: Sequence[ItemRow] = ()) -> str:
    """The second line of a step in the detail pane: side, pauses, overrun, changes, its items."""
    parts = []
    if step.side:
        parts.append(f"{step.side} side")
    if step.paused_seconds >= 1:
        parts.append(f"paused {format_duration(step.paused_seconds)}")
    if step.overrun_seconds >= 1:
        parts.append(f"overrun {format_duration(step.overrun_seconds)}")
    if step.extensions:
        sign = "+" if step.adjusted_seconds >= 0 else "−"
        times = "change" if step.extensions == 1 else "changes"
        parts.append(f"{sign}{format_duration(abs(step.adjusted_seconds))} ({step.extensions} {times})")
    if step.overridden:
        parts.append("beyond the range")
    if step.slept_seconds >= 1:
        parts.append(f"computer asleep {format_duration(step.slept_seconds)}")
    if step.body_timer:
        parts.append(f"on the body {format_duration(step.active_seconds)}")
        if step.guidance_paused_seconds >= 1:
            parts.append(f"guidance paused {format_duration(step.guidance_paused_seconds)}")
    if step.snoozes:
        times = "snooze" if step.snoozes == 1 else "snoozes"
        parts.append(f"alarm snoozed {format_duration(step.snoozed_seconds)} ({step.snoozes} {times})")
    if step.over_max:
        parts.append("longer than its longest time")
    if items:
        on = [i.on_seconds for i in items]
        parts.append(items_words(len(items), on, sum(1 for i in items if i.past_max), format_duration))
    return " · ".join(parts)


class SessionDetail(QScrollArea):
    """The selected session: what happened in each step, pain, notes."""

    notes_saved = Signal(str)
    amend_requested = Signal(str)
    """The session with this id should be amended (pain after, notes, how it ended)."""
    delete_requested = Signal(str)
    addendum_requested = Signal(str)
    """The signed session with this id should get an addendum."""
    continue_requested = Signal(str)
    """The interrupted session with this id should be continued from the step where it stopped."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.session: SessionRow | None = None
        self.amendments: list[Amendment] = []
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 10, 4, 4)
        lay.setSpacing(8)
        self.placeholder = plain_label("Choose a session to see its steps and notes.", "muted")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.placeholder)
        self.content = QWidget()
        columns = QHBoxLayout(self.content)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(18)
        c = QVBoxLayout()
        c.setSpacing(4)
        self.title = plain_label("", "heading")
        self.when = plain_label("", "muted")
        self.summary = plain_label("")
        self.pain = plain_label("")
        c.addWidget(self.title)
        c.addWidget(self.when)
        c.addWidget(self.summary)
        c.addWidget(self.pain)
        self.changes = plain_label("", "muted")
        self.changes.setObjectName("AmendmentLines")
        c.addWidget(self.changes)
        edit_row = QHBoxLayout()
        self.edit_button = button(
            "Edit pain after and notes…",
            tooltip="Change pain after and the notes (or finish an interrupted session); what was logged stays shown",
        )
        self.edit_button.setObjectName("AmendSessionButton")
        self.edit_button.clicked.connect(self._on_amend)
        edit_row.addWidget(self.edit_button)
        self.addendum_button = button(
            "Add addendum…", tooltip="This session is signed: add a dated note below it; what was signed stays"
        )
        self.addendum_button.setObjectName("AddAddendumButton")
        self.addendum_button.clicked.connect(self._on_addendum)
        edit_row.addWidget(self.addendum_button)
        self.continue_button = button(
            "Continue this session", tooltip="Go on from the step where it stopped, on the Session page"
        )
        self.continue_button.setObjectName("ContinueSessionButton")
        self.continue_button.clicked.connect(self._on_continue)
        edit_row.addWidget(self.continue_button)
        edit_row.addStretch(1)
        c.addLayout(edit_row)
        c.addSpacing(4)
        self.steps = QTableWidget(0, 4)
        self.steps.setObjectName("StepsTable")
        for col, text in enumerate(("Step", "Planned", "Actual", "Outcome")):
            item = QTableWidgetItem(text)
            align = Qt.AlignmentFlag.AlignRight if col in (1, 2) else Qt.AlignmentFlag.AlignLeft
            item.setTextAlignment(align | Qt.AlignmentFlag.AlignVCenter)
            self.steps.setHorizontalHeaderItem(col, item)
        self.steps.verticalHeader().setVisible(False)
        self.steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.steps.setWordWrap(True)
        self.steps.setShowGrid(False)
        self.steps.setAlternatingRowColors(True)
        self.steps.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.steps.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        c.addWidget(self.steps)
        c.addStretch(1)
        columns.addLayout(c, 3)
        n = QVBoxLayout()
        n.setSpacing(6)
        notes_label = QLabel("&Notes")
        set_role(notes_label, "heading")
        n.addWidget(notes_label)
        self.soap_view = SoapView()
        self.soap_view.setObjectName("SoapView")
        n.addWidget(self.soap_view)
        self.notes = NotesEdit()
        notes_label.setBuddy(self.notes)
        self.notes.setObjectName("NotesEdit")
        self.notes.setPlaceholderText("How did it go? Anything to tell the doctor?")
        self.notes.setMinimumHeight(90)
        self.notes.textChanged.connect(self._on_notes_changed)
        n.addWidget(self.notes, 1)
        self.notes_room = QWidget()
        self.notes_room.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        n.addWidget(self.notes_room, 1)
        n.addWidget(self.notes.counter)
        row = QHBoxLayout()
        self.save_button = button("Save notes", "primary", "Save the notes of this session")
        self.save_button.setObjectName("SaveNotesButton")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self._on_save)
        self.delete_button = button("Delete session…", "danger", "Delete this session from the log (asks first)")
        self.delete_button.setObjectName("DeleteSessionButton")
        self.delete_button.clicked.connect(self._on_delete)
        row.addWidget(self.save_button)
        row.addStretch(1)
        row.addWidget(self.delete_button)
        n.addLayout(row)
        columns.addLayout(n, 2)
        lay.addWidget(self.content, 1)
        self.setWidget(body)
        self.show_session(None, [])

    def show_session(
        self,
        session: SessionRow | None,
        steps: list[StepRow],
        amendments: Sequence[Amendment] = (),
        items: Sequence[ItemRow] = (),
        note: SoapNote | None = None,
        addenda: Sequence[Addendum] = (),
    ) -> None:
        self.session = session
        self.amendments = list(amendments)
        self.placeholder.setVisible(session is None)
        self.content.setVisible(session is not None)
        if session is None:
            return
        s = session
        self.title.setText(s.protocol_title)
        when = local_datetime(s.started_ts, s.utc_offset_min).strftime("%A %d %B %Y, %H:%M")
        extras = [when, s.person]
        if s.side:
            extras.append("both sides" if s.side == "both" else f"{s.side} side")
        if s.stage:
            extras.append(f"{s.stage} stage")
        if s.performed_by:
            extras.append(f"by {s.performed_by}")
        self.when.setText(" · ".join(extras))
        status = STATUS_LABELS.get(s.status, s.status)
        self.summary.setText(
            f"{status} · {format_duration(s.actual_seconds)} of {format_duration(s.planned_seconds)} planned"
            f" · {s.steps_done} of {s.steps_total} steps done"
        )
        pain = format_pain(s.pain_before, s.pain_after)
        if pain and s.pain_before is not None and s.pain_after is not None:
            change = s.pain_after - s.pain_before
            pain += f"  ({'+' if change > 0 else '−' if change < 0 else '±'}{abs(change)})"
        self.pain.setText(f"Pain before → after: {pain}" if pain else "Pain was not rated.")
        self._show_amendments()
        running, signed = s.status == "running", s.signed_ts is not None
        self.edit_button.setVisible(not signed)
        self.addendum_button.setVisible(signed)
        self._show_notes(s, note, addenda)
        self.edit_button.setEnabled(not running)
        self.continue_button.setVisible(s.status == "interrupted")
        self.edit_button.setToolTip(
            "A running session gets its pain after and notes when it ends"
            if running
            else "Change pain after and the notes"
            + (" or finish this interrupted session" if s.status == "interrupted" else "")
            + "; what was logged first stays shown"
        )
        self.steps.setRowCount(len(steps))
        for i, step in enumerate(steps):
            detail = step_detail(step, [i for i in items if i.seq == step.seq])
            title = QTableWidgetItem(f"{step.title}\n{detail}" if detail else step.title)
            title.setToolTip(step.title)
            planned = QTableWidgetItem(format_duration(step.planned) if step.timed and step.planned else "untimed")
            actual = QTableWidgetItem(format_duration(step.active_seconds))
            outcome = QTableWidgetItem(OUTCOME_LABELS.get(step.outcome, step.outcome))
            for col, item in enumerate((title, planned, actual, outcome)):
                align = Qt.AlignmentFlag.AlignRight if col in (1, 2) else Qt.AlignmentFlag.AlignLeft
                item.setTextAlignment(align | Qt.AlignmentFlag.AlignTop)
                self.steps.setItem(i, col, item)
        self._fit_steps()
        self.notes.blockSignals(True)
        self.notes.setPlainText(s.notes)
        self.notes.blockSignals(False)
        self.save_button.setEnabled(False)

    def _show_notes(self, s: SessionRow, note: SoapNote | None, addenda: Sequence[Addendum]) -> None:
        """The SOAP note, the signature and the addenda; a signed session's plain notes are read-only."""
        sections = []
        if s.signed_ts is not None:
            sections.append(("", "ok", f"Signed on {signed_words(s.signed_ts)}"))
        sections += [(f"Addendum of {signed_words(a.written_ts)}", "strong", a.text) for a in addenda]
        self.soap_view.show_note(note, sections)
        signed = s.signed_ts is not None
        self.notes.setReadOnly(signed)
        for widget in (self.notes, self.notes.counter):
            widget.setVisible(not signed or bool(s.notes))
        self.notes_room.setVisible(self.notes.isHidden())  # the room the notes box would take
        self.save_button.setVisible(not signed)

    def _show_amendments(self) -> None:
        self.changes.setText("\n".join(amendment_line(a) for a in self.amendments))
        self.changes.setVisible(bool(self.amendments))
        notes = [a for a in self.amendments if a.field == "notes"]
        # The whole note as first logged, for the line that quotes only its beginning.
        first = notes[0].original if notes else None
        self.changes.setToolTip(tooltip_html(f"Notes as first logged:\n{first or '(empty)'}") if notes else "")

    def _fit_steps(self) -> None:
        self.steps.resizeRowsToContents()
        height = self.steps.horizontalHeader().height() + 2 * self.steps.frameWidth()
        height += sum(self.steps.rowHeight(r) for r in range(self.steps.rowCount()))
        self.steps.setFixedHeight(height)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.session is not None:
            self._fit_steps()

    def _on_notes_changed(self) -> None:
        changed = self.session is not None and self.notes.toPlainText() != self.session.notes
        changed = changed and self.session is not None and self.session.signed_ts is None
        self.save_button.setEnabled(changed and not self.notes.over_limit())

    def _on_save(self) -> None:
        if self.session is not None:
            self.notes_saved.emit(self.notes.toPlainText())

    def _on_amend(self) -> None:
        if self.session is not None:
            self.amend_requested.emit(self.session.id)

    def _on_addendum(self) -> None:
        if self.session is not None and self.session.signed_ts is not None:
            self.addendum_requested.emit(self.session.id)

    def _on_continue(self) -> None:
        if self.session is not None and self.session.status == "interrupted":
            self.continue_requested.emit(self.session.id)

    def _on_delete(self) -> None:
        if self.session is not None:
            self.delete_requested.emit(self.session.id)
