"""The session engine, driven by a fake clock: transitions, events, records, drift, suspend."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massage_timer.core.clock import FakeClock
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.events import (
    Adjusted,
    CueFired,
    EngineError,
    Event,
    Outcome,
    Paused,
    Resumed,
    SecondChanged,
    SecondsLeft,
    SessionFinished,
    SessionStopped,
    SleepDetected,
    State,
    StepEnded,
    WaitingForConfirmation,
)
from massage_timer.core.session.plan import PlanError, build_plan
from massage_timer.core.session.timing import SLEEP_THRESHOLD

START_WALL = FakeClock().wall()


class Session:
    """An engine on a fake clock plus every event it sent."""

    def __init__(self, plan, clock: FakeClock | None = None, **kwargs) -> None:
        self.clock = clock or FakeClock()
        self.engine = SessionEngine(plan, self.clock, **kwargs)
        self.events: list[Event] = []
        self.engine.subscribe(self.events.append)

    def of(self, kind: type[Event]) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    def take(self) -> list[Event]:
        """The events since the last call."""
        out, self.events[:] = list(self.events), []
        return out

    def tick(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.engine.poll()

    @property
    def snap(self):
        return self.engine.snapshot()


def names(events: list[Event]) -> list[str]:
    return [type(e).__name__ for e in events]


@pytest.fixture
def plan(make_protocol):
    """warm-up 5m (cues at 50% and -1m), cups (left) 2m waiting, rest untimed."""
    return build_plan(make_protocol(), side="left")


@pytest.fixture
def session(plan, fake_clock) -> Session:
    return Session(plan, fake_clock)


def long_protocol(make_protocol, third_waits: bool = False):
    """A 20-minute step, then 5 minutes, then 10 minutes, then an untimed step; all auto by default."""
    return make_protocol(
        steps=[
            {
                "id": "long",
                "title": "Long",
                "instructions": "x",
                "duration": {"min": "1m", "default": "20m", "max": "30m"},
                "cues": [{"at": "50%", "text": "half"}],
            },
            {
                "id": "short",
                "title": "Short",
                "instructions": "x",
                "duration": {"min": "1m", "default": "5m", "max": "10m"},
            },
            {
                "id": "third",
                "title": "Third",
                "instructions": "x",
                "duration": {"min": "1m", "default": "10m", "max": "10m"},
                "advance": "wait" if third_waits else "auto",
            },
            {"id": "done", "title": "Done", "instructions": "x"},
        ]
    )


# ------------------------------------------------------------------ idle and start


def test_idle_snapshot_shows_the_first_step(session):
    snap = session.snap
    assert snap.state is State.IDLE
    assert (snap.index, snap.count) == (0, 3)
    assert snap.remaining == 300.0 and snap.shown == 300
    assert snap.session_remaining == 300 + 120
    assert snap.untimed_left == 1
    assert snap.next_title == "Cups on (left side)"
    assert session.engine.next_wakeup() is None
    assert session.events == []


def test_an_empty_plan_is_refused(fake_clock):
    with pytest.raises(EngineError):
        SessionEngine([], fake_clock)


def test_start_runs_the_first_step(session):
    session.engine.start()
    assert session.engine.state is State.RUNNING
    assert names(session.events) == ["SessionStarted", "StepStarted", "SecondChanged"]
    started, step, second = session.events
    assert started.started_wall == START_WALL
    assert step.index == 0 and step.run.seq == 1 and step.run.planned == 300
    assert second == SecondChanged(0, State.RUNNING, 300)
    with pytest.raises(EngineError):
        session.engine.start()


def test_toggle_starts_pauses_and_resumes(session):
    engine = session.engine
    engine.toggle()
    assert engine.state is State.RUNNING
    session.tick(5)
    engine.toggle()
    assert engine.state is State.PAUSED
    session.clock.advance(7)
    engine.toggle()
    assert engine.state is State.RUNNING
    assert session.of(Resumed) == [Resumed(0, 7.0)]


# ------------------------------------------------------------------ pause and resume


def test_pause_freezes_the_countdown_and_is_recorded(session):
    engine = session.engine
    engine.start()
    session.tick(10)
    engine.pause()
    assert session.of(Paused) == [Paused(0)]
    session.clock.advance(50)
    session.take()
    engine.poll()
    assert session.events == []  # nothing moves while paused
    assert session.snap.remaining == 290.0 and session.snap.shown == 290
    assert engine.next_wakeup() is None
    engine.resume()
    assert session.of(Resumed) == [Resumed(0, 50.0)]
    assert session.snap.remaining == 290.0
    session.tick(289.5)
    assert engine.index == 0
    session.tick(0.5)
    assert engine.index == 1
    run = engine.runs[0]
    assert run.paused == 50.0
    assert run.active == 300.0
    assert run.outcome is Outcome.COMPLETED
    assert run.ended_wall - run.started_wall == pytest.approx(350.0, abs=1e-5)


def test_pause_and_resume_refuse_the_wrong_state(session):
    engine = session.engine
    with pytest.raises(EngineError):
        engine.pause()
    with pytest.raises(EngineError):
        engine.resume()
    engine.start()
    with pytest.raises(EngineError):
        engine.resume()
    engine.pause()
    with pytest.raises(EngineError):
        engine.pause()


def test_pause_exactly_when_the_step_ends_pauses_the_next_step(session):
    engine = session.engine
    engine.start()
    session.clock.advance(300)
    engine.pause()
    assert engine.index == 1 and engine.state is State.PAUSED
    assert engine.runs[0].active == 300.0


def test_pause_in_an_untimed_step_stops_the_stopwatch(session):
    engine = session.engine
    engine.start()
    session.tick(300)
    engine.next()  # confirm the cups
    assert engine.index == 2
    session.tick(30)
    engine.pause()
    session.clock.advance(100)
    assert session.snap.elapsed == 30.0
    engine.resume()
    session.tick(15)
    assert session.snap.elapsed == 45.0 and session.snap.remaining is None
    engine.next()
    run = engine.runs[-1]
    assert (run.active, run.paused, run.outcome) == (45.0, 100.0, Outcome.COMPLETED)


# ------------------------------------------------------------------ cues and warnings


def test_cues_fire_at_their_time_once(session):
    engine = session.engine
    engine.start()
    session.tick(149.9)
    assert session.of(CueFired) == []
    session.tick(0.1)  # 50% of 5 minutes
    assert [e.cue.text for e in session.of(CueFired)] == ["Change direction"]
    session.tick(89.9)
    assert len(session.of(CueFired)) == 1
    session.tick(0.1)  # "-1m": one minute before the end
    assert [e.cue.text for e in session.of(CueFired)] == ["Change direction", "One minute left"]
    for _ in range(20):
        session.tick(0.5)
    assert len(session.of(CueFired)) == 2


def test_cues_follow_an_adjusted_length(session):
    engine = session.engine
    engine.start()
    session.tick(100)
    engine.adjust(+300)  # 10 minutes: half time is now at 5 minutes
    session.tick(199)
    assert session.of(CueFired) == []
    session.tick(1)
    assert [e.cue.text for e in session.of(CueFired)] == ["Change direction"]


def test_seconds_left_fires_once(session):
    engine = session.engine
    engine.start()
    session.tick(289.5)
    assert session.of(SecondsLeft) == []
    session.tick(0.5)
    assert session.of(SecondsLeft) == [SecondsLeft(0, 10)]
    for _ in range(18):
        session.tick(0.5)
    assert session.of(SecondsLeft) == [SecondsLeft(0, 10)]
    session.tick(1)
    assert engine.index == 1
    assert session.of(SecondsLeft) == [SecondsLeft(0, 10)]


def test_seconds_left_comes_again_after_an_extension(session):
    engine = session.engine
    engine.start()
    session.tick(295)
    assert len(session.of(SecondsLeft)) == 1
    engine.adjust(+60)
    session.tick(55)
    assert len(session.of(SecondsLeft)) == 2


def test_seconds_left_can_be_turned_off(plan, fake_clock):
    s = Session(plan, fake_clock, warn_seconds=0)
    s.engine.start()
    for _ in range(300):
        s.tick(1)
    assert s.of(SecondsLeft) == []


# ------------------------------------------------------------------ step ends and waiting


def test_a_timed_step_ends_at_its_deadline_and_the_next_starts(session):
    engine = session.engine
    engine.start()
    session.tick(299.99)
    assert engine.index == 0
    session.take()
    session.tick(0.01)
    assert names(session.events)[:2] == ["StepEnded", "StepStarted"]
    ended, started = session.events[:2]
    assert ended.run.outcome is Outcome.COMPLETED and ended.run.active == 300.0
    assert started.index == 1 and started.run.seq == 2
    assert started.run.started_wall == pytest.approx(START_WALL + 300, abs=1e-5)


def test_a_wait_step_rings_and_waits_for_the_caregiver(session):
    engine = session.engine
    engine.start()
    session.tick(300)
    session.take()
    session.tick(120)
    assert engine.state is State.WAITING and engine.index == 1
    # a tick that jumps past the warning does not announce "10 seconds left" late
    assert names(session.events) == ["WaitingForConfirmation", "SecondChanged"]
    assert session.of(WaitingForConfirmation) == [WaitingForConfirmation(1)]
    assert session.of(SecondChanged)[-1] == SecondChanged(1, State.WAITING, 0)
    session.tick(30.5)
    snap = session.snap
    assert snap.state is State.WAITING and snap.overrun == 30.5 and snap.shown == 30
    assert snap.remaining == 0.0 and snap.fraction == 1.0
    assert session.of(WaitingForConfirmation) == [WaitingForConfirmation(1)]  # only once
    assert engine.next_wakeup() == pytest.approx(0.5)
    with pytest.raises(EngineError):
        engine.pause()
    engine.next()
    run = engine.runs[1]
    assert run.outcome is Outcome.COMPLETED
    assert run.overrun == 30.5
    assert run.active == 150.5  # the overrun is part of the time the cups stayed on
    assert engine.index == 2 and engine.state is State.RUNNING


def test_without_auto_advance_every_timed_step_waits(plan, fake_clock):
    s = Session(plan, fake_clock, auto_advance=False)
    s.engine.start()
    s.tick(300)
    assert s.engine.state is State.WAITING and s.engine.index == 0
    assert s.of(WaitingForConfirmation) == [WaitingForConfirmation(0)]
    s.engine.next()
    assert s.engine.runs[0].outcome is Outcome.COMPLETED
    s.tick(120)
    assert s.of(WaitingForConfirmation) == [WaitingForConfirmation(0), WaitingForConfirmation(1)]


def test_an_untimed_step_counts_up_until_done(session):
    engine = session.engine
    engine.start()
    session.tick(300)
    session.tick(120)
    engine.next()
    session.take()
    for _ in range(4):
        session.tick(1)
    assert [e.shown for e in session.of(SecondChanged)] == [1, 2, 3, 4]
    session.tick(10_000)
    assert engine.state is State.RUNNING  # never ends by itself
    assert engine.next_wakeup() == pytest.approx(1.0)
    engine.next()
    assert engine.state is State.FINISHED


def test_finish_reports_every_run(session):
    engine = session.engine
    engine.start()
    session.tick(300)
    session.tick(120)
    engine.next()
    session.tick(60)
    engine.next()
    finished = session.of(SessionFinished)
    assert len(finished) == 1
    runs = finished[0].runs
    assert [(r.step_id, r.side, r.outcome) for r in runs] == [
        ("warm-up", None, Outcome.COMPLETED),
        ("cups", "left", Outcome.COMPLETED),
        ("rest", None, Outcome.COMPLETED),
    ]
    assert [r.active for r in runs] == [300.0, 120.0, 60.0]
    assert engine.ended_wall == pytest.approx(START_WALL + 480, abs=1e-5)
    assert engine.snapshot().state is State.FINISHED
    assert engine.next_wakeup() is None
    for op in (engine.next, engine.previous, engine.pause, engine.resume, engine.start):
        with pytest.raises(EngineError):
            op()
    assert engine.adjust(30) == 0
    session.take()
    engine.stop()  # nothing left to stop
    assert session.events == []
    assert engine.state is State.FINISHED


# ------------------------------------------------------------------ next and previous


def test_next_while_running_skips_the_rest(session):
    engine = session.engine
    engine.start()
    session.tick(42)
    engine.next()
    run = engine.runs[0]
    assert (run.outcome, run.active) == (Outcome.SKIPPED, 42.0)
    assert engine.index == 1 and engine.state is State.RUNNING
    assert session.snap.remaining == 120.0


def test_next_while_paused_skips_and_keeps_the_pause(session):
    engine = session.engine
    engine.start()
    session.tick(42)
    engine.pause()
    session.clock.advance(8)
    engine.next()
    run = engine.runs[0]
    assert (run.outcome, run.active, run.paused) == (Outcome.SKIPPED, 42.0, 8.0)
    assert engine.state is State.RUNNING and engine.index == 1


def test_next_on_the_last_step_finishes(make_protocol, fake_clock):
    s = Session(build_plan(make_protocol(), side="left")[:1], fake_clock)
    s.engine.start()
    s.tick(10)
    s.engine.next()
    assert s.engine.state is State.FINISHED
    assert len(s.of(SessionFinished)) == 1


def test_next_from_idle_is_refused(session):
    with pytest.raises(EngineError):
        session.engine.next()
    with pytest.raises(EngineError):
        session.engine.previous()


def test_previous_at_the_first_step_restarts_it(session):
    engine = session.engine
    engine.start()
    session.tick(100)
    session.take()
    engine.previous()
    assert engine.index == 0 and engine.state is State.RUNNING
    assert names(session.events) == ["StepEnded", "StepStarted", "SecondChanged"]
    assert [(r.seq, r.index, r.outcome) for r in engine.runs] == [
        (1, 0, Outcome.SKIPPED),
        (2, 0, Outcome.RUNNING),
    ]
    assert session.snap.remaining == 300.0


def test_previous_goes_back_one_step(session):
    engine = session.engine
    engine.start()
    session.tick(300)
    session.tick(20)
    engine.previous()
    assert engine.index == 0 and engine.state is State.RUNNING
    assert engine.runs[1].outcome is Outcome.SKIPPED
    assert session.snap.remaining == 300.0


def test_previous_from_waiting_and_from_paused(session):
    engine = session.engine
    engine.start()
    session.tick(300)
    session.tick(125)
    assert engine.state is State.WAITING
    engine.previous()
    assert engine.runs[1].outcome is Outcome.COMPLETED  # its time was up
    assert engine.index == 0 and engine.state is State.RUNNING
    session.tick(10)
    engine.pause()
    engine.previous()
    assert engine.state is State.RUNNING and engine.index == 0
    assert engine.runs[-2].outcome is Outcome.SKIPPED


# ------------------------------------------------------------------ adjust and set_planned


def test_adjust_moves_the_deadline(session):
    engine = session.engine
    engine.start()
    session.tick(100)
    assert engine.adjust(+60) == 60
    assert session.of(Adjusted) == [Adjusted(0, 360, 60, False)]
    assert session.snap.remaining == 260.0
    session.tick(259.9)
    assert engine.index == 0
    session.tick(0.1)
    assert engine.index == 1
    run = engine.runs[0]
    assert (run.planned, run.initial_planned, run.extensions, run.adjusted) == (360, 300, 1, 60)
    assert run.active == 360.0 and run.overridden is False


def test_adjust_is_clamped_to_the_range(session):
    engine = session.engine
    engine.start()
    session.tick(10)
    assert engine.adjust(+10_000) == 300  # max 10 minutes
    assert engine.adjust(+1) == 0  # already at the max: nothing happens
    assert len(session.of(Adjusted)) == 1
    assert engine.adjust(-10_000) == -480  # min 2 minutes
    assert engine.adjust(-1) == 0
    assert session.snap.remaining == 110.0
    run = engine.runs[0]
    assert (run.planned, run.extensions, run.adjusted, run.overridden) == (120, 2, -180, False)


def test_adjust_beyond_the_range_needs_an_override(session):
    engine = session.engine
    engine.start()
    assert engine.adjust(+400, override=True) == 400
    assert session.of(Adjusted) == [Adjusted(0, 700, 400, True)]
    assert engine.runs[0].overridden is True
    assert session.snap.remaining == 700.0
    assert engine.adjust(-690, override=True) == -690
    assert session.snap.remaining == 10.0


def test_adjust_never_cuts_below_the_time_already_spent(session):
    engine = session.engine
    engine.start()
    session.tick(200.5)
    applied = engine.adjust(-200, override=True)
    assert applied == 201 - 300  # planned becomes 201 s: half a second left
    assert session.snap.remaining == pytest.approx(0.5)
    session.tick(0.5)
    assert engine.index == 1


def test_adjust_while_paused(session):
    engine = session.engine
    engine.start()
    session.tick(50)
    engine.pause()
    assert engine.adjust(+30) == 30
    assert session.snap.remaining == 280.0
    session.clock.advance(1000)
    engine.resume()
    session.tick(280)
    assert engine.index == 1 and engine.runs[0].active == 330.0


def test_adjust_does_nothing_where_it_cannot_apply(session):
    engine = session.engine
    assert engine.adjust(30) == 0  # idle
    engine.start()
    session.tick(300)
    session.tick(120)
    assert engine.state is State.WAITING
    assert engine.adjust(30) == 0
    engine.next()
    assert engine.adjust(30) == 0  # untimed
    assert session.of(Adjusted) == []


def test_set_planned_before_the_session(session):
    engine = session.engine
    engine.set_planned(0, 180)
    engine.set_planned(1, 60)
    assert session.snap.shown == 180 and session.snap.session_remaining == 240
    with pytest.raises(PlanError):
        engine.set_planned(0, 11 * 60)
    with pytest.raises(PlanError):
        engine.set_planned(0, 30)
    with pytest.raises(PlanError):
        engine.set_planned(2, 60)  # the untimed step
    engine.set_planned(1, 600, override=True)
    engine.start()
    session.tick(180)
    assert engine.index == 1 and engine.runs[0].planned == 180
    assert session.snap.remaining == 600.0


def test_set_planned_during_the_step_and_for_a_later_one(session):
    engine = session.engine
    engine.start()
    session.tick(60)
    engine.set_planned(0, 8 * 60)
    assert session.snap.remaining == 420.0
    assert session.of(Adjusted) == [Adjusted(0, 480, 180, False)]
    engine.set_planned(1, 45)
    with pytest.raises(PlanError):
        engine.set_planned(0, 20 * 60)
    assert session.snap.remaining == 420.0
    session.tick(420)
    assert engine.index == 1 and session.snap.remaining == 45.0
    engine.pause()
    engine.set_planned(1, 90)
    assert session.snap.remaining == 90.0


# ------------------------------------------------------------------ stop


def test_stop_from_idle(session):
    session.engine.stop()
    assert session.engine.state is State.STOPPED
    assert session.events == [SessionStopped(())]
    with pytest.raises(EngineError):
        session.engine.start()


@pytest.mark.parametrize("where", ["running", "paused", "waiting", "untimed"])
def test_stop_keeps_the_runs_and_marks_the_last(session, where):
    engine = session.engine
    engine.start()
    if where == "running":
        session.tick(30)
    elif where == "paused":
        session.tick(30)
        engine.pause()
        session.clock.advance(5)
    elif where == "waiting":
        session.tick(300)
        session.tick(130)
    else:
        session.tick(300)
        session.tick(120)
        engine.next()
        session.tick(30)
    engine.stop()
    assert engine.state is State.STOPPED
    stopped = session.of(SessionStopped)
    assert len(stopped) == 1
    last = stopped[0].runs[-1]
    assert last.outcome is Outcome.STOPPED and last.ended_wall is not None
    assert last.active == {"running": 30.0, "paused": 30.0, "waiting": 130.0, "untimed": 30.0}[where]
    if where == "paused":
        assert last.paused == 5.0
    if where == "waiting":
        assert last.overrun == 10.0
    assert all(r.outcome is not Outcome.RUNNING for r in engine.runs)
    assert engine.ended_wall == session.clock.wall()
    session.take()
    engine.stop()
    engine.poll()
    assert session.events == []
    assert engine.next_wakeup() is None


# ------------------------------------------------------------------ listeners


def test_a_listener_may_call_back_into_the_engine(session):
    engine = session.engine

    def confirm(event: Event) -> None:
        if isinstance(event, WaitingForConfirmation):
            engine.next()

    engine.subscribe(confirm)
    engine.start()
    session.tick(300)
    session.tick(120)
    assert engine.index == 2 and engine.state is State.RUNNING
    kinds = names(session.events)
    assert kinds.index("WaitingForConfirmation") < kinds.index("StepEnded", kinds.index("WaitingForConfirmation"))
    engine.unsubscribe(confirm)
    engine.unsubscribe(session.events.append)
    session.take()
    engine.next()
    assert session.events == []


# ------------------------------------------------------------------ plans


def test_plan_for_one_side_and_for_both(make_protocol):
    protocol = make_protocol()
    left = build_plan(protocol, side="left")
    assert [(p.step.id, p.side, p.planned) for p in left] == [
        ("warm-up", None, 300),
        ("cups", "left", 120),
        ("rest", None, None),
    ]
    both = build_plan(protocol, side="both")
    assert [(p.step.id, p.side) for p in both] == [
        ("warm-up", None),
        ("cups", "left"),
        ("cups", "right"),
        ("rest", None),
    ]
    assert [p.title for p in both[1:3]] == ["Cups on (left side)", "Cups on (right side)"]
    assert [(p.timed, p.waits, p.min, p.max) for p in both[:2]] == [
        (True, False, 120, 600),
        (True, True, 30, 300),
    ]
    assert both[3].waits and not both[3].timed and both[3].planned is None
    unsided = build_plan(protocol)
    assert [p.side for p in unsided] == [None, None, None]
    assert unsided[1].title == "Cups on"


def test_a_block_of_per_side_steps_repeats_as_a_block(make_protocol):
    def step(ident, per_side=False):
        return {
            "id": ident,
            "title": ident,
            "instructions": "x",
            "per_side": per_side,
            "image": "illustrations/{side}.svg",
            "duration": {"min": "10s", "default": "20s", "max": "30s"},
        }

    protocol = make_protocol(steps=[step("a"), step("b", True), step("c", True), step("d"), step("e", True)])
    plan = build_plan(protocol, side="both")
    assert [(p.step.id, p.side) for p in plan] == [
        ("a", None),
        ("b", "left"),
        ("c", "left"),
        ("b", "right"),
        ("c", "right"),
        ("d", None),
        ("e", "left"),
        ("e", "right"),
    ]
    assert plan[1].image == "illustrations/left.svg" and plan[3].image == "illustrations/right.svg"
    right = build_plan(protocol, side="right")
    assert [(p.step.id, p.side) for p in right] == [
        ("a", None),
        ("b", "right"),
        ("c", "right"),
        ("d", None),
        ("e", "right"),
    ]


def test_per_side_steps_run_through_the_engine(make_protocol, fake_clock):
    s = Session(build_plan(make_protocol(), side="both"), fake_clock)
    s.engine.start()
    s.tick(300)
    s.tick(120)
    s.engine.next()
    s.tick(120)
    s.engine.next()
    s.engine.next()
    assert [(r.step_id, r.side, r.index) for r in s.engine.runs] == [
        ("warm-up", None, 0),
        ("cups", "left", 1),
        ("cups", "right", 2),
        ("rest", None, 3),
    ]
    assert s.engine.state is State.FINISHED


def test_plan_variants(make_protocol):
    steps = [
        {"id": "back", "title": "Back", "instructions": "x"},
        {"id": "leg", "title": "Leg", "instructions": "x", "variants": ["lower"]},
        {"id": "arms", "title": "Arms", "instructions": "x", "variants": ["upper"]},
    ]
    variants = [{"id": "lower", "title": "Lower"}, {"id": "upper", "title": "Upper"}]
    protocol = make_protocol(steps=steps, variants=variants)
    assert [p.step.id for p in build_plan(protocol, variant="lower")] == ["back", "leg"]
    assert [p.step.id for p in build_plan(protocol, variant="upper")] == ["back", "arms"]
    assert [p.step.id for p in build_plan(protocol)] == ["back", "leg"]  # the first variant
    with pytest.raises(PlanError, match="no variant 'middle'"):
        build_plan(protocol, variant="middle")


def test_plan_durations_are_checked(make_protocol):
    protocol = make_protocol()
    plan = build_plan(protocol, side="left", durations={"warm-up": 120, "cups": 300})
    assert [p.planned for p in plan] == [120, 300, None]
    for bad in ({"warm-up": 119}, {"warm-up": 601}, {"cups": 0}, {"rest": 60}, {"nope": 60}):
        with pytest.raises(PlanError):
            build_plan(protocol, side="left", durations=bad)


# ------------------------------------------------------------------ next_wakeup


def test_next_wakeup_values(session, make_protocol):
    engine = session.engine
    assert engine.next_wakeup() is None  # idle
    engine.start()
    assert engine.next_wakeup() == 1.0
    session.tick(0.25)
    assert engine.next_wakeup() == 0.75
    session.tick(289.5)  # 10.25 s left: the warning is 0.25 s away
    assert engine.next_wakeup() == pytest.approx(0.25)
    engine.pause()
    assert engine.next_wakeup() is None
    engine.resume()
    session.tick(10.25)
    session.tick(119.5)  # cups: half a second left
    assert engine.next_wakeup() == pytest.approx(0.5)
    session.tick(0.7)
    assert engine.state is State.WAITING
    assert engine.next_wakeup() == pytest.approx(0.8)  # the overrun counter's next second
    engine.next()
    session.tick(0.1)
    assert engine.next_wakeup() == pytest.approx(0.9)  # the stopwatch's next second
    engine.stop()
    assert engine.next_wakeup() is None


def test_next_wakeup_wakes_for_a_cue_between_two_seconds(make_protocol, fake_clock):
    protocol = make_protocol(
        steps=[
            {
                "id": "only",
                "title": "Only",
                "instructions": "x",
                "duration": {"min": "15s", "default": "15s", "max": "15s"},
                "cues": [{"at": "50%", "text": "half"}],  # 7.5 s
            }
        ]
    )
    s = Session(build_plan(protocol), fake_clock, warn_seconds=0)
    s.engine.start()
    s.tick(7.1)
    assert s.engine.next_wakeup() == pytest.approx(0.4)
    s.tick(0.4)
    assert len(s.of(CueFired)) == 1
    assert s.engine.next_wakeup() == pytest.approx(0.5)


# ------------------------------------------------------------------ drift

DRIFT_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@DRIFT_SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    small_share=st.floats(0.5, 0.9),
    start_offset=st.floats(0.0, 1.0),
)
def test_irregular_ticks_end_a_20_minute_step_at_its_deadline(make_protocol, seed, small_share, start_offset):
    rng = random.Random(seed)
    clock = FakeClock()
    clock.advance(start_offset)
    s = Session(build_plan(long_protocol(make_protocol)), clock)
    s.engine.start()
    deadline = clock.monotonic() + 1200
    ticks = 0
    last_shown = 1200
    while s.engine.index == 0:
        gap = rng.uniform(0.001, 0.05) if rng.random() < small_share else rng.uniform(0.001, 2.5)
        clock.advance(gap)
        s.engine.poll()
        ticks += 1
        if s.engine.index == 0:
            snap = s.snap
            assert snap.remaining == pytest.approx(deadline - clock.monotonic(), abs=1e-6)
            assert snap.shown <= last_shown  # the display never goes back up
            last_shown = snap.shown
    assert ticks >= 1000
    late = clock.monotonic() - deadline  # when a tick first saw the end
    assert 0 <= late < 2.5
    first = s.of(StepEnded)[0].run
    second = s.engine.runs[1]
    # the records know the true end, however late the tick was
    assert first.active == 1200.0
    # wall times are ~1.8e9 s floats moved by thousands of small steps: microsecond rounding
    assert first.ended_wall - first.started_wall == pytest.approx(1200.0, abs=1e-3)
    assert second.started_wall == first.ended_wall
    assert s.snap.remaining == pytest.approx(300.0 - late, abs=1e-6)
    shown = [e.shown for e in s.of(SecondChanged) if e.index == 0]
    assert shown == sorted(set(shown), reverse=True)  # no repeats, in order


@DRIFT_SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    max_jitter=st.sampled_from([0.0, 0.001, 0.3]),
    start_offset=st.floats(0.0, 1.0),
)
def test_ui_style_ticks_show_every_second_exactly_once(make_protocol, seed, max_jitter, start_offset):
    """Ticks at ``next_wakeup()`` plus a timer's lateness: every second N..1 shows once, in order."""
    rng = random.Random(seed)
    clock = FakeClock()
    clock.advance(start_offset)
    s = Session(build_plan(long_protocol(make_protocol, third_waits=True)), clock)
    s.engine.start()
    wasted = 0

    def tick_until(done) -> None:
        nonlocal wasted
        for _ in range(5_000):
            if done():
                return
            wake = s.engine.next_wakeup()
            assert wake is not None and 0 < wake <= 1.0 + 1e-9
            before = len(s.events)
            clock.advance(wake + rng.uniform(0, max_jitter))
            s.engine.poll()
            wasted += len(s.events) == before
        raise AssertionError("the session did not move on")

    tick_until(lambda: s.engine.state is State.WAITING)
    # the overrun counter of the waiting step, then the stopwatch of the untimed step
    tick_until(lambda: s.snap.shown == 90)
    s.engine.next()
    tick_until(lambda: s.snap.shown == 90)
    assert s.engine.index == 3
    assert wasted == 0  # every wake-up found something to show
    for index, length in ((0, 1200), (1, 300), (2, 600)):
        shown = [e.shown for e in s.of(SecondChanged) if e.index == index and e.state is State.RUNNING]
        assert shown == list(range(length, 0, -1))
    overrun = [e.shown for e in s.of(SecondChanged) if e.index == 2 and e.state is State.WAITING]
    assert overrun == list(range(0, 91))
    stopwatch = [e.shown for e in s.of(SecondChanged) if e.index == 3]
    assert stopwatch == list(range(0, 91))
    third = s.engine.runs[2]
    assert [r.active for r in s.engine.runs[:2]] == [1200.0, 300.0]
    assert 90 <= third.overrun < 91 and third.active == 600.0 + third.overrun
    assert [e.cue.text for e in s.of(CueFired)] == ["half"]
    assert len(s.of(SecondsLeft)) == 3


def test_a_blocked_loop_still_ends_the_step_at_its_deadline(make_protocol, fake_clock):
    s = Session(build_plan(long_protocol(make_protocol)), fake_clock)
    s.engine.start()
    s.tick(1198.5)
    fake_clock.advance(3.0)  # the event loop was blocked for 3 s
    s.engine.poll()
    assert s.of(SleepDetected) == []
    first = s.engine.runs[0]
    assert (first.outcome, first.active) == (Outcome.COMPLETED, 1200.0)
    assert s.engine.runs[1].started_wall == pytest.approx(START_WALL + 1200, abs=1e-5)
    assert s.snap.remaining == pytest.approx(298.5)


# ------------------------------------------------------------------ suspend


def test_a_suspend_keeps_the_session_running_in_real_time(make_protocol, fake_clock):
    s = Session(build_plan(long_protocol(make_protocol)), fake_clock)
    s.engine.start()
    s.tick(250)
    fake_clock.suspend(1800)  # the laptop sleeps; the cups stay on
    s.engine.poll()
    sleeps = s.of(SleepDetected)
    assert len(sleeps) == 1
    assert sleeps[0].seconds == pytest.approx(1800)
    assert sleeps[0].steps_ended == 2
    assert (sleeps[0].index, sleeps[0].state) == (2, State.RUNNING)
    runs = s.engine.runs
    assert [(r.step_id, r.outcome) for r in runs] == [
        ("long", Outcome.COMPLETED),
        ("short", Outcome.COMPLETED),
        ("third", Outcome.RUNNING),
    ]
    assert [r.active for r in runs[:2]] == [1200.0, 300.0]
    # chained from the real deadlines, in wall time
    assert runs[0].ended_wall == pytest.approx(START_WALL + 1200, abs=1e-5)
    assert runs[1].started_wall == pytest.approx(START_WALL + 1200, abs=1e-5)
    assert runs[1].ended_wall == pytest.approx(START_WALL + 1500, abs=1e-5)
    assert runs[2].started_wall == pytest.approx(START_WALL + 1500, abs=1e-5)
    assert s.snap.remaining == pytest.approx(600 - 550)
    assert s.engine.slept_total == pytest.approx(1800)
    assert [e.cue.text for e in s.of(CueFired)] == ["half"]
    s.tick(1)
    assert len(s.of(SleepDetected)) == 1  # reported once
    s.tick(49)
    assert s.engine.index == 3


def test_a_suspend_that_outlasts_the_session_finishes_it(make_protocol, fake_clock):
    s = Session(build_plan(long_protocol(make_protocol))[:1], fake_clock)
    s.engine.start()
    s.tick(100)
    fake_clock.suspend(1800)
    s.engine.poll()
    assert s.engine.state is State.FINISHED
    sleep = s.of(SleepDetected)[0]
    assert (sleep.steps_ended, sleep.state) == (1, State.FINISHED)
    assert s.engine.runs[0].active == 1200.0
    assert s.engine.ended_wall == pytest.approx(START_WALL + 1200, abs=1e-5)


def test_a_suspend_while_paused_keeps_the_step_paused(make_protocol, fake_clock):
    s = Session(build_plan(long_protocol(make_protocol)), fake_clock)
    s.engine.start()
    s.tick(300)
    s.engine.pause()
    fake_clock.suspend(1800)
    s.engine.poll()
    sleep = s.of(SleepDetected)[0]
    assert (sleep.seconds, sleep.state, sleep.steps_ended) == (pytest.approx(1800), State.PAUSED, 0)
    assert s.snap.remaining == 900.0
    fake_clock.advance(20)
    s.engine.resume()
    assert s.of(Resumed)[0].paused_for == pytest.approx(1820)
    s.tick(900)
    run = s.engine.runs[0]
    assert (run.active, run.paused) == (1200.0, pytest.approx(1820))


def test_a_suspend_while_waiting_counts_as_overrun(make_protocol, fake_clock):
    s = Session(build_plan(make_protocol(), side="left"), fake_clock)
    s.engine.start()
    s.tick(300)
    s.tick(125)
    fake_clock.suspend(600)
    s.engine.poll()
    assert s.of(SleepDetected)[0].state is State.WAITING
    assert s.snap.overrun == pytest.approx(605)
    s.engine.next()
    assert s.engine.runs[1].overrun == pytest.approx(605)


def test_a_suspend_before_the_start_is_reported_and_harmless(session):
    session.engine.snapshot()
    session.clock.suspend(3600)
    session.engine.snapshot()
    assert session.of(SleepDetected) == [SleepDetected(3600.0, None, State.IDLE, 0)]
    session.engine.start()
    assert session.snap.remaining == 300.0


def test_setting_the_wall_clock_back_is_not_a_suspend(make_protocol, fake_clock):
    s = Session(build_plan(long_protocol(make_protocol)), fake_clock)
    s.engine.start()
    s.tick(600)
    fake_clock.set_wall(fake_clock.wall() - 3600)
    s.tick(1)
    assert s.of(SleepDetected) == []
    assert s.snap.remaining == 599.0
    s.tick(599)
    assert s.engine.index == 1 and s.engine.runs[0].active == 1200.0


def test_small_clock_disagreements_are_not_a_suspend(make_protocol, fake_clock):
    s = Session(build_plan(long_protocol(make_protocol)), fake_clock)
    s.engine.start()
    s.tick(10)
    fake_clock.suspend(SLEEP_THRESHOLD - 0.5)  # too short to tell from the clocks' own jitter
    s.tick(1)
    assert s.of(SleepDetected) == []
    assert s.snap.remaining == 1189.0


def test_with_boot_time_a_wall_clock_jump_forward_is_not_a_suspend(make_protocol):
    clock = FakeClock()  # its boot time counts suspends but ignores clock changes
    s = Session(build_plan(long_protocol(make_protocol)), clock)
    s.engine.start()
    s.tick(100)
    clock.set_wall(clock.wall() + 3600)
    s.tick(1)
    assert s.of(SleepDetected) == []
    assert s.snap.remaining == 1099.0
    clock.suspend(600)
    s.tick(1)
    assert [e.seconds for e in s.of(SleepDetected)] == [600.0]
    assert s.snap.remaining == 498.0


def test_a_second_next_within_the_bounce_time_is_ignored_and_counted(plan) -> None:
    session = Session(plan, bounce_seconds=0.7)
    engine = session.engine
    engine.start()
    engine.next()  # the warm-up: ended by the caregiver
    assert engine.index == 1
    session.tick(0.04)
    engine.next()  # the pedal bounced 40 ms later: ignored
    session.tick(0.3)
    engine.previous()  # and once more, backwards: ignored too
    assert engine.index == 1
    assert engine.runs[-1].bounced == 2
    session.tick(0.7)
    engine.next()  # a deliberate press later: it moves
    assert engine.index == 2
    assert engine.runs[-2].bounced == 2 and engine.runs[-2].step_id == "cups"
    assert engine.runs[0].bounced == 0


def test_without_a_bounce_time_every_press_moves(plan) -> None:
    session = Session(plan)
    engine = session.engine
    engine.start()
    engine.next()
    session.tick(0.04)
    engine.next()
    assert engine.index == 2 and all(r.bounced == 0 for r in engine.runs)
