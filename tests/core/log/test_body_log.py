"""What the log keeps of steps that run on the body: the time on the body, the guidance pause,
snoozes and a passed maximum; and the upgrade of older logs (schema 3 to 4) that adds them."""

from __future__ import annotations

import sqlite3

import pytest

from massage_timer.core.clock import FakeClock
from massage_timer.core.log import SessionInfo, SessionRecorder, Store, open_store
from massage_timer.core.log import schema as schema_module
from massage_timer.core.log.schema import check_log, expected_columns
from massage_timer.core.protocols.reading import read_protocol
from massage_timer.core.resources import builtin_protocols_dir, resources_dir
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.events import Outcome, StepRun
from massage_timer.core.session.plan import build_plan

MINUTE = 60
NEW_COLUMNS = {
    "body_timer": ("INTEGER", 1, 0),
    "guidance_paused_seconds": ("REAL", 1, 0),
    "snoozes": ("INTEGER", 1, 0),
    "snoozed_seconds": ("REAL", 1, 0),
    "over_max": ("INTEGER", 1, 0),
}


def cupping_session(clock: FakeClock, store: Store, jars_minutes: int = 15) -> tuple[SessionEngine, str]:
    """Static cupping with its recorder, brought to the jars step (planned ``jars_minutes``)."""
    protocol = read_protocol(builtin_protocols_dir() / "cupping-static.toml", (resources_dir(),)).protocol
    plan = build_plan(protocol, durations={"cover-and-wait": jars_minutes * MINUTE})
    engine = SessionEngine(plan, clock)
    info = SessionInfo(protocol_id=protocol.id, protocol_title=protocol.title, person="Anna", steps_total=len(plan))
    recorder = SessionRecorder(store, engine, info)
    engine.start()
    clock.advance(3 * MINUTE)
    engine.poll()
    engine.next()  # the torch and the jars are ready
    assert engine.planned().step.id == "cover-and-wait"
    assert recorder.session_id is not None
    return engine, recorder.session_id


def jars_row(store: Store, sid: str):
    (row,) = [r for r in store.steps(sid) if r.step_id == "cover-and-wait"]
    return row


def test_the_issue_a_15_minute_pause_on_the_jars_is_logged_as_guidance_pause(fake_clock, store) -> None:
    engine, sid = cupping_session(fake_clock, store)
    engine.pause()
    assert jars_row(store, sid).body_timer is True  # written as the step started
    for _ in range(15 * MINUTE):
        fake_clock.advance(1)
        engine.poll()
    assert engine.state == "waiting"  # time is up at the planned time, paused or not
    engine.next()
    row = jars_row(store, sid)
    assert row.outcome == "completed"
    assert row.active_seconds == 15 * MINUTE  # the time on the body: planned, not planned minus the pause
    assert row.guidance_paused_seconds == 15 * MINUTE
    assert row.paused_seconds == 0.0
    assert row.ended_ts - row.started_ts == pytest.approx(15 * MINUTE, abs=1e-3)
    assert (row.snoozes, row.snoozed_seconds, row.over_max) == (0, 0.0, False)
    others = [r for r in store.steps(sid) if r.step_id != "cover-and-wait"]
    assert others and not any(r.body_timer for r in others)


def test_snoozes_and_a_passed_maximum_are_logged_as_they_happen(fake_clock, store) -> None:
    engine, sid = cupping_session(fake_clock, store, jars_minutes=10)
    fake_clock.advance(10 * MINUTE + 95)
    engine.poll()
    assert engine.snooze(5)
    row = jars_row(store, sid)
    assert (row.snoozes, row.snoozed_seconds) == (1, 300.0)  # saved at once, not at the end
    fake_clock.advance(5 * MINUTE + 5 * MINUTE)  # snooze over; 20:35 on the skin
    engine.poll()
    assert jars_row(store, sid).over_max is True  # saved when the warning came
    engine.next()
    row = jars_row(store, sid)
    assert (row.snoozes, row.snoozed_seconds, row.over_max) == (1, 300.0, True)
    assert row.active_seconds == pytest.approx(20 * MINUTE + 95)
    assert row.overrun_seconds == pytest.approx(10 * MINUTE + 95)


def test_the_new_fields_round_trip(store) -> None:
    info = SessionInfo(protocol_id="p", protocol_title="P", person="Me", steps_total=1)
    sid = store.begin_session(info, 1_767_603_600.0)
    run = StepRun(
        seq=1,
        index=0,
        step_id="jars",
        title="Jars",
        side=None,
        timed=True,
        planned=900,
        initial_planned=900,
        started_wall=1_767_603_600.0,
        ended_wall=1_767_604_800.0,
        active=1200.0,
        overrun=300.0,
        outcome=Outcome.COMPLETED,
        body_timer=True,
        guidance_paused=120.5,
        snoozes=2,
        snoozed=240.0,
        over_max=True,
    )
    store.save_step(sid, run)
    (row,) = store.steps(sid)
    assert (row.body_timer, row.guidance_paused_seconds, row.snoozes, row.snoozed_seconds, row.over_max) == (
        True,
        120.5,
        2,
        240.0,
        True,
    )
    assert isinstance(row.body_timer, bool) and isinstance(row.over_max, bool)


def test_schema_4_adds_the_columns_to_step_runs() -> None:
    assert schema_module.SCHEMA_VERSION >= 4
    v3, v4 = expected_columns(3)["step_runs"], expected_columns(4)["step_runs"]
    assert set(v4) - set(v3) == set(NEW_COLUMNS)
    assert {name: v4[name] for name in NEW_COLUMNS} == NEW_COLUMNS
    assert expected_columns(4)["sessions"] == expected_columns(3)["sessions"]


def _schema_3_log(path) -> None:  # noqa: ANN001
    conn = sqlite3.connect(path, isolation_level=None)
    for version in (1, 2, 3):
        for statement in schema_module.statements(schema_module.MIGRATIONS[version]):
            conn.execute(statement)
    conn.execute("PRAGMA user_version=3")
    conn.execute(
        "INSERT INTO sessions (id, protocol_id, protocol_title, person, started_ts, status, steps_total)"
        " VALUES ('s1', 'cupping-static', 'Placing jars', 'Me', 1767603600, 'completed', 1)"
    )
    conn.execute(
        "INSERT INTO step_runs (session_id, seq, step_index, step_id, title, timed, planned,"
        " started_ts, ended_ts, active_seconds, paused_seconds, outcome, bounced)"
        " VALUES ('s1', 1, 3, 'cover-and-wait', 'Cover', 1, 900, 1767603600, 1767604800, 900, 300, 'completed', 1)"
    )
    conn.close()


def test_a_schema_3_log_is_backed_up_then_upgraded(data_dir) -> None:  # noqa: ANN001
    _schema_3_log(data_dir.database)
    store, report = open_store(data_dir.database, backups=data_dir.backups)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema_module.SCHEMA_VERSION
        check_log(store.conn)  # the upgraded log has exactly the columns of the current schema
        (row,) = store.steps("s1")
        assert (row.active_seconds, row.paused_seconds, row.bounced) == (900.0, 300.0, 1)  # kept as it was
        assert (row.body_timer, row.guidance_paused_seconds, row.snoozes, row.snoozed_seconds, row.over_max) == (
            False,
            0.0,
            0,
            0.0,
            False,
        )
        assert report.backup is not None and report.backup.parent == data_dir.backups
        backup = sqlite3.connect(report.backup)
        try:
            assert backup.execute("PRAGMA user_version").fetchone()[0] == 3  # the log as it was
            columns = {r[1] for r in backup.execute("PRAGMA table_info(step_runs)")}
            assert "body_timer" not in columns
            assert backup.execute("SELECT step_id FROM step_runs").fetchone()[0] == "cover-and-wait"
        finally:
            backup.close()
    finally:
        store.close()


def test_a_schema_3_log_is_not_upgraded_without_its_backup(data_dir) -> None:  # noqa: ANN001
    from massage_timer.core.log import StoreError

    _schema_3_log(data_dir.database)
    blocked = data_dir.root / "blocked"
    blocked.write_text("a file where the backups folder should be")
    with pytest.raises(StoreError):
        open_store(data_dir.database, backups=blocked)
    conn = sqlite3.connect(data_dir.database)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
        assert "body_timer" not in {r[1] for r in conn.execute("PRAGMA table_info(step_runs)")}
    finally:
        conn.close()
