"""Several sessions at once, on one clock: client B's session starts while client A rests under a blanket.

:class:`SessionManager` owns the sessions of a day that are on at the same time. Each is a
:class:`~.engine.SessionEngine` of its own, with its own recorder (each writes its own row of the
log, one transaction per step transition) or none, and all share one clock. The manager does not
keep time either: it answers when the soonest of its engines needs a look (:meth:`next_wakeup`),
looks at all of them when asked (:meth:`poll`), and hands every engine's events to its listeners
with the key of the session they belong to.

One engine that raises in :meth:`poll` does not stop the others: the error goes to the app's log
and the other sessions go on.

:meth:`overview` gives plain values (:class:`SessionOverview`) for everything that shows all the
sessions at a glance (the strip on the Session page, a tray menu, a mini window) without touching
an engine.

Order of listeners: the manager subscribes to an engine in :meth:`add`, after whatever subscribed
before. A recorder built before :meth:`add` writes each transition before the manager's listeners
hear of it (a test that reports what is committed needs that); a recorder attached after
(:meth:`set_recorder`) lets a screen hear first, so that a cue is not late for a disk write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from ..clock import Clock
from .engine import SessionEngine
from .events import (
    BodyLimitPassed,
    CueFired,
    Event,
    ItemDue,
    ItemPastMax,
    ItemReminderDue,
    Outcome,
    ReminderDue,
    SessionFinished,
    SleepDetected,
    Snapshot,
    State,
    StepEnded,
    WaitingForConfirmation,
)

log = logging.getLogger(__name__)
"""Errors of one session go to the app's log by key and state only: no person or step titles."""

SessionListener = Callable[[str, Event], None]

ACTIVE_STATES = (State.RUNNING, State.PAUSED, State.WAITING)
ENDED_STATES = (State.FINISHED, State.STOPPED)

ALERT_KINDS = ("cue", "step_ended", "waiting", "reminder", "item_due", "item_reminder", "body_limit", "finished")
"""The kinds of :func:`background_words` that need the caregiver (ring); ``slept`` only informs."""


@dataclass
class SessionSlot:
    """One session the manager holds."""

    key: str
    label: str
    """Whose session it is, as said in its cues ("Anna"); unique among the sessions held."""
    engine: SessionEngine
    recorder: Any | None = None
    """Its :class:`~massage_timer.core.log.SessionRecorder`, or None (no log)."""
    listener: Callable[[Event], None] | None = None

    @property
    def state(self) -> State:
        return self.engine.state

    @property
    def active(self) -> bool:
        return self.engine.state in ACTIVE_STATES


@dataclass(frozen=True)
class SessionOverview:
    """One session at a glance, as plain values: what a strip of sessions or a tray menu shows."""

    key: str
    label: str
    state: State
    step_title: str
    step_index: int
    """From 0, as the engine counts; "step 3 of 5" is ``step_index + 1`` of ``step_count``."""
    step_count: int
    seconds_left: float | None
    """Seconds left on the current timed step (or to the next item due); None: untimed or ended."""
    next_cue_text: str = ""
    """The text of the next prompt due in this step ("" when none is to come)."""
    attention: bool = False
    """The session needs the caregiver now: its step waits, an item's time is up, or it has ended
    and its summary is not closed yet."""


class SessionManager:
    """The sessions on at the same time, all on one clock (see the module).

    Args:
        clock: the clock every engine added runs on.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._slots: dict[str, SessionSlot] = {}
        self._listeners: list[SessionListener] = []
        self._counter = 0

    # ------------------------------------------------------------ the sessions

    def add(self, engine: SessionEngine, recorder: Any | None = None, label: str = "") -> str:
        """Hold ``engine`` (with its ``recorder``, if any) as a new session; returns its key.

        The label is made unique among the sessions held ("Anna", then "Anna (2)").

        Raises:
            ValueError: the engine runs on another clock, or is held already.
        """
        if engine.clock is not self.clock:
            raise ValueError("every session of the manager runs on its clock")
        if any(slot.engine is engine for slot in self._slots.values()):
            raise ValueError("this session is held already")
        self._counter += 1
        key = f"s{self._counter}"
        slot = SessionSlot(key, self._unique(label.strip() or f"Session {self._counter}"), engine, recorder)

        def forward(event: Event, key: str = key) -> None:
            for listener in list(self._listeners):
                listener(key, event)

        slot.listener = forward
        engine.subscribe(forward)
        self._slots[key] = slot
        return key

    def set_recorder(self, key: str, recorder: Any | None) -> None:
        """Give the session ``key`` its recorder (built after :meth:`add`: see the module)."""
        self._slot(key).recorder = recorder

    def relabel(self, key: str, label: str) -> str:
        """Give the session ``key`` another label (made unique as in :meth:`add`); returns it."""
        slot = self._slot(key)
        slot.label = ""
        slot.label = self._unique(label.strip() or f"Session {key[1:]}")
        return slot.label

    def remove(self, key: str) -> SessionSlot:
        """Let go of the session ``key`` (its events no longer reach the listeners); returns it.

        Raises:
            KeyError: no such session.
        """
        slot = self._slots.pop(key)
        if slot.listener is not None:
            slot.engine.unsubscribe(slot.listener)
            slot.listener = None
        return slot

    def slots(self) -> list[SessionSlot]:
        """Every session held, in the order they were added."""
        return list(self._slots.values())

    def keys(self) -> list[str]:
        return list(self._slots)

    def get(self, key: str) -> SessionSlot | None:
        return self._slots.get(key)

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, key: object) -> bool:
        return key in self._slots

    def active(self) -> list[SessionSlot]:
        """The sessions running, paused or waiting for the caregiver, in the order added."""
        return [slot for slot in self._slots.values() if slot.active]

    def _slot(self, key: str) -> SessionSlot:
        slot = self._slots.get(key)
        if slot is None:
            raise KeyError(key)
        return slot

    def _unique(self, label: str) -> str:
        taken = {slot.label for slot in self._slots.values()}
        if label not in taken:
            return label
        n = 2
        while f"{label} ({n})" in taken:
            n += 1
        return f"{label} ({n})"

    def stop_all(self, *, last: str | None = None) -> None:
        """Stop every running session (each is logged as stopped); ``last`` is stopped after the others."""
        slots = self.active()
        for slot in sorted(slots, key=lambda s: s.key == last):
            slot.engine.stop()

    def keep_for_later(self, keys: Collection[str]) -> None:
        """End the sessions ``keys`` to continue them later (the app quits): each is logged as interrupted.

        A session without a recorder just stops (there is no log to keep it in).
        """
        for key in keys:
            slot = self._slot(key)
            if slot.recorder is not None and slot.active:
                slot.recorder.keep_for_later()
            slot.engine.stop()

    # ------------------------------------------------------------ listeners

    def subscribe(self, listener: SessionListener) -> None:
        """``listener(key, event)`` hears every event of every session held."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: SessionListener) -> None:
        self._listeners.remove(listener)

    # ------------------------------------------------------------ time

    def next_wakeup(self, *, precise: Collection[str] | None = None, slack: float = 0.0) -> float | None:
        """Seconds until the soonest of the sessions needs a look; None when none needs one.

        Args:
            precise: with ``slack``, the sessions that must be looked at on time (the one on
                screen); the others may be looked at up to ``slack`` seconds late, so that
                several share one wake-up (their steps still end at their deadlines: time is
                computed, not counted; only what they show and say may come that much later).
            slack: seconds a session not in ``precise`` may wait.
        """
        sharp: list[float] = []
        loose: list[float] = []
        for slot in list(self._slots.values()):
            try:
                wake = slot.engine.next_wakeup()
            except Exception:  # one session's fault must not stop the others
                log.exception("session %s (%s) could not say when to look again", slot.key, slot.engine.state)
                continue
            if wake is not None:
                (sharp if precise is None or slack <= 0 or slot.key in precise else loose).append(wake)
        if loose:
            sharp.append(min(loose) + slack)
        return min(sharp) if sharp else None

    def poll(self) -> None:
        """Let every session look at the clock; one that raises is logged and the others go on."""
        for slot in list(self._slots.values()):
            if slot.engine.state in ENDED_STATES or slot.engine.state is State.IDLE:
                continue
            try:
                slot.engine.poll()
            except Exception:
                log.exception("session %s (%s) failed to look at the clock", slot.key, slot.engine.state)

    # ------------------------------------------------------------ at a glance

    def overview(self) -> list[SessionOverview]:
        """Every session held, at a glance, in the order added."""
        out = []
        for slot in list(self._slots.values()):
            try:
                out.append(overview_of(slot.key, slot.label, slot.engine.snapshot()))
            except Exception:
                log.exception("session %s (%s) could not be shown", slot.key, slot.engine.state)
        return out


def overview_of(key: str, label: str, snap: Snapshot) -> SessionOverview:
    """One session's :class:`SessionOverview` from its snapshot."""
    planned = snap.planned
    state = snap.state
    seconds_left: float | None = None
    on = [item for item in snap.items if item.state != "off"]
    due = any(item.state == "due" for item in on)
    if state in (State.RUNNING, State.PAUSED, State.IDLE):
        if on:
            seconds_left = max(0.0, min(item.remaining for item in on))
        elif snap.remaining is not None:
            seconds_left = max(0.0, snap.remaining)
    cue_text = ""
    if planned is not None and planned.timed and state in (State.RUNNING, State.PAUSED, State.IDLE):
        total = float(planned.planned or 0)
        coming = [(cue.offset(total), cue.text) for cue in planned.step.cues if cue.offset(total) > snap.elapsed]
        if coming:
            cue_text = min(coming)[1]
    return SessionOverview(
        key=key,
        label=label,
        state=state,
        step_title=planned.title if planned is not None else "",
        step_index=snap.index,
        step_count=snap.count,
        seconds_left=seconds_left,
        next_cue_text=cue_text,
        attention=state is State.WAITING or due or state in ENDED_STATES,
    )


def background_words(label: str, snap: Snapshot, event: Event) -> tuple[str, str] | None:
    """What to tell of ``event`` of a session not on screen: (kind, text saying whose it is), or None.

    ``snap`` is the session's snapshot after the event. The kinds are :data:`ALERT_KINDS` and
    ``slept``; a step ended by the session's own time is told, one ended by a key is not.
    """
    title = snap.planned.title if snap.planned is not None else ""
    item = (snap.items_name or "item").capitalize()
    if isinstance(event, CueFired):
        return "cue", f"{label}: {event.cue.text}"
    if isinstance(event, StepEnded):
        run = event.run
        if run.outcome is not Outcome.COMPLETED or not run.timed or run.overrun > 0 or snap.planned is None:
            return None  # ended by a key, or the session finished (told on its own)
        return "step_ended", f"{label}: {run.title} is done. Next: {title}."
    if isinstance(event, WaitingForConfirmation):
        return "waiting", f"{label}: time is up for {title}."
    if isinstance(event, ReminderDue):
        return "reminder", f"{label}: still waiting. Time is up for {title}."
    if isinstance(event, ItemDue):
        return "item_due", f"{label}: {item} {event.n}: its time is up. Take it off."
    if isinstance(event, ItemReminderDue):
        return "item_reminder", f"{label}: {item} {event.n} is still on. Take it off."
    if isinstance(event, (BodyLimitPassed, ItemPastMax)):
        return "body_limit", f"{label}: longer than the longest time. End it now."
    if isinstance(event, SessionFinished):
        return "finished", f"{label}: the session is complete."
    if isinstance(event, SleepDetected):
        return "slept", f"{label}: the computer was asleep; the timer kept counting real time."
    return None
