"""Writes a running session to the log as it happens.

The recorder listens to a :class:`SessionEngine` and commits every step
transition at once, so that a crash loses at most the step in progress.

A write that fails (a full disk, a read-only log, another program's lock)
never stops the session: what is not saved yet goes to the log's journal of
pending writes (:mod:`.pending`, in memory and beside the log), the
``on_failure`` callback is told once, and the writes are tried again at the
next transition, whenever the app retries (so also after the session ended)
and at the next start. Whatever was committed before stays committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from ..session.engine import SessionEngine
from ..session.events import (
    Adjusted,
    BodyLimitPassed,
    Event,
    Paused,
    Resumed,
    SessionFinished,
    SessionStarted,
    SessionStopped,
    SleepDetected,
    Snoozed,
    StepEnded,
    StepRun,
    StepStarted,
)
from .errors import StoreError
from .records import SessionInfo
from .store import Store


class SessionRecorder:
    """Connects one engine to the store.

    Args:
        store: the log.
        engine: the session (not started yet).
        info: who, what, which side and stage.
        on_failure: called with a message the first time a write fails.
    """

    def __init__(
        self,
        store: Store,
        engine: SessionEngine,
        info: SessionInfo,
        on_failure: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.engine = engine
        self.info = info
        self.on_failure = on_failure
        self._failure: str | None = None
        self.failed_writes = 0
        self._id = str(uuid.uuid4())
        self._started_wall: float | None = None
        self._told = False
        self.pending = store.pending
        engine.subscribe(self._on_event)

    @property
    def session_id(self) -> str | None:
        """The session's id once its row is committed (None before, or while it cannot be)."""
        if self._started_wall is None or self.pending.has_begin(self._id):
            return None
        return self._id

    @property
    def failure(self) -> str | None:
        """The last write failure, None once everything is saved (by this recorder or a later retry)."""
        return self._failure if self.unsaved else None

    @property
    def unsaved(self) -> bool:
        """True while some of the session could not be written."""
        return self._started_wall is not None and self.pending.has(self._id)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, SessionStarted):
            self._started_wall = event.started_wall
            self.pending.add_begin(self._id, self.info, event.started_wall)
            for run in self.engine.runs:
                self._add_step(run)
        elif self._started_wall is None:
            return
        elif isinstance(event, (StepStarted, StepEnded)):
            self._add_step(event.run)
        elif isinstance(event, (Paused, Resumed, Adjusted, SleepDetected, Snoozed, BodyLimitPassed)):
            if self.engine.runs:
                self._add_step(self.engine.runs[-1])
        elif isinstance(event, (SessionFinished, SessionStopped)):
            status = "completed" if isinstance(event, SessionFinished) else "stopped"
            self.pending.add_end(self._id, self.info, self._started_wall, status, self.engine.ended_wall or 0.0)
        else:
            return
        self.flush()

    def _add_step(self, run: StepRun) -> None:
        assert self._started_wall is not None
        self.pending.add_step(self._id, self.info, self._started_wall, run)

    def flush(self) -> bool:
        """Write everything pending, in order; stop at the first failure. True once all is saved."""
        if self._started_wall is None:
            return True
        try:
            self.pending.write_to(self.store)
        except StoreError as exc:
            self.failed_writes += 1
            self._failure = str(exc)
            if not self._told:
                self._told = True
                if self.on_failure is not None:
                    self.on_failure(str(exc))
            return False
        self._failure = None
        return True
