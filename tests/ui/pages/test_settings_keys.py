"""Settings → Keys and pedal: giving an action a key by pressing it, conflicts, defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QShortcut

from massage_timer.core.paths import DataPaths
from massage_timer.ui.pages.settings import SettingsPage
from massage_timer.ui.pages.settings.keys import KeyCaptureDialog
from massage_timer.ui.settings import Settings
from massage_timer.ui.shortcuts import DEFAULT_KEYS, KeyMap

Key = Qt.Key


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def page(qtbot, ini: Path, tmp_path: Path) -> SettingsPage:
    widget = SettingsPage(Settings(ini), DataPaths(tmp_path / "data"))
    qtbot.addWidget(widget)
    return widget


def press_in_dialog(qtbot, dialog: KeyCaptureDialog, key: Qt.Key) -> None:
    dialog.show()
    qtbot.keyClick(dialog.editor, key)


def test_the_dialog_takes_the_key_pressed_and_says_it_is_free(qtbot) -> None:
    dialog = KeyCaptureDialog(KeyMap(), "next", "Next step / done")
    qtbot.addWidget(dialog)
    press_in_dialog(qtbot, dialog, Key.Key_F8)
    assert dialog.key == "F8" and dialog.moves_from is None
    assert dialog.verdict.text() == "F8 is free."
    assert dialog.use_button.isEnabled()


def test_a_key_of_another_session_action_is_offered_to_move(qtbot) -> None:
    dialog = KeyCaptureDialog(KeyMap(), "next", "Next step / done")
    qtbot.addWidget(dialog)
    press_in_dialog(qtbot, dialog, Key.Key_Space)
    assert dialog.key == "Space" and dialog.moves_from == "toggle"
    assert "Start / pause / resume" in dialog.verdict.text()
    assert dialog.use_button.text() == "Move the key here"


@pytest.mark.parametrize(("key", "why"), [(Key.Key_F5, "Reload protocols"), (Key.Key_F1, "Help")])
def test_the_apps_own_keys_are_refused(qtbot, key: Qt.Key, why: str) -> None:
    dialog = KeyCaptureDialog(KeyMap(), "next", "Next step / done")
    qtbot.addWidget(dialog)
    press_in_dialog(qtbot, dialog, key)
    assert dialog.key == "" and not dialog.use_button.isEnabled()
    assert why in dialog.verdict.text()


def test_a_key_the_action_has_already_is_refused(qtbot) -> None:
    dialog = KeyCaptureDialog(KeyMap(), "next", "Next step / done")
    qtbot.addWidget(dialog)
    press_in_dialog(qtbot, dialog, Key.Key_PageDown)
    assert not dialog.use_button.isEnabled() and dialog.verdict.text() == "PgDown already does this."


def test_adding_a_key_saves_it_and_shows_it(page: SettingsPage, ini: Path) -> None:
    group = page.keys_group
    group.capture = lambda action: ("F8", None)
    group.add_key("next")
    assert Settings(ini).chosen_keys() == {"next": [*DEFAULT_KEYS.keys("next"), "F8"]}
    assert group.keys_labels["next"].text().endswith("F8")
    assert group.default_buttons["next"].isEnabled()
    assert not group.default_buttons["previous"].isEnabled()


def test_moving_a_key_takes_it_from_the_other_action(page: SettingsPage, ini: Path) -> None:
    group = page.keys_group
    group.capture = lambda action: ("Space", "toggle")
    group.add_key("next")
    keymap = KeyMap(Settings(ini).chosen_keys())
    assert "Space" in keymap.keys("next") and "Space" not in keymap.keys("toggle")
    assert keymap.conflicts() == []


def test_removing_and_resetting(page: SettingsPage, ini: Path) -> None:
    group = page.keys_group
    group.remove_key("next", "N")
    assert "N" not in KeyMap(Settings(ini).chosen_keys()).keys("next")
    menu_keys = [a.text() for a in group.remove_buttons["next"].menu().actions()]
    assert "N" not in menu_keys and "PgDown" in menu_keys
    group.reset("next")
    assert Settings(ini).chosen_keys() == {}
    assert not group.reset_all_button.isEnabled()


def test_reset_leaves_a_default_key_where_it_was_moved(page: SettingsPage, ini: Path) -> None:
    group = page.keys_group
    group.capture = lambda action: ("N", "next")
    group.add_key("previous")  # N now goes back
    group.reset("next")
    keymap = KeyMap(Settings(ini).chosen_keys())
    assert "N" in keymap.keys("previous") and "N" not in keymap.keys("next")
    assert keymap.conflicts() == []


def test_a_hand_edited_settings_file_is_reported_not_repaired(ini: Path, page: SettingsPage) -> None:
    settings = page.settings
    # Two actions on one key, and text that is no key, as somebody might write by hand.
    settings.raw().setValue("keys/next", ["F8", "Ctrl+K, Ctrl+L"])
    settings.raw().setValue("keys/previous", ["F8"])
    settings.raw().sync()
    page.keys_group.refresh()
    text = page.keys_group.problems.text()
    assert "“Ctrl+K, Ctrl+L” for “Next step / done” is no key" in text
    assert "F8 is given to “Next step / done” and “Previous step”" in text
    assert settings.raw().value("keys/next") == ["F8", "Ctrl+K, Ctrl+L"], "the file is left as written"


def test_the_session_page_follows_the_keys(qtbot, settings: Settings, store, fake_clock) -> None:
    from massage_timer.ui.pages.session import SessionPage
    from massage_timer.ui.services.cues import CuePlayer
    from massage_timer.ui.session_controller import SessionController

    page = SessionPage(SessionController(fake_clock), settings, CuePlayer(settings, speech_engine="mock"), store)
    qtbot.addWidget(page)

    def keys_of(action: str) -> set[str]:
        return {s.key().toString() for s in page.findChildren(QShortcut) if s.property("action") == action}

    assert {"Right", "N", "Т", "Return", "Enter", "PgDown", "Media Next"} <= keys_of("next")
    settings.set_chosen_keys({"next": ["F8"], "focus": []})
    assert keys_of("next") == {"F8"}
    assert keys_of("focus") == set()
    assert "F8" in page.next_button.toolTip()
    assert "(no key) leave" in page.focus_keys.text()
