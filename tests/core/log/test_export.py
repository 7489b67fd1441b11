"""The CSV export: one row per session or per step run, stable headers, a BOM, formulas neutralised."""

from __future__ import annotations

import csv
import io
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from massage_timer.core.log import SessionInfo, Store, export_csv, write_export_file
from massage_timer.core.log.export import CSV_BOM_DEFAULT, CSV_COLUMNS, STEP_CSV_COLUMNS
from massage_timer.core.session.events import Outcome, StepRun

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC).timestamp()
BOM = b"\xef\xbb\xbf"


def add_session(store: Store, started: float, steps: list[StepRun], *, person: str = "Anna", variant=None) -> str:
    info = SessionInfo("cupping", "Cupping", person, steps_total=len(steps), variant=variant, side="left")
    sid = store.begin_session(info, started)
    for run in steps:
        store.save_step(sid, run)
    store.end_session(sid, "completed", started + 600)
    return sid


def run(seq: int, title: str = "Warm up", *, planned: int | None = 60, **kw) -> StepRun:
    fields = dict(
        seq=seq,
        index=seq - 1,
        step_id=f"step-{seq}",
        title=title,
        side="left",
        timed=planned is not None,
        planned=planned,
        initial_planned=planned,
        started_wall=START + seq * 60,
        ended_wall=START + seq * 60 + 59.96,
        active=59.96,
        outcome=Outcome.COMPLETED,
    )
    fields.update(kw)
    return StepRun(**fields)


def read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_sessions_csv_keeps_its_columns_and_adds_variant_and_client(store: Store) -> None:
    assert ",".join(CSV_COLUMNS).startswith(
        "session_id,started_at,ended_at,person,protocol_id,protocol_title,status,planned_seconds,"
        "actual_seconds,steps_done,steps_total,side,stage,pain_before,pain_after,notes,"
    )
    assert "variant" in CSV_COLUMNS and "client" in CSV_COLUMNS
    sid = add_session(store, START, [run(1)], person="Анна Петрова", variant="light")
    out = io.StringIO()
    assert export_csv(store, out) == 1
    (row,) = read(out.getvalue())
    assert tuple(row) == CSV_COLUMNS
    assert row["session_id"] == sid and row["variant"] == "light"
    assert row["person"] == row["client"] == "Анна Петрова"


def test_the_steps_csv_has_one_row_per_step_run_with_its_session_id(store: Store) -> None:
    first = add_session(store, START, [run(1), run(2, "Rest", planned=None, slept=12.34)])
    body = run(1, "Cups on", body_timer=True, guidance_paused=30.04, snoozes=2, snoozed=61.0, over_max=True)
    second = add_session(store, START + 3600, [body], person="Boris")
    out = io.StringIO()
    assert export_csv(store, out, rows="steps") == 3
    rows = read(out.getvalue())
    assert tuple(rows[0]) == STEP_CSV_COLUMNS
    assert [(r["session_id"], r["seq"], r["step_id"], r["title"]) for r in rows] == [
        (first, "1", "step-1", "Warm up"),
        (first, "2", "step-2", "Rest"),
        (second, "1", "step-1", "Cups on"),
    ]
    warm, rest, cups = rows
    assert (warm["timed"], warm["planned_seconds"], warm["active_seconds"], warm["outcome"]) == (
        "1",
        "60",
        "60.0",
        "completed",
    )
    assert (warm["side"], warm["started_at"], warm["body_timer"], warm["over_max"]) == (
        "left",
        "2026-01-05T09:01:00Z",
        "0",
        "0",
    )
    assert (rest["timed"], rest["planned_seconds"], rest["slept_seconds"]) == ("0", "", "12.3")
    assert (cups["body_timer"], cups["guidance_paused_seconds"], cups["snoozes"], cups["snoozed_seconds"]) == (
        "1",
        "30.0",
        "2",
        "61.0",
    )
    assert cups["over_max"] == "1" and cups["bounced"] == "0"


def test_the_steps_csv_neutralises_formulas_in_every_text_cell(store: Store) -> None:
    steps = [run(1, '=HYPERLINK("http://x")'), run(2, "+1", step_id="@cmd"), run(3, "-2"), run(4, "Plain")]
    add_session(store, START, steps, person="=Anna")
    out = io.StringIO()
    export_csv(store, out, rows="steps")
    rows = read(out.getvalue())
    assert [r["title"] for r in rows] == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "Plain"]
    assert rows[1]["step_id"] == "'@cmd"
    out = io.StringIO()
    export_csv(store, out)
    (session,) = read(out.getvalue())
    assert session["person"] == session["client"] == "'=Anna"


def test_an_empty_log_writes_the_header_only(store: Store) -> None:
    out = io.StringIO()
    assert export_csv(None, out, rows="steps") == 0
    assert out.getvalue() == ",".join(STEP_CSV_COLUMNS) + "\r\n"
    with pytest.raises(ValueError, match="rows"):
        export_csv(store, io.StringIO(), rows="items")  # type: ignore[arg-type]


@pytest.mark.parametrize("rows", ["sessions", "steps"])
def test_files_carry_the_bom_asked_for_and_cyrillic_round_trips(store: Store, tmp_path: Path, rows) -> None:
    assert CSV_BOM_DEFAULT is True
    sid = add_session(store, START, [run(1, "Разогрев спины")], person="Анна")
    for bom in (True, False):
        target = tmp_path / f"{rows}-{bom}.csv"
        assert write_export_file(store, target, "csv", rows=rows, bom=bom) == 1
        raw = target.read_bytes()
        assert raw.startswith(BOM + b"session_id,") == bom
        assert raw.startswith(b"session_id,") != bom
        if os.name == "posix":
            assert stat.S_IMODE(target.stat().st_mode) == 0o600
        with open(target, encoding="utf-8-sig", newline="") as handle:
            (row,) = csv.DictReader(handle)
        assert row["session_id"] == sid
        if rows == "sessions":
            assert row["person"] == row["client"] == "Анна"
        else:
            assert row["title"] == "Разогрев спины"
