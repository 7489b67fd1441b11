"""Writes a running session to the log as it happens.

The recorder listens to a :class:`SessionEngine` and commits every step
transition at once, so that a crash loses at most the step in progress. An item
placed or removed on a step with items (a jar on the skin) is committed with its
step run as it happens, before the next event reaches the recorder.

A write that fails (a full disk, a read-only log, another program's lock)
never stops the session: what is not saved yet goes to the log's journal of
pending writes (:mod:`.pending`, in memory and beside the log), the
``on_failure`` callback is told once, and the writes are tried again at the
next transition, whenever the app retries (so also after the session ended)
and at the next start. Whatever was committed before stays committed.

An interrupted session is continued in its own row (:meth:`SessionRecorder.resume`): the
row is running again, and the new step runs follow the logged ones. A session left for later
(:meth:`SessionRecorder.keep_for_later`, the app quitting mid-session) ends as ``interrupted``,
never ``stopped``, with the time of the step in progress logged.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable

from ..session.engine import SessionEngine
from ..session.events import (
    Adjusted,
    BodyLimitPassed,
    Event,
    ItemAdjusted,
    ItemPastMax,
    ItemPlaced,
    ItemRemoved,
    Outcome,
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
        self._continues: float | None = None
        """The logged start of the session this one continues (None: a new session)."""
        self._seq_base = 0
        """Step runs logged before: the engine's first run is logged as number ``_seq_base + 1``."""
        self._leaving = False
        self._left = False
        """The session was left for later: it is to be marked interrupted once its steps are in."""
        engine.subscribe(self._on_event)

    @classmethod
    def resume(
        cls,
        store: Store,
        engine: SessionEngine,
        session_id: str,
        on_failure: Callable[[str], None] | None = None,
    ) -> SessionRecorder:
        """A recorder that continues the interrupted session ``session_id`` in its own row.

        The row is running again at once (and the change is kept as an amendment, with its
        time: :func:`.edits.amendments.record_resumed`); the engine's step runs are appended
        after the logged ones. The engine is not started yet.

        Raises:
            AmendmentError: the log has no such session, or it is not interrupted.
            StoreReadOnly, StoreWriteError: the log cannot be written now; nothing changed.
        """
        store.resume_session(session_id, engine.clock.wall())
        row = store.session(session_id)
        assert row is not None
        info = SessionInfo(
            protocol_id=row.protocol_id,
            protocol_title=row.protocol_title,
            person=row.person,
            steps_total=row.steps_total,
            protocol_sha256=row.protocol_sha256,
            variant=row.variant,
            performed_by=row.performed_by,
            side=row.side,
            stage=row.stage,
            pain_before=row.pain_before,
            client_id=row.client_id,
        )
        recorder = cls(store, engine, info, on_failure)
        recorder._id = session_id
        recorder._continues = row.started_ts
        recorder._seq_base = max((step.seq for step in store.steps(session_id)), default=0)
        return recorder

    def keep_for_later(self) -> None:
        """The session is left to be continued later: when the engine stops, log it as interrupted.

        Call it just before stopping the engine (the app quits mid-session). The step in
        progress is logged with its time so far and marked interrupted, like the session; the
        next start offers to continue it.
        """
        self._leaving = True

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
            if self._continues is not None:
                self._started_wall = self._continues  # the row is there, running again
            else:
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
        elif isinstance(event, (ItemPlaced, ItemRemoved, ItemPastMax, ItemAdjusted)):
            # The run the item belongs to: removing the last item may have started the next step.
            run = next((r for r in reversed(self.engine.runs) if r.index == event.index), None)
            if run is not None:
                self._add_step(run)
        elif isinstance(event, SessionStopped) and self._leaving:
            self._left = True
        elif isinstance(event, (SessionFinished, SessionStopped)):
            status = "completed" if isinstance(event, SessionFinished) else "stopped"
            self.pending.add_end(self._id, self.info, self._started_wall, status, self.engine.ended_wall or 0.0)
        else:
            return
        self.flush()

    def _add_step(self, run: StepRun) -> None:
        assert self._started_wall is not None
        if self._seq_base:
            run = dataclasses.replace(run, seq=run.seq + self._seq_base)
        if self._leaving and run.outcome is Outcome.STOPPED:
            run = dataclasses.replace(run, outcome=Outcome.RUNNING)  # marked interrupted with the session
        self.pending.add_step(self._id, self.info, self._started_wall, run)

    def flush(self) -> bool:
        """Write everything pending, in order; stop at the first failure. True once all is saved."""
        if self._started_wall is None:
            return True
        try:
            self.pending.write_to(self.store)
            if self._left and not self.pending.has(self._id):
                # Left for later: interrupted, as a crash would leave it (the next start does it otherwise).
                self.store.mark_interrupted(only=[self._id])
                self._left = False
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
