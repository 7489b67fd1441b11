"""Importing another computer's log: new sessions come in whole, nothing here is overwritten, bad files are refused."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from massage_timer.cli import main
from massage_timer.core.log import (
    SessionInfo,
    Store,
    StoreReadOnly,
    import_log,
    list_backups,
    make_backup,
    open_store,
    write_export,
)
from massage_timer.core.log.disk.merge import LogImportError, normalise_name, open_writer
from massage_timer.core.log.schema import MIGRATIONS, statements
from massage_timer.core.paths import DataPaths
from massage_timer.core.session.events import ItemRun, Outcome, StepRun

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC).timestamp()
NOW = START + 30 * 86400


def run(seq: int, started: float, *, items: tuple[ItemRun, ...] = ()) -> StepRun:
    return StepRun(
        seq=seq,
        index=seq - 1,
        step_id=f"step-{seq}",
        title=f"Step {seq}",
        side=None,
        timed=True,
        planned=60,
        initial_planned=60,
        started_wall=started + seq * 60,
        ended_wall=started + seq * 60 + 59.5,
        active=59.5,
        outcome=Outcome.COMPLETED,
        items=items,
    )


def add_session(store: Store, person: str, started: float, steps: int = 2, *, end: bool = True) -> str:
    sid = store.begin_session(SessionInfo("cupping", "Cupping", person, steps_total=steps), started)
    for seq in range(1, steps + 1):
        items = (ItemRun(1, started + seq * 60, 300, started + seq * 60 + 300, 300.0),) if seq == 1 else ()
        store.save_step(sid, run(seq, started, items=items))
    if end:
        store.end_session(sid, "completed", started + 600)
    return sid


def add_client(store: Store, cid: str, name: str, *, archived: float | None = None) -> None:
    with store._tx() as c:
        c.execute(
            "INSERT INTO clients (id, name, archived_ts, created_ts) VALUES (?,?,?,?)", (cid, name, archived, START)
        )


def link(store: Store, sid: str, cid: str) -> None:
    with store._tx() as c:
        c.execute("UPDATE sessions SET client_id=? WHERE id=?", (cid, sid))


def answer(store: Store, cid: str, item: str, value: int, when: float) -> None:
    with store._tx() as c:
        c.execute(
            "INSERT INTO safety_answers VALUES (?,?,?,?,?) ON CONFLICT DO UPDATE SET answer=excluded.answer,"
            " answered_ts=excluded.answered_ts",
            (cid, "cupping", item, value, when),
        )


def count(store: Store, table: str) -> int:
    return int(store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def other(tmp_path: Path) -> Path:
    """The other computer's log: Anna (a client, with notes, addenda, an amendment, jars), and Boris."""
    path = tmp_path / "other" / "sessions.sqlite3"
    src, _ = open_store(path)
    add_client(src, "c-anna", "Anna")
    add_client(src, "c-boris", "Boris")
    first = add_session(src, "Anna", START)
    second = add_session(src, "Anna", START + 86400, steps=3)
    third = add_session(src, "Boris", START + 2 * 86400)
    for sid, cid in ((first, "c-anna"), (second, "c-anna"), (third, "c-boris")):
        link(src, sid, cid)
    src.amend_session(first, pain_after=2, now=START + 700)
    with src._tx() as c:
        c.execute("INSERT INTO soap_notes (session_id, subjective) VALUES (?, 'tight low back')", (first,))
        c.execute("INSERT INTO addenda VALUES (?, 1, ?, 'called back: better')", (first, START + 900))
    answer(src, "c-anna", "pregnant", 0, START)
    src.close()
    return path


def ids(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT id FROM sessions")}


def test_an_empty_log_takes_everything_with_its_ids_and_a_backup_first(store: Store, data_dir: DataPaths, other):
    before = digest(other)
    report = import_log(store, other, backups_dir=data_dir.backups, now=NOW)
    assert (report.sessions_added, report.already_here, report.steps_added) == (3, 0, 7)
    assert count(store, "step_items") == 3 and count(store, "soap_notes") == 1 and count(store, "addenda") == 1
    amended = store.conn.execute("SELECT field, old_value, new_value FROM session_amendments").fetchall()
    assert amended == [("pain_after", None, "2")]
    clients = dict(store.conn.execute("SELECT id, name FROM clients").fetchall())
    assert clients == {"c-anna": "Anna", "c-boris": "Boris"}  # added with their ids
    per_client = dict(store.conn.execute("SELECT client_id, COUNT(*) FROM sessions GROUP BY client_id").fetchall())
    assert per_client == {"c-anna": 2, "c-boris": 1}
    assert count(store, "safety_answers") == 1
    assert report.clients_added == ["Anna", "Boris"]
    lines = report.describe()
    assert lines[0] == f"Added 3 sessions (7 steps) from {other}."
    assert "New clients: Anna, Boris." in lines
    assert report.backup is not None and report.backup.parent == data_dir.backups
    assert lines[-1] == f"This log was backed up first, as {report.backup}."
    assert digest(other) == before
    assert sorted(p.name for p in other.parent.iterdir()) == ["sessions.sqlite3"]  # no -wal or -shm left


def test_the_backup_holds_the_log_as_it_was_before_the_merge(store: Store, data_dir: DataPaths, other):
    mine = add_session(store, "Clara", START)
    report = import_log(store, other, backups_dir=data_dir.backups, now=NOW)
    assert report.backup is not None
    (info,) = list_backups(data_dir.backups)
    assert info.path == report.backup and info.sessions == 1
    backup, _ = open_store(report.backup, read_only=True)
    try:
        assert ids(backup) == {mine}
    finally:
        backup.close()


def test_importing_the_same_file_twice_adds_nothing_the_second_time(store: Store, data_dir: DataPaths, other):
    import_log(store, other, backups_dir=data_dir.backups, now=NOW)
    tables = {t: count(store, t) for t in ("sessions", "step_runs", "clients", "session_amendments", "addenda")}
    again = import_log(store, other, backups_dir=data_dir.backups, now=NOW + 60)
    assert {t: count(store, t) for t in tables} == tables
    assert (again.sessions_added, again.already_here, again.differ, again.backup) == (0, 3, 0, None)
    assert again.clients_added == [] and not again.changed
    assert again.describe() == ["Nothing new: all 3 sessions are already in this log."]
    assert len(list_backups(data_dir.backups)) == 1  # no backup when nothing is imported


def test_a_session_already_here_is_kept_as_it_is_even_when_it_differs(store: Store, data_dir: DataPaths, other):
    import_log(store, other, backups_dir=data_dir.backups, now=NOW)
    changed = store.conn.execute("SELECT id FROM sessions ORDER BY started_ts").fetchone()[0]
    store.update_session(changed, notes="written here")
    src, _ = open_store(other)
    new = add_session(src, "Anna", START + 5 * 86400)
    src.close()
    report = import_log(store, other, backups_dir=data_dir.backups, now=NOW)
    assert (report.sessions_added, report.already_here, report.differ) == (1, 3, 1)
    assert store.session(changed).notes == "written here"
    assert new in ids(store)
    lines = report.describe()
    assert "3 sessions were already in this log." in lines
    assert "1 session already here differs from the file's; this computer's was kept." in lines
    assert "Anna matched Anna (1 session)." in lines


def test_clients_are_matched_by_name_whatever_the_case_and_the_spaces(store: Store, data_dir: DataPaths, tmp_path):
    add_client(store, "old-anna", "Anna Maria", archived=START)
    add_client(store, "here-anna", "Anna Maria")
    path = tmp_path / "other.sqlite3"
    src, _ = open_store(path)
    add_client(src, "there-anna", "  anna   MARIA ")
    sid = add_session(src, "  anna   MARIA ", START)
    link(src, sid, "there-anna")
    answer(src, "there-anna", "pregnant", 1, START)
    src.close()
    report = import_log(store, path, backups_dir=data_dir.backups, now=NOW)
    assert store.session(sid).client_id == "here-anna"  # not archived first
    assert count(store, "clients") == 2
    assert store.session(sid).person == "  anna   MARIA "  # the person as written is kept
    assert [tuple(m) for m in report.clients_matched] == [("  anna   MARIA ", "Anna Maria", 1)]
    rows = store.conn.execute("SELECT client_id, answer FROM safety_answers").fetchall()
    assert rows == [("here-anna", 1)]
    assert normalise_name(" Ánna\tMaria ") == "ánna maria"


def test_remembered_answers_merge_and_the_newest_wins(store: Store, data_dir: DataPaths, other):
    add_client(store, "c-anna", "Anna")
    answer(store, "c-anna", "pregnant", 1, START - 10)  # older here: theirs wins
    answer(store, "c-anna", "fever", 1, NOW)  # only here: kept
    report = import_log(store, other, backups_dir=data_dir.backups, now=NOW)
    assert report.answers_updated == 1
    rows = dict(store.conn.execute("SELECT item_id, answer FROM safety_answers").fetchall())
    assert rows == {"pregnant": 0, "fever": 1}
    src, _ = open_store(other)
    answer(src, "c-anna", "fever", 0, NOW - 100)  # older there: ours stays
    src.close()
    again = import_log(store, other, backups_dir=data_dir.backups, now=NOW)
    assert again.answers_updated == 0
    assert dict(store.conn.execute("SELECT item_id, answer FROM safety_answers").fetchall())["fever"] == 1


def schema5_log(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for target in range(1, 6):
        for statement in statements(MIGRATIONS[target]):
            conn.execute(statement)
    conn.execute("PRAGMA user_version=5")
    conn.execute(
        "INSERT INTO sessions (id, protocol_id, protocol_title, person, started_ts, ended_ts, status, steps_total)"
        " VALUES ('s5-a', 'cupping', 'Cupping', 'ANNA ', ?, ?, 'completed', 1),"
        " ('s5-b', 'cupping', 'Cupping', 'Dora', ?, ?, 'stopped', 1), ('s5-c', 'cupping', 'Cupping', '', ?, ?,"
        " 'completed', 1)",
        (START, START + 60, START + 100, START + 160, START + 200, START + 260),
    )
    conn.execute(
        "INSERT INTO step_runs (session_id, seq, step_index, step_id, title, timed, started_ts, outcome)"
        " VALUES ('s5-a', 1, 0, 'a', 'A', 1, ?, 'completed')",
        (START,),
    )
    conn.close()


def test_an_older_log_is_upgraded_in_memory_never_in_the_file(store: Store, data_dir: DataPaths, tmp_path: Path):
    add_client(store, "c-anna", "Anna")
    path = tmp_path / "old.sqlite3"
    schema5_log(path)
    before = digest(path)
    report = import_log(store, path, backups_dir=data_dir.backups, now=NOW)
    assert report.sessions_added == 3 and report.steps_added == 1
    assert store.session("s5-a").client_id == "c-anna"  # linked by its person text
    dora = store.session("s5-b").client_id
    assert store.conn.execute("SELECT name FROM clients WHERE id=?", (dora,)).fetchone()[0] == "Dora"
    assert store.session("s5-c").client_id is None
    assert report.clients_added == ["Dora"]
    assert digest(path) == before
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 5
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("old")) == ["old.sqlite3"]
    assert import_log(store, path, backups_dir=data_dir.backups, now=NOW).changed is False  # twice: nothing


def test_a_backup_of_this_log_adds_nothing(store: Store, data_dir: DataPaths):
    add_session(store, "Anna", START)
    backup = make_backup(store, data_dir.backups)
    report = import_log(store, backup, backups_dir=data_dir.backups, now=NOW)
    assert (report.sessions_added, report.already_here, report.backup) == (0, 1, None)
    assert report.describe() == ["Nothing new: the one session of the file is already in this log."]
    assert len(list_backups(data_dir.backups)) == 1


def test_a_session_still_running_there_is_left_out(store: Store, data_dir: DataPaths, tmp_path: Path):
    path = tmp_path / "live.sqlite3"
    src, _ = open_store(path)
    add_session(src, "Anna", START)
    running = add_session(src, "Anna", START + 900, end=False)
    src.close()
    report = import_log(store, path, backups_dir=data_dir.backups, now=NOW)
    assert report.sessions_added == 1 and running not in ids(store)
    assert "1 session is still running in that log and was left out; import again once it has ended." in (
        report.describe()
    )


def test_a_failure_during_the_merge_changes_nothing(store: Store, data_dir: DataPaths, other):
    add_session(store, "Clara", START)

    def fail(done: int, total: int) -> None:
        raise RuntimeError("the disk went away")

    tables = {t: count(store, t) for t in ("sessions", "step_runs", "clients", "addenda", "safety_answers")}
    with pytest.raises(RuntimeError):
        import_log(store, other, backups_dir=data_dir.backups, now=NOW, progress=fail)
    assert (
        {t: count(store, t) for t in tables}
        == tables
        == {
            "sessions": 1,
            "step_runs": 2,
            "clients": 1,
            "addenda": 0,
            "safety_answers": 0,
        }
    )


def test_a_read_only_log_takes_no_import(data_dir: DataPaths, other):
    writable, _ = open_store(data_dir.database)
    writable.close()
    reader, _ = open_store(data_dir.database, read_only=True)
    try:
        with pytest.raises(StoreReadOnly, match="read-only"):
            import_log(reader, other, backups_dir=data_dir.backups)
    finally:
        reader.close()
    assert not data_dir.backups.exists() or not list(data_dir.backups.iterdir())


def damaged(path: Path, source: Path) -> None:
    raw = bytearray(source.read_bytes())
    raw[4096:] = b"\x5a" * (len(raw) - 4096)  # every page after the first overwritten
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("not-sqlite", "not a SQLite database"),
        ("text", "not a SQLite database"),
        ("empty", "it is empty"),
        ("damaged", "damaged"),
        ("newer", "newer version of Massage Timer"),
        ("missing", "there is no such file"),
        ("symlink", "symbolic link"),
        ("folder", "it is a folder"),
        ("other-db", "not a Massage Timer session log"),
    ],
)
def test_files_that_are_not_logs_are_refused_naming_the_file(
    store: Store, data_dir: DataPaths, other: Path, tmp_path: Path, kind: str, expected: str
) -> None:
    mine = add_session(store, "Clara", START)
    path = tmp_path / f"{kind}.sqlite3"
    if kind == "not-sqlite":
        path.write_bytes(os.urandom(8192))
    elif kind == "text":
        path.write_text("Anna, 12 March, 20 minutes\n", encoding="utf-8")
    elif kind == "empty":
        path.touch()
    elif kind == "damaged":
        damaged(path, other)
    elif kind == "newer":
        path.write_bytes(other.read_bytes())
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA user_version=7")
        conn.close()
    elif kind == "symlink":
        path.symlink_to(other)
    elif kind == "folder":
        path.mkdir()
    elif kind == "other-db":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("PRAGMA user_version=3")
        conn.close()
    before = digest(path) if path.is_file() and not path.is_symlink() else None
    with pytest.raises(LogImportError, match=expected) as caught:
        import_log(store, path, backups_dir=data_dir.backups, now=NOW)
    assert str(caught.value).startswith(f"{path}: ")
    assert ids(store) == {mine} and count(store, "clients") == 1
    assert not data_dir.backups.exists() or not list(data_dir.backups.iterdir())
    if before is not None:
        assert digest(path) == before


def test_this_very_log_is_refused(store: Store, data_dir: DataPaths):
    add_session(store, "Anna", START)
    with pytest.raises(LogImportError, match="own session log"):
        import_log(store, data_dir.database, backups_dir=data_dir.backups)
    linked = data_dir.root / "hard-link.sqlite3"
    os.link(data_dir.database, linked)
    with pytest.raises(LogImportError, match="own session log"):
        import_log(store, linked, backups_dir=data_dir.backups)


def test_an_import_goes_in_while_the_app_has_the_log_open(data_dir: DataPaths, other):
    app_store, _ = open_store(data_dir.database)
    try:
        running = add_session(app_store, "Clara", START, end=False)  # a session going on in the app
        second = open_writer(data_dir.database)
        assert second is not None
        try:
            report = import_log(second, other, backups_dir=data_dir.backups, now=NOW)
        finally:
            second.close()
        assert report.sessions_added == 3
        assert len(ids(app_store)) == 4  # the app's connection sees them
        assert app_store.session(running).status == "running"  # not marked interrupted
        add_session(app_store, "Clara", START + 3600)  # and the app writes on
    finally:
        app_store.close()


def test_exports_keep_the_session_ids(store: Store, data_dir: DataPaths, other):
    import_log(store, other, backups_dir=data_dir.backups, now=NOW)
    out = io.StringIO()
    write_export(store, out, "json")
    assert {item["session_id"] for item in json.loads(out.getvalue())} == ids(store)
    csv_out = io.StringIO()
    write_export(store, csv_out, "csv", bom=False)
    assert {line.split(",")[0] for line in csv_out.getvalue().splitlines()[1:]} == ids(store)


def test_the_command_prints_the_report_and_exits_0(tmp_path: Path, other, capsys):
    folder = tmp_path / "home-computer"
    assert main(["--data-dir", str(folder), "import", str(other)]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines()[0] == f"Added 3 sessions (7 steps) from {other}."
    assert out.err == ""
    assert main(["import", str(other), "--data-dir", str(folder)]) == 0  # the option after the file too
    assert capsys.readouterr().out == "Nothing new: all 3 sessions are already in this log.\n"
    assert (folder / "sessions.sqlite3").is_file() and len(list((folder / "backups").iterdir())) == 1


def test_the_command_refuses_a_bad_file_in_one_line_and_exits_1(data_dir: DataPaths, tmp_path: Path, capsys):
    bad = tmp_path / "notes.txt"
    bad.write_text("not a log", encoding="utf-8")
    assert main(["--data-dir", str(data_dir.root), "import", str(bad)]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == f"massage-timer: {bad}: it is not a Massage Timer session log (not a SQLite database).\n"
    assert main(["--data-dir", str(data_dir.root), "import", str(tmp_path / "gone.sqlite3")]) == 1
    assert capsys.readouterr().err == f"massage-timer: {tmp_path / 'gone.sqlite3'}: there is no such file.\n"


def test_the_command_needs_no_display_and_loads_no_qt(data_dir: DataPaths, other):
    code = (
        "import sys; from massage_timer.cli import main; rc = main(sys.argv[1:]);"
        "assert 'PySide6' not in sys.modules, 'Qt was loaded'; sys.exit(rc)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.run(
        [sys.executable, "-c", code, "--data-dir", str(data_dir.root), "import", str(other)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Added 3 sessions")
