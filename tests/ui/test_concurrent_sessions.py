"""Two sessions at once in the real window, on a fake clock: the strip, switching, background cues, finishing.

Anna's session starts; Boris's starts while hers runs. The strip shows both; W and a click
switch; Anna's cue and step end come while Boris is on screen, said with her name; Boris
finishes and his summary closes: the page shows Anna again. The log holds both, apart.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from massage_timer.core.protocols.format import LoadedProtocol
from massage_timer.core.session.events import State
from massage_timer.ui.pages.setup import SetupResult

MIN = 60


def protocol(make_protocol, pid: str, first: str, second: str, cue: str | None = None) -> LoadedProtocol:  # noqa: ANN001
    """Two timed steps that move on by themselves; a cue at half of the first if ``cue``."""
    step1 = {
        "id": "first",
        "title": "First step",
        "instructions": "Do the first thing.",
        "duration": {"min": "30s", "default": first, "max": "10m"},
    }
    if cue:
        step1["cues"] = [{"at": "50%", "text": cue}]
    step2 = {
        "id": "second",
        "title": "Second step",
        "instructions": "Do the second thing.",
        "duration": {"min": "30s", "default": second, "max": "10m"},
    }
    return LoadedProtocol(make_protocol(id=pid, title=f"Routine {pid}", steps=[step1, step2]), Path(f"{pid}.toml"))


def start(window, loaded: LoadedProtocol, person: str) -> None:  # noqa: ANN001
    window.start_from_setup(loaded, SetupResult(person, "", None, "acute", None, {}, None))


def advance(window, seconds: float, every: float = 1.0) -> None:  # noqa: ANN001
    """Let time pass, looking at the clock as the controller's timer would (at most ``every`` apart)."""
    left = seconds
    while left > 1e-9:
        one = min(every, left)
        window.fake_clock.advance(one)
        window.controller._on_timer()
        left -= one


@pytest.fixture
def two(qtbot, main_window, make_protocol):  # noqa: ANN001, ANN201
    """Anna's session 10 s into its 2 min step (cue at 1 min), and Boris's just started on screen."""
    window = main_window
    window.cues.speech_delay_ms = 0  # speak at once: nothing here waits for real time
    heard: list[tuple[str, str, str, str]] = []
    window.controller.background_event.connect(lambda *args: heard.append(args))
    start(window, protocol(make_protocol, "anna-routine", "2m", "1m", cue="turn the client over"), "Anna")
    window.controller.toggle()
    anna = window.controller.current_key
    advance(window, 10)
    start(window, protocol(make_protocol, "boris-routine", "1m", "30s"), "Boris")
    window.controller.toggle()
    boris = window.controller.current_key
    # The window closes at teardown (before this fixture ends): no question about the sessions then.
    window.choose = lambda _parent, _title, _text, choices: list(choices).index("Quit and continue later")
    yield window, anna, boris, heard
    while window.controller.engine is not None:
        window.controller.discard()


def test_starting_a_second_session_keeps_the_first_running(two) -> None:  # noqa: ANN001
    window, anna, boris, _heard = two
    controller = window.controller
    assert anna != boris and controller.current_key == boris
    assert [s.label for s in controller.sessions()] == ["Anna", "Boris"]
    assert controller.manager.get(anna).engine.state is State.RUNNING
    page = window.page("session")
    assert window.current_page() == "session" and page.mode() == page.RUNNING
    assert page.strip.isVisible()
    names = [chip.name.full_text() for chip in page.strip.chips()]
    assert names == ["Anna", "Boris"]
    chip_a, chip_b = page.strip.chips()
    assert chip_a.status.full_text() == "Step 1 of 2 · 01:50 left"
    assert chip_b.status.full_text() == "Step 1 of 2 · 01:00 left"
    assert chip_b.property("current") and not chip_a.property("current")
    assert window.session_hint.text() == "2 sessions running"


def test_switching_by_key_and_by_click(qtbot, two) -> None:  # noqa: ANN001
    window, anna, boris, _heard = two
    page = window.page("session")
    qtbot.keyClick(window, Qt.Key.Key_W)
    assert window.controller.current_key == anna
    assert page.title.text() == "First step" and page.clock_text() == "01:50"
    assert page.strip.chip(anna).property("current")
    # Keys act on the session on screen: Space pauses Anna's, not Boris's.
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.controller.manager.get(anna).engine.state is State.PAUSED
    assert window.controller.manager.get(boris).engine.state is State.RUNNING
    assert page.strip.chip(anna).status.full_text() == "Step 1 of 2 · paused"
    qtbot.mouseClick(page.strip.chip(boris), Qt.MouseButton.LeftButton)
    assert window.controller.current_key == boris and page.clock_text() == "01:00"


def test_a_background_cue_and_step_end_say_whose_they_are(two) -> None:  # noqa: ANN001
    window, anna, _boris, heard = two
    page = window.page("session")
    advance(window, 50)  # Anna at 60 s: her cue; Boris is still on screen
    assert [h[2:] for h in heard] == [("cue", "Anna: turn the client over")]
    assert "Anna: turn the client over" in window.cues.spoken
    assert page.strip.chip(anna).property("attention")
    assert page.strip.notice_text() == "Anna: turn the client over"
    advance(window, 60)  # Anna's first step ends at 120 s
    assert heard[-1][2:] == ("step_ended", "Anna: First step is done. Next: Second step.")
    assert window.cues.played[-1] == "step_end"
    # Looking at her session clears the mark.
    window.controller.switch_to(anna)
    assert not page.strip.chip(anna).property("attention") and page.strip.notice_text() == ""


def test_the_cue_of_the_session_on_screen_says_whose_it_is_too(qtbot, two) -> None:  # noqa: ANN001
    window, anna, _boris, _heard = two
    page = window.page("session")
    qtbot.keyClick(window, Qt.Key.Key_W)
    assert window.controller.current_key == anna
    advance(window, 50)
    assert page.cue_banner.text() == "Anna: turn the client over"
    assert "Anna: turn the client over" in window.cues.spoken


def test_closing_a_finished_session_shows_the_other_and_the_log_keeps_both(qtbot, two, store) -> None:  # noqa: ANN001
    window, anna, boris, heard = two
    page = window.page("session")
    controller = window.controller
    boris_id = controller.session_id
    advance(window, 91)  # Boris: 1 min + 30 s, finished; Anna at 101 s
    assert controller.current_key == boris and page.mode() == page.FINISHED
    assert controller.manager.get(anna).engine.state is State.RUNNING
    assert page.strip.chip(boris).status.full_text() == "Finished — notes to save"
    advance(window, 1)
    qtbot.mouseClick(page.finish.close_button, Qt.MouseButton.LeftButton)
    assert controller.current_key == anna and boris not in controller.manager
    assert window.current_page() == "session" and page.mode() == page.RUNNING
    assert page.title.text() == "First step" and not page.strip.isVisible()  # one session left
    anna_id = controller.session_id
    advance(window, 90)  # Anna: 2 min + 1 min, finished on screen
    assert page.mode() == page.FINISHED and not [h for h in heard if h[2] == "finished"]
    rows = {sid: store.session(sid) for sid in (anna_id, boris_id)}
    assert store.count() == 2
    assert {rows[anna_id].person, rows[boris_id].person} == {"Anna", "Boris"}
    assert rows[anna_id].status == rows[boris_id].status == "completed"
    assert [s.step_id for s in store.steps(anna_id)] == ["first", "second"]
    assert [s.step_id for s in store.steps(boris_id)] == ["first", "second"]
    assert [round(s.active_seconds) for s in store.steps(anna_id)] == [120, 60]
    assert [round(s.active_seconds) for s in store.steps(boris_id)] == [60, 30]


def test_quitting_keeps_every_session_for_later(two, store) -> None:  # noqa: ANN001
    window, anna, boris, _heard = two
    ids = [window.controller.manager.get(k).recorder.session_id for k in (anna, boris)]
    asked = []

    def choose(_parent, _title, text, choices):  # noqa: ANN001, ANN202
        asked.append(text)
        return list(choices).index("Quit and continue later")

    window.choose = choose
    window.close()
    assert not window.isVisible() and "2 sessions are running" in asked[0]
    assert [store.session(sid).status for sid in ids] == ["interrupted", "interrupted"]


def test_several_interrupted_sessions_can_each_be_continued_at_the_next_start(
    qtbot,  # noqa: ANN001
    main_window,  # noqa: ANN001
    data_dir,  # noqa: ANN001
    settings,  # noqa: ANN001
    store,  # noqa: ANN001
    library,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from massage_timer.core.clock import FakeClock
    from massage_timer.ui.main_window import MainWindow
    from massage_timer.ui.services.cues import CuePlayer
    from massage_timer.ui.session_controller import SessionController

    window = main_window
    loaded = library.get("classic-relaxing")  # lie down (untimed), 3 min, 5 min, 2 min
    ids = []
    for person in ("Anna", "Boris"):
        start(window, loaded, person)
        window.controller.toggle()
        window.controller.next()  # step 2 of 4: 3 min
        advance(window, 30)
        ids.append(window.controller.session_id)
    window.choose = lambda _parent, _title, _text, choices: list(choices).index("Quit and continue later")
    window.close()
    assert [store.session(sid).status for sid in ids] == ["interrupted", "interrupted"]

    clock = FakeClock(start_wall=window.fake_clock.wall() + 600)
    controller = SessionController(clock)
    again = MainWindow(
        data_dir, settings, store, library, controller=controller, cues=CuePlayer(settings, speech_engine="mock")
    )

    def close_all(w) -> None:  # noqa: ANN001
        while w.controller.engine is not None:
            w.controller.discard()

    qtbot.addWidget(again, before_close_func=close_all)
    again.resize(1280, 800)
    again.show()
    shown: list[list[str]] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append([b.text() for b in box.buttons()])
        next(b for b in box.buttons() if b.text() == "Continue it").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    again.show_notices([])
    assert len(shown) == 2 and all("Continue it" in buttons for buttons in shown)  # the second too
    assert sorted(s.label for s in controller.sessions()) == ["Anna", "Boris"]  # the notices come newest first
    assert [s.engine.state for s in controller.sessions()] == [State.PAUSED, State.PAUSED]
    assert [s.engine.index for s in controller.sessions()] == [1, 1]
    assert [store.session(sid).status for sid in ids] == ["running", "running"]
    page = again.page("session")
    assert page.strip.isVisible() and len(page.strip.chips()) == 2
