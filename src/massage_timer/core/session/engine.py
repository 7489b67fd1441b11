"""The session engine: a state machine for one guided session.

The engine is what the app drives: start, pause and resume, move between steps, adjust the
planned time, snooze the reminders of a waiting step, stop; and what it asks: a snapshot to
draw and when to look again. How the session keeps time on its own is in
:mod:`massage_timer.core.session.timing`; placing items one by one (jars, each with its own
time) is in :mod:`.placing`.

Listeners receive events after each operation, once the engine's state is
consistent again; a listener may call back into the engine.
"""

from __future__ import annotations

import math

from .events import (
    Adjusted,
    EngineError,
    Outcome,
    Paused,
    Resumed,
    SessionStarted,
    SessionStopped,
    Snapshot,
    Snoozed,
    State,
)
from .placing import ItemOperations
from .plan import check_planned
from .reminders import EPS, snooze_allowance


class SessionEngine(ItemOperations):
    """Runs one session of a plan.

    Args:
        plan: the steps, from :func:`massage_timer.core.session.plan.build_plan`.
        clock: where time comes from (``SystemClock`` in the app, ``FakeClock`` in tests).
        warn_seconds: the "N seconds left" cue (0 turns it off).
        auto_advance: False makes every timed step wait for the caregiver at its end.
        bounce_seconds: a Next or Previous this soon after the last move is ignored (a bounce).
        repeat_seconds: while a step waits for the caregiver, remind again this often
            (:class:`~.events.ReminderDue`; 0: never).
    """

    # ------------------------------------------------------------ queries

    def snapshot(self) -> Snapshot:
        now = self._now()
        self._advance_due(now)
        self._flush()
        return self._snapshot(now)

    def next_wakeup(self) -> float | None:
        """Seconds until something visible changes (a second, a cue, a step end); None if nothing will."""
        cur = self._cur
        if cur is None:
            return None
        body_paused = self.state is State.PAUSED and cur.guidance_paused_at is not None
        if self.state not in (State.RUNNING, State.WAITING) and not body_paused:
            return None
        now = self._now()
        cur = self._cur
        if cur is None:
            return None
        limit = self._body_limit_at()
        # Just past a body step's limit: the warning is for a limit passed, not reached.
        alarms = [max(0.0, limit - now) + 10 * EPS] if limit is not None else []
        if self.state is State.WAITING or cur.deadline is None:
            # Counting up (overrun or stopwatch): the next whole second, rounded like `shown`.
            since = now - (cur.waiting_since if self.state is State.WAITING else cur.started)
            since = max(0.0, since)
            candidates = [math.floor(since + 1e-9) + 1 - since]
            if self.state is State.WAITING and cur.alarms.next_reminder is not None:
                candidates.append(cur.alarms.next_reminder - now)
            if cur.items is not None and (moment := cur.items.next_moment(now)) is not None:
                candidates.append(moment)
            return max(0.0, min(candidates + alarms))
        remaining = cur.deadline - now
        if remaining <= 0:
            return 0.0
        # The same rounding as the shown second, so a wake-up always finds a new second.
        candidates = [remaining - (math.ceil(remaining - 1e-9) - 1), *alarms]
        total = float(cur.run.planned or 0)
        elapsed = total - remaining
        for j, cue in enumerate(self.plan[self.index].step.cues):
            if j not in cur.fired_cues:
                offset = cue.offset(total)
                if offset > elapsed:
                    candidates.append(offset - elapsed)
        if self.warn_seconds and not cur.warned and remaining > self.warn_seconds:
            candidates.append(remaining - self.warn_seconds)
        return max(0.0, min(candidates))

    # ------------------------------------------------------------ operations

    def poll(self) -> None:
        """Look at the clock: end due steps, fire due cues, announce a changed second."""
        now = self._now()
        self._advance_due(now)
        self._flush()

    def start(self) -> None:
        self.start_at(0, None)

    def start_at(self, index: int, remaining: float | None) -> None:
        """Start at step ``index`` with ``remaining`` seconds left on it (a session continued: :mod:`.resume`).

        The run counts only its own time (what ran before is in an earlier run), cues whose moment
        has passed stay silent, and the ring shows the time already done. ``remaining`` <= 0: the
        step's time is up (a body step went on while the app was not there): it waits for the
        caregiver at once, even a step that moves on by itself. None, or an untimed step: from its start.
        """
        if self.state is not State.IDLE:
            raise EngineError(f"cannot start a session that is {self.state}")
        if not 0 <= index < len(self.plan):
            raise EngineError(f"the plan has no step {index + 1}")
        now = self._now()
        self.started_wall = self.clock.wall()
        self._anchor = (now, self.started_wall)
        self._emit(SessionStarted(self.started_wall))
        self.state = State.RUNNING
        self._begin(index, now)
        cur, planned = self._cur, self.plan[index]
        if cur is not None and cur.deadline is not None and remaining is not None:
            total = float(cur.run.planned or 0)
            cur.done_before = total - min(total, float(remaining))
            cur.started, cur.deadline = now - cur.done_before, now + total - cur.done_before
            passed = [j for j, cue in enumerate(planned.step.cues) if cue.offset(total) < cur.done_before - EPS]
            cur.fired_cues.update(passed)
            for image in (planned.step.cues[j].image for j in passed):
                cur.cue_image = image.replace("{side}", planned.side or "left") if image else cur.cue_image
            if cur.deadline <= now:
                self._start_waiting(cur, now)
        self._advance_due(now)
        self._flush()

    def toggle(self) -> None:
        """Start, pause or resume: what the space bar does."""
        if self.state is State.IDLE:
            self.start()
        elif self.state is State.RUNNING:
            self.pause()
        elif self.state is State.PAUSED:
            self.resume()

    def pause(self) -> None:
        if self.state is not State.RUNNING:
            raise EngineError(f"cannot pause a session that is {self.state}")
        now = self._now()
        self._advance_due(now)
        if self.state is not State.RUNNING:  # the step ended just now
            self._flush()
            return
        cur = self._cur
        assert cur is not None
        body = self.planned().body_timer and (cur.deadline is not None or cur.items is not None)
        if body:
            cur.guidance_paused_at = now  # the step's time goes on: its deadline stays
        else:
            cur.paused_at = now
        self.state = State.PAUSED
        self._emit(Paused(self.index, guidance_only=body))
        self._flush()

    def resume(self) -> None:
        if self.state is not State.PAUSED:
            raise EngineError(f"cannot resume a session that is {self.state}")
        now = self._now()
        self._advance_due(now)  # a body step may have ended meanwhile
        cur = self._cur
        if self.state is not State.PAUSED or cur is None:
            self._flush()
            return
        if cur.guidance_paused_at is not None:
            paused_for = now - cur.guidance_paused_at
            cur.run.guidance_paused += paused_for
            cur.guidance_paused_at = None
            self.state = State.RUNNING
            self._emit(Resumed(self.index, paused_for, guidance_only=True))
        else:
            assert cur.paused_at is not None
            paused_for = now - cur.paused_at
            cur.run.paused += paused_for
            if cur.deadline is not None:
                cur.deadline += paused_for
            cur.started += paused_for
            cur.paused_at = None
            self.state = State.RUNNING
            self._emit(Resumed(self.index, paused_for))
        self._advance_due(now)
        self._flush()

    def _catch_up_to_move(self, verb: str) -> float | None:
        """Bring the session up to now before next/previous; None if it ended meanwhile."""
        if self.state not in (State.RUNNING, State.PAUSED, State.WAITING):
            raise EngineError(f"cannot {verb} a session that is {self.state}")
        now = self._now()
        self._advance_due(now)
        if self.state in (State.FINISHED, State.STOPPED):
            self._flush()
            return None
        return now

    def _bounce(self, now: float) -> bool:
        """True (and counted on the current run) when a move comes too soon after the last one.

        A foot pedal that bounces, or a second tap, sends Next twice within a fraction of a
        second: the second would skip a whole step. The time is the session's own, so a
        suspend or a clock change cannot make a deliberate press look like a bounce.
        """
        last, gap = self._last_move, self.bounce_seconds
        if last is not None and gap > 0 and 0 <= now - last < gap and self._cur is not None:
            self._cur.run.bounced += 1
            return True
        self._last_move = now
        return False

    def next(self) -> None:
        """Done with this step (or skip the rest of it): go to the next step.

        A second Next within :attr:`bounce_seconds` of the last move is ignored (see :meth:`_bounce`).
        """
        now = self._catch_up_to_move("go to the next step of")
        if now is None or self._bounce(now):
            return
        cur = self._cur
        assert cur is not None
        skipped = cur.deadline is not None and self.state is not State.WAITING
        self._end_current(now, Outcome.SKIPPED if skipped else Outcome.COMPLETED)
        self._go_to(self.index + 1, now)
        self._flush()

    def previous(self) -> None:
        """Back to the previous step (or restart the first), leaving this one as skipped."""
        now = self._catch_up_to_move("go back in")
        if now is None or self._bounce(now):
            return
        cur = self._cur
        assert cur is not None
        outcome = Outcome.COMPLETED if self.state is State.WAITING else Outcome.SKIPPED
        self._end_current(now, outcome)
        self.state = State.RUNNING
        self._begin(max(0, self.index - 1), now)
        self._advance_due(now)
        self._flush()

    def adjust(self, delta: int, *, override: bool = False) -> int:
        """Add ``delta`` seconds to the current timed step (negative shortens it).

        The new planned time is clamped to the step's range unless ``override``.

        Returns:
            The change actually applied (0 when clamped away or not applicable).
        """
        if self.state not in (State.RUNNING, State.PAUSED) or self._cur is None:
            return 0
        now = self._now()
        self._advance_due(now)
        cur = self._cur
        if self.state not in (State.RUNNING, State.PAUSED) or cur is None or cur.deadline is None:
            self._flush()
            return 0
        step = self.plan[self.index]
        planned = int(cur.run.planned or 0)
        target = planned + delta
        if not override:
            lo, hi = step.min or 1, step.max or target
            target = max(lo, min(hi, target))
        at = cur.paused_at if cur.paused_at is not None else now
        elapsed = planned - (cur.deadline - at)
        target = max(target, 1, math.ceil(elapsed) if delta < 0 else 1)
        applied = target - planned
        if applied == 0:
            self._flush()
            return 0
        beyond = not (step.min or 0) <= target <= (step.max or target)
        cur.deadline += applied
        cur.run.planned = target
        cur.run.extensions += 1
        cur.run.adjusted += applied
        cur.run.overridden = cur.run.overridden or beyond
        self._planned_override[self.index] = target
        if self.warn_seconds and cur.deadline - at > self.warn_seconds:
            cur.warned = False
        self._emit(Adjusted(self.index, target, applied, beyond))
        self._advance_due(now)
        self._flush()
        return applied

    def snooze(self, minutes: float) -> bool:
        """Silence the reminders of the waiting step for ``minutes``; one reminder rings at the end.

        A snooze while snoozed replaces the first. Refused (False, nothing changes) once the
        step's time has reached its ``duration.max``, and on a body step when the snooze would
        end after that maximum (see :mod:`~.reminders`; ``Snapshot.snooze_limit``).

        Raises:
            EngineError: the session is not waiting for the caregiver.
            ValueError: ``minutes`` is not positive.
        """
        if not minutes > 0 or math.isinf(minutes):
            raise ValueError(f"a snooze lasts a positive number of minutes, not {minutes!r}")
        if self.state is not State.WAITING:
            raise EngineError(f"cannot snooze a session that is {self.state}")
        now = self._now()
        self._advance_due(now)
        cur = self._cur
        if self.state is not State.WAITING or cur is None or cur.deadline is None:
            self._flush()
            raise EngineError(f"cannot snooze a session that is {self.state}")
        seconds = float(minutes) * 60.0
        allowed, limit = snooze_allowance(self.planned(), int(cur.run.planned or 0), cur.deadline, now)
        if not allowed or (limit is not None and seconds > limit + EPS):
            self._flush()
            return False
        cur.alarms.snooze(now, seconds, cur.run)
        self._emit(Snoozed(self.index, seconds, cur.run.snoozes))
        self._flush()
        return True

    def set_planned(self, index: int, seconds: int, *, override: bool = False) -> None:
        """Set a timed step's planned duration before it runs (or while it runs).

        Raises:
            PlanError: outside the step's range without ``override``.
        """
        step = self.plan[index]
        check_planned(step.step, seconds, override)
        if index == self.index and self._cur is not None and self.state in (State.RUNNING, State.PAUSED):
            self.adjust(seconds - int(self._cur.run.planned or 0), override=True)
            return
        self._planned_override[index] = seconds

    def stop(self) -> None:
        """End the session early; the runs so far are kept and marked."""
        if self.state in (State.FINISHED, State.STOPPED):
            return
        now = self._now()
        if self.state is State.IDLE:
            self.state = State.STOPPED
            self.ended_wall = self.clock.wall()
            self._emit(SessionStopped(tuple(self.runs)))
            self._flush()
            return
        self._advance_due(now)
        if self.state in (State.FINISHED, State.STOPPED):
            self._flush()
            return
        self._end_current(now, Outcome.STOPPED)
        self.state = State.STOPPED
        self.ended_wall = self._wall_at(now, now)
        self._emit(SessionStopped(tuple(self.runs)))
        self._flush()
