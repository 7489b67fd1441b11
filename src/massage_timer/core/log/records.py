"""What the log holds, as plain values: a session's facts, its rows and amendments, History's filters and totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime


@dataclass(frozen=True)
class SessionInfo:
    """What is known about a session when it starts."""

    protocol_id: str
    protocol_title: str
    person: str
    steps_total: int
    protocol_sha256: str = ""
    variant: str | None = None
    performed_by: str = ""
    side: str | None = None
    stage: str | None = None
    pain_before: int | None = None
    client_id: str | None = None
    """The client (:class:`~.people.Client`); None links the session by its person text when it is written."""


@dataclass(frozen=True)
class SessionRow:
    id: str
    protocol_id: str
    protocol_title: str
    protocol_sha256: str
    variant: str | None
    person: str
    performed_by: str
    side: str | None
    stage: str | None
    started_ts: float
    utc_offset_min: int
    ended_ts: float | None
    status: str
    steps_total: int
    pain_before: int | None
    pain_after: int | None
    notes: str
    reviewed: bool
    planned_seconds: int
    actual_seconds: float
    steps_done: int
    client_id: str | None = None
    signed_ts: float | None = None
    """When the session was signed (its notes then only take addenda: :mod:`.edits.notes`), or None."""


@dataclass(frozen=True)
class StepRow:
    seq: int
    step_index: int
    step_id: str
    title: str
    side: str | None
    timed: bool
    planned: int | None
    initial_planned: int | None
    started_ts: float
    ended_ts: float | None
    active_seconds: float
    paused_seconds: float
    overrun_seconds: float
    extensions: int
    adjusted_seconds: int
    overridden: bool
    slept_seconds: float
    outcome: str
    bounced: int = 0
    """Presses of Next or Previous ignored as a bounce during this run."""
    body_timer: bool = False
    """The step ran on the body: ``active_seconds`` is its time on the body, guidance pauses included."""
    guidance_paused_seconds: float = 0.0
    """Seconds the guidance was paused while the step's time went on (body steps)."""
    snoozes: int = 0
    snoozed_seconds: float = 0.0
    """Seconds the reminders of the waiting step were silenced."""
    over_max: bool = False
    """A body step stayed on past its longest time (``duration.max``)."""


@dataclass(frozen=True)
class ItemRow:
    """One item placed during a step run (a jar on the skin), as the log keeps it."""

    seq: int
    """The step run it belongs to (:attr:`StepRow.seq`)."""
    n: int
    """Its number in that run, from 1, in the order placed."""
    placed_ts: float
    removed_ts: float | None
    """None while it is on (or when the session ended without its removal being known)."""
    planned_seconds: int
    on_seconds: float
    """Seconds on the body, placing to removal (0 while still on)."""
    overdue_seconds: float
    """Seconds it stayed on after its planned time."""
    past_max: bool
    """It was still on after the longest time its step allows each item (``items.max``)."""


@dataclass(frozen=True)
class Amendment:
    """One change made to a logged session later (see :mod:`.edits.amendments`); the value before is kept.

    Values are text as stored: a pain rating as ``"3"``, None for "not rated".
    """

    id: int
    session_id: str
    field: str
    """``pain_after``, ``notes`` or ``status``."""
    old_value: str | None
    new_value: str | None
    changed_ts: float
    """When it was changed (wall time)."""
    original: str | None
    """The field's value before its first amendment: what was logged at the time."""


@dataclass(frozen=True)
class Filter:
    """History filters; None means "any"."""

    person: str | None = None
    protocol_id: str | None = None
    status: str | None = None
    since_ts: float | None = None
    until_ts: float | None = None
    client_id: str | None = None

    def where(self) -> tuple[str, list[object]]:
        clauses: list[str] = []
        args: list[object] = []
        if self.person is not None:
            clauses.append("s.person = ?")
            args.append(self.person)
        if self.protocol_id is not None:
            clauses.append("s.protocol_id = ?")
            args.append(self.protocol_id)
        if self.status is not None:
            clauses.append("s.status = ?")
            args.append(self.status)
        if self.since_ts is not None:
            clauses.append("s.started_ts >= ?")
            args.append(self.since_ts)
        if self.until_ts is not None:
            clauses.append("s.started_ts < ?")
            args.append(self.until_ts)
        if self.client_id is not None:
            clauses.append("s.client_id = ?")
            args.append(self.client_id)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


@dataclass(frozen=True)
class WeekTotal:
    """One protocol's sessions in one local week (see :meth:`Store.week_totals`)."""

    monday: date
    protocol_id: str
    minutes: float
    pain_before_sum: float
    pain_before_count: int
    pain_after_sum: float
    pain_after_count: int
    rated: int
    """Sessions with at least one pain rating."""
    sessions: int = 0
    """Sessions of the protocol started that week."""


@dataclass(frozen=True)
class Summary:
    """Totals of a set of sessions; averages are None without ratings."""

    sessions: int
    first_ts: float | None
    last_ts: float | None
    pain_before_avg: float | None
    pain_after_avg: float | None
    pain_change_avg: float | None
    """Mean of (after - before) over sessions rated both times."""
    pain_pairs: int
    active_seconds: float
    persons: list[str]


def iso_utc(ts: float | None) -> str:
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def local_offset_minutes(ts: float) -> int:
    offset = datetime.fromtimestamp(ts).astimezone().utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0
