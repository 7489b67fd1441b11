"""Amending a logged session later, with the original kept.

What a session logged at the time stays readable after any later change: every change
of ``pain_after``, ``notes`` or ``status`` adds a row to ``session_amendments`` with the
value before and the value after, then updates the session row, in the same transaction
(:meth:`~massage_timer.core.log.Store.amend_session`). The first row of a field holds its
original value.

The rules:

* pain after is a whole number from 0 to 10, or None (not rated);
* notes are kept exactly as given, never trimmed (at most
  :data:`massage_timer.core.text.MAX_NOTES` characters);
* the status changes only to finish an interrupted session, as ``completed`` or
  ``stopped``; a finished session is then reviewed (the start-up notice no longer asks);
* a running session is not amended (its end writes pain and notes);
* a value equal to the one logged is no change and records nothing.

An interrupted session continued later (:mod:`massage_timer.core.session.resume`) is running
again in its own row: that change of status is kept here too, as a row from ``interrupted`` to
``running`` at the time it was continued (:func:`record_resumed`), so the log tells when a
session was continued, and how often, without a column of its own. The row's own end (completed,
stopped, or interrupted again) is then written as for any session.

The table is not part of the numbered schema (:mod:`..schema`): it is created, if missing,
when a writable log is opened and again by the first amendment of a log that lacks it (a log
restored from an older backup, one opened read-only on a full disk and writable later). A
log without it reads as a log without amendments. Amendments of a deleted session go with it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from types import EllipsisType

from ...text import notes_problem
from ..errors import NotesTooLong, StoreError
from ..records import Amendment, SessionRow

TABLE = "session_amendments"

FIELDS = ("pain_after", "notes", "status")
"""What can be amended, in the order the changes of one amendment are recorded."""

FINISHED = ("completed", "stopped")
"""What an interrupted session can be marked as, once finished later."""

DDL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    " id INTEGER PRIMARY KEY,"
    " session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
    " field TEXT NOT NULL CHECK (field IN ('pain_after', 'notes', 'status')),"
    " old_value TEXT,"
    " new_value TEXT,"
    " changed_ts REAL NOT NULL"
    ")",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_session ON {TABLE} (session_id, id)",
)
"""The table and its index; ``old_value``/``new_value`` are NULL for "not rated"."""

Leave = EllipsisType
"""The type of ``...``: leave this field as it is."""


class AmendmentError(StoreError, ValueError):
    """An amendment that the log does not take (a bad value, a status that cannot change); nothing was written."""


def create_table(conn: sqlite3.Connection) -> None:
    """Create the amendments table and its index where they are missing (a no-op, no write, otherwise).

    Raises:
        sqlite3.Error: the log cannot take them now (read-only, full disk, locked).
    """
    for statement in DDL:
        conn.execute(statement)


def has_table(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (TABLE,)).fetchone()
    return row is not None


def check_values(
    path: Path, pain_after: int | None | Leave, notes: str | Leave, status: str | Leave
) -> dict[str, int | str | None]:
    """The fields asked to change, with their new values, once each value is one the log takes.

    Raises:
        AmendmentError: a value of the wrong kind or out of range.
        NotesTooLong: notes longer than a session keeps.
    """
    asked: dict[str, int | str | None] = {}
    if pain_after is not ...:
        if pain_after is not None and (
            isinstance(pain_after, bool) or not isinstance(pain_after, int) or not 0 <= pain_after <= 10
        ):
            raise AmendmentError(
                f"Nothing was changed in the session log {path}: pain after is a whole number from 0 to 10, "
                f"or not rated, not {pain_after!r}."
            )
        asked["pain_after"] = pain_after
    if notes is not ...:
        if not isinstance(notes, str):
            raise AmendmentError(f"Nothing was changed in the session log {path}: notes are text, not {notes!r}.")
        if (too_long := notes_problem(notes)) is not None:
            raise NotesTooLong(f"The notes were not saved in the session log {path}: {too_long}.")
        asked["notes"] = notes
    if status is not ...:
        if status not in (*FINISHED, "interrupted"):
            raise AmendmentError(
                f"Nothing was changed in the session log {path}: a session can be marked as completed or stopped "
                f"(or left interrupted), not {status!r}."
            )
        asked["status"] = status
    return asked


def changes(path: Path, session: SessionRow, asked: dict[str, int | str | None]) -> list[tuple[str, object, object]]:
    """(field, value before, value after) for each asked value that differs from the session's.

    Raises:
        AmendmentError: the session is still running, or its status cannot change that way.
    """
    if session.status == "running":
        raise AmendmentError(
            f"Nothing was changed in the session log {path}: the session is still running; "
            "its pain after and notes are saved when it ends."
        )
    out: list[tuple[str, object, object]] = []
    for field in FIELDS:
        if field not in asked:
            continue
        before, after = getattr(session, field), asked[field]
        if before == after:
            continue
        if field == "status" and not (before == "interrupted" and after in FINISHED):
            raise AmendmentError(
                f"Nothing was changed in the session log {path}: the session is {before}, and only an "
                "interrupted session can be marked as completed or stopped later."
            )
        out.append((field, before, after))
    return out


def record(
    conn: sqlite3.Connection, session_id: str, found: Sequence[tuple[str, object, object]], now: float
) -> list[Amendment]:
    """Write one amendment row per change, then the new values to the session row.

    Runs inside the caller's transaction; creates the table first where it is missing.
    """
    create_table(conn)
    rows = [(session_id, field, _text(before), _text(after), now) for field, before, after in found]
    conn.executemany(
        f"INSERT INTO {TABLE} (session_id, field, old_value, new_value, changed_ts) VALUES (?,?,?,?,?)", rows
    )
    sets = [f"{field}=?" for field, _before, _after in found]
    args = [after for _field, _before, after in found]
    if any(field == "status" for field, _before, _after in found):
        sets.append("reviewed=1")
    conn.execute(f"UPDATE sessions SET {', '.join(sets)} WHERE id=?", (*args, session_id))
    count = len(found)
    return read(conn, session_id)[-count:]


RESUMED = ("interrupted", "running")
"""The status change of a session continued after an interruption (old value, new value)."""


def record_resumed(conn: sqlite3.Connection, session_id: str, now: float) -> None:
    """Record that an interrupted session is continued at ``now``, and make it running again.

    Runs inside the caller's transaction, which has checked that the session is interrupted;
    creates the table first where it is missing. The session's end is cleared and it counts as
    reviewed (the start-up notice no longer asks about it).
    """
    create_table(conn)
    conn.execute(
        f"INSERT INTO {TABLE} (session_id, field, old_value, new_value, changed_ts) VALUES (?,'status',?,?,?)",
        (session_id, *RESUMED, now),
    )
    conn.execute("UPDATE sessions SET status='running', ended_ts=NULL, reviewed=1 WHERE id=?", (session_id,))


def is_resumption(amendment: Amendment) -> bool:
    """True for the row that records a session continued after an interruption."""
    return amendment.field == "status" and (amendment.old_value, amendment.new_value) == RESUMED


def read(conn: sqlite3.Connection, session_id: str) -> list[Amendment]:
    """The session's amendments, oldest first, each with its field's original value ([] without the table)."""
    if not has_table(conn):
        return []
    rows = conn.execute(
        f"SELECT id, session_id, field, old_value, new_value, changed_ts FROM {TABLE} WHERE session_id=? ORDER BY id",
        (session_id,),
    ).fetchall()
    originals: dict[str, str | None] = {}
    out = []
    for amendment_id, sid, field, old_value, new_value, changed_ts in rows:
        original = originals.setdefault(field, old_value)
        out.append(Amendment(amendment_id, sid, field, old_value, new_value, changed_ts, original))
    return out


def _text(value: object) -> str | None:
    return None if value is None else str(value)
