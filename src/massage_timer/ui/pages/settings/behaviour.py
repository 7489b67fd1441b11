"""The Session and Appearance groups of the Settings page: how a session runs and how the app looks.

Each control writes through :meth:`Settings.set`.
"""

from __future__ import annotations

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

from ...settings import BOUNCE_RANGE, REPEAT_RANGE, TEXT_SCALES, THEMES, Settings
from ...widgets.basics import check_row, plain_label
from .forms import form_layout

THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


class SessionGroup(QGroupBox):
    """Moving on by itself, desktop notifications, and who performs the sessions."""

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
        self.performed_by_edit = QLineEdit()
        self.performed_by_edit.setPlaceholderText("Your name, for therapists (optional)")
        self.performed_by_edit.setClearButtonEnabled(True)
        self.performed_by_edit.setMaxLength(120)
        self.performed_by_edit.textEdited.connect(lambda text: self.settings.set("performed_by", text.strip()))
        form.addRow("Performed by", self.performed_by_edit)
        form.addRow(plain_label("Recorded with each session; it can be changed before a session.", "muted"))


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
