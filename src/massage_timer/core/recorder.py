"""Writes a running session to the log as it happens.

The recorder listens to a :class:`SessionEngine` and commits every step
transition at once, so that a crash loses at most the step in progress.
"""

from __future__ import annotations

from .engine import (
    Adjusted,
    Event,
    Paused,
    Resumed,
    SessionEngine,
    SessionFinished,
    SessionStarted,
    SessionStopped,
    SleepDetected,
    StepEnded,
    StepStarted,
)
from .store import SessionInfo, Store


class SessionRecorder:
    """Connects one engine to the store.

    Args:
        store: the log.
        engine: the session (not started yet).
        info: who, what, which side and stage.
    """

    def __init__(self, store: Store, engine: SessionEngine, info: SessionInfo) -> None:
        self.store = store
        self.engine = engine
        self.info = info
        self.session_id: str | None = None
        engine.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, SessionStarted):
            self.session_id = self.store.begin_session(self.info, event.started_wall)
            return
        if self.session_id is None:
            return
        if isinstance(event, (StepStarted, StepEnded)):
            self.store.save_step(self.session_id, event.run)
        elif isinstance(event, (Paused, Resumed, Adjusted, SleepDetected)):
            if self.engine.runs:
                self.store.save_step(self.session_id, self.engine.runs[-1])
        elif isinstance(event, SessionFinished):
            self.store.end_session(self.session_id, "completed", self.engine.ended_wall or 0.0)
        elif isinstance(event, SessionStopped):
            self.store.end_session(self.session_id, "stopped", self.engine.ended_wall or 0.0)
