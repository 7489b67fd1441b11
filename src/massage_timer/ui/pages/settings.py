"""The Settings page: cues, voice, session defaults, appearance, and where data lives.

Every control writes through :meth:`Settings.set`; the page re-reads the
settings whenever they change (from here or elsewhere), so it never shows a
stale value. The page holds no timing or cue logic: it only emits
``test_sound_requested`` / ``test_voice_requested`` and shows the cue
availability it is told about (:meth:`SettingsPage.set_cue_status`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QSignalBlocker, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.paths import DataPaths
from ...core.resources import ResourceError, builtin_protocols_dir
from ..settings import BACKUP_KEEP_RANGE, TEXT_SCALES, THEMES, WARN_CHOICES, Settings
from ..widgets.basics import ask, button, plain_label, set_role

WARN_LABELS = {0: "Off", 3: "3 seconds before the end", 10: "10 seconds before the end"}
THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
RATE_STEPS = 10
"""The rate slider runs from -RATE_STEPS to +RATE_STEPS; the stored rate is that / RATE_STEPS."""
CONTENT_MAX_WIDTH = 880


def _open_url(url: QUrl) -> bool:
    """Open ``url`` with the desktop's handler (a seam for tests)."""
    return QDesktopServices.openUrl(url)


def rate_text(rate: float) -> str:
    """How a speech rate reads next to its slider."""
    if abs(rate) < 0.05:
        return "Normal"
    word = "Faster" if rate > 0 else "Slower"
    return f"{word} ({rate:+.1f})"


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
        self._voices: list[str] = []
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
        column.addWidget(self._sound_group())
        column.addWidget(self._voice_group())
        column.addWidget(self._availability_group())
        column.addWidget(self._session_group())
        column.addWidget(self._appearance_group())
        column.addWidget(self._data_group())
        column.addWidget(self._backups_group())
        column.addWidget(self._protocols_group())
        self.open_error = plain_label("", "danger")
        self.open_error.hide()
        column.addWidget(self.open_error)
        column.addStretch(1)

        self._load()
        settings.changed.connect(self._on_settings_changed)

    # building ------------------------------------------------------------

    @staticmethod
    def _form(group: QGroupBox) -> QFormLayout:
        form = QFormLayout(group)
        form.setContentsMargins(16, 14, 16, 16)
        form.setHorizontalSpacing(18)
        form.setVerticalSpacing(12)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return form

    def _sound_group(self) -> QGroupBox:
        group = QGroupBox("Sound")
        form = self._form(group)

        self.sound_check = QCheckBox("Play sounds at step changes and cues")
        self.sound_check.toggled.connect(lambda on: self.settings.set("sound_enabled", bool(on)))
        form.addRow(self.sound_check)

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
        self.test_sound_button.clicked.connect(self.test_sound_requested)
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
        return group

    def _voice_group(self) -> QGroupBox:
        group = QGroupBox("Voice")
        form = self._form(group)

        self.voice_check = QCheckBox("Announce each step aloud (for example “Next: place the jars. 15 minutes.”)")
        self.voice_check.toggled.connect(lambda on: self.settings.set("voice_enabled", bool(on)))
        form.addRow(self.voice_check)

        self.voice_combo = QComboBox()
        self.voice_combo.setAccessibleName("Voice")
        self.voice_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.voice_combo.setMinimumContentsLength(16)
        self.voice_combo.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.voice_combo.currentIndexChanged.connect(self._on_voice_chosen)
        self.test_voice_button = button("Test voice", tooltip="Speak a sample announcement")
        self.test_voice_button.clicked.connect(self.test_voice_requested)
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
        self.set_voices([], self.settings.get("voice_name"))
        return group

    def _availability_group(self) -> QGroupBox:
        group = QGroupBox("Sound and voice on this computer")
        box = QVBoxLayout(group)
        box.setContentsMargins(16, 14, 16, 16)
        box.setSpacing(8)
        self.sound_status = plain_label("Sound: checking…", "muted")
        self.speech_status = plain_label("Voice: checking…", "muted")
        box.addWidget(self.sound_status)
        box.addWidget(self.speech_status)
        return group

    def _session_group(self) -> QGroupBox:
        group = QGroupBox("Session")
        form = self._form(group)
        self.auto_advance_check = QCheckBox()
        self.auto_advance_check.toggled.connect(lambda on: self.settings.set("auto_advance", bool(on)))
        form.addRow(
            self._check_row(
                self.auto_advance_check,
                "Move on automatically when a timed step ends "
                "(steps that need your hands, like removing jars, always wait)",
            )
        )
        self.tray_check = QCheckBox()
        self.tray_check.toggled.connect(lambda on: self.settings.set("tray_notifications", bool(on)))
        form.addRow(
            self._check_row(
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
        return group

    def _check_row(self, check: QCheckBox, text: str) -> QWidget:
        """A check box with a wrapping label (QCheckBox text does not wrap)."""
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        check.setAccessibleName(text)
        label = plain_label(text)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        label.setBuddy(check)
        label.mousePressEvent = lambda _event: check.toggle()  # type: ignore[method-assign]
        layout.addWidget(check, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(label, 1)
        check.setProperty("row_label", label)
        return row

    def _appearance_group(self) -> QGroupBox:
        group = QGroupBox("Appearance")
        form = self._form(group)
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
        return group

    def _data_group(self) -> QGroupBox:
        group = QGroupBox("Data")
        form = self._form(group)

        self.data_dir_edit = self._path_field(self.paths.root)
        self.open_data_button = button("Open folder", tooltip="Show the data folder in the file manager")
        self.open_data_button.clicked.connect(lambda: self.open_folder(self.paths.root))
        form.addRow("Data folder", self._path_row(self.data_dir_edit, self.open_data_button))

        self.log_file_edit = self._path_field(self.paths.database)
        form.addRow("Session log", self._path_row(self.log_file_edit))

        return group

    def _backups_group(self) -> QGroupBox:
        group = QGroupBox("Backups")
        box = QVBoxLayout(group)
        box.setContentsMargins(16, 14, 16, 16)
        box.setSpacing(10)
        box.addWidget(
            plain_label(
                "A copy of the session log is made once a day when the app opens, before its "
                "format is upgraded, and whenever you ask. Restoring a backup first backs up "
                "the log as it is, so a restore can be undone.",
                "muted",
            )
        )
        self.backups_list = QListWidget()
        self.backups_list.setAccessibleName("Backups")
        self.backups_list.setMinimumHeight(110)
        self.backups_list.setMaximumHeight(200)
        box.addWidget(self.backups_list)
        row = QHBoxLayout()
        row.setSpacing(10)
        self.backup_button = button("Back up now", tooltip="Copy the session log into the backups folder now")
        self.backup_button.clicked.connect(self.backup_requested)
        self.restore_button = button("Restore…", tooltip="Replace the session log with the chosen backup")
        self.restore_button.clicked.connect(self._on_restore_clicked)
        self.open_backups_button = button("Open folder", tooltip="Show the backups folder in the file manager")
        self.open_backups_button.clicked.connect(lambda: self.open_folder(self.paths.backups))
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addWidget(self.open_backups_button)
        row.addStretch(1)
        row.addWidget(QLabel("Keep the newest"))
        self.backups_keep_spin = QSpinBox()
        self.backups_keep_spin.setRange(*BACKUP_KEEP_RANGE)
        self.backups_keep_spin.setAccessibleName("Backups to keep")
        self.backups_keep_spin.valueChanged.connect(lambda v: self.settings.set("backups_keep", int(v)))
        row.addWidget(self.backups_keep_spin)
        box.addLayout(row)
        self.backup_status = plain_label("", "muted")
        self.backup_status.hide()
        box.addWidget(self.backup_status)
        return group

    def set_backups(self, backups: list) -> None:
        """List the backups (``BackupInfo``, newest first) with their date and session count."""
        self.backups_list.clear()
        for info in backups:
            when = info.created.strftime("%Y-%m-%d %H:%M:%S")
            if info.sessions is None:
                text = f"{when} — cannot be read ({info.error})"
            else:
                text = f"{when} — {info.sessions} session{'s' if info.sessions != 1 else ''}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, info.path)
            item.setToolTip(str(info.path))
            self.backups_list.addItem(item)
        if not backups:
            item = QListWidgetItem("No backups yet")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.backups_list.addItem(item)
        self.restore_button.setEnabled(bool(backups))

    def set_backup_status(self, text: str, ok: bool = True) -> None:
        self.backup_status.setText(text)
        set_role(self.backup_status, "ok" if ok else "danger")
        self.backup_status.setVisible(bool(text))
        self._relayout(self.backup_status)

    def _on_restore_clicked(self) -> None:
        item = self.backups_list.currentItem()
        path = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if path is None:
            self.set_backup_status("Choose a backup in the list first.", ok=False)
            return
        if self.confirm(
            self,
            "Restore this backup?",
            f"The session log will be replaced by the backup {Path(path).name} "
            f"({item.text()}). Sessions logged since then will no longer be in your history, "
            "but the log as it is now is backed up first, so you can go back to it.",
            "Restore",
            "Cancel",
        ):
            self.restore_requested.emit(Path(path))

    def _protocols_group(self) -> QGroupBox:
        group = QGroupBox("Where protocols are read from")
        form = self._form(group)
        try:
            builtin = str(builtin_protocols_dir())
        except ResourceError as exc:
            builtin = f"not found: {exc}"
        self.builtin_dir_edit = self._path_field(builtin)
        form.addRow("Built-in protocols", self._path_row(self.builtin_dir_edit))

        self.user_protocols_edit = self._path_field(self.paths.protocols)
        self.open_protocols_button = button(
            "Open folder",
            tooltip="Show your protocols folder in the file manager (it is created if needed)",
        )
        self.open_protocols_button.clicked.connect(lambda: self.open_folder(self.paths.protocols))
        form.addRow("Your protocols", self._path_row(self.user_protocols_edit, self.open_protocols_button))
        form.addRow(
            plain_label(
                "Put your own protocol files (.toml) in this folder; "
                "see the protocol format guide (README.md in the built-in folder). "
                "A file with the same id as a built-in protocol replaces it. "
                "Use “Reload” on the Protocols page after editing.",
                "muted",
            )
        )
        return group

    @staticmethod
    def _path_field(path: Path | str) -> QLineEdit:
        edit = QLineEdit(str(path))
        edit.setReadOnly(True)
        edit.setCursorPosition(0)
        edit.setToolTip(str(path))
        edit.setMinimumWidth(160)
        return edit

    @staticmethod
    def _path_row(edit: QLineEdit, action: QPushButton | None = None) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(10)
        row.addWidget(edit, 1)
        if action is not None:
            row.addWidget(action)
        return row

    # public API ------------------------------------------------------------

    def set_voices(self, names: list[str], current: str) -> None:
        """Fill the voice list; ``current`` is selected if present, else the default voice."""
        self._voices = list(names)
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
        self._update_enabled()

    def set_cue_status(self, sound_ok: bool, sound_reason: str, speech_ok: bool, speech_reason: str) -> None:
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
        self._update_enabled()
        self._relayout(self.sound_status)

    def open_folder(self, path: Path) -> bool:
        """Open ``path`` in the file manager, creating it first if needed."""
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._show_open_error(f"Could not create {path}: {exc.strerror or exc}")
            return False
        ok = _open_url(QUrl.fromLocalFile(str(path)))
        if ok:
            self.open_error.hide()
        else:
            self._show_open_error(f"Could not open a file manager; the folder is {path}")
        return ok

    # internals ---------------------------------------------------------------

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

    def _on_volume(self, value: int) -> None:
        self.volume_label.setText(f"{value} %")
        self.settings.set("volume", int(value))

    def _on_rate(self, value: int) -> None:
        rate = round(value / RATE_STEPS, 2)
        self.rate_label.setText(rate_text(rate))
        self.settings.set("voice_rate", rate)

    def _on_voice_chosen(self, index: int) -> None:
        if index < 0 or not self._voices:
            return
        self.settings.set("voice_name", str(self.voice_combo.itemData(index) or ""))

    def _on_settings_changed(self, _key: str) -> None:
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
            if self._voices:
                name = s.get("voice_name")
                index = self.voice_combo.findData(name) if name else 0
                self.voice_combo.setCurrentIndex(max(0, index))
            self.auto_advance_check.setChecked(s.get("auto_advance"))
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
        self.voice_combo.setEnabled(voice_on and bool(self._voices))
        self.rate_slider.setEnabled(voice_on)
        self.rate_label.setEnabled(voice_on)
