"""Promise 3, odd files at the log's path: each is told apart, named in a message, and kept as it is.

An empty file or a log whose ``-wal`` was lost is a log with no sessions yet; a
symbolic link, a loop or a FIFO is refused before SQLite touches it (and nothing
hangs); a database with our table names but other columns is refused with its
bytes untouched; a damaged index, which ``quick_check`` misses, is found by the
full check in the background and offered a restore from the newest whole backup.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from reliability_helpers import child_env, log_session

from massage_timer.app import open_log
from massage_timer.cli import main
from massage_timer.core.clock import FakeClock
from massage_timer.core.log import StoreError, list_backups, make_backup, open_store
from massage_timer.core.paths import DataPaths

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symbolic links and FIFOs as POSIX has them")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def history(capsys, *argv: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = main(["history", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


CSV_START = "session_id,started_at,ended_at,person"


# ------------------------------------------------------------------ empty logs


def lost_wal(paths: DataPaths) -> None:
    """A log whose tables were only in its -wal, and the -wal is gone (copied without it)."""
    elsewhere = paths.root / "elsewhere"
    elsewhere.mkdir()
    store, _ = open_store(elsewhere / "sessions.sqlite3")
    shutil.copyfile(elsewhere / "sessions.sqlite3", paths.database)  # only the main file, no -wal
    store.close()
    shutil.rmtree(elsewhere)


def empty_file(paths: DataPaths) -> None:
    paths.database.touch(mode=0o600)  # a first start killed before SQLite wrote anything


@pytest.mark.parametrize("make", [empty_file, lost_wal], ids=["empty-file", "lost-wal"])
def test_history_reads_a_log_with_no_tables_as_no_sessions(capsys, data_dir, make) -> None:  # noqa: ANN001
    make(data_dir)
    before = digest(data_dir.database)
    code, out, err = history(capsys)
    assert (code, out) == (0, "")
    assert str(data_dir.database) in err and "no sessions yet" in err
    assert history(capsys, "--json")[:2] == (0, "[]\n")
    code, out, _ = history(capsys, "--csv")
    assert code == 0 and out.lstrip("\ufeff").startswith(CSV_START) and len(out.splitlines()) == 1
    assert digest(data_dir.database) == before  # looking changes nothing


@pytest.mark.parametrize("make", [empty_file, lost_wal], ids=["empty-file", "lost-wal"])
def test_the_app_takes_a_log_with_no_tables_as_a_new_log(data_dir, make) -> None:  # noqa: ANN001
    make(data_dir)
    store, notice, _ = open_log(data_dir)
    assert store is not None and not store.read_only and notice == ""
    try:
        log_session(store)
        assert store.count() == 1
    finally:
        store.close()
    assert not [p for p in data_dir.root.iterdir() if ".unreadable-" in p.name]  # not taken for damage


# ------------------------------------------------------------------ links and FIFOs


def dangling(paths: DataPaths) -> Path:
    target = paths.root / "gone" / "sessions.sqlite3"
    paths.database.symlink_to(target)
    return target


def loop(paths: DataPaths) -> Path:
    other = paths.root / "other.sqlite3"
    paths.database.symlink_to(other)
    other.symlink_to(paths.database)
    return other


def fifo(paths: DataPaths) -> Path:
    os.mkfifo(paths.database, 0o600)
    return paths.database


ODD = [dangling, loop, fifo]
ODD_IDS = ["dangling-link", "link-loop", "fifo"]

OPEN_IN_CHILD = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from massage_timer.app import open_log
    from massage_timer.core.paths import DataPaths
    store, notice, _ = open_log(DataPaths(Path(sys.argv[1])))
    print(json.dumps({"store": store is not None, "notice": notice}))
    """
)


def run_child(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """A real process: a FIFO would block this one for good if anything opened it."""
    env = child_env()
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True, timeout=timeout, env=env)


@pytest.mark.parametrize("make", ODD, ids=ODD_IDS)
def test_history_refuses_a_link_or_fifo_at_once_and_names_it(data_dir, make) -> None:  # noqa: ANN001
    make(data_dir)
    proc = run_child("-m", "massage_timer", "--data-dir", str(data_dir.root), "history", "--csv", timeout=30)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert str(data_dir.database) in proc.stderr and "no session log yet" not in proc.stderr
    assert ("symbolic link" if make is not fifo else "named pipe") in proc.stderr
    assert "Nothing was changed" in proc.stderr


@pytest.mark.parametrize("make", ODD, ids=ODD_IDS)
def test_the_app_opens_without_a_log_and_says_why(data_dir, make) -> None:  # noqa: ANN001
    other = make(data_dir)
    proc = run_child("-c", OPEN_IN_CHILD, str(data_dir.root), timeout=30)
    assert proc.returncode == 0, proc.stderr
    import json

    out = json.loads(proc.stdout.splitlines()[-1])
    assert out["store"] is False
    assert str(data_dir.database) in out["notice"] and "will not be saved" in out["notice"]
    assert ("symbolic link" if make is not fifo else "named pipe") in out["notice"]
    # nothing was followed or created: the link still points where it did, at nothing of ours
    if make is dangling:
        assert data_dir.database.is_symlink() and not other.exists() and not other.parent.exists()
    if make is fifo:
        import stat

        assert stat.S_ISFIFO(os.lstat(data_dir.database).st_mode)


@pytest.mark.slow
@pytest.mark.parametrize("make", ODD, ids=ODD_IDS)
def test_the_app_starts_and_exits_after_startup(data_dir, make) -> None:  # noqa: ANN001
    """Start-up used to raise inside the first-frame handler: the window stayed up and never quit."""
    make(data_dir)
    proc = run_child("-m", "massage_timer", "--data-dir", str(data_dir.root), "--exit-after-startup", timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert [line.split()[0] for line in proc.stdout.splitlines()] == ["first-frame", "ready"]
    assert "Traceback" not in proc.stderr


def test_a_backup_that_is_a_link_or_fifo_is_listed_as_unreadable_without_blocking(data_dir) -> None:  # noqa: ANN001
    data_dir.backups.mkdir(mode=0o700)
    os.mkfifo(data_dir.backups / "sessions-20260101-090000.sqlite3")
    (data_dir.backups / "sessions-20260102-090000.sqlite3").symlink_to("/nowhere")
    result: list = []
    worker = threading.Thread(target=lambda: result.append(list_backups(data_dir.backups)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "listing the backups blocked on a FIFO"
    (listed,) = result
    assert [b.sessions for b in listed] == [None, None]
    assert "symbolic link" in listed[0].error and "named pipe" in listed[1].error


# ------------------------------------------------------------------ our table names, other columns


def lookalike(path: Path) -> None:
    """Tables named as ours, at our schema version, with other columns; in rollback-journal mode."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE sessions (id TEXT PRIMARY KEY, started TEXT, who TEXT)")
    conn.execute("CREATE TABLE step_runs (session_id TEXT, what TEXT)")
    conn.execute("INSERT INTO sessions VALUES ('a', '2026-01-05', 'someone')")
    conn.execute("PRAGMA user_version=2")
    conn.commit()
    conn.close()


def test_history_refuses_a_lookalike_database_and_leaves_its_bytes(capsys, data_dir) -> None:  # noqa: ANN001
    lookalike(data_dir.database)
    before = digest(data_dir.database)
    code, out, err = history(capsys, "--json")
    assert code == 1 and out == ""
    assert str(data_dir.database) in err and "not a Massage Timer log" in err
    assert "sessions lacks the columns" in err and "left untouched" in err
    assert digest(data_dir.database) == before
    assert sorted(p.name for p in data_dir.root.iterdir() if p.is_file()) == ["sessions.sqlite3"]


def test_the_app_moves_a_lookalike_aside_byte_for_byte_and_says_what_it_is(data_dir) -> None:  # noqa: ANN001
    lookalike(data_dir.database)
    before = digest(data_dir.database)
    store, notice, _ = open_log(data_dir)
    assert store is not None and not store.read_only
    try:
        (aside,) = [p for p in data_dir.root.iterdir() if ".unreadable-" in p.name]
        assert digest(aside) == before  # never switched to WAL, migrated or written
        assert "another program" not in notice and "lock" not in notice
        assert "not a Massage Timer log" in notice and aside.name in notice
        log_session(store)
        assert store.count() == 1
    finally:
        store.close()


def test_a_lookalike_backup_is_not_offered_and_cannot_be_restored(data_dir) -> None:  # noqa: ANN001
    data_dir.backups.mkdir(mode=0o700)
    fake = data_dir.backups / "sessions-20260101-090000.sqlite3"
    lookalike(fake)
    before = digest(fake)
    (info,) = list_backups(data_dir.backups)
    assert info.sessions is None and "not a Massage Timer log" in info.error
    from massage_timer.core.log import restore_backup

    store, _ = open_store(data_dir.database)
    try:
        kept = log_session(store)
        with pytest.raises(StoreError, match="not a Massage Timer log"):
            restore_backup(data_dir, fake, store=store)
        assert store.session(kept) is not None
    finally:
        store.close()
    assert digest(fake) == before


# ------------------------------------------------------------------ a damaged index


def damage_an_index(path: Path) -> None:
    """The index on (person, started_ts) no longer matches its definition: quick_check cannot see it."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute(
        "UPDATE sqlite_master SET sql='CREATE INDEX sessions_person ON sessions (protocol_id, started_ts)'"
        " WHERE name='sessions_person'"
    )
    conn.commit()
    conn.close()


def full_check(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


@pytest.fixture
def damaged(data_dir: DataPaths) -> tuple[DataPaths, Path]:
    """A log with 3 sessions and a whole backup of them, then 1 more session, then a damaged index."""
    store, _ = open_store(data_dir.database)
    for i in range(3):
        log_session(store, person=f"P{i}", started=1_767_603_600.0 + i * 3600)
    backup = make_backup(store, data_dir.backups)
    log_session(store, person="Later", started=1_767_700_000.0)
    store.close()
    damage_an_index(data_dir.database)
    assert full_check(data_dir.database) != ["ok"]
    return data_dir, backup


def test_the_full_check_finds_what_quick_check_lets_through_and_repairs_nothing(damaged) -> None:  # noqa: ANN001
    from massage_timer.core.log import IntegrityCheck

    paths, backup = damaged
    store, report = open_store(paths.database)
    try:
        assert report.message == "" and report.moved_aside is None  # quick_check passes: opening is silent
        before = digest(paths.database)
        result = IntegrityCheck(store, paths.backups).run()
        assert result.ran and not result.ok
        assert any("sessions_person" in p for p in result.problems)
        assert digest(paths.database) == before  # nothing repaired
        assert result.copy is not None and result.copy.name.startswith("sessions.sqlite3.damaged-")
        assert full_check(result.copy) != ["ok"]  # the copy keeps the damage as it was
        assert (result.copy.stat().st_mode & 0o777) == 0o600
        assert result.good_backup is not None and result.good_backup.path == backup
        assert result.good_backup.sessions == 3
        text = result.message
        assert str(paths.database) in text and "damaged" in text and "Nothing was repaired" in text
        assert result.copy.name in text and backup.name in text and "backed up first" in text
        # checked again at the next start (a damaged log is never taken as whole), without a second copy
        again = IntegrityCheck(store, paths.backups).run()
        assert again.ran and not again.ok and again.copy == result.copy
        assert len([p for p in paths.root.iterdir() if p.name.endswith(result.copy.name[-15:])]) == 1
    finally:
        store.close()


def test_a_large_log_is_fully_checked_at_most_once_a_day(data_dir) -> None:  # noqa: ANN001
    from massage_timer.core.log import IntegrityCheck

    store, _ = open_store(data_dir.database)
    log_session(store)
    clock = FakeClock()
    try:
        small = IntegrityCheck(store, data_dir.backups, now=clock.wall)
        assert small.run().ran and small.run().ran  # under the size limit: at every start
        large = IntegrityCheck(store, data_dir.backups, now=clock.wall, large_bytes=1)
        assert not large.run().ran  # the note beside the log says it ran a moment ago
        clock.advance(23 * 3600)
        assert not large.run().ran
        clock.advance(2 * 3600)
        result = large.run()
        assert result.ran and result.ok
        assert not large.run().ran
        assert (data_dir.root / "sessions.sqlite3.checked").exists()
    finally:
        store.close()


def test_a_cancelled_check_stops_and_reports_nothing(data_dir) -> None:  # noqa: ANN001
    from massage_timer.core.log import IntegrityCheck

    store, _ = open_store(data_dir.database)
    try:
        check = IntegrityCheck(store, data_dir.backups)
        check.cancel()
        result = check.run()
        assert result.cancelled and not result.ran and result.message == ""
    finally:
        store.close()


def test_the_app_checks_in_the_background_tells_the_user_and_offers_the_whole_backup(
    qtbot,  # noqa: ANN001
    damaged,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from massage_timer.core.protocols.library import load_library
    from massage_timer.ui.main_window import MainWindow
    from massage_timer.ui.services.cues import CuePlayer
    from massage_timer.ui.session_controller import SessionController
    from massage_timer.ui.settings import Settings

    paths, backup = damaged
    monkeypatch.setattr("massage_timer.ui.services.log_watch.CHECK_DELAY_MS", 0)  # the app waits a few seconds
    opened: list = []
    readers: list[str] = []

    def open_for_window():  # noqa: ANN202
        store, notice, _ = open_log(paths)
        real_reader = store.reader

        def reader():  # noqa: ANN202
            readers.append(threading.current_thread().name)
            return real_reader()

        store.reader = reader  # type: ignore[method-assign]
        opened.append(store)
        return store, notice

    settings = Settings(paths.root / "settings.ini")
    window = MainWindow(
        paths,
        settings,
        None,
        load_library(paths.protocols),
        controller=SessionController(FakeClock()),
        cues=CuePlayer(settings, speech_engine="mock"),
        open_log=open_for_window,
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    try:
        window.open_log_now()  # as the app does just after the first frame
        assert window.log_watch is not None and window.damage_box is None  # it runs in the background
        qtbot.waitUntil(lambda: window.damage_box is not None, timeout=20_000)
        assert readers and readers[0] == "log-integrity"  # its own read-only connection, on a worker
        box = window.damage_box
        assert isinstance(box, QMessageBox)
        assert str(paths.database) in box.text() and "damaged" in box.text() and backup.name in box.text()
        restore = next(b for b in box.buttons() if backup.name in b.text())
        restore.click()
        qtbot.waitUntil(lambda: window.damage_box is None)
        store = opened[0]
        assert store.count() == 3  # the whole backup is back
        assert full_check(paths.database) == ["ok"]
        status = window.page("settings").backup_status.text()
        assert "Restored" in status and backup.name in status
        # the damaged log is kept twice: the copy beside it, and the backup restore makes first
        assert [p for p in paths.root.iterdir() if ".damaged-" in p.name]
        assert max(b.sessions or 0 for b in list_backups(paths.backups)) == 4
    finally:
        if window.log_watch is not None:
            window.log_watch.stop()
        for store in opened:
            store.close()
