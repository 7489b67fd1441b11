"""Promise 3 on a full disk: the app starts and says so, history reads, and no session is lost.

Most tests use a real, small tmpfs filled to its last block (as root, where
``mount -t tmpfs`` works; skipped with the reason otherwise); the journal beside
the log is tested with SQLite's own ``max_page_count`` limit too, where the disk
itself still takes a small file. Every write path is tried on a full disk:
creating the log, the one-instance lock, a step, a session's end, a backup, and
``history --csv --output FILE``.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_helpers import RUNNING_AS_ROOT, FailingWrites, child_env, log_session

from massage_timer.app import open_log
from massage_timer.cli import main
from massage_timer.core.clock import FakeClock
from massage_timer.core.log import SessionInfo, SessionRecorder, Store, StoreReadOnly, make_backup, open_store
from massage_timer.core.paths import DataPaths
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.events import State
from massage_timer.core.session.plan import build_plan

MOUNT_SIZE = "3m"


class SmallDisk:
    """A mounted tmpfs that the test fills up and frees again."""

    def __init__(self, mount: Path) -> None:
        self.mount = mount
        self.filler = mount / "filler"
        self.paths = DataPaths(mount / "data")

    def fill(self) -> None:
        """Take every free block (a write then fails with ENOSPC)."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for size in (1 << 16, 4096, 512, 1):
                chunk = b"\0" * size
                try:
                    while True:
                        os.write(fd, chunk)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc
        finally:
            os.close(fd)
        with pytest.raises(OSError) as full:
            (self.mount / "probe").write_bytes(b"x" * 4096)
        assert full.value.errno == errno.ENOSPC
        (self.mount / "probe").unlink(missing_ok=True)

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)


def _mount_tmpfs(mount: Path) -> str:
    """Mount a small tmpfs at ``mount``; "" on success, else why it cannot be done here."""
    if not RUNNING_AS_ROOT:
        return "mounting a small tmpfs needs root"
    if shutil.which("mount") is None or shutil.which("umount") is None:
        return "mount/umount are not installed"
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={MOUNT_SIZE},mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    return "" if proc.returncode == 0 else f"mount -t tmpfs failed: {proc.stderr.strip() or proc.returncode}"


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A real small disk; always unmounted afterwards."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:8]}"
    mount.mkdir()
    why_not = _mount_tmpfs(mount)
    if why_not:
        pytest.skip(f"no real full disk here: {why_not}")
    try:
        yield SmallDisk(mount)
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)
        if os.path.ismount(mount):
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)
        assert not os.path.ismount(mount)


def make_log(paths: DataPaths, sessions: int = 3) -> list[str]:
    paths.ensure()
    store, _ = open_store(paths.database)
    try:
        return [log_session(store, started=1_767_603_600.0 + i * 3600) for i in range(sessions)]
    finally:
        store.close()


def checkpoint(store: Store) -> None:
    """Empty the -wal to 0 bytes, so that the next write must grow it (and so hits the full disk)."""
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def start_session(store: Store, make_protocol, clock: FakeClock, told: list[str], by: str = ""):  # noqa: ANN001, ANN201
    protocol = make_protocol()
    plan = build_plan(protocol, side="left")
    engine = SessionEngine(plan, clock)
    info = SessionInfo(protocol.id, protocol.title, "Anna", len(plan), performed_by=by)
    recorder = SessionRecorder(store, engine, info, told.append)
    engine.start()
    return engine, recorder


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and "SQLITE_" not in text and "errno" not in text.lower()


# ------------------------------------------------------------------ starting on a full disk


def test_creating_the_log_on_a_full_disk_says_so_and_leaves_nothing(disk) -> None:  # noqa: ANN001
    disk.paths.ensure()
    disk.fill()
    store, notice, _ = open_log(disk.paths)
    assert store is None
    assert str(disk.paths.database) in notice and "disk" in notice and "is full" in notice
    assert "Free some space" in notice and "will not be saved" in notice
    assert not os.path.lexists(disk.paths.database)  # no empty file left behind


def test_an_existing_log_on_a_full_disk_opens_read_only_and_is_not_taken_for_damage(disk) -> None:  # noqa: ANN001
    ids = make_log(disk.paths)
    disk.fill()
    store, notice, _ = open_log(disk.paths)
    try:
        assert store is not None and store.read_only
        assert sorted(store.session_ids()) == sorted(ids)  # history can be viewed
        assert str(disk.paths.database) in notice and "is full" in notice and "Free some space" in notice
        assert "could not be read" not in notice
        assert not [p for p in disk.paths.root.iterdir() if ".unreadable-" in p.name]
    finally:
        if store is not None:
            store.close()


def test_the_lock_cannot_be_made_on_a_full_disk_and_the_app_says_why_not_another_instance(disk, qapp) -> None:  # noqa: ANN001
    from massage_timer.ui.services.single_instance import SingleInstance

    disk.paths.ensure()
    disk.fill()
    instance = SingleInstance(disk.paths.root)
    try:
        assert instance.acquire()  # not "another instance has it"
        assert str(instance.lock_path) in instance.problem and "the disk is full" in instance.problem
        assert "running already" not in instance.problem
    finally:
        instance.release()
    assert not [p for p in disk.paths.root.iterdir() if "probe" in p.name]


@pytest.mark.slow
def test_the_app_starts_on_a_full_disk(disk) -> None:  # noqa: ANN001
    make_log(disk.paths)
    disk.fill()
    env = child_env()
    env["QT_QPA_PLATFORM"] = "offscreen"
    proc = subprocess.run(
        [sys.executable, "-m", "massage_timer", "--data-dir", str(disk.paths.root), "--exit-after-startup"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert [line.split()[0] for line in proc.stdout.splitlines()] == ["first-frame", "ready"]
    assert "running already" not in proc.stderr and "delete" not in proc.stderr
    assert "the disk is full" in proc.stderr and "massage-timer.lock" in proc.stderr
    no_traceback(proc.stderr)  # the app's own log file failing on a full disk says so in one line


# ------------------------------------------------------------------ writing a session on a full disk


def test_a_step_on_a_full_disk_waits_and_is_written_when_space_returns(disk, make_protocol) -> None:  # noqa: ANN001
    make_log(disk.paths, sessions=1)
    store, _ = open_store(disk.paths.database)
    clock, told = FakeClock(), []
    try:
        engine, recorder = start_session(store, make_protocol, clock, told)
        sid = recorder.session_id
        assert sid is not None
        checkpoint(store)
        disk.fill()
        clock.advance(300)  # the first step ends, the next starts: neither fits
        engine.poll()
        assert engine.state is not State.STOPPED and recorder.unsaved
        assert len(told) == 1 and "disk is full" in told[0] and str(disk.paths.database) in told[0]
        assert [s.outcome for s in store.steps(sid)] == ["running"]
        disk.free()
        clock.advance(30)
        engine.next()  # the next write takes everything that waited
        assert not recorder.unsaved
        assert [s.outcome for s in store.steps(sid)][:2] == ["completed", "skipped"]
    finally:
        store.close()


def test_a_session_that_ends_on_a_full_disk_gets_its_real_status_when_space_returns(disk, make_protocol, qapp) -> None:  # noqa: ANN001
    from massage_timer.ui.services.log_watch import LogWatch

    make_log(disk.paths, sessions=1)
    store, _ = open_store(disk.paths.database)
    clock, told = FakeClock(), []
    try:
        watch = LogWatch(store, disk.paths.backups)
        engine, recorder = start_session(store, make_protocol, clock, told)
        sid = recorder.session_id
        checkpoint(store)
        disk.fill()
        clock.advance(100)
        engine.stop()  # the end cannot be written; nothing comes after it to retry
        assert engine.state is State.STOPPED and recorder.unsaved
        assert store.session(sid).status == "running"
        assert not (disk.paths.root / "sessions.sqlite3.pending").exists()  # not even a small file fits
        watch.update_retries()  # what the window does when the session says a write failed
        assert not watch.retry_now()  # still full: it keeps waiting
        disk.free()
        assert watch.retry_now()
        row = store.session(sid)
        assert (row.status, row.ended_ts) == ("stopped", engine.ended_wall)
        assert [(s.outcome, s.active_seconds) for s in store.steps(sid)] == [("stopped", 100.0)]
        assert not store.pending
    finally:
        store.close()
    store, report = open_store(disk.paths.database)  # and the next start does not call it interrupted
    try:
        assert sid not in report.interrupted and store.session(sid).status == "stopped"
    finally:
        store.close()


def test_a_log_opened_read_only_on_a_full_disk_takes_the_session_once_space_returns(disk, make_protocol, qapp) -> None:  # noqa: ANN001
    from massage_timer.ui.services.log_watch import LogWatch

    make_log(disk.paths, sessions=1)
    disk.fill()
    store, report = open_store(disk.paths.database)
    clock, told = FakeClock(), []
    try:
        assert store.read_only and report.disk_full
        watch = LogWatch(store, disk.paths.backups)
        engine, recorder = start_session(store, make_protocol, clock, told)
        for _ in range(3):
            clock.advance(300)
            engine.poll()
        engine.next()
        engine.stop()
        assert recorder.unsaved and "read-only" in told[0]
        assert not watch.retry_now()
        disk.free()
        assert watch.retry_now()
        assert not store.read_only
        row = store.session(recorder.session_id)
        assert row is not None and row.status in ("completed", "stopped") and store.count() == 2
    finally:
        store.close()


def test_a_backup_on_a_full_disk_is_a_clear_message_and_leaves_no_partial_file(disk) -> None:  # noqa: ANN001
    from massage_timer.core.log import StoreError, backup_failure_message, restore_backup

    make_log(disk.paths)
    store, _ = open_store(disk.paths.database)
    try:
        first = make_backup(store, disk.paths.backups)
        disk.fill()
        with pytest.raises((OSError, sqlite3.Error)) as failed:
            make_backup(store, disk.paths.backups)
        text = backup_failure_message(disk.paths.backups, failed.value)
        assert str(disk.paths.backups) in text and "disk is full" in text and "Free some space" in text
        no_traceback(text)
        assert [p.name for p in disk.paths.backups.iterdir()] == [first.name]
        with pytest.raises(StoreError) as restore:
            restore_backup(disk.paths, first, store=store)
        assert "disk is full" in str(restore.value) and "nothing was restored" in str(restore.value)
        assert store.count() == 3
    finally:
        store.close()


# ------------------------------------------------------------------ history on a full disk


def test_history_reads_and_exports_a_log_on_a_full_disk(disk, capsys) -> None:  # noqa: ANN001
    ids = make_log(disk.paths)
    disk.fill()
    code = main(["--data-dir", str(disk.paths.root), "history", "--json"])
    out, err = capsys.readouterr()
    no_traceback(err)
    assert code == 0 and sorted(s["session_id"] for s in json.loads(out)) == sorted(ids)
    ro, _ = open_store(disk.paths.database, read_only=True)
    try:
        assert ro.read_only and ro.count() == 3 and "immutable=1" in (ro.reader_uri or "")
        with pytest.raises(StoreReadOnly):
            log_session(ro)
    finally:
        ro.close()


def test_history_csv_output_onto_a_full_disk_names_the_file_and_exits_1(disk, capsys, tmp_path) -> None:  # noqa: ANN001
    ids = make_log(disk.paths)
    disk.fill()
    target = disk.mount / "export.csv"
    code = main(["--data-dir", str(disk.paths.root), "history", "--csv", "--output", str(target)])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert str(target) in err and "disk is full" in err
    no_traceback(err)
    assert not target.exists() and not [p for p in disk.mount.iterdir() if p.name.startswith(".")]
    # the same log exports fine to a disk with space
    elsewhere = tmp_path / "export.csv"
    assert main(["--data-dir", str(disk.paths.root), "history", "--csv", "--output", str(elsewhere)]) == 0
    assert all(sid in elsewhere.read_text(encoding="utf-8") for sid in ids)


# ------------------------------------------------------------------ the journal beside the log


def test_max_page_count_gives_a_real_sqlite_full_that_loses_nothing(data_dir, make_protocol) -> None:  # noqa: ANN001
    """SQLite's own limit: the log cannot grow, so new sessions and their steps wait in the journal."""
    store, _ = open_store(data_dir.database)
    earlier = log_session(store, notes="an earlier session")
    clock, told = FakeClock(), []
    try:
        checkpoint(store)
        store.conn.execute(f"PRAGMA max_page_count={store.conn.execute('PRAGMA page_count').fetchone()[0]}")
        recorders = []
        for _ in range(40):  # new sessions, with long rows, until the pages are used up
            engine, recorder = start_session(store, make_protocol, clock, told, by="x" * 3000)
            clock.advance(300)
            engine.poll()
            engine.stop()
            recorders.append(recorder)
            if told:
                break
        assert told and "disk is full" in told[0] and str(data_dir.database) in told[0]
        assert store.pending and (data_dir.root / "sessions.sqlite3.pending").exists()
        assert store.session(earlier).notes == "an earlier session"
    finally:
        store.close()
    store, report = open_store(data_dir.database)  # the next start, without the limit
    try:
        assert report.pending_saved >= 1 and not (data_dir.root / "sessions.sqlite3.pending").exists()
        for recorder in recorders:
            row = store.session(recorder._id)
            assert row is not None and row.status == "stopped", recorder._id
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        store.close()


def run_until_full(data_dir: DataPaths, make_protocol, *, end: bool):  # noqa: ANN001, ANN201
    """A session whose writes start failing after its first step began; the process then ends (closes)."""
    store, _ = open_store(data_dir.database)
    disk = FailingWrites(store.conn)
    store.conn = disk  # type: ignore[assignment]
    clock, told = FakeClock(), []
    engine, recorder = start_session(store, make_protocol, clock, told)
    sid = recorder.session_id
    assert sid is not None
    disk.full = True
    clock.advance(300)
    engine.poll()  # the first step ends, the second starts: not written
    clock.advance(50)
    if end:
        engine.stop()  # the end is not written either
    assert recorder.unsaved and store.session(sid).status == "running"
    store.conn = disk._real
    store.close()
    return sid, engine, told


def test_writes_that_wait_are_kept_beside_the_log_and_replayed_at_the_next_start(data_dir, make_protocol) -> None:  # noqa: ANN001
    sid, engine, told = run_until_full(data_dir, make_protocol, end=True)
    pending = data_dir.root / "sessions.sqlite3.pending"
    assert "disk is full" in told[0]
    assert pending.exists() and (pending.stat().st_mode & 0o777) == 0o600
    records = [json.loads(line) for line in pending.read_text(encoding="utf-8").splitlines()]
    assert [r["op"] for r in records] == ["session", "step", "step", "end"] and {r["session"] for r in records} == {sid}
    saved = pending.read_bytes()
    store, report = open_store(data_dir.database)
    try:
        assert report.pending_saved == 1 and "now saved" in report.message
        assert sid not in report.interrupted
        row = store.session(sid)
        assert (row.status, row.ended_ts) == ("stopped", engine.ended_wall)  # its real end, not "interrupted"
        assert [(s.outcome, s.active_seconds) for s in store.steps(sid)] == [("completed", 300.0), ("stopped", 50.0)]
        assert not pending.exists()
        before = [tuple(s) for s in store.conn.execute("SELECT * FROM step_runs ORDER BY session_id, seq")]
        session_before = tuple(store.conn.execute("SELECT * FROM sessions").fetchone())
    finally:
        store.close()
    pending.write_bytes(saved)  # replayed twice (a crash right after the first): nothing changes
    store, report = open_store(data_dir.database)
    try:
        after = [tuple(s) for s in store.conn.execute("SELECT * FROM step_runs ORDER BY session_id, seq")]
        assert after == before and store.count() == 1
        assert tuple(store.conn.execute("SELECT * FROM sessions").fetchone()) == session_before
        assert not pending.exists()
    finally:
        store.close()


def test_a_session_of_a_process_that_died_with_writes_waiting_is_marked_interrupted(data_dir, make_protocol) -> None:  # noqa: ANN001
    sid, _engine, _told = run_until_full(data_dir, make_protocol, end=False)  # killed mid-session
    store, report = open_store(data_dir.database)
    try:
        assert report.pending_saved == 1
        row = store.session(sid)
        assert row.status == "interrupted" and not row.reviewed
        assert [s.outcome for s in store.steps(sid)] == ["completed", "interrupted"]  # what waited is there
    finally:
        store.close()


def test_a_journal_that_cannot_be_read_is_kept_aside_and_said(data_dir) -> None:  # noqa: ANN001
    make_log(data_dir, sessions=1)
    pending = data_dir.root / "sessions.sqlite3.pending"
    pending.write_text("{not json\n", encoding="utf-8")
    store, report = open_store(data_dir.database)
    try:
        assert store.count() == 1 and str(pending) in report.message
        assert (data_dir.root / "sessions.sqlite3.pending.unreadable").read_text(encoding="utf-8") == "{not json\n"
    finally:
        store.close()


def test_quitting_with_writes_only_in_memory_asks_first_and_saves_once_there_is_space(  # noqa: ANN001
    disk,  # noqa: ANN001
    make_protocol,  # noqa: ANN001
    qtbot,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from massage_timer.core.protocols.library import load_library
    from massage_timer.ui.main_window import MainWindow
    from massage_timer.ui.settings import Settings

    make_log(disk.paths, sessions=1)
    store, _ = open_store(disk.paths.database)
    clock, told = FakeClock(), []
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: asked.append(text) or QMessageBox.No)
    window = MainWindow(disk.paths, Settings(disk.mount / "settings.ini"), store, load_library(None))
    qtbot.addWidget(window)
    window.show()
    try:
        engine, recorder = start_session(store, make_protocol, clock, told)
        checkpoint(store)
        disk.fill()
        clock.advance(300)
        engine.poll()
        engine.stop()
        window.log_write_waits()  # what the session page's failure signal does
        assert recorder.unsaved and not store.pending.kept_on_disk
        assert not window.close()  # asked, and "No": the window stays
        assert len(asked) == 1 and "lost" in asked[0] and str(disk.paths.database) in asked[0]
        disk.free()
        assert window.close()  # it tries once more before asking: everything is written now
        assert len(asked) == 1 and not recorder.unsaved
        assert store.session(recorder.session_id).status == "stopped"
    finally:
        if window.log_watch is not None:
            window.log_watch.stop()
        store.close()


def test_writes_that_wait_from_an_earlier_run_survive_a_read_only_start(data_dir, make_protocol) -> None:  # noqa: ANN001
    import test_log_failures as failures  # its helper that holds a write lock from another process

    earlier, _engine, _told = run_until_full(data_dir, make_protocol, end=True)
    holder = failures.hold_lock(data_dir.database, "transaction")
    try:
        store, report = open_store(data_dir.database, busy_seconds=0.3)
        try:
            assert store.read_only and "another program" in report.message
            assert store.pending.has(earlier)  # loaded, not written, not dropped
            clock, told = FakeClock(), []
            engine, recorder = start_session(store, make_protocol, clock, told)
            clock.advance(300)
            engine.poll()
            engine.stop()
            assert recorder.unsaved and "read-only" in told[0]
            ids = {json.loads(line)["session"] for line in store.pending.file.read_text(encoding="utf-8").splitlines()}
            assert ids == {earlier, recorder._id}  # the file beside the log keeps both
        finally:
            store.close()
    finally:
        failures.stop(holder)
    store, report = open_store(data_dir.database)
    try:
        assert report.pending_saved == 2
        assert store.session(earlier).status == "stopped" and store.session(recorder._id).status == "stopped"
    finally:
        store.close()
