"""Reading the log for History, reports and the command line: every query aggregates in SQL.

:class:`LogQueries` holds the reads; :class:`~.store.Store` adds the writes. The queries
only need a connection, so a read-only store on another thread uses the same code.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, timedelta

from .edits.amendments import read as read_amendments
from .edits.notes import NoteReads
from .records import Amendment, Filter, ItemRow, SessionRow, StepRow, Summary, WeekTotal

DAY = 86400


_MONDAY_ZERO = date(1969, 12, 29)
"""The Monday that starts week 0 of :meth:`Store.week_totals`."""


def _floor(expr: str) -> str:
    """SQL for floor(expr) as an integer (SQLite's CAST truncates toward zero; floor() may be missing)."""
    return f"(CAST({expr} AS INTEGER) - (({expr}) < CAST({expr} AS INTEGER)))"


_SESSION_SELECT = """
SELECT s.id, s.protocol_id, s.protocol_title, s.protocol_sha256, s.variant, s.person,
       s.performed_by, s.side, s.stage, s.started_ts, s.utc_offset_min, s.ended_ts, s.status,
       s.steps_total, s.pain_before, s.pain_after, s.notes, s.reviewed,
       s.planned_seconds, s.active_seconds, s.steps_done, s.client_id, s.signed_ts
FROM sessions s
"""

_SCHEMA_6_COLUMNS = ("client_id", "signed_ts")
"""Read as NULL from a log of an older schema opened read-only (not upgraded)."""


def _session_row(row: Sequence[object]) -> SessionRow:
    values = list(row)
    values[17] = bool(values[17])
    return SessionRow(*values)  # type: ignore[arg-type]


class LogQueries(NoteReads):
    """The reads of the session log, on ``self.conn``."""

    conn: sqlite3.Connection

    def _session_select(self) -> str:
        """The select of a session's row; NULL for the columns a read-only log of an older schema lacks."""
        cached: tuple[sqlite3.Connection, str] | None = getattr(self, "_select_cached", None)
        if cached is not None and cached[0] is self.conn:
            return cached[1]
        have = {r[1] for r in self.conn.execute("PRAGMA table_info(sessions)")}
        sql = _SESSION_SELECT
        for name in _SCHEMA_6_COLUMNS:
            if name not in have:
                sql = sql.replace(f"s.{name}", f"NULL AS {name}")
        self._select_cached = (self.conn, sql)
        return sql

    def session(self, session_id: str) -> SessionRow | None:
        row = self.conn.execute(self._session_select() + " WHERE s.id=?", (session_id,)).fetchone()
        return _session_row(row) if row else None

    def steps(self, session_id: str) -> list[StepRow]:
        rows = self.conn.execute(
            "SELECT seq, step_index, step_id, title, side, timed, planned, initial_planned,"
            " started_ts, ended_ts, active_seconds, paused_seconds, overrun_seconds, extensions,"
            " adjusted_seconds, overridden, slept_seconds, outcome, bounced, body_timer,"
            " guidance_paused_seconds, snoozes, snoozed_seconds, over_max"
            " FROM step_runs WHERE session_id=? ORDER BY seq",
            (session_id,),
        ).fetchall()
        out = []
        for r in rows:
            v = list(r)
            for flag in (5, 15, 19, 23):  # timed, overridden, body_timer, over_max
                v[flag] = bool(v[flag])
            out.append(StepRow(*v))
        return out

    def items(self, session_id: str) -> list[ItemRow]:
        """The items placed during the session's step runs (jars), by step run, in the order placed.

        A log of an older schema opened read-only (not upgraded) has none.
        """
        try:
            rows = self.conn.execute(
                "SELECT seq, n, placed_ts, removed_ts, planned_seconds, on_seconds, overdue_seconds, past_max"
                " FROM step_items WHERE session_id=? ORDER BY seq, n",
                (session_id,),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return []
            raise
        return [ItemRow(*r[:7], past_max=bool(r[7])) for r in rows]

    def amendments(self, session_id: str) -> list[Amendment]:
        """What was changed in the session later, oldest first, each with the value before and the original."""
        return read_amendments(self.conn, session_id)

    def sessions(
        self, flt: Filter | None = None, *, limit: int | None = None, offset: int = 0, newest_first: bool = True
    ) -> list[SessionRow]:
        where, args = (flt or Filter()).where()
        order = "DESC" if newest_first else "ASC"
        sql = self._session_select() + where + f" ORDER BY s.started_ts {order}, s.id"
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
            " SUM(s.pain_before IS NOT NULL OR s.pain_after IS NOT NULL), COUNT(*)"
            " FROM sessions s" + where + " GROUP BY week, s.protocol_id ORDER BY week, s.protocol_id"
        )
        return [
            WeekTotal(_MONDAY_ZERO + timedelta(weeks=r[0]), r[1], float(r[2] or 0), r[3], r[4], r[5], r[6], r[7], r[8])
            for r in self.conn.execute(sql, args)
        ]

    def sessions_per_week(self, flt: Filter | None = None) -> list[tuple[date, int]]:
        """(local Monday, sessions started that week) for the weeks with any, oldest first."""
        where, args = (flt or Filter()).where()
        sql = (
            f"SELECT ({_floor(f'(s.started_ts + s.utc_offset_min * 60) / {DAY}.0')} + 3) / 7 AS week, COUNT(*)"
            " FROM sessions s" + where + " GROUP BY week ORDER BY week"
        )
        return [(_MONDAY_ZERO + timedelta(weeks=r[0]), int(r[1])) for r in self.conn.execute(sql, args)]

    def sessions_by_hour(self, flt: Filter | None = None) -> list[int]:
        """Sessions started in each local hour of the day, 0 to 23 (24 counts)."""
        where, args = (flt or Filter()).where()
        hour = _floor("(s.started_ts + s.utc_offset_min * 60) / 3600.0")
        sql = f"SELECT (({hour} % 24) + 24) % 24 AS hour, COUNT(*) FROM sessions s" + where + " GROUP BY hour"
        counts = [0] * 24
        for h, n in self.conn.execute(sql, args):
            counts[int(h)] = int(n)
        return counts

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

    def rated_persons(self, flt: Filter | None = None) -> list[str]:
        """The persons with at least one pain rating among the filtered sessions, sorted."""
        where, args = (flt or Filter()).where()
        extra = " AND " if where else " WHERE "
        sql = (
            "SELECT DISTINCT s.person FROM sessions s"
            + where
            + extra
            + "(s.pain_before IS NOT NULL OR s.pain_after IS NOT NULL) ORDER BY s.person"
        )
        return [r[0] for r in self.conn.execute(sql, args)]

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
        sql = self._session_select().replace("SELECT s.id,", "SELECT s.rowid, s.id,", 1)
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
