"""Writing the session log: one short committed transaction per change.

A session row is written when the session starts and every step transition is
committed in its own short transaction, so a crash or ``kill -9`` loses at most
the step in progress. Sessions left ``running`` by a crash are marked
``interrupted`` on the next start: kept, never deleted. The durability
settings are explained in :mod:`.schema`. Pain after, notes and the status of an
interrupted session can be amended later with the original kept (:mod:`.edits.amendments`).
Notes in the SOAP form, signing and addenda are :mod:`.edits.notes`: a signed session's pain,
notes and status no longer change (:class:`~.edits.notes.SessionSigned`).
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..paths import create_private
from ..session.events import ItemRun, StepRun
from ..text import notes_problem
from .edits import amendments
from .edits.amendments import Leave
from .edits.notes import NoteWrites, SessionSigned, refuse_signed, signed_message
from .errors import NotesTooLong, StoreReadOnly, StoreWriteError, write_failure
from .pending import PendingWrites, pending_path
from .people import ClientLog, RememberedAnswers, people_first_seen
from .queries import LogQueries
from .records import Amendment, SessionInfo, local_offset_minutes
from .schema import REFRESH_TOTALS, configure, new_log

_SAVE_ITEM = (
    "INSERT INTO step_items (session_id, seq, n, placed_ts, removed_ts, planned_seconds, on_seconds,"
    " overdue_seconds, past_max) VALUES (?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT (session_id, seq, n) DO UPDATE SET removed_ts=excluded.removed_ts,"
    " planned_seconds=excluded.planned_seconds, on_seconds=excluded.on_seconds,"
    " overdue_seconds=excluded.overdue_seconds, past_max=excluded.past_max"
)


def _item_values(session_id: str, seq: int, item: ItemRun) -> tuple[object, ...]:
    return (
        session_id,
        seq,
        item.n,
        item.placed_wall,
        item.removed_wall,
        item.planned,
        item.on_seconds,
        item.overdue_seconds,
        int(item.past_max),
    )


class Store(NoteWrites, ClientLog, RememberedAnswers, LogQueries):
    """The session log. Create with :func:`open_store`.

    ``read_only`` stores refuse writes with :class:`StoreReadOnly`.

    ``reader_uri`` is how :meth:`reader` connects: ``mode=ro`` on the file by default;
    the opener passes ``immutable=1`` where it had to, and None for a log with no
    tables yet (an empty log, read-only: readers get an empty in-memory log).
    """

    def __init__(
        self, conn: sqlite3.Connection, path: Path, *, read_only: bool = False, reader_uri: str | None = ""
    ) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only
        self.reader_uri = f"{path.absolute().as_uri()}?mode=ro" if reader_uri == "" else reader_uri
        self.pending = PendingWrites(pending_path(path))
        """What the log could not take yet (see :mod:`.pending`); the opener fills it from the file."""
        self.disk_full = False
        """The disk was full when the log was opened (it is read-only, or its writes wait)."""

    def replace_connection(self, conn: sqlite3.Connection, *, read_only: bool, reader_uri: str | None = "") -> None:
        """Use ``conn`` from now on (the log became writable again); the old connection is closed."""
        old, self.conn = self.conn, conn
        self.read_only = read_only
        self.reader_uri = f"{self.path.absolute().as_uri()}?mode=ro" if reader_uri == "" else reader_uri
        with contextlib.suppress(sqlite3.Error):
            old.close()

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
                raise StoreWriteError(write_failure(self.path, exc)) from exc
            raise

    def close(self) -> None:
        self.conn.close()

    def begin_session(
        self, info: SessionInfo, started_ts: float, session_id: str | None = None, *, if_absent: bool = False
    ) -> str:
        """Write a new running session; ``if_absent`` leaves a session with that id as it is (a replay).

        The session is linked to ``info.client_id`` when the log has that client; otherwise, with
        a person, to the client in use of that name (:meth:`find_client`) or to a new client of
        that name, created in the same transaction (a replay that finds its session links nothing).
        """
        sid = session_id or str(uuid.uuid4())
        with self._tx() as c:
            if if_absent and c.execute("SELECT 1 FROM sessions WHERE id=?", (sid,)).fetchone() is not None:
                return sid
            c.execute(
                "INSERT INTO sessions (id, protocol_id, protocol_title, protocol_sha256, variant,"
                " person, performed_by, side, stage, started_ts, utc_offset_min, status,"
                " steps_total, pain_before, reviewed, client_id)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,'running',?,?,1,?)"
                + (" ON CONFLICT (id) DO NOTHING" if if_absent else ""),
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
                    self._session_client(c, info, started_ts),
                ),
            )
        return sid

    def save_step(self, session_id: str, run: StepRun) -> None:
        """Insert or update one step run (called at its start and at its end) and its items.

        The run's items (jars placed one by one) are written in the same transaction, each
        as its latest state: an item placed is in the log as soon as its step run is saved.
        """
        with self._tx() as c:
            c.execute(
                "INSERT INTO step_runs (session_id, seq, step_index, step_id, title, side, timed,"
                " planned, initial_planned, started_ts, ended_ts, active_seconds, paused_seconds,"
                " overrun_seconds, extensions, adjusted_seconds, overridden, slept_seconds, outcome, bounced,"
                " body_timer, guidance_paused_seconds, snoozes, snoozed_seconds, over_max)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (session_id, seq) DO UPDATE SET planned=excluded.planned,"
                " ended_ts=excluded.ended_ts, active_seconds=excluded.active_seconds,"
                " paused_seconds=excluded.paused_seconds, overrun_seconds=excluded.overrun_seconds,"
                " extensions=excluded.extensions, adjusted_seconds=excluded.adjusted_seconds,"
                " overridden=excluded.overridden, slept_seconds=excluded.slept_seconds,"
                " outcome=excluded.outcome, bounced=excluded.bounced,"
                " guidance_paused_seconds=excluded.guidance_paused_seconds, snoozes=excluded.snoozes,"
                " snoozed_seconds=excluded.snoozed_seconds, over_max=excluded.over_max",
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
                    run.bounced,
                    int(run.body_timer),
                    run.guidance_paused,
                    run.snoozes,
                    run.snoozed,
                    int(run.over_max),
                ),
            )
            if run.items:
                c.executemany(_SAVE_ITEM, [_item_values(session_id, run.seq, item) for item in run.items])
            c.execute(REFRESH_TOTALS + " WHERE id=?", (session_id,))

    def bulk_insert(self, sessions: Sequence[Sequence[object]], step_rows: Sequence[Sequence[object]]) -> None:
        """Insert many finished sessions and their steps in one transaction (imports, benchmarks).

        ``sessions`` rows: id, protocol_id, protocol_title, protocol_sha256, variant, person,
        performed_by, side, stage, started_ts, utc_offset_min, ended_ts, status, steps_total,
        pain_before, pain_after, notes, reviewed, and optionally client_id. Rows without a
        client id (or with None) are linked by their person text as :meth:`begin_session` links
        them: the missing clients are created first, all at once. ``step_rows``: the ``step_runs``
        columns in table order.
        """
        with self._tx() as c:
            unlinked = [row for row in sessions if len(row) < 19 or row[18] is None]
            first_seen = people_first_seen((str(r[5]), float(r[9])) for r in unlinked)  # type: ignore[arg-type]
            clients = self._link_persons(c, first_seen)
            rows = [
                (*row[:18], row[18] if len(row) > 18 and row[18] is not None else clients.get(str(row[5])))
                for row in sessions
            ]
            c.executemany(
                "INSERT INTO sessions (id, protocol_id, protocol_title, protocol_sha256, variant,"
                " person, performed_by, side, stage, started_ts, utc_offset_min, ended_ts, status,"
                " steps_total, pain_before, pain_after, notes, reviewed, client_id)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            c.executemany(
                "INSERT INTO step_runs (session_id, seq, step_index, step_id, title, side, timed,"
                " planned, initial_planned, started_ts, ended_ts, active_seconds, paused_seconds,"
                " overrun_seconds, extensions, adjusted_seconds, overridden, slept_seconds, outcome)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                step_rows,
            )
            c.executemany(REFRESH_TOTALS + " WHERE id=?", [(row[0],) for row in sessions])

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
        """Change what the user may edit after the fact (``...`` leaves a field alone).

        Raises:
            SessionSigned: pain or notes of a signed session (``reviewed`` still changes).
        """
        sets: list[str] = []
        args: list[object] = []
        for name, value in (("pain_before", pain_before), ("pain_after", pain_after)):
            if value is not ...:
                if value is not None and not (isinstance(value, int) and 0 <= value <= 10):
                    raise ValueError(f"{name} must be 0-10 or empty")
                sets.append(f"{name}=?")
                args.append(value)
        if notes is not None:
            if (too_long := notes_problem(notes)) is not None:
                raise NotesTooLong(f"The notes were not saved in the session log {self.path}: {too_long}.")
            sets.append("notes=?")
            args.append(notes)
        if reviewed is not None:
            sets.append("reviewed=?")
            args.append(int(reviewed))
        if not sets:
            return
        with self._tx() as c:
            if len(sets) > (reviewed is not None):
                refuse_signed(c, session_id)
            c.execute(f"UPDATE sessions SET {', '.join(sets)} WHERE id=?", (*args, session_id))

    def amend_session(
        self,
        session_id: str,
        *,
        pain_after: int | None | Leave = ...,
        notes: str | Leave = ...,
        status: str | Leave = ...,
        now: float | None = None,
    ) -> list[Amendment]:
        """Change pain after, notes or the status of a logged session later, keeping what it was.

        Each changed field gets one amendment row with its value before (:meth:`amendments`), and
        the session row takes the new values, in one transaction. ``...`` leaves a field alone; a
        value equal to the logged one records nothing. ``status`` finishes an interrupted session
        (``completed`` or ``stopped``; ``interrupted`` leaves it so). Notes are kept as given.
        ``now`` is the wall time of the change (default: now).

        Returns the amendments recorded (none when nothing changed).

        Raises:
            AmendmentError: a bad value, an unknown or running session, a status that cannot change so.
            NotesTooLong: notes longer than a session keeps.
            SessionSigned: the session is signed (an addendum can be added instead).
            StoreReadOnly, StoreWriteError: the log could not be written; nothing changed.
        """
        asked = amendments.check_values(self.path, pain_after, notes, status)
        if not asked:
            return []
        with self._tx() as c:
            session = self.session(session_id)
            if session is None:
                raise amendments.AmendmentError(
                    f"Nothing was changed in the session log {self.path}: it holds no session {session_id}."
                )
            if session.signed_ts is not None:
                raise SessionSigned(signed_message(session.signed_ts))
            found = amendments.changes(self.path, session, asked)
            if not found:
                return []
            return amendments.record(c, session_id, found, time.time() if now is None else now)

    def resume_session(self, session_id: str, now: float) -> None:
        """Make an interrupted session running again, to continue it (its new step runs follow the logged ones).

        Its end is cleared and it counts as reviewed; the change is kept as an amendment of its
        status (interrupted to running, at ``now``: :func:`.edits.amendments.record_resumed`).

        Raises:
            AmendmentError: the log has no such session, or it is not interrupted.
            SessionSigned: the session is signed.
            StoreReadOnly, StoreWriteError: the log could not be written; nothing changed.
        """
        with self._tx() as c:
            session = self.session(session_id)
            if session is None or session.status != "interrupted":
                what = "holds no session " + session_id if session is None else f"has that session as {session.status}"
                raise amendments.AmendmentError(
                    f"The session cannot be continued: the session log {self.path} {what}, not interrupted."
                )
            if session.signed_ts is not None:
                raise SessionSigned(signed_message(session.signed_ts))
            amendments.record_resumed(c, session_id, now)

    def delete_session(self, session_id: str) -> None:
        """Delete a session with its step runs, their items, its notes and addenda (the foreign keys cascade)."""
        with self._tx() as c:
            c.execute("DELETE FROM sessions WHERE id=?", (session_id,))
        self.pending.forget(session_id)

    def mark_interrupted(self, *, only: Sequence[str] | None = None, exclude: Sequence[str] = ()) -> list[str]:
        """Sessions left running by a crash become ``interrupted`` (and wait for review).

        ``only`` limits it to those ids; ``exclude`` spares sessions whose real end is
        still to be written (:mod:`.pending`).
        """
        with self._tx() as c:
            ids = [r[0] for r in c.execute("SELECT id FROM sessions WHERE status='running'")]
            ids = [sid for sid in ids if sid not in set(exclude) and (only is None or sid in set(only))]
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
                c.execute(REFRESH_TOTALS + " WHERE id=?", (sid,))
        return ids

    def reader(self) -> Store:
        """A read-only Store on a new connection, for queries on another thread."""
        if self.reader_uri is None:
            return Store(new_log(), self.path, read_only=True, reader_uri=None)
        conn = sqlite3.connect(self.reader_uri, uri=True, isolation_level=None)
        configure(conn, read_only=True)
        return Store(conn, self.path, read_only=True, reader_uri=self.reader_uri)

    def backup_to(self, target: Path) -> None:
        """A consistent copy of the live database (SQLite backup API, never a file copy).

        The copy is created user-only (0600 on POSIX) before SQLite writes to it.
        """
        create_private(target)
        dest = sqlite3.connect(target, isolation_level=None)
        try:
            configure(dest)
            self.conn.backup(dest)
        finally:
            dest.close()
