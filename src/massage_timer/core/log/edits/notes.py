"""Session notes in the SOAP form, signing a session, and addenda to a signed one.

Therapists write clinical notes as SOAP: Subjective (what the client says), Objective
(what the therapist finds), Assessment and Plan. A session keeps at most one such note
(the ``soap_notes`` table), beside its plain notes; each field is kept exactly as written,
at most :data:`massage_timer.core.text.MAX_NOTES` characters.

A finished session can be signed (``sessions.signed_ts``). From then on its pain ratings,
notes, SOAP note and status no longer change: :meth:`NoteWrites.save_soap`,
``Store.update_session`` (pain, notes) and ``Store.amend_session`` raise
:class:`SessionSigned`. What is to be added then goes into an addendum (the ``addenda``
table): numbered from 1 in the order written, each with its time, never changed. Signing a
signed session again is a no-op that keeps the first signing time. A running session
cannot be signed (its end still writes to it).

The plan of a client's latest earlier session (:meth:`NoteReads.last_plan`) is what the
next session is prepared with. A session's note and addenda go with it when it is deleted
(the foreign keys cascade). A log of an older schema opened read-only has none.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import astuple, dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ...text import notes_problem
from ..errors import NotesTooLong, StoreError

if TYPE_CHECKING:
    from ..records import SessionRow

SOAP_FIELDS = ("subjective", "objective", "assessment", "plan")
"""The SOAP note's fields, in the order they are written and shown."""

SOAP_TITLES = {"subjective": "Subjective", "objective": "Objective", "assessment": "Assessment", "plan": "Plan"}
"""Each field's name as people read it."""


@dataclass(frozen=True)
class SoapNote:
    """A session's note in the SOAP form; each field as written (empty when not written)."""

    subjective: str = ""
    objective: str = ""
    assessment: str = ""
    plan: str = ""

    @property
    def is_empty(self) -> bool:
        """No field holds more than blank space."""
        return not any(text.strip() for text in astuple(self))

    def items(self) -> Iterator[tuple[str, str]]:
        """(field name, text) of each field, in SOAP order."""
        for f in fields(self):
            yield f.name, getattr(self, f.name)


@dataclass(frozen=True)
class Addendum:
    """Text added to a signed session later, with when it was written."""

    session_id: str
    n: int
    """Its number among the session's addenda, from 1, in the order written."""
    written_ts: float
    text: str


class NoteError(StoreError, ValueError):
    """A note, signature or addendum that the log does not take (no such session, still running, empty)."""


class SessionSigned(StoreError, ValueError):
    """The session is signed: its pain, notes and status stay as they were; an addendum can be added."""


def signed_words(ts: float) -> str:
    """When a session was signed, in this computer's local time: ``2 Dec 2026 at 14:05``."""
    moment = datetime.fromtimestamp(ts)
    return f"{moment.day} {moment:%b %Y} at {moment:%H:%M}"


def signed_message(ts: float) -> str:
    return f"This session was signed on {signed_words(ts)}; add an addendum instead."


def refuse_signed(conn: sqlite3.Connection, session_id: str) -> None:
    """Raise :class:`SessionSigned` if the session is signed (inside the caller's transaction)."""
    row = conn.execute("SELECT signed_ts FROM sessions WHERE id=?", (session_id,)).fetchone()
    if row is not None and row[0] is not None:
        raise SessionSigned(signed_message(row[0]))


def _missing_table(exc: sqlite3.OperationalError) -> bool:
    return "no such table" in str(exc) or "no such column" in str(exc)


class NoteReads:
    """The reads of SOAP notes, signatures and addenda, on ``self.conn``."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:

        def session(self, session_id: str) -> SessionRow | None: ...

    def soap(self, session_id: str) -> SoapNote | None:
        """The session's SOAP note, or None when none was written."""
        try:
            row = self.conn.execute(
                "SELECT subjective, objective, assessment, plan FROM soap_notes WHERE session_id=?", (session_id,)
            ).fetchone()
        except sqlite3.OperationalError as exc:
            if _missing_table(exc):
                return None
            raise
        return SoapNote(*row) if row else None

    def soap_notes(self) -> dict[str, SoapNote]:
        """Every session's SOAP note by session id (for exports: one read, not one per session)."""
        try:
            rows = self.conn.execute("SELECT session_id, subjective, objective, assessment, plan FROM soap_notes")
            return {r[0]: SoapNote(*r[1:]) for r in rows}
        except sqlite3.OperationalError as exc:
            if _missing_table(exc):
                return {}
            raise

    def addenda(self, session_id: str) -> list[Addendum]:
        """The session's addenda, in the order written."""
        try:
            rows = self.conn.execute(
                "SELECT session_id, n, written_ts, text FROM addenda WHERE session_id=? ORDER BY n", (session_id,)
            ).fetchall()
        except sqlite3.OperationalError as exc:
            if _missing_table(exc):
                return []
            raise
        return [Addendum(*r) for r in rows]

    def last_plan(
        self, client_id: str | None, person: str, before_ts: float | None = None
    ) -> tuple[SessionRow, str] | None:
        """The latest session of the client whose SOAP plan is not empty, and that plan.

        ``client_id`` None looks for sessions of that exact ``person`` text instead.
        ``before_ts`` takes only sessions started before it (default: any).
        """
        who, value = ("s.client_id = ?", client_id) if client_id is not None else ("s.person = ?", person)
        sql = (
            "SELECT s.id, n.plan FROM sessions s JOIN soap_notes n ON n.session_id = s.id"
            f" WHERE {who} AND trim(n.plan, ' ' || char(9, 10, 13)) != ''"
            " AND (? IS NULL OR s.started_ts < ?) ORDER BY s.started_ts DESC, s.id LIMIT 1"
        )
        try:
            row = self.conn.execute(sql, (value, before_ts, before_ts)).fetchone()
        except sqlite3.OperationalError as exc:
            if _missing_table(exc):
                return None
            raise
        if row is None:
            return None
        session = self.session(row[0])
        return None if session is None else (session, row[1])


class NoteWrites:
    """Writing SOAP notes, signatures and addenda (mixed into :class:`~..store.Store`)."""

    path: Path

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def session(self, session_id: str) -> SessionRow | None: ...

    def _session_for_notes(self, session_id: str) -> SessionRow:
        session = self.session(session_id)
        if session is None:
            raise NoteError(f"Nothing was changed in the session log {self.path}: it holds no session {session_id}.")
        return session

    def save_soap(self, session_id: str, note: SoapNote) -> None:
        """Write the session's SOAP note, each field exactly as given (an empty note clears a written one).

        Raises:
            NotesTooLong: a field longer than :data:`~massage_timer.core.text.MAX_NOTES` characters.
            NoteError: a field that is not text, or no such session.
            SessionSigned: the session is signed.
            StoreReadOnly, StoreWriteError: the log could not be written; nothing changed.
        """
        for name, text in note.items():
            if not isinstance(text, str):
                raise NoteError(f"The notes were not saved in the session log {self.path}: {name} is not text.")
            if (too_long := notes_problem(text)) is not None:
                raise NotesTooLong(
                    f"The notes were not saved in the session log {self.path}: "
                    f"the {SOAP_TITLES[name]} notes are too long ({too_long})."
                )
        with self._tx() as c:
            self._session_for_notes(session_id)
            refuse_signed(c, session_id)
            exists = c.execute("SELECT 1 FROM soap_notes WHERE session_id=?", (session_id,)).fetchone()
            if exists is None and not any(text for _name, text in note.items()):
                return  # nothing written and nothing to write
            c.execute(
                "INSERT INTO soap_notes (session_id, subjective, objective, assessment, plan) VALUES (?,?,?,?,?)"
                " ON CONFLICT (session_id) DO UPDATE SET subjective=excluded.subjective,"
                " objective=excluded.objective, assessment=excluded.assessment, plan=excluded.plan",
                (session_id, *astuple(note)),
            )

    def sign_session(self, session_id: str, now: float) -> float:
        """Sign the session at ``now``; returns when it is signed.

        A session signed already stays signed at its first time (a no-op that returns it).

        Raises:
            NoteError: no such session, or it is still running.
            StoreReadOnly, StoreWriteError: the log could not be written; nothing changed.
        """
        with self._tx() as c:
            session = self._session_for_notes(session_id)
            if session.signed_ts is not None:
                return session.signed_ts
            if session.status == "running":
                raise NoteError(
                    f"The session was not signed in the session log {self.path}: it is still running. "
                    "A session is signed after it ends."
                )
            c.execute("UPDATE sessions SET signed_ts=? WHERE id=? AND signed_ts IS NULL", (now, session_id))
        return now

    def add_addendum(self, session_id: str, text: str, now: float) -> Addendum:
        """Add ``text`` (kept as given) to a signed session, written at ``now``.

        Raises:
            NoteError: no such session, it is not signed, or the text is empty.
            NotesTooLong: the text is longer than a session's notes may be.
            StoreReadOnly, StoreWriteError: the log could not be written; nothing changed.
        """
        if not isinstance(text, str) or not text.strip():
            raise NoteError(f"The addendum was not saved in the session log {self.path}: it is empty.")
        if (too_long := notes_problem(text)) is not None:
            raise NotesTooLong(f"The addendum was not saved in the session log {self.path}: {too_long}.")
        with self._tx() as c:
            session = self._session_for_notes(session_id)
            if session.signed_ts is None:
                raise NoteError(
                    f"The addendum was not saved in the session log {self.path}: the session is not signed, "
                    "so its notes can still be changed."
                )
            last = c.execute("SELECT MAX(n) FROM addenda WHERE session_id=?", (session_id,)).fetchone()[0]
            n = (last or 0) + 1
            c.execute(
                "INSERT INTO addenda (session_id, n, written_ts, text) VALUES (?,?,?,?)", (session_id, n, now, text)
            )
        return Addendum(session_id, int(n), now, text)
