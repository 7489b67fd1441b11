"""Suspends and clock changes during a session, checked down to the rows of the session log.

A suspend is seen only on a clock with boot time (``FakeClock``); a wall clock set forward
or back is a clock change on every clock, and a clock without boot time
(``FakeClockNoBoot``) sees no suspend at all.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massage_timer.core.clock import FakeClock, FakeClockNoBoot
from massage_timer.core.log import SessionInfo, SessionRecorder, Store
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.events import Outcome, SleepDetected, State
from massage_timer.core.session.plan import build_plan
from massage_timer.core.session.timing import SLEEP_THRESHOLD

DAY = 24 * 3600.0
TIMED = 300  # five minutes, then an untimed step (a stopwatch)


def timed_then_untimed(make_protocol):  # noqa: ANN001, ANN201
    return make_protocol(
        steps=[
            {
                "id": "oil",
                "title": "Oil the back",
                "instructions": "x",
                "duration": {"min": "1m", "default": "5m", "max": "10m"},
            },
            {"id": "rest", "title": "Rest", "instructions": "x"},
        ]
    )


def three_timed_then_untimed(make_protocol):  # noqa: ANN001, ANN201
    """20, 5 and 10 minutes, all moving on by themselves, then an untimed step."""
    timed = [("long", "20m"), ("short", "5m"), ("third", "10m")]
    steps = [
        {"id": i, "title": i, "instructions": "x", "duration": {"min": "1m", "default": d, "max": "30m"}}
        for i, d in timed
    ]
    return make_protocol(steps=[*steps, {"id": "rest", "title": "Rest", "instructions": "x"}])


class Logged:
    """An engine on a clock, recorded to the log, plus the suspends it reported."""

    def __init__(self, protocol, store: Store, clock: FakeClock | None = None, side: str | None = None) -> None:  # noqa: ANN001
        self.clock = clock if clock is not None else FakeClock()
        plan = build_plan(protocol, side=side)
        self.engine = SessionEngine(plan, self.clock)
        self.sleeps: list[SleepDetected] = []
        self.engine.subscribe(lambda e: self.sleeps.append(e) if isinstance(e, SleepDetected) else None)
        self.recorder = SessionRecorder(store, self.engine, SessionInfo(protocol.id, protocol.title, "Anna", len(plan)))
        self.store = store
        self.engine.start()
        self.t0 = self.clock.wall()

    def tick(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.engine.poll()

    def sleep(self, seconds: float) -> None:
        """The computer sleeps, wakes, and the engine looks at once."""
        self.clock.suspend(seconds)
        self.engine.poll()

    def rows(self):  # noqa: ANN201
        return self.store.steps(self.recorder.session_id)

    def session_row(self):  # noqa: ANN201
        return self.store.session(self.recorder.session_id)


# ------------------------------------------------------------------ a suspend across steps


def test_an_untimed_step_after_a_slept_through_timed_step_starts_at_wake_up(make_protocol, store) -> None:  # noqa: ANN001
    """The reported bug: 5 min timed + a stopwatch logged ~30 min because the stopwatch counted the sleep."""
    s = Logged(timed_then_untimed(make_protocol), store)
    s.tick(30)
    s.sleep(1650)  # asleep through the end of the timed step, for 27.5 minutes
    wake = 30 + 1650
    assert (s.engine.index, s.engine.state) == (1, State.RUNNING)
    assert s.engine.snapshot().elapsed == 0.0  # the stopwatch starts now, not at the deadline
    first, second = s.rows()
    assert (first.outcome, first.active_seconds) == ("completed", TIMED)
    assert first.ended_ts == pytest.approx(s.t0 + TIMED)
    assert second.started_ts == pytest.approx(s.t0 + wake)
    s.tick(30)
    s.engine.next()
    assert s.engine.state is State.FINISHED
    first, second = s.rows()
    assert [r.active_seconds for r in (first, second)] == [TIMED, 30.0]
    # the whole sleep is in the log, on the timed step: it was the current step until the wake-up
    assert [r.slept_seconds for r in (first, second)] == [pytest.approx(1650), 0.0]
    assert s.engine.slept_total == pytest.approx(1650)
    assert [e.seconds for e in s.sleeps] == [pytest.approx(1650)]
    row = s.session_row()
    assert row.actual_seconds == pytest.approx(TIMED + 30)  # the plan, plus the real time after the wake-up
    assert row.ended_ts == pytest.approx(s.t0 + wake + 30)
    assert second.ended_ts - second.started_ts == pytest.approx(30)


def test_a_late_first_look_after_the_wake_up_is_not_counted_as_asleep(make_protocol, store) -> None:  # noqa: ANN001
    s = Logged(timed_then_untimed(make_protocol), store)
    s.tick(30)
    s.clock.suspend(1650)
    s.tick(2)  # the first tick after the wake-up comes 2 s late
    assert s.engine.index == 1 and s.engine.snapshot().elapsed == 0.0
    assert s.engine.runs[0].slept == pytest.approx(1650)
    assert s.engine.runs[1].started_wall == pytest.approx(s.t0 + 30 + 1650 + 2)


def test_the_sleep_is_split_between_the_steps_it_fell_in(make_protocol, store) -> None:  # noqa: ANN001
    s = Logged(make_protocol(), store, side="left")  # warm-up 5 min, then cups 2 min that wait
    s.tick(60)
    s.sleep(1800)
    assert (s.engine.index, s.engine.state) == (1, State.WAITING)
    warm_up, cups = s.rows()
    assert warm_up.active_seconds == 300.0 and warm_up.ended_ts == pytest.approx(s.t0 + 300)
    assert cups.started_ts == pytest.approx(s.t0 + 300)
    assert warm_up.slept_seconds == pytest.approx(240)  # from 1:00 to its end at 5:00
    assert cups.slept_seconds == pytest.approx(1560)  # from 5:00 to the wake-up, ringing since 7:00
    s.engine.next()
    cups = s.rows()[1]
    assert cups.overrun_seconds == pytest.approx(1860 - 420)
    assert sum(r.slept_seconds for r in s.rows()) == pytest.approx(s.engine.slept_total)


def test_a_long_sleep_ends_the_timed_steps_on_time_and_starts_the_stopwatch_at_wake_up(make_protocol, store) -> None:  # noqa: ANN001
    s = Logged(three_timed_then_untimed(make_protocol), store)
    s.tick(100)
    s.sleep(3 * 3600)
    wake = 100 + 3 * 3600
    assert (s.engine.index, s.engine.state) == (3, State.RUNNING)
    assert s.sleeps[0].steps_ended == 3
    rows = s.rows()
    assert [r.active_seconds for r in rows[:3]] == [1200.0, 300.0, 600.0]
    assert [r.ended_ts - s.t0 for r in rows[:3]] == [pytest.approx(1200), pytest.approx(1500), pytest.approx(2100)]
    assert rows[3].started_ts == pytest.approx(s.t0 + wake)
    # each step slept from when it became current until the next one started
    assert [r.slept_seconds for r in rows] == [
        pytest.approx(1100),
        pytest.approx(300),
        pytest.approx(wake - 1500),
        0.0,
    ]
    assert sum(r.slept_seconds for r in rows) == pytest.approx(3 * 3600)
    s.tick(45)
    s.engine.stop()
    rows = s.rows()
    assert (rows[3].outcome, rows[3].active_seconds) == ("stopped", 45.0)
    assert s.session_row().actual_seconds == pytest.approx(2100 + 45)


def test_a_sleep_that_outlasts_the_session_is_counted_up_to_its_end(make_protocol, store) -> None:  # noqa: ANN001
    step = {"id": "only", "title": "Only", "instructions": "x", "duration": {"min": "1m", "default": "5m", "max": "9m"}}
    s = Logged(make_protocol(steps=[step]), store)  # a single 5-minute step
    s.tick(100)
    s.sleep(1800)
    assert s.engine.state is State.FINISHED
    (row,) = s.rows()
    assert (row.active_seconds, row.slept_seconds) == (300.0, pytest.approx(200))
    assert s.engine.slept_total == pytest.approx(1800)
    assert s.session_row().ended_ts == pytest.approx(s.t0 + 300)


def test_a_stopwatch_running_when_the_computer_went_to_sleep_counts_the_real_time(make_protocol, store) -> None:  # noqa: ANN001
    s = Logged(timed_then_untimed(make_protocol), store)
    s.tick(TIMED)
    assert s.engine.index == 1
    s.tick(20)
    s.sleep(600)  # the person rests under the blanket while the laptop sleeps
    s.tick(10)
    s.engine.next()
    second = s.rows()[1]
    assert (second.active_seconds, second.slept_seconds) == (pytest.approx(630), pytest.approx(600))
    assert s.rows()[0].slept_seconds == 0.0


def test_two_suspends_in_two_steps_are_each_logged_on_their_own_step(make_protocol, store) -> None:  # noqa: ANN001
    s = Logged(three_timed_then_untimed(make_protocol), store)
    s.tick(100)
    s.sleep(200)
    s.tick(1000)
    assert s.engine.index == 1
    s.sleep(60)
    s.tick(1)
    rows = s.rows()
    assert [r.slept_seconds for r in rows] == [pytest.approx(200), pytest.approx(60)]
    assert s.engine.slept_total == pytest.approx(260)
    assert rows[0].active_seconds == 1200.0


def test_a_short_suspend_below_the_threshold_is_not_counted(make_protocol, store) -> None:  # noqa: ANN001
    s = Logged(timed_then_untimed(make_protocol), store)
    s.tick(10)
    s.sleep(SLEEP_THRESHOLD - 1)
    s.tick(1)
    assert s.sleeps == [] and s.engine.slept_total == 0.0
    assert s.engine.snapshot().remaining == pytest.approx(TIMED - 11)


# ------------------------------------------------------------------ clock changes


@pytest.mark.parametrize("clock_type", [FakeClock, FakeClockNoBoot])
@pytest.mark.parametrize("jump", [DAY, -DAY, 3600.0, -3600.0])
def test_a_wall_clock_set_forward_or_back_is_a_clock_change(make_protocol, store, clock_type, jump) -> None:  # noqa: ANN001
    s = Logged(timed_then_untimed(make_protocol), store, clock_type())
    s.tick(100)
    s.clock.set_wall(s.clock.wall() + jump)
    s.tick(1)
    assert s.sleeps == [] and s.engine.slept_total == 0.0
    assert s.engine.snapshot().remaining == pytest.approx(TIMED - 101)
    s.tick(TIMED - 101)
    assert s.engine.index == 1  # ended on time, not a day early or late
    s.tick(40)
    s.engine.next()
    first, second = s.rows()
    assert [r.active_seconds for r in (first, second)] == [TIMED, 40.0]
    assert [r.slept_seconds for r in (first, second)] == [0.0, 0.0]
    # the log's times follow the session's own time from its start
    assert first.started_ts == pytest.approx(s.t0)
    assert first.ended_ts - first.started_ts == pytest.approx(TIMED)
    assert second.started_ts == pytest.approx(first.ended_ts)
    assert second.ended_ts - second.started_ts == pytest.approx(40)
    row = s.session_row()
    assert row.ended_ts - row.started_ts == pytest.approx(TIMED + 40)
    assert row.actual_seconds == pytest.approx(TIMED + 40)


def test_without_boot_time_a_suspend_goes_unseen_and_steps_run_on_monotonic_time(make_protocol, store) -> None:  # noqa: ANN001
    s = Logged(timed_then_untimed(make_protocol), store, FakeClockNoBoot())
    s.tick(30)
    s.sleep(1650)  # only the wall clock moves: to this clock, a clock change
    assert s.sleeps == [] and s.engine.slept_total == 0.0
    assert s.engine.index == 0 and s.engine.snapshot().remaining == pytest.approx(TIMED - 30)
    s.tick(TIMED - 30)
    s.tick(10)
    s.engine.next()
    first, second = s.rows()
    assert [r.active_seconds for r in (first, second)] == [TIMED, 10.0]
    assert [r.slept_seconds for r in (first, second)] == [0.0, 0.0]
    assert second.started_ts == pytest.approx(first.ended_ts)


def test_with_boot_time_a_clock_change_and_a_suspend_together_count_only_the_suspend(make_protocol, store) -> None:  # noqa: ANN001
    s = Logged(timed_then_untimed(make_protocol), store)
    s.tick(30)
    s.clock.set_wall(s.clock.wall() + DAY)
    s.sleep(600)
    assert [e.seconds for e in s.sleeps] == [pytest.approx(600)]
    assert s.engine.index == 1 and s.rows()[0].slept_seconds == pytest.approx(600)


# ------------------------------------------------------------------ random sequences

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("advance"), st.floats(0.0, 400.0)),
        st.tuples(st.just("suspend"), st.one_of(st.floats(0.0, SLEEP_THRESHOLD - 0.01), st.floats(6.0, 4000.0))),
        st.tuples(st.just("set_wall"), st.floats(-2 * DAY, 2 * DAY)),
        st.tuples(st.just("next"), st.just(0.0)),
        st.tuples(st.just("pause"), st.just(0.0)),
    ),
    max_size=30,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, boot=st.booleans())
def test_random_advances_suspends_and_clock_changes_keep_the_record_sane(make_protocol, ops, boot) -> None:  # noqa: ANN001
    clock = FakeClock() if boot else FakeClockNoBoot()
    engine = SessionEngine(build_plan(three_timed_then_untimed(make_protocol)), clock)
    engine.start()
    awake = 0.0
    fully_counted = 0.0  # suspends that ended with the session still going
    partly_counted = 0.0  # a suspend that the session ended in
    for op, value in ops:
        going = engine.state not in (State.FINISHED, State.STOPPED)
        if op == "advance":
            clock.advance(value)
            awake += value
        elif op == "suspend":
            clock.suspend(value)
        elif op == "set_wall":
            clock.set_wall(clock.wall() + value)
        elif op == "next" and going:
            engine.next()
        elif op == "pause" and going:
            engine.toggle()  # pause, or resume
        engine.poll()
        if op == "suspend" and boot and value > SLEEP_THRESHOLD and going:
            if engine.state in (State.FINISHED, State.STOPPED):
                partly_counted += value
            else:
                fully_counted += value
    engine.stop()
    slept = sum(run.slept for run in engine.runs)
    if boot:
        assert engine.slept_total == pytest.approx(sum(v for o, v in ops if o == "suspend" and v > SLEEP_THRESHOLD))
        assert fully_counted - 1e-6 <= slept <= fully_counted + partly_counted + 1e-6
    else:
        assert engine.slept_total == 0.0 and slept == 0.0
    for run in engine.runs:
        assert run.active >= 0 and run.slept >= 0 and run.paused >= 0
        assert run.ended_wall is not None and run.ended_wall >= run.started_wall - 1e-6
        assert run.outcome is not Outcome.RUNNING
    for before, after in zip(engine.runs, engine.runs[1:], strict=False):
        assert after.started_wall >= before.ended_wall - 1e-6
    # no step ran longer than the time that really passed
    total = sum(run.active + run.paused for run in engine.runs)
    assert total <= awake + engine.slept_total + 1e-6
    if not boot:
        assert total <= awake + 1e-6
