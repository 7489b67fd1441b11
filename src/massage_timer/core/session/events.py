"""What the session engine hands out: its states, the record of each step run, the events it
emits, the snapshot a screen draws, and the error it raises.

These are plain values: the screens, the cues and the session log consume them; nothing
here keeps time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from ..protocols.format import Cue
from .plan import PlannedStep


class State(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    WAITING = "waiting"
    """A timed step has ended and waits for the caregiver (e.g. jars to remove)."""
    FINISHED = "finished"
    STOPPED = "stopped"


class Outcome(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    SKIPPED = "skipped"
    """Ended by the user before its planned time (next or previous)."""
    STOPPED = "stopped"


@dataclass
class StepRun:
    """What happened to one run of a step: the record that goes to the log."""

    seq: int
    index: int
    step_id: str
    title: str
    side: str | None
    timed: bool
    planned: int | None
    initial_planned: int | None
    started_wall: float
    ended_wall: float | None = None
    active: float = 0.0
    """Seconds the step ran (pauses excluded, overrun included)."""
    paused: float = 0.0
    overrun: float = 0.0
    """Seconds a waiting step rang before the caregiver confirmed."""
    extensions: int = 0
    """How many times the user adjusted the planned time."""
    adjusted: int = 0
    """Net seconds added to (or removed from) the planned time."""
    overridden: bool = False
    """True when an adjustment went beyond the step's range on the user's confirmation."""
    slept: float = 0.0
    outcome: Outcome = Outcome.RUNNING
    bounced: int = 0
    """Presses of Next or Previous ignored because they came too soon after a move (a bounce)."""


# ----------------------------------------------------------------- events


@dataclass(frozen=True)
class Event:
    pass


@dataclass(frozen=True)
class SessionStarted(Event):
    started_wall: float


@dataclass(frozen=True)
class StepStarted(Event):
    index: int
    planned: PlannedStep
    run: StepRun


@dataclass(frozen=True)
class SecondChanged(Event):
    """The whole second shown changed: ``shown`` is remaining (timed), elapsed (untimed) or overrun (waiting)."""

    index: int
    state: State
    shown: int


@dataclass(frozen=True)
class CueFired(Event):
    index: int
    cue: Cue


@dataclass(frozen=True)
class SecondsLeft(Event):
    index: int
    seconds: int


@dataclass(frozen=True)
class StepEnded(Event):
    index: int
    run: StepRun


@dataclass(frozen=True)
class WaitingForConfirmation(Event):
    index: int


@dataclass(frozen=True)
class Paused(Event):
    index: int


@dataclass(frozen=True)
class Resumed(Event):
    index: int
    paused_for: float


@dataclass(frozen=True)
class Adjusted(Event):
    index: int
    planned: int
    delta: int
    overridden: bool


@dataclass(frozen=True)
class SleepDetected(Event):
    """The computer was suspended for ``seconds``; the session kept running in real time."""

    seconds: float
    index: int | None
    state: State
    steps_ended: int
    """How many steps ended while the computer slept."""


@dataclass(frozen=True)
class SessionFinished(Event):
    runs: tuple[StepRun, ...]


@dataclass(frozen=True)
class SessionStopped(Event):
    runs: tuple[StepRun, ...]


Listener = Callable[[Event], None]


@dataclass(frozen=True)
class Snapshot:
    """Everything a screen needs to draw the session, computed by the engine."""

    state: State
    index: int
    count: int
    planned: PlannedStep | None
    remaining: float | None
    """Seconds left in a running/paused timed step (None for untimed steps)."""
    elapsed: float
    overrun: float
    shown: int
    """The whole second to display (remaining rounded up, or elapsed/overrun rounded down)."""
    fraction: float
    """0..1 of the current timed step done (0 for untimed)."""
    session_remaining: float
    """Seconds of timed steps left in the session, current step included."""
    untimed_left: int
    """Untimed steps still to come (their length is unknown)."""
    next_title: str | None
    cue_image: str | None
    """An image that a fired cue put in place of the step's image."""


class EngineError(RuntimeError):
    """An operation that does not fit the engine's state."""
