"""The timer outside the window: tray texts and menu, the mini timer, desktop notices, the throttle, the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from massage_timer.core.session.events import State
from massage_timer.core.session.manager import SessionOverview
from massage_timer.ui.services import notify as notify_mod
from massage_timer.ui.services.notify import Notifier, notify_command, reply_id, step_notice
from massage_timer.ui.services.outside import OutsideTimers, parse_position
from massage_timer.ui.services.tray import SessionTray
from massage_timer.ui.shortcuts import DEFAULT_KEYS, KeyMap
from massage_timer.ui.widgets.outside import MiniTimer, menu_entries, row_text, session_line, time_text, tooltip_text


def ov(key: str = "a", label: str = "Anna", state: State = State.RUNNING, **kw: object) -> SessionOverview:
    values: dict = {"step_title": "Rest under a blanket", "step_index": 1, "step_count": 5, "seconds_left": 1453.0}
    values.update(kw)
    return SessionOverview(key=key, label=label, state=state, **values)


THREE = [
    ov(),
    ov("b", "Boris", State.WAITING, step_title="Remove the jars", step_index=2, seconds_left=None, attention=True),
    ov("c", "Clara", State.RUNNING, step_index=0, step_count=4, seconds_left=3725.2, next_cue_text="Turn over"),
]


# ------------------------------------------------------------ words


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1452.3, "24:13"), (3725.0, "1:02:05"), (59.01, "01:00"), (0.0, "00:00"), (-3.0, "00:00")],
)
def test_time_text_rounds_up_to_the_whole_second(seconds: float, text: str) -> None:
    assert time_text(seconds) == text


def test_tooltip_has_one_line_per_session() -> None:
    assert tooltip_text(THREE).splitlines() == [
        "Anna — Rest under a blanket — 24:13 left",
        "Boris — waiting for you",
        "Clara — Rest under a blanket — 1:02:06 left",
    ]
    assert tooltip_text([]) == "No session running"


def test_session_line_says_paused_untimed_and_ended() -> None:
    assert session_line(ov(state=State.PAUSED, seconds_left=61)) == "Anna — Rest under a blanket — paused, 01:01 left"
    assert session_line(ov(seconds_left=None)) == "Anna — Rest under a blanket — until you move on"
    assert session_line(ov(state=State.FINISHED, seconds_left=None)) == "Anna — finished, notes to save"
    assert session_line(ov(attention=True, seconds_left=0)) == "Anna — Rest under a blanket — time is up"


def test_menu_entries_offer_pause_resume_and_next() -> None:
    entries = menu_entries([*THREE, ov("d", "Dora", State.PAUSED), ov("e", "Eva", State.FINISHED)])
    commands = {key: cmds for key, _, cmds in entries}
    assert commands["a"] == [("pause", "Pause"), ("next", "Next step")]
    assert commands["b"] == [("next", "Done, next step")]
    assert commands["d"] == [("pause", "Resume"), ("next", "Next step")]
    assert commands["e"] == []
    assert entries[0][1] == "Anna — Rest under a blanket — 24:13 left"


def test_row_text_of_each_state() -> None:
    assert row_text(THREE[0]) == ("Anna", "24:13", "Step 2 of 5 · Rest under a blanket")
    assert row_text(THREE[1]) == ("Boris", "Your turn", "Step 3 of 5 · Remove the jars")
    assert row_text(THREE[2]) == ("Clara", "1:02:06", "Step 1 of 4 · Next: Turn over")
    assert row_text(ov(state=State.PAUSED)).small.startswith("Paused · Step 2 of 5")


# ------------------------------------------------------------ the mini timer


def test_mini_timer_draws_one_row_per_session(qtbot) -> None:  # noqa: ANN001
    mini = MiniTimer()
    qtbot.addWidget(mini)
    mini.set_wanted(True)
    mini.set_overview(THREE)
    assert mini.isVisible()
    assert [r.texts() for r in mini.rows()] == [tuple(row_text(o)) for o in THREE]
    assert [bool(r.property("attention")) for r in mini.rows()] == [False, True, False]
    assert mini.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    mini.set_overview(THREE[:1])
    assert len(mini.rows()) == 1
    mini.set_overview([])
    assert not mini.isVisible()  # it hides while no session is on
    mini.set_overview(THREE)
    assert mini.isVisible()
    mini.set_wanted(False)
    assert not mini.isVisible()


def test_mini_timer_click_activates_and_drag_does_not(qtbot) -> None:  # noqa: ANN001
    mini = MiniTimer()
    qtbot.addWidget(mini)
    mini.set_wanted(True)
    mini.set_overview(THREE)
    with qtbot.waitSignal(mini.activated):
        qtbot.mouseClick(mini, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    fired = []
    mini.activated.connect(lambda: fired.append(1))
    qtbot.mousePress(mini, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    qtbot.mouseMove(mini, QPoint(80, 40))
    qtbot.mouseRelease(mini, Qt.MouseButton.LeftButton, pos=QPoint(80, 40))
    assert fired == []


def test_position_is_read_back_and_bad_text_ignored() -> None:
    assert parse_position("120,-40") == QPoint(120, -40)
    assert parse_position("") is None
    assert parse_position("left") is None


# ------------------------------------------------------------ the tray


def test_tray_menu_calls_back_with_the_session_key(qtbot) -> None:  # noqa: ANN001
    calls: list[tuple[str, str]] = []
    sessions = list(THREE)
    tray = SessionTray(
        lambda: sessions,
        lambda k: calls.append(("pause", k)),
        lambda k: calls.append(("next", k)),
        lambda: calls.append(("show", "")),
    )
    assert tray.tooltip() == tooltip_text(THREE)
    texts = [a.text() for a in tray.menu.actions() if a.text()]
    assert texts[-3:] == ["Show Massage Timer", "Mini timer", "Quit"]
    by_key = {(a.property("session"), a.property("command")): a for a in tray.session_actions()}
    by_key[("a", "pause")].trigger()
    by_key[("b", "next")].trigger()
    assert calls == [("pause", "a"), ("next", "b")]
    sessions[0] = ov(state=State.PAUSED, seconds_left=100)
    tray.refresh()  # same shape: the texts change in place
    assert by_key[("a", "pause")].text() == "Resume"
    tray.icon.activated.emit(tray.icon.ActivationReason.Trigger)
    assert calls[-1] == ("show", "")
    with qtbot.waitSignal(tray.mini_timer_toggled) as signal:
        next(a for a in tray.menu.actions() if a.text() == "Mini timer").trigger()
    assert signal.args == [True]


# ------------------------------------------------------------ notices


def test_notices_of_one_session_replace_each_other() -> None:
    sent: list[list[str]] = []
    answers = iter(["(uint32 7,)", "(uint32 7,)", "(uint32 9,)"])

    def runner(command: list[str], done) -> bool:  # noqa: ANN001
        sent.append(command)
        done(next(answers))
        return True

    notifier = Notifier(present=lambda: True, runner=runner)
    assert notifier.notify("Massage Timer", 'Anna: "jars" off', key="a")
    assert notifier.notify("Massage Timer", "Anna: next", key="a")
    assert notifier.notify("Massage Timer", "Boris: done", key="b")
    assert [c[12] for c in sent] == ["uint32 0", "uint32 7", "uint32 0"]  # the replace id
    assert sent[0][15] == '"Anna: \\"jars\\" off"'
    assert notifier.replace_id("b") == 9


def test_notify_is_false_without_a_bus(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert notify_mod.service_present() is False
    assert Notifier().notify("Massage Timer", "Anna: remove the jars") is False
    assert Notifier(present=lambda: True, runner=lambda c, d: 1 / 0).notify("x", "y") is False  # never raises


def test_command_and_reply() -> None:
    command = notify_command("Massage Timer", 3, "S", "B")
    assert command[:3] == ["gdbus", "call", "--session"] and "org.freedesktop.Notifications.Notify" in command
    assert reply_id("(uint32 42,)\n") == 42
    assert reply_id("Error: GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown") == 0


def test_step_notice_without_a_tray_uses_the_notifier() -> None:
    said: list[tuple[str, str, str]] = []
    assert step_notice(
        None, "Massage Timer", "Anna: remove the jars", "a", lambda s, b, k: said.append((s, b, k)) or True
    )
    assert said == [("Massage Timer", "Anna: remove the jars", "a")]


# ------------------------------------------------------------ the whole


class _Signal:
    def __init__(self) -> None:
        self.slots: list = []

    def connect(self, slot) -> None:  # noqa: ANN001
        self.slots.append(slot)

    def emit(self, *args: object) -> None:
        for slot in self.slots:
            slot(*args)


def _outside(settings, notices: list, sessions: list) -> OutsideTimers:  # noqa: ANN001
    def runner(command: list[str], done) -> bool:  # noqa: ANN001
        notices.append(command[15])
        return True

    return OutsideTimers(
        lambda: sessions,
        lambda k: None,
        lambda k: None,
        lambda: None,
        settings=settings,
        use_tray=False,
        notifier=Notifier(present=lambda: True, runner=runner),
        interval_ms=50,
    )


def test_redraws_at_most_once_an_interval(qtbot, settings) -> None:  # noqa: ANN001
    sessions = list(THREE)
    outside = _outside(settings, [], sessions)
    changed, events = _Signal(), _Signal()
    outside.bind(changed, events)
    start = outside.refreshes
    for _ in range(10):
        changed.emit()
    assert outside.refreshes == start  # the first draw (at creation) was just now: the rest wait
    sessions[0] = ov(seconds_left=10.0)
    qtbot.waitUntil(lambda: outside.refreshes == start + 1, timeout=2000)
    assert outside.mini.rows()[0].texts()[1] == "00:10"
    qtbot.wait(120)
    assert outside.refreshes == start + 1  # nothing new asked: no redraw


def test_background_events_become_notices_and_the_setting_shows_the_mini(qtbot, settings) -> None:  # noqa: ANN001
    notices: list[str] = []
    outside = _outside(settings, notices, list(THREE))
    changed, events = _Signal(), _Signal()
    outside.bind(changed, events)
    events.emit("a", "Anna", "item_due", "Anna: Jar 2: its time is up. Take it off.")
    events.emit("a", "Anna", "cue", "Anna: breathe slowly")
    assert notices == ['"Anna: Jar 2: its time is up. Take it off."']
    settings.set("tray_notifications", False)
    events.emit("a", "Anna", "finished", "Anna: the session is complete.")
    assert len(notices) == 1
    assert not outside.mini.isVisible()
    outside.toggle_mini_timer()
    assert settings.get("mini_timer") is True
    assert outside.mini.isVisible()
    settings.set("mini_timer", False)
    assert not outside.mini.isVisible()
    outside.close()


def test_the_mini_timer_has_a_free_key() -> None:
    assert DEFAULT_KEYS.keys("mini_timer") == ("M",)
    assert "Ь" in DEFAULT_KEYS.sequences("mini_timer")
    assert DEFAULT_KEYS.conflicts() == []
    assert KeyMap({"mini_timer": ["F9"]}).keys("mini_timer") == ("F9",)


def test_settings_check_follows_and_writes_the_setting(qtbot, settings) -> None:  # noqa: ANN001
    from massage_timer.ui.pages.settings.behaviour import SessionGroup

    group = SessionGroup(settings)
    qtbot.addWidget(group)
    assert not group.mini_timer_check.isChecked()
    group.mini_timer_check.setChecked(True)
    assert settings.get("mini_timer") is True
    settings.set("mini_timer", False)
    assert not group.mini_timer_check.isChecked()
