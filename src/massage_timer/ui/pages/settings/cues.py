"""The Sound, Voice and "Sound and voice on this computer" groups of the Settings page.

Each control writes through :meth:`Settings.set`. The groups play and speak
nothing: the page passes on their test buttons as requests, and the cue
availability shown here is what the page is told.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from ...settings import WARN_CHOICES, Settings
from ...widgets.basics import button, check_row, plain_label, set_role
from .forms import form_layout

WARN_LABELS = {0: "Off", 3: "3 seconds before the end", 10: "10 seconds before the end"}
RATE_STEPS = 10
"""The rate slider runs from -RATE_STEPS to +RATE_STEPS; the stored rate is that / RATE_STEPS."""


def rate_text(rate: float) -> str:
    """How a speech rate reads next to its slider."""
    if abs(rate) < 0.05:
        return "Normal"
    word = "Faster" if rate > 0 else "Slower"
    return f"{word} ({rate:+.1f})"


class SoundGroup(QGroupBox):
    """Sounds on or off, the cue volume (with a test button) and the "seconds left" warning."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__("Sound", parent)
        self.settings = settings
        form = form_layout(self)

        self.sound_check = QCheckBox()
        self.sound_check.toggled.connect(lambda on: self.settings.set("sound_enabled", bool(on)))
        form.addRow(check_row(self.sound_check, "Play sounds at step changes and cues"))

        self.volume_slider = QSlider(Qt.Orientation.Horizontal)
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setSingleStep(5)
        self.volume_slider.setPageStep(10)
        self.volume_slider.setAccessibleName("Volume")
        self.volume_slider.setToolTip("The cue volume in this app; the system volume is not changed.")
        self.volume_label = QLabel()
        self.volume_label.setMinimumWidth(self.volume_label.fontMetrics().horizontalAdvance("100 %") + 8)
        self.volume_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.volume_slider.valueChanged.connect(self._on_volume)
        self.test_sound_button = button("Test sound", tooltip="Play the step-end chime at this volume")
        row = QHBoxLayout()
        row.setSpacing(10)
        row.addWidget(self.volume_slider, 1)
        row.addWidget(self.volume_label)
        row.addSpacing(8)
        row.addWidget(self.test_sound_button)
        form.addRow("Volume", row)

        self.warn_combo = QComboBox()
        for seconds in WARN_CHOICES:
            self.warn_combo.addItem(WARN_LABELS.get(seconds, f"{seconds} seconds before the end"), seconds)
        self.warn_combo.setToolTip("A short tone (and a flash) shortly before a timed step ends")
        self.warn_combo.currentIndexChanged.connect(
            lambda i: self.settings.set("warn_seconds", int(self.warn_combo.itemData(i)))
        )
        self.warn_combo.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        form.addRow("“Seconds left” warning", self.warn_combo)

    def _on_volume(self, value: int) -> None:
        self.volume_label.setText(f"{value} %")
        self.settings.set("volume", int(value))


class VoiceGroup(QGroupBox):
    """Spoken step announcements: on or off, the voice (with a test button) and the speaking rate."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__("Voice", parent)
        self.settings = settings
        self.voices: list[str] = []
        """The voices this computer offers (empty if none were found)."""
        form = form_layout(self)

        self.voice_check = QCheckBox()
        self.voice_check.toggled.connect(lambda on: self.settings.set("voice_enabled", bool(on)))
        form.addRow(
            check_row(self.voice_check, "Announce each step aloud (for example “Next: place the jars. 15 minutes.”)")
        )

        self.voice_combo = QComboBox()
        self.voice_combo.setAccessibleName("Voice")
        self.voice_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.voice_combo.setMinimumContentsLength(16)
        self.voice_combo.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.voice_combo.currentIndexChanged.connect(self._on_voice_chosen)
        self.test_voice_button = button("Test voice", tooltip="Speak a sample announcement")
        row = QHBoxLayout()
        row.setSpacing(10)
        row.addWidget(self.voice_combo, 1)
        row.addSpacing(8)
        row.addWidget(self.test_voice_button)
        row.addStretch(0)
        form.addRow("Voice", row)

        self.rate_slider = QSlider(Qt.Orientation.Horizontal)
        self.rate_slider.setRange(-RATE_STEPS, RATE_STEPS)
        self.rate_slider.setSingleStep(1)
        self.rate_slider.setPageStep(2)
        self.rate_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.rate_slider.setTickInterval(RATE_STEPS)
        self.rate_slider.setAccessibleName("Speaking rate")
        self.rate_label = QLabel()
        self.rate_label.setMinimumWidth(self.rate_label.fontMetrics().horizontalAdvance("Slower (-1.0)") + 8)
        self.rate_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.rate_slider.valueChanged.connect(self._on_rate)
        row = QHBoxLayout()
        row.setSpacing(10)
        row.addWidget(self.rate_slider, 1)
        row.addWidget(self.rate_label)
        form.addRow("Speaking rate", row)
        self.set_voices([], settings.get("voice_name"))

    def set_voices(self, names: list[str], current: str) -> None:
        """Fill the voice list; ``current`` is selected if present, else the default voice."""
        self.voices = list(names)
        with QSignalBlocker(self.voice_combo):
            self.voice_combo.clear()
            if names:
                self.voice_combo.addItem("Default voice", "")
                for name in names:
                    self.voice_combo.addItem(name, name)
            else:
                self.voice_combo.addItem("No voices found", "")
            index = self.voice_combo.findData(current) if current else 0
            self.voice_combo.setCurrentIndex(max(0, index))

    def _on_rate(self, value: int) -> None:
        rate = round(value / RATE_STEPS, 2)
        self.rate_label.setText(rate_text(rate))
        self.settings.set("voice_rate", rate)

    def _on_voice_chosen(self, index: int) -> None:
        if index < 0 or not self.voices:
            return
        self.settings.set("voice_name", str(self.voice_combo.itemData(index) or ""))


class CueStatusGroup(QGroupBox):
    """Whether sound and speech work on this computer, and if not, why."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Sound and voice on this computer", parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 14, 16, 16)
        box.setSpacing(8)
        self.sound_status = plain_label("Sound: checking…", "muted")
        self.speech_status = plain_label("Voice: checking…", "muted")
        box.addWidget(self.sound_status)
        box.addWidget(self.speech_status)

    def show_status(self, sound_ok: bool, sound_reason: str, speech_ok: bool, speech_reason: str) -> None:
        """Say whether sound and speech work here, and if not, why and what happens instead."""
        self._show_status(
            self.sound_status,
            "Sound",
            sound_ok,
            sound_reason,
            "Cues are shown on screen and the system beep is used.",
        )
        self._show_status(
            self.speech_status,
            "Voice",
            speech_ok,
            speech_reason,
            "Steps are shown on screen but not spoken.",
        )

    @staticmethod
    def _show_status(label: QLabel, name: str, ok: bool, reason: str, fallback: str) -> None:
        reason = reason.strip().rstrip(".")
        if ok:
            label.setText(f"{name}: available" + (f" — {reason}." if reason else ""))
            set_role(label, "ok")
        else:
            why = reason or "the reason is unknown"
            # Say what happens instead, unless the reason already does.
            says_fallback = any(w in why.lower() for w in ("instead", "on screen", "beep"))
            text = f"{name}: not available — {why}."
            label.setText(text if says_fallback else f"{text} {fallback}")
            set_role(label, "danger")
        label.updateGeometry()
