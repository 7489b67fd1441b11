"""The Session and Appearance groups of the Settings page: how a session runs and how the app looks.

Each control writes through :meth:`Settings.set`. The notes form and the mini timer check follow
the settings by themselves (the page's loading does not know them).
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from ...settings import ANSWER_DAYS_RANGE, BOUNCE_RANGE, NOTES_FORMS, REPEAT_RANGE, TEXT_SCALES, THEMES, Settings
from ...widgets.basics import check_row, plain_label
from .forms import form_layout

THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
NOTES_FORM_LABELS = {"plain": "Plain notes", "soap": "SOAP (Subjective, Objective, Assessment, Plan)"}


class SessionGroup(QGroupBox):
    """Moving on by itself, notifications, the mini timer, who performs the sessions, and the form of the notes."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__("Session", parent)
        self.settings = settings
        form = form_layout(self)
        self.auto_advance_check = QCheckBox()
        self.auto_advance_check.toggled.connect(lambda on: self.settings.set("auto_advance", bool(on)))
        form.addRow(
            check_row(
                self.auto_advance_check,
                "Move on automatically when a timed step ends "
                "(steps that need your hands, like removing jars, always wait)",
            )
        )
        self.bounce_spin = QDoubleSpinBox()
        self.bounce_spin.setRange(*BOUNCE_RANGE)
        self.bounce_spin.setSingleStep(0.1)
        self.bounce_spin.setDecimals(1)
        self.bounce_spin.setSuffix(" s")
        self.bounce_spin.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.bounce_spin.valueChanged.connect(lambda v: self.settings.set("bounce_seconds", round(float(v), 1)))
        form.addRow("Ignore a repeated Next within", self.bounce_spin)
        form.addRow(
            plain_label(
                "A foot pedal that bounces, or a second tap, would otherwise skip a step. "
                "Each press ignored is counted in the session's log. 0 s: never ignore.",
                "muted",
            )
        )
        self.repeat_spin = QSpinBox()
        self.repeat_spin.setRange(*REPEAT_RANGE)
        self.repeat_spin.setSingleStep(10)
        self.repeat_spin.setSuffix(" s")
        self.repeat_spin.setSpecialValueText("never (ring once)")
        self.repeat_spin.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.repeat_spin.valueChanged.connect(lambda v: self.settings.set("repeat_seconds", int(v)))
        form.addRow("Ring again while a step waits, every", self.repeat_spin)
        form.addRow(
            plain_label(
                "When a step's time is up and it waits for you (the jars come off by hand), the alarm "
                "rings again until you press Done, louder each time, with a flash and the voice.",
                "muted",
            )
        )
        self.tray_check = QCheckBox()
        self.tray_check.toggled.connect(lambda on: self.settings.set("tray_notifications", bool(on)))
        form.addRow(
            check_row(
                self.tray_check,
                "Show a desktop notification when a step ends while the window is not active",
            )
        )
        self.mini_timer_check = QCheckBox()
        self.mini_timer_check.setObjectName("MiniTimerCheck")
        self._show_mini_timer()
        self.mini_timer_check.toggled.connect(lambda on: self.settings.set("mini_timer", bool(on)))
        form.addRow(check_row(self.mini_timer_check, "Show the mini timer while a session runs"))
        form.addRow(
            plain_label(
                "A small window that stays on top of other windows, with the time left of every session. "
                "Click it to come back here; drag it to move it.",
                "muted",
            )
        )
        self.performed_by_edit = QLineEdit()
        self.performed_by_edit.setPlaceholderText("Your name, for therapists (optional)")
        self.performed_by_edit.setClearButtonEnabled(True)
        self.performed_by_edit.setMaxLength(120)
        self.performed_by_edit.textEdited.connect(lambda text: self.settings.set("performed_by", text.strip()))
        form.addRow("Performed by", self.performed_by_edit)
        form.addRow(plain_label("Recorded with each session; it can be changed before a session.", "muted"))
        self.notes_form_combo = QComboBox()
        self.notes_form_combo.setObjectName("NotesFormCombo")
        for value in NOTES_FORMS:
            self.notes_form_combo.addItem(NOTES_FORM_LABELS[value], value)
        self.notes_form_combo.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.notes_form_combo.currentIndexChanged.connect(
            lambda i: self.settings.set("notes_form", str(self.notes_form_combo.itemData(i)))
        )
        form.addRow("Notes form", self.notes_form_combo)
        form.addRow(
            plain_label(
                "SOAP asks for the notes after a session in four parts, as therapists keep them: what the client "
                "says, what you found, your assessment and the plan. A SOAP note can be signed; the plan is shown "
                "when you prepare the client's next session.",
                "muted",
            )
        )
        self.answers_days_spin = QSpinBox()
        self.answers_days_spin.setObjectName("AnswersValidDays")
        self.answers_days_spin.setRange(*ANSWER_DAYS_RANGE)
        self.answers_days_spin.setSuffix(" days")
        self.answers_days_spin.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self._show_answers_days()
        self.answers_days_spin.valueChanged.connect(lambda v: self.settings.set("answers_valid_days", int(v)))
        form.addRow("Remembered safety answers are valid for", self.answers_days_spin)
        form.addRow(
            plain_label(
                "When you prepare a session for a known client, the setup sheet shows their last answer to "
                "each safety question. You still confirm every one; answers older than this are asked afresh.",
                "muted",
            )
        )
        self._show_notes_form()
        settings.changed.connect(self._on_setting)

    def _on_setting(self, key: str) -> None:
        if key == "notes_form":
            self._show_notes_form()
        if key == "mini_timer":
            self._show_mini_timer()
        if key == "answers_valid_days":
            self._show_answers_days()

    def _show_mini_timer(self) -> None:
        blocker = QSignalBlocker(self.mini_timer_check)
        self.mini_timer_check.setChecked(bool(self.settings.get("mini_timer")))
        blocker.unblock()

    def _show_answers_days(self) -> None:
        lo, hi = ANSWER_DAYS_RANGE
        blocker = QSignalBlocker(self.answers_days_spin)
        self.answers_days_spin.setValue(max(lo, min(hi, int(self.settings.get("answers_valid_days")))))
        blocker.unblock()

    def _show_notes_form(self) -> None:
        index = self.notes_form_combo.findData(self.settings.get("notes_form"))
        blocker = QSignalBlocker(self.notes_form_combo)
        self.notes_form_combo.setCurrentIndex(max(0, index))
        blocker.unblock()


class AppearanceGroup(QGroupBox):
    """The light or dark theme and the text size."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__("Appearance", parent)
        self.settings = settings
        form = form_layout(self)
        self.theme_combo = QComboBox()
        for theme in THEMES:
            self.theme_combo.addItem(THEME_LABELS.get(theme, theme.title()), theme)
        self.theme_combo.currentIndexChanged.connect(
            lambda i: self.settings.set("theme", str(self.theme_combo.itemData(i)))
        )
        self.theme_combo.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        form.addRow("Theme", self.theme_combo)
        self.scale_combo = QComboBox()
        for scale in TEXT_SCALES:
            self.scale_combo.addItem(f"{scale} %", scale)
        self.scale_combo.currentIndexChanged.connect(
            lambda i: self.settings.set("text_scale", int(self.scale_combo.itemData(i)))
        )
        self.scale_combo.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        form.addRow("Text size", self.scale_combo)
        form.addRow(plain_label("Text also follows the system font size.", "muted"))
