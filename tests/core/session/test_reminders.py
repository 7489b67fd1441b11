"""Alarms that keep asking: reminders while a step waits, snoozing them, and the hard warning
when jars stay on past the article's maximum. Everything on a fake clock."""

from __future__ import annotations

import pytest
from engine_rig import JARS, MINUTE, Session, builtin

from massage_timer.core.clock import FakeClock
from massage_timer.core.protocols.reading import read_protocol
from massage_timer.core.resources import builtin_protocols_dir, resources_dir
from massage_timer.core.session.events import (
    BodyLimitPassed,
    EngineError,
    ReminderDue,
    Snoozed,
    State,
)
from massage_timer.core.session.plan import build_plan

MAX = 20 * MINUTE


def waiting_on_the_jars(clock: FakeClock, jars_minutes: int = 15, **kwargs) -> Session:
    """Static cupping, brought to the moment the jars step rings (planned ``jars_minutes``)."""
    plan = build_plan(builtin("cupping-static"), durations={"cover-and-wait": jars_minutes * MINUTE})
    s = Session(plan, clock, **kwargs)
    s.engine.start()
    s.tick(3 * MINUTE)
    s.engine.next()  # the torch and the jars are ready
    assert s.engine.index == JARS
    s.tick(jars_minutes * MINUTE)
    assert s.engine.state is State.WAITING
    s.events.clear()
    return s


# ------------------------------------------------------------------ reminders


def test_reminders_every_30_seconds_while_waiting(fake_clock: FakeClock) -> None:
    s = waiting_on_the_jars(fake_clock)
    s.tick(95, every=1)
    assert s.of(ReminderDue) == [
        ReminderDue(JARS, 1, 30.0),
        ReminderDue(JARS, 2, 60.0),
        ReminderDue(JARS, 3, 90.0),
    ]
    assert s.engine.snapshot().reminders == 3


def test_reminders_come_from_the_deadline_not_from_ticks(fake_clock: FakeClock) -> None:
    s = waiting_on_the_jars(fake_clock)
    s.tick(29.9, every=0.1)  # 299 looks at the clock
    assert s.of(ReminderDue) == []
    s.tick(0.1)
    assert s.of(ReminderDue) == [ReminderDue(JARS, 1, pytest.approx(30.0))]


def test_a_late_look_gives_one_reminder_that_counts_the_missed_ones(fake_clock: FakeClock) -> None:
    s = waiting_on_the_jars(fake_clock)
    s.tick(95)  # one look only (a blocked loop)
    assert s.of(ReminderDue) == [ReminderDue(JARS, 3, 90.0)]
    s.tick(25)
    assert s.of(ReminderDue)[-1] == ReminderDue(JARS, 4, 120.0)


def test_reminders_stop_when_the_caregiver_confirms(fake_clock: FakeClock) -> None:
    s = waiting_on_the_jars(fake_clock)
    s.tick(45, every=1)
    s.engine.next()  # Done: the jars come off
    s.tick(10 * MINUTE, every=1)
    assert len(s.of(ReminderDue)) == 1
    assert s.engine.snapshot().reminders == 0


def test_repeat_seconds_zero_never_reminds(fake_clock: FakeClock) -> None:
    s = waiting_on_the_jars(fake_clock, repeat_seconds=0)
    s.tick(10 * MINUTE, every=1)
    assert s.of(ReminderDue) == []


def test_the_engine_wakes_up_for_a_reminder_between_two_seconds(fake_clock: FakeClock) -> None:
    s = waiting_on_the_jars(fake_clock, repeat_seconds=2.5)
    assert s.engine.next_wakeup() == pytest.approx(1.0)
    s.tick(2.2)
    assert s.engine.next_wakeup() == pytest.approx(0.3)
    s.tick(0.3)
    assert s.of(ReminderDue) == [ReminderDue(JARS, 1, pytest.approx(2.5))]


# ------------------------------------------------------------------ snooze


def test_snooze_silences_the_reminders_and_one_rings_at_its_end(fake_clock: FakeClock) -> None:
    s = waiting_on_the_jars(fake_clock, jars_minutes=10)
    s.tick(95, every=1)
    assert len(s.of(ReminderDue)) == 3
    assert s.engine.snooze(5) is True
    assert s.of(Snoozed) == [Snoozed(JARS, 300.0, 1)]
    snap = s.engine.snapshot()
    assert snap.state is State.WAITING and snap.snooze_remaining == pytest.approx(300.0)
    s.tick(299, every=1)
    assert len(s.of(ReminderDue)) == 3  # silent for the snooze
    s.tick(1)
    assert s.of(ReminderDue)[-1] == ReminderDue(JARS, 4, pytest.approx(395.0), after_snooze=True)
    assert s.engine.snapshot().snooze_remaining is None
    s.tick(30, every=1)
    assert s.of(ReminderDue)[-1] == ReminderDue(JARS, 5, pytest.approx(425.0))
    s.engine.next()
    run = s.engine.runs[JARS]
    assert (run.snoozes, run.snoozed) == (1, pytest.approx(300.0))


def test_done_during_a_snooze_logs_only_the_time_snoozed(fake_clock: FakeClock) -> None:
    s = waiting_on_the_jars(fake_clock, jars_minutes=10)
    s.engine.snooze(5)
    s.tick(2 * MINUTE)
    s.engine.snooze(3)  # a second snooze replaces the first
    s.tick(MINUTE)
    s.engine.next()
    run = s.engine.runs[JARS]
    assert (run.snoozes, run.snoozed) == (2, pytest.approx(3 * MINUTE))
    assert s.of(ReminderDue) == []


def test_a_snooze_may_not_take_the_jars_past_the_articles_maximum(fake_clock: FakeClock) -> None:
    s = waiting_on_the_jars(fake_clock)  # 15 minutes planned, 20 at most
    s.tick(95, every=1)
    snap = s.engine.snapshot()
    assert snap.can_snooze and snap.snooze_limit == pytest.approx(MAX - 15 * MINUTE - 95)
    assert s.engine.snooze(5) is False  # would end at 21:35 on the skin
    assert s.of(Snoozed) == [] and s.engine.snapshot().snooze_remaining is None
    assert s.engine.snooze(3) is True  # ends at 19:35
    assert s.engine.snapshot().snooze_limit == pytest.approx(MAX - 15 * MINUTE - 95)
    s.tick(3 * MINUTE)
    assert s.engine.snooze(0.5) is False  # 20:05 > 20:00
    assert s.engine.snooze(25 / 60) is True  # up to 20:00 exactly is still allowed
    s.tick(25)
    snap = s.engine.snapshot()
    assert not snap.can_snooze and snap.snooze_limit is None  # the maximum is reached
    assert s.engine.snooze(1 / 60) is False
    assert s.engine.runs[JARS].snoozes == 2


def test_on_an_ordinary_step_a_snooze_is_refused_only_once_its_maximum_is_reached(
    make_protocol, fake_clock: FakeClock
) -> None:
    # The test routine's "cups" step: 2 minutes planned, 5 at most, waits, not on the body.
    s = Session(build_plan(make_protocol(), side="left"), fake_clock)
    s.engine.start()
    s.tick(5 * MINUTE + 2 * MINUTE)
    assert s.engine.state is State.WAITING and not s.engine.planned().body_timer
    snap = s.engine.snapshot()
    assert snap.can_snooze and snap.snooze_limit is None
    assert s.engine.snooze(10) is True  # may outlast the maximum: nothing on the body
    s.tick(3 * MINUTE)
    assert s.engine.snooze(1) is False
    assert not s.engine.snapshot().can_snooze
    s.tick(10 * MINUTE, every=5)
    assert s.of(BodyLimitPassed) == []  # no hard warning off the body


def test_snooze_refuses_the_wrong_state_and_length(fake_clock: FakeClock, make_protocol) -> None:
    s = Session(build_plan(make_protocol(), side="left"), fake_clock)
    with pytest.raises(EngineError):
        s.engine.snooze(5)
    s.engine.start()
    with pytest.raises(EngineError):
        s.engine.snooze(5)  # running, not waiting
    s.tick(7 * MINUTE)
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            s.engine.snooze(bad)
    assert s.engine.snooze(1)


# ------------------------------------------------------------------ the article's maximum


def test_the_hard_warning_comes_once_when_the_jars_pass_20_minutes(fake_clock: FakeClock) -> None:
    s = waiting_on_the_jars(fake_clock)
    s.tick(5 * MINUTE, every=1)  # exactly 20:00 on the skin: reached, not passed
    assert s.of(BodyLimitPassed) == []
    assert not s.engine.snapshot().over_max
    assert s.engine.next_wakeup() is not None and s.engine.next_wakeup() < 1e-3
    s.tick(1)
    assert s.of(BodyLimitPassed) == [BodyLimitPassed(JARS, MAX)]
    assert s.engine.snapshot().over_max
    s.tick(5 * MINUTE, every=1)
    assert len(s.of(BodyLimitPassed)) == 1
    assert s.of(ReminderDue)[-1].overdue_seconds == pytest.approx(10 * MINUTE)  # still reminding
    s.engine.next()
    assert s.engine.runs[JARS].over_max is True
    assert s.engine.runs[JARS].active == pytest.approx(25 * MINUTE + 1)


def test_done_before_the_maximum_is_not_over_it(fake_clock: FakeClock) -> None:
    s = waiting_on_the_jars(fake_clock)
    s.tick(4 * MINUTE, every=1)
    s.engine.next()
    assert s.engine.runs[JARS].over_max is False
    assert s.of(BodyLimitPassed) == []


def test_a_body_step_planned_beyond_its_maximum_warns_while_it_runs(fake_clock: FakeClock) -> None:
    protocol = read_protocol(builtin_protocols_dir() / "cupping-static.toml", (resources_dir(),)).protocol
    s = Session(build_plan(protocol), fake_clock)
    s.engine.start()
    s.tick(3 * MINUTE)
    s.engine.next()  # the torch and the jars are ready
    s.engine.adjust(+10 * MINUTE, override=True)  # 25 minutes, on the caregiver's word
    s.tick(20 * MINUTE + 1, every=1)
    assert s.engine.state is State.RUNNING
    assert s.of(BodyLimitPassed) == [BodyLimitPassed(JARS, MAX)]
