"""Continuing an interrupted session (a crash, a quit, a power cut) from the step where it stopped.

:func:`plan_continuation` reads what the session log holds of the session (its row and its
step runs, as :meth:`Store.session` and :meth:`Store.steps` give them) and the protocol as it
is loaded now, and returns a :class:`Continuation`: the plan, the step that stopped and what is
left of it. The engine starts there (:meth:`SessionEngine.start_at`) and the recorder appends
the new step runs to the same session (:meth:`SessionRecorder.resume`), so History shows one
session.

**The plan.** Every step reached before the interruption is rebuilt from the protocol's step
with the same id, with the side and the planned seconds logged for it (the last run's, so an
adjustment made while it ran is kept). The steps after the last one reached were never logged:
they come from the protocol as loaded now, for the session's variant and side, at their
default lengths (lengths chosen at set-up for steps not reached yet are not in the log).

**What is left of the stopped step**, at the wall time ``now``:

* a timed step: its planned seconds minus the active seconds logged for it so far. The run in
  progress is written at its start and at each pause, resume or adjustment, and its time only
  when it ends: after a crash or a power cut the log holds no time for it, so the step goes on
  with its full time; after *Quit and continue later* its time is logged and counted.
* a step that runs on the body (``body_timer``: jars on the skin): its time kept running while
  the app was not there, so what is left is its planned seconds minus the wall time from its
  start to ``now``. It may be zero or less: the step is due (or overdue) now, and the engine
  makes it wait for the caregiver at once.
* an untimed step (a stopwatch): nothing to count down; it starts again from zero.

A step continued more than once has several runs: an interrupted run followed by another run
of the same step is its continuation, so those runs count together.

**A protocol that changed since.** The session's logged SHA-256 of the protocol file is compared
with the file's now; the steps reached are compared by id, side, position and length (this is
all there is to compare for a session logged without a hash). Any difference makes
``changed`` true, with what changed in plain words; the session still continues with the steps
as they were logged. A logged step whose id the protocol no longer has cannot be continued:
:class:`CannotResume` says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..durations import format_duration
from ..protocols.format import LoadedProtocol, Step
from .plan import PlanError, PlannedStep, build_plan


class LoggedSession(Protocol):
    """What a continuation needs of the log's session row (``SessionRow``)."""

    @property
    def id(self) -> str: ...
    @property
    def protocol_id(self) -> str: ...
    @property
    def protocol_title(self) -> str: ...
    @property
    def protocol_sha256(self) -> str: ...
    @property
    def variant(self) -> str | None: ...
    @property
    def side(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def steps_total(self) -> int: ...


class LoggedRun(Protocol):
    """What a continuation needs of one logged step run (``StepRow``)."""

    @property
    def seq(self) -> int: ...
    @property
    def step_index(self) -> int: ...
    @property
    def step_id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def side(self) -> str | None: ...
    @property
    def planned(self) -> int | None: ...
    @property
    def started_ts(self) -> float: ...
    @property
    def active_seconds(self) -> float: ...
    @property
    def outcome(self) -> str: ...
    @property
    def body_timer(self) -> bool: ...


class CannotResume(ValueError):
    """The session cannot be continued from where it stopped; the message says why, in plain words."""


@dataclass(frozen=True)
class Continuation:
    """What is needed to continue an interrupted session (see the module)."""

    session_id: str
    plan: tuple[PlannedStep, ...]
    index: int
    """The plan's index of the step that stopped."""
    remaining: float | None
    """Seconds left on that step at ``at_wall``; <= 0: due (or overdue) now; None: an untimed step."""
    body_timer: bool
    """The step runs on the body: its time went on while the app was not there."""
    at_wall: float
    """The wall time ``remaining`` was worked out for."""
    changed: bool
    """The protocol changed since the session started (``changes`` says how)."""
    changes: tuple[str, ...] = ()
    """What changed, one plain sentence each."""
    next_seq: int = 1
    """The sequence number the next step run gets in the log."""

    @property
    def step(self) -> PlannedStep:
        return self.plan[self.index]

    def summary(self, lead: str = "Continuing from") -> str:
        """One line on what happens: ``Continuing from step 4 of 7; 6 min left on it.`` (and what changed)."""
        where = f"{lead} step {self.index + 1} of {len(self.plan)}"
        remaining = self.remaining
        if remaining is None:
            left = "its stopwatch starts again from zero"
        elif remaining > 0:
            left = f"{_words(remaining)} left on it"
            if self.body_timer:
                left += " (its time on the body went on meanwhile)"
        elif self.body_timer and remaining < -30:
            left = f"its time on the body was up {_words(-remaining)} ago: it waits for you"
        else:
            left = "its time is up: it waits for you"
        line = f"{where}; {left}."
        if self.changed:
            line += " The protocol file changed since: the steps are as they were logged."
        return line


def plan_continuation(
    session: LoggedSession, runs: Sequence[LoggedRun], loaded: LoadedProtocol | None, now: float
) -> Continuation:
    """How to continue ``session`` (its logged ``runs``, in ``seq`` order) with the protocol ``loaded`` now.

    Args:
        session: the session row; it must be ``interrupted``.
        runs: its step runs, as logged.
        loaded: the protocol with the session's id as loaded now (None: there is none).
        now: the wall time the continuation starts at (what is left of a body step depends on it).

    Raises:
        CannotResume: the session is not interrupted, its protocol is gone, or a step it reached is
            no longer in the protocol.
    """
    title = session.protocol_title
    if session.status != "interrupted":
        raise CannotResume(
            f"This session of {title} is {session.status}, not interrupted: there is nothing to continue."
        )
    if loaded is None or loaded.protocol.id != session.protocol_id:
        raise CannotResume(
            f"The protocol {title} ({session.protocol_id}) is not in the protocol library any more, "
            "so this session cannot be continued. You can still finish it in History."
        )
    runs = sorted(runs, key=lambda r: r.seq)
    by_id = {s.id: s for s in loaded.protocol.steps}
    for run in runs:
        if run.step_id not in by_id:
            raise CannotResume(
                f"The protocol {title} no longer has the step “{run.title}” ({run.step_id}) that this session "
                "reached, so it cannot be continued from where it stopped. You can still finish it in History."
            )
    variant_gone = False
    try:
        current = build_plan(loaded.protocol, session.variant, _side_choice(session.side))
    except PlanError:
        variant_gone = True
        current = build_plan(loaded.protocol, None, _side_choice(session.side))
    latest: dict[int, LoggedRun] = {}
    for run in runs:
        latest[run.step_index] = run
    reached = max(latest, default=-1)
    plan = [PlannedStep(by_id[r.step_id], r.side, r.planned) for _i, r in sorted(latest.items())]
    if len(plan) != reached + 1:  # a gap in the indices: not a log this app wrote
        raise CannotResume(f"The steps logged for this session of {title} are not in order; it cannot be continued.")
    plan.extend(current[_rest_from(current, latest.get(reached)) :])
    changes = _changes(session, loaded, plan, current, latest)
    if variant_gone:
        changes.insert(0, f"The protocol has no variant “{session.variant}” any more.")
    index, remaining, body = _stopped(runs, plan, now)
    if index >= len(plan):
        raise CannotResume(f"Every step of this session of {title} was done: there is nothing left to continue.")
    return Continuation(
        session_id=session.id,
        plan=tuple(plan),
        index=index,
        remaining=remaining,
        body_timer=body,
        at_wall=now,
        changed=bool(changes),
        changes=tuple(changes),
        next_seq=(runs[-1].seq + 1) if runs else 1,
    )


def _side_choice(side: str | None) -> str | None:
    return side if side in ("left", "right", "both") else None


def _rest_from(current: list[PlannedStep], last: LoggedRun | None) -> int:
    """Where the steps never reached begin in the current plan: after the last step reached."""
    if last is None:
        return 0
    at = last.step_index
    if at < len(current) and (current[at].step.id, current[at].side) == (last.step_id, last.side):
        return at + 1
    for i, planned in enumerate(current):
        if (planned.step.id, planned.side) == (last.step_id, last.side):
            return i + 1
    return min(at + 1, len(current))


def _stopped(runs: Sequence[LoggedRun], plan: list[PlannedStep], now: float) -> tuple[int, float | None, bool]:
    """The step that stopped, what is left of it at ``now`` (None: untimed), and whether it runs on the body."""
    last = runs[-1] if runs else None
    if last is None or last.outcome not in ("interrupted", "running"):
        # Nothing in progress was logged (the next step had not begun): the next step, from its start.
        at = last.step_index + 1 if last is not None else 0
        step = plan[at] if at < len(plan) else None
        return at, float(step.planned) if step and step.planned is not None else None, bool(step and step.body_timer)
    chain = [last]
    for run in reversed(runs[:-1]):
        if run.step_index != last.step_index or run.outcome != "interrupted":
            break
        chain.append(run)
    if last.planned is None:
        return last.step_index, None, False
    active = sum(r.active_seconds for r in chain)
    if last.body_timer:
        on_body = max(active, now - min(r.started_ts for r in chain))
        return last.step_index, last.planned - on_body, True
    return last.step_index, last.planned - active, False


def _changes(
    session: LoggedSession,
    loaded: LoadedProtocol,
    plan: list[PlannedStep],
    current: list[PlannedStep],
    latest: dict[int, LoggedRun],
) -> list[str]:
    """What differs between the protocol as the session logged it and as it is now, in plain words."""
    out: list[str] = []
    for i, run in sorted(latest.items()):
        now_there = current[i] if i < len(current) else None
        if now_there is None or (now_there.step.id, now_there.side) != (run.step_id, run.side):
            out.append(f"“{run.title}” is no longer step {i + 1}.")
        step: Step = plan[i].step
        if plan[i].title != run.title:
            out.append(f"Step {i + 1}, “{run.title}”, is now called “{plan[i].title}”.")
        if (step.duration is None) != (run.planned is None):
            out.append(f"“{run.title}” is {'untimed' if step.duration is None else 'timed'} now.")
        elif step.duration is not None and run.planned is not None:
            lo, hi = int(step.duration.min), int(step.duration.max)
            if not lo <= run.planned <= hi:
                out.append(
                    f"“{run.title}”: {format_duration(run.planned)} is outside its range now "
                    f"({format_duration(lo)}–{format_duration(hi)})."
                )
    if len(current) != session.steps_total:
        out.append(f"The protocol has {len(current)} steps for this session now, not {session.steps_total}.")
    if not out and session.protocol_sha256 and session.protocol_sha256 != loaded.sha256:
        out.append("The protocol file was edited; the steps this session reached and their lengths are the same.")
    return out


def _words(seconds: float) -> str:
    """``"6 min"``, ``"1 h 5 min"``, ``"40 s"``: a length for reading, to the nearest minute from a minute on."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    hours, minutes = divmod(round(seconds / 60), 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"
