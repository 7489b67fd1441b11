"""Promise 4: backups with the SQLite backup API, kept N, restorable, in both directions."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from datetime import datetime, timedelta

import pytest
from reliability_helpers import log_session

from massage_timer.core.log import StoreError, backup_due, list_backups, make_backup, open_store, restore_backup
from massage_timer.core.log import schema as schema_module

NAME = re.compile(r"^sessions-\d{8}-\d{6}(-\d+)?\.sqlite3$")


def sessions_in(path) -> int:  # noqa: ANN001
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    finally:
        conn.close()


def test_a_backup_holds_what_is_only_in_the_wal_so_it_is_not_a_file_copy(data_dir) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the schema is in the main file
    store.conn.execute("PRAGMA wal_autocheckpoint=0")  # the session stays in the -wal file
    sid = log_session(store)
    main_file_only = data_dir.root / "copy.sqlite3"
    main_file_only.write_bytes(data_dir.database.read_bytes())
    assert sessions_in(main_file_only) == 0  # a file copy would have lost the session
    target = make_backup(store, data_dir.backups)
    store.close()
    assert NAME.match(target.name) and target.parent == data_dir.backups
    assert sessions_in(target) == 1
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT id FROM sessions").fetchone()[0] == sid
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert not [p for p in data_dir.backups.iterdir() if p.name.startswith(".")]  # no partial left


def test_only_the_newest_n_are_kept(data_dir) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    log_session(store)
    day = datetime(2026, 3, 1, 8, 0, 0)
    made = [make_backup(store, data_dir.backups, keep=3, now=day + timedelta(days=i)) for i in range(5)]
    store.close()
    left = sorted(p.name for p in data_dir.backups.iterdir())
    assert left == sorted(p.name for p in made[-3:])
    infos = list_backups(data_dir.backups)
    assert [i.created for i in infos] == [day + timedelta(days=i) for i in (4, 3, 2)]
    assert [i.sessions for i in infos] == [1, 1, 1]


def test_two_backups_in_the_same_second_do_not_overwrite_each_other(data_dir) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    now = datetime(2026, 3, 1, 8, 0, 0)
    a = make_backup(store, data_dir.backups, now=now)
    log_session(store)
    b = make_backup(store, data_dir.backups, now=now)
    store.close()
    assert a != b and sessions_in(a) == 0 and sessions_in(b) == 1
    assert [i.path for i in list_backups(data_dir.backups)] == [b, a]


def test_at_most_one_backup_a_day_on_open(data_dir) -> None:  # noqa: ANN001
    store, report = open_store(data_dir.database, backups=data_dir.backups, daily_backup=True)
    assert report.backup is None  # an empty log is not worth a backup
    log_session(store)
    store.close()
    for _ in range(3):
        store, report = open_store(data_dir.database, backups=data_dir.backups, daily_backup=True)
        store.close()
    assert len(list_backups(data_dir.backups)) == 1
    (only,) = list_backups(data_dir.backups)
    assert only.sessions == 1
    assert not backup_due(data_dir.backups, now=only.created + timedelta(hours=1))
    assert backup_due(data_dir.backups, now=only.created + timedelta(days=1))


def test_a_backup_is_made_before_a_migration(data_dir, monkeypatch) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    sid = log_session(store)
    store.close()
    current = schema_module.SCHEMA_VERSION
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(schema_module.MIGRATIONS, current + 1, "ALTER TABLE sessions ADD COLUMN mood TEXT")
    store, report = open_store(data_dir.database, backups=data_dir.backups)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == current + 1
        assert report.backup is not None and report.backup.parent == data_dir.backups
        conn = sqlite3.connect(report.backup)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == current  # the log as it was
        assert conn.execute("SELECT id FROM sessions").fetchone()[0] == sid
        conn.close()
    finally:
        store.close()


def test_no_migration_without_its_backup(data_dir, monkeypatch) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    log_session(store)
    store.close()
    before = data_dir.database.read_bytes()
    current = schema_module.SCHEMA_VERSION
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(schema_module.MIGRATIONS, current + 1, "ALTER TABLE sessions ADD COLUMN mood TEXT")
    blocked = data_dir.root / "blocked"
    blocked.write_text("a file where the backups folder should be")
    with pytest.raises(StoreError) as info:
        open_store(data_dir.database, backups=blocked)
    assert "left untouched" in str(info.value) and str(blocked) in str(info.value)
    conn = sqlite3.connect(data_dir.database)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == current
    conn.close()
    assert len(before) > 0


def test_restore_brings_back_a_deleted_session_and_backs_up_the_present_first(data_dir) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    keep = log_session(store, person="Anna")
    gone = log_session(store, person="Ben", started=1_767_700_000.0)
    backup = make_backup(store, data_dir.backups, now=datetime(2026, 3, 1, 8, 0, 0))
    store.delete_session(gone)
    later = log_session(store, person="Cleo", started=1_767_800_000.0)
    assert store.session(gone) is None
    before_restore = restore_backup(data_dir, backup, store=store)
    try:
        # the deleted session is back, with its steps
        assert store.session(gone) is not None and len(store.steps(gone)) == 2
        assert store.session(keep) is not None
        assert store.session(later) is None  # the log is the backup's
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        log_session(store, person="Dan", started=1_767_900_000.0)  # still writable
    finally:
        store.close()
    # the state before the restore was saved first, so the restore can be undone
    assert before_restore != backup and before_restore.parent == data_dir.backups
    conn = sqlite3.connect(before_restore)
    persons = {r[0] for r in conn.execute("SELECT person FROM sessions")}
    conn.close()
    assert persons == {"Anna", "Cleo"}
    # and the restored log survives a reopen
    store, report = open_store(data_dir.database)
    assert report.moved_aside is None and store.count() == 3
    store.close()


def test_restore_without_an_open_app(data_dir) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    sid = log_session(store)
    backup = make_backup(store, data_dir.backups)
    store.delete_session(sid)
    store.close()
    store, _ = open_store(data_dir.database)  # opened again, as a command would, without the app
    restore_backup(data_dir, backup, store=store)
    assert store.session(sid) is not None
    store.close()


def test_the_backup_being_restored_is_never_pruned(data_dir) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    log_session(store)
    oldest = make_backup(store, data_dir.backups, keep=2, now=datetime(2026, 1, 1))
    make_backup(store, data_dir.backups, keep=2, now=datetime(2026, 1, 2))
    restore_backup(data_dir, oldest, store=store, keep=2)
    store.close()
    assert oldest.exists()


def test_a_bad_backup_is_refused_and_nothing_changes(data_dir) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    log_session(store)
    bad = data_dir.backups / "sessions-20260101-000000.sqlite3"
    data_dir.backups.mkdir()
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError) as info:
        restore_backup(data_dir, bad, store=store)
    assert str(bad) in str(info.value) and "Nothing was changed" in str(info.value)
    assert store.count() == 1
    assert [p.name for p in data_dir.backups.iterdir()] == [bad.name]  # no pre-restore backup either
    assert list_backups(data_dir.backups)[0].sessions is None
    store.close()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_backups_are_private(data_dir) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    log_session(store)
    target = make_backup(store, data_dir.backups)
    store.close()
    assert stat.S_IMODE(data_dir.backups.stat().st_mode) == 0o700
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
