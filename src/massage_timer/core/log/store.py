"""The session log: a local SQLite database that survives crashes and power loss.

Durability:

* ``journal_mode=WAL`` and ``synchronous=FULL`` on every connection: a
  committed transaction survives a power cut, not only a crash.
* A session row is written when the session starts and every step transition
  is committed in its own short transaction, so a crash or ``kill -9`` loses
  at most the step in progress (its start is already there).
* Sessions left ``running`` by a crash are marked ``interrupted`` on the next
  start: kept, never deleted.
* A database that cannot be read is never silently replaced: it is moved
  aside with a timestamp, the user is told, and a fresh one is created. A
  database written by a newer version of the app is refused, not touched.
* A log that can be read but not written (a read-only folder or file, another
  program holding a write lock) is opened read-only: history stays visible,
  and every write raises :class:`StoreReadOnly`, which the screens report.
  A write that fails later (a full disk) raises :class:`StoreWriteError`;
  what was committed before stays committed.

Why WAL with ``synchronous=FULL``: in WAL mode a commit appends to the
``-wal`` file and, with FULL, SQLite calls fsync on it before the commit
returns, so a commit that returned survives a power cut. (NORMAL would only
sync at checkpoints: a power cut could roll back the last commits, which for
this log means the last steps of a session.) Readers never block the writer
and a crash mid-write leaves the main file untouched, so there is no torn
page to repair. Every connection the app opens, the read-only ones and the
ones that write backups included, goes through :func:`configure`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ..session.engine import StepRun

DAY = 86400
_MONDAY_ZERO = date(1969, 12, 29)
"""The Monday that starts week 0 of :meth:`Store.week_totals`."""


def _floor(expr: str) -> str:
    """SQL for floor(expr) as an integer (SQLite's CAST truncates toward zero; floor() may be missing)."""
    return f"(CAST({expr} AS INTEGER) - (({expr}) < CAST({expr} AS INTEGER)))"

SCHEMA_VERSION = 2
SQLITE_HEADER = b"SQLite format 3\x00"
STATUSES = ("running", "completed", "stopped", "interrupted")

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        protocol_id TEXT NOT NULL,
        protocol_title TEXT NOT NULL,
        protocol_sha256 TEXT NOT NULL DEFAULT '',
        variant TEXT,
        person TEXT NOT NULL,
        performed_by TEXT NOT NULL DEFAULT '',
        side TEXT,
        stage TEXT,
        started_ts REAL NOT NULL,
        utc_offset_min INTEGER NOT NULL DEFAULT 0,
        ended_ts REAL,
        status TEXT NOT NULL CHECK (status IN ('running','completed','stopped','interrupted')),
        steps_total INTEGER NOT NULL DEFAULT 0,
        pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
        pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
        notes TEXT NOT NULL DEFAULT '',
        reviewed INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX sessions_started ON sessions (started_ts);
    CREATE INDEX sessions_person ON sessions (person, started_ts);
    CREATE INDEX sessions_protocol ON sessions (protocol_id, started_ts);
    CREATE INDEX sessions_status ON sessions (status);
    CREATE TABLE step_runs (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        step_index INTEGER NOT NULL,
        step_id TEXT NOT NULL,
        title TEXT NOT NULL,
        side TEXT,
        timed INTEGER NOT NULL,
        planned INTEGER,
        initial_planned INTEGER,
        started_ts REAL NOT NULL,
        ended_ts REAL,
        active_seconds REAL NOT NULL DEFAULT 0,
        paused_seconds REAL NOT NULL DEFAULT 0,
        overrun_seconds REAL NOT NULL DEFAULT 0,
        extensions INTEGER NOT NULL DEFAULT 0,
        adjusted_seconds INTEGER NOT NULL DEFAULT 0,
        overridden INTEGER NOT NULL DEFAULT 0,
        slept_seconds REAL NOT NULL DEFAULT 0,
        outcome TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
    );
    """,
    # Each session keeps its own totals, so that History and its charts scale with the
    # number of sessions, not of steps (a busy practice logs ~500k steps in ten years).
    2: """
    ALTER TABLE sessions ADD COLUMN planned_seconds INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE sessions ADD COLUMN active_seconds REAL NOT NULL DEFAULT 0;
    ALTER TABLE sessions ADD COLUMN steps_done INTEGER NOT NULL DEFAULT 0;
    UPDATE sessions SET
        planned_seconds = COALESCE((SELECT SUM(r.planned) FROM step_runs r
                                    WHERE r.session_id = sessions.id AND r.outcome != 'running'), 0),
        active_seconds = COALESCE((SELECT SUM(r.active_seconds) FROM step_runs r
                                   WHERE r.session_id = sessions.id), 0),
        steps_done = (SELECT COUNT(DISTINCT r.step_index) FROM step_runs r
                      WHERE r.session_id = sessions.id AND r.outcome = 'completed');
    CREATE INDEX sessions_started_protocol ON sessions (started_ts, protocol_id, active_seconds);
    """,
}

_REFRESH_TOTALS = """
UPDATE sessions SET
    planned_seconds = COALESCE((SELECT SUM(r.planned) FROM step_runs r
                                WHERE r.session_id = sessions.id AND r.outcome != 'running'), 0),
    active_seconds = COALESCE((SELECT SUM(r.active_seconds) FROM step_runs r
                               WHERE r.session_id = sessions.id), 0),
    steps_done = (SELECT COUNT(DISTINCT r.step_index) FROM step_runs r
                  WHERE r.session_id = sessions.id AND r.outcome = 'completed')
"""

CSV_COLUMNS = (
    "session_id",
    "started_at",
    "ended_at",
    "person",
    "protocol_id",
    "protocol_title",
    "status",
    "planned_seconds",
    "actual_seconds",
    "steps_done",
    "steps_total",
    "side",
    "stage",
    "pain_before",
    "pain_after",
    "notes",
    "variant",
    "performed_by",
    "utc_offset_minutes",
)


class StoreError(Exception):
    """The log cannot be used; the message says why and what to do."""


class StoreTooNew(StoreError):
    """The database was written by a newer version of the app."""


class StoreReadOnly(StoreError):
    """A write was asked of a log that is open read-only."""


class StoreWriteError(StoreError):
    """A write failed (disk full, I/O error, lock); nothing of it was committed."""


OPEN_BUSY_SECONDS = 2.0
"""How long opening waits for another program's lock before going read-only."""
BUSY_SECONDS = 5.0
"""How long a write waits for a lock during normal use."""


@dataclass
class OpenReport:
    """What happened while opening the log, for the user to be told."""

    moved_aside: Path | None = None
    reason: str = ""
    interrupted: list[str] = field(default_factory=list)
    created: bool = False
    read_only: str = ""
    """Why the log was opened read-only ("" when it is writable)."""
    backup: Path | None = None
    """A backup made while opening (before a migration, or the daily one)."""
    backup_error: str = ""

    @property
    def message(self) -> str:
        parts = []
        if self.moved_aside is not None:
            parts.append(
                f"The session log could not be read ({self.reason}). It was kept as "
                f"{self.moved_aside.name} in {self.moved_aside.parent} and a new, empty log was started."
            )
        if self.read_only:
            parts.append(
                f"The session log {self.path_text} is open read-only: {self.read_only}. "
                "Your history can be viewed, but sessions you run now will not be saved."
            )
        if self.backup_error:
            parts.append(self.backup_error)
        return "\n\n".join(parts)

    path_text: str = ""


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


@dataclass(frozen=True)
class Filter:
    """History filters; None means "any"."""

    person: str | None = None
    protocol_id: str | None = None
    status: str | None = None
    since_ts: float | None = None
    until_ts: float | None = None

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


_SESSION_SELECT = """
SELECT s.id, s.protocol_id, s.protocol_title, s.protocol_sha256, s.variant, s.person,
       s.performed_by, s.side, s.stage, s.started_ts, s.utc_offset_min, s.ended_ts, s.status,
       s.steps_total, s.pain_before, s.pain_after, s.notes, s.reviewed,
       s.planned_seconds, s.active_seconds, s.steps_done
FROM sessions s
"""


def _session_row(row: Sequence[object]) -> SessionRow:
    values = list(row)
    values[17] = bool(values[17])
    return SessionRow(*values)  # type: ignore[arg-type]


def iso_utc(ts: float | None) -> str:
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def local_offset_minutes(ts: float) -> int:
    offset = datetime.fromtimestamp(ts).astimezone().utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def _timestamp_suffix() -> str:
    return time.strftime("%Y%m%d-%H%M%S")


def configure(conn: sqlite3.Connection, *, read_only: bool = False) -> None:
    """The pragmas every connection gets (durability, integrity).

    A read-only connection cannot switch the journal mode; it reads the mode
    the file was written with (WAL for every log this app wrote).
    """
    if not read_only:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")


def _write_failure(path: Path, exc: sqlite3.Error) -> str:
    text = str(exc)
    if "full" in text:
        what = "the disk is full"
    elif "locked" in text or "busy" in text:
        what = "another program holds a lock on it"
    elif "readonly" in text or "read-only" in text:
        what = "it cannot be written (read-only)"
    else:
        what = text
    return (
        f"The session log {path} could not be written: {what}. "
        "What was saved before is kept; the session goes on but this part is not saved."
    )


class Store:
    """The session log. Create with :func:`open_store`.

    ``read_only`` stores refuse writes with :class:`StoreReadOnly`.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, *, read_only: bool = False) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only

    # ----------------------------------------------------------- plumbing

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One short transaction, committed (or rolled back) at once.

        Raises:
            StoreReadOnly: the log is open read-only.
            StoreWriteError: SQLite could not write (disk full, I/O error, lock).
        """
        if self.read_only:
            raise StoreReadOnly(f"The session log {self.path} is open read-only; this change was not saved.")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                # SQLite rolls back by itself when it cannot
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise StoreWriteError(_write_failure(self.path, exc)) from exc
            raise

    def close(self) -> None:
        self.conn.close()

    # ----------------------------------------------------------- writes

    def begin_session(self, info: SessionInfo, started_ts: float, session_id: str | None = None) -> str:
        sid = session_id or str(uuid.uuid4())
        with self._tx() as c:
            c.execute(
                "INSERT INTO sessions (id, protocol_id, protocol_title, protocol_sha256, variant,"
                " person, performed_by, side, stage, started_ts, utc_offset_min, status,"
                " steps_total, pain_before, reviewed)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,'running',?,?,1)",
                (
                    sid,
                    info.protocol_id,
                    info.protocol_title,
                    info.protocol_sha256,
                    info.variant,
                    info.person,
                    info.performed_by,
                    info.side,
                    info.stage,
                    started_ts,
                    local_offset_minutes(started_ts),
                    info.steps_total,
                    info.pain_before,
                ),
            )
        return sid

    def save_step(self, session_id: str, run: StepRun) -> None:
        """Insert or update one step run (called at its start and at its end)."""
        with self._tx() as c:
            c.execute(
                "INSERT INTO step_runs (session_id, seq, step_index, step_id, title, side, timed,"
                " planned, initial_planned, started_ts, ended_ts, active_seconds, paused_seconds,"
                " overrun_seconds, extensions, adjusted_seconds, overridden, slept_seconds, outcome)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (session_id, seq) DO UPDATE SET planned=excluded.planned,"
                " ended_ts=excluded.ended_ts, active_seconds=excluded.active_seconds,"
                " paused_seconds=excluded.paused_seconds, overrun_seconds=excluded.overrun_seconds,"
                " extensions=excluded.extensions, adjusted_seconds=excluded.adjusted_seconds,"
                " overridden=excluded.overridden, slept_seconds=excluded.slept_seconds,"
                " outcome=excluded.outcome",
                (
                    session_id,
                    run.seq,
                    run.index,
                    run.step_id,
                    run.title,
                    run.side,
                    int(run.timed),
                    run.planned,
                    run.initial_planned,
                    run.started_wall,
                    run.ended_wall,
                    run.active,
                    run.paused,
                    run.overrun,
                    run.extensions,
                    run.adjusted,
                    int(run.overridden),
                    run.slept,
                    str(run.outcome),
                ),
            )
            c.execute(_REFRESH_TOTALS + " WHERE id=?", (session_id,))

    def bulk_insert(self, sessions: Sequence[Sequence[object]], step_rows: Sequence[Sequence[object]]) -> None:
        """Insert many finished sessions and their steps in one transaction (imports, benchmarks).

        ``sessions`` rows: id, protocol_id, protocol_title, protocol_sha256, variant, person,
        performed_by, side, stage, started_ts, utc_offset_min, ended_ts, status, steps_total,
        pain_before, pain_after, notes, reviewed. ``step_rows``: the ``step_runs`` columns in
        table order.
        """
        with self._tx() as c:
            c.executemany(
                "INSERT INTO sessions (id, protocol_id, protocol_title, protocol_sha256, variant,"
                " person, performed_by, side, stage, started_ts, utc_offset_min, ended_ts, status,"
                " steps_total, pain_before, pain_after, notes, reviewed)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                sessions,
            )
            c.executemany(
                "INSERT INTO step_runs (session_id, seq, step_index, step_id, title, side, timed,"
                " planned, initial_planned, started_ts, ended_ts, active_seconds, paused_seconds,"
                " overrun_seconds, extensions, adjusted_seconds, overridden, slept_seconds, outcome)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                step_rows,
            )
            c.executemany(_REFRESH_TOTALS + " WHERE id=?", [(row[0],) for row in sessions])

    def end_session(self, session_id: str, status: str, ended_ts: float) -> None:
        if status not in ("completed", "stopped"):
            raise ValueError(f"a session ends as completed or stopped, not {status!r}")
        with self._tx() as c:
            c.execute("UPDATE sessions SET status=?, ended_ts=? WHERE id=?", (status, ended_ts, session_id))

    def update_session(
        self,
        session_id: str,
        *,
        pain_before: int | None | type[...] = ...,
        pain_after: int | None | type[...] = ...,
        notes: str | None = None,
        reviewed: bool | None = None,
    ) -> None:
        """Change what the user may edit after the fact (``...`` leaves a field alone)."""
        sets: list[str] = []
        args: list[object] = []
        for name, value in (("pain_before", pain_before), ("pain_after", pain_after)):
            if value is not ...:
                if value is not None and not (isinstance(value, int) and 0 <= value <= 10):
                    raise ValueError(f"{name} must be 0-10 or empty")
                sets.append(f"{name}=?")
                args.append(value)
        if notes is not None:
            sets.append("notes=?")
            args.append(notes)
        if reviewed is not None:
            sets.append("reviewed=?")
            args.append(int(reviewed))
        if not sets:
            return
        with self._tx() as c:
            c.execute(f"UPDATE sessions SET {', '.join(sets)} WHERE id=?", (*args, session_id))

    def delete_session(self, session_id: str) -> None:
        with self._tx() as c:
            c.execute("DELETE FROM sessions WHERE id=?", (session_id,))

    def mark_interrupted(self) -> list[str]:
        """Sessions left running by a crash become ``interrupted`` (and wait for review)."""
        with self._tx() as c:
            ids = [r[0] for r in c.execute("SELECT id FROM sessions WHERE status='running'")]
            for sid in ids:
                last = c.execute(
                    "SELECT MAX(COALESCE(ended_ts, started_ts)) FROM step_runs WHERE session_id=?",
                    (sid,),
                ).fetchone()[0]
                c.execute(
                    "UPDATE sessions SET status='interrupted', reviewed=0, ended_ts=COALESCE(?, started_ts) WHERE id=?",
                    (last, sid),
                )
                c.execute(
                    "UPDATE step_runs SET outcome='interrupted' WHERE session_id=? AND outcome='running'",
                    (sid,),
                )
                c.execute(_REFRESH_TOTALS + " WHERE id=?", (sid,))
        return ids

    # ----------------------------------------------------------- reads

    def session(self, session_id: str) -> SessionRow | None:
        row = self.conn.execute(_SESSION_SELECT + " WHERE s.id=?", (session_id,)).fetchone()
        return _session_row(row) if row else None

    def steps(self, session_id: str) -> list[StepRow]:
        rows = self.conn.execute(
            "SELECT seq, step_index, step_id, title, side, timed, planned, initial_planned,"
            " started_ts, ended_ts, active_seconds, paused_seconds, overrun_seconds, extensions,"
            " adjusted_seconds, overridden, slept_seconds, outcome"
            " FROM step_runs WHERE session_id=? ORDER BY seq",
            (session_id,),
        ).fetchall()
        out = []
        for r in rows:
            v = list(r)
            v[5] = bool(v[5])
            v[15] = bool(v[15])
            out.append(StepRow(*v))
        return out

    def sessions(
        self, flt: Filter | None = None, *, limit: int | None = None, offset: int = 0, newest_first: bool = True
    ) -> list[SessionRow]:
        where, args = (flt or Filter()).where()
        order = "DESC" if newest_first else "ASC"
        sql = _SESSION_SELECT + where + f" ORDER BY s.started_ts {order}, s.id"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args = [*args, limit, offset]
        return [_session_row(r) for r in self.conn.execute(sql, args)]

    def count(self, flt: Filter | None = None) -> int:
        where, args = (flt or Filter()).where()
        return int(self.conn.execute("SELECT COUNT(*) FROM sessions s" + where, args).fetchone()[0])

    def session_ids(self, flt: Filter | None = None) -> list[str]:
        """Ids in display order (newest first): cheap, for lazy table models."""
        where, args = (flt or Filter()).where()
        sql = "SELECT s.id FROM sessions s" + where + " ORDER BY s.started_ts DESC, s.id"
        return [r[0] for r in self.conn.execute(sql, args)]

    def unreviewed_interrupted(self) -> list[SessionRow]:
        return [s for s in self.sessions(Filter(status="interrupted")) if not s.reviewed]

    def persons(self) -> list[str]:
        rows = self.conn.execute("SELECT person FROM sessions GROUP BY person ORDER BY MAX(started_ts) DESC")
        return [r[0] for r in rows]

    def protocol_ids(self) -> list[tuple[str, str]]:
        rows = self.conn.execute(
            "SELECT protocol_id, protocol_title FROM sessions GROUP BY protocol_id ORDER BY protocol_title"
        )
        return [(r[0], r[1]) for r in rows]

    def week_totals(self, flt: Filter | None = None) -> list[WeekTotal]:
        """Per local week (from Monday) and protocol: minutes and pain sums, oldest first.

        One pass over the sessions, aggregated in SQL: what the charts need of a large
        log in a few hundred rows.
        """
        where, args = (flt or Filter()).where()
        # Weeks as whole numbers (integer arithmetic is much cheaper per row than date()):
        # local days since 1970-01-01, a Thursday, plus 3 count from Monday 1969-12-29.
        sql = (
            f"SELECT ({_floor(f'(s.started_ts + s.utc_offset_min * 60) / {DAY}.0')} + 3) / 7 AS week,"
            " s.protocol_id, SUM(s.active_seconds) / 60.0,"
            " TOTAL(s.pain_before), COUNT(s.pain_before), TOTAL(s.pain_after), COUNT(s.pain_after),"
            " SUM(s.pain_before IS NOT NULL OR s.pain_after IS NOT NULL)"
            " FROM sessions s" + where + " GROUP BY week, s.protocol_id ORDER BY week, s.protocol_id"
        )
        return [
            WeekTotal(_MONDAY_ZERO + timedelta(weeks=r[0]), r[1], float(r[2] or 0), r[3], r[4], r[5], r[6], r[7])
            for r in self.conn.execute(sql, args)
        ]

    def minutes_per_week(self, flt: Filter | None = None) -> list[tuple[str, str, float]]:
        """(monday as YYYY-MM-DD in local time, protocol_id, minutes of active time)."""
        return [(w.monday.isoformat(), w.protocol_id, w.minutes) for w in self.week_totals(flt)]

    def pain_trend(self, flt: Filter | None = None) -> list[tuple[float, int | None, int | None]]:
        """(started_ts, pain_before, pain_after) of sessions with at least one rating, oldest first."""
        where, args = (flt or Filter()).where()
        extra = " AND " if where else " WHERE "
        sql = (
            "SELECT s.started_ts, s.pain_before, s.pain_after FROM sessions s"
            + where
            + extra
            + "(s.pain_before IS NOT NULL OR s.pain_after IS NOT NULL) ORDER BY s.started_ts"
        )
        return [(r[0], r[1], r[2]) for r in self.conn.execute(sql, args)]

    def sessions_per_protocol(self, flt: Filter | None = None) -> list[tuple[str, str, int]]:
        """(protocol_id, its latest title, sessions), the most used first."""
        where, args = (flt or Filter()).where()
        # Counted from the index alone; the title is looked up once per protocol.
        sql = (
            "SELECT g.protocol_id, (SELECT t.protocol_title FROM sessions t WHERE t.protocol_id = g.protocol_id"
            " ORDER BY t.started_ts DESC LIMIT 1), g.n FROM"
            " (SELECT s.protocol_id, COUNT(*) AS n FROM sessions s" + where + " GROUP BY s.protocol_id) g"
            " ORDER BY g.n DESC, g.protocol_id"
        )
        return [(r[0], r[1], int(r[2])) for r in self.conn.execute(sql, args)]

    # ----------------------------------------------------------- reads for large logs

    def session_keys(self, flt: Filter | None = None) -> list[int]:
        """Row keys of the filtered sessions, newest first.

        Cheaper than :meth:`session_ids` on large logs (the ``started_ts`` index
        covers the order); pair with :meth:`sessions_by_keys` in lazy models.
        """
        where, args = (flt or Filter()).where()
        sql = "SELECT s.rowid FROM sessions s" + where + " ORDER BY s.started_ts DESC, s.rowid DESC"
        return [r[0] for r in self.conn.execute(sql, args)]

    def sessions_by_keys(self, keys: Sequence[int]) -> list[SessionRow | None]:
        """The sessions with these row keys, aligned with ``keys`` (None where deleted)."""
        found: dict[int, SessionRow] = {}
        keys = list(keys)
        sql = _SESSION_SELECT.replace("SELECT s.id,", "SELECT s.rowid, s.id,", 1)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(sql + f" WHERE s.rowid IN ({marks})", chunk):
                found[row[0]] = _session_row(row[1:])
        return [found.get(k) for k in keys]

    def summary(self, flt: Filter | None = None) -> Summary:
        """Totals of the filtered sessions (for reports), aggregated in SQL."""
        where, args = (flt or Filter()).where()
        row = self.conn.execute(
            "SELECT COUNT(*), MIN(s.started_ts), MAX(s.started_ts), AVG(s.pain_before),"
            " AVG(s.pain_after), AVG(s.pain_after - s.pain_before), COUNT(s.pain_after - s.pain_before),"
            " COALESCE(SUM(s.active_seconds), 0)"
            " FROM sessions s" + where,
            args,
        ).fetchone()
        persons = [
            r[0]
            for r in self.conn.execute(
                "SELECT s.person FROM sessions s" + where + " GROUP BY s.person ORDER BY COUNT(*) DESC, s.person",
                args,
            )
        ]
        return Summary(
            sessions=int(row[0]),
            first_ts=row[1],
            last_ts=row[2],
            pain_before_avg=row[3],
            pain_after_avg=row[4],
            pain_change_avg=row[5],
            pain_pairs=int(row[6]),
            active_seconds=float(row[7]),
            persons=persons,
        )

    def reader(self) -> Store:
        """A read-only Store on a new connection, for queries on another thread."""
        conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        configure(conn, read_only=True)
        return Store(conn, self.path, read_only=True)

    # ----------------------------------------------------------- export

    def export_csv(self, out: io.TextIOBase | io.StringIO, flt: Filter | None = None) -> int:
        """Write the filtered sessions as CSV (oldest first). Returns the row count."""
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        n = 0
        for s in self.sessions(flt, newest_first=False):
            writer.writerow(csv_row(s))
            n += 1
        return n

    def backup_to(self, target: Path) -> None:
        """A consistent copy of the live database (SQLite backup API, never a file copy).

        The copy is created user-only (0600 on POSIX) before SQLite writes to it.
        """
        _create_private(target)
        dest = sqlite3.connect(target, isolation_level=None)
        try:
            configure(dest)
            self.conn.backup(dest)
        finally:
            dest.close()


def csv_row(s: SessionRow, *, spreadsheet_safe: bool = True) -> list[object]:
    """One session as export values, in :data:`CSV_COLUMNS` order.

    ``spreadsheet_safe`` prefixes free text that a spreadsheet would run as a
    formula; turn it off for formats that are not opened in spreadsheets (JSON).
    """
    text = _spreadsheet_text if spreadsheet_safe else str
    return [
        s.id,
        iso_utc(s.started_ts),
        iso_utc(s.ended_ts),
        text(s.person),
        text(s.protocol_id),
        text(s.protocol_title),
        s.status,
        s.planned_seconds,
        round(s.actual_seconds),
        s.steps_done,
        s.steps_total,
        s.side or "",
        s.stage or "",
        "" if s.pain_before is None else s.pain_before,
        "" if s.pain_after is None else s.pain_after,
        text(s.notes),
        text(s.variant or ""),
        text(s.performed_by),
        s.utc_offset_min,
    ]


def _spreadsheet_text(text: str) -> str:
    """Neutralise spreadsheet formulas in free text (a name or note starting with '=' stays text)."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def _move_aside(path: Path, reason: str) -> Path:
    target = path.with_name(f"{path.name}.unreadable-{_timestamp_suffix()}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.unreadable-{_timestamp_suffix()}-{n}")
        n += 1
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


def _looks_like_sqlite(path: Path) -> str | None:
    """Why ``path`` is not a SQLite database, or None when its header is right."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"The session log {path} cannot be read: {exc.strerror or exc}") from None
    if len(header) == 0:
        return None  # an empty file is what sqlite itself creates; treat as new
    if header != SQLITE_HEADER:
        return "it is not a SQLite database"
    return None


def _create_private(path: Path) -> None:
    """Create an empty file readable by its owner only (before SQLite opens it)."""
    if path.exists():
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def _is_locked(exc: BaseException) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_SECONDS)
    try:
        configure(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _open_checked(path: Path, busy_seconds: float) -> sqlite3.Connection:
    """Connect, check the file, then configure it.

    The checks only read, so a file that is moved aside or refused (a newer
    version's log) keeps its bytes: switching to WAL would rewrite its header.
    """
    conn = sqlite3.connect(path, isolation_level=None, timeout=busy_seconds)
    try:
        conn.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
        _check(conn)
        _refuse_newer(conn, path)
        configure(conn)
        conn.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
    except BaseException:
        conn.close()
        raise
    return conn


def _open_read_only(path: Path, busy_seconds: float, *, immutable: bool) -> sqlite3.Connection:
    """A read-only connection to a log that cannot be written.

    ``immutable`` (for a read-only folder, where SQLite cannot create the WAL
    index next to the file) tells SQLite that nobody changes the file.
    """
    uri = path.resolve().as_uri()
    queries = ["mode=ro", "mode=ro&immutable=1"] if immutable else ["mode=ro"]
    last: Exception | None = None
    for query in queries:
        conn = sqlite3.connect(f"{uri}?{query}", uri=True, isolation_level=None, timeout=busy_seconds)
        try:
            conn.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
            _check(conn)
            _refuse_newer(conn, path)
            configure(conn, read_only=True)
            return conn
        except StoreTooNew:
            conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            conn.close()
            last = exc
    assert last is not None
    raise last


def _refuse_newer(conn: sqlite3.Connection, path: Path) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreTooNew(
            f"The session log {path} was written by a newer version of Massage Timer "
            f"(schema {version}; this version knows {SCHEMA_VERSION}). It was left untouched; "
            "please update Massage Timer."
        )


def _migrate(conn: sqlite3.Connection, path: Path, before: Callable[[int], None] | None = None) -> None:
    """Bring the schema up to date; ``before(version)`` runs first when an existing log must change."""
    _refuse_newer(conn, path)
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if 0 < version < SCHEMA_VERSION and before is not None:
        before(version)
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(_MIGRATIONS[target]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _statements(script: str) -> Iterable[str]:
    for part in script.split(";"):
        if part.strip():
            yield part.strip()


def _writable(path: Path) -> bool:
    folder_ok = os.access(path.parent, os.W_OK | os.X_OK)
    return folder_ok and (not path.exists() or os.access(path, os.R_OK | os.W_OK))


DEFAULT_KEEP = 10
"""Backups kept when the caller does not say."""


def open_store(
    path: Path,
    *,
    read_only: bool = False,
    backups: Path | None = None,
    daily_backup: bool = False,
    keep: int = DEFAULT_KEEP,
    busy_seconds: float | None = None,
) -> tuple[Store, OpenReport]:
    """Open (or create) the log at ``path``, moving an unreadable one aside.

    Args:
        path: the database file.
        read_only: only read (the command line's history export); nothing is
            marked interrupted, migrated or backed up.
        backups: the backups folder (default: ``backups`` next to the log).
            A backup is always made there before an existing log is migrated.
        daily_backup: also make a backup when none was made today.
        keep: how many backups to keep.
        busy_seconds: how long to wait for another program's lock
            (default :data:`OPEN_BUSY_SECONDS`).

    A log that can be read but not written is opened read-only
    (``store.read_only``; ``report.read_only`` says why).

    Raises:
        StoreTooNew: the file belongs to a newer app version (left untouched).
        StoreError: the file or its folder cannot be used at all (left untouched).
    """
    report = OpenReport(path_text=str(path))
    busy_seconds = OPEN_BUSY_SECONDS if busy_seconds is None else busy_seconds
    backups = backups if backups is not None else path.parent / "backups"
    if read_only:
        return _open_for_reading(path, report, busy_seconds)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"The folder {path.parent} for the session log cannot be created: {exc.strerror or exc}"
        ) from None
    exists = path.exists()
    report.created = not exists
    if not _writable(path):
        if not exists:
            raise StoreError(
                f"The folder {path.parent} cannot be written to, so the session log {path.name} "
                "cannot be created there."
            )
        why = _looks_like_sqlite(path)
        if why:
            raise StoreError(
                f"The session log {path} cannot be read ({why}) and cannot be moved aside "
                "because its folder is read-only. It was left untouched."
            )
        report.read_only = "its folder or the file itself cannot be written (no permission)"
        return _read_only_store(path, report, busy_seconds, immutable=True)
    if exists:
        why = _looks_like_sqlite(path)
        if why:
            report.moved_aside = _aside(path, why)
            report.reason = why
            exists = False
    if not exists:
        _create_private(path)
    try:
        conn = _open_checked(path, busy_seconds)
    except StoreTooNew:
        raise
    except sqlite3.DatabaseError as exc:
        if _is_locked(exc):
            report.read_only = "another program is using it (it holds a lock on the file)"
            return _read_only_store(path, report, busy_seconds, immutable=False)
        if "readonly" in str(exc) or "unable to open" in str(exc):
            report.read_only = f"it cannot be written ({exc})"
            return _read_only_store(path, report, busy_seconds, immutable=False)
        report.moved_aside = _aside(path, str(exc))
        report.reason = f"it is damaged: {exc}"
        _create_private(path)
        conn = _connect(path)

    def backup_first(version: int) -> None:
        from .backups import make_backup

        try:
            report.backup = make_backup(Store(conn, path), backups, keep, reason="before-upgrade")
        except (OSError, sqlite3.Error, StoreError) as exc:
            raise StoreError(
                f"The session log {path} needs an upgrade (schema {version} to {SCHEMA_VERSION}), "
                f"but the backup that comes first could not be written to {backups}: {exc}. "
                "The log was left untouched."
            ) from None

    try:
        _migrate(conn, path, backup_first)
    except StoreError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        if _is_locked(exc):
            report.read_only = "another program is using it (it holds a lock on the file)"
            return _read_only_store(path, report, busy_seconds, immutable=False)
        raise StoreError(f"The session log {path} cannot be prepared: {exc}") from None
    if os.name == "posix":
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if p.exists():
                os.chmod(p, 0o600)
    store = Store(conn, path)
    try:
        report.interrupted = store.mark_interrupted()
    except StoreWriteError:
        # Readable but another program holds the write lock: look, do not touch.
        store.read_only = True
        report.read_only = "another program is using it (it holds a lock on the file)"
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")
    if daily_backup and not store.read_only:
        from .backups import backup_due, make_backup

        try:
            if backup_due(backups) and store.count() > 0:
                report.backup = make_backup(store, backups, keep)
        except (OSError, sqlite3.Error, StoreError) as exc:
            report.backup_error = f"Today's backup of the session log could not be written to {backups}: {exc}"
    return store, report


def _read_only_store(
    path: Path, report: OpenReport, busy_seconds: float, *, immutable: bool
) -> tuple[Store, OpenReport]:
    try:
        conn = _open_read_only(path, busy_seconds, immutable=immutable)
    except StoreTooNew:
        raise
    except sqlite3.DatabaseError as exc:
        reason = report.read_only or "it cannot be written"
        if _is_locked(exc):
            reason = "another program is using it and does not let it be read"
        raise StoreError(f"The session log {path} cannot be opened: {reason} ({exc}). It was left untouched.") from None
    return Store(conn, path, read_only=True), report


def _open_for_reading(path: Path, report: OpenReport, busy_seconds: float) -> tuple[Store, OpenReport]:
    if not path.exists():
        raise StoreError(f"There is no session log at {path} yet.")
    why = _looks_like_sqlite(path)
    if why:
        raise StoreError(f"The session log {path} cannot be read: {why}.")
    return _read_only_store(path, report, busy_seconds, immutable=not _writable(path))


def _aside(path: Path, reason: str) -> Path:
    try:
        return _move_aside(path, reason)
    except OSError as exc:
        raise StoreError(
            f"The session log {path} cannot be read ({reason}) and could not be moved aside: "
            f"{exc.strerror or exc}. It was left untouched."
        ) from None


def _check(conn: sqlite3.Connection) -> None:
    result = conn.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise sqlite3.DatabaseError(f"integrity check failed: {result}")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version >= 1 and version <= SCHEMA_VERSION and not {"sessions", "step_runs"} <= tables:
        raise sqlite3.DatabaseError("the tables of the session log are missing")
    if version == 0 and tables:
        raise sqlite3.DatabaseError(
            "it holds tables that are not a Massage Timer log (" + ", ".join(sorted(tables)) + ")"
        )
