"""The session log: schema, writes, queries, CSV export, and what happens to damaged files."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import stat
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from massage_timer.core.log import (
    CSV_COLUMNS,
    SCHEMA_VERSION,
    Filter,
    SessionInfo,
    Store,
    StoreTooNew,
    export_csv,
    open_store,
)
from massage_timer.core.session.events import Outcome, StepRun

CSV_HEADER = (
    "session_id,started_at,ended_at,person,protocol_id,protocol_title,status,planned_seconds,"
    "actual_seconds,steps_done,steps_total,side,stage,pain_before,pain_after,notes"
)
# Monday 2026-01-05 09:00 UTC
MONDAY = datetime(2026, 1, 5, 9, 0, tzinfo=UTC).timestamp()
DAY = 86400.0


def step_run(seq: int, started: float, planned: int | None = 60, active: float = 60.0, **kw) -> StepRun:
    fields = dict(
        seq=seq,
        index=seq - 1,
        step_id=f"step-{seq}",
        title=f"Step {seq}",
        side=None,
        timed=planned is not None,
        planned=planned,
        initial_planned=planned,
        started_wall=started,
        ended_wall=started + active,
        active=active,
        outcome=Outcome.COMPLETED,
    )
    fields.update(kw)
    return StepRun(**fields)


def record(
    store: Store,
    started: float,
    *,
    person: str = "Anna",
    protocol: str = "honey",
    steps: int = 2,
    status: str = "completed",
    pain: tuple[int | None, int | None] = (None, None),
    notes: str = "",
) -> str:
    info = SessionInfo(
        protocol_id=protocol,
        protocol_title=protocol.replace("-", " ").title(),
        person=person,
        steps_total=steps,
        side="left",
        stage="remission",
        pain_before=pain[0],
    )
    sid = store.begin_session(info, started)
    t = started
    for seq in range(1, steps + 1):
        store.save_step(sid, step_run(seq, t))
        t += 60
    if status != "running":
        store.end_session(sid, status, t)
    if pain[1] is not None or notes:
        store.update_session(sid, pain_after=pain[1], notes=notes)
    return sid


def pragmas(conn: sqlite3.Connection) -> tuple[str, int, int]:
    return (
        conn.execute("PRAGMA journal_mode").fetchone()[0],
        conn.execute("PRAGMA synchronous").fetchone()[0],
        conn.execute("PRAGMA foreign_keys").fetchone()[0],
    )


# ------------------------------------------------------------------ schema


def test_a_new_log_has_the_schema_and_the_pragmas(data_dir):
    store, report = open_store(data_dir.database)
    try:
        assert report.created and report.moved_aside is None and report.message == ""
        assert pragmas(store.conn) == ("wal", 2, 1)
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"sessions", "step_runs"} <= tables
    finally:
        store.close()
    again, report = open_store(data_dir.database)  # every connection, not only the first
    try:
        assert not report.created
        assert pragmas(again.conn) == ("wal", 2, 1)
    finally:
        again.close()


def test_posix_permissions(tmp_path):
    if os.name != "posix":
        pytest.skip("POSIX permissions only")
    folder = tmp_path / "new" / "log"
    store, _ = open_store(folder / "sessions.sqlite3")
    record(store, MONDAY)
    try:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE((folder / "sessions.sqlite3").stat().st_mode) == 0o600
    finally:
        store.close()


# ------------------------------------------------------------------ writes


def test_begin_save_end(store):
    sid = store.begin_session(
        SessionInfo(
            protocol_id="cupping-static",
            protocol_title="Placing jars",
            person="Boris",
            steps_total=3,
            protocol_sha256="ab" * 32,
            variant="lower",
            performed_by="Vera",
            side="both",
            stage="remission",
            pain_before=6,
        ),
        MONDAY,
    )
    row = store.session(sid)
    assert row.status == "running" and row.ended_ts is None
    assert (row.person, row.performed_by, row.variant, row.side, row.stage) == (
        "Boris",
        "Vera",
        "lower",
        "both",
        "remission",
    )
    assert row.protocol_sha256 == "ab" * 32 and row.pain_before == 6 and row.steps_total == 3

    running = step_run(1, MONDAY, planned=600, active=0.0, ended_wall=None, outcome=Outcome.RUNNING)
    store.save_step(sid, running)
    assert store.steps(sid)[0].outcome == "running"
    running.planned, running.active, running.paused, running.extensions = 660, 650.0, 12.5, 1
    running.adjusted, running.overridden, running.overrun = 60, True, 3.0
    running.ended_wall, running.outcome = MONDAY + 662.5, Outcome.COMPLETED
    store.save_step(sid, running)  # the same run again: updated, not duplicated
    store.save_step(sid, step_run(2, MONDAY + 700, planned=None, active=30.0, side="left"))
    store.save_step(sid, step_run(3, MONDAY + 730, planned=120, active=5.0, outcome=Outcome.SKIPPED))
    store.end_session(sid, "completed", MONDAY + 800)

    steps = store.steps(sid)
    assert [(s.seq, s.outcome) for s in steps] == [(1, "completed"), (2, "completed"), (3, "skipped")]
    first = steps[0]
    assert (first.planned, first.initial_planned, first.active_seconds, first.paused_seconds) == (
        660,
        600,
        650.0,
        12.5,
    )
    assert (first.extensions, first.adjusted_seconds, first.overridden, first.overrun_seconds) == (
        1,
        60,
        True,
        3.0,
    )
    assert steps[1].timed is False and steps[1].side == "left"
    row = store.session(sid)
    assert row.status == "completed" and row.ended_ts == MONDAY + 800
    assert row.planned_seconds == 660 + 120
    assert row.actual_seconds == pytest.approx(685.0)
    assert row.steps_done == 2  # the skipped step is not done
    with pytest.raises(ValueError):
        store.end_session(sid, "interrupted", MONDAY)


def test_update_and_delete(store):
    sid = record(store, MONDAY)
    store.update_session(sid, pain_before=7, pain_after=3, notes="better", reviewed=False)
    row = store.session(sid)
    assert (row.pain_before, row.pain_after, row.notes, row.reviewed) == (7, 3, "better", False)
    store.update_session(sid, pain_after=None)  # cleared; the rest left alone
    row = store.session(sid)
    assert (row.pain_before, row.pain_after, row.notes) == (7, None, "better")
    for bad in (11, -1, "5"):
        with pytest.raises(ValueError):
            store.update_session(sid, pain_before=bad)
    store.delete_session(sid)
    assert store.session(sid) is None
    assert store.steps(sid) == []  # the step runs went with it
    assert store.conn.execute("SELECT COUNT(*) FROM step_runs").fetchone()[0] == 0


def test_a_session_left_running_is_interrupted_on_reopen(data_dir):
    store, _ = open_store(data_dir.database)
    done = record(store, MONDAY)
    sid = record(store, MONDAY + DAY, steps=1, status="running")
    store.save_step(sid, step_run(2, MONDAY + DAY + 60, active=0.0, ended_wall=None, outcome=Outcome.RUNNING))
    store.close()  # as if the app had crashed

    store, report = open_store(data_dir.database)
    try:
        assert report.interrupted == [sid]
        row = store.session(sid)
        assert row.status == "interrupted" and row.reviewed is False
        assert row.ended_ts == MONDAY + DAY + 60  # the last thing known to have happened
        assert [s.outcome for s in store.steps(sid)] == ["completed", "interrupted"]
        assert store.session(done).status == "completed"
        assert [s.id for s in store.unreviewed_interrupted()] == [sid]
    finally:
        store.close()
    store, report = open_store(data_dir.database)
    store.close()
    assert report.interrupted == []  # only once


# ------------------------------------------------------------------ queries


def test_filters(store):
    a = record(store, MONDAY, person="Anna", protocol="honey")
    b = record(store, MONDAY + DAY, person="Boris", protocol="honey", status="stopped")
    c = record(store, MONDAY + 2 * DAY, person="Anna", protocol="acupressure")
    assert [s.id for s in store.sessions()] == [c, b, a]
    assert [s.id for s in store.sessions(newest_first=False)] == [a, b, c]
    assert [s.id for s in store.sessions(Filter(person="Anna"))] == [c, a]
    assert [s.id for s in store.sessions(Filter(protocol_id="honey"))] == [b, a]
    assert [s.id for s in store.sessions(Filter(status="stopped"))] == [b]
    assert [s.id for s in store.sessions(Filter(since_ts=MONDAY + DAY))] == [c, b]
    assert [s.id for s in store.sessions(Filter(until_ts=MONDAY + DAY))] == [a]
    window = Filter(person="Anna", since_ts=MONDAY + 1, until_ts=MONDAY + 3 * DAY)
    assert [s.id for s in store.sessions(window)] == [c]
    assert store.count() == 3 and store.count(Filter(person="Anna")) == 2
    assert store.session_ids(Filter(protocol_id="honey")) == [b, a]
    assert [s.id for s in store.sessions(limit=1, offset=1)] == [b]
    assert store.protocol_ids() == [("acupressure", "Acupressure"), ("honey", "Honey")]


def test_persons_most_recent_first(store):
    record(store, MONDAY, person="Anna")
    record(store, MONDAY + DAY, person="Boris")
    record(store, MONDAY + 2 * DAY, person="Chen")
    record(store, MONDAY + 3 * DAY, person="Anna")
    assert store.persons() == ["Anna", "Chen", "Boris"]


@pytest.fixture
def utc_plus_one(monkeypatch):
    """Local time one hour ahead of UTC all year (a POSIX TZ string: no tz database needed)."""
    monkeypatch.setenv("TZ", "XXX-1")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_minutes_per_week_uses_the_local_monday(store, utc_plus_one):
    sunday_late = datetime(2026, 1, 11, 22, 30, tzinfo=UTC).timestamp()  # Sun 23:30 local
    monday_early = datetime(2026, 1, 11, 23, 30, tzinfo=UTC).timestamp()  # Mon 00:30 local
    record(store, MONDAY, protocol="honey", steps=2)  # Mon 5 Jan
    record(store, sunday_late, protocol="honey", steps=1)  # still the week of 5 Jan
    record(store, sunday_late + 60, protocol="acupressure", steps=3)
    record(store, monday_early, protocol="honey", steps=4)  # the week of 12 Jan
    assert store.minutes_per_week() == [
        ("2026-01-05", "acupressure", 3.0),
        ("2026-01-05", "honey", 3.0),
        ("2026-01-12", "honey", 4.0),
    ]
    assert store.minutes_per_week(Filter(protocol_id="acupressure")) == [("2026-01-05", "acupressure", 3.0)]


def test_pain_trend_and_sessions_per_protocol(store):
    record(store, MONDAY, pain=(8, 5))
    record(store, MONDAY + DAY, pain=(None, None))
    record(store, MONDAY + 2 * DAY, pain=(None, 4), person="Boris")
    record(store, MONDAY + 3 * DAY, protocol="acupressure", pain=(6, None))
    assert store.pain_trend() == [
        (MONDAY, 8, 5),
        (MONDAY + 2 * DAY, None, 4),
        (MONDAY + 3 * DAY, 6, None),
    ]
    assert store.pain_trend(Filter(person="Boris")) == [(MONDAY + 2 * DAY, None, 4)]
    assert store.sessions_per_protocol() == [("honey", "Honey", 3), ("acupressure", "Acupressure", 1)]
    assert store.sessions_per_protocol(Filter(person="Boris")) == [("honey", "Honey", 1)]


def test_week_totals_add_up_minutes_and_pain_per_week_and_protocol(store, utc_plus_one):
    record(store, MONDAY, pain=(8, 5))
    record(store, MONDAY + DAY, pain=(None, None), steps=3)
    record(store, MONDAY + 2 * DAY, pain=(None, 4))
    record(store, MONDAY + 3 * DAY, protocol="acupressure", pain=(6, None), steps=1)
    record(store, MONDAY + 7 * DAY, pain=(7, 7))
    totals = store.week_totals()
    assert [(w.monday.isoformat(), w.protocol_id) for w in totals] == [
        ("2026-01-05", "acupressure"),
        ("2026-01-05", "honey"),
        ("2026-01-12", "honey"),
    ]
    acu, honey, later = totals
    assert (acu.minutes, acu.pain_before_sum, acu.pain_before_count, acu.pain_after_count, acu.rated) == (
        1.0,
        6,
        1,
        0,
        1,
    )
    assert honey.minutes == 7.0  # 2 + 3 + 2 steps of a minute
    assert (honey.pain_before_sum, honey.pain_before_count) == (8, 1)
    assert (honey.pain_after_sum, honey.pain_after_count) == (9, 2)
    assert honey.rated == 2  # the session without ratings is not counted
    assert (later.pain_before_sum, later.pain_after_sum, later.rated) == (7, 7, 1)
    assert (acu.sessions, honey.sessions, later.sessions) == (1, 3, 1)
    weeks = store.sessions_per_week()
    assert [(m.isoformat(), n) for m, n in weeks] == [("2026-01-05", 4), ("2026-01-12", 1)]
    assert store.week_totals(Filter(protocol_id="acupressure")) == [acu]


def test_sessions_per_protocol_names_a_protocol_by_its_latest_title(store):
    record(store, MONDAY, protocol="honey")
    sid = record(store, MONDAY + DAY, protocol="honey")
    store.conn.execute("UPDATE sessions SET protocol_title = 'Honey massage (new)' WHERE id = ?", (sid,))
    store.conn.commit()
    assert store.sessions_per_protocol() == [("honey", "Honey massage (new)", 2)]


# ------------------------------------------------------------------ export and backup


def test_csv_export_round_trips_awkward_text(store, tmp_path):
    notes = 'sore, then "much" better\nsecond line; third, with comma'
    plain = record(store, MONDAY, notes=notes, pain=(7, 2))
    formula = record(store, MONDAY + DAY, notes='=HYPERLINK("http://x")', person="+Boris")
    empty = record(store, MONDAY + 2 * DAY)
    out = tmp_path / "history.csv"
    with open(out, "w", encoding="utf-8", newline="") as handle:
        assert export_csv(store, handle) == 3
    text = out.read_text(encoding="utf-8")
    assert text.startswith(CSV_HEADER)
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[: len(CSV_HEADER.split(","))] == CSV_HEADER.split(",")
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["session_id"] for r in rows] == [plain, formula, empty]
    first = rows[0]
    assert first["notes"] == notes
    assert (first["pain_before"], first["pain_after"]) == ("7", "2")
    assert first["started_at"] == "2026-01-05T09:00:00Z"
    assert first["ended_at"] == "2026-01-05T09:02:00Z"
    assert (first["status"], first["planned_seconds"], first["actual_seconds"]) == ("completed", "120", "120")
    assert (first["steps_done"], first["steps_total"], first["side"], first["stage"]) == ("2", "2", "left", "remission")
    # text a spreadsheet would run as a formula is kept as text
    assert rows[1]["notes"] == '\'=HYPERLINK("http://x")'
    assert rows[1]["person"] == "'+Boris"
    assert rows[2]["notes"] == "" and rows[2]["pain_before"] == ""
    buffer = io.StringIO()
    export_csv(store, buffer, Filter(person="Anna"))
    assert len(list(csv.reader(io.StringIO(buffer.getvalue())))) == 1 + 2


def test_backup_is_a_consistent_copy(store, tmp_path):
    sid = record(store, MONDAY)
    running = record(store, MONDAY + DAY, status="running")
    target = tmp_path / "backup.sqlite3"
    store.backup_to(target)
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = {r[0] for r in copy.execute("SELECT id FROM sessions")}
        assert ids == {sid, running}
        assert copy.execute("SELECT COUNT(*) FROM step_runs").fetchone()[0] == 4
    finally:
        copy.close()


# ------------------------------------------------------------------ damaged files


def _only_log_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_garbage_is_moved_aside_and_a_fresh_log_started(data_dir):
    garbage = b"this is not a database\x00\xff" * 100
    data_dir.database.write_bytes(garbage)
    store, report = open_store(data_dir.database)
    try:
        kept = report.moved_aside
        assert kept is not None and kept.parent == data_dir.database.parent
        assert kept.name.startswith("sessions.sqlite3.unreadable-20")
        assert kept.read_bytes() == garbage
        assert kept.name in report.message and str(kept.parent) in report.message
        assert "not a SQLite database" in report.message
        sid = record(store, MONDAY)
        assert store.session(sid).status == "completed"
    finally:
        store.close()


def test_a_truncated_log_is_moved_aside(data_dir):
    store, _ = open_store(data_dir.database)
    for i in range(30):
        record(store, MONDAY + i * 3600, notes="x" * 3000)
    store.close()
    whole = data_dir.database.read_bytes()
    assert len(whole) > 8 * 4096
    data_dir.database.write_bytes(whole[: len(whole) // 3])
    truncated = data_dir.database.read_bytes()
    store, report = open_store(data_dir.database)
    try:
        assert report.moved_aside is not None
        assert report.moved_aside.read_bytes() == truncated
        assert "damaged" in report.message
        assert store.count() == 0
        record(store, MONDAY)
        assert store.count() == 1
    finally:
        store.close()


def test_a_database_of_another_program_is_moved_aside(data_dir):
    other = sqlite3.connect(data_dir.database)
    other.execute("CREATE TABLE contacts (name TEXT)")
    other.execute("INSERT INTO contacts VALUES ('someone')")
    other.commit()
    other.close()
    original = data_dir.database.read_bytes()
    store, report = open_store(data_dir.database)
    try:
        assert report.moved_aside is not None
        assert "contacts" in report.message
        assert report.moved_aside.read_bytes() == original
        kept = sqlite3.connect(report.moved_aside)
        assert kept.execute("SELECT name FROM contacts").fetchall() == [("someone",)]
        kept.close()
        assert store.count() == 0
    finally:
        store.close()


def test_a_log_from_a_newer_version_is_refused_untouched(data_dir):
    newer = sqlite3.connect(data_dir.database)
    newer.execute("CREATE TABLE sessions (id TEXT PRIMARY KEY, future TEXT)")
    newer.execute("CREATE TABLE step_runs (session_id TEXT)")
    newer.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    newer.commit()
    newer.close()
    before = data_dir.database.read_bytes()
    files_before = _only_log_files(data_dir.root)
    with pytest.raises(StoreTooNew, match="newer version"):
        open_store(data_dir.database)
    assert data_dir.database.read_bytes() == before
    assert _only_log_files(data_dir.root) == files_before  # nothing moved aside or added
    check = sqlite3.connect(data_dir.database)
    assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    check.close()


def test_an_empty_file_becomes_a_log(data_dir):
    data_dir.database.write_bytes(b"")
    store, report = open_store(data_dir.database)
    try:
        assert report.moved_aside is None
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        store.close()


def test_version_1_log_gets_session_totals_on_upgrade(data_dir) -> None:  # noqa: ANN001
    """A log written before sessions kept their totals is upgraded with the right figures."""
    import sqlite3

    from massage_timer.core.log import schema

    conn = sqlite3.connect(data_dir.database, isolation_level=None)
    for statement in schema.statements(schema.MIGRATIONS[1]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version=1")
    conn.execute(
        "INSERT INTO sessions (id, protocol_id, protocol_title, person, started_ts, status, steps_total)"
        " VALUES ('s1', 'honey', 'Honey massage', 'Me', 1767603600, 'completed', 3)"
    )
    for seq, (index, planned, active, outcome) in enumerate(
        [(0, 120, 120.0, "completed"), (1, None, 95.5, "completed"), (1, None, 10.0, "skipped")], 1
    ):
        conn.execute(
            "INSERT INTO step_runs (session_id, seq, step_index, step_id, title, timed, planned,"
            " started_ts, active_seconds, outcome) VALUES ('s1', ?, ?, 'x', 'X', 1, ?, 1767603600, ?, ?)",
            (seq, index, planned, active, outcome),
        )
    conn.close()
    upgraded, _ = open_store(data_dir.database)
    try:
        assert upgraded.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        row = upgraded.session("s1")
        assert row is not None
        assert (row.planned_seconds, row.actual_seconds, row.steps_done) == (120, 225.5, 2)
        assert upgraded.minutes_per_week() == [("2026-01-05", "honey", 225.5 / 60)]
    finally:
        upgraded.close()


def test_ignored_presses_of_a_step_are_kept_in_the_log(store) -> None:
    sid = record(store, MONDAY, steps=1)
    run = step_run(2, MONDAY + 60)
    run.bounced = 3
    store.save_step(sid, run)
    assert [s.bounced for s in store.steps(sid)] == [0, 3]
