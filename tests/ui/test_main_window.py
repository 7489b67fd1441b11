"""The main window: pages, keyboard navigation, the whole path from a protocol to the log."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QRadioButton

from massage_timer.core.log import SessionInfo, open_store
from massage_timer.core.session.events import State
from massage_timer.ui.pages.setup import SetupDialog


def test_pages_open_by_keyboard(qtbot, main_window) -> None:  # noqa: ANN001
    assert main_window.current_page() == "protocols"
    for keys, page in (("Ctrl+2", "session"), ("Ctrl+3", "history"), ("Ctrl+4", "settings"), ("Ctrl+1", "protocols")):
        key, mod = keys.split("+")[1], Qt.KeyboardModifier.ControlModifier
        qtbot.keyClick(main_window, key, mod)
        assert main_window.current_page() == page
    qtbot.keyClick(main_window, Qt.Key.Key_F1)
    assert main_window.current_page() == "help"


def test_history_is_built_only_when_opened() -> None:
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM']='offscreen';"
        "import massage_timer.ui.main_window;"
        "print('pyqtgraph' in sys.modules, 'numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_prepare_then_run_a_session_into_the_log(qtbot, main_window, monkeypatch, store) -> None:  # noqa: ANN001
    def answer_and_accept(dialog: SetupDialog) -> int:
        for item in dialog.protocol.contraindications:
            dialog.findChild(QRadioButton, f"contra-{item.id}-no").setChecked(True)
        for b in dialog.stage_group.buttons():
            if b.property("value") == "acute":
                b.setChecked(True)
        dialog.person.setCurrentText("Anna")
        assert dialog.start_button.isEnabled()
        dialog.accept()
        return SetupDialog.DialogCode.Accepted

    monkeypatch.setattr(SetupDialog, "exec", answer_and_accept)
    loaded = main_window.library.get("honey")
    main_window.prepare_session(loaded)
    assert main_window.current_page() == "session"
    controller = main_window.controller
    assert controller.engine is not None and controller.engine.state is State.IDLE
    qtbot.keyClick(main_window, Qt.Key.Key_Space)
    assert controller.engine.state is State.RUNNING
    clock = main_window.fake_clock
    for _ in range(20):
        snap = controller.snapshot()
        if controller.engine.state is State.FINISHED:
            break
        if snap.planned is not None and snap.planned.timed and snap.state is State.RUNNING:
            clock.advance(snap.remaining + 0.01)
            controller._on_timer()
        else:
            clock.advance(30)
            qtbot.keyClick(main_window, Qt.Key.Key_Right)
    assert controller.engine.state is State.FINISHED
    sessions = store.sessions()
    assert len(sessions) == 1
    row = sessions[0]
    assert (row.person, row.protocol_id, row.stage, row.status) == ("Anna", "honey", "acute", "completed")
    assert row.steps_done == row.steps_total == len(loaded.protocol.steps)
    assert main_window.settings.get("last_person") == "Anna"


def test_interrupted_session_is_shown_and_can_be_kept(qtbot, main_window, monkeypatch, data_dir) -> None:  # noqa: ANN001
    # A session left running by a crash: written by another connection, then reopened.
    other, _ = open_store(data_dir.database)
    sid = other.begin_session(SessionInfo("honey", "Honey massage", "Joe", 6), 1_767_603_600.0)
    other.close()
    reopened, report = open_store(data_dir.database)
    assert report.interrupted == [sid]
    main_window.store = reopened
    shown: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(box.text())
        keep = next(b for b in box.buttons() if b.text() == "Keep it")
        keep.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    main_window.show_notices(report.interrupted)
    assert shown and "Honey massage for Joe" in shown[0] and "interrupted" in shown[0]
    row = reopened.session(sid)
    assert row is not None and row.status == "interrupted" and row.reviewed
    shown.clear()
    main_window.show_notices([])
    assert shown == []  # reviewed: not asked again
    reopened.close()


def test_theme_setting_is_applied_at_once(qtbot, main_window) -> None:  # noqa: ANN001
    app = QApplication.instance()
    main_window.settings.set("theme", "dark")
    assert app.property("massage_timer_dark") is True
    dark_window = app.palette().color(app.palette().ColorRole.Window).lightness()
    main_window.settings.set("theme", "light")
    assert app.property("massage_timer_dark") is False
    assert app.palette().color(app.palette().ColorRole.Window).lightness() > dark_window


def _finish_a_stopped_session(main_window):  # noqa: ANN001, ANN202
    from massage_timer.ui.pages.setup import SetupResult

    loaded = main_window.library.get("classic-relaxing")
    main_window.start_from_setup(loaded, SetupResult("Anna", "", None, "acute", "back", {}, None))
    main_window.controller.toggle()
    main_window.controller.stop()
    page = main_window.page("session")
    assert page.mode() == page.FINISHED
    return page


def _count_setups(monkeypatch) -> list[str]:  # noqa: ANN001
    opened: list[str] = []

    def refuse(dialog: SetupDialog) -> int:
        opened.append(dialog.protocol.id)
        return SetupDialog.DialogCode.Rejected

    monkeypatch.setattr(SetupDialog, "exec", refuse)
    return opened


def test_preparing_a_session_with_a_summary_open_asks_first(qtbot, main_window, monkeypatch, store) -> None:  # noqa: ANN001
    page = _finish_a_stopped_session(main_window)
    page.finish.notes.setPlainText("Calmer after the warm-up")
    asked: list[tuple[str, tuple[str, ...]]] = []
    answers = iter(["Stay here", "Save and go on"])

    def choose(_parent, title, _text, choices):  # noqa: ANN001, ANN202
        asked.append((title, tuple(choices)))
        return list(choices).index(next(answers))

    page.choose = choose
    opened = _count_setups(monkeypatch)
    honey = main_window.library.get("honey")
    main_window.prepare_session(honey)
    assert asked == [("Save the last session's notes?", ("Save and go on", "Discard them", "Stay here"))]
    assert opened == [] and page.mode() == page.FINISHED
    assert page.finish.notes.toPlainText() == "Calmer after the warm-up"  # nothing typed is lost
    assert main_window.current_page() == "session"
    main_window.prepare_session(honey)
    assert opened == ["honey"]
    assert page.mode() == page.EMPTY
    assert store.sessions()[0].notes == "Calmer after the warm-up"


def test_a_summary_can_be_discarded_before_the_next_session(qtbot, main_window, monkeypatch, store) -> None:  # noqa: ANN001
    page = _finish_a_stopped_session(main_window)
    page.finish.notes.setPlainText("not for the record")
    page.choose = lambda _p, _t, _x, choices: list(choices).index("Discard them")
    opened = _count_setups(monkeypatch)
    main_window.prepare_session(main_window.library.get("honey"))
    assert opened == ["honey"] and page.mode() == page.EMPTY
    (row,) = store.sessions()
    assert row.status == "stopped" and row.notes == ""  # the session stays; the notes were discarded


def test_an_empty_summary_closes_without_a_question(qtbot, main_window, monkeypatch) -> None:  # noqa: ANN001
    page = _finish_a_stopped_session(main_window)
    page.choose = lambda *_a: pytest.fail("nothing was typed, so there is nothing to ask about")
    opened = _count_setups(monkeypatch)
    main_window.prepare_session(main_window.library.get("honey"))
    assert opened == ["honey"] and page.mode() == page.EMPTY


def test_the_sidebar_says_whether_the_session_runs_or_is_paused(qtbot, main_window) -> None:  # noqa: ANN001
    from massage_timer.ui.pages.setup import SetupResult

    loaded = main_window.library.get("classic-relaxing")
    main_window.start_from_setup(loaded, SetupResult("Me", "", None, "acute", "back", {}, None))
    hints = [main_window.session_hint.text()]
    main_window.controller.toggle()
    hints.append(main_window.session_hint.text())
    main_window.controller.toggle()
    hints.append(main_window.session_hint.text())
    main_window.controller.stop()  # before any assertion: a failing test must not leave a session to quit
    hints.append(main_window.session_hint.text())
    assert hints == [
        "Session ready to start\nstep 1 of 4",
        "Session running\nstep 1 of 4",
        "Session paused\nstep 1 of 4",
        "",
    ]


def test_session_buttons_follow_a_theme_switch_both_ways(qtbot, main_window) -> None:  # noqa: ANN001
    from massage_timer.ui.pages.setup import SetupResult

    loaded = main_window.library.get("classic-relaxing")
    main_window.start_from_setup(loaded, SetupResult("Me", "", None, "acute", "back", {}, None))
    page = main_window.page("session")

    def stop_button_lightness() -> int:
        image = page.stop_button.grab().toImage()
        return image.pixelColor(6, image.height() // 2).lightness()  # the face, left of the label

    try:
        lightness = {}
        for theme in ("light", "dark", "light", "dark"):
            main_window.settings.set("theme", theme)
            lightness.setdefault(theme, []).append(stop_button_lightness())
    finally:
        main_window.controller.discard()
    assert min(lightness["light"]) > 200 and max(lightness["dark"]) < 100, lightness
