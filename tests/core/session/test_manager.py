"""Several sessions on one fake clock: wake-ups, deadlines, pauses, suspends, removal, the overview."""

from __future__ import annotations

import logging

import pytest

from massage_timer.core.clock import FakeClock
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.events import (
    CueFired,
    Event,
    SecondChanged,
    SessionFinished,
    SleepDetected,
    State,
    StepEnded,
    WaitingForConfirmation,
)
from massage_timer.core.session.manager import SessionManager
from massage_timer.core.session.plan import build_plan


def timed_steps(make_protocol, *lengths: str, wait_last: bool = False, cue: str | None = None):  # noqa: ANN001, ANN201
    steps = []
    for i, length in enumerate(lengths):
        step = {
            "id": f"step-{i}",
            "title": f"Step {i + 1}",
            "instructions": "x",
            "duration": {"min": "10s", "default": length, "max": "1h"},
        }
        if wait_last and i == len(lengths) - 1:
            step["advance"] = "wait"
        if cue and i == 0:
            step["cues"] = [{"at": "50%", "text": cue}]
        steps.append(step)
    return build_plan(make_protocol(steps=steps))


@pytest.fixture
def rig(make_protocol, fake_clock: FakeClock):  # noqa: ANN001, ANN201
    """Three sessions: A 2 min + 3 min, B 45 s + 1 min (waits at its end), C one 10 min step with a cue."""
    manager = SessionManager(fake_clock)
    events: list[tuple[str, Event]] = []
    manager.subscribe(lambda key, event: events.append((key, event)))
    plans = {
        "Anna": timed_steps(make_protocol, "2m", "3m"),
        "Boris": timed_steps(make_protocol, "45s", "1m", wait_last=True),
        "Clara": timed_steps(make_protocol, "10m", cue="Remove the jars"),
    }
    keys = {}
    for label, plan in plans.items():
        keys[label] = manager.add(SessionEngine(plan, fake_clock), None, label)
    return manager, keys, events, fake_clock


def start_all(manager: SessionManager) -> None:
    for slot in manager.slots():
        slot.engine.start()


def of(events, key: str, kind: type) -> list:  # noqa: ANN001
    return [e for k, e in events if k == key and isinstance(e, kind)]


def test_the_slots_keep_the_order_they_were_added_in(rig) -> None:  # noqa: ANN001
    manager, keys, _events, _clock = rig
    assert [s.label for s in manager.slots()] == ["Anna", "Boris", "Clara"]
    assert [s.key for s in manager.slots()] == [keys["Anna"], keys["Boris"], keys["Clara"]]
    assert len(set(keys.values())) == 3
    assert manager.get(keys["Boris"]).label == "Boris"
    assert manager.get("nope") is None
    assert manager.active() == []  # none started yet
    assert manager.next_wakeup() is None


def test_a_label_given_twice_is_told_apart(make_protocol, fake_clock) -> None:  # noqa: ANN001
    manager = SessionManager(fake_clock)
    plan = timed_steps(make_protocol, "1m")
    first = manager.add(SessionEngine(plan, fake_clock), None, "Anna")
    second = manager.add(SessionEngine(plan, fake_clock), None, "Anna")
    assert (manager.get(first).label, manager.get(second).label) == ("Anna", "Anna (2)")


def test_an_engine_on_another_clock_is_refused(make_protocol, fake_clock) -> None:  # noqa: ANN001
    manager = SessionManager(fake_clock)
    with pytest.raises(ValueError, match="clock"):
        manager.add(SessionEngine(timed_steps(make_protocol, "1m"), FakeClock()), None, "Anna")


def test_the_wakeup_is_the_soonest_of_all_sessions(rig) -> None:  # noqa: ANN001
    manager, _keys, _events, clock = rig
    start_all(manager)
    wakes = [slot.engine.next_wakeup() for slot in manager.slots()]
    assert manager.next_wakeup() == pytest.approx(min(wakes))
    # Boris's step is half a second further on: his next second comes first.
    clock.advance(0.5)
    boris = manager.slots()[1].engine
    boris.poll()
    manager.slots()[0].engine.pause()
    manager.slots()[2].engine.pause()
    assert manager.next_wakeup() == pytest.approx(boris.next_wakeup())
    boris.pause()
    assert manager.next_wakeup() is None  # all paused: nothing to look at


def test_each_step_ends_on_its_own_deadline(rig) -> None:  # noqa: ANN001
    manager, keys, events, clock = rig
    start_all(manager)
    elapsed = 0.0
    # Wake exactly when the manager asks, as the app's single timer does.
    while elapsed < 11 * 60:
        wake = manager.next_wakeup()
        if wake is None:
            break
        step = max(wake, 0.001)
        clock.advance(step)
        elapsed += step
        manager.poll()
    anna = of(events, keys["Anna"], StepEnded)
    boris = of(events, keys["Boris"], StepEnded)
    clara = of(events, keys["Clara"], StepEnded)
    assert [round(e.run.active, 2) for e in anna] == [120.0, 180.0]
    assert [round(e.run.active, 2) for e in boris] == [45.0]  # the second one waits
    assert [round(e.run.active, 2) for e in clara] == [600.0]
    assert len(of(events, keys["Boris"], WaitingForConfirmation)) == 1
    assert [e.cue.text for e in of(events, keys["Clara"], CueFired)] == ["Remove the jars"]
    assert of(events, keys["Anna"], SessionFinished) and of(events, keys["Clara"], SessionFinished)
    assert [s.label for s in manager.active()] == ["Boris"]  # waiting for the caregiver
    # every session's step ran on its own wall clock, from the same start
    start = clock.wall() - elapsed
    assert anna[0].run.ended_wall == pytest.approx(start + 120)
    assert clara[0].run.ended_wall == pytest.approx(start + 600)


def test_pausing_one_leaves_the_others_running(rig) -> None:  # noqa: ANN001
    manager, keys, _events, clock = rig
    start_all(manager)
    manager.get(keys["Anna"]).engine.pause()
    clock.advance(30)
    manager.poll()
    by_label = {o.label: o for o in manager.overview()}
    assert by_label["Anna"].state is State.PAUSED and by_label["Anna"].seconds_left == pytest.approx(120)
    assert by_label["Boris"].state is State.RUNNING and by_label["Boris"].seconds_left == pytest.approx(15)
    assert by_label["Clara"].seconds_left == pytest.approx(570)
    assert {s.label for s in manager.active()} == {"Anna", "Boris", "Clara"}


def test_a_suspend_is_seen_by_every_session(rig) -> None:  # noqa: ANN001
    manager, keys, events, clock = rig
    start_all(manager)
    clock.advance(1)
    manager.poll()
    clock.suspend(130)  # Anna's first step and Boris's first ended while asleep
    manager.poll()
    sleeps = {label: of(events, key, SleepDetected) for label, key in keys.items()}
    assert all(len(found) == 1 and found[0].seconds == pytest.approx(130) for found in sleeps.values())
    assert sleeps["Anna"][0].steps_ended == 1 and sleeps["Boris"][0].steps_ended == 1
    assert sleeps["Clara"][0].steps_ended == 0
    by_label = {o.label: o for o in manager.overview()}
    assert by_label["Anna"].step_index == 1 and by_label["Anna"].seconds_left == pytest.approx(180 - 11)
    assert by_label["Boris"].state is State.WAITING and by_label["Boris"].attention
    assert by_label["Clara"].seconds_left == pytest.approx(600 - 131)


def test_removing_one_stops_its_events_and_keeps_the_others(rig) -> None:  # noqa: ANN001
    manager, keys, events, clock = rig
    start_all(manager)
    removed = manager.remove(keys["Boris"])
    assert removed.label == "Boris" and keys["Boris"] not in manager
    assert [s.label for s in manager.slots()] == ["Anna", "Clara"]
    events.clear()
    clock.advance(60)
    manager.poll()
    removed.engine.poll()  # it still runs on its own, but nobody hears it through the manager
    assert {k for k, _e in events} == {keys["Anna"], keys["Clara"]}
    assert of(events, keys["Boris"], StepEnded) == []
    with pytest.raises(KeyError):
        manager.remove(keys["Boris"])


def test_one_session_that_raises_does_not_stop_the_others(rig, caplog) -> None:  # noqa: ANN001
    manager, keys, events, clock = rig
    start_all(manager)

    def broken() -> None:
        raise RuntimeError("broken")

    manager.get(keys["Anna"]).engine.poll = broken  # type: ignore[method-assign]
    clock.advance(46)
    with caplog.at_level(logging.ERROR):
        manager.poll()
    assert of(events, keys["Boris"], StepEnded)  # Boris's 45 s step ended all the same
    assert any("failed to look at the clock" in r.message for r in caplog.records)


def test_the_overview_says_what_each_session_shows(rig) -> None:  # noqa: ANN001
    manager, _keys, _events, clock = rig
    start_all(manager)
    clock.advance(10)
    manager.poll()
    anna, boris, clara = manager.overview()
    assert (anna.label, anna.step_index, anna.step_count, anna.step_title) == ("Anna", 0, 2, "Step 1")
    assert anna.seconds_left == pytest.approx(110) and not anna.attention
    assert clara.next_cue_text == "Remove the jars" and anna.next_cue_text == ""
    clock.advance(300)
    manager.poll()
    clara = manager.overview()[2]
    assert clara.next_cue_text == ""  # fired at half time
    boris = manager.overview()[1]
    assert boris.state is State.WAITING and boris.attention and boris.seconds_left is None


def test_sessions_not_on_screen_may_share_a_wakeup_within_the_slack(rig) -> None:  # noqa: ANN001
    manager, keys, events, clock = rig
    anna, boris, clara = (manager.get(keys[k]).engine for k in ("Anna", "Boris", "Clara"))
    anna.start()
    clock.advance(0.4)
    boris.start()  # Boris's seconds fall 0.4 s after Anna's
    clock.advance(0.2)
    clara.start()  # and Clara's 0.6 s after
    clock.advance(0.4)
    manager.poll()  # Anna's second: her next is 1 s away, Boris's 0.4 s, Clara's 0.6 s
    # On time for Anna (on screen); Boris and Clara may wait up to 0.3 s: one wake-up for both.
    wake = manager.next_wakeup(precise=[keys["Anna"]], slack=0.3)
    assert wake == pytest.approx(boris.next_wakeup() + 0.3)
    assert clara.next_wakeup() <= wake < anna.next_wakeup()
    assert manager.next_wakeup() == pytest.approx(boris.next_wakeup())  # no slack: the soonest
    events.clear()
    clock.advance(wake)
    manager.poll()
    assert {k for k, e in events if isinstance(e, SecondChanged)} == {keys["Boris"], keys["Clara"]}
    # Anna's second comes sooner than the others' slack runs out: hers is the wake-up.
    assert manager.next_wakeup(precise=[keys["Anna"]], slack=0.3) == pytest.approx(anna.next_wakeup())
