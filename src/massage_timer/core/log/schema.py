"""The log's schema, its migrations and the settings every connection gets.

The session log is a local SQLite database that survives crashes and power loss.

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

import functools
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import LogShapeError, StoreTooNew

SCHEMA_VERSION = 6


STATUSES = ("running", "completed", "stopped", "interrupted")


MIGRATIONS: dict[int, str] = {
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
    # Presses of Next/Previous that came too soon after a move (a foot pedal bouncing, a
    # double tap) are ignored; each step run counts how many it ignored.
    3: """
    ALTER TABLE step_runs ADD COLUMN bounced INTEGER NOT NULL DEFAULT 0;
    """,
    # Steps that run on the body (jars on the skin): a pause stops only the guidance, so the
    # guidance pause is kept apart from the step's time; a waiting step's snoozes, and whether
    # a body step stayed on past its longest time.
    4: """
    ALTER TABLE step_runs ADD COLUMN body_timer INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE step_runs ADD COLUMN guidance_paused_seconds REAL NOT NULL DEFAULT 0;
    ALTER TABLE step_runs ADD COLUMN snoozes INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE step_runs ADD COLUMN snoozed_seconds REAL NOT NULL DEFAULT 0;
    ALTER TABLE step_runs ADD COLUMN over_max INTEGER NOT NULL DEFAULT 0;
    """,
    # Items placed one by one during a step (jars on the skin), each with its own time: one row
    # per item, written when it is placed and again when it is removed. An item belongs to its
    # step run, and goes with it (and with its session) when that is deleted.
    5: """
    CREATE TABLE step_items (
        session_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        n INTEGER NOT NULL,
        placed_ts REAL NOT NULL,
        removed_ts REAL,
        planned_seconds INTEGER NOT NULL,
        on_seconds REAL NOT NULL DEFAULT 0,
        overdue_seconds REAL NOT NULL DEFAULT 0,
        past_max INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (session_id, seq, n),
        FOREIGN KEY (session_id, seq) REFERENCES step_runs (session_id, seq) ON DELETE CASCADE
    );
    """,
    # Clients as records of their own (a therapist's many clients), each session linked to one.
    # A session keeps its person as written at the time; its client is who that was. Every
    # person text of the log becomes a client as it is written ("Anna" and "anna " are two
    # until someone merges them). A session may be signed: its notes can then only be added
    # to (addenda, each with its time). Notes may be in the SOAP form; the contraindication
    # answers given for a client are remembered, with their date, per protocol.
    6: """
    CREATE TABLE clients (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        born TEXT,
        notes TEXT NOT NULL DEFAULT '',
        side TEXT,
        level TEXT,
        archived_ts REAL,
        created_ts REAL NOT NULL
    );
    CREATE INDEX clients_name ON clients (name);
    ALTER TABLE sessions ADD COLUMN client_id TEXT REFERENCES clients (id);
    ALTER TABLE sessions ADD COLUMN signed_ts REAL;
    INSERT INTO clients (id, name, created_ts)
        SELECT lower(hex(randomblob(16))), person, MIN(started_ts) FROM sessions
        WHERE person != '' GROUP BY person;
    UPDATE sessions SET client_id = (SELECT c.id FROM clients c WHERE c.name = sessions.person)
        WHERE person != '';
    CREATE INDEX sessions_client ON sessions (client_id, started_ts);
    CREATE TABLE soap_notes (
        session_id TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
        subjective TEXT NOT NULL DEFAULT '',
        objective TEXT NOT NULL DEFAULT '',
        assessment TEXT NOT NULL DEFAULT '',
        plan TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE addenda (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        n INTEGER NOT NULL,
        written_ts REAL NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (session_id, n)
    );
    CREATE TABLE safety_answers (
        client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
        protocol_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        answer INTEGER NOT NULL CHECK (answer IN (0, 1)),
        answered_ts REAL NOT NULL,
        PRIMARY KEY (client_id, protocol_id, item_id)
    );
    """,
}


REFRESH_TOTALS = """
UPDATE sessions SET
    planned_seconds = COALESCE((SELECT SUM(r.planned) FROM step_runs r
                                WHERE r.session_id = sessions.id AND r.outcome != 'running'), 0),
    active_seconds = COALESCE((SELECT SUM(r.active_seconds) FROM step_runs r
                               WHERE r.session_id = sessions.id), 0),
    steps_done = (SELECT COUNT(DISTINCT r.step_index) FROM step_runs r
                  WHERE r.session_id = sessions.id AND r.outcome = 'completed')
"""


BUSY_SECONDS = 5.0
"""How long a write waits for a lock during normal use."""


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


def refuse_newer(conn: sqlite3.Connection, path: Path) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreTooNew(
            f"The session log {path} was written by a newer version of Massage Timer "
            f"(schema {version}; this version knows {SCHEMA_VERSION}). It was left untouched; "
            "please update Massage Timer."
        )


def migrate(conn: sqlite3.Connection, path: Path, before: Callable[[int], None] | None = None) -> None:
    """Bring the schema up to date; ``before(version)`` runs first when an existing log must change."""
    refuse_newer(conn, path)
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if 0 < version < SCHEMA_VERSION and before is not None:
        before(version)
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements(MIGRATIONS[target]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def statements(script: str) -> Iterable[str]:
    for part in script.split(";"):
        if part.strip():
            yield part.strip()


def is_new_log(conn: sqlite3.Connection) -> bool:
    """True for a database with no tables and ``user_version`` 0 (what SQLite creates; a log not begun)."""
    if int(conn.execute("PRAGMA user_version").fetchone()[0]) != 0:
        return False
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return not [n for n in names if not n.startswith("sqlite_")]


def new_log() -> sqlite3.Connection:
    """An in-memory log with the current schema and no sessions (an empty log, read-only)."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    migrate(conn, Path(":memory:"))
    return conn


@functools.cache
def expected_columns(version: int) -> dict[str, dict[str, tuple[str, int, int]]]:
    """Each table's columns at schema ``version``: name -> (type, not null, primary key position).

    Built by running the migrations on an empty in-memory database, so it can never
    disagree with what :func:`migrate` makes.
    """
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for target in range(1, version + 1):
            for statement in statements(MIGRATIONS[target]):
                conn.execute(statement)
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY rowid")]
        return {table: table_columns(conn, table) for table in tables if not table.startswith("sqlite_")}
    finally:
        conn.close()


def table_columns(conn: sqlite3.Connection, table: str) -> dict[str, tuple[str, int, int]]:
    rows = conn.execute('SELECT name, type, "notnull", pk FROM pragma_table_info(?)', (table,)).fetchall()
    return {str(name): (str(kind).upper(), int(notnull), int(pk)) for name, kind, notnull, pk in rows}


def _names(names: list[str], most: int = 4) -> str:
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else f"{shown} and {len(names) - most} more"


def _column_problems(conn: sqlite3.Connection, version: int) -> list[str]:
    problems = []
    for table, expected in expected_columns(version).items():
        actual = table_columns(conn, table)
        missing = [name for name in expected if name not in actual]
        extra = [name for name in actual if name not in expected]
        changed = [name for name in expected if name in actual and actual[name] != expected[name]]
        for words, names in (("lacks the columns", missing), ("has unknown columns", extra)):
            if names:
                problems.append(f"its table {table} {words} {_names(names)}")
        if changed:
            problems.append(f"its table {table} has columns of another kind ({_names(changed)})")
    return problems


def check_log(conn: sqlite3.Connection) -> None:
    """Whether the database on ``conn`` is a whole Massage Timer log; only reads.

    Checks SQLite's ``quick_check`` and, for a log of a schema this version knows, its
    tables and their columns against what that schema version has. A database with no
    tables and ``user_version`` 0 is a new log.

    Raises:
        LogShapeError: the file is damaged or not a Massage Timer log (the message says how).
        sqlite3.DatabaseError: SQLite could not read it (locked, I/O error, not a database).
    """
    result = conn.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise LogShapeError(f"it is damaged (SQLite's check says: {result})")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    tables = {t for t in tables if not t.startswith("sqlite_")}
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version == 0:
        if tables:
            raise LogShapeError("it holds tables that are not a Massage Timer log (" + ", ".join(sorted(tables)) + ")")
        return
    if version > SCHEMA_VERSION:
        return  # refuse_newer says so
    missing = sorted(set(expected_columns(version)) - tables)
    if missing:
        raise LogShapeError(f"the tables of the session log are missing ({', '.join(missing)})")
    problems = _column_problems(conn, version)
    if problems:
        raise LogShapeError(f"it is not a Massage Timer log of schema {version}: " + "; ".join(problems))
