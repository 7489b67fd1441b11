"""Items placed one by one on a body step, each with its own time: the jars of static cupping.

Driven by the built-in static cupping protocol on a fake clock: four jars placed a minute
apart, each due 15 minutes after its own placing, called for and taken off in turn.
"""

from __future__ import annotations

import pytest

from massage_timer.core.clock import FakeClock
from massage_timer.core.protocols.format import Protocol
from massage_timer.core.protocols.reading import read_protocol
from massage_timer.core.resources import builtin_protocols_dir, resources_dir
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.events import (
    BodyLimitPassed,
    CueFired,
    EngineError,
    Event,
    ItemAdjusted,
    ItemDue,
    ItemPastMax,
    ItemPlaced,
    ItemReminderDue,
    ItemRemoved,
    Outcome,
    Paused,
    ReminderDue,
    SecondChanged,
    SleepDetected,
    State,
    StepEnded,
    StepStarted,
    WaitingForConfirmation,
)
from massage_timer.core.session.plan import build_plan

MINUTE = 60
JARS = 2
"""The index of cupping-static's "cover-and-wait" step, the one whose jars each have a time."""
START_WALL = 1_767_603_600.0
"""The fake clock's wall time at the start of each test."""


def cupping() -> Protocol:
    return read_protocol(builtin_protocols_dir() / "cupping-static.toml", (resources_dir(),)).protocol


class Session:
    """An engine on a fake clock, with every event it sent and the session time it came at."""

    def __init__(self, clock: FakeClock, durations: dict[str, int] | None = None, **kwargs) -> None:
        plan = build_plan(cupping(), None, None, durations)
        assert plan[JARS].step.id == "cover-and-wait" and plan[JARS].step.items is not None
        self.clock = clock
        self.engine = SessionEngine(plan, clock, **kwargs)
        self.events: list[tuple[float, Event]] = []
        self.engine.subscribe(lambda event: self.events.append((self.now(), event)))

    def now(self) -> float:
        """Seconds of real time since the test began, to the millisecond (the fake clock's wall, never set here)."""
        return round(self.clock.wall() - START_WALL, 3)

    def of(self, kind: type[Event]) -> list:
        return [e for _, e in self.events if isinstance(e, kind)]

    def at(self, kind: type[Event]) -> list[tuple[float, Event]]:
        return [(t, e) for t, e in self.events if isinstance(e, kind)]

    def tick(self, seconds: float, every: float = 1.0) -> None:
        """Let ``seconds`` pass, looking at the clock every ``every`` seconds."""
        left = seconds
        while left > 1e-9:
            one = min(every, left)
            self.clock.advance(one)
            self.engine.poll()
            left -= one

    def follow_wakeups(self, until: float) -> None:
        """Look at the clock exactly when the engine asks to (as the app's timer does), until ``until``."""
        while self.now() < until - 1e-9:
            wake = self.engine.next_wakeup()
            step = until - self.now() if wake is None else min(max(wake, 1e-6), until - self.now())
            self.clock.advance(step)
            self.engine.poll()


def on_the_jars(clock: FakeClock, durations: dict[str, int] | None = None, **kwargs) -> Session:
    """Static cupping, started and brought to the jars step at 03:00 (nothing placed yet)."""
    s = Session(clock, durations, **kwargs)
    s.engine.start()
    s.tick(3 * MINUTE, every=3 * MINUTE)  # the warm-up ends by itself
    s.engine.next()  # the torch and the jars are ready
    assert s.engine.index == JARS and s.engine.state is State.RUNNING
    s.events.clear()
    return s


def four_jars(clock: FakeClock, **kwargs) -> Session:
    """Four jars placed 60 s apart, at 03:00, 04:00, 05:00 and 06:00; the clock then at 06:00."""
    s = on_the_jars(clock, **kwargs)
    for n in range(1, 5):
        assert s.engine.place_item() == n
        if n < 4:
            s.tick(MINUTE)
    return s


PLACED = {1: 180.0, 2: 240.0, 3: 300.0, 4: 360.0}
"""When each of the four jars went on, in seconds from the start."""


# ------------------------------------------------------------------ the issue


def test_four_jars_60_s_apart_are_each_due_15_minutes_after_their_own_placing(fake_clock: FakeClock) -> None:
    s = four_jars(fake_clock)
    placed = s.at(ItemPlaced)
    assert [(t, e.n) for t, e in placed] == [(PLACED[n], n) for n in range(1, 5)]
    assert [e.deadline_wall for _, e in placed] == [START_WALL + PLACED[n] + 15 * MINUTE for n in range(1, 5)]
    s.follow_wakeups(PLACED[4] + 15 * MINUTE + 5)
    assert s.at(ItemDue) == [(PLACED[n] + 15 * MINUTE, ItemDue(JARS, n, 900.0)) for n in range(1, 5)]
    assert s.engine.state is State.RUNNING and s.engine.index == JARS  # the jars are due, not the step
    assert s.of(WaitingForConfirmation) == []


@pytest.mark.parametrize(("chosen", "each"), [(20 * MINUTE, 20 * MINUTE), (10 * MINUTE, 10 * MINUTE)])
def test_each_jar_lasts_the_time_chosen_for_the_step(fake_clock: FakeClock, chosen: int, each: int) -> None:
    s = on_the_jars(fake_clock, durations={"cover-and-wait": chosen})
    s.engine.place_item()
    assert s.engine.snapshot().items[0].planned == each


def test_each_jar_shows_its_own_time(fake_clock: FakeClock) -> None:
    s = four_jars(fake_clock)
    s.tick(10 * MINUTE + 30)  # 16:30 from the start
    snap = s.engine.snapshot()
    assert (snap.items_name, snap.items_plural, snap.can_place) == ("jar", "jars", True)
    assert [i.n for i in snap.items] == [1, 2, 3, 4]
    assert [i.state for i in snap.items] == ["on"] * 4
    assert [i.remaining for i in snap.items] == [
        pytest.approx(PLACED[n] + 15 * MINUTE - (6 * MINUTE + 10 * MINUTE + 30)) for n in range(1, 5)
    ]
    assert [i.shown for i in snap.items] == [90, 150, 210, 270]
    assert [i.deadline_wall for i in snap.items] == [START_WALL + PLACED[n] + 900 for n in range(1, 5)]
    assert snap.remaining is None  # the step's own countdown gave way to the jars'
    assert snap.ends_at_wall == START_WALL + PLACED[4] + 900  # when the last jar is due
    s.tick(3 * MINUTE)  # 19:30: jars 1 and 2 are due, 3 and 4 are not
    snap = s.engine.snapshot()
    assert [i.state for i in snap.items] == ["due", "due", "on", "on"]
    assert [i.overdue for i in snap.items[:2]] == [pytest.approx(90.0), pytest.approx(30.0)]
    assert [i.shown for i in snap.items[:2]] == [90, 30]


def test_removal_in_order_and_the_step_ends_when_the_last_jar_is_off(fake_clock: FakeClock) -> None:
    s = four_jars(fake_clock)
    s.follow_wakeups(PLACED[1] + 15 * MINUTE)
    for n in range(1, 5):
        assert s.of(ItemDue)[-1] == ItemDue(JARS, n, 900.0)
        s.tick(20)  # 20 s to take the jar off
        assert s.engine.remove_item() == n  # the first due, in the order placed
        if n < 4:
            assert s.engine.index == JARS and s.engine.state is State.RUNNING
            s.follow_wakeups(PLACED[n + 1] + 15 * MINUTE)
    assert [(e.n, e.on_seconds, e.overdue_seconds) for e in s.of(ItemRemoved)] == [
        (n, pytest.approx(920.0), pytest.approx(20.0)) for n in range(1, 5)
    ]
    (ended,) = s.of(StepEnded)
    assert ended.run.step_id == "cover-and-wait" and ended.run.outcome is Outcome.COMPLETED
    assert ended.run.active == pytest.approx(PLACED[4] + 15 * MINUTE + 20 - PLACED[1])  # started with jar 1
    assert [(i.n, i.on_seconds) for i in ended.run.items] == [(n, pytest.approx(920.0)) for n in range(1, 5)]
    assert [i.removed_wall for i in ended.run.items] == [
        pytest.approx(START_WALL + PLACED[n] + 920) for n in range(1, 5)
    ]
    assert s.engine.planned().step.id == "soothing-massage" and s.engine.state is State.RUNNING
    assert s.engine.snapshot().items == ()


def test_removing_a_jar_before_the_others_does_not_end_the_step(fake_clock: FakeClock) -> None:
    s = four_jars(fake_clock)
    s.tick(MINUTE)
    assert s.engine.remove_item(3) == 3  # a jar that would not hold
    assert s.engine.index == JARS
    snap = s.engine.snapshot()
    assert [i.state for i in snap.items] == ["on", "on", "off", "on"]
    assert snap.items[2].on_seconds == pytest.approx(2 * MINUTE)  # 05:00 to 07:00
    assert snap.items[2].removed_wall == pytest.approx(START_WALL + 7 * MINUTE)
    with pytest.raises(EngineError, match="jar 3 is not on"):
        s.engine.remove_item(3)
    assert s.engine.remove_item() == 1  # none due yet: the first still on


def test_a_10_minute_pause_moves_no_jars_deadline(fake_clock: FakeClock) -> None:
    s = four_jars(fake_clock)
    s.engine.pause()
    assert s.of(Paused) == [Paused(JARS, guidance_only=True)]
    assert s.engine.state is State.PAUSED
    s.tick(10 * MINUTE)
    s.engine.resume()
    snap = s.engine.snapshot()
    assert [i.deadline_wall for i in snap.items] == [START_WALL + PLACED[n] + 900 for n in range(1, 5)]
    assert [i.on_seconds for i in snap.items] == [pytest.approx(16 * MINUTE - PLACED[n]) for n in range(1, 5)]
    s.follow_wakeups(PLACED[4] + 15 * MINUTE)
    assert [t for t, _ in s.at(ItemDue)] == [PLACED[n] + 15 * MINUTE for n in range(1, 5)]


def test_the_jars_are_called_for_during_a_pause_too(fake_clock: FakeClock) -> None:
    s = four_jars(fake_clock, repeat_seconds=20)
    s.engine.pause()
    assert s.engine.snapshot().guidance_paused is True
    s.follow_wakeups(PLACED[1] + 15 * MINUTE + 50)
    assert s.engine.state is State.PAUSED  # the guidance stays paused
    assert s.at(ItemDue) == [(PLACED[1] + 15 * MINUTE, ItemDue(JARS, 1, 900.0))]
    assert [(t, e.n, e.count) for t, e in s.at(ItemReminderDue)] == [
        (PLACED[1] + 15 * MINUTE + 20, 1, 1),
        (PLACED[1] + 15 * MINUTE + 40, 1, 2),
    ]
    assert s.engine.remove_item() == 1  # taken off while paused
    assert s.engine.state is State.PAUSED
    run = s.engine.runs[-1]
    assert run.items[0].on_seconds == pytest.approx(15 * MINUTE + 50)
    s.engine.resume()
    assert run.guidance_paused == pytest.approx(15 * MINUTE + 50 + PLACED[1] - PLACED[4])


def test_a_5_minute_suspend_during_the_jars_keeps_them_on_real_time(fake_clock: FakeClock) -> None:
    s = four_jars(fake_clock)
    s.tick(4 * MINUTE)  # 10:00
    fake_clock.suspend(5 * MINUTE)  # the laptop sleeps until 15:00; the jars stay on
    s.engine.poll()
    (slept,) = s.of(SleepDetected)
    assert slept.seconds == pytest.approx(5 * MINUTE) and slept.steps_ended == 0
    snap = s.engine.snapshot()
    assert [i.on_seconds for i in snap.items] == [pytest.approx(15 * MINUTE - PLACED[n]) for n in range(1, 5)]
    assert [i.remaining for i in snap.items] == [pytest.approx(PLACED[n] + 900 - 15 * MINUTE) for n in range(1, 5)]
    s.follow_wakeups(PLACED[4] + 15 * MINUTE)
    assert [t for t, _ in s.at(ItemDue)] == [PLACED[n] + 15 * MINUTE for n in range(1, 5)]  # not 5 minutes late


def test_jars_that_come_due_in_a_suspend_are_each_called_for_once_in_order(fake_clock: FakeClock) -> None:
    s = four_jars(fake_clock, repeat_seconds=30)
    fake_clock.suspend(20 * MINUTE)  # 06:00 to 26:00: every jar is due meanwhile
    s.engine.poll()
    assert [e.n for e in s.of(ItemDue)] == [1, 2, 3, 4]
    reminders = s.of(ItemReminderDue)
    assert len(reminders) == 1  # the moments missed give one reminder, not a burst
    assert reminders[0].n == 1 and reminders[0].due == (1, 2, 3, 4)
    assert reminders[0].count == (26 * MINUTE - (PLACED[1] + 900)) // 30
    assert [e.n for e in s.of(ItemPastMax)] == [1, 2, 3]  # on for 23, 22 and 21 minutes; jar 4 for 20


# ------------------------------------------------------------------ adjusting, limits


def test_one_jar_adjusted_to_20_minutes_is_clamped_at_the_articles_maximum(fake_clock: FakeClock) -> None:
    s = four_jars(fake_clock)
    assert s.engine.adjust_item(2, 5 * MINUTE) == 5 * MINUTE
    assert s.engine.adjust_item(2, 5 * MINUTE) == 0  # 20 minutes is the most
    assert s.of(ItemAdjusted) == [ItemAdjusted(JARS, 2, 20 * MINUTE, 5 * MINUTE)]
    assert s.engine.adjust_item(3, -30 * MINUTE) == -5 * MINUTE  # 10 minutes is the least
    snap = s.engine.snapshot()
    assert [i.planned for i in snap.items] == [900, 1200, 600, 900]
    s.follow_wakeups(PLACED[2] + 20 * MINUTE + 1)
    assert [(t, e.n) for t, e in s.at(ItemDue)] == [
        (PLACED[3] + 10 * MINUTE, 3),
        (PLACED[1] + 15 * MINUTE, 1),
        (PLACED[4] + 15 * MINUTE, 4),
        (PLACED[2] + 20 * MINUTE, 2),
    ]
    assert s.engine.runs[-1].items[1].planned == 20 * MINUTE  # what the log gets


def test_shortening_a_jar_stops_at_its_time_so_far(fake_clock: FakeClock) -> None:
    s = four_jars(fake_clock)
    s.tick(12 * MINUTE + 1)  # 18:01: jar 2 (on at 04:00) has been on for 14:01
    s.events.clear()
    assert s.engine.adjust_item(2, -5 * MINUTE) == -59  # 10 minutes asked: it stops at 14:01, due at once
    assert s.of(ItemDue) == [ItemDue(JARS, 2, 841.0)]
    assert s.engine.snapshot().items[1].state == "due"


def test_an_item_due_then_extended_is_on_again_and_called_for_at_its_new_time(fake_clock: FakeClock) -> None:
    s = four_jars(fake_clock, repeat_seconds=30)
    s.follow_wakeups(PLACED[1] + 15 * MINUTE + 40)
    assert [e.n for e in s.of(ItemDue)] == [1]
    assert s.engine.adjust_item(1, 3 * MINUTE) == 3 * MINUTE
    assert s.engine.snapshot().items[0].state == "on"
    s.events.clear()
    s.follow_wakeups(PLACED[1] + 18 * MINUTE)
    assert [(t, e.n) for t, e in s.at(ItemDue)] == [
        (PLACED[2] + 15 * MINUTE, 2),
        (PLACED[3] + 15 * MINUTE, 3),
        (PLACED[1] + 18 * MINUTE, 1),  # 21:00, with jar 4
        (PLACED[4] + 15 * MINUTE, 4),
    ]


def test_item_past_max_comes_once_per_jar(fake_clock: FakeClock) -> None:
    s = four_jars(fake_clock)
    s.follow_wakeups(PLACED[4] + 25 * MINUTE)
    assert [(t, e) for t, e in s.at(ItemPastMax)] == [
        (pytest.approx(PLACED[n] + 20 * MINUTE, abs=1e-6), ItemPastMax(JARS, n, 20 * MINUTE)) for n in range(1, 5)
    ]
    assert all(i.past_max for i in s.engine.snapshot().items)
    assert s.of(BodyLimitPassed) == []  # the step's own limit is not the jars'
    s.tick(10 * MINUTE)
    assert len(s.of(ItemPastMax)) == 4


def test_a_jar_taken_off_in_time_is_never_past_its_maximum(fake_clock: FakeClock) -> None:
    s = four_jars(fake_clock)
    s.tick(13 * MINUTE)  # 19:00: jar 1 has been on for 16 minutes
    assert s.engine.remove_item(1) == 1
    s.tick(5 * MINUTE)  # 24:00: it would have passed 20 minutes at 23:00
    assert 1 not in [e.n for e in s.of(ItemPastMax)]
    assert s.engine.runs[-1].items[0].past_max is False


def test_placing_more_than_most_is_refused(fake_clock: FakeClock) -> None:
    s = on_the_jars(fake_clock)
    for n in range(1, 13):
        assert s.engine.place_item() == n
        s.tick(5)
    snap = s.engine.snapshot()
    assert len(snap.items) == 12 and snap.can_place is False
    with pytest.raises(EngineError, match="at most 12 jars"):
        s.engine.place_item()
    assert len(s.engine.snapshot().items) == 12


def test_reminders_repeat_while_jars_are_due_and_stop_when_they_are_off(fake_clock: FakeClock) -> None:
    s = four_jars(fake_clock, repeat_seconds=30)
    s.follow_wakeups(PLACED[1] + 15 * MINUTE + 95)  # 19:35: jar 2 is due since 19:00
    assert [(t, e.n, e.count, e.overdue_seconds, e.due) for t, e in s.at(ItemReminderDue)] == [
        (PLACED[1] + 15 * MINUTE + 30, 1, 1, 30.0, (1,)),
        (PLACED[1] + 15 * MINUTE + 60, 1, 2, 60.0, (1, 2)),
        (PLACED[1] + 15 * MINUTE + 90, 1, 3, 90.0, (1, 2)),
    ]
    assert s.engine.remove_item() == 1
    assert s.engine.remove_item() == 2
    s.events.clear()
    s.follow_wakeups(PLACED[3] + 15 * MINUTE - 1)  # jar 3 not due yet: silence
    assert s.of(ItemReminderDue) == []
    s.follow_wakeups(PLACED[3] + 15 * MINUTE + 30)
    assert [(t, e.n, e.count) for t, e in s.at(ItemReminderDue)] == [(PLACED[3] + 15 * MINUTE + 30, 3, 1)]
    assert s.of(ReminderDue) == []  # the step itself does not wait


def test_the_screen_hears_each_second_of_each_jar(fake_clock: FakeClock) -> None:
    s = on_the_jars(fake_clock)
    s.tick(0.5, every=0.5)
    s.engine.place_item()  # jar 1 on at 03:00.5: its seconds fall between the step's
    s.events.clear()
    s.follow_wakeups(PLACED[1] + 10.5)
    heard = [t for t, _ in s.at(SecondChanged)]
    assert [t for t in heard if t % 1 == 0.5] == [PLACED[1] + k + 0.5 for k in range(1, 11)]  # jar 1's seconds
    assert [t for t in heard if t % 1 == 0] == [PLACED[1] + k for k in range(1, 11)]  # the step's


# ------------------------------------------------------------------ a step with items but none placed


def test_with_no_jar_placed_the_step_runs_and_rings_as_today(fake_clock: FakeClock) -> None:
    s = on_the_jars(fake_clock)
    snap = s.engine.snapshot()
    assert snap.items == () and snap.can_place and snap.remaining == pytest.approx(15 * MINUTE)
    s.tick(15 * MINUTE)
    assert s.engine.state is State.WAITING
    assert [c.cue.text for c in s.of(CueFired)] == ["1 minute left: get ready to remove the jars"]
    s.engine.next()
    (ended,) = s.of(StepEnded)
    assert ended.run.outcome is Outcome.COMPLETED and ended.run.items == []
    assert s.engine.planned().step.id == "soothing-massage"


def test_a_jar_placed_after_the_steps_own_time_rang_starts_the_jars_times(fake_clock: FakeClock) -> None:
    s = on_the_jars(fake_clock)
    s.engine.pause()  # a long call before the first jar: the step's own time runs out
    s.tick(16 * MINUTE)
    assert s.engine.state is State.WAITING
    assert s.engine.snapshot().can_place
    assert s.engine.place_item() == 1
    assert s.engine.state is State.RUNNING
    s.follow_wakeups(3 * MINUTE + 16 * MINUTE + 15 * MINUTE)
    assert s.at(ItemDue) == [(3 * MINUTE + 31 * MINUTE, ItemDue(JARS, 1, 900.0))]
    assert s.engine.state is State.RUNNING  # the step's own end is no longer what counts


def test_next_with_jars_still_on_ends_the_step_and_takes_them_as_off(fake_clock: FakeClock) -> None:
    s = four_jars(fake_clock)
    s.tick(16 * MINUTE)  # 22:00
    s.engine.remove_item(1)
    s.engine.next()
    (ended,) = s.of(StepEnded)
    assert ended.run.outcome is Outcome.COMPLETED
    assert [i.removed_wall for i in ended.run.items] == [pytest.approx(START_WALL + 22 * MINUTE)] * 4
    assert [i.on_seconds for i in ended.run.items] == [pytest.approx(22 * MINUTE - PLACED[n]) for n in range(1, 5)]
    assert s.of(ItemRemoved) == [ItemRemoved(JARS, 1, pytest.approx(16 * MINUTE + 3 * MINUTE), pytest.approx(240.0))]


def test_items_are_refused_where_there_are_none(fake_clock: FakeClock) -> None:
    s = Session(fake_clock)
    with pytest.raises(EngineError):
        s.engine.place_item()  # not started
    s.engine.start()
    assert s.engine.snapshot().can_place is False
    with pytest.raises(EngineError, match="no items"):
        s.engine.place_item()  # the warm-up has none
    with pytest.raises(EngineError):
        s.engine.remove_item()
    with pytest.raises(EngineError):
        s.engine.adjust_item(1, 60)


def test_a_bouncing_key_places_one_jar_not_two(fake_clock: FakeClock) -> None:
    s = on_the_jars(fake_clock, bounce_seconds=0.5)
    assert s.engine.place_item() == 1
    s.tick(0.1, every=0.1)
    assert s.engine.place_item() == 0  # the bounce
    s.tick(MINUTE)
    assert s.engine.place_item() == 2
    assert s.engine.runs[-1].bounced == 1
    assert [e.n for e in s.of(ItemPlaced)] == [1, 2]


def test_the_next_step_starts_with_no_items_and_previous_starts_a_fresh_run(fake_clock: FakeClock) -> None:
    s = four_jars(fake_clock)
    for _ in range(4):
        s.engine.remove_item()
    assert s.engine.planned().step.id == "soothing-massage"
    s.events.clear()
    s.engine.previous()  # back to the jars: a new run, no jar on yet
    (started,) = s.of(StepStarted)
    assert started.run.step_id == "cover-and-wait" and started.run.items == []
    snap = s.engine.snapshot()
    assert snap.items == () and snap.can_place and snap.remaining == pytest.approx(15 * MINUTE)
