"""Promise 9: the timer survives a blocked event loop, a clock set back and a suspend.

Driven by a fake clock, checked where it matters: in the rows of the session log.
"""

from __future__ import annotations

import pytest

from massage_timer.core.clock import FakeClock
from massage_timer.core.log import SessionInfo, SessionRecorder, Store
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.events import State
from massage_timer.core.session.plan import build_plan

WARM_UP = 300  # the test protocol's first step: 5 minutes, moves on by itself
CUPS = 120  # then 2 minutes per side, waiting for the caregiver at the end


def session(make_protocol, store: Store) -> tuple[FakeClock, SessionEngine, SessionRecorder]:  # noqa: ANN001
    clock = FakeClock()
    protocol = make_protocol()
    plan = build_plan(protocol, side="left")
    engine = SessionEngine(plan, clock)
    recorder = SessionRecorder(store, engine, SessionInfo(protocol.id, protocol.title, "Anna", len(plan)))
    engine.start()
    return clock, engine, recorder


def test_an_event_loop_blocked_for_3_s_ends_the_step_at_its_deadline(make_protocol, store) -> None:  # noqa: ANN001
    clock, engine, recorder = session(make_protocol, store)
    t0 = clock.wall()
    clock.advance(WARM_UP - 1)
    engine.poll()
    assert engine.index == 0
    clock.advance(3.0)  # a slow disk: no tick for 3 s across the deadline
    engine.poll()
    assert engine.index == 1
    # on screen the next step already ran 2 s
    assert engine.snapshot().remaining == pytest.approx(CUPS - 2)
    first, second = store.steps(recorder.session_id)
    assert first.outcome == "completed"
    assert first.active_seconds == pytest.approx(WARM_UP)
    assert first.ended_ts == pytest.approx(t0 + WARM_UP)  # at the deadline, not at the late tick
    assert second.started_ts == pytest.approx(t0 + WARM_UP)
    clock.advance(CUPS - 2)
    engine.poll()
    assert engine.state is State.WAITING  # the cups step ends exactly on time


def test_the_system_clock_set_back_an_hour_changes_nothing(make_protocol, store) -> None:  # noqa: ANN001
    clock, engine, recorder = session(make_protocol, store)
    t0 = clock.wall()
    clock.advance(100)
    engine.poll()
    clock.set_wall(clock.wall() - 3600)  # the user (or a time server) sets the clock back
    clock.advance(WARM_UP - 100 - 0.5)
    engine.poll()
    assert engine.index == 0 and engine.snapshot().remaining == pytest.approx(0.5)
    clock.advance(0.5)
    engine.poll()
    assert engine.index == 1  # ended at the right real time, not an hour late
    first, second = store.steps(recorder.session_id)
    assert first.active_seconds == pytest.approx(WARM_UP)
    assert first.slept_seconds == 0
    # the log's times stay consistent: the step lasted 5 minutes, the next follows it
    assert first.ended_ts - first.started_ts == pytest.approx(WARM_UP)
    assert second.started_ts == pytest.approx(first.ended_ts)
    assert first.started_ts == pytest.approx(t0)
    engine.stop()
    row = store.session(recorder.session_id)
    assert row.ended_ts >= row.started_ts
    assert row.ended_ts - row.started_ts == pytest.approx(WARM_UP)


def test_a_30_minute_suspend_ends_the_steps_that_ran_out_meanwhile(make_protocol, store) -> None:  # noqa: ANN001
    clock, engine, recorder = session(make_protocol, store)
    t0 = clock.wall()
    clock.advance(60)
    engine.poll()
    clock.suspend(1800)  # the laptop sleeps; the cups stay on the skin
    clock.advance(1)
    engine.poll()
    # the warm-up ended during the suspend, the cups step too: it waits for the caregiver
    assert engine.index == 1 and engine.state is State.WAITING
    first, second = store.steps(recorder.session_id)
    assert first.outcome == "completed" and first.active_seconds == pytest.approx(WARM_UP)
    assert first.ended_ts == pytest.approx(t0 + WARM_UP)
    assert second.started_ts == pytest.approx(t0 + WARM_UP)
    # The sleep is counted on the steps it fell in: the warm-up's last 239 s (the second of
    # awake time is taken to come before the sleep), then the cups step up to the wake-up.
    assert first.slept_seconds == pytest.approx(239)
    assert second.slept_seconds == pytest.approx(1561)
    engine.next()  # the caregiver removes the cups
    second = store.steps(recorder.session_id)[1]
    assert second.outcome == "completed"
    assert second.ended_ts == pytest.approx(t0 + 1861)  # now, in real time
    # the planned 2 minutes, plus the wait after them
    assert second.overrun_seconds == pytest.approx(1861 - WARM_UP - CUPS)
    engine.stop()
    row = store.session(recorder.session_id)
    assert row.ended_ts == pytest.approx(t0 + 1861)
    assert row.status == "stopped"
