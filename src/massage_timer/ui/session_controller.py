"""The thin Qt adapter between the session engine and the screens.

It owns the running :class:`SessionEngine` and its :class:`SessionRecorder`,
turns engine events into Qt signals, and wakes the engine exactly when
something visible is due (the next whole second, a cue, a step end) with a
single-shot precise timer. The timer never measures time: it only asks the
engine to look at its clock.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

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
from ..core.session.plan import PlannedStep
from ..core.session.resume import Continuation

log = logging.getLogger(__name__)
"""Session events go to the app's log as counts and states only: no person, protocol or step titles."""

IDLE_POLL_MS = 2000
"""While paused, look at the clock now and then anyway, to notice a suspend."""


class SessionController(QObject):
    """Runs one session at a time for the UI.

    Signals carry what the screens need; a screen then asks :meth:`snapshot`
    for everything it draws.
    """

    session_started = Signal()
    step_started = Signal(int)
    second_changed = Signal()
    cue_fired = Signal(str, object)  # text, Cue
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
    """Anything visible may have changed: redraw from snapshot()."""
    store_failed = Signal(str)
    """The log could not be written (once per session); the session goes on."""

    def __init__(self, clock: Clock | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock: Clock = clock or SystemClock()
        self.engine: SessionEngine | None = None
        self.recorder: SessionRecorder | None = None
        self.loaded: LoadedProtocol | None = None
        self.info: SessionInfo | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer)

    # ----------------------------------------------------------- lifecycle

    def begin(
        self,
        loaded: LoadedProtocol,
        plan: list[PlannedStep],
        info: SessionInfo,
        store: Store | None,
        *,
        warn_seconds: int = 10,
        auto_advance: bool = True,
        bounce_seconds: float = 0.0,
        repeat_seconds: float = 30.0,
    ) -> SessionEngine:
        """Prepare a session (not started: the user presses Start or Space)."""
        if self.active:
            raise EngineError("a session is already running")
        self.discard()
        engine = SessionEngine(
            plan,
            self.clock,
            warn_seconds=warn_seconds,
            auto_advance=auto_advance,
            bounce_seconds=bounce_seconds,
            repeat_seconds=repeat_seconds,
        )
        self.engine = engine
        self.loaded = loaded
        self.info = info
        # The screen hears first: a cue is due at its deadline, the log write may wait a moment.
        engine.subscribe(self._on_event)
        self.recorder = (
            SessionRecorder(store, engine, info, on_failure=self.store_failed.emit) if store is not None else None
        )
        self.changed.emit()
        return engine

    def resume(
        self,
        loaded: LoadedProtocol,
        continuation: Continuation,
        store: Store,
        *,
        warn_seconds: int = 10,
        auto_advance: bool = True,
        bounce_seconds: float = 0.0,
        repeat_seconds: float = 30.0,
    ) -> SessionEngine:
        """Continue an interrupted session at the step where it stopped, paused: the user presses Resume.

        The session goes on in its own row of the log (:meth:`SessionRecorder.resume`). On a step
        that runs on the body the pause is the guidance's only: its time goes on, as it did while
        the app was not there; a step whose time is up waits for the caregiver.

        Raises:
            EngineError: a session is running.
            StoreError: the log cannot take the continuation now; nothing was started.
        """
        if self.active:
            raise EngineError("a session is already running")
        self.discard()
        engine = SessionEngine(
            list(continuation.plan),
            self.clock,
            warn_seconds=warn_seconds,
            auto_advance=auto_advance,
            bounce_seconds=bounce_seconds,
            repeat_seconds=repeat_seconds,
        )
        engine.subscribe(self._on_event)  # the screen hears first, as in begin()
        try:
            recorder = SessionRecorder.resume(store, engine, continuation.session_id, self.store_failed.emit)
        except StoreError:
            engine.unsubscribe(self._on_event)
            raise
        self.engine, self.recorder, self.loaded, self.info = engine, recorder, loaded, recorder.info
        log.info("session continued at step %d of %d", continuation.index + 1, len(continuation.plan))
        engine.start_at(continuation.index, continuation.remaining)
        if engine.state is State.RUNNING:
            engine.pause()
        self._schedule()
        self.changed.emit()
        return engine

    def discard(self) -> None:
        """Forget a finished, stopped or never-started session."""
        if self.engine is not None:
            self.engine.unsubscribe(self._on_event)
        self._timer.stop()
        self.engine = None
        self.recorder = None
        self.loaded = None
        self.info = None

    @property
    def active(self) -> bool:
        """True while a started session is not finished or stopped."""
        return self.engine is not None and self.engine.state in (
            State.RUNNING,
            State.PAUSED,
            State.WAITING,
        )

    @property
    def session_id(self) -> str | None:
        return self.recorder.session_id if self.recorder else None

    def snapshot(self) -> Snapshot | None:
        return self.engine.snapshot() if self.engine is not None else None

    # ----------------------------------------------------------- actions

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
        """End the session here to continue it later (the app quits): the log keeps it interrupted, not stopped."""
        if self.recorder is not None and self.active:
            self.recorder.keep_for_later()
        self.stop()

    # ----------------------------------------------------------- timing

    def _schedule(self) -> None:
        engine = self.engine
        if engine is None or engine.state in (State.FINISHED, State.STOPPED):
            self._timer.stop()
            return
        wake = engine.next_wakeup()
        if wake is None:
            self._timer.start(IDLE_POLL_MS)
            return
        # Wake just after the boundary so the new second is already due.
        self._timer.start(max(1, math.ceil(wake * 1000) + 2))

    def _on_timer(self) -> None:
        if self.engine is not None:
            self.engine.poll()
        self._schedule()

    # ----------------------------------------------------------- events

    def _on_event(self, event: Event) -> None:
        if isinstance(event, SessionStarted):
            log.info("session started: %d steps planned", len(self.engine.plan) if self.engine else 0)
            self.session_started.emit()
        elif isinstance(event, StepStarted):
            self.step_started.emit(event.index)
        elif isinstance(event, SecondChanged):
            self.second_changed.emit()
        elif isinstance(event, CueFired):
            self.cue_fired.emit(event.cue.text, event.cue)
        elif isinstance(event, SecondsLeft):
            self.seconds_left.emit(event.seconds)
        elif isinstance(event, StepEnded):
            self.step_ended.emit(event.run)
        elif isinstance(event, WaitingForConfirmation):
            self.waiting.emit(event.index)
        elif isinstance(event, Paused):
            self.paused.emit()
        elif isinstance(event, Resumed):
            self.resumed.emit()
        elif isinstance(event, Adjusted):
            self.adjusted.emit(event.planned, event.delta, event.overridden)
        elif isinstance(event, ReminderDue):
            self.reminder.emit(event.count, event.overdue_seconds)
        elif isinstance(event, Snoozed):
            self.snoozed.emit(event.seconds)
        elif isinstance(event, BodyLimitPassed):
            self.body_limit_passed.emit(event.max_seconds)
        elif isinstance(event, ItemPlaced):
            self.item_placed.emit(event.n)
        elif isinstance(event, ItemDue):
            self.item_due.emit(event.n)
        elif isinstance(event, ItemReminderDue):
            self.item_reminder.emit(event.n, event.count)
        elif isinstance(event, ItemRemoved):
            self.item_removed.emit(event.n)
        elif isinstance(event, ItemPastMax):
            self.item_past_max.emit(event.n)
        elif isinstance(event, ItemAdjusted):
            self.item_adjusted.emit(event.n, event.planned)
        elif isinstance(event, SleepDetected):
            log.info("the computer was asleep for %.0f s; %d step(s) ended meanwhile", event.seconds, event.steps_ended)
            self.slept.emit(event.seconds, event.steps_ended)
        elif isinstance(event, SessionFinished):
            log.info("session finished: %d step run(s)", len(event.runs))
            self.finished.emit(event.runs)
        elif isinstance(event, SessionStopped):
            log.info("session stopped: %d step run(s)", len(event.runs))
            self.stopped.emit(event.runs)
        self.changed.emit()
