"""The sheet shown before a session: who, which side and stage, the safety check, durations.

The decision whether a session may start is made by :mod:`core.safety`;
totals come from :mod:`core.plan`. This dialog only collects answers. When whoever opens it
passes ``last_plan``, the Plan of the person's last SOAP note is shown under "Who" (read-only),
and follows the person field (:func:`plan_lookup` makes one from the log).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.durations import format_duration
from ...core.log import Store
from ...core.protocols.format import LoadedProtocol, Step
from ...core.protocols.safety import RED_FLAGS, RED_FLAGS_SOURCE, GateResult, evaluate
from ...core.session.plan import PlanError, build_plan
from ..settings import Settings
from ..widgets.basics import button, check_row, plain_label, set_role
from .setup_clients import ClientSheet

SIDE_CHOICES = (("left", "Patient's left"), ("right", "Patient's right"), ("both", "Both sides"))
STAGE_CHOICES = (("acute", "Acute (exacerbation)"), ("remission", "Remission"))
PLAN_SHOWN = 600
"""Characters of the last plan shown on the sheet (the whole plan is in History)."""

LastPlan = Callable[[str], tuple[str, str] | None]
"""Person text -> (the date of their last session with a plan, that plan), or None."""


def plan_lookup(store: Store) -> LastPlan:
    """The setup sheet's ``last_plan`` from the log: the latest session of that person text with a plan."""
    from ..history.model import local_datetime

    def last_plan(person: str) -> tuple[str, str] | None:
        found = store.last_plan(None, person)
        if found is None:
            return None
        row, plan = found
        day = local_datetime(row.started_ts, row.utc_offset_min)
        return f"{day.day} {day:%b %Y}", plan

    return last_plan


@dataclass(frozen=True)
class SetupResult:
    person: str
    performed_by: str
    side: str | None
    stage: str
    variant: str | None
    durations: dict[str, int]
    pain_before: int | None
    client_id: str | None = None
    answers: dict[str, bool] = field(default_factory=dict)  # the safety answers given, to remember


class DurationSpin(QSpinBox):
    """Seconds shown as m:ss, stepping by 30 s (or 10 s for short ranges)."""

    def __init__(self, step: Step, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert step.duration is not None
        lo, hi = int(step.duration.min), int(step.duration.max)
        self.setRange(lo, hi)
        self.setSingleStep(10 if hi - lo <= 120 else 30)
        self.setValue(int(step.duration.default))
        self.setAccelerated(True)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("00:00:00") + 48)

    def textFromValue(self, value: int) -> str:  # noqa: N802 - Qt override
        minutes, seconds = divmod(value, 60)
        return f"{minutes}:{seconds:02d}"

    def valueFromText(self, text: str) -> int:  # noqa: N802 - Qt override
        text = text.strip()
        if ":" in text:
            m, _, s = text.partition(":")
            try:
                return int(m or 0) * 60 + int(s or 0)
            except ValueError:
                return self.value()
        try:
            return int(float(text) * 60)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):  # noqa: ANN201 - Qt override
        from PySide6.QtGui import QValidator

        stripped = text.strip()
        if all(c.isdigit() or c == ":" for c in stripped) and stripped.count(":") <= 1:
            return QValidator.State.Acceptable if stripped else QValidator.State.Intermediate, text, pos
        return QValidator.State.Invalid, text, pos


class SetupDialog(QDialog):
    """Collects the session's choices and shows whether the safety gate lets it start."""

    gate_changed = Signal(bool)

    def __init__(
        self,
        loaded: LoadedProtocol,
        settings: Settings,
        persons: list[str],
        parent: QWidget | None = None,
        *,
        last_plan: LastPlan | None = None,
        preset: dict | None = None,
        store: Store | None = None,
        now: Callable[[], float] | None = None,
    ) -> None:
        """``preset`` (optional) chooses what a repeated session had: its keys ``person``,
        ``variant``, ``side`` and ``durations`` (step id -> seconds), each one optional
        (:meth:`apply_preset`). The stage and the safety answers are always asked again. With ``store``
        the person is picked among the log's clients (:class:`.setup_clients.ClientSheet`)."""
        super().__init__(parent)
        self.last_plan = last_plan
        self.loaded = loaded
        self.protocol = loaded.protocol
        self.settings = settings
        self.setWindowTitle(f"Prepare: {self.protocol.title}")
        self.setModal(True)
        self._answers: dict[str, bool | None] = {c.id: None for c in self.protocol.contraindications}
        self._red_flags: set[str] = set()
        self._spins: dict[str, DurationSpin] = {}
        self.gate: GateResult | None = None

        outer = QVBoxLayout(self)
        title = plain_label(self.protocol.title, "title")
        outer.addWidget(title)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Questions wrap to the sheet's width: it scrolls down, never sideways.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setSpacing(14)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        layout.addWidget(self._who_box(persons))
        self.plan_box = QGroupBox()
        self.plan_box.setObjectName("LastPlan")
        self.plan_note = plain_label("")
        QVBoxLayout(self.plan_box).addWidget(self.plan_note)
        layout.addWidget(self.plan_box)
        self.person.currentTextChanged.connect(self._show_last_plan)
        self._show_last_plan(self.person.currentText())
        if self.protocol.variants:
            layout.addWidget(self._variant_box())
        self._side_box_widget = self._side_box()
        layout.addWidget(self._side_box_widget)
        layout.addWidget(self._stage_box())
        if self.protocol.contraindications:
            layout.addWidget(self._contra_box())
        layout.addWidget(self._red_flag_box())
        self._durations_box = QGroupBox("Durations")
        self._durations_layout = QGridLayout(self._durations_box)
        layout.addWidget(self._durations_box)
        layout.addWidget(self._pain_box())
        layout.addStretch(1)

        self.verdict = plain_label("", "danger")
        self.verdict.setObjectName("Verdict")
        outer.addWidget(self.verdict)
        buttons = QHBoxLayout()
        self.total_label = plain_label("", "muted")
        buttons.addWidget(self.total_label, 1)
        cancel = button("Cancel")
        cancel.clicked.connect(self.reject)
        self.start_button = button("Go to session", "primary")
        set_role(self.start_button, "primary")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self._accept_if_allowed)
        buttons.addWidget(cancel)
        buttons.addWidget(self.start_button)
        outer.addLayout(buttons)

        self.client_sheet = ClientSheet(self, store, now) if store is not None else None
        self._rebuild_durations()
        self._update()
        self.fit_to(None)
        if preset:
            self.apply_preset(preset)

    def apply_preset(self, preset: dict) -> None:
        """Choose a repeated session's person, variant, side and durations (values the sheet lacks are left)."""
        if preset.get("person"):
            self.person.setCurrentText(str(preset["person"]))
        for group, key in ((getattr(self, "variant_group", None), "variant"), (self.side_group, "side")):
            for radio in group.buttons() if group is not None and preset.get(key) else ():
                if radio.property("value") == preset[key]:
                    radio.setChecked(True)
        self._rebuild_durations()
        for step_id, seconds in (preset.get("durations") or {}).items():
            spin = self._spins.get(step_id)
            if spin is not None:
                spin.setValue(int(seconds))  # a spin keeps the value within the step's range
        self._update()

    def fit_to(self, room: QSize | None) -> None:
        """About 95 characters wide and 680 px high, but never larger than ``room`` (default: the screen)."""
        width = max(760, self.fontMetrics().averageCharWidth() * 95)
        height = 680
        if room is None:
            screen = self.screen() if self.parentWidget() is None else self.parentWidget().screen()
            room = screen.availableGeometry().size() if screen is not None else None
        if room is not None:
            width, height = min(width, room.width() - 24), min(height, room.height() - 24)
        self.resize(width, height)

    def _show_last_plan(self, person: str) -> None:
        found = self.last_plan(person.strip()) if self.last_plan is not None and person.strip() else None
        if found is not None:
            day, plan = found
            shown = plan.strip()
            if len(shown) > PLAN_SHOWN:
                shown = shown[:PLAN_SHOWN].rstrip() + "… (shortened; the whole plan is in History)"
            self.plan_box.setTitle(f"Plan from the last session ({day})")
            self.plan_note.setText(shown)
        self.plan_box.setVisible(found is not None)

    # ----------------------------------------------------------- sections

    def _who_box(self, persons: list[str]) -> QGroupBox:
        box = QGroupBox("Who")
        form = QFormLayout(box)
        self.person = QComboBox()
        self.person.setEditable(True)
        names = persons or ["Me"]
        self.person.addItems(names)
        last = self.settings.get("last_person") or "Me"
        self.person.setCurrentText(last)
        self.person.lineEdit().setPlaceholderText("Name of the person treated")
        form.addRow("Person treated:", self.person)
        self.performed_by = QLineEdit(self.settings.get("performed_by"))
        self.performed_by.setPlaceholderText("optional, e.g. the therapist's name")
        form.addRow("Performed by:", self.performed_by)
        return box

    def _radio_group(
        self, title: str, choices, current: str | None, *, required: bool = False
    ) -> tuple[QGroupBox, QButtonGroup]:
        """Radio buttons in a row; the first is chosen unless ``required`` (then none is, until the user picks)."""
        box = QGroupBox(title)
        row = QHBoxLayout(box)
        group = QButtonGroup(box)
        for value, label in choices:
            radio = QRadioButton(label)
            radio.setProperty("value", value)
            group.addButton(radio)
            row.addWidget(radio)
            if value == current:
                radio.setChecked(True)
        if group.checkedButton() is None and group.buttons() and not required:
            group.buttons()[0].setChecked(True)
        row.addStretch(1)
        group.buttonToggled.connect(lambda *_: self._on_choice_changed())
        return box, group

    def _variant_box(self) -> QGroupBox:
        choices = [(v.id, v.title) for v in self.protocol.variants]
        last = self.settings.get("last_variant")
        box, self.variant_group = self._radio_group("Variant", choices, last)
        layout = box.layout()
        assert isinstance(layout, QHBoxLayout)
        # Variant titles can be long: stack them.
        vbox = QVBoxLayout()
        for b in self.variant_group.buttons():
            layout.removeWidget(b)
            vbox.addWidget(b)
        layout.insertLayout(0, vbox)
        return box

    def _side_box(self) -> QGroupBox:
        box, self.side_group = self._radio_group("Patient's side", SIDE_CHOICES, self.settings.get("last_side"))
        return box

    def _stage_box(self) -> QGroupBox:
        # No default: the stage is chosen for each session (a stage left from last time could be wrong).
        box, self.stage_group = self._radio_group("Stage", STAGE_CHOICES, None, required=True)
        layout = box.layout()
        assert isinstance(layout, QHBoxLayout)
        layout.insertWidget(layout.count() - 1, plain_label("If unsure, choose Acute.", "muted", wrap=False))
        return box

    def _contra_box(self) -> QGroupBox:
        box = QGroupBox("Does any of this apply? (from the article unless marked)")
        grid = QGridLayout(box)
        grid.setColumnStretch(0, 1)
        for row, item in enumerate(self.protocol.contraindications):
            q = plain_label(item.question)
            grid.addWidget(q, 2 * row, 0)  # the odd rows: the client's last answers (ClientSheet)
            group = QButtonGroup(box)
            yes, no = QRadioButton("Yes"), QRadioButton("No")
            yes.setObjectName(f"contra-{item.id}-yes")
            no.setObjectName(f"contra-{item.id}-no")
            group.addButton(yes)
            group.addButton(no)
            grid.addWidget(yes, 2 * row, 1)
            grid.addWidget(no, 2 * row, 2)
            yes.toggled.connect(lambda on, i=item.id: on and self._answer(i, True))
            no.toggled.connect(lambda on, i=item.id: on and self._answer(i, False))
        return box

    def _red_flag_box(self) -> QGroupBox:
        box = QGroupBox(f"Warning signs ({RED_FLAGS_SOURCE.lower()})")
        col = QVBoxLayout(box)
        col.addWidget(
            plain_label("Tick any that the person has now (asked afresh each time, never remembered):", "muted")
        )
        for flag_id, text in RED_FLAGS:
            check = QCheckBox()
            check.setObjectName(f"redflag-{flag_id}")
            check.toggled.connect(lambda on, f=flag_id: self._flag(f, on))
            col.addWidget(check_row(check, text))
        return box

    def _pain_box(self) -> QGroupBox:
        box = QGroupBox("Pain before the session (optional)")
        row = QHBoxLayout(box)
        self.pain = QSpinBox()
        self.pain.setRange(-1, 10)
        self.pain.setSpecialValueText("not rated")
        self.pain.setValue(-1)
        self.pain.setMinimumWidth(self.fontMetrics().horizontalAdvance("not rated") + 48)
        row.addWidget(plain_label("0 = no pain, 10 = worst imaginable:"))
        row.addWidget(self.pain)
        row.addStretch(1)
        return box

    # ----------------------------------------------------------- state

    def _value(self, group: QButtonGroup | None) -> str | None:
        if group is None or group.checkedButton() is None:
            return None
        return str(group.checkedButton().property("value"))

    @property
    def variant(self) -> str | None:
        return self._value(getattr(self, "variant_group", None))

    @property
    def side(self) -> str | None:
        if not self.protocol.has_sides(self.variant):
            return None
        return self._value(self.side_group)

    @property
    def stage(self) -> str | None:
        """The stage chosen, or None until the user chooses one."""
        return self._value(self.stage_group)

    def _answer(self, item_id: str, value: bool) -> None:
        self._answers[item_id] = value
        self._update()

    def _flag(self, flag_id: str, on: bool) -> None:
        if on:
            self._red_flags.add(flag_id)
        else:
            self._red_flags.discard(flag_id)
        self._update()

    def _on_choice_changed(self) -> None:
        self._rebuild_durations()
        self._update()

    def _rebuild_durations(self) -> None:
        keep = {k: s.value() for k, s in self._spins.items()}
        while self._durations_layout.count():
            item = self._durations_layout.takeAt(0)
            if item.widget() is not None:  # gone at once: a deleteLater would wait for the event loop
                item.widget().setParent(None)
        self._spins.clear()
        self._any_suggested = False
        row = 0
        for step in self.protocol.steps_for(self.variant):
            name = plain_label(step.title + (" (each side)" if step.per_side else ""))
            self._durations_layout.addWidget(name, row, 0)
            if step.duration is None:
                self._durations_layout.addWidget(plain_label("until done (stopwatch)", "muted"), row, 1, 1, 2)
            else:
                spin = DurationSpin(step)
                spin.setObjectName(f"duration-{step.id}")
                if step.id in keep:
                    spin.setValue(keep[step.id])
                spin.valueChanged.connect(lambda *_: self._update())
                self._spins[step.id] = spin
                self._durations_layout.addWidget(spin, row, 1)
                lo, hi = format_duration(int(step.duration.min)), format_duration(int(step.duration.max))
                hint = f"{lo} – {hi}"
                if step.duration.suggested:
                    hint += " (suggested)"
                    self._any_suggested = True
                self._durations_layout.addWidget(plain_label(hint, "muted"), row, 2)
            row += 1
        if self._any_suggested:
            self._durations_layout.addWidget(
                plain_label("Suggested: the article gives no duration for this step; the range is the app's.", "muted"),
                row,
                0,
                1,
                3,
            )
        self._durations_layout.setColumnStretch(0, 1)
        self._side_box_widget.setVisible(self.protocol.has_sides(self.variant))

    def durations(self) -> dict[str, int]:
        return {step_id: spin.value() for step_id, spin in self._spins.items()}

    def _update(self) -> None:
        stage = self.stage
        if stage is None:
            # Nothing may start without a stage; the answers so far still show their reasons.
            gate = evaluate(self.protocol, self.protocol.stages[0], self._answers, sorted(self._red_flags))
            self.gate = GateResult(False, gate.reasons, [*gate.unanswered, "stage"], gate.seek_care)
        else:
            self.gate = evaluate(self.protocol, stage, self._answers, sorted(self._red_flags))
        try:
            plan = build_plan(self.protocol, self.variant, self.side, self.durations())  # type: ignore[arg-type]
        except PlanError as exc:
            self.total_label.setText(str(exc))
            plan = []
        total = sum(p.planned or 0 for p in plan)
        untimed = sum(1 for p in plan if p.planned is None)
        text = f"{len(plan)} steps · timed total {format_duration(total)}"
        if untimed:
            text += f" + {untimed} untimed"
        self.total_label.setText(text)
        if self.gate.allowed:
            self.verdict.setText("")
            self.verdict.setVisible(False)
        else:
            lines = list(self.gate.reasons)
            if self.gate.unanswered and not self.gate.reasons:
                if self.gate.unanswered == ["stage"]:
                    lines.append("Choose the stage to continue (if unsure, choose Acute).")
                else:
                    lines.append("Answer every question above to continue.")
            self.verdict.setText("\n".join(lines))
            set_role(self.verdict, "danger" if self.gate.reasons else "muted")
            self.verdict.setVisible(True)
        self.start_button.setEnabled(self.gate.allowed)
        self.gate_changed.emit(self.gate.allowed)

    def _accept_if_allowed(self) -> None:
        if self.gate is not None and self.gate.allowed:
            self.accept()

    def result_value(self) -> SetupResult:
        person = self.person.currentText().strip() or "Me"
        pain = self.pain.value()
        result = SetupResult(
            person=person,
            performed_by=self.performed_by.text().strip(),
            side=self.side,
            stage=self.stage or "",
            variant=self.variant,
            durations=self.durations(),
            pain_before=None if pain < 0 else pain,
            answers={item: answer for item, answer in self._answers.items() if answer is not None},
        )
        return result if self.client_sheet is None else self.client_sheet.finish(result)

    def remember(self) -> None:
        """Store the choices for next time (person list, side, stage, variant)."""
        result = self.result_value()
        self.settings.remember_person(result.person)
        if result.side:
            self.settings.set("last_side", result.side)
        self.settings.set("last_stage", result.stage)
        if result.variant:
            self.settings.set("last_variant", result.variant)
        self.settings.set("performed_by", result.performed_by)
