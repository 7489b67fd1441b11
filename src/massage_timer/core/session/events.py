"""What the session engine hands out: its states, the record of each step run, the events it
emits, the snapshot a screen draws, and the error it raises.

These are plain values: the screens, the cues and the session log consume them; nothing
here keeps time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

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
class ItemRun:
    """One item placed during a step run (a jar on the skin): the record that goes to the log."""

    n: int
    """The item's number in its step run, from 1, in the order placed."""
    placed_wall: float
    planned: int
    """Seconds the item was to stay on (the items' default, or as adjusted)."""
    removed_wall: float | None = None
    on_seconds: float = 0.0
    """Seconds on the body, placing to removal (pauses and suspends included); 0 while still on."""
    overdue_seconds: float = 0.0
    """Seconds it stayed on after its planned time."""
    past_max: bool = False
    """It was still on after the items' longest time (``items.max``)."""


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
    """Seconds the step ran (pauses excluded, overrun included). On a body step (``body_timer``)
    a pause does not stop the step's time, so this is the time on the body, guidance pauses included."""
    paused: float = 0.0
    """Seconds the step's time stood still (Pause on an ordinary step)."""
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
    body_timer: bool = False
    """The step runs on the body: a pause pauses only the guidance, the step's time goes on."""
    guidance_paused: float = 0.0
    """Seconds the guidance was paused while the step's time went on (body steps only)."""
    snoozes: int = 0
    """How many times the caregiver snoozed the reminders of the waiting step."""
    snoozed: float = 0.0
    """Seconds the reminders were silenced by snoozes (up to Done, if that came first)."""
    over_max: bool = False
    """A body step was still on after its longest time (``duration.max``)."""
    items: list[ItemRun] = field(default_factory=list)
    """The items placed during this run (a step with ``items``), in the order placed."""

    def __post_init__(self) -> None:
        # Read back from the journal of pending writes, items are plain mappings.
        self.items = [i if isinstance(i, ItemRun) else ItemRun(**_mapping(i)) for i in self.items]


def _mapping(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"an item is a mapping, not {type(value).__name__}")
    return value


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
    guidance_only: bool = False
    """True on a body step: the guidance pauses, the step's time goes on to its deadline."""


@dataclass(frozen=True)
class Resumed(Event):
    index: int
    paused_for: float
    guidance_only: bool = False


@dataclass(frozen=True)
class ReminderDue(Event):
    """A step that waits for the caregiver is still not confirmed: remind again.

    Sent every ``repeat_seconds`` of waiting, and when a snooze is over. Moments missed
    between two looks at the clock (a blocked loop, a suspend) give one reminder, not a burst.
    """

    index: int
    count: int
    """Reminders due so far in this wait, this one included (missed moments counted)."""
    overdue_seconds: float
    """How long the step has been waiting at this reminder's moment."""
    after_snooze: bool = False
    """True for the reminder that ends a snooze."""


@dataclass(frozen=True)
class Snoozed(Event):
    """The reminders of the waiting step are silenced for ``seconds``."""

    index: int
    seconds: float
    snoozes: int
    """Snoozes of this step run so far, this one included."""


@dataclass(frozen=True)
class BodyLimitPassed(Event):
    """A body step is still on after its longest time (``duration.max``): sent once per run."""

    index: int
    max_seconds: int


@dataclass(frozen=True)
class ItemPlaced(Event):
    """Item ``n`` of the current step is on; it is due at ``deadline_wall`` (wall time)."""

    index: int
    n: int
    deadline_wall: float


@dataclass(frozen=True)
class ItemDue(Event):
    """Item ``n`` has been on for its planned time: time to take it off (sent at its deadline)."""

    index: int
    n: int
    on_seconds: float
    """Its time on the body at its deadline: its planned time."""


@dataclass(frozen=True)
class ItemReminderDue(Event):
    """Items are due and still on: remind again (as :class:`ReminderDue` does for a waiting step).

    One stream of reminders per step run: every ``repeat_seconds`` while any item is due, from
    the deadline of the item that became due first; it stops once no item is due.
    """

    index: int
    n: int
    """The first due item, in the order placed: the one to take off now."""
    count: int
    """Reminders due so far in this stream, this one included (missed moments counted)."""
    overdue_seconds: float
    """How long item ``n`` has been due at this reminder's moment."""
    due: tuple[int, ...] = ()
    """Every item due at this reminder, in the order placed (``n`` first)."""


@dataclass(frozen=True)
class ItemRemoved(Event):
    index: int
    n: int
    on_seconds: float
    overdue_seconds: float


@dataclass(frozen=True)
class ItemPastMax(Event):
    """Item ``n`` is still on after the items' longest time (``items.max``): sent once per item."""

    index: int
    n: int
    max_seconds: int


@dataclass(frozen=True)
class ItemAdjusted(Event):
    """Item ``n``'s planned time is now ``planned`` seconds (``delta`` added)."""

    index: int
    n: int
    planned: int
    delta: int


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

ItemStatus = Literal["on", "due", "off"]


@dataclass(frozen=True)
class ItemState:
    """One item of the current step as a screen draws it."""

    n: int
    state: ItemStatus
    """``on``: before its planned time; ``due``: past it and still on; ``off``: removed."""
    placed_wall: float
    planned: int
    remaining: float
    """Seconds to its planned time; negative once due (at removal, for an item that is off)."""
    overdue: float
    """Seconds past its planned time (0 before)."""
    on_seconds: float
    """Seconds on the body so far (up to its removal, for an item that is off)."""
    shown: int
    """The whole second to display: remaining rounded up while on, overdue rounded down once due."""
    past_max: bool = False
    removed_wall: float | None = None

    @property
    def deadline_wall(self) -> float:
        return self.placed_wall + self.planned


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
    body_timer: bool = False
    """The current step runs on the body: Pause pauses only the guidance."""
    guidance_paused: bool = False
    """Paused on a body step: the guidance is paused, but ``remaining`` keeps counting down and the
    step ends (or waits) at its deadline."""
    ends_at_wall: float | None = None
    """Wall time (POSIX seconds) the current timed step ends at, or ended at while it waits; while
    an ordinary step is paused, when it would end if resumed now. None for untimed steps."""
    reminders: int = 0
    """Reminders due so far while the current step waits (see :class:`ReminderDue`)."""
    snooze_remaining: float | None = None
    """Seconds left of a snooze of the reminders; None when not snoozed."""
    can_snooze: bool = False
    """Whether :meth:`SessionEngine.snooze` would be accepted now (for some length)."""
    snooze_limit: float | None = None
    """The longest snooze accepted now, in seconds (a body step's ``duration.max`` minus its time
    so far); None when there is no limit or no snooze is possible (see ``can_snooze``)."""
    over_max: bool = False
    """The current body step has passed its longest time (see :class:`BodyLimitPassed`)."""
    items: tuple[ItemState, ...] = ()
    """The items placed in the current step run, in the order placed (a step with ``items``).
    Once one is placed, the step's own countdown gives way to theirs: ``remaining`` is None and
    ``shown`` counts the step's time up; ``ends_at_wall`` is when the last item still on is due."""
    items_name: str | None = None
    """The current step's item noun ("jar"), None for a step without items."""
    items_plural: str | None = None
    can_place: bool = False
    """Whether :meth:`SessionEngine.place_item` would be accepted now (under ``items.most``)."""


class EngineError(RuntimeError):
    """An operation that does not fit the engine's state."""
