"""The command line, through ``cli.main`` and once through a real process."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import massage_timer
from massage_timer.cli import main
from massage_timer.core.log import SessionInfo, SessionRecorder, open_store
from massage_timer.core.log.export import STEP_CSV_COLUMNS
from massage_timer.core.resources import builtin_protocols_dir
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.plan import build_plan

BUILTIN_IDS = {"acupressure", "classic-relaxing", "cupping-dynamic", "cupping-static", "honey"}
BAD = Path(__file__).parent / "data" / "bad"
CSV_HEADER = (
    "session_id,started_at,ended_at,person,protocol_id,protocol_title,status,planned_seconds,"
    "actual_seconds,steps_done,steps_total,side,stage,pain_before,pain_after,notes"
)


def record_session(database: Path, protocol, clock, *, person: str = "Anna", notes: str = "") -> str:
    """Run a whole session through the engine and the recorder, as the app does."""
    store, _ = open_store(database)
    try:
        plan = build_plan(protocol, side="left")
        engine = SessionEngine(plan, clock)
        recorder = SessionRecorder(
            store, engine, SessionInfo(protocol.id, protocol.title, person, len(plan), side="left")
        )
        engine.start()
        clock.advance(300)
        engine.poll()
        clock.advance(120)
        engine.poll()
        engine.next()
        clock.advance(60)
        engine.next()
        store.update_session(recorder.session_id, pain_after=2, notes=notes)
        return recorder.session_id
    finally:
        store.close()


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


# ------------------------------------------------------------------ protocols


def test_protocols_lists_the_builtins(capsys):
    code, out, _ = run_cli(capsys, "protocols")
    assert code == 0
    listed = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert listed == BUILTIN_IDS
    assert "honey.toml" in out


def test_protocols_json(capsys):
    code, out, _ = run_cli(capsys, "protocols", "--json")
    assert code == 0
    rows = json.loads(out)
    assert {r["id"] for r in rows} == BUILTIN_IDS
    for row in rows:
        assert row["title"] and row["stages"] and row["source"] == "builtin"
        assert 0 < row["min_seconds"] <= row["max_seconds"]
        assert Path(row["file"]).is_file() and row["overrides_builtin"] is False
    honey = next(r for r in rows if r["id"] == "honey")
    assert "acute" in honey["stages"]


def test_protocols_shows_user_files_overrides_and_broken_ones(capsys, data_dir):
    own = (builtin_protocols_dir() / "honey.toml").read_text(encoding="utf-8")
    own = own.replace('title = "', 'title = "My ', 1)
    (data_dir.protocols / "my-honey.toml").write_text(own, encoding="utf-8")
    shutil.copy(BAD / "min-greater-than-max.toml", data_dir.protocols / "broken.toml")
    code, out, _ = run_cli(capsys, "protocols", "--json")
    assert code == 0
    rows = json.loads(out)
    honey = [r for r in rows if r.get("id") == "honey"]
    assert len(honey) == 1 and honey[0]["source"] == "user" and honey[0]["overrides_builtin"] is True
    assert honey[0]["title"].startswith("My ")
    broken = [r for r in rows if "error" in r]
    assert len(broken) == 1 and "broken.toml" in broken[0]["error"]
    assert {r["id"] for r in rows} >= BUILTIN_IDS
    code, out, _ = run_cli(capsys, "protocols")
    assert code == 0 and "BROKEN" in out and "overrides built-in" in out


# ------------------------------------------------------------------ check


def test_check_good_files(capsys):
    files = sorted(str(p) for p in builtin_protocols_dir().glob("*.toml"))
    assert len(files) == 5
    code, out, err = run_cli(capsys, "check", *files)
    assert code == 0 and err == ""
    assert out.splitlines() == [f"{f}: ok" for f in files]


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.toml")))
def test_check_bad_file(capsys, name):
    path = str(BAD / name)
    code, out, err = run_cli(capsys, "check", path)
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert lines
    for line in lines:
        assert line.startswith(f"{path}: ")
        where_what = line[len(path) + 2 :]
        assert where_what.strip() and len(where_what) < 400


def test_check_reports_every_file(capsys, tmp_path):
    good = str(builtin_protocols_dir() / "honey.toml")
    bad = str(BAD / "min-greater-than-max.toml")
    missing = str(tmp_path / "nowhere.toml")
    code, out, err = run_cli(capsys, "check", bad, good, missing)
    assert code == 1
    assert out == f"{good}: ok\n"
    assert f"{bad}: steps[" in err and "must be >= min" in err
    assert f"{missing}: cannot be read" in err


# ------------------------------------------------------------------ history


def test_history_without_a_log(capsys, data_dir):
    code, out, err = run_cli(capsys, "history")
    assert code == 0 and out == ""
    assert "no session log yet" in err
    code, out, _ = run_cli(capsys, "history", "--json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = run_cli(capsys, "history", "--csv")
    assert code == 0 and out.startswith("\ufeff" + CSV_HEADER)  # with the BOM unless --no-bom
    code, out, _ = run_cli(capsys, "history", "--csv", "--no-bom", "--rows", "steps")
    assert code == 0 and out == ",".join(STEP_CSV_COLUMNS) + "\r\n"
    assert not data_dir.database.exists()  # looking does not create a log


def test_history_csv_to_a_file(capsys, data_dir, make_protocol, fake_clock, tmp_path):
    notes = 'felt "warm", then\nsleepy'
    sid = record_session(data_dir.database, make_protocol(), fake_clock, notes=notes)
    target = tmp_path / "export.csv"
    code, out, err = run_cli(capsys, "history", "--csv", "--output", str(target))
    assert (code, out, err) == (0, "", "")
    assert target.read_text(encoding="utf-8").startswith("\ufeff" + CSV_HEADER + ",")
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    row = rows[0]
    assert row["session_id"] == sid and row["person"] == "Anna" and row["status"] == "completed"
    assert (row["protocol_id"], row["planned_seconds"], row["actual_seconds"]) == ("test-routine", "420", "480")
    assert (row["steps_done"], row["steps_total"], row["side"], row["pain_after"]) == ("3", "3", "left", "2")
    assert row["notes"] == notes


def test_history_csv_of_step_runs_and_the_bom(capsys, data_dir, make_protocol, fake_clock, tmp_path):
    sid = record_session(data_dir.database, make_protocol(), fake_clock, person="Анна")
    target = tmp_path / "steps.csv"
    assert run_cli(capsys, "history", "--csv", "--rows", "steps", "-o", str(target)) == (0, "", "")
    assert target.read_bytes().startswith(b"\xef\xbb\xbfsession_id,seq,")
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == STEP_CSV_COLUMNS
    assert [(r["session_id"], r["title"], r["active_seconds"], r["outcome"]) for r in rows] == [
        (sid, "Warm up", "300.0", "completed"),
        (sid, "Cups on (left side)", "120.0", "completed"),
        (sid, "Rest", "60.0", "completed"),
    ]
    plain = tmp_path / "sessions.csv"
    assert run_cli(capsys, "history", "--csv", "--no-bom", "--rows", "sessions", "-o", str(plain))[0] == 0
    assert plain.read_bytes().startswith(b"session_id,")
    with open(plain, encoding="utf-8-sig", newline="") as handle:
        (row,) = csv.DictReader(handle)
    assert (row["session_id"], row["person"], row["client"], row["variant"]) == (sid, "Анна", "Анна", "")
    code, out, err = run_cli(capsys, "history", "--json", "--rows", "steps")
    assert (code, out) == (2, "") and "--rows steps is for --csv" in err


def test_history_json_and_text(capsys, data_dir, make_protocol, fake_clock):
    sid = record_session(data_dir.database, make_protocol(), fake_clock, notes="=1+1")
    record_session(data_dir.database, make_protocol(), fake_clock, person="Boris")
    code, out, _ = run_cli(capsys, "history", "--json")
    assert code == 0
    sessions = json.loads(out)
    assert [s["person"] for s in sessions] == ["Anna", "Boris"]
    first = sessions[0]
    assert first["session_id"] == sid and first["status"] == "completed"
    assert first["notes"] == "=1+1"  # JSON is not a spreadsheet: the text is kept as written
    assert [(s["title"], s["outcome"]) for s in first["steps"]] == [
        ("Warm up", "completed"),
        ("Cups on (left side)", "completed"),
        ("Rest", "completed"),
    ]
    assert [s["actual_seconds"] for s in first["steps"]] == [300.0, 120.0, 60.0]
    code, out, _ = run_cli(capsys, "history", "--json", "--person", "Boris")
    assert [s["person"] for s in json.loads(out)] == ["Boris"]
    code, out, _ = run_cli(capsys, "history")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert "Boris" in lines[0] and "Anna" in lines[1]  # newest first
    assert "completed" in lines[0] and "Test routine" in lines[0]


def test_data_dir_option_is_honoured(capsys, make_protocol, fake_clock, tmp_path):
    portable = tmp_path / "portable"
    sid = record_session(portable / "sessions.sqlite3", make_protocol(), fake_clock)
    code, out, _ = run_cli(capsys, "--data-dir", str(portable), "history", "--json")
    assert code == 0 and [s["session_id"] for s in json.loads(out)] == [sid]
    code, out, _ = run_cli(capsys, "history", "--json")  # the environment's folder: empty
    assert code == 0 and json.loads(out) == []


def test_history_with_a_log_from_a_newer_version(capsys, data_dir):
    import sqlite3

    conn = sqlite3.connect(data_dir.database)
    conn.execute("PRAGMA user_version=99")
    conn.close()
    code, out, err = run_cli(capsys, "history")
    assert code == 1
    assert err.startswith("massage-timer: ") and "newer version" in err


def test_history_output_that_cannot_be_written(capsys, tmp_path):
    code, _, err = run_cli(capsys, "history", "--csv", "--output", str(tmp_path / "no" / "such" / "dir.csv"))
    assert code == 1 and err.startswith("massage-timer: ")


# ------------------------------------------------------------------ usage


@pytest.mark.parametrize(
    "argv",
    [
        ["--no-such-option"],
        ["history", "--csv", "--json"],
        ["history", "--csv", "--rows", "items"],
        ["check"],
        ["protocols", "--bogus"],
        ["frobnicate"],
    ],
)
def test_wrong_usage_exits_2(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: massage-timer" in err and "Traceback" not in err


def cli_process(*argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    src = str(Path(massage_timer.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "massage_timer", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_version_in_a_real_process():
    done = cli_process("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"massage-timer {massage_timer.__version__}"


def test_a_bad_file_in_a_real_process_shows_no_traceback():
    bad = str(BAD / "syntax-error.toml")
    done = cli_process("check", bad)
    assert done.returncode == 1
    assert done.stderr.startswith(f"{bad}: ")
    assert "Traceback" not in done.stderr
