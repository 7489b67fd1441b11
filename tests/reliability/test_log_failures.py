"""Promise 3: the session log is never silently lost.

Each bad case gets a clear message naming the file, the original is kept
untouched or moved aside with a timestamp, and the app still runs (with a
fresh log, read-only, or without a log).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from reliability_helpers import FailingWrites, child_env, log_session, run_as_unprivileged

from massage_timer.app import open_log
from massage_timer.core.clock import FakeClock
from massage_timer.core.log import (
    SCHEMA_VERSION,
    SessionInfo,
    SessionRecorder,
    StoreReadOnly,
    StoreTooNew,
    StoreWriteError,
    open_store,
)
from massage_timer.core.paths import DataPaths
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.events import State
from massage_timer.core.session.plan import build_plan

ASIDE = re.compile(r"^sessions\.sqlite3\.unreadable-\d{8}-\d{6}(-\d+)?$")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_state(folder: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in folder.iterdir() if p.is_file()}


def make_log(paths: DataPaths, sessions: int = 2) -> None:
    store, _ = open_store(paths.database)
    for i in range(sessions):
        log_session(store, started=1_767_603_600.0 + i * 3600)
    store.close()


# ------------------------------------------------------------------ damaged files


def garbage(path: Path) -> None:
    path.write_bytes(b"\x00\xffnot a database at all" * 100)


def truncated(path: Path) -> None:
    store, _ = open_store(path)
    for i in range(40):
        log_session(store, started=1_767_603_600.0 + i, notes="x" * 2000)
    store.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('soup')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("damage", [garbage, truncated, foreign], ids=["garbage", "truncated", "foreign-tables"])
def test_a_damaged_log_is_moved_aside_with_a_timestamp_and_a_fresh_one_started(data_dir, damage) -> None:  # noqa: ANN001
    damage(data_dir.database)
    original = data_dir.database.read_bytes()
    store, notice, _ = open_log(data_dir)
    assert store is not None and not store.read_only
    try:
        aside = [p for p in data_dir.root.iterdir() if ASIDE.match(p.name)]
        assert len(aside) == 1, list(data_dir.root.iterdir())
        assert aside[0].read_bytes() == original  # kept byte for byte
        assert aside[0].name in notice and str(data_dir.root) in notice
        assert "new, empty log" in notice
        log_session(store)  # the fresh log works
        assert store.count() == 1
    finally:
        store.close()


def test_a_newer_schema_is_refused_and_left_byte_for_byte(data_dir) -> None:  # noqa: ANN001
    make_log(data_dir)
    conn = sqlite3.connect(data_dir.database)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    before = folder_state(data_dir.root)
    with pytest.raises(StoreTooNew) as info:
        open_store(data_dir.database)
    assert str(data_dir.database) in str(info.value) and "newer version" in str(info.value)
    store, notice, _ = open_log(data_dir)
    assert store is None and str(data_dir.database) in notice and "will not be saved" in notice
    assert folder_state(data_dir.root) == before


# ------------------------------------------------------------------ another program's lock

HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    if sys.argv[2] == "exclusive":
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("UPDATE sessions SET notes = notes")
    print("locked", flush=True)
    time.sleep(60)
    """
)


def hold_lock(database: Path, how: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(database), how], stdout=subprocess.PIPE, env=child_env())
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"locked\n"
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait()
    assert proc.stdout is not None
    proc.stdout.close()


def test_a_log_another_process_is_writing_opens_read_only(data_dir) -> None:  # noqa: ANN001
    make_log(data_dir)
    holder = hold_lock(data_dir.database, "transaction")
    try:
        t0 = time.monotonic()
        store, report = open_store(data_dir.database, busy_seconds=0.3)
        assert time.monotonic() - t0 < 5
        try:
            assert store.read_only
            assert "another program" in report.message and str(data_dir.database) in report.message
            assert store.count() == 2  # the history can still be seen
            with pytest.raises(StoreReadOnly):
                log_session(store)
        finally:
            store.close()
        assert not [p for p in data_dir.root.iterdir() if ASIDE.match(p.name)]  # nothing moved
    finally:
        stop(holder)
    store, report = open_store(data_dir.database)
    assert not store.read_only and store.count() == 2 and report.message == ""
    store.close()


def test_a_log_another_process_locked_exclusively_runs_the_app_without_a_log(data_dir, monkeypatch) -> None:  # noqa: ANN001
    make_log(data_dir)
    holder = hold_lock(data_dir.database, "exclusive")
    try:
        monkeypatch.setattr("massage_timer.core.log.opener.OPEN_BUSY_SECONDS", 0.3)
        store, notice, _ = open_log(data_dir)
        assert store is None
        assert str(data_dir.database) in notice and "another program" in notice
        assert "left untouched" in notice and "will not be saved" in notice
        assert not [p for p in data_dir.root.iterdir() if ASIDE.match(p.name)]
    finally:
        stop(holder)
    store, _ = open_store(data_dir.database)
    assert store.count() == 2
    store.close()


# ------------------------------------------------------------------ read-only folder

OPEN_AS_USER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from massage_timer.app import open_log
    from massage_timer.core.paths import DataPaths
    from massage_timer.core.log import StoreReadOnly
    from massage_timer.core.session.events import Outcome, StepRun
    paths = DataPaths(Path(sys.argv[1]))
    store, notice, interrupted = open_log(paths)
    out = {"notice": notice, "store": store is not None}
    if store is not None:
        out["read_only"] = store.read_only
        out["sessions"] = store.count()
        out["pragmas"] = [store.conn.execute("PRAGMA journal_mode").fetchone()[0],
                          store.conn.execute("PRAGMA synchronous").fetchone()[0]]
        try:
            store.update_session(store.session_ids()[0], notes="changed")
            out["write"] = "written"
        except StoreReadOnly as exc:
            out["write"] = str(exc)
    print(json.dumps(out))
    """
)


def read_only_data_dir(shared_tmp: Path, content: str) -> DataPaths:
    paths = DataPaths(shared_tmp / "data")
    paths.root.mkdir()
    if content == "log":
        make_log(paths)
    elif content == "garbage":
        garbage(paths.database)
    paths.root.chmod(0o555)
    for p in paths.root.iterdir():
        p.chmod(0o444 if p.is_file() else 0o555)
    return paths


def test_a_read_only_folder_opens_the_log_read_only_and_says_so(shared_tmp) -> None:  # noqa: ANN001
    paths = read_only_data_dir(shared_tmp, "log")
    before = folder_state(paths.root)
    out = run_as_unprivileged(OPEN_AS_USER, str(paths.root))
    assert out["store"] and out["read_only"], out
    assert out["sessions"] == 2
    # synchronous=FULL as everywhere; the journal mode of the file is WAL (header bytes 18-19
    # are 2), though a connection that may never write (immutable) reports "delete"
    assert out["pragmas"][1] == 2
    assert paths.database.read_bytes()[18:20] == b"\x02\x02"
    assert "read-only" in out["notice"] and str(paths.database) in out["notice"]
    assert "will not be saved" in out["notice"]
    assert "read-only" in out["write"] and str(paths.database) in out["write"]
    assert folder_state(paths.root) == before


def test_a_damaged_log_in_a_read_only_folder_is_left_untouched(shared_tmp) -> None:  # noqa: ANN001
    paths = read_only_data_dir(shared_tmp, "garbage")
    before = folder_state(paths.root)
    out = run_as_unprivileged(OPEN_AS_USER, str(paths.root))
    assert not out["store"]
    assert str(paths.database) in out["notice"] and "left untouched" in out["notice"]
    assert folder_state(paths.root) == before


def test_a_read_only_folder_without_a_log_says_it_cannot_be_created(shared_tmp) -> None:  # noqa: ANN001
    paths = read_only_data_dir(shared_tmp, "none")
    out = run_as_unprivileged(OPEN_AS_USER, str(paths.root))
    assert not out["store"]
    assert str(paths.root) in out["notice"] and "cannot be created" in out["notice"]
    assert list(paths.root.iterdir()) == []


def test_the_unprivileged_helper_really_cannot_write(shared_tmp) -> None:  # noqa: ANN001
    """Guards the tests above: as root they would prove nothing without dropping rights."""
    folder = shared_tmp / "ro"
    folder.mkdir(mode=0o555)
    out = run_as_unprivileged(
        "import json, os, sys; print(json.dumps({'w': os.access(sys.argv[1], os.W_OK)}))", str(folder)
    )
    assert out == {"w": False}


# ------------------------------------------------------------------ disk full


def test_a_real_full_disk_is_a_clear_store_error_and_loses_nothing(data_dir) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    earlier = log_session(store, notes="an earlier session")
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count={pages}")  # SQLite may not grow the file any more
    with pytest.raises(StoreWriteError) as full:
        for i in range(200):
            log_session(store, started=1_767_700_000.0 + i, notes="n" * 3000)
    assert "disk is full" in str(full.value) and str(data_dir.database) in str(full.value)
    assert store.session(earlier).notes == "an earlier session"
    store.close()
    store, report = open_store(data_dir.database)
    assert report.moved_aside is None
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.session(earlier) is not None
    store.close()


def test_a_full_disk_mid_session_keeps_the_session_running_and_what_was_saved(
    data_dir,
    make_protocol,
    monkeypatch,  # noqa: ANN001
) -> None:
    store, _ = open_store(data_dir.database)
    earlier = log_session(store, notes="an earlier session")
    disk = FailingWrites(store.conn)
    monkeypatch.setattr(store, "conn", disk)
    clock = FakeClock()
    protocol = make_protocol()
    plan = build_plan(protocol, side="left")
    engine = SessionEngine(plan, clock)
    told: list[str] = []
    recorder = SessionRecorder(
        store, engine, SessionInfo(protocol.id, protocol.title, "Anna", len(plan)), on_failure=told.append
    )
    engine.start()
    clock.advance(10)
    engine.poll()
    sid = recorder.session_id
    assert sid is not None and len(store.steps(sid)) == 1
    disk.full = True
    clock.advance(300)  # the first step ends and the next starts: neither can be written
    engine.poll()
    clock.advance(60)
    engine.poll()
    engine.pause()
    engine.resume()
    assert engine.state is State.RUNNING and engine.index >= 1  # the session goes on
    assert len(told) == 1, told  # told once, not at every transition
    assert str(data_dir.database) in told[0] and "disk is full" in told[0]
    assert recorder.unsaved and recorder.failed_writes >= 2
    # nothing already logged is lost
    assert store.session(earlier).notes == "an earlier session"
    assert [(s.seq, s.outcome) for s in store.steps(sid)] == [(1, "running")]
    # space comes back: the next transition writes everything that was pending
    disk.full = False
    engine.next()
    assert not recorder.unsaved and recorder.failure is None
    steps = store.steps(sid)
    assert [s.seq for s in steps] == list(range(1, len(engine.runs) + 1))
    assert steps[0].outcome == "completed"
    assert len(told) == 1
    monkeypatch.setattr(store, "conn", disk._real)
    store.close()


def test_a_log_that_is_never_writable_does_not_stop_the_session(data_dir, make_protocol, monkeypatch) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    disk = FailingWrites(store.conn)
    disk.full = True
    monkeypatch.setattr(store, "conn", disk)
    protocol = make_protocol()
    plan = build_plan(protocol, side="left")
    clock = FakeClock()
    engine = SessionEngine(plan, clock)
    told: list[str] = []
    recorder = SessionRecorder(store, engine, SessionInfo(protocol.id, protocol.title, "A", len(plan)), told.append)
    engine.start()
    for _ in range(10):
        clock.advance(60)
        engine.poll()
    engine.stop()
    assert engine.state is State.STOPPED
    assert recorder.session_id is None and recorder.unsaved
    assert len(told) == 1 and "disk is full" in told[0]
    monkeypatch.setattr(store, "conn", disk._real)
    assert store.count() == 0
    store.close()
