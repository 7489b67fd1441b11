"""Continuing an interrupted session in the app: the start-up notice, History's button, quitting mid-session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from massage_timer.core.clock import FakeClock
from massage_timer.core.log import Store
from massage_timer.core.session.events import State
from massage_timer.ui.log_actions import QUIT_CHOICES
from massage_timer.ui.pages.setup import SetupResult

MIN = 60
PROTOCOL = "classic-relaxing"
"""Lie down (untimed), stroking (3 min), circular strokes along the ridge (5 min), closing strokes (2 min)."""


def answer(choice: str):  # noqa: ANN201
    """A replacement for the window's question that picks ``choice`` and remembers what was asked."""
    asked: list[tuple[str, tuple[str, ...]]] = []

    def choose(_parent, _title, text, choices):  # noqa: ANN001, ANN202
        asked.append((text, tuple(choices)))
        return list(choices).index(choice)

    choose.asked = asked  # type: ignore[attr-defined]
    return choose


def run_to_step_3(window) -> str:  # noqa: ANN001
    """Start the protocol and run it to one minute into step 3 (4 of its 5 minutes left)."""
    loaded = window.library.get(PROTOCOL)
    window.start_from_setup(loaded, SetupResult("Me", "", None, "acute", "back", {}, None))
    controller, clock = window.controller, window.fake_clock
    controller.toggle()  # step 1, untimed
    clock.advance(30)
    controller.next()  # step 2: 3 min
    clock.advance(3 * MIN + 0.01)
    controller._on_timer()
    assert controller.engine.index == 2
    clock.advance(MIN)
    controller._on_timer()
    sid = controller.session_id
    assert sid is not None
    return sid


def quit_and_continue_later(window) -> None:  # noqa: ANN001
    window.choose = answer("Quit and continue later")
    window.close()
    assert not window.isVisible()


@pytest.fixture
def next_start(qtbot, data_dir, settings, store, library, main_window) -> Iterator:  # noqa: ANN001
    """The app started again an hour after ``main_window`` quit, on the same log."""
    from massage_timer.ui.main_window import MainWindow
    from massage_timer.ui.services.cues import CuePlayer
    from massage_timer.ui.session_controller import SessionController

    clock = FakeClock(start_wall=main_window.fake_clock.wall() + 3600)
    controller = SessionController(clock)
    window = MainWindow(
        data_dir, settings, store, library, controller=controller, cues=CuePlayer(settings, speech_engine="mock")
    )
    qtbot.addWidget(window, before_close_func=lambda w: w.controller.discard())  # no question at teardown
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.fake_clock = clock  # type: ignore[attr-defined]
    yield window
    controller.discard()


def click_in_notice(monkeypatch, text: str) -> list[tuple[list[str], str]]:  # noqa: ANN001
    """Make the start-up notice press the button ``text``; returns each notice's buttons and default."""
    shown: list[tuple[list[str], str]] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(([b.text() for b in box.buttons()], box.defaultButton().text(), box.text()))
        next(b for b in box.buttons() if b.text() == text).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return shown


# ------------------------------------------------------------------ quitting mid-session


def test_quit_and_continue_later_leaves_the_session_interrupted(qtbot, main_window, store: Store) -> None:  # noqa: ANN001
    sid = run_to_step_3(main_window)
    main_window.choose = ask = answer("Quit and continue later")
    main_window.close()
    assert not main_window.isVisible()
    ((text, choices),) = ask.asked
    assert choices == QUIT_CHOICES and choices[-1] == "Keep going"  # the safe answer is the default
    assert "continue it later from this step" in text
    row = store.session(sid)
    assert (row.status, row.reviewed) == ("interrupted", False)  # not stopped: the next start asks
    last = store.steps(sid)[-1]
    assert (last.step_index, last.outcome, last.active_seconds) == (2, "interrupted", pytest.approx(MIN, abs=0.1))


def test_finish_now_stops_the_session_and_shows_the_finish_page(qtbot, main_window, store: Store) -> None:  # noqa: ANN001
    sid = run_to_step_3(main_window)
    main_window.choose = answer("Finish now")
    main_window.close()
    assert main_window.isVisible()
    page = main_window.page("session")
    assert main_window.current_page() == "session" and page.mode() == page.FINISHED
    assert store.session(sid).status == "stopped"


def test_keep_going_cancels_the_quit(qtbot, main_window, store: Store) -> None:  # noqa: ANN001
    sid = run_to_step_3(main_window)
    main_window.choose = answer("Keep going")
    main_window.close()
    assert main_window.isVisible() and main_window.controller.active
    assert store.session(sid).status == "running"


# ------------------------------------------------------------------ the start-up notice


def test_the_notice_continues_the_session_at_the_step_where_it_stopped(
    qtbot,  # noqa: ANN001
    main_window,  # noqa: ANN001
    next_start,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
    store: Store,
) -> None:
    sid = run_to_step_3(main_window)
    quit_and_continue_later(main_window)
    shown = click_in_notice(monkeypatch, "Continue it")
    next_start.show_notices([])
    ((buttons, default, _text),) = shown
    assert buttons[0] == "Continue it" and default == "Continue it"
    assert {"Keep it", "Finish it now…", "Review in History", "Discard it…"} <= set(buttons)

    controller = next_start.controller
    snap = controller.snapshot()
    assert (snap.state, snap.index, snap.count, snap.remaining) == (State.PAUSED, 2, 4, pytest.approx(4 * MIN, abs=0.1))
    assert next_start.current_page() == "session"
    page = next_start.page("session")
    assert page.step_of.text() == "Step 3 of 4"
    assert page.sleep_banner.text() == "Continuing from step 3 of 4; 4 min left on it."
    assert store.session(sid).status == "running" and store.count() == 1

    assert page.toggle_button.text() == "Resume"
    qtbot.mouseClick(page.toggle_button, Qt.MouseButton.LeftButton)
    assert controller.engine.state is State.RUNNING
    next_start.fake_clock.advance(4 * MIN + 0.01)
    controller._on_timer()
    assert controller.engine.index == 3
    steps = store.steps(sid)
    assert [(s.seq, s.step_index, s.outcome) for s in steps][-3:] == [
        (3, 2, "interrupted"),
        (4, 2, "completed"),
        (5, 3, "running"),
    ]
    assert steps[3].active_seconds == pytest.approx(4 * MIN, abs=0.1)


def test_the_notice_offers_no_continuation_when_the_protocol_lost_the_step(
    qtbot,  # noqa: ANN001
    main_window,  # noqa: ANN001
    next_start,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
    store: Store,
) -> None:
    sid = run_to_step_3(main_window)
    quit_and_continue_later(main_window)
    store.conn.execute("UPDATE step_runs SET step_id='no-such-step' WHERE session_id=? AND seq=3", (sid,))
    shown = click_in_notice(monkeypatch, "Keep it")
    next_start.show_notices([])
    ((buttons, default, text),) = shown
    assert "Continue it" not in buttons and default == "Keep it"
    assert "cannot be continued from where it stopped" in text
    assert next_start.controller.engine is None
    assert store.session(sid).status == "interrupted"


# ------------------------------------------------------------------ History


def test_history_continues_an_interrupted_session(qtbot, main_window, next_start, store: Store) -> None:  # noqa: ANN001
    sid = run_to_step_3(main_window)
    quit_and_continue_later(main_window)
    next_start.show_page("history")
    history = next_start.page("history")
    history._select_row(0)  # the only session
    detail = history.detail
    assert detail.session.id == sid and detail.continue_button.isVisibleTo(detail)
    qtbot.mouseClick(detail.continue_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert next_start.current_page() == "session"
    snap = next_start.controller.snapshot()
    assert (snap.state, snap.index) == (State.PAUSED, 2)
    next_start.show_page("history")  # it reads the log again: running, continued
    assert history.detail.session.status == "running"
    assert not detail.continue_button.isVisibleTo(detail)
    assert detail.changes.text().startswith("Continued on ")
