"""What the log keeps of items placed one by one (the jars of static cupping): one row per jar,
written as it is placed and removed; and the upgrade of older logs (schema 4 to 5) that adds them."""

from __future__ import annotations

import sqlite3

import pytest

from massage_timer.core.clock import FakeClock
from massage_timer.core.log import ItemRow, SessionInfo, SessionRecorder, Store, open_store
from massage_timer.core.log import schema as schema_module
from massage_timer.core.log.errors import LogShapeError
from massage_timer.core.log.pending import PendingWrites, pending_path
from massage_timer.core.log.schema import check_log, expected_columns
from massage_timer.core.protocols.reading import read_protocol
from massage_timer.core.resources import builtin_protocols_dir, resources_dir
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.events import Event, ItemPlaced, ItemRun, Outcome, StepRun
from massage_timer.core.session.plan import build_plan

MINUTE = 60
START = 1_767_603_600.0
"""The fake clock's wall time when each test begins."""
JARS_SEQ = 3
"""The step run of cupping-static's "cover-and-wait" (after the warm-up and the torch)."""
PLACED = {1: 180.0, 2: 240.0, 3: 300.0, 4: 360.0}
"""When each jar went on, in seconds from the start."""


def on_the_jars(clock: FakeClock, store: Store) -> tuple[SessionEngine, SessionRecorder]:
    """Static cupping with its recorder, brought to the jars step at 03:00 (no jar on yet)."""
    protocol = read_protocol(builtin_protocols_dir() / "cupping-static.toml", (resources_dir(),)).protocol
    plan = build_plan(protocol)
    engine = SessionEngine(plan, clock)
    info = SessionInfo(protocol_id=protocol.id, protocol_title=protocol.title, person="Anna", steps_total=len(plan))
    recorder = SessionRecorder(store, engine, info)
    engine.start()
    clock.advance(3 * MINUTE)
    engine.poll()
    engine.next()  # the torch and the jars are ready
    assert engine.planned().step.id == "cover-and-wait" and engine.runs[-1].seq == JARS_SEQ
    return engine, recorder


def place_four(clock: FakeClock, engine: SessionEngine) -> None:
    for n in range(1, 5):
        assert engine.place_item() == n
        if n < 4:
            clock.advance(MINUTE)
            engine.poll()


def run_until(clock: FakeClock, engine: SessionEngine, seconds_from_start: float) -> None:
    while clock.wall() - START < seconds_from_start - 1e-9:
        clock.advance(min(1.0, seconds_from_start - (clock.wall() - START)))
        engine.poll()


def test_four_jars_are_logged_each_with_its_own_time_on_the_body(fake_clock, store) -> None:
    engine, recorder = on_the_jars(fake_clock, store)
    place_four(fake_clock, engine)
    overdue = {1: 20.0, 2: 45.0, 3: 5.0, 4: 70.0}
    for n in range(1, 5):
        run_until(fake_clock, engine, PLACED[n] + 15 * MINUTE + overdue[n])
        assert engine.remove_item() == n
    sid = recorder.session_id
    assert sid is not None
    assert store.items(sid) == [
        ItemRow(
            seq=JARS_SEQ,
            n=n,
            placed_ts=pytest.approx(START + PLACED[n]),
            removed_ts=pytest.approx(START + PLACED[n] + 900 + overdue[n]),
            planned_seconds=900,
            on_seconds=pytest.approx(900 + overdue[n]),
            overdue_seconds=pytest.approx(overdue[n]),
            past_max=False,
        )
        for n in range(1, 5)
    ]
    (jars,) = [r for r in store.steps(sid) if r.step_id == "cover-and-wait"]
    assert jars.outcome == "completed" and jars.body_timer
    assert jars.ended_ts == pytest.approx(START + PLACED[4] + 900 + overdue[4])  # ended as the last jar came off


def test_a_jar_placed_is_in_the_log_before_the_next_event(fake_clock, store) -> None:
    engine, recorder = on_the_jars(fake_clock, store)
    seen: list[list[ItemRow]] = []

    def look(event: Event) -> None:  # hears each event after the recorder
        if isinstance(event, ItemPlaced):
            reader = store.reader()  # its own connection: sees only what is committed
            try:
                seen.append(reader.items(recorder.session_id or ""))
            finally:
                reader.close()

    engine.subscribe(look)
    engine.place_item()
    fake_clock.advance(MINUTE)
    engine.place_item()
    assert [[(r.n, r.removed_ts, r.on_seconds) for r in rows] for rows in seen] == [
        [(1, None, 0.0)],
        [(1, None, 0.0), (2, None, 0.0)],
    ]


def test_an_adjusted_time_and_a_passed_maximum_are_logged_as_they_happen(fake_clock, store) -> None:
    engine, recorder = on_the_jars(fake_clock, store)
    sid = recorder.session_id
    assert sid is not None
    place_four(fake_clock, engine)
    assert engine.adjust_item(2, 5 * MINUTE) == 5 * MINUTE
    assert [r.planned_seconds for r in store.items(sid)] == [900, 1200, 900, 900]  # saved at once
    run_until(fake_clock, engine, PLACED[1] + 20 * MINUTE + 1)  # jar 1 has passed the article's 20 minutes
    assert [r.past_max for r in store.items(sid)] == [True, False, False, False]
    engine.remove_item(1)
    row = store.items(sid)[0]
    assert (row.on_seconds, row.overdue_seconds, row.past_max) == (pytest.approx(1201.0), pytest.approx(301.0), True)


def test_a_session_stopped_with_jars_on_logs_them_off_at_the_stop(fake_clock, store) -> None:
    engine, recorder = on_the_jars(fake_clock, store)
    place_four(fake_clock, engine)
    fake_clock.advance(2 * MINUTE)
    engine.stop()
    sid = recorder.session_id
    assert sid is not None
    assert [(r.removed_ts, r.on_seconds) for r in store.items(sid)] == [
        (pytest.approx(START + 8 * MINUTE), pytest.approx(8 * MINUTE - PLACED[n])) for n in range(1, 5)
    ]


def test_deleting_a_session_deletes_its_items(fake_clock, store) -> None:
    engine, recorder = on_the_jars(fake_clock, store)
    place_four(fake_clock, engine)
    engine.stop()
    sid = recorder.session_id
    assert sid is not None and len(store.items(sid)) == 4
    store.delete_session(sid)
    assert store.items(sid) == []
    assert store.conn.execute("SELECT COUNT(*) FROM step_items").fetchone()[0] == 0


def test_items_the_log_cannot_take_wait_in_the_journal_and_come_in_later(fake_clock, store) -> None:
    engine, recorder = on_the_jars(fake_clock, store)
    sid = recorder.session_id
    assert sid is not None
    store.read_only = True  # the log refuses writes for a while
    engine.place_item()
    fake_clock.advance(MINUTE)
    engine.place_item()
    assert recorder.unsaved and store.items(sid) == []
    # The journal beside the log holds them: what a crash now would leave for the next start.
    journal = PendingWrites.load(pending_path(store.path))
    store.read_only = False
    journal.write_to(store)
    assert [(r.seq, r.n, r.placed_ts) for r in store.items(sid)] == [
        (JARS_SEQ, 1, pytest.approx(START + 180)),
        (JARS_SEQ, 2, pytest.approx(START + 240)),
    ]
    assert recorder.flush() and not recorder.unsaved


def test_the_item_fields_round_trip(store) -> None:
    info = SessionInfo(protocol_id="p", protocol_title="P", person="Me", steps_total=1)
    sid = store.begin_session(info, START)
    run = StepRun(
        seq=1,
        index=0,
        step_id="jars",
        title="Jars",
        side=None,
        timed=True,
        planned=900,
        initial_planned=900,
        started_wall=START,
        ended_wall=START + 1500,
        outcome=Outcome.COMPLETED,
        body_timer=True,
        items=[
            ItemRun(1, START + 10, 900, START + 1230, 1220.0, 320.0, True),
            ItemRun(2, START + 70, 600, None),
        ],
    )
    store.save_step(sid, run)
    assert store.items(sid) == [
        ItemRow(1, 1, START + 10, START + 1230, 900, 1220.0, 320.0, True),
        ItemRow(1, 2, START + 70, None, 600, 0.0, 0.0, False),
    ]
    assert isinstance(store.items(sid)[0].past_max, bool)
    # From the journal, items come back as plain mappings.
    again = StepRun(**{**run.__dict__, "items": [{"n": 3, "placed_wall": START, "planned": 900}]})
    assert again.items == [ItemRun(3, START, 900)]
    with pytest.raises(TypeError):
        StepRun(**{**run.__dict__, "items": [{"n": 3, "placed_wall": START, "planned": 900, "colour": "red"}]})


# ------------------------------------------------------------------ schema 5


ITEM_COLUMNS = {
    "session_id": ("TEXT", 1, 1),
    "seq": ("INTEGER", 1, 2),
    "n": ("INTEGER", 1, 3),
    "placed_ts": ("REAL", 1, 0),
    "removed_ts": ("REAL", 0, 0),
    "planned_seconds": ("INTEGER", 1, 0),
    "on_seconds": ("REAL", 1, 0),
    "overdue_seconds": ("REAL", 1, 0),
    "past_max": ("INTEGER", 1, 0),
}


def test_schema_5_adds_the_step_items_table() -> None:
    assert schema_module.SCHEMA_VERSION >= 5
    assert "step_items" not in expected_columns(4)
    assert expected_columns(5)["step_items"] == ITEM_COLUMNS
    assert expected_columns(5)["step_runs"] == expected_columns(4)["step_runs"]
    assert expected_columns(5)["sessions"] == expected_columns(4)["sessions"]


def _schema_4_log(path) -> None:  # noqa: ANN001
    conn = sqlite3.connect(path, isolation_level=None)
    for version in (1, 2, 3, 4):
        for statement in schema_module.statements(schema_module.MIGRATIONS[version]):
            conn.execute(statement)
    conn.execute("PRAGMA user_version=4")
    conn.execute(
        "INSERT INTO sessions (id, protocol_id, protocol_title, person, started_ts, status, steps_total)"
        " VALUES ('s1', 'cupping-static', 'Placing jars', 'Me', 1767603600, 'completed', 1)"
    )
    conn.execute(
        "INSERT INTO step_runs (session_id, seq, step_index, step_id, title, timed, planned,"
        " started_ts, ended_ts, active_seconds, outcome, body_timer)"
        " VALUES ('s1', 1, 3, 'cover-and-wait', 'Cover', 1, 900, 1767603600, 1767604500, 900, 'completed', 1)"
    )
    conn.close()


def test_a_schema_4_log_is_backed_up_then_upgraded(data_dir) -> None:  # noqa: ANN001
    _schema_4_log(data_dir.database)
    store, report = open_store(data_dir.database, backups=data_dir.backups)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema_module.SCHEMA_VERSION
        check_log(store.conn)
        assert store.items("s1") == []
        (row,) = store.steps("s1")
        assert (row.step_id, row.active_seconds, row.body_timer) == ("cover-and-wait", 900.0, True)  # kept
        assert report.backup is not None and report.backup.parent == data_dir.backups
        backup = sqlite3.connect(report.backup)
        try:
            assert backup.execute("PRAGMA user_version").fetchone()[0] == 4  # the log as it was
            tables = {r[0] for r in backup.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            assert "step_items" not in tables and "step_runs" in tables
        finally:
            backup.close()
    finally:
        store.close()


def test_a_schema_5_log_without_its_items_table_is_not_a_whole_log(store) -> None:
    check_log(store.conn)
    store.conn.execute("DROP TABLE step_items")
    with pytest.raises(LogShapeError, match=r"missing \(step_items\)"):
        check_log(store.conn)


def test_an_item_belongs_to_a_step_run(store) -> None:
    info = SessionInfo(protocol_id="p", protocol_title="P", person="Me", steps_total=1)
    sid = store.begin_session(info, START)
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute(
            "INSERT INTO step_items (session_id, seq, n, placed_ts, planned_seconds) VALUES (?, 9, 1, 0, 900)",
            (sid,),
        )
