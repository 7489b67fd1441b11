"""The Settings page writes every control through Settings and shows what it is told."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl

from massage_timer.core.paths import DataPaths
from massage_timer.ui.pages.settings import SettingsPage
from massage_timer.ui.pages.settings import folders as settings_page_module
from massage_timer.ui.settings import Settings


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    return DataPaths(tmp_path / "data")


@pytest.fixture
def page(qtbot, ini: Path, paths: DataPaths) -> SettingsPage:
    widget = SettingsPage(Settings(ini), paths)
    qtbot.addWidget(widget)
    return widget


def reread(ini: Path) -> Settings:
    """A fresh Settings object on the same file, as after restarting the app."""
    return Settings(ini)


def choose(combo, value) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def test_shows_the_defaults(page: SettingsPage) -> None:
    assert page.sound_check.isChecked()
    assert page.volume_slider.value() == 80
    assert page.volume_label.text() == "80 %"
    assert page.warn_combo.currentData() == 10
    assert page.theme_combo.currentData() == "system"
    assert page.scale_combo.currentData() == 100
    assert page.rate_label.text() == "Normal"


def test_sound_controls_persist(page: SettingsPage, ini: Path) -> None:
    page.sound_check.setChecked(False)
    page.volume_slider.setValue(35)
    choose(page.warn_combo, 3)
    assert page.volume_label.text() == "35 %"
    assert not page.volume_slider.isEnabled(), "volume is greyed out while sound is off"
    again = reread(ini)
    assert again.get("sound_enabled") is False
    assert again.get("volume") == 35
    assert again.get("warn_seconds") == 3
    choose(page.warn_combo, 0)
    assert reread(ini).get("warn_seconds") == 0


def test_voice_controls_persist(page: SettingsPage, ini: Path) -> None:
    page.set_voices(["Alice", "Bernd"], "")
    assert page.voice_combo.currentData() == ""
    choose(page.voice_combo, "Bernd")
    page.rate_slider.setValue(-3)
    page.voice_check.setChecked(False)
    again = reread(ini)
    assert again.get("voice_name") == "Bernd"
    assert again.get("voice_rate") == pytest.approx(-0.3)
    assert again.get("voice_enabled") is False
    assert page.rate_label.text() == "Slower (-0.3)"
    assert not page.voice_combo.isEnabled()


def test_set_voices_selects_the_saved_voice(qtbot, ini: Path, paths: DataPaths) -> None:
    settings = Settings(ini)
    settings.set("voice_name", "Bernd")
    widget = SettingsPage(settings, paths)
    qtbot.addWidget(widget)
    widget.set_voices(["Alice", "Bernd", "Chloé"], settings.get("voice_name"))
    assert [widget.voice_combo.itemText(i) for i in range(widget.voice_combo.count())] == [
        "Default voice",
        "Alice",
        "Bernd",
        "Chloé",
    ]
    assert widget.voice_combo.currentText() == "Bernd"
    # Filling the list must not write anything.
    assert reread(ini).get("voice_name") == "Bernd"


def test_unknown_saved_voice_shows_default_without_forgetting_it(page: SettingsPage, ini: Path) -> None:
    page.settings.set("voice_name", "Gone")
    page.set_voices(["Alice"], "Gone")
    assert page.voice_combo.currentData() == ""
    assert reread(ini).get("voice_name") == "Gone"


def test_no_voices_disables_the_list(page: SettingsPage) -> None:
    page.set_voices([], "")
    assert not page.voice_combo.isEnabled()
    assert page.voice_combo.currentText() == "No voices found"


def test_session_and_appearance_persist(page: SettingsPage, ini: Path) -> None:
    page.auto_advance_check.setChecked(False)
    page.tray_check.setChecked(False)
    choose(page.theme_combo, "dark")
    choose(page.scale_combo, 150)
    again = reread(ini)
    assert again.get("auto_advance") is False
    assert again.get("tray_notifications") is False
    assert again.get("theme") == "dark"
    assert again.get("text_scale") == 150


def test_theme_change_is_announced(qtbot, page: SettingsPage) -> None:
    with qtbot.waitSignal(page.settings.changed) as blocker:
        choose(page.theme_combo, "light")
    assert blocker.args == ["theme"]


def test_performed_by_persists(qtbot, page: SettingsPage, ini: Path) -> None:
    page.performed_by_edit.setFocus()
    qtbot.keyClicks(page.performed_by_edit, "Anna K.")
    assert reread(ini).get("performed_by") == "Anna K."
    assert page.performed_by_edit.text() == "Anna K."


def test_page_follows_changes_made_elsewhere(page: SettingsPage) -> None:
    page.settings.set("volume", 12)
    page.settings.set("theme", "dark")
    page.settings.set("voice_rate", 0.5)
    page.settings.set("performed_by", "Dr. B")
    assert page.volume_slider.value() == 12
    assert page.volume_label.text() == "12 %"
    assert page.theme_combo.currentData() == "dark"
    assert page.rate_slider.value() == 5
    assert page.performed_by_edit.text() == "Dr. B"


def test_a_new_page_shows_saved_values(qtbot, page: SettingsPage, ini: Path, paths: DataPaths) -> None:
    page.volume_slider.setValue(55)
    choose(page.scale_combo, 200)
    later = SettingsPage(reread(ini), paths)
    qtbot.addWidget(later)
    assert later.volume_slider.value() == 55
    assert later.scale_combo.currentData() == 200


def test_cue_status_shows_reasons(page: SettingsPage) -> None:
    page.set_cue_status(False, "no audio output device was found", False, "no speech engine is installed.")
    sound = page.sound_status.text()
    speech = page.speech_status.text()
    assert sound.startswith("Sound: not available")
    assert "no audio output device was found" in sound
    assert "system beep" in sound
    assert "no speech engine is installed" in speech
    assert ".." not in speech
    assert page.sound_status.property("role") == "danger"

    page.set_cue_status(
        False,
        "no audio output device was found; the system beep and the screen flash are used instead",
        True,
        "speech is ready (Alice)",
    )
    assert page.sound_status.text().count("beep") == 1, "the fallback is said once"
    assert page.speech_status.text() == "Voice: available — speech is ready (Alice)."

    page.set_cue_status(True, "", True, "")
    assert page.sound_status.text() == "Sound: available"
    assert page.speech_status.text() == "Voice: available"
    assert page.sound_status.property("role") == "ok"


def test_test_buttons_emit_signals(qtbot, page: SettingsPage) -> None:
    with qtbot.waitSignal(page.test_sound_requested, timeout=1000):
        page.test_sound_button.click()
    with qtbot.waitSignal(page.test_voice_requested, timeout=1000):
        page.test_voice_button.click()


def test_paths_are_shown(page: SettingsPage, paths: DataPaths) -> None:
    assert page.data_dir_edit.text() == str(paths.root)
    assert page.log_file_edit.text() == str(paths.database)
    assert page.user_protocols_edit.text() == str(paths.protocols)
    assert page.builtin_dir_edit.text().endswith("protocols")
    assert page.data_dir_edit.isReadOnly()


def test_open_protocols_folder_creates_it(monkeypatch, page: SettingsPage, paths: DataPaths) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(settings_page_module, "_open_url", lambda url: opened.append(url) or True)
    assert not paths.protocols.exists()
    page.open_protocols_button.click()
    assert paths.protocols.is_dir()
    assert opened == [QUrl.fromLocalFile(str(paths.protocols))]
    assert page.open_error.isHidden()


def test_open_folder_failure_is_explained(monkeypatch, page: SettingsPage, paths: DataPaths) -> None:
    monkeypatch.setattr(settings_page_module, "_open_url", lambda url: False)
    page.open_data_button.click()
    assert not page.open_error.isHidden()
    assert str(paths.root) in page.open_error.text()


def test_the_alarm_repeat_and_the_bounce_time_persist(page: SettingsPage, ini: Path) -> None:
    assert page.repeat_spin.value() == 30, "a waiting step rings again every 30 s by default"
    page.repeat_spin.setValue(60)
    page.bounce_spin.setValue(1.2)
    again = reread(ini)
    assert again.get("repeat_seconds") == 60
    assert again.get("bounce_seconds") == pytest.approx(1.2)
    page.repeat_spin.setValue(0)
    assert page.repeat_spin.text() == "never (ring once)"
    assert reread(ini).get("repeat_seconds") == 0
