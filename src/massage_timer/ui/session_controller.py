"""The thin Qt adapter between the sessions and the screens.

It owns a :class:`~massage_timer.core.session.manager.SessionManager`: every session on at the
same time (client B's starts while client A rests under a blanket), each an engine with its own
recorder, all on one clock. One of them is *on screen* (:attr:`SessionController.current_key`):
the session page's signals, actions and :meth:`~SessionController.snapshot` are that one's. The
others run in the background: what needs the caregiver there (a cue, a step's end, a jar due, the
session's end) comes as :attr:`~SessionController.background_event`, already saying whose it is,
and :attr:`~SessionController.sessions_changed` asks the strip of sessions to redraw.

One precise single-shot timer wakes the sessions exactly when the soonest of them has something
visible due (the next whole second, a cue, a step end). The timer never measures time: it only
asks the engines to look at their clock.

Once two sessions exist, cue texts say whose they are ("Anna: remove the jars"): see
:meth:`SessionController.whose`.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from ..core.clock import Clock, SystemClock
from ..core.log import SessionInfo, SessionRecorder, Store, StoreError
from ..core.protocols.format import LoadedProtocol
from ..core.session.engine import SessionEngine
from ..core.session.events import (
    Adjusted,
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
    Paused,
    ReminderDue,
    Resumed,
    SecondChanged,
    SecondsLeft,
    SessionFinished,
    SessionStarted,
    SessionStopped,
    SleepDetected,
    Snapshot,
    Snoozed,
    State,
    StepEnded,
    StepStarted,
    WaitingForConfirmation,
)
from ..core.session.manager import (
    ALERT_KINDS,
    ENDED_STATES,
    SessionManager,
    SessionOverview,
    SessionSlot,
    background_words,
)
from ..core.session.plan import PlannedStep
from ..core.session.resume import Continuation

log = logging.getLogger(__name__)
"""Session events go to the app's log as counts and states only: no person, protocol or step titles."""

IDLE_POLL_MS = 2000
"""While paused, look at the clock now and then anyway, to notice a suspend."""

BACKGROUND_SLACK = 0.3
"""Seconds a session not on screen may be looked at late, to share a wake-up with another (its steps
still end at their deadlines; only its sound and the strip may be this much late)."""


class SessionController(QObject):
    """Runs the sessions for the UI; the one on screen drives the signals below.

    Signals carry what the screens need; a screen then asks :meth:`snapshot`
    for everything it draws.
    """

    session_started = Signal()
    step_started = Signal(int)
    second_changed = Signal()
    cue_fired = Signal(str, object)  # text (whose it is, once two sessions exist), Cue
    seconds_left = Signal(int)
    step_ended = Signal(object)  # StepRun
    waiting = Signal(int)
    paused = Signal()
    resumed = Signal()
    adjusted = Signal(int, int, bool)  # planned, delta, beyond the range
    slept = Signal(float, int)  # seconds away, steps that ended meanwhile
    reminder = Signal(int, float)  # reminders so far in this wait, seconds waiting
    snoozed = Signal(float)  # seconds the reminders are silenced for
    body_limit_passed = Signal(int)  # the body step's longest time, in seconds
    item_placed = Signal(int)  # the item's number (from 1, in the order placed)
    item_due = Signal(int)  # the item whose time is up: take it off
    item_reminder = Signal(int, int)  # the first due item, reminders so far while items are due
    item_removed = Signal(int)
    item_past_max = Signal(int)  # the item still on after the items' longest time
    item_adjusted = Signal(int, int)  # the item, its planned seconds now
    finished = Signal(object)  # tuple[StepRun, ...]
    stopped = Signal(object)
    changed = Signal()
    """Anything visible of the session on screen may have changed: redraw from snapshot()."""
    store_failed = Signal(str)
    """The log could not be written (once per session); the session goes on."""
    current_changed = Signal(str)
    """Another session is on screen now (its key; "" for none). Sent before :attr:`changed`."""
    sessions_changed = Signal()
    """A session came or went, or one in the background changed: redraw the strip from :meth:`overview`."""
    background_event = Signal(str, str, str, str)
    """key, label, kind, text: a session not on screen needs the caregiver (or informs); ``text`` says
    whose it is. Kinds: :data:`ALERT_KINDS`, and ``slept``."""

    def __init__(self, clock: Clock | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock: Clock = clock or SystemClock()
        self.manager = SessionManager(self.clock)
        self.manager.subscribe(self._on_manager_event)
        self.current_key: str | None = None
        self._extra: dict[str, tuple[LoadedProtocol | None, SessionInfo | None]] = {}
        """Each session's protocol and who, what and which side (beside its engine and recorder)."""
        self._alerts: set[str] = set()
        """Background sessions that rang since they were last on screen."""
        self._version = 0
        """Counts what changes an overview besides the clock (events, switches, sessions added or gone)."""
        self._overview: tuple[tuple[float, int], list[SessionOverview]] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer)

    # ----------------------------------------------------------- the session on screen

    def _current(self) -> SessionSlot | None:
        return self.manager.get(self.current_key) if self.current_key is not None else None

    @property
    def engine(self) -> SessionEngine | None:
        slot = self._current()
        return slot.engine if slot is not None else None

    @property
    def recorder(self) -> SessionRecorder | None:
        slot = self._current()
        return slot.recorder if slot is not None else None

    @property
    def loaded(self) -> LoadedProtocol | None:
        return self._extra.get(self.current_key or "", (None, None))[0]

    @property
    def info(self) -> SessionInfo | None:
        return self._extra.get(self.current_key or "", (None, None))[1]

    @property
    def active(self) -> bool:
        """True while the session on screen is started and not finished or stopped."""
        slot = self._current()
        return slot is not None and slot.active

    @property
    def any_active(self) -> bool:
        """True while any session (on screen or not) is started and not finished or stopped."""
        return bool(self.manager.active())

    @property
    def session_id(self) -> str | None:
        return self.recorder.session_id if self.recorder else None

    def snapshot(self) -> Snapshot | None:
        return self.engine.snapshot() if self.engine is not None else None

    def whose(self, text: str, key: str | None = None) -> str:
        """``text`` as said for the session ``key`` (the one on screen): "Anna: …" once two sessions exist."""
        slot = self.manager.get(key or self.current_key or "")
        if slot is None or len(self.manager) < 2 or not text:
            return text
        return f"{slot.label}: {text}"

    # ----------------------------------------------------------- all the sessions

    def sessions(self) -> list[SessionSlot]:
        """Every session held, in the order started."""
        return self.manager.slots()

    def overview(self) -> list[SessionOverview]:
        """Every session at a glance; one that rang in the background since it was seen needs attention.

        Asked again with nothing new (no event, the same clock reading), the same answer comes back.
        """
        stamp = (self.clock.monotonic(), self._version)
        if self._overview is None or self._overview[0] != stamp:
            found = [
                dataclasses.replace(o, attention=True) if o.key in self._alerts and not o.attention else o
                for o in self.manager.overview()
            ]
            self._overview = (stamp, found)
        return list(self._overview[1])

    def switch_to(self, key: str) -> bool:
        """Put the session ``key`` on screen; False when there is no such session or it is there already."""
        if key not in self.manager or key == self.current_key:
            return False
        self._make_current(key)
        return True

    def switch_next(self) -> bool:
        """The next session, in the order started, comes on screen (after the last, the first)."""
        keys = self.manager.keys()
        if len(keys) < 2 or self.current_key not in keys:
            return False
        return self.switch_to(keys[(keys.index(self.current_key) + 1) % len(keys)])

    def _make_current(self, key: str | None) -> None:
        self._version += 1
        self.current_key = key
        if key is not None:
            self._alerts.discard(key)
        self.current_changed.emit(key or "")
        self.sessions_changed.emit()
        self.changed.emit()

    # ----------------------------------------------------------- lifecycle

    def begin(
        self,
        loaded: LoadedProtocol,
        plan: list[PlannedStep],
        info: SessionInfo,
        store: Store | None,
        **options: Any,
    ) -> SessionEngine:
        """Prepare a session (not started: the user presses Start or Space) and put it on screen.

        Sessions running meanwhile go on in the background; a session on screen that is not
        running (prepared only, finished or stopped) gives way to the new one. ``options`` go to
        the engine (``warn_seconds``, ``auto_advance``, ``bounce_seconds``, ``repeat_seconds``).
        """
        current = self._current()
        if current is not None and not current.active:
            self._drop(current.key)
        engine = SessionEngine(plan, self.clock, **options)
        # The screen hears first: a cue is due at its deadline, the log write may wait a moment.
        key = self.manager.add(engine, None, info.person)
        self._extra[key] = (loaded, info)
        if store is not None:
            self.manager.set_recorder(key, SessionRecorder(store, engine, info, on_failure=self.store_failed.emit))
        log.info("session prepared: %d steps planned, %d session(s) held", len(plan), len(self.manager))
        self._make_current(key)
        self._schedule()
        return engine

    def resume(
        self,
        loaded: LoadedProtocol,
        continuation: Continuation,
        store: Store,
        **options: Any,
    ) -> SessionEngine:
        """Continue an interrupted session at the step where it stopped, paused: the user presses Resume.

        The session goes on in its own row of the log (:meth:`SessionRecorder.resume`) and comes on
        screen; sessions running meanwhile go on in the background. On a step that runs on the body
        the pause is the guidance's only: its time goes on, as it did while the app was not there; a
        step whose time is up waits for the caregiver. ``options`` go to the engine, as in :meth:`begin`.

        Raises:
            StoreError: the log cannot take the continuation now; nothing was started.
        """
        engine = SessionEngine(list(continuation.plan), self.clock, **options)
        key = self.manager.add(engine, None, "")  # the screen hears first, as in begin()
        try:
            recorder = SessionRecorder.resume(store, engine, continuation.session_id, self.store_failed.emit)
        except StoreError:
            self.manager.remove(key)
            raise
        current = self._current()
        if current is not None and not current.active:
            self._drop(current.key)
        self.manager.relabel(key, recorder.info.person)
        self.manager.set_recorder(key, recorder)
        self._extra[key] = (loaded, recorder.info)
        log.info("session continued at step %d of %d", continuation.index + 1, len(continuation.plan))
        self.current_key = key  # its start is the screen's, as for a session started here
        engine.start_at(continuation.index, continuation.remaining)
        if engine.state is State.RUNNING:
            engine.pause()
        self._make_current(key)
        self._schedule()
        return engine

    def discard(self) -> None:
        """Forget the session on screen (finished, stopped or never started); another one, if any, comes on screen."""
        if self.current_key is not None:
            self._drop(self.current_key)
        slots = self.manager.slots()
        following = next((s for s in slots if s.active), slots[0] if slots else None)
        if following is not None:
            self._make_current(following.key)
        else:
            self.current_key = None
            self.current_changed.emit("")
            self.sessions_changed.emit()
        self._schedule()

    def _drop(self, key: str) -> None:
        self._version += 1
        if key in self.manager:
            self.manager.remove(key)
        self._extra.pop(key, None)
        self._alerts.discard(key)
        if key == self.current_key:
            self.current_key = None

    # ----------------------------------------------------------- actions (on the session on screen)

    def toggle(self) -> None:
        if self.engine is not None and self.engine.state in (State.IDLE, State.RUNNING, State.PAUSED):
            self.engine.toggle()
            self._schedule()

    def next(self) -> None:
        if self.engine is not None and self.engine.state is State.IDLE:
            self.engine.start()
        elif self.active:
            assert self.engine is not None
            self.engine.next()
        self._schedule()

    def previous(self) -> None:
        if self.active:
            assert self.engine is not None
            self.engine.previous()
            self._schedule()

    def adjust(self, delta: int, override: bool = False) -> int:
        if self.engine is None:
            return 0
        applied = self.engine.adjust(delta, override=override)
        self._schedule()
        return applied

    def can_adjust(self, delta: int) -> bool:
        """Whether ``delta`` fits the current step's range (for the override prompt)."""
        snap = self.snapshot()
        if snap is None or snap.planned is None or not snap.planned.timed:
            return False
        if snap.state not in (State.RUNNING, State.PAUSED):
            return False
        run_planned = self.engine.runs[-1].planned if self.engine and self.engine.runs else None
        target = (run_planned or snap.planned.planned or 0) + delta
        return (snap.planned.min or 0) <= target <= (snap.planned.max or target)

    def snooze(self, minutes: float) -> bool:
        """Silence the reminders of the waiting step; False when its range does not allow it."""
        if self.engine is None or self.engine.state is not State.WAITING:
            return False
        done = self.engine.snooze(minutes)
        self._schedule()
        return done

    def place_item(self) -> int:
        """Put the next item on (a jar): its number, or 0 when refused (no items here, ``most`` reached) or a bounce."""
        return self._item_call(lambda engine: engine.place_item())

    def remove_item(self, n: int | None = None) -> int:
        """Take item ``n`` off (None: the first due, else the first on); its number, or 0 when refused."""
        return self._item_call(lambda engine: engine.remove_item(n))

    def adjust_item(self, n: int, delta: int) -> int:
        """Add ``delta`` seconds to item ``n``'s time (clamped to its range); the change applied."""
        return self._item_call(lambda engine: engine.adjust_item(n, delta))

    def _item_call(self, call: Callable[[SessionEngine], int]) -> int:
        if self.engine is None:
            return 0
        try:
            result = call(self.engine)
        except EngineError as exc:
            log.info("item operation refused: %s", exc)
            result = 0
        self._schedule()
        return result

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.stop()
            self._schedule()

    def keep_for_later(self) -> None:
        """End the session on screen to continue it later (the app quits): the log keeps it interrupted."""
        if self.current_key is not None:
            self.manager.keep_for_later([self.current_key])
        self._schedule()

    def stop_all(self) -> None:
        """Stop every running session (each is saved as stopped); the one on screen last, so its summary shows."""
        self.manager.stop_all(last=self.current_key)
        self._schedule()

    def keep_all_for_later(self) -> None:
        """The app quits: every running session is kept in the log as interrupted, to continue later."""
        self.manager.keep_for_later([slot.key for slot in self.manager.active()])
        self._schedule()

    # ----------------------------------------------------------- timing

    def _schedule(self) -> None:
        if not any(slot.engine.state not in ENDED_STATES for slot in self.manager.slots()):
            self._timer.stop()
            return
        on_screen = (self.current_key,) if self.current_key is not None else ()
        wake = self.manager.next_wakeup(precise=on_screen, slack=BACKGROUND_SLACK)
        if wake is None:
            self._timer.start(IDLE_POLL_MS)
            return
        # Wake just after the boundary so the new second is already due.
        self._timer.start(max(1, math.ceil(wake * 1000) + 2))

    def _on_timer(self) -> None:
        self.manager.poll()
        self._schedule()

    # ----------------------------------------------------------- events

    def _on_manager_event(self, key: str, event: Event) -> None:
        self._version += 1
        if key == self.current_key:
            self._on_event(event)
            return
        slot = self.manager.get(key)
        if slot is None:
            return
        said = background_words(slot.label, slot.engine.snapshot(), event)
        if said is not None:
            kind, text = said
            if kind in ALERT_KINDS:
                self._alerts.add(key)
            log.info("a session in the background: %s", kind)
            self.background_event.emit(key, slot.label, kind, text)
        if isinstance(event, (SessionFinished, SessionStopped)):
            self._schedule()
        self.sessions_changed.emit()

    _SIGNALS: dict[type[Event], tuple[str, Callable[[Any], tuple[Any, ...]]]] = {
        StepStarted: ("step_started", lambda e: (e.index,)),
        SecondChanged: ("second_changed", lambda e: ()),
        SecondsLeft: ("seconds_left", lambda e: (e.seconds,)),
        StepEnded: ("step_ended", lambda e: (e.run,)),
        WaitingForConfirmation: ("waiting", lambda e: (e.index,)),
        Paused: ("paused", lambda e: ()),
        Resumed: ("resumed", lambda e: ()),
        Adjusted: ("adjusted", lambda e: (e.planned, e.delta, e.overridden)),
        ReminderDue: ("reminder", lambda e: (e.count, e.overdue_seconds)),
        Snoozed: ("snoozed", lambda e: (e.seconds,)),
        BodyLimitPassed: ("body_limit_passed", lambda e: (e.max_seconds,)),
        ItemPlaced: ("item_placed", lambda e: (e.n,)),
        ItemDue: ("item_due", lambda e: (e.n,)),
        ItemReminderDue: ("item_reminder", lambda e: (e.n, e.count)),
        ItemRemoved: ("item_removed", lambda e: (e.n,)),
        ItemPastMax: ("item_past_max", lambda e: (e.n,)),
        ItemAdjusted: ("item_adjusted", lambda e: (e.n, e.planned)),
        SleepDetected: ("slept", lambda e: (e.seconds, e.steps_ended)),
        SessionFinished: ("finished", lambda e: (e.runs,)),
        SessionStopped: ("stopped", lambda e: (e.runs,)),
    }
    """The signal each event of the session on screen becomes, and its arguments."""

    def _on_event(self, event: Event) -> None:
        if isinstance(event, SessionStarted):
            log.info("session started: %d steps planned", len(self.engine.plan) if self.engine else 0)
            self.session_started.emit()
        elif isinstance(event, CueFired):
            self.cue_fired.emit(self.whose(event.cue.text), event.cue)
        elif (found := self._SIGNALS.get(type(event))) is not None:
            name, args = found
            if isinstance(event, SleepDetected):
                log.info("the computer was asleep for %.0f s; %d step(s) ended meanwhile", *args(event))
            elif isinstance(event, (SessionFinished, SessionStopped)):
                log.info("session %s: %d step run(s)", name, len(event.runs))
            getattr(self, name).emit(*args(event))
        if isinstance(
            event, (SessionStarted, WaitingForConfirmation, Paused, Resumed, SessionFinished, SessionStopped)
        ):
            self.sessions_changed.emit()
        self.changed.emit()
