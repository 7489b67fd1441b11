"""How a session moves on with time: the engine's time base, the step in progress, and what
happens as time passes (cues, the seconds-left warning, step ends, suspends).

Time is never counted. A running timed step has a *deadline* on the engine's
time base, and what is left is ``deadline - now`` whenever anybody asks; the
caller's ticks (a Qt timer in the app, a loop in tests) only decide when the
engine looks at the clock. However irregular the ticks, a step ends at its
deadline: a late tick ends it late *on screen* but records and chains the
next step from the true deadline.

The engine's time base is the clock's monotonic time plus everything the
computer spent suspended. How a suspend is told apart from a clock change: a
suspend is the clock's sleep-inclusive reading (``boottime()``) growing more
than its monotonic reading, by more than :data:`SLEEP_THRESHOLD` seconds
between two looks. The wall clock is never used to detect a suspend: a wall
clock set forward or back is a clock change, and steps go on running on
monotonic time. A clock without ``boottime()`` sees no suspend at all (see
:mod:`massage_timer.core.clock`).

Cups stay on the skin while a laptop sleeps, so a timed step keeps running
through a suspend and the steps whose deadlines passed meanwhile end at those
deadlines. An untimed step (a stopwatch) that this chain reaches starts at the
wake-up, when the engine sees the suspend: its clock never runs while the
computer is asleep. The seconds asleep go to the steps they fell in
(``StepRun.slept``): each step gets the part of the suspend from when it was or
became the current step until the next step started (or the session ended);
their sum is the session's ``slept_total`` for suspends during the session.

The wall times written to the log are the session's wall-clock start plus
engine time since then, so a system clock set back or forward during a
session never gives a step a negative or inflated length.

A step that runs on the body (``body_timer``: jars on the skin) keeps its deadline through
a pause: the pause stops the guidance only (no cues, no seconds-left warning; a moment that
passes meanwhile is not given afterwards), and the step ends, or starts waiting, at its
deadline even while paused. When such a step moves on by itself during the pause, the next
step starts paused, its time standing still until Resume. What rings while a step waits
(reminders, a snooze, a body step's limit) is in :mod:`massage_timer.core.session.reminders`;
items placed one by one on a body step (jars, each with its own time) are in :mod:`.items`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..clock import Clock, sleep_inclusive
from .events import (
    BodyLimitPassed,
    CueFired,
    EngineError,
    Event,
    Listener,
    Outcome,
    Paused,
    SecondChanged,
    SecondsLeft,
    SessionFinished,
    SleepDetected,
    Snapshot,
    State,
    StepEnded,
    StepRun,
    StepStarted,
    WaitingForConfirmation,
)
from .items import ItemTimers, item_fields
from .plan import PlannedStep
from .reminders import EPS, StepAlarms, body_limit_at, snooze_allowance

SLEEP_THRESHOLD = 5.0
"""Seconds by which boot time must outgrow monotonic time between two looks to count as a suspend."""


@dataclass
class _Sleep:
    """A suspend being accounted for, in engine time."""

    credited_to: float
    """The sleep before this moment is already in some step's ``slept``."""
    wake: float
    """When the engine saw the suspend: untimed steps reached meanwhile start here."""


@dataclass
class _Current:
    run: StepRun
    started: float
    """Engine time the step started (moves forward by pauses for untimed steps)."""
    deadline: float | None
    alarms: StepAlarms
    paused_at: float | None = None
    """A pause that stops the step's time (an ordinary step): the deadline moves on Resume."""
    guidance_paused_at: float | None = None
    """A pause of the guidance only (a body step): the deadline stays."""
    waiting_since: float | None = None
    fired_cues: set[int] = field(default_factory=set)
    warned: bool = False
    cue_image: str | None = None
    items: ItemTimers | None = None
    """Items placed in this run (a step with ``items``): the step's own deadline is then None."""
    done_before: float = 0.0
    """Seconds of the step done in an earlier run (a continued session): shown, not counted again."""


class SessionTiming:
    """The part of a session that runs by itself: its state, its time base and the step in progress.

    :class:`~massage_timer.core.session.engine.SessionEngine` adds what the user can do; its
    docstring describes the arguments.
    """

    def __init__(
        self,
        plan: Sequence[PlannedStep],
        clock: Clock,
        *,
        warn_seconds: int = 10,
        auto_advance: bool = True,
        bounce_seconds: float = 0.0,
        repeat_seconds: float = 30.0,
    ) -> None:
        if not plan:
            raise EngineError("a session needs at least one step")
        self.plan: list[PlannedStep] = list(plan)
        self.clock = clock
        self.warn_seconds = warn_seconds
        self.repeat_seconds = max(0.0, float(repeat_seconds))
        """Seconds between the reminders of a step that waits for the caregiver (0: none)."""
        self.auto_advance = auto_advance
        self.bounce_seconds = max(0.0, float(bounce_seconds))
        """A Next or Previous this soon after the last one is a bounce: ignored, and counted."""
        self._last_move: float | None = None
        self.state = State.IDLE
        self.index = 0
        self.runs: list[StepRun] = []
        self.started_wall: float | None = None
        self.ended_wall: float | None = None
        self.slept_total = 0.0
        self._listeners: list[Listener] = []
        self._pending: list[Event] = []
        self._cur: _Current | None = None
        self._offset = 0.0
        self._last_mono: float | None = None
        self._last_ref: float | None = None
        self._t: float | None = None
        self._last_shown: tuple[object, ...] | None = None
        self._dispatching = False
        self._planned_override: dict[int, int] = {}
        self._anchor: tuple[float, float] | None = None
        """(engine time, wall time) at the start: wall times in the log follow engine time."""
        self._sleep: _Sleep | None = None

    # ------------------------------------------------------------ listeners

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def _emit(self, event: Event) -> None:
        self._pending.append(event)

    def _flush(self) -> None:
        if self._dispatching:
            return
        self._dispatching = True
        try:
            while self._pending:
                event = self._pending.pop(0)
                for listener in list(self._listeners):
                    listener(event)
        finally:
            self._dispatching = False

    # ------------------------------------------------------------ time base

    def _now(self) -> float:
        """Engine time: monotonic plus time spent suspended. Detects suspends (see the module)."""
        mono = self.clock.monotonic()
        boottime = sleep_inclusive(self.clock)
        ref = boottime() if boottime is not None else None
        gap = 0.0
        if ref is not None and self._last_mono is not None and self._last_ref is not None:
            gap = (ref - self._last_ref) - (mono - self._last_mono)
        self._last_mono, self._last_ref = mono, ref
        if gap > SLEEP_THRESHOLD:
            self._offset += gap
            self._t = mono + self._offset
            self._on_sleep(gap, self._t)
        self._t = mono + self._offset
        return self._t

    def _wall_at(self, t: float, now: float) -> float:
        """The wall time that corresponds to engine time ``t``."""
        if self._anchor is not None:
            return self._anchor[1] + (t - self._anchor[0])
        return self.clock.wall() - (now - t)

    def _on_sleep(self, seconds: float, now: float) -> None:
        self.slept_total += seconds
        self._sleep = _Sleep(credited_to=now - seconds, wake=now)
        before = self._ended_count()
        try:
            self._advance_due(now)
            if self._cur is not None:
                self._credit_sleep(self._cur.run, now)
        finally:
            self._sleep = None
        ended = self._ended_count() - before
        index = self.index if self.state not in (State.IDLE,) else None
        self._emit(SleepDetected(seconds, index, self.state, ended))

    def _credit_sleep(self, run: StepRun, until: float) -> None:
        """Give ``run`` the part of the suspend being accounted for that lies before ``until``."""
        sleep = self._sleep
        if sleep is None:
            return
        until = min(until, sleep.wake)
        if until > sleep.credited_to:
            run.slept += until - sleep.credited_to
            sleep.credited_to = until

    def _next_start(self, deadline: float) -> float:
        """When the step after one that ended at ``deadline`` starts: then, or at the wake-up if untimed."""
        nxt = self.index + 1
        if self._sleep is not None and nxt < len(self.plan) and self.planned(nxt).planned is None:
            return max(deadline, self._sleep.wake)
        return deadline

    def _ended_count(self) -> int:
        return sum(1 for run in self.runs if run.outcome is not Outcome.RUNNING)

    # ------------------------------------------------------------ queries

    def planned(self, index: int | None = None) -> PlannedStep:
        i = self.index if index is None else index
        step = self.plan[i]
        if i in self._planned_override:
            return PlannedStep(step.step, step.side, self._planned_override[i])
        return step

    def _snapshot(self, now: float) -> Snapshot:
        cur = self._cur
        planned = self.planned() if self.state not in (State.FINISHED, State.STOPPED) else None
        remaining = None
        elapsed = 0.0
        overrun = 0.0
        fraction = 0.0
        shown = 0
        cue_image = None
        if cur is not None and planned is not None:
            at = cur.paused_at if cur.paused_at is not None else now
            cue_image = cur.cue_image
            if cur.deadline is not None:
                remaining = max(0.0, cur.deadline - at)
                total = float(cur.run.planned or 0)
                elapsed = total - remaining
                fraction = 1.0 if total <= 0 else min(1.0, max(0.0, elapsed / total))
                shown = math.ceil(remaining - 1e-9)
                if self.state is State.WAITING and cur.waiting_since is not None:
                    overrun = max(0.0, now - cur.waiting_since)
                    shown = int(overrun + 1e-9)
            else:
                elapsed = max(0.0, at - cur.started)
                shown = int(elapsed + 1e-9)
        elif planned is not None and planned.planned is not None:
            remaining = float(planned.planned)
            shown = planned.planned
        items = cur.items if cur is not None else None
        session_remaining = (remaining or 0.0) + (items.left(now) if items is not None else 0.0)
        untimed_left = 0
        # The current step is counted above; a finished or stopped session has nothing left.
        start = self.index + 1 if planned is not None else len(self.plan)
        if cur is None and planned is not None and planned.planned is None:
            untimed_left += 1
        for i in range(start, len(self.plan)):
            p = self.planned(i)
            if p.planned is None:
                untimed_left += 1
            else:
                session_remaining += p.planned
        nxt = self.index + 1
        next_title = self.planned(nxt).title if nxt < len(self.plan) else None
        paused = cur is not None and cur.guidance_paused_at is not None
        alarms = {**self._alarm_fields(now, remaining), **item_fields(self.state, planned, items, now, paused)}
        return Snapshot(
            state=self.state,
            index=self.index,
            count=len(self.plan),
            planned=planned,
            remaining=remaining,
            elapsed=elapsed,
            overrun=overrun,
            shown=shown,
            fraction=fraction,
            session_remaining=session_remaining,
            untimed_left=untimed_left,
            next_title=next_title,
            cue_image=cue_image,
            body_timer=planned.body_timer if planned is not None else False,
            **alarms,
        )

    def _alarm_fields(self, now: float, remaining: float | None) -> dict[str, object]:
        """The snapshot's fields about a body step, the step's end and the alarms of a wait."""
        cur = self._cur
        if cur is None or cur.deadline is None or self.state in (State.FINISHED, State.STOPPED):
            return {}
        step = self.planned()
        planned = int(cur.run.planned or 0)
        end = cur.deadline if cur.paused_at is None else now + (remaining or 0.0)
        fields: dict[str, object] = {
            "guidance_paused": cur.guidance_paused_at is not None,
            "ends_at_wall": self._wall_at(end, now),
            "reminders": cur.alarms.count,
            "snooze_remaining": cur.alarms.snooze_remaining(now),
            "over_max": cur.alarms.limit_passed,
        }
        if self.state is State.WAITING:
            fields["can_snooze"], fields["snooze_limit"] = snooze_allowance(step, planned, cur.deadline, now)
        return fields

    # ------------------------------------------------------------ internals

    def _begin(self, index: int, at: float) -> None:
        self.index = index
        planned = self.planned(index)
        now = self._t if self._t is not None else at
        run = StepRun(
            seq=len(self.runs) + 1,
            index=index,
            step_id=planned.step.id,
            title=planned.title,
            side=planned.side,
            timed=planned.timed,
            planned=planned.planned,
            initial_planned=planned.planned,
            started_wall=self._wall_at(at, now),
            body_timer=planned.body_timer,
        )
        self.runs.append(run)
        deadline = at + planned.planned if planned.planned is not None else None
        self._cur = _Current(run=run, started=at, deadline=deadline, alarms=StepAlarms(self.repeat_seconds))
        self._last_shown = None
        self._emit(StepStarted(index, planned, run))

    def _end_current(self, at: float, outcome: Outcome) -> None:
        cur = self._cur
        assert cur is not None
        run = cur.run
        now = self._t if self._t is not None else at
        end = at
        if cur.paused_at is not None:
            run.paused += at - cur.paused_at
            end = cur.paused_at
            cur.paused_at = None
        if cur.guidance_paused_at is not None:
            run.guidance_paused += max(0.0, at - cur.guidance_paused_at)  # the step's time went on
            cur.guidance_paused_at = None
        if cur.items is not None:
            cur.items.close(at)
        cur.alarms.end(at, run)
        if cur.waiting_since is not None:
            run.overrun = max(0.0, at - cur.waiting_since)
        if cur.deadline is not None and end >= cur.deadline:
            # The planned time ran in full; count it exactly, plus any overrun.
            run.active = float(run.planned or 0) + (end - cur.deadline)
        else:
            run.active = max(0.0, end - cur.started)  # resume() moves `started` past each pause
        run.active = max(0.0, run.active - cur.done_before)
        run.ended_wall = self._wall_at(at, now)
        run.outcome = outcome
        self._cur = None
        self._emit(StepEnded(run.index, run))

    def _go_to(self, index: int, at: float) -> None:
        if index >= len(self.plan):
            self.state = State.FINISHED
            self.ended_wall = self._wall_at(at, self._t if self._t is not None else at)
            self._emit(SessionFinished(tuple(self.runs)))
            return
        self.state = State.RUNNING
        self._begin(index, at)

    def _advance_due(self, now: float) -> None:
        """Bring the session up to ``now``: cues, warnings, step ends (several if overdue), alarms.

        A body step paused for its guidance only goes on too, silently: its cues and warning are
        passed over, and it ends (or starts waiting) at its deadline.
        """
        for _ in range(len(self.plan) + 1):
            cur = self._cur
            if cur is None:
                break
            guided = self.state is State.RUNNING
            if not guided and not (self.state is State.PAUSED and cur.guidance_paused_at is not None):
                break
            if cur.deadline is None:
                for event in cur.items.due(now) if cur.items is not None else ():
                    self._emit(event)
                self._announce(now)
                break
            total = float(cur.run.planned or 0)
            fire_at = min(now, cur.deadline)
            elapsed = total - (cur.deadline - fire_at)
            for j, cue in enumerate(self.plan[self.index].step.cues):
                if j not in cur.fired_cues and cue.offset(total) <= elapsed + EPS:
                    cur.fired_cues.add(j)
                    if cue.image:
                        cur.cue_image = cue.image.replace("{side}", self.plan[self.index].side or "left")
                    if guided:
                        self._emit(CueFired(self.index, cue))
            remaining = cur.deadline - now
            if (
                self.warn_seconds
                and not cur.warned
                and 0 < remaining <= self.warn_seconds
                and total > self.warn_seconds
            ):
                cur.warned = True
                if guided:
                    self._emit(SecondsLeft(self.index, self.warn_seconds))
            if remaining > 0:
                self._check_body_limit(now)
                self._announce(now)
                break
            # The step's time is up, at its deadline (not at this late tick).
            step = self.plan[self.index]
            if step.waits or not self.auto_advance:
                self._start_waiting(cur, cur.deadline)
                break
            deadline = cur.deadline
            self._check_body_limit(deadline)
            start = self._next_start(deadline)
            self._end_current(deadline, Outcome.COMPLETED)
            self._credit_sleep(cur.run, start)
            self._go_to(self.index + 1, start)
            if not guided and self.state is State.RUNNING and self._cur is not None:
                # The guidance stays paused: the next step waits for Resume, its time standing still.
                self._cur.paused_at = start
                self.state = State.PAUSED
                self._emit(Paused(self.index))
                self._announce(now)
        if self.state is State.WAITING and self._cur is not None:
            reminder = self._cur.alarms.due(now, self.index)
            if reminder is not None:
                self._emit(reminder)
            self._check_body_limit(now)
            self._announce(now)

    def _start_waiting(self, cur: _Current, at: float) -> None:
        """The step's time is up at ``at``: ring and wait for the caregiver (ends a guidance pause)."""
        if cur.guidance_paused_at is not None:
            cur.run.guidance_paused += max(0.0, at - cur.guidance_paused_at)
            cur.guidance_paused_at = None
        self.state = State.WAITING
        cur.waiting_since = at
        cur.alarms.start_waiting(at)
        self._last_shown = None
        self._emit(WaitingForConfirmation(self.index))

    def _body_limit_at(self) -> float | None:
        cur = self._cur
        if cur is None or cur.deadline is None or cur.alarms.limit_passed:
            return None
        return body_limit_at(self.planned(), int(cur.run.planned or 0), cur.deadline)

    def _check_body_limit(self, now: float) -> None:
        """Warn once when a body step is still on after its longest time (``now`` past the limit)."""
        limit = self._body_limit_at()
        cur = self._cur
        if limit is None or cur is None or cur.paused_at is not None or now <= limit + EPS:
            return
        cur.alarms.limit_passed = True
        cur.run.over_max = True
        self._emit(BodyLimitPassed(self.index, int(self.planned().max or 0)))

    def _announce(self, now: float) -> None:
        snap = self._snapshot(now)
        key = (self.index, self.state, snap.shown, tuple((i.shown, i.state) for i in snap.items))
        if key != self._last_shown:
            self._last_shown = key
            self._emit(SecondChanged(self.index, self.state, snap.shown))
