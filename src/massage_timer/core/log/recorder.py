"""Writes a running session to the log as it happens.

The recorder listens to a :class:`SessionEngine` and commits every step
transition at once, so that a crash loses at most the step in progress.

A write that fails (a full disk, a read-only log, another program's lock)
never stops the session: the recorder remembers what is not saved yet,
tells its ``on_failure`` callback once, and tries again at the next
transition. Whatever was committed before stays committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from ..session.engine import SessionEngine
from ..session.events import (
    Adjusted,
    Event,
    Paused,
    Resumed,
    SessionFinished,
    SessionStarted,
    SessionStopped,
    SleepDetected,
    StepEnded,
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
        self.session_id: str | None = None
        """The session's id once its row is committed (None before, or while it cannot be)."""
        self.failure: str | None = None
        """The last write failure, None once everything is saved again."""
        self.failed_writes = 0
        self._id = str(uuid.uuid4())
        self._started_wall: float | None = None
        self._dirty: dict[int, None] = {}
        self._end: str | None = None
        self._told = False
        engine.subscribe(self._on_event)

    @property
    def unsaved(self) -> bool:
        """True while some of the session could not be written."""
        if self._started_wall is None:
            return False
        return self.session_id is None or bool(self._dirty) or self._end is not None

    def _on_event(self, event: Event) -> None:
        if isinstance(event, SessionStarted):
            self._started_wall = event.started_wall
        elif isinstance(event, (StepStarted, StepEnded)):
            self._dirty[event.run.seq] = None
        elif isinstance(event, (Paused, Resumed, Adjusted, SleepDetected)):
            if self.engine.runs:
                self._dirty[self.engine.runs[-1].seq] = None
        elif isinstance(event, SessionFinished):
            self._end = "completed"
        elif isinstance(event, SessionStopped):
            self._end = "stopped"
        else:
            return
        self._flush()

    def _flush(self) -> None:
        """Write everything pending, in order; stop at the first failure."""
        if self._started_wall is None:
            return
        try:
            if self.session_id is None:
                self.store.begin_session(self.info, self._started_wall, session_id=self._id)
                self.session_id = self._id
                for run in self.engine.runs:
                    self._dirty[run.seq] = None
            runs = {run.seq: run for run in self.engine.runs}
            for seq in sorted(self._dirty):
                self.store.save_step(self.session_id, runs[seq])
                del self._dirty[seq]
            if self._end is not None:
                self.store.end_session(self.session_id, self._end, self.engine.ended_wall or 0.0)
                self._end = None
        except StoreError as exc:
            self.failed_writes += 1
            self.failure = str(exc)
            if not self._told:
                self._told = True
                if self.on_failure is not None:
                    self.on_failure(str(exc))
            return
        self.failure = None
