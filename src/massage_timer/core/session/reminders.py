"""What keeps asking while a step waits for the caregiver: reminders that repeat, a snooze that
silences them for a while, and the limit of a step that runs on the body.

Every moment here is a point on the engine's time base (see
:mod:`massage_timer.core.session.timing`), worked out from the step's deadline; nothing is
counted. A wait that started at ``W`` reminds at ``W + r``, ``W + 2r``, … (``r`` is the
engine's ``repeat_seconds``); a look at the clock that comes late gives one reminder for
the moments it missed, carrying how many were due. A snooze until ``S`` silences the
reminders; at ``S`` one reminder rings (even with ``r = 0``: a snooze asks to be reminded),
then again every ``r``.

The rules for a snooze, from the step's time so far (planned plus overrun: for a body step
the time the jars have been on the skin) and its ``duration.max``:

* no snooze once the step's time has reached its maximum;
* on a body step (``body_timer``) a snooze may not end after the maximum;
* on an ordinary step a snooze started before the maximum may end after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .events import ReminderDue, StepRun
from .plan import PlannedStep

EPS = 1e-9
"""Moments this close count as the same (float sums of the fake clock's steps)."""


@dataclass
class StepAlarms:
    """The reminders and the snooze of one step run, in engine time."""

    repeat: float
    """Seconds between reminders; 0: no repeating reminders."""
    waiting_since: float | None = None
    next_reminder: float | None = None
    count: int = 0
    snooze_until: float | None = None
    limit_passed: bool = False

    def start_waiting(self, at: float) -> None:
        """The step ended at ``at`` and waits for the caregiver."""
        self.waiting_since = at
        self.next_reminder = at + self.repeat if self.repeat > 0 else None

    def due(self, now: float, index: int) -> ReminderDue | None:
        """The reminder due by ``now``, if any (one for all the moments missed since the last look)."""
        at = self.next_reminder
        if self.waiting_since is None or at is None or now + EPS < at:
            return None
        passed = 1
        latest = at
        if self.repeat > 0:
            passed += int((now - at + EPS) // self.repeat)
            latest = at + (passed - 1) * self.repeat
            self.next_reminder = latest + self.repeat
        else:
            self.next_reminder = None
        after_snooze = self.snooze_until is not None
        self.snooze_until = None
        self.count += passed
        return ReminderDue(index, self.count, max(0.0, latest - self.waiting_since), after_snooze)

    def snooze(self, now: float, seconds: float, run: StepRun) -> None:
        """Silence the reminders until ``now + seconds`` (a snooze running is replaced)."""
        if self.snooze_until is not None and self.snooze_until > now:
            run.snoozed -= self.snooze_until - now  # the part of the old snooze that will not be spent
        self.snooze_until = now + seconds
        self.next_reminder = self.snooze_until
        run.snoozes += 1
        run.snoozed += seconds

    def snooze_remaining(self, now: float) -> float | None:
        return max(0.0, self.snooze_until - now) if self.snooze_until is not None else None

    def end(self, at: float, run: StepRun) -> None:
        """The step run ends at ``at``: a snooze not over yet counts only up to then."""
        if self.snooze_until is not None and self.snooze_until > at:
            run.snoozed = max(0.0, run.snoozed - (self.snooze_until - at))
        self.snooze_until = None
        self.next_reminder = None
        self.waiting_since = None


def time_on_step(planned: int, deadline: float, now: float) -> float:
    """Seconds of the step's own time at ``now``: planned minus what is left, plus any overrun."""
    return planned - (deadline - now)


def body_limit_at(step: PlannedStep, planned: int, deadline: float) -> float | None:
    """When a body step passes its ``duration.max`` (engine time); None for other steps."""
    if not step.body_timer or step.max is None:
        return None
    return deadline - planned + step.max


def snooze_allowance(step: PlannedStep, planned: int, deadline: float, now: float) -> tuple[bool, float | None]:
    """Whether a waiting step may be snoozed now, and for how many seconds at most (None: no limit)."""
    if step.max is None:
        return True, None
    left = step.max - time_on_step(planned, deadline, now)
    if left <= EPS:
        return False, None
    return True, (left if step.body_timer else None)
