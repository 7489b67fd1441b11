"""Steps that run on the body (``body_timer``): a pause stops the guidance, never the step's time.

Driven by the built-in static cupping and honey protocols on a fake clock.
"""

from __future__ import annotations

import pytest
from engine_rig import JARS, MINUTE, Session, builtin

from massage_timer.core.clock import FakeClock
from massage_timer.core.session.events import (
    CueFired,
    Outcome,
    Paused,
    Resumed,
    SecondChanged,
    SecondsLeft,
    SessionFinished,
    State,
    StepEnded,
    WaitingForConfirmation,
)
from massage_timer.core.session.plan import build_plan


def cupping(clock: FakeClock, jars_minutes: int = 15, **kwargs) -> Session:
    """Static cupping, started and brought to the jars step (planned ``jars_minutes``)."""
    plan = build_plan(builtin("cupping-static"), durations={"cover-and-wait": jars_minutes * MINUTE})
    assert plan[JARS].step.id == "cover-and-wait" and plan[JARS].body_timer
    s = Session(plan, clock, **kwargs)
    s.engine.start()
    s.tick(3 * MINUTE)  # warm-up ends by itself
    s.engine.next()  # the torch and the jars are ready
    assert s.engine.index == JARS and s.engine.state is State.RUNNING
    s.events.clear()
    return s


def test_the_issue_15_minutes_paused_on_the_jars_still_end_at_the_planned_time(fake_clock: FakeClock) -> None:
    s = cupping(fake_clock)
    engine = s.engine
    started = fake_clock.wall()
    engine.pause()
    assert s.of(Paused) == [Paused(JARS, guidance_only=True)]
    snap = engine.snapshot()
    assert snap.state is State.PAUSED and snap.body_timer and snap.guidance_paused
    assert snap.ends_at_wall == pytest.approx(started + 15 * MINUTE)

    s.tick(5 * MINUTE, every=1)
    snap = engine.snapshot()
    assert snap.state is State.PAUSED
    assert snap.remaining == pytest.approx(10 * MINUTE)  # the countdown goes on while paused
    assert snap.shown == 10 * MINUTE
    assert snap.ends_at_wall == pytest.approx(started + 15 * MINUTE)  # the end does not move
    assert engine.next_wakeup() == pytest.approx(1.0)  # the screen keeps counting down

    s.tick(10 * MINUTE - 1, every=1)
    assert engine.state is State.PAUSED
    s.tick(1)
    assert engine.state is State.WAITING and engine.index == JARS  # time is up, on time
    assert s.of(WaitingForConfirmation) == [WaitingForConfirmation(JARS)]
    # The guidance was paused: the "1 minute left" cue and the seconds-left warning stayed silent.
    assert s.of(CueFired) == [] and s.of(SecondsLeft) == []
    snap = engine.snapshot()
    assert snap.overrun == 0.0 and not snap.guidance_paused
    assert snap.ends_at_wall == pytest.approx(started + 15 * MINUTE)  # when it ended

    engine.next()  # the jars come off
    run = engine.runs[-2]
    assert run.step_id == "cover-and-wait" and run.outcome is Outcome.COMPLETED
    assert run.body_timer is True
    assert run.active == 15 * MINUTE  # the time on the body is the planned time
    assert run.guidance_paused == 15 * MINUTE
    assert run.paused == 0.0  # the step's time never stood still
    assert run.ended_wall - run.started_wall == pytest.approx(15 * MINUTE, abs=1e-5)


def test_a_late_look_still_ends_the_paused_body_step_at_its_deadline(fake_clock: FakeClock) -> None:
    s = cupping(fake_clock)
    s.engine.pause()
    s.tick(16 * MINUTE + 40)  # one look, long after the deadline
    assert s.engine.state is State.WAITING
    snap = s.engine.snapshot()
    assert snap.overrun == pytest.approx(100.0)
    s.engine.next()
    run = s.engine.runs[-2]
    assert run.overrun == pytest.approx(100.0)
    assert run.active == pytest.approx(15 * MINUTE + 100.0)
    assert run.guidance_paused == pytest.approx(15 * MINUTE)  # the guidance came back with the alarm


def test_resume_continues_the_guidance_and_keeps_the_deadline(fake_clock: FakeClock) -> None:
    s = cupping(fake_clock)
    engine = s.engine
    s.tick(5 * MINUTE, every=1)
    engine.pause()
    s.tick(5 * MINUTE, every=1)
    engine.resume()
    assert s.of(Resumed) == [Resumed(JARS, 5 * MINUTE, guidance_only=True)]
    snap = engine.snapshot()
    assert snap.state is State.RUNNING and not snap.guidance_paused
    assert snap.remaining == pytest.approx(5 * MINUTE)
    s.tick(5 * MINUTE - 1, every=1)
    assert engine.state is State.RUNNING
    assert [c.cue.text for c in s.of(CueFired)] == ["1 minute left: get ready to remove the jars"]
    s.tick(1)
    assert engine.state is State.WAITING
    engine.next()
    run = engine.runs[-2]
    assert (run.active, run.guidance_paused, run.paused) == (15 * MINUTE, 5 * MINUTE, 0.0)


def test_a_cue_whose_moment_passes_in_the_pause_is_not_given_afterwards(fake_clock: FakeClock) -> None:
    s = cupping(fake_clock)
    s.tick(13 * MINUTE, every=1)
    s.engine.pause()
    s.tick(90, every=1)  # the "-1m" cue's moment passes
    s.engine.resume()
    s.tick(29, every=1)
    assert s.of(CueFired) == []
    assert s.of(SecondsLeft) == [SecondsLeft(JARS, 10)]  # due after the resume: given
    s.tick(1)
    assert s.engine.state is State.WAITING


def test_while_paused_on_a_body_step_the_screen_hears_each_second(fake_clock: FakeClock) -> None:
    s = cupping(fake_clock)
    s.engine.pause()
    s.events.clear()
    s.tick(3, every=0.5)
    shown = [e.shown for e in s.of(SecondChanged)]
    assert shown == [15 * MINUTE, 15 * MINUTE - 1, 15 * MINUTE - 2, 15 * MINUTE - 3]
    assert {e.state for e in s.of(SecondChanged)} == {State.PAUSED}


def test_an_ordinary_step_still_stops_its_time_on_pause(fake_clock: FakeClock) -> None:
    plan = build_plan(builtin("cupping-static"))
    s = Session(plan, fake_clock)
    engine = s.engine
    engine.start()
    s.tick(60)
    engine.pause()
    assert s.of(Paused) == [Paused(0)]
    before = engine.snapshot()
    assert not before.body_timer and not before.guidance_paused
    s.tick(10 * MINUTE, every=1)
    snap = engine.snapshot()
    assert snap.remaining == pytest.approx(2 * MINUTE) and engine.index == 0  # frozen
    # Paused, the step would end in 2 minutes if resumed now: its end moves on with the pause.
    assert snap.ends_at_wall == pytest.approx(fake_clock.wall() + 2 * MINUTE)
    assert engine.next_wakeup() is None
    engine.resume()
    s.tick(2 * MINUTE)
    run = engine.runs[0]
    assert (run.active, run.paused, run.guidance_paused, run.body_timer) == (3 * MINUTE, 10 * MINUTE, 0.0, False)


def test_a_body_step_that_moves_on_by_itself_in_a_pause_leaves_the_next_step_paused(fake_clock: FakeClock) -> None:
    plan = build_plan(builtin("honey"))
    assert [p.step.id for p in plan][:3] == ["apply-honey", "absorb", "rub-in"]
    s = Session(plan, fake_clock)
    engine = s.engine
    engine.start()
    engine.next()  # the honey is on
    engine.pause()
    assert s.of(Paused) == [Paused(1, guidance_only=True)]
    s.tick(150 + 40, every=1)  # absorbing takes 2m30s; 40 s more pass
    assert engine.index == 2 and engine.state is State.PAUSED
    assert s.of(Paused)[-1] == Paused(2)  # the new step waits, paused
    absorb = engine.runs[1]
    assert (absorb.outcome, absorb.active, absorb.guidance_paused) == (Outcome.COMPLETED, 150.0, 150.0)
    assert absorb.ended_wall - absorb.started_wall == pytest.approx(150.0, abs=1e-5)
    assert engine.snapshot().elapsed == 0.0  # rubbing in has not begun
    engine.resume()
    assert s.of(Resumed)[-1] == Resumed(2, pytest.approx(40.0))
    s.tick(20)
    assert engine.snapshot().elapsed == pytest.approx(20.0)
    engine.next()
    assert engine.runs[2].paused == pytest.approx(40.0)


def test_a_paused_last_body_step_finishes_the_session_at_its_deadline(fake_clock: FakeClock) -> None:
    plan = build_plan(builtin("cupping-static"))
    s = Session(plan, fake_clock)
    engine = s.engine
    engine.start()
    while engine.planned().step.id != "rest":
        engine.next()
    assert engine.planned().body_timer
    engine.pause()
    s.tick(30 * MINUTE, every=7)
    assert engine.state is State.FINISHED
    assert len(s.of(SessionFinished)) == 1
    rest = engine.runs[-1]
    assert (rest.active, rest.guidance_paused, rest.outcome) == (30 * MINUTE, 30 * MINUTE, Outcome.COMPLETED)


def test_next_and_stop_while_paused_on_a_body_step_count_the_time_on_the_body(fake_clock: FakeClock) -> None:
    s = cupping(fake_clock)
    s.tick(2 * MINUTE)
    s.engine.pause()
    s.tick(3 * MINUTE)
    s.engine.next()  # jars off early
    run = s.of(StepEnded)[-1].run
    assert (run.outcome, run.active, run.guidance_paused, run.paused) == (Outcome.SKIPPED, 300.0, 180.0, 0.0)

    t = cupping(FakeClock())
    t.tick(60)
    t.engine.pause()
    t.clock.advance(30)
    t.engine.stop()
    run = t.engine.runs[-1]
    assert (run.outcome, run.active, run.guidance_paused) == (Outcome.STOPPED, 90.0, 30.0)


def test_adjusting_a_body_step_in_a_pause_moves_its_end(fake_clock: FakeClock) -> None:
    s = cupping(fake_clock)
    started = fake_clock.wall()
    s.engine.pause()
    s.tick(60)
    assert s.engine.adjust(+2 * MINUTE) == 2 * MINUTE
    snap = s.engine.snapshot()
    assert snap.remaining == pytest.approx(16 * MINUTE) and snap.guidance_paused
    assert snap.ends_at_wall == pytest.approx(started + 17 * MINUTE)


def test_ends_at_wall_follows_the_session_not_a_wall_clock_set_back(fake_clock: FakeClock) -> None:
    s = cupping(fake_clock)
    started = fake_clock.wall()
    fake_clock.set_wall(started - 3600)  # someone sets the clock back an hour
    s.tick(60)
    assert s.engine.snapshot().ends_at_wall == pytest.approx(started + 15 * MINUTE)


def test_a_suspend_while_paused_on_the_jars_ends_the_step_on_time(fake_clock: FakeClock) -> None:
    s = cupping(fake_clock)
    s.engine.pause()
    s.tick(60)
    fake_clock.suspend(20 * MINUTE)  # the laptop sleeps; the jars stay on
    s.engine.poll()
    assert s.engine.state is State.WAITING and s.engine.index == JARS
    snap = s.engine.snapshot()
    assert snap.overrun == pytest.approx(6 * MINUTE)
    assert snap.over_max  # 21 minutes on: past the article's 20
