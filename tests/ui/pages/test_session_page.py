"""The Session page driven through its keys and buttons, with a fake clock.

Time never passes for real here: a test moves the FakeClock and asks the
controller to look at it (what its single-shot timer would do).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QHBoxLayout, QListWidget, QMainWindow, QWidget

from massage_timer.core.clock import FakeClock
from massage_timer.core.durations import format_clock
from massage_timer.core.log import SessionInfo, Store
from massage_timer.core.protocols.library import load_library
from massage_timer.core.resources import ResourceError
from massage_timer.core.session.events import Snapshot, State
from massage_timer.core.session.plan import build_plan
from massage_timer.ui.pages.session import SessionPage
from massage_timer.ui.pages.session.wording import about_minutes
from massage_timer.ui.services import cues as cues_module
from massage_timer.ui.services.cues import CuePlayer, spoken_duration
from massage_timer.ui.services.keep_awake import KeepAwake
from massage_timer.ui.session_controller import SessionController
from massage_timer.ui.settings import Settings
from massage_timer.ui.widgets.basics import reflow

LIBRARY = load_library(None)
PROTOCOL_CASES = [
    pytest.param(loaded.protocol.id, variant, id=f"{loaded.protocol.id}-{variant or 'main'}")
    for loaded in LIBRARY.protocols
    for variant in ([v.id for v in loaded.protocol.variants] or [None])
]

Key = Qt.Key
Mod = Qt.KeyboardModifier


# ------------------------------------------------------------------ rig


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "settings.ini")


@pytest.fixture
def cue_player(settings: Settings) -> CuePlayer:
    player = CuePlayer(settings, speech_engine="mock")
    player.speech_delay_ms = 0  # speak at once: nothing in these tests waits for real time
    return player


def _no_question(*args: object) -> bool:
    raise AssertionError(f"an unexpected question was asked: {args[1:3]}")


@dataclass
class Rig:
    qtbot: object
    window: QMainWindow
    sidebar: QListWidget
    page: SessionPage
    controller: SessionController
    clock: FakeClock
    store: Store
    cues: CuePlayer
    questions: list[str] = field(default_factory=list)

    def advance(self, seconds: float) -> None:
        """Let real time pass, then let the controller look at the clock."""
        self.clock.advance(seconds)
        self.controller._on_timer()

    def key(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Mod.NoModifier) -> None:
        self.qtbot.keyClick(self.window, key, modifier)  # type: ignore[attr-defined]

    def snap(self) -> Snapshot:
        snap = self.controller.snapshot()
        assert snap is not None
        return snap

    def answer(self, yes: bool) -> None:
        def confirm(_parent: QWidget, title: str, _text: str, _yes: str, _no: str) -> bool:
            self.questions.append(title)
            return yes

        self.page.confirm = confirm


@pytest.fixture
def make_rig(
    qtbot, fake_clock: FakeClock, store: Store, settings: Settings, cue_player: CuePlayer
) -> Iterator[Callable[..., Rig]]:
    rigs: list[Rig] = []

    def make(protocol_id: str = "cupping-static", variant: str | None = None, side: str = "both") -> Rig:
        loaded = LIBRARY.get(protocol_id)
        assert loaded is not None, f"built-in protocol {protocol_id} is missing"
        window = QMainWindow()
        central = QWidget()
        layout = QHBoxLayout(central)
        sidebar = QListWidget()
        sidebar.addItems(["Protocols", "Session", "History"])
        sidebar.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout.addWidget(sidebar)
        controller = SessionController(fake_clock, window)
        page = SessionPage(controller, settings, cue_player, store)
        page.confirm = _no_question
        layout.addWidget(page, 1)
        window.setCentralWidget(central)
        window.resize(1024, 700)
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        plan = build_plan(loaded.protocol, variant, side if loaded.protocol.has_sides else None)
        info = SessionInfo(
            protocol_id,
            loaded.protocol.title,
            "Anna",
            len(plan),
            variant=variant,
            side=side,
            pain_before=6,
        )
        controller.begin(loaded, plan, info, store, warn_seconds=10)
        rig = Rig(qtbot, window, sidebar, page, controller, fake_clock, store, cue_player)
        rigs.append(rig)
        return rig

    yield make
    for rig in rigs:
        rig.page.release()
        rig.controller.discard()


def _go_to_step(rig: Rig, step_id: str) -> None:
    """Press N until the step ``step_id`` runs (a bounded number of times)."""
    for _ in range(len(rig.controller.engine.plan)):
        if rig.snap().planned.step.id == step_id:
            return
        rig.key(Key.Key_N)
    assert rig.snap().planned.step.id == step_id, "the N key did not reach the step"


# ------------------------------------------------------------------ full sessions


def _exercise_timed_step(rig: Rig) -> None:
    """Countdown, pause/resume, +30/-30 clamped to the range, on the current timed step."""
    page, snap = rig.page, rig.snap()
    planned = snap.planned
    assert planned is not None and planned.planned is not None
    total = planned.planned
    rig.advance(7)
    assert page.clock_text() == format_clock(total - 7)
    assert page.ring.caption() == "left"

    rig.key(Key.Key_Space)  # pause
    assert rig.snap().state is State.PAUSED
    assert page.toggle_button.text() == ("Resume guidance" if planned.body_timer else "Resume")
    if planned.body_timer:
        # Time on the body goes on: Pause holds only the guidance, the countdown keeps moving.
        rig.advance(5)
        assert page.clock_text() == format_clock(total - 12), "time on the body must not pause"
    else:
        rig.advance(120)
        assert page.clock_text() == format_clock(total - 7), "a paused countdown must not move"
    rig.key(Key.Key_Space)  # resume
    assert rig.snap().state is State.RUNNING
    assert page.toggle_button.text() == ("Pause guidance" if planned.body_timer else "Pause")

    # + is clamped at the step's maximum ...
    for _ in range(math.ceil((planned.max - total) / 30) + 2):
        rig.key(Key.Key_Plus)
    assert rig.controller.engine.runs[-1].planned == planned.max
    assert "longest" in page.notice.text()
    # ... and - at its minimum (or at the time already spent).
    for _ in range(math.ceil((planned.max - planned.min) / 30) + 2):
        rig.key(Key.Key_Minus)
    assert rig.controller.engine.runs[-1].planned == max(planned.min, 7)
    left = rig.snap().remaining
    assert page.clock_text() == format_clock(math.ceil(left))


def _drive_to_end(rig: Rig) -> dict[str, int]:
    """Go through every remaining step by the keys; returns what was seen."""
    seen = {"waiting": 0, "untimed": 0, "cues": 0, "timed": 0}
    page = rig.page
    for _ in range(300):
        snap = rig.controller.snapshot()
        if snap is None or snap.state in (State.FINISHED, State.STOPPED):
            break
        planned = snap.planned
        assert planned is not None
        if snap.state is State.WAITING:
            seen["waiting"] += 1
            assert page.clock_text() == "+00:00"
            assert page.ring.caption() == "Time is up"
            assert "Time is up" in page.wait_banner.text()
            assert rig.cues.played[-1] == "step_end"
            rig.advance(75)
            assert rig.snap().state is State.WAITING, "a waiting step waits for the caregiver"
            assert page.clock_text() == "+01:15"
            rig.key(Key.Key_N)
        elif planned.timed:
            seen["timed"] += 1
            total = planned.planned
            elapsed = 0.0
            for cue in planned.step.cues:
                at = cue.offset(float(total)) + 0.5
                if at > elapsed:
                    rig.advance(at - elapsed)
                    elapsed = at
                assert page.cue_banner.text() == cue.text
                assert rig.cues.played[-1] == "mid"
                assert cue.text in rig.cues.spoken
                seen["cues"] += 1
            index = snap.index
            rig.advance(rig.snap().remaining or 0)
            after = rig.snap()
            assert after.state is State.WAITING or after.index != index or after.state is State.FINISHED
        else:
            seen["untimed"] += 1
            assert page.ring.caption() == "Stopwatch"
            rig.advance(4)
            assert page.clock_text() == "00:04"
            assert page.next_button.text() in ("Done", "Finish")
            rig.key(Key.Key_Return)
    return seen


@pytest.mark.parametrize(("protocol_id", "variant"), PROTOCOL_CASES)
def test_full_session_of_every_builtin_protocol(make_rig, protocol_id: str, variant: str | None) -> None:
    rig = make_rig(protocol_id, variant)
    page = rig.page
    plan = rig.controller.engine.plan
    assert page.mode() == SessionPage.RUNNING
    assert page.toggle_button.text() == "Start"
    assert page.step_of.text() == f"Step 1 of {len(plan)}"
    assert page.illustration.path() is not None

    rig.key(Key.Key_Space)  # start
    assert rig.snap().state is State.RUNNING
    sid = rig.controller.session_id
    assert sid is not None and rig.store.session(sid).status == "running"

    # Untimed first steps are confirmed with Return (Done); the first timed step is exercised.
    if not plan[0].timed:
        assert page.next_button.text() == "Done"
    for _ in range(len(plan)):
        if rig.snap().planned.timed:
            break
        rig.key(Key.Key_Return)
    assert rig.snap().planned.timed
    index = rig.snap().index
    _exercise_timed_step(rig)

    # Previous, then Next again.
    rig.key(Key.Key_B)
    assert rig.snap().index == max(0, index - 1)
    rig.key(Key.Key_Left)
    assert rig.snap().index == max(0, index - 2)
    for _ in range(2):
        if rig.snap().index < index:
            rig.key(Key.Key_Right)
    assert rig.snap().index == index

    seen = _drive_to_end(rig)
    assert seen["timed"] >= 1

    # The finish panel, and the log written while the session ran.
    assert page.mode() == SessionPage.FINISHED
    assert page.finish.title.text() == "Session complete"
    assert not page.shortcuts_enabled()
    runs = rig.controller.engine.runs
    assert page.finish.table.rowCount() == len(runs)
    row = rig.store.session(sid)
    assert row.status == "completed"
    steps = rig.store.steps(sid)
    assert [s.step_id for s in steps] == [r.step_id for r in runs]
    assert {p.step.id for p in plan} <= {s.step_id for s in steps if s.outcome == "completed"}
    assert all(s.outcome in ("completed", "skipped") for s in steps)

    # Where the protocol has them: waiting steps waited, cues fired, untimed steps were confirmed.
    expect_wait = any(p.timed and p.waits for p in plan)
    assert (seen["waiting"] > 0) == expect_wait
    expect_cues = any(p.step.cues for p in plan[index:])
    assert (seen["cues"] > 0) == expect_cues


def test_waiting_step_rings_flashes_and_speaks(make_rig) -> None:
    rig = make_rig("cupping-static")
    rig.key(Key.Key_Space)
    _go_to_step(rig, "cover-and-wait")
    flashes = rig.page.flash.flashes
    rig.advance(rig.snap().remaining)
    assert rig.snap().state is State.WAITING
    assert rig.cues.played[-1] == "step_end"
    assert rig.page.flash.flashes == flashes + 1
    assert rig.cues.spoken[-1] == "Time is up. Next: Light soothing massage with stroking."
    assert rig.page.wait_banner.text() == "Time is up — press Next to go on: Light soothing massage with stroking"
    assert rig.page.next_button.property("session") == "main"
    assert not rig.page.toggle_button.isEnabled()


def test_step_end_announces_the_next_step(make_rig) -> None:
    rig = make_rig("honey")
    rig.key(Key.Key_Space)
    assert rig.cues.spoken[-1].startswith("Starting: ")
    rig.key(Key.Key_N)  # apply honey done -> absorb (2m 30s)
    assert rig.cues.spoken[-1] == f"Next: {rig.snap().planned.title}. 2 minutes 30 seconds."
    played = len(rig.cues.played)
    rig.advance(rig.snap().remaining)
    assert rig.cues.played[played:][-1] == "step_end"
    assert rig.page.flash.flashes >= 1
    assert rig.cues.spoken[-1].startswith("Next: ")
    assert rig.cues.spoken[-1].endswith("Press Done when ready.")


def test_seconds_left_cue(make_rig) -> None:
    rig = make_rig("cupping-static")
    rig.key(Key.Key_Space)
    total = rig.snap().planned.planned
    rig.advance(total - 10)
    assert rig.cues.played[-1] == "seconds_left"
    assert rig.page.ring.tone() == "soon"


def test_mid_step_cue_shows_banner_and_changes_picture(make_rig) -> None:
    rig = make_rig("cupping-dynamic")
    rig.key(Key.Key_Space)
    _go_to_step(rig, "move-cup")
    first = rig.page.illustration.path()
    cue = rig.snap().planned.step.cues[0]
    rig.advance(cue.offset(float(rig.snap().planned.planned)) + 1)
    assert rig.page.cue_banner.text() == cue.text
    assert rig.cues.played[-1] == "mid"
    assert rig.page.illustration.path() != first
    assert rig.page.illustration.path().name == Path(cue.image).name


# ------------------------------------------------------------------ keys


def test_shortcuts_work_while_focus_is_elsewhere(make_rig) -> None:
    rig = make_rig("cupping-static")
    rig.sidebar.setFocus()
    assert QApplication.focusWidget() is rig.sidebar
    rig.qtbot.keyClick(rig.sidebar, Key.Key_Space)
    assert rig.snap().state is State.RUNNING
    rig.qtbot.keyClick(rig.sidebar, Key.Key_Equal)  # add 30 s
    assert rig.controller.engine.runs[-1].planned == 180 + 30
    rig.qtbot.keyClick(rig.sidebar, Key.Key_Right)
    assert rig.snap().index == 1
    rig.qtbot.keyClick(rig.sidebar, Key.Key_Left)
    assert rig.snap().index == 0
    rig.page.next_button.setFocus()
    rig.qtbot.keyClick(rig.page.next_button, Key.Key_Space)
    assert rig.snap().state is State.PAUSED, "Space pauses even with a button focused"
    assert rig.sidebar.currentRow() in (-1, 0), "the arrow keys went to the session, not the list"


def test_countdown_shows_the_right_time(make_rig) -> None:
    rig = make_rig("cupping-static")  # first step: 3 minutes
    assert rig.page.clock_text() == "03:00"
    rig.key(Key.Key_Space)
    rig.advance(0.4)
    assert rig.page.clock_text() == "03:00"
    rig.advance(0.7)  # 1.1 s gone: 178.9 s left, shown rounded up
    assert rig.page.clock_text() == "02:59"
    rig.advance(61)
    assert rig.page.clock_text() == "01:58"
    assert rig.page.ring.fraction() == pytest.approx(62.1 / 180, abs=0.001)


def test_ctrl_plus_goes_beyond_the_range_after_asking(make_rig) -> None:
    rig = make_rig("cupping-static")  # warm-up: 2m-5m, default 3m
    rig.key(Key.Key_Space)
    for _ in range(4):
        rig.key(Key.Key_Plus)
    assert rig.controller.engine.runs[-1].planned == 300
    rig.answer(False)
    rig.key(Key.Key_Plus, Mod.ControlModifier)
    assert rig.questions == ["Go beyond the step's range?"]
    assert rig.controller.engine.runs[-1].planned == 300
    rig.answer(True)
    rig.key(Key.Key_Plus, Mod.ControlModifier)
    run = rig.controller.engine.runs[-1]
    assert run.planned == 330 and run.overridden
    assert "beyond" in rig.page.notice.text()
    # Ctrl+- below the minimum, also after asking.
    for _ in range(8):
        rig.key(Key.Key_Minus)
    assert rig.controller.engine.runs[-1].planned == 120
    rig.key(Key.Key_Minus, Mod.ControlModifier)
    assert rig.controller.engine.runs[-1].planned == 90
    assert rig.questions[-1] == "Go beyond the step's range?"


def test_escape_stops_after_confirmation(make_rig) -> None:
    rig = make_rig("acupressure", side="left")
    rig.key(Key.Key_Space)
    rig.key(Key.Key_N)
    rig.advance(20)
    rig.answer(False)
    rig.key(Key.Key_Escape)
    assert rig.questions == ["Stop the session?"]
    assert rig.snap().state is State.RUNNING
    rig.answer(True)
    rig.key(Key.Key_Escape)
    assert rig.page.mode() == SessionPage.FINISHED
    assert rig.page.finish.title.text() == "Session stopped"
    sid = rig.controller.session_id
    assert rig.store.session(sid).status == "stopped"
    outcomes = [s.outcome for s in rig.store.steps(sid)]
    assert outcomes == ["completed", "stopped"]
    assert "marked as stopped" in rig.page.finish.saved_note.text()


def test_escape_before_start_leaves_without_saving(make_rig) -> None:
    rig = make_rig("honey")
    closed = []
    rig.page.closed.connect(lambda: closed.append(True))
    rig.answer(True)
    rig.key(Key.Key_Escape)
    assert rig.questions == ["Leave this session?"]
    assert closed == [True]
    assert rig.page.mode() == SessionPage.EMPTY
    assert rig.controller.engine is None
    assert rig.store.count() == 0


def test_focus_mode_shows_step_of_title_first_line_next_step_and_keys(make_rig) -> None:
    rig = make_rig("cupping-static")
    changes: list[bool] = []
    rig.page.focus_mode_changed.connect(changes.append)
    rig.key(Key.Key_Space)
    rig.key(Key.Key_F11)
    page = rig.page
    assert page.focus_mode() and changes == [True]
    assert rig.window.isFullScreen()
    for shown in (page.ring, page.title, page.buttons_row, page.step_of, page.focus_line, page.next_label):
        assert shown.isVisible()
    assert page.step_of.text() == f"Step 1 of {rig.snap().count}"
    assert page.focus_line.text() == "The patient lies on the stomach."
    assert page.next_label.text().startswith("Next: ")
    keys = page.focus_keys.text()
    assert page.focus_keys.isVisible() and "Space start / pause" in keys and "F11 leave" in keys
    for hidden in (page.illustration, page.instructions_area, page.suggested):
        assert not hidden.isVisible()
    # Readable from two metres: the first line is about 4 % of the screen's height.
    height = rig.window.height()
    assert abs(page.focus_line.fontInfo().pixelSize() - 0.04 * height) <= 2
    rig.key(Key.Key_Escape)  # leaves focus mode, does not stop
    assert not page.focus_mode() and changes == [True, False]
    assert not rig.window.isFullScreen()
    assert rig.snap().state is State.RUNNING
    assert page.illustration.isVisible() and page.instructions_area.isVisible()
    assert not page.focus_line.isVisible() and not page.focus_keys.isVisible()


@pytest.mark.parametrize(
    ("size", "scale", "at_least"), [((1280, 800), 100, 24), ((1920, 1080), 100, 32), ((1280, 800), 200, 36)]
)
def test_instruction_text_follows_the_window_and_the_text_size(make_rig, size, scale, at_least) -> None:
    rig = make_rig("cupping-static")
    rig.page.settings.set("text_scale", scale)
    rig.window.resize(*size)
    rig.window.show()
    QApplication.processEvents()
    assert rig.page.instructions.fontInfo().pixelSize() >= at_least


# ------------------------------------------------------------------ sleep, keep awake


def test_sleep_banner_after_suspend(make_rig) -> None:
    rig = make_rig("cupping-static")
    rig.key(Key.Key_Space)
    _go_to_step(rig, "cover-and-wait")
    rig.advance(60)
    assert rig.page.sleep_banner.text() == ""
    rig.clock.suspend(600)
    rig.controller.engine.poll()
    text = rig.page.sleep_banner.text()
    assert text.startswith("The computer was asleep for 10 min. The timer kept counting real time:")
    assert "the current step has 4 min left" in text
    rig.clock.suspend(1800)
    rig.controller.engine.poll()
    assert "asleep for 30 min" in rig.page.sleep_banner.text()
    assert "this step's time is up" in rig.page.sleep_banner.text()
    rig.page.sleep_banner.dismiss.click()
    assert rig.page.sleep_banner.text() == ""


def test_sleep_through_several_steps(make_rig) -> None:
    rig = make_rig("honey")
    rig.key(Key.Key_Space)
    rig.key(Key.Key_N)  # the 2m30s absorb step
    rig.clock.suspend(1800)
    rig.controller.engine.poll()
    assert "1 step ended meanwhile" in rig.page.sleep_banner.text()


def test_display_kept_awake_from_start_to_finish(make_rig) -> None:
    rig = make_rig("honey")
    calls: list[str] = []

    class Recorder(KeepAwake):
        def inhibit(self, reason: str = "") -> bool:
            calls.append("inhibit")
            return True

        def release(self) -> None:
            calls.append("release")

    rig.page.keep_awake = Recorder()
    rig.key(Key.Key_Space)
    assert calls == ["inhibit"]
    rig.answer(True)
    rig.key(Key.Key_Escape)
    assert calls[:2] == ["inhibit", "release"]


def test_keep_awake_never_raises() -> None:
    awake = KeepAwake()
    ok = awake.inhibit("test")
    assert ok == awake.active
    if not ok:
        assert awake.why_not, "a refusal must say why"
    awake.release()
    awake.release()
    assert not awake.active


# ------------------------------------------------------------------ finishing


def _finish_quickly(rig: Rig) -> str:
    rig.key(Key.Key_Space)
    for _ in range(100):
        if rig.page.mode() == SessionPage.FINISHED:
            break
        snap = rig.snap()
        if snap.planned.timed and snap.state is State.RUNNING:
            rig.advance(snap.remaining)
        else:
            rig.key(Key.Key_N)
    sid = rig.controller.session_id
    assert sid is not None
    return sid


def test_finish_panel_saves_pain_and_notes(make_rig) -> None:
    rig = make_rig("honey")
    sid = _finish_quickly(rig)
    page = rig.page
    assert "already saved in your history" in page.finish.saved_note.text()
    assert "Before the session: 6" in page.finish.pain_hint.text()
    assert not page.shortcuts_enabled()
    # Typing notes is not taken by the session keys (space, n, b, +, -).
    page.finish.notes.setFocus()
    rig.qtbot.keyClicks(page.finish.notes, "Warm, no pain + calm - n b")
    assert page.finish.notes.toPlainText() == "Warm, no pain + calm - n b"
    page.finish.pain_buttons[3].click()
    assert page.finish.close_button.text() == "Discard notes"
    saved: list[str] = []
    page.saved.connect(saved.append)
    rig.qtbot.mouseClick(page.finish.save_button, Qt.MouseButton.LeftButton)
    assert saved == [sid]
    row = rig.store.session(sid)
    assert row.pain_after == 3
    assert row.notes == "Warm, no pain + calm - n b"
    assert row.status == "completed"
    assert page.mode() == SessionPage.EMPTY
    assert "Saved" in page.empty_note.text()


def test_finish_panel_not_rated_and_close(make_rig) -> None:
    rig = make_rig("honey")
    sid = _finish_quickly(rig)
    page = rig.page
    page.finish.pain_buttons[7].click()
    page.finish.not_rated.click()
    assert page.finish.pain() is None
    closed: list[bool] = []
    page.closed.connect(lambda: closed.append(True))
    page.finish.close_button.click()  # nothing entered: no question
    assert closed == [True]
    assert rig.store.session(sid).pain_after is None
    assert page.mode() == SessionPage.EMPTY


def test_finish_table_lists_each_run(make_rig) -> None:
    rig = make_rig("cupping-static")
    rig.key(Key.Key_Space)
    rig.key(Key.Key_Space)
    rig.advance(30)  # paused 30 s
    rig.key(Key.Key_Space)
    rig.key(Key.Key_Plus)
    rig.advance(10)
    rig.answer(True)
    rig.key(Key.Key_Escape)
    table = rig.page.finish.table
    cells = [table.item(0, c).text() for c in range(table.columnCount())]
    assert cells[0] == rig.controller.engine.runs[0].title
    assert cells[1] == "03:30 (was 03:00)"
    assert cells[2] == "00:10"
    assert cells[3] == "00:30"
    assert cells[4] == "+00:30 in 1 change"
    assert cells[5] == "Stopped"


def test_empty_state_without_session(qtbot, settings: Settings, cue_player: CuePlayer) -> None:
    page = SessionPage(SessionController(FakeClock()), settings, cue_player, None)
    qtbot.addWidget(page)
    page.show()
    assert page.mode() == SessionPage.EMPTY
    assert "No session yet" in page.empty_title.text()
    assert "Protocols page" in page.empty_text.text()
    assert not page.shortcuts_enabled()


# ------------------------------------------------------------------ cues


def test_mock_speech_speaks_and_reports(qtbot, settings: Settings) -> None:
    player = CuePlayer(settings, speech_engine="mock")
    player.speech_delay_ms = 0
    sound_ok, sound_reason, speech_ok, speech_reason = player.status()
    assert isinstance(sound_ok, bool) and sound_reason
    assert speech_ok, speech_reason
    assert "ready" in speech_reason
    voices = player.voices()
    assert voices
    settings.set("voice_name", voices[-1])
    assert player._tts.voice().name() == voices[-1]
    settings.set("voice_rate", 0.5)
    assert player._tts.rate() == pytest.approx(0.5)
    player.speak("Next: Place the jars. 15 minutes.")
    assert player.spoken == ["Next: Place the jars. 15 minutes."]
    settings.set("voice_enabled", False)
    player.speak("not said")
    assert player.spoken == ["Next: Place the jars. 15 minutes."]


def test_missing_speech_engine_is_explained(qtbot, settings: Settings) -> None:
    player = CuePlayer(settings, speech_engine="no-such-engine")
    _, _, speech_ok, reason = player.status()
    assert not speech_ok
    assert "not installed" in reason
    player.speak("nothing happens")
    assert player.voices() == []


class _FakeDevice:
    def description(self) -> str:
        return "Test speakers"


@pytest.fixture
def beeps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: calls.append(1)))
    return calls


def test_no_audio_device_falls_back_to_beep(qtbot, settings, beeps, monkeypatch) -> None:
    from PySide6.QtMultimedia import QMediaDevices

    monkeypatch.setattr(QMediaDevices, "audioOutputs", staticmethod(lambda: []))
    player = CuePlayer(settings, speech_engine="mock")
    sound_ok, reason, _, _ = player.status()
    assert not sound_ok
    assert reason.startswith("no audio output device was found")
    player.play("step_end")
    player.play("mid")
    assert len(beeps) == 2
    settings.set("sound_enabled", False)
    player.play("seconds_left")
    assert len(beeps) == 2, "sound off means no beep either"


def test_missing_sound_files_fall_back_to_beep(qtbot, settings, beeps, monkeypatch) -> None:
    from PySide6.QtMultimedia import QMediaDevices

    monkeypatch.setattr(QMediaDevices, "audioOutputs", staticmethod(lambda: [_FakeDevice()]))

    def missing(ref: str) -> Path:
        raise ResourceError(f"resource {ref!r} is missing from this installation")

    monkeypatch.setattr(cues_module, "resource_path", missing)
    player = CuePlayer(settings, speech_engine="mock")
    sound_ok, reason, _, _ = player.status()
    assert not sound_ok
    assert "sound files are missing" in reason
    player.play("mid")
    assert beeps == [1]


def test_sound_module_missing_falls_back_to_beep(qtbot, settings, beeps, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)
    player = CuePlayer(settings, speech_engine="mock")
    sound_ok, reason, speech_ok, _ = player.status()
    assert not sound_ok
    assert "sound module could not be loaded" in reason
    assert speech_ok
    player.play("seconds_left")
    assert beeps == [1]


def test_sound_effects_loaded_when_a_device_exists(qtbot, settings, monkeypatch) -> None:
    from PySide6.QtMultimedia import QMediaDevices

    monkeypatch.setattr(QMediaDevices, "audioOutputs", staticmethod(lambda: [_FakeDevice()]))
    settings.set("volume", 50)
    player = CuePlayer(settings, speech_engine="mock")
    sound_ok, reason, _, _ = player.status()
    assert sound_ok, reason
    assert "Test speakers" in reason
    assert set(player._effects) == {"step_end", "mid", "seconds_left"}
    assert player._effects["mid"].volume() == pytest.approx(0.25, abs=0.01)
    settings.set("volume", 100)
    assert player._effects["mid"].volume() == pytest.approx(1.0, abs=0.01)
    with pytest.raises(ValueError):
        player.play("gong")


def test_notify_only_when_window_is_not_active(qtbot, settings, monkeypatch) -> None:
    player = CuePlayer(settings, speech_engine="mock")
    alerts: list[object] = []
    monkeypatch.setattr(QApplication, "alert", staticmethod(lambda w, ms=0: alerts.append(w)))
    window = QMainWindow()
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    player.notify("Time is up", "Remove the jars", window)
    assert alerts == []
    other = QMainWindow()
    qtbot.addWidget(other)
    with qtbot.waitActive(other):
        other.show()
        other.activateWindow()
    player.notify("Time is up", "Remove the jars", window)
    assert alerts == [window]


# ------------------------------------------------------------------ wording


def test_wording_helpers() -> None:
    assert spoken_duration(900) == "15 minutes"
    assert spoken_duration(150) == "2 minutes 30 seconds"
    assert spoken_duration(61) == "1 minute 1 second"
    assert about_minutes(33 * 60 - 20) == "about 33 min"
    assert about_minutes(65 * 60) == "about 1 h 5 min"
    assert about_minutes(30) == "under a minute"
    assert reflow("One line\ncontinues here.\nNew sentence.\n\n- item") == (
        "One line continues here.\nNew sentence.\n\n- item"
    )


def test_no_key_sequence_is_bound_to_two_shortcuts() -> None:
    """Qt fires neither shortcut when one key press matches two: every binding is unique,
    and no binding puts Shift on a symbol key (on US keyboards "+" itself needs Shift)."""
    from PySide6.QtGui import QKeySequence

    from massage_timer.ui.shortcuts import DEFAULT_KEYS, GLOBAL_SHORTCUTS, SESSION_SHORTCUTS

    seen: dict[str, str] = {}
    for sc in SESSION_SHORTCUTS + GLOBAL_SHORTCUTS:
        for key in DEFAULT_KEYS.sequences(sc.action):
            text = QKeySequence(key).toString()
            assert text, f"{key!r} is not a key Qt knows"
            assert text not in seen, f"{key!r} is bound to {seen.get(text)} and {sc.action}"
            seen[text] = sc.action
            if text.startswith("Shift+"):
                assert text[len("Shift+") :].isalnum(), f"{key!r}: Shift with a symbol key cannot be typed everywhere"


def test_keys_after_the_last_step_do_not_land_in_the_notes(make_rig) -> None:
    """A pedal that bounces, or keys pressed once more, after the session ends: nothing is
    typed into the notes and the summary is not saved by accident."""
    rig = make_rig("honey")
    rig.key(Key.Key_Space)
    for _ in range(40):
        if rig.page.mode() == SessionPage.FINISHED:
            break
        snap = rig.snap()
        if snap.planned is not None and snap.planned.timed and snap.state is State.RUNNING:
            rig.advance(snap.remaining + 0.01)
        else:
            rig.advance(5)
            rig.key(Key.Key_Return)
    assert rig.page.mode() == SessionPage.FINISHED
    finish = rig.page.finish
    assert finish.save_button.hasFocus()

    def press(key: Qt.Key) -> None:  # to the focused widget, as a keyboard does
        rig.qtbot.keyClick(QApplication.focusWidget(), key)

    for key in (Key.Key_N, Key.Key_N, Key.Key_Return, Key.Key_Space):
        press(key)
    assert finish.notes.toPlainText() == ""
    assert rig.page.mode() == SessionPage.FINISHED, "a bounce of the last key must not press Save"
    rig.advance(1.0)
    press(Key.Key_Space)  # a deliberate press, later: Save
    assert rig.page.mode() == SessionPage.EMPTY


@pytest.mark.parametrize("sound_ok", [False, True])
def test_a_missing_sound_device_is_said_before_the_session_starts(make_rig, monkeypatch, sound_ok: bool) -> None:  # noqa: ANN001
    from massage_timer.ui.pages.session.page import NO_SOUND_NOTICE

    monkeypatch.setattr(CuePlayer, "status", lambda self: (sound_ok, "", True, ""))
    rig = make_rig("honey")
    assert rig.page.notice.text() == ("" if sound_ok else NO_SOUND_NOTICE)
    rig.key(Key.Key_Space)
    assert not rig.page.notice.text().startswith("No sound device"), "once started, the steps speak for themselves"


# ------------------------------------------------------------------ steps on the body, alarms that keep asking


def _on_the_jars(rig: Rig) -> None:
    rig.key(Key.Key_Space)
    _go_to_step(rig, "cover-and-wait")
    rig.advance(1)  # the pedal's pace: a second press within the bounce time would be ignored


def test_pause_on_the_jars_pauses_only_the_guidance(make_rig) -> None:
    """The issue's case: 15 minutes paused on the jars; the time is up at the planned time."""
    from massage_timer.ui.pages.session.render import wall_clock

    rig = make_rig("cupping-static")
    _on_the_jars(rig)
    page, planned = rig.page, rig.snap().planned.planned
    assert rig.snap().body_timer and page.toggle_button.text() == "Pause guidance"
    ends = rig.clock.wall() + rig.snap().remaining
    assert page.ends_label.text() == f"ends at {wall_clock(ends)}"
    rig.key(Key.Key_Space)
    assert rig.snap().guidance_paused and page.toggle_button.text() == "Resume guidance"
    assert page.ring.caption() == "left · guidance paused"
    assert page.notice.text().startswith("Guidance is paused: no voice or prompts.")
    assert wall_clock(ends) in page.notice.text()
    rig.advance(60)
    assert page.clock_text() == format_clock(planned - 61), "the jars' time must keep running"
    assert page.ends_label.text() == f"ends at {wall_clock(ends)}", "the deadline must not move"
    rig.advance(planned - 61)
    assert rig.snap().state is State.WAITING, "the time is up at the planned time, paused or not"
    assert page.ends_label.text() == f"time was up at {wall_clock(ends)}"
    assert not page.notice.text().startswith("Guidance is paused")


def test_a_waiting_step_rings_again_louder_until_done(make_rig) -> None:
    rig = make_rig("cupping-static")
    _on_the_jars(rig)
    rig.advance(rig.snap().remaining)
    assert rig.snap().state is State.WAITING
    rung = len(rig.cues.urgencies)
    for _ in range(4):
        rig.advance(30)
    assert rig.cues.urgencies[rung:] == [1, 2, 3, 3], "each reminder louder, up to full volume"
    assert rig.cues.spoken[-1].startswith("Still waiting: Place the jars, cover and wait, remove them one by one.")
    assert "2 min past its time" in rig.cues.spoken[-1]
    assert "(2 min ago)" in rig.page.wait_banner.text()
    rig.key(Key.Key_N)  # the jars are off
    rig.advance(60)
    assert len(rig.cues.urgencies) == rung + 4, "no reminder after Done"


def test_snooze_within_the_articles_maximum(make_rig) -> None:
    rig = make_rig("cupping-static")
    _on_the_jars(rig)
    rig.advance(rig.snap().remaining + 95)  # 15 min on, then 95 s of waiting: 3 min 25 s to 20 min
    page = rig.page
    assert page.snooze_button.isVisible() and page.snooze_button.text() == "Snooze 3 min"
    rung = len(rig.cues.urgencies)
    rig.key(Key.Key_Z)
    assert rig.snap().snooze_remaining == pytest.approx(180)
    assert page.notice.text().startswith("Snoozed for 3 min: the alarm rings again at ")
    assert "Snoozed: the alarm rings again in 03:00" in page.wait_banner.text()
    rig.advance(170)
    assert len(rig.cues.urgencies) == rung, "silent while snoozed"
    rig.advance(10)
    assert len(rig.cues.urgencies) == rung + 1, "it rings when the snooze is over"
    row = rig.controller.engine.runs[-1]
    assert row.snoozes == 1


def test_past_the_longest_time_a_warning_stays_until_done(make_rig) -> None:
    rig = make_rig("cupping-static")
    _on_the_jars(rig)
    planned = rig.snap().planned
    rig.advance(planned.max - planned.planned + planned.planned + 2)
    banner = rig.page.limit_banner
    assert banner.isVisible()
    assert banner.text() == (
        f"Longer than this step's longest time ({planned.max // 60} min): "
        "Place the jars, cover and wait, remove them one by one. End it now and press Done."
    )
    assert rig.cues.spoken[-1].startswith(
        "Warning. Place the jars, cover and wait, remove them one by one: longer than 20 min."
    )
    assert not rig.page.snooze_button.isVisible(), "no snooze past the maximum"
    rig.key(Key.Key_N)
    assert not banner.isVisible()


def test_four_jars_each_with_its_own_time(make_rig) -> None:
    """Static cupping as it is done: four jars placed a minute apart, each called off in turn."""
    rig = make_rig("cupping-static")
    _on_the_jars(rig)
    panel = rig.page.items_panel
    assert panel.isVisible() and panel.summary.text() == "No jars on yet"
    assert panel.place_button.text() == "Jar on (J)" and not panel.remove_button.isEnabled()
    for n in range(1, 5):
        rig.key(Key.Key_J)
        assert rig.cues.spoken[-1] == f"Jar {n} on. 15 minutes."
        rig.advance(60)
    assert panel.summary.text() == "4 jars on"
    assert panel.chip_texts()[0].startswith("Jar 1 11:00 on at ")
    rig.advance(11 * 60)  # jar 1 has been on for 15 minutes
    assert rig.cues.spoken[-1] == "Jar 1: its time is up. Take it off."
    assert rig.page.cue_banner.text() == "Jar 1: its time is up. Take it off."
    assert panel.summary.text() == "4 jars on, 1 to take off"
    assert panel.chip_texts()[0] == "Jar 1 +00:00 take it off"
    rig.advance(30)  # not taken off yet: it asks again, louder
    assert rig.cues.spoken[-1] == "Jar 1 has been on for 16 min. Take it off."
    assert rig.cues.urgencies[-1] == 1
    rig.key(Key.Key_O)
    assert rig.cues.spoken[-1] == "Jar 1 off."
    assert panel.chip_texts()[0].startswith("Jar 1 15:30 off")
    # Next with jars still on asks first: their times would not be logged.
    rig.advance(1)
    asked: list[str] = []
    rig.page.confirm = lambda _p, title, *_a: asked.append(title) or False
    rig.key(Key.Key_N)
    assert asked == ["End this step with jars still on?"]
    assert rig.snap().planned.step.id == "cover-and-wait"
    for _ in range(3):
        rig.advance(60)
        rig.key(Key.Key_O)
    assert rig.snap().planned.step.id == "soothing-massage", "the step ends when the last jar is off"
    rows = rig.store.items(rig.controller.session_id)
    assert [r.n for r in rows] == [1, 2, 3, 4]


def test_a_jar_past_the_longest_time_keeps_its_warning(make_rig) -> None:
    rig = make_rig("cupping-static")
    _on_the_jars(rig)
    rig.key(Key.Key_J)
    rig.advance(60)
    rig.key(Key.Key_J)
    for _ in range(20 * 60 // 30 + 2):  # past 20 minutes, with the reminders every 30 s
        rig.advance(30)
    banner = rig.page.limit_banner
    assert banner.isVisible()
    assert banner.text() == (
        "Jars 1 and 2 have been on longer than 20 min, the longest time for a jar. Take them off now."
    )
    assert "Warning. Jar 2 has been on too long. Take it off now." in rig.cues.spoken
    assert rig.page.ends_label.isHidden(), "once a jar is due, the ring says which"
    rig.key(Key.Key_O)  # jar 1 off; jar 2 is past 20 minutes too
    rig.advance(30)
    assert banner.text() == "Jar 2 has been on longer than 20 min, the longest time for a jar. Take it off now."
    rig.key(Key.Key_O)
    assert not banner.isVisible()


def test_finish_and_history_show_each_jars_time(make_rig) -> None:
    from massage_timer.ui.history.detail import step_detail
    from massage_timer.ui.pages.session.finish import run_cells

    rig = make_rig("cupping-static")
    _on_the_jars(rig)
    rig.key(Key.Key_J)
    rig.advance(60)
    rig.key(Key.Key_J)
    rig.advance(15 * 60)
    rig.key(Key.Key_O)
    rig.advance(21 * 60 - 15 * 60)  # jar 2 stays on past 20 minutes
    rig.key(Key.Key_O)
    run = next(r for r in rig.controller.engine.runs if r.step_id == "cover-and-wait")
    changes = run_cells(run)[4]
    assert "placed one by one: 2, on for 16:00, 21:00 (1 past the longest time)" in changes
    sid = rig.controller.session_id
    step = next(s for s in rig.store.steps(sid) if s.step_id == "cover-and-wait")
    items = [i for i in rig.store.items(sid) if i.seq == step.seq]
    assert step_detail(step, items).endswith("placed one by one: 2, on for 16:00, 21:00 (1 past the longest time)")
