"""The Settings page: cues, voice, session defaults, keys and pedal, appearance, where data lives.

Every control writes through :meth:`Settings.set`; the page re-reads the
settings whenever they change (from here or elsewhere), so it never shows a
stale value. The page holds no timing or cue logic: it only emits
``test_sound_requested`` / ``test_voice_requested`` and shows the cue
availability it is told about (:meth:`SettingsPage.set_cue_status`).

The groups are built in this package's other modules; the page lays them out,
connects their buttons and keeps every control in step with the settings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QSignalBlocker, Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from ....core.paths import DataPaths
from ...settings import BOUNCE_RANGE, REPEAT_RANGE, Settings
from ...widgets.basics import ask, plain_label
from .backups import BackupsGroup
from .behaviour import AppearanceGroup, SessionGroup
from .cues import RATE_STEPS, CueStatusGroup, SoundGroup, VoiceGroup, rate_text
from .folders import DataGroup, ProtocolsGroup, open_in_file_manager
from .keys import KeysGroup

CONTENT_MAX_WIDTH = 880


class SettingsPage(QWidget):
    """Preferences, grouped; changes are saved immediately."""

    test_sound_requested = Signal()
    test_voice_requested = Signal()
    backup_requested = Signal()
    restore_requested = Signal(object)
    """A backup file (Path) to restore, after the user confirmed."""

    def __init__(self, settings: Settings, paths: DataPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.paths = paths
        self.confirm: Callable[[QWidget, str, str, str, str], bool] = ask
        """The yes/no question before a restore (replaceable in tests)."""

        self._scroll = scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        viewport = QWidget()
        viewport.setObjectName("SettingsViewport")
        viewport.setStyleSheet("QGroupBox { font-weight: 600; }")
        scroll.setWidget(viewport)
        centre = QHBoxLayout(viewport)
        centre.setContentsMargins(24, 20, 24, 24)
        content = QWidget()
        content.setMaximumWidth(CONTENT_MAX_WIDTH)
        centre.addStretch(1)
        centre.addWidget(content, 100)
        centre.addStretch(1)

        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(18)
        column.addWidget(plain_label("Settings", "title"))
        column.addWidget(plain_label("Changes are saved as you make them.", "muted"))
        self.sound_group = SoundGroup(settings)
        self.voice_group = VoiceGroup(settings)
        self.cue_status_group = CueStatusGroup()
        self.session_group = SessionGroup(settings)
        self.keys_group = KeysGroup(settings)
        self.appearance_group = AppearanceGroup(settings)
        self.data_group = DataGroup(paths)
        self.backups_group = BackupsGroup(settings)
        self.protocols_group = ProtocolsGroup(paths)
        for group in (
            self.sound_group,
            self.voice_group,
            self.cue_status_group,
            self.session_group,
            self.keys_group,
            self.appearance_group,
            self.data_group,
            self.backups_group,
            self.protocols_group,
        ):
            column.addWidget(group)
        self.open_error = plain_label("", "danger")
        self.open_error.hide()
        column.addWidget(self.open_error)
        column.addStretch(1)

        self._name_controls()
        self.test_sound_button.clicked.connect(self.test_sound_requested)
        self.test_voice_button.clicked.connect(self.test_voice_requested)
        self.open_data_button.clicked.connect(lambda: self.open_folder(self.paths.root))
        self.backup_button.clicked.connect(self.backup_requested)
        self.restore_button.clicked.connect(self._on_restore_clicked)
        self.open_backups_button.clicked.connect(lambda: self.open_folder(self.paths.backups))
        self.open_protocols_button.clicked.connect(lambda: self.open_folder(self.paths.protocols))

        self._load()
        settings.changed.connect(self._on_settings_changed)

    def _name_controls(self) -> None:
        """Every control of the groups, also by name on the page."""
        self.sound_check = self.sound_group.sound_check
        self.volume_slider = self.sound_group.volume_slider
        self.volume_label = self.sound_group.volume_label
        self.test_sound_button = self.sound_group.test_sound_button
        self.warn_combo = self.sound_group.warn_combo
        self.voice_check = self.voice_group.voice_check
        self.voice_combo = self.voice_group.voice_combo
        self.test_voice_button = self.voice_group.test_voice_button
        self.rate_slider = self.voice_group.rate_slider
        self.rate_label = self.voice_group.rate_label
        self.sound_status = self.cue_status_group.sound_status
        self.speech_status = self.cue_status_group.speech_status
        self.auto_advance_check = self.session_group.auto_advance_check
        self.bounce_spin = self.session_group.bounce_spin
        self.repeat_spin = self.session_group.repeat_spin
        self.tray_check = self.session_group.tray_check
        self.performed_by_edit = self.session_group.performed_by_edit
        self.theme_combo = self.appearance_group.theme_combo
        self.scale_combo = self.appearance_group.scale_combo
        self.data_dir_edit = self.data_group.data_dir_edit
        self.open_data_button = self.data_group.open_data_button
        self.log_file_edit = self.data_group.log_file_edit
        self.backups_list = self.backups_group.backups_list
        self.backup_button = self.backups_group.backup_button
        self.restore_button = self.backups_group.restore_button
        self.open_backups_button = self.backups_group.open_backups_button
        self.backups_keep_spin = self.backups_group.backups_keep_spin
        self.backup_status = self.backups_group.backup_status
        self.builtin_dir_edit = self.protocols_group.builtin_dir_edit
        self.user_protocols_edit = self.protocols_group.user_protocols_edit
        self.open_protocols_button = self.protocols_group.open_protocols_button

    # public API ------------------------------------------------------------

    def set_voices(self, names: list[str], current: str) -> None:
        """Fill the voice list; ``current`` is selected if present, else the default voice."""
        self.voice_group.set_voices(names, current)
        self._update_enabled()

    def set_cue_status(self, sound_ok: bool, sound_reason: str, speech_ok: bool, speech_reason: str) -> None:
        """Say whether sound and speech work here, and if not, why and what happens instead."""
        self.cue_status_group.show_status(sound_ok, sound_reason, speech_ok, speech_reason)
        self._update_enabled()
        self._relayout(self.sound_status)

    def set_backups(self, backups: list) -> None:
        """List the backups (``BackupInfo``, newest first) with their date and session count."""
        self.backups_group.set_backups(backups)

    def set_backup_status(self, text: str, ok: bool = True) -> None:
        self.backups_group.set_status(text, ok)
        self._relayout(self.backup_status)

    def open_folder(self, path: Path) -> bool:
        """Open ``path`` in the file manager, creating it first if needed."""
        error = open_in_file_manager(path)
        if error:
            self._show_open_error(error)
        else:
            self.open_error.hide()
        return not error

    # internals ---------------------------------------------------------------

    def _on_restore_clicked(self) -> None:
        chosen = self.backups_group.chosen()
        if chosen is None:
            self.set_backup_status("Choose a backup in the list first.", ok=False)
            return
        path, entry = chosen
        if self.confirm(
            self,
            "Restore this backup?",
            f"The session log will be replaced by the backup {path.name} "
            f"({entry}). Sessions logged since then will no longer be in your history, "
            "but the log as it is now is backed up first, so you can go back to it.",
            "Restore",
            "Cancel",
        ):
            self.restore_requested.emit(path)

    def _show_open_error(self, text: str) -> None:
        self.open_error.setText(text)
        self.open_error.show()
        self._relayout(self.open_error)

    def _relayout(self, changed: QWidget) -> None:
        """Re-measure the scrolled content after a wrapped label's text changed.

        QScrollArea does not notice on its own that a label needs more lines
        (height-for-width), so the new text would be cut off.
        """
        w = changed.parentWidget()
        while w is not None and w is not self._scroll:
            if w.layout() is not None:
                w.layout().invalidate()
            w = w.parentWidget()
        QCoreApplication.sendEvent(self._scroll, QEvent(QEvent.Type.LayoutRequest))

    def _on_settings_changed(self, key: str) -> None:
        if key == "keys":
            self.keys_group.refresh()
            return
        self._load()

    def _load(self) -> None:
        """Show the current settings without writing anything back."""
        s = self.settings
        widgets = (
            self.sound_check,
            self.volume_slider,
            self.warn_combo,
            self.voice_check,
            self.rate_slider,
            self.auto_advance_check,
            self.bounce_spin,
            self.repeat_spin,
            self.tray_check,
            self.theme_combo,
            self.scale_combo,
            self.voice_combo,
            self.backups_keep_spin,
        )
        blockers = [QSignalBlocker(w) for w in widgets]
        try:
            self.sound_check.setChecked(s.get("sound_enabled"))
            volume = max(0, min(100, s.get("volume")))
            self.volume_slider.setValue(volume)
            self.volume_label.setText(f"{volume} %")
            self._select(self.warn_combo, s.get("warn_seconds"))
            self.voice_check.setChecked(s.get("voice_enabled"))
            rate = max(-1.0, min(1.0, s.get("voice_rate")))
            self.rate_slider.setValue(round(rate * RATE_STEPS))
            self.rate_label.setText(rate_text(rate))
            if self.voice_group.voices:
                name = s.get("voice_name")
                index = self.voice_combo.findData(name) if name else 0
                self.voice_combo.setCurrentIndex(max(0, index))
            self.auto_advance_check.setChecked(s.get("auto_advance"))
            self.bounce_spin.setValue(max(BOUNCE_RANGE[0], min(BOUNCE_RANGE[1], float(s.get("bounce_seconds")))))
            self.repeat_spin.setValue(max(REPEAT_RANGE[0], min(REPEAT_RANGE[1], int(s.get("repeat_seconds")))))
            self.tray_check.setChecked(s.get("tray_notifications"))
            self._select(self.theme_combo, s.get("theme"))
            self._select(self.scale_combo, s.get("text_scale"))
            self.backups_keep_spin.setValue(int(s.get("backups_keep")))
        finally:
            for blocker in blockers:
                blocker.unblock()
        performed_by = s.get("performed_by")
        if self.performed_by_edit.text().strip() != performed_by:
            self.performed_by_edit.setText(performed_by)
        self._update_enabled()

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    def _update_enabled(self) -> None:
        sound_on = self.sound_check.isChecked()
        self.volume_slider.setEnabled(sound_on)
        self.volume_label.setEnabled(sound_on)
        voice_on = self.voice_check.isChecked()
        self.voice_combo.setEnabled(voice_on and bool(self.voice_group.voices))
        self.rate_slider.setEnabled(voice_on)
        self.rate_label.setEnabled(voice_on)
