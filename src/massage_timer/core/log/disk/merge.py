"""Bringing the sessions of another computer's log into this one: :func:`import_log`.

A therapist who works on two computers imports one's log (or a backup of it) into the
other. The rules:

* The file given is judged before SQLite opens it (:mod:`.files`: no links, pipes or
  folders), opened read-only and never changed: ``immutable=1`` when no ``-wal`` beside it
  holds anything, so SQLite leaves no side files there. It must be a whole Massage Timer log
  (:func:`~..schema.check_log`) of a schema this version knows; an older one is upgraded in a
  private copy in memory, never in the file. The open log itself is refused (the same file).
* A session is brought in by its id and only when it is new here: a session already here is
  never overwritten, even when it differs (the report counts those). A session still running
  in the other log is left out until it has ended. A new session comes with its step runs,
  their items, its SOAP notes, its addenda and its amendments.
* Each client of the file is matched to a client here by name (case, spaces at the ends and
  between words do not count; clients not archived first), or by the same id; a client not
  found is added, with its id. Sessions of older logs that have no client are linked by their
  person text the same way. Remembered safety answers merge: the newest answer wins.
* When there is something to bring in, this log is backed up first
  (:func:`~.backups.make_backup`), then everything is written in one transaction: a failure
  changes nothing. Importing the same file again adds nothing.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from ..edits import amendments
from ..errors import LogShapeError, StoreError, StoreReadOnly, StoreTooNew, sqlite_kind
from ..people.names import normalise as normalise_name
from ..schema import BUSY_SECONDS, SCHEMA_VERSION, expected_columns, migrate
from ..store import Store
from .backups import backup_failure_message, make_backup
from .files import Kind, connect_checked, inspect, wal_is_empty
from .merge_report import ClientMatch, ImportReport

Progress = Callable[[int, int], None]
"""Called with (sessions written, sessions to write) while the import runs."""

_CHUNK = 500
_SESSION_COLUMNS = tuple(expected_columns(SCHEMA_VERSION)["sessions"])
_CLIENT_COLUMNS = tuple(expected_columns(SCHEMA_VERSION)["clients"])
_CHILD_TABLES = ("step_runs", "step_items", "soap_notes", "addenda")
"""Rows that belong to one session (``session_id`` first), in the order foreign keys need."""
_AMENDMENT_COLUMNS = ("session_id", "field", "old_value", "new_value", "changed_ts")


class LogImportError(StoreError):
    """A file that cannot be imported; nothing changed in either log.

    ``str()`` is ``"FILE: what is wrong"``.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def import_log(
    store: Store,
    source: Path,
    *,
    backups_dir: Path,
    now: float | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Bring the sessions of the log at ``source`` that are new here into ``store``.

    Args:
        store: this log, open for writing.
        source: another Massage Timer log, or a backup of one; only read.
        backups_dir: where this log is backed up first (only when something is imported).
        now: the wall time of the import (the backup's name, clients made from a person's name).
        progress: called with (sessions written, sessions to write) while writing.

    Raises:
        LogImportError: ``source`` is not a log this version can import (not a log, damaged,
            newer, this very log, missing, a link); nothing changed.
        StoreReadOnly: this log is open read-only.
        StoreError: this log could not be backed up, or written (nothing was imported).
    """
    now = time.time() if now is None else now
    if store.read_only:
        raise StoreReadOnly(f"The session log {store.path} is open read-only; nothing was imported.")
    source = Path(source)
    conn = open_source(source, store.path)
    try:
        report = ImportReport(source)
        plan = _Plan(store.conn, conn, now)
        plan.fill(report)
        if not plan.anything():
            return report
        try:
            report.backup = make_backup(store, backups_dir, now=datetime.fromtimestamp(now))
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"{backup_failure_message(backups_dir, exc)} This log is backed up before an import, "
                "so nothing was imported."
            ) from None
        with store._tx() as c:
            plan = _Plan(c, conn, now)  # again under the write lock: the app may have written meanwhile
            report = ImportReport(source, backup=report.backup)
            plan.fill(report)
            plan.write(c, report, progress)
        return report
    finally:
        conn.close()


def open_writer(path: Path) -> Store | None:
    """A writable Store on the log at ``path`` that the app may have open at the same time.

    Unlike :func:`~..opener.open_store` it marks no session interrupted and replays nothing
    (a session may be running in the app right now); it waits for the app's short writes
    (WAL, a busy timeout). None when there is no log at ``path`` yet, or it is empty or of an
    older schema: then it must be opened the app's way first (which creates or upgrades it).

    Raises:
        StoreError: the log cannot be written as it is (left untouched).
    """
    if inspect(path) is not Kind.SQLITE:
        return None
    try:
        conn = connect_checked(path, read_only=False, busy_seconds=BUSY_SECONDS)
    except StoreError:
        raise
    except sqlite3.Error as exc:
        raise StoreError(
            f"The session log {path} cannot be opened for the import: {exc}. It was left untouched."
        ) from None
    if int(conn.execute("PRAGMA user_version").fetchone()[0]) != SCHEMA_VERSION:
        conn.close()
        return None
    return Store(conn, path)


def open_source(source: Path, log_path: Path) -> sqlite3.Connection:
    """A read-only connection to the log at ``source`` (an upgraded copy in memory for an older schema).

    Raises:
        LogImportError: what is at ``source`` cannot be imported; it is left untouched.
    """
    try:
        st = os.lstat(source)
    except FileNotFoundError:
        raise LogImportError(source, "there is no such file.") from None
    except OSError as exc:
        raise LogImportError(source, f"it cannot be looked at ({exc.strerror or exc}).") from None
    if stat.S_ISLNK(st.st_mode):
        raise LogImportError(
            source,
            "it is a symbolic link, and Massage Timer does not follow links for session logs; choose the "
            "file it points to instead.",
        )
    if stat.S_ISDIR(st.st_mode):
        raise LogImportError(source, "it is a folder; choose the session log file in it (sessions.sqlite3).")
    if not stat.S_ISREG(st.st_mode):
        raise LogImportError(source, "it is not a regular file (a pipe, a device or a socket).")
    if _same_file(source, log_path):
        raise LogImportError(source, "it is this computer's own session log, so there is nothing to import.")
    try:
        kind = inspect(source, "The file")
    except StoreError as exc:
        raise LogImportError(source, str(exc)) from None
    if kind is Kind.EMPTY:
        raise LogImportError(source, "it is empty, not a Massage Timer session log.")
    if kind is Kind.NOT_SQLITE:
        raise LogImportError(source, "it is not a Massage Timer session log (not a SQLite database).")
    conn = _connect(source)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version == 0:
            raise LogImportError(source, "it is an empty database, not a Massage Timer session log.")
        if version < SCHEMA_VERSION:
            copy = sqlite3.connect(":memory:", isolation_level=None)
            conn.backup(copy)
            conn.close()
            conn = copy
            migrate(conn, source)
    except BaseException:
        conn.close()
        raise
    return conn


def _same_file(source: Path, log_path: Path) -> bool:
    try:
        return os.path.samefile(source, log_path)
    except OSError:
        return False


def _connect(source: Path) -> sqlite3.Connection:
    """Read-only: ``immutable`` when no ``-wal`` holds anything (no side files are made), else plain ``mode=ro``."""
    try:
        return connect_checked(source, read_only=True, immutable=wal_is_empty(source), what_file="The file")
    except StoreTooNew:
        raise LogImportError(
            source, "it was written by a newer version of Massage Timer; update Massage Timer here to import it."
        ) from None
    except StoreError as exc:
        raise LogImportError(source, str(exc)) from None
    except LogShapeError as exc:
        raise LogImportError(source, f"it is not a Massage Timer session log that can be imported: {exc}.") from None
    except sqlite3.DatabaseError as exc:
        kind = sqlite_kind(exc)
        if kind == "corrupt":
            reason = f"it is damaged or not a Massage Timer session log ({exc})."
        elif kind == "locked":
            reason = "another program is using it and does not let it be read; try again later."
        else:
            reason = f"it cannot be read ({exc})."
        raise LogImportError(source, reason) from None


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _marks(n: int) -> str:
    return ",".join("?" * n)


class _Plan:
    """What the file holds that is new for the log on ``here``; read only, until :meth:`write`."""

    def __init__(self, here: sqlite3.Connection, src: sqlite3.Connection, now: float) -> None:
        self.here, self.src, self.now = here, src, now
        cols = ", ".join(_SESSION_COLUMNS)
        self.sessions = {row[0]: row for row in src.execute(f"SELECT {cols} FROM sessions")}
        self.running = {sid for sid, row in self.sessions.items() if row[_SESSION_COLUMNS.index("status")] == "running"}
        ids = [sid for sid in self.sessions if sid not in self.running]
        self.present = self._present(ids)
        self.new = [sid for sid in ids if sid not in self.present]
        self.clients: dict[str, str] = {}
        """The file's client id -> the id here."""
        self.new_clients: list[tuple[object, ...]] = []
        self._added: set[str] = set()
        """The ids of the clients this import adds."""
        self.matched: dict[str, tuple[str, str]] = {}
        """The file's client id (or person text) -> (its name there, the name here)."""
        self._match_clients()
        self.session_client = {sid: self._client_of(sid) for sid in self.new}
        self.answers = self._answers()

    def anything(self) -> bool:
        return bool(self.new or self.new_clients or self.answers)

    def _present(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for part in _chunks(ids):
            found.update(
                r[0] for r in self.here.execute(f"SELECT id FROM sessions WHERE id IN ({_marks(len(part))})", part)
            )
        return found

    def _match_clients(self) -> None:
        by_name: dict[str, tuple[str, str]] = {}
        names_here: dict[str, str] = {}
        rows = self.here.execute("SELECT id, name FROM clients ORDER BY archived_ts IS NOT NULL, created_ts, id")
        for cid, name in rows:
            names_here[cid] = name
            by_name.setdefault(normalise_name(name), (cid, name))
        self._by_name = by_name
        cols = ", ".join(_CLIENT_COLUMNS)
        for row in self.src.execute(f"SELECT {cols} FROM clients ORDER BY archived_ts IS NOT NULL, created_ts, id"):
            cid, name = row[0], row[1]
            key = normalise_name(name)
            if cid in names_here and normalise_name(names_here[cid]) == key:
                here = (cid, names_here[cid])
            elif key in by_name:
                here = by_name[key]
            elif cid in names_here:
                here = (cid, names_here[cid])  # the same client, renamed on one of the computers
            else:
                new_id = cid if cid not in names_here else uuid.uuid4().hex
                self.new_clients.append((new_id, *row[1:]))
                self._added.add(new_id)
                names_here[new_id] = name
                by_name[key] = (new_id, name)
                self.clients[cid] = new_id
                continue
            self.clients[cid] = here[0]
            self.matched[cid] = (name, here[1])

    def _client_of(self, sid: str) -> str | None:
        """The id here of the client of the file's session ``sid`` (by its person text when it has none)."""
        row = self.sessions[sid]
        cid = row[_SESSION_COLUMNS.index("client_id")]
        if cid is not None and cid in self.clients:
            return self.clients[cid]
        person = row[_SESSION_COLUMNS.index("person")]
        key = normalise_name(person)
        if not key:
            return None
        if key not in self._by_name:
            new_id = uuid.uuid4().hex
            self.new_clients.append((new_id, person, None, "", None, None, None, self.now))
            self._added.add(new_id)
            self._by_name[key] = (new_id, person)
            return new_id
        here = self._by_name[key]
        if here[0] not in self._added:
            self.matched.setdefault(f"person:{key}", (person, here[1]))
        return here[0]

    def _answers(self) -> list[tuple[object, ...]]:
        """The file's safety answers (client mapped) that are newer than, or missing, here."""
        out: list[tuple[object, ...]] = []
        rows = self.src.execute("SELECT client_id, protocol_id, item_id, answer, answered_ts FROM safety_answers")
        for cid, protocol_id, item_id, answer, answered_ts in rows:
            if cid not in self.clients:
                continue
            mapped = self.clients[cid]
            mine = self.here.execute(
                "SELECT answered_ts FROM safety_answers WHERE client_id=? AND protocol_id=? AND item_id=?",
                (mapped, protocol_id, item_id),
            ).fetchone()
            if mine is None or answered_ts > mine[0]:
                out.append((mapped, protocol_id, item_id, answer, answered_ts))
        return out

    def _differ(self) -> int:
        """How many of the sessions already here differ from the file's (the row, the number of steps, of addenda)."""
        present = sorted(self.present)
        if not present:
            return 0
        compared = [c for c in _SESSION_COLUMNS if c != "client_id"]
        counts = (
            "(SELECT COUNT(*) FROM step_runs r WHERE r.session_id = s.id),"
            " (SELECT COUNT(*) FROM addenda a WHERE a.session_id = s.id)"
        )
        sql = f"SELECT {', '.join(compared)}, {counts} FROM sessions s WHERE id IN "
        differ = 0
        for part in _chunks(present):
            query = sql + f"({_marks(len(part))})"
            theirs = {r[0]: r for r in self.src.execute(query, part)}
            differ += sum(1 for mine in self.here.execute(query, part) if theirs.get(mine[0]) != mine)
        return differ

    def fill(self, report: ImportReport) -> None:
        """What the import would do, into ``report`` (the steps are counted as they are written)."""
        report.sessions_in_file = len(self.sessions)
        report.already_here = len(self.present)
        report.running_left_out = len(self.running)
        report.differ = self._differ()
        report.clients_added = sorted((str(row[1]) for row in self.new_clients), key=normalise_name)
        per_client: dict[str, int] = {}
        for cid in self.session_client.values():
            if cid is not None:
                per_client[cid] = per_client.get(cid, 0) + 1
        matches: dict[tuple[str, str], int] = {}
        for key, (name_there, name_here) in self.matched.items():
            cid = self.clients.get(key) if not key.startswith("person:") else self._by_name[key[7:]][0]
            matches.setdefault((name_there, name_here), per_client.get(cid or "", 0))
        report.clients_matched = [ClientMatch(a, b, n) for (a, b), n in matches.items()]
        report.answers_updated = len(self.answers)

    def write(self, c: sqlite3.Connection, report: ImportReport, progress: Progress | None) -> None:
        """Write the plan on ``c`` (inside the caller's transaction)."""
        if self.new_clients:
            c.executemany(
                f"INSERT INTO clients ({', '.join(_CLIENT_COLUMNS)}) VALUES ({_marks(len(_CLIENT_COLUMNS))})",
                self.new_clients,
            )
        at_client = _SESSION_COLUMNS.index("client_id")
        insert = (
            f"INSERT INTO sessions ({', '.join(_SESSION_COLUMNS)}) VALUES ({_marks(len(_SESSION_COLUMNS))})"
            " ON CONFLICT (id) DO NOTHING"
        )
        total = len(self.new)
        for done, part in enumerate(_chunks(self.new)):
            rows = []
            for sid in part:
                row = list(self.sessions[sid])
                row[at_client] = self.session_client[sid]
                rows.append(row)
            cur = c.executemany(insert, rows)
            report.sessions_added += max(cur.rowcount, 0)
            for table in _CHILD_TABLES:
                added = self._copy_children(c, table, part)
                if table == "step_runs":
                    report.steps_added += added
            self._copy_amendments(c, part)
            if progress is not None:
                progress(min(total, (done + 1) * _CHUNK), total)
        if self.answers:
            c.executemany(
                "INSERT INTO safety_answers (client_id, protocol_id, item_id, answer, answered_ts) VALUES (?,?,?,?,?)"
                " ON CONFLICT (client_id, protocol_id, item_id) DO UPDATE SET answer=excluded.answer,"
                " answered_ts=excluded.answered_ts WHERE excluded.answered_ts > safety_answers.answered_ts",
                self.answers,
            )

    def _copy_children(self, c: sqlite3.Connection, table: str, ids: list[str]) -> int:
        cols = tuple(expected_columns(SCHEMA_VERSION)[table])
        names = ", ".join(cols)
        rows = self.src.execute(f"SELECT {names} FROM {table} WHERE session_id IN ({_marks(len(ids))})", ids)
        cur = c.executemany(f"INSERT INTO {table} ({names}) VALUES ({_marks(len(cols))}) ON CONFLICT DO NOTHING", rows)
        return max(cur.rowcount, 0)

    def _copy_amendments(self, c: sqlite3.Connection, ids: list[str]) -> None:
        if not amendments.has_table(self.src):
            return
        names = ", ".join(_AMENDMENT_COLUMNS)
        rows = self.src.execute(
            f"SELECT {names} FROM {amendments.TABLE} WHERE session_id IN ({_marks(len(ids))}) ORDER BY id", ids
        ).fetchall()
        if not rows:
            return
        amendments.create_table(c)
        c.executemany(
            f"INSERT INTO {amendments.TABLE} ({names}) SELECT ?,?,?,?,? WHERE NOT EXISTS (SELECT 1 FROM"
            f" {amendments.TABLE} WHERE session_id=? AND field=? AND old_value IS ? AND new_value IS ?"
            " AND changed_ts=?)",
            [(*row, *row) for row in rows],
        )
