"""The clients of the log: reading, adding, changing, archiving, merging and deleting them.

:class:`ClientLog` is a part of :class:`~..store.Store` (it inherits it, as it does
:class:`~..queries.LogQueries`): its reads only need ``self.conn``, so they work on a
read-only store (a log of an older schema opened read-only has no clients: the reads find
none); its writes go through the store's transaction helper.

Names are matched as :mod:`.names` explains. Search is done in Python on the folded names
(SQLite's ``lower`` and ``LIKE`` only know ASCII), and each list's session counts and latest
sessions come from one aggregate query on the ``sessions_client`` index (one per 900 clients
when few are listed), never from a query per client.

A session's ``person`` text is what was logged at the time and is never changed here:
renaming or merging a client leaves it as written.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...text import MAX_NOTES
from ..records import Filter, SessionInfo, SessionRow
from .names import fold as fold_name
from .names import near_groups, normalise
from .records import Client, ClientError, MergeOutcome, field_problem

if TYPE_CHECKING:
    from ..pending import PendingWrites

_COLUMNS = "c.id, c.name, c.born, c.notes, c.side, c.level, c.archived_ts, c.created_ts"

_BY_ID_MOST = 2_000
"""Up to this many clients, their counts are asked for by id (index seeks); more, and for all in one pass."""

_CHUNK = 900
"""Ids per statement (below SQLite's oldest limit of 999 parameters)."""


def _client(row: tuple[Any, ...], counts: Mapping[str, tuple[int, float | None]]) -> Client:
    sessions, last = counts.get(row[0], (0, None))
    return Client(row[0], row[1], row[2], row[3], row[4], row[5], row[6] is not None, row[7], sessions, last)


def _sort_key(row: tuple[Any, ...]) -> tuple[str, str, str, float, str]:
    """By name without case or accents ("Ёлкина" beside "Елкина", not after "Я"), then as written, then oldest."""
    return (fold_name(row[1]), normalise(row[1]), row[1], row[7], row[0])


def _missing_table(exc: sqlite3.OperationalError) -> bool:
    return "no such table" in str(exc) or "no such column" in str(exc)


class ClientLog:
    """The clients of the session log, on ``self.conn`` (a part of :class:`~..store.Store`)."""

    conn: sqlite3.Connection
    path: Path
    pending: PendingWrites

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def sessions(
            self, flt: Filter | None = None, *, limit: int | None = None, offset: int = 0, newest_first: bool = True
        ) -> list[SessionRow]: ...

    # ----------------------------------------------------------- reading

    def _client_rows(self, where: str = "", args: Iterable[object] = ()) -> list[tuple[Any, ...]]:
        try:
            return self.conn.execute(f"SELECT {_COLUMNS} FROM clients c{where}", tuple(args)).fetchall()
        except sqlite3.OperationalError as exc:
            if _missing_table(exc):
                return []
            raise

    def _counts(self, ids: list[str] | None) -> dict[str, tuple[int, float | None]]:
        """Sessions and latest start per client: of ``ids``, or of every client (None).

        One aggregate query on the ``sessions_client`` index (one per 900 ids), never one per client.
        """
        sql = "SELECT client_id, COUNT(*), MAX(started_ts) FROM sessions"
        if ids is None:
            rows = self.conn.execute(sql + " WHERE client_id IS NOT NULL GROUP BY client_id").fetchall()
        else:
            rows = []
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows += self.conn.execute(sql + f" WHERE client_id IN ({marks}) GROUP BY client_id", chunk).fetchall()
        return {r[0]: (int(r[1]), r[2]) for r in rows}

    def _with_counts(self, rows: list[tuple[Any, ...]]) -> list[Client]:
        """Clients of ``rows`` with their counts: asked for by id when few, for everyone in one pass when many."""
        if not rows:
            return []
        counts = self._counts([r[0] for r in rows] if len(rows) <= _BY_ID_MOST else None)
        return [_client(r, counts) for r in rows]

    def clients(self, search: str = "", *, archived: bool | None = False, limit: int | None = None) -> list[Client]:
        """The clients sorted by name (case-insensitively), each with its session count and latest session.

        Args:
            search: a part of the name to look for, in any case, accents and "ё" or "е" alike
                (:func:`.names.fold`); "" lists every client.
            archived: False (the default) for the clients in use, True for the archived ones,
                None for both.
            limit: at most this many (the first by name).
        """
        where = {None: "", False: " WHERE c.archived_ts IS NULL", True: " WHERE c.archived_ts IS NOT NULL"}[archived]
        rows = self._client_rows(where)
        query = fold_name(search)
        if query:
            rows = [r for r in rows if query in fold_name(r[1])]
        rows.sort(key=_sort_key)
        if limit is not None:
            rows = rows[: max(0, limit)]
        return self._with_counts(rows)

    def client(self, client_id: str) -> Client | None:
        """The client with this id (archived or not), or None."""
        rows = self._client_rows(" WHERE c.id = ?", (client_id,))
        return self._with_counts(rows)[0] if rows else None

    def _find_id(self, name: str) -> str | None:
        key = normalise(name)
        if not key:
            return None
        for row in self._client_rows(" WHERE c.archived_ts IS NULL ORDER BY c.created_ts, c.rowid"):
            if normalise(row[1]) == key:
                return str(row[0])
        return None

    def find_client(self, name: str) -> Client | None:
        """The client in use (not archived) whose name is ``name`` normalised (:func:`.names.normalise`).

        The oldest one when several are; None for an empty name or when there is none.
        """
        found = self._find_id(name)
        return None if found is None else self.client(found)

    def near_duplicates(self) -> list[list[Client]]:
        """Groups of two or more clients in use whose names may be one person's, sorted by name.

        The rule: two names are near duplicates when they are equal once casefolded, with runs of
        white space made one and outer white space dropped, and accents and other marks taken off
        (so "Anna", "anna " and "ANNA" are one group, and so are "Ёлкина" and "Елкина"). Nothing
        looser (no misspellings): the groups are only offered for merging, never merged by themselves.
        """
        return near_groups(self.clients(), lambda client: client.name)

    def client_sessions(self, client_id: str) -> list[SessionRow]:
        """The client's sessions, newest first."""
        return self.sessions(Filter(client_id=client_id))

    def last_session(self, client_id: str, protocol_id: str | None = None) -> SessionRow | None:
        """The client's latest session (of ``protocol_id`` when given): what "Repeat last session" repeats."""
        rows = self.sessions(Filter(client_id=client_id, protocol_id=protocol_id), limit=1)
        return rows[0] if rows else None

    def planned_durations(self, session_id: str) -> dict[str, int]:
        """Step id -> the planned seconds the session ran that timed step with (its last run wins)."""
        rows = self.conn.execute(
            "SELECT step_id, planned FROM step_runs"
            " WHERE session_id=? AND timed=1 AND planned IS NOT NULL ORDER BY seq",
            (session_id,),
        )
        return {str(step_id): int(planned) for step_id, planned in rows}

    def client_choices(self, flt: Filter | None = None) -> list[tuple[str, str]]:
        """(client id, name to show) of the clients with sessions that match ``flt``, sorted by name.

        ``flt.client_id`` is left out (these are the choices for it); archived clients are among
        them, since their sessions are in History. Clients of the same name
        are told apart by their dates of birth, "Anna (born 1954-03-02)", or else by number in
        the order they were added, "Anna (2)".
        """
        where, args = replace(flt or Filter(), client_id=None).where()
        extra = " AND " if where else " WHERE "
        rows = self._client_rows(
            f" WHERE c.id IN (SELECT s.client_id FROM sessions s{where}{extra}s.client_id IS NOT NULL)", args
        )
        rows.sort(key=_sort_key)
        same: dict[str, list[tuple[Any, ...]]] = {}
        for row in rows:
            same.setdefault(row[1].strip(), []).append(row)
        shown: dict[str, str] = {}
        for name, group in same.items():
            if len(group) == 1:
                shown[group[0][0]] = name
                continue
            borns = [row[2] for row in group]
            for number, row in enumerate(sorted(group, key=lambda r: (r[7], r[0])), start=1):
                if row[2] and borns.count(row[2]) == 1:
                    shown[row[0]] = f"{name} (born {row[2]})"
                else:
                    shown[row[0]] = f"{name} ({number})"
        return [(row[0], shown[row[0]]) for row in rows]

    # ----------------------------------------------------------- writing

    def _checked(self, fields: Mapping[str, object], today: date, what: str) -> None:
        for field, value in fields.items():
            if (problem := field_problem(field, value, today)) is not None:
                raise ClientError(f"The client was not {what} in the session log {self.path}: {problem}.")

    def _unknown(self, client_id: str, what: str) -> ClientError:
        return ClientError(f"Nothing was {what} in the session log {self.path}: it has no client {client_id}.")

    def add_client(
        self,
        name: str,
        *,
        born: str | None = None,
        notes: str = "",
        side: str | None = None,
        level: str | None = None,
        now: float | None = None,
    ) -> Client:
        """Add a client; the name is kept as typed, without white space at its ends.

        Raises:
            ClientError: an empty or too long name, a control character in it, a date of birth that
                is not a real YYYY-MM-DD date or is in the future, an unknown side or level, notes
                too long (the message says which).
            StoreReadOnly, StoreWriteError: the log could not be written; nothing changed.
        """
        now = time.time() if now is None else now
        name = name.strip() if isinstance(name, str) else name
        fields = {"name": name, "born": born, "notes": notes, "side": side, "level": level}
        self._checked(fields, date.fromtimestamp(now), "added")
        client_id = uuid.uuid4().hex
        with self._tx() as c:
            c.execute(
                "INSERT INTO clients (id, name, born, notes, side, level, created_ts) VALUES (?,?,?,?,?,?,?)",
                (client_id, name, born, notes, side, level, now),
            )
        return Client(client_id, name, born, notes, side, level, False, now)

    def update_client(
        self,
        client_id: str,
        *,
        name: str | Any = ...,
        born: str | None | Any = ...,
        notes: str | Any = ...,
        side: str | None | Any = ...,
        level: str | None | Any = ...,
    ) -> Client:
        """Change a client's record (``...`` leaves a field as it is); the same checks as :meth:`add_client`.

        The sessions' person texts stay as they were logged.

        Raises:
            ClientError: a bad value (the message says which) or an unknown client.
            StoreReadOnly, StoreWriteError: the log could not be written; nothing changed.
        """
        asked = {"name": name, "born": born, "notes": notes, "side": side, "level": level}
        fields = {k: v for k, v in asked.items() if v is not ...}
        if isinstance(fields.get("name"), str):
            fields["name"] = str(fields["name"]).strip()
        self._checked(fields, date.today(), "saved")
        with self._tx() as c:
            if c.execute("SELECT 1 FROM clients WHERE id=?", (client_id,)).fetchone() is None:
                raise self._unknown(client_id, "saved")
            if fields:
                sets = ", ".join(f"{k}=?" for k in fields)
                c.execute(f"UPDATE clients SET {sets} WHERE id=?", (*fields.values(), client_id))
            found = self.client(client_id)
        assert found is not None
        return found

    def archive_client(self, client_id: str, archived: bool = True, *, now: float | None = None) -> None:
        """Archive a client (hidden from :meth:`clients` and :meth:`find_client`), or bring it back.

        Its sessions stay in the log and in History. Archiving an archived client keeps its first time.

        Raises:
            ClientError: the log has no such client.
            StoreReadOnly, StoreWriteError: the log could not be written; nothing changed.
        """
        ts = time.time() if now is None else now
        with self._tx() as c:
            if archived:
                cur = c.execute("UPDATE clients SET archived_ts=COALESCE(archived_ts, ?) WHERE id=?", (ts, client_id))
            else:
                cur = c.execute("UPDATE clients SET archived_ts=NULL WHERE id=?", (client_id,))
            if cur.rowcount == 0:
                raise self._unknown(client_id, "archived" if archived else "changed")

    def delete_client(self, client_id: str) -> int:
        """Delete a client with all of its sessions (their steps, items, notes, addenda) and remembered answers.

        This cannot be undone: the caller asks the user first and makes a backup of the log
        (:func:`~..disk.backups.make_backup`) before calling it. A client with a session
        running now cannot be deleted.

        Returns the number of sessions deleted.

        Raises:
            ClientError: the log has no such client, or one of its sessions is running.
            StoreReadOnly, StoreWriteError: the log could not be written; nothing changed.
        """
        with self._tx() as c:
            if c.execute("SELECT 1 FROM clients WHERE id=?", (client_id,)).fetchone() is None:
                raise self._unknown(client_id, "deleted")
            ids = [r[0] for r in c.execute("SELECT id FROM sessions WHERE client_id=?", (client_id,))]
            running = c.execute(
                "SELECT COUNT(*) FROM sessions WHERE client_id=? AND status='running'", (client_id,)
            ).fetchone()[0]
            if running:
                raise ClientError(
                    f"Nothing was deleted in the session log {self.path}: a session of this client is running now. "
                    "Finish or stop it first."
                )
            c.execute("DELETE FROM sessions WHERE client_id=?", (client_id,))
            c.execute("DELETE FROM clients WHERE id=?", (client_id,))
        for session_id in ids:
            self.pending.forget(session_id)
        return len(ids)

    def merge_clients(self, keep_id: str, other_ids: Iterable[str]) -> MergeOutcome:
        """Merge other clients into ``keep_id``, in one transaction.

        Their sessions move to the kept client (each session's person text stays as it was
        logged); their remembered answers are kept, the newest answer of each question of a
        protocol winning; their notes are added after the kept client's notes (each once);
        a date of birth, side or level the kept client lacks is taken from them (the first
        that has one). Then their records are removed.

        Raises:
            ClientError: no other clients, a client merged into itself, an unknown client,
                or notes that would be longer than a client keeps.
            StoreReadOnly, StoreWriteError: the log could not be written; nothing changed.
        """
        others = list(dict.fromkeys(other_ids))
        refused = f"No clients were merged in the session log {self.path}"
        if not others:
            raise ClientError(f"{refused}: choose the clients to merge into this one.")
        if keep_id in others:
            raise ClientError(f"{refused}: a client cannot be merged into itself.")
        with self._tx() as c:
            marks = ",".join("?" * len(others))
            rows = {r[0]: r for r in self._client_rows(f" WHERE c.id IN (?,{marks})", (keep_id, *others))}
            unknown = [i for i in (keep_id, *others) if i not in rows]
            if unknown:
                raise ClientError(f"{refused}: it has no client {', '.join(unknown)}.")
            keep = rows[keep_id]
            merged = [rows[i] for i in others]
            notes = [keep[3]] if keep[3] else []
            for row in merged:
                if row[3] and row[3] not in notes:
                    notes.append(row[3])
            joined = "\n\n".join(notes)
            if len(joined) > MAX_NOTES:
                raise ClientError(
                    f"{refused}: their notes together would be {len(joined):,} characters long, and a client "
                    f"keeps at most {MAX_NOTES:,}. Shorten the notes first."
                )
            filled = {
                field: next((row[k] for row in merged if row[k]), None) if keep[k] is None else keep[k]
                for field, k in (("born", 2), ("side", 4), ("level", 5))
            }
            c.execute(
                "UPDATE clients SET notes=?, born=?, side=?, level=? WHERE id=?",
                (joined, filled["born"], filled["side"], filled["level"], keep_id),
            )
            c.execute(
                "INSERT INTO safety_answers (client_id, protocol_id, item_id, answer, answered_ts)"
                f" SELECT ?, protocol_id, item_id, answer, answered_ts FROM safety_answers WHERE client_id IN ({marks})"
                " ORDER BY answered_ts"
                " ON CONFLICT (client_id, protocol_id, item_id) DO UPDATE SET answer=excluded.answer,"
                " answered_ts=excluded.answered_ts WHERE excluded.answered_ts >= safety_answers.answered_ts",
                (keep_id, *others),
            )
            moved = c.execute(f"UPDATE sessions SET client_id=? WHERE client_id IN ({marks})", (keep_id, *others))
            c.execute(f"DELETE FROM clients WHERE id IN ({marks})", others)
            answers = c.execute("SELECT COUNT(*) FROM safety_answers WHERE client_id=?", (keep_id,)).fetchone()[0]
            kept = self.client(keep_id)
        assert kept is not None
        return MergeOutcome(kept, moved.rowcount, len(others), int(answers))

    # ----------------------------------------------------------- linking sessions (inside a write)

    def _session_client(self, c: sqlite3.Connection, info: SessionInfo, started_ts: float) -> str | None:
        """The client a new session belongs to, created when needed (inside the session's transaction).

        ``info.client_id`` when the log has that client; otherwise the client in use whose name is
        the person's (:meth:`find_client`), or a new client of that name; None without a person.
        """
        if (
            info.client_id is not None
            and c.execute("SELECT 1 FROM clients WHERE id=?", (info.client_id,)).fetchone() is not None
        ):
            return info.client_id
        return self._link_persons(c, {info.person: started_ts}).get(info.person)

    def _link_persons(self, c: sqlite3.Connection, first_seen: Mapping[str, float]) -> dict[str, str]:
        """Person text -> client id for each person (not blank), creating the missing clients.

        ``first_seen`` gives each person the time its new client is created with. A new client's
        name is the person text without white space at its ends, kept as logged otherwise.
        """
        wanted = {person: normalise(person) for person in first_seen if normalise(person)}
        if not wanted:
            return {}
        known: dict[str, str] = {}
        for row in self._client_rows(" WHERE c.archived_ts IS NULL ORDER BY c.created_ts, c.rowid"):
            known.setdefault(normalise(row[1]), row[0])
        new: list[tuple[str, str, float]] = []
        for person, key in wanted.items():
            if key not in known:
                known[key] = uuid.uuid4().hex
                new.append((known[key], person.strip(), first_seen[person]))
        c.executemany("INSERT INTO clients (id, name, created_ts) VALUES (?,?,?)", new)
        return {person: known[key] for person, key in wanted.items()}


def people_first_seen(rows: Iterable[tuple[str, float]]) -> dict[str, float]:
    """Person text -> the earliest start of its sessions, from (person, started_ts) pairs."""
    first: dict[str, float] = {}
    for person, started in rows:
        if person not in first or started < first[person]:
            first[person] = started
    return first
