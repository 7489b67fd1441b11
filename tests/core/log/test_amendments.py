"""Amending a logged session later: pain after, notes, finishing an interrupted session, the original kept."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from massage_timer.core.log import (
    AmendmentError,
    NotesTooLong,
    SessionInfo,
    Store,
    StoreReadOnly,
    export_csv,
    open_store,
)
from massage_timer.core.log.schema import configure, migrate
from massage_timer.core.session.events import Outcome, StepRun
from massage_timer.core.text import MAX_NOTES

STARTED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC).timestamp()
LATER = datetime(2026, 12, 2, 14, 5, tzinfo=UTC).timestamp()


def logged(
    store: Store,
    *,
    status: str = "completed",
    pain: tuple[int | None, int | None] = (6, 4),
    notes: str = "Felt warm.",
) -> str:
    """A session as the app logs it: begun, one step, ended (or left running), then pain after and notes."""
    sid = store.begin_session(SessionInfo("honey", "Honey massage", "Anna", 2, pain_before=pain[0]), STARTED)
    run = StepRun(
        seq=1,
        index=0,
        step_id="warm-up",
        title="Warm up",
        side=None,
        timed=True,
        planned=60,
        initial_planned=60,
        started_wall=STARTED,
        ended_wall=STARTED + 60,
        active=60.0,
        outcome=Outcome.COMPLETED,
    )
    store.save_step(sid, run)
    if status in ("completed", "stopped"):
        store.end_session(sid, status, STARTED + 120)
    store.update_session(sid, pain_after=pain[1], notes=notes)
    if status == "interrupted":
        assert store.mark_interrupted(only=[sid]) == [sid]
    return sid


def amendment_rows(store: Store) -> list[tuple]:
    return store.conn.execute(
        "SELECT session_id, field, old_value, new_value, changed_ts FROM session_amendments ORDER BY id"
    ).fetchall()


# ------------------------------------------------------------------ amending


def test_one_row_per_changed_field_with_the_value_before(store: Store) -> None:
    sid = logged(store)
    made = store.amend_session(sid, pain_after=3, notes="Felt warm. Slept well.", now=LATER)
    assert [(a.field, a.old_value, a.new_value, a.changed_ts) for a in made] == [
        ("pain_after", "4", "3", LATER),
        ("notes", "Felt warm.", "Felt warm. Slept well.", LATER),
    ]
    assert [a.original for a in made] == ["4", "Felt warm."]
    row = store.session(sid)
    assert row is not None
    assert (row.pain_after, row.notes, row.status, row.pain_before) == (3, "Felt warm. Slept well.", "completed", 6)
    assert store.amendments(sid) == made
    assert amendment_rows(store) == [
        (sid, "pain_after", "4", "3", LATER),
        (sid, "notes", "Felt warm.", "Felt warm. Slept well.", LATER),
    ]


def test_the_original_is_kept_through_later_changes(store: Store) -> None:
    sid = logged(store, pain=(6, 4))
    store.amend_session(sid, pain_after=3, now=LATER)
    store.amend_session(sid, pain_after=None, now=LATER + 60)
    store.amend_session(sid, pain_after=2, now=LATER + 120)
    history = store.amendments(sid)
    assert [(a.old_value, a.new_value) for a in history] == [("4", "3"), ("3", None), (None, "2")]
    assert {a.original for a in history} == {"4"}
    assert [a.changed_ts for a in history] == [LATER, LATER + 60, LATER + 120]
    assert store.session(sid).pain_after == 2


def test_a_first_rating_records_not_rated_as_the_original(store: Store) -> None:
    sid = logged(store, pain=(None, None), notes="")
    made = store.amend_session(sid, pain_after=5, notes="Added the next day.", now=LATER)
    assert [(a.field, a.old_value, a.new_value) for a in made] == [
        ("pain_after", None, "5"),
        ("notes", "", "Added the next day."),
    ]


def test_notes_are_kept_exactly_as_written(store: Store) -> None:
    sid = logged(store)
    written = "  Left shoulder:\n\t- tingling  \n\nRight: fine\r\n"
    store.amend_session(sid, notes=written, now=LATER)
    assert store.session(sid).notes == written
    assert store.amendments(sid)[0].new_value == written


def test_the_amendments_of_one_session_are_its_own(store: Store) -> None:
    first, second = logged(store), logged(store)
    store.amend_session(first, pain_after=1, now=LATER)
    assert store.amendments(second) == []
    assert [a.session_id for a in store.amendments(first)] == [first]


# ------------------------------------------------------------------ no change


def test_the_same_values_record_nothing(store: Store) -> None:
    sid = logged(store, pain=(6, 4), notes="Felt warm.")
    assert store.amend_session(sid) == []
    assert store.amend_session(sid, pain_after=4, notes="Felt warm.", status="completed") == []
    assert amendment_rows(store) == []
    made = store.amend_session(sid, pain_after=4, notes="Felt cold.", now=LATER)
    assert [a.field for a in made] == ["notes"]  # only what changed


def test_leaving_an_interrupted_session_interrupted_records_nothing(store: Store) -> None:
    sid = logged(store, status="interrupted")
    assert store.amend_session(sid, status="interrupted") == []
    assert store.session(sid).status == "interrupted"
    assert amendment_rows(store) == []


# ------------------------------------------------------------------ bad values


@pytest.mark.parametrize(
    "change",
    [
        {"pain_after": 11},
        {"pain_after": -1},
        {"pain_after": True},
        {"pain_after": "3"},
        {"pain_after": 2.5},
        {"notes": None},
        {"notes": 42},
        {"status": "running"},
        {"status": "done"},
        {"status": None},
        {"pain_after": 2, "status": "finished"},
    ],
)
def test_bad_values_are_refused_and_nothing_changes(store: Store, change: dict) -> None:
    sid = logged(store)
    before = store.session(sid)
    with pytest.raises(AmendmentError, match="Nothing was changed in the session log") as caught:
        store.amend_session(sid, **change)
    assert isinstance(caught.value, ValueError)
    assert str(store.path) in str(caught.value)
    assert store.session(sid) == before
    assert store.amendments(sid) == []


def test_notes_too_long_are_refused(store: Store) -> None:
    sid = logged(store)
    with pytest.raises(NotesTooLong, match="at most"):
        store.amend_session(sid, pain_after=1, notes="x" * (MAX_NOTES + 1))
    assert store.session(sid).pain_after == 4
    assert store.amendments(sid) == []
    store.amend_session(sid, notes="x" * MAX_NOTES, now=LATER)
    assert len(store.session(sid).notes) == MAX_NOTES


def test_an_unknown_session_is_refused(store: Store) -> None:
    with pytest.raises(AmendmentError, match="no session nope"):
        store.amend_session("nope", pain_after=3)


def test_a_running_session_is_not_amended(store: Store) -> None:
    sid = logged(store, status="running")
    with pytest.raises(AmendmentError, match="still running"):
        store.amend_session(sid, notes="early")
    assert store.session(sid).notes == "Felt warm."
    assert store.amendments(sid) == []


# ------------------------------------------------------------------ status


@pytest.mark.parametrize("finished", ["completed", "stopped"])
def test_an_interrupted_session_can_be_finished_later(store: Store, finished: str) -> None:
    sid = logged(store, status="interrupted")
    assert store.unreviewed_interrupted()[0].id == sid
    ended = store.session(sid).ended_ts
    made = store.amend_session(sid, status=finished, pain_after=2, now=LATER)
    assert [(a.field, a.old_value, a.new_value) for a in made] == [
        ("pain_after", "4", "2"),
        ("status", "interrupted", finished),
    ]
    row = store.session(sid)
    assert (row.status, row.pain_after, row.reviewed) == (finished, 2, True)
    assert row.ended_ts == ended  # when it stopped stays what it was
    assert [s.outcome for s in store.steps(sid)] == ["completed"]  # the steps are what happened
    assert store.unreviewed_interrupted() == []


@pytest.mark.parametrize(
    ("logged_as", "asked"),
    [
        ("completed", "stopped"),
        ("completed", "interrupted"),
        ("stopped", "completed"),
        ("stopped", "interrupted"),
    ],
)
def test_a_finished_session_keeps_its_status(store: Store, logged_as: str, asked: str) -> None:
    sid = logged(store, status=logged_as)
    with pytest.raises(AmendmentError, match="only an interrupted session"):
        store.amend_session(sid, status=asked, pain_after=1)
    row = store.session(sid)
    assert (row.status, row.pain_after) == (logged_as, 4)
    assert store.amendments(sid) == []


def test_a_finished_interrupted_session_cannot_be_changed_again(store: Store) -> None:
    sid = logged(store, status="interrupted")
    store.amend_session(sid, status="completed", now=LATER)
    with pytest.raises(AmendmentError):
        store.amend_session(sid, status="stopped")
    assert store.amend_session(sid, status="completed") == []
    assert [a.original for a in store.amendments(sid)] == ["interrupted"]


# ------------------------------------------------------------------ one transaction, the file


def test_amendment_and_session_change_together_or_not_at_all(store: Store) -> None:
    sid = logged(store)
    store.conn.execute(
        "CREATE TRIGGER no_change BEFORE UPDATE OF pain_after ON sessions BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    with pytest.raises(sqlite3.DatabaseError, match="refused"):
        store.amend_session(sid, pain_after=1, notes="new")
    assert amendment_rows(store) == []
    assert store.session(sid).notes == "Felt warm."
    assert not store.conn.in_transaction


def test_amendments_survive_reopening_the_store(data_dir) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    sid = logged(store, status="interrupted")
    store.amend_session(sid, status="stopped", notes="Power cut; finished by hand.", now=LATER)
    store.close()
    again, report = open_store(data_dir.database)
    try:
        assert report.moved_aside is None and report.interrupted == []
        row = again.session(sid)
        assert (row.status, row.notes) == ("stopped", "Power cut; finished by hand.")
        history = again.amendments(sid)
        assert [(a.field, a.original, a.changed_ts) for a in history] == [
            ("notes", "Felt warm.", LATER),
            ("status", "interrupted", LATER),
        ]
    finally:
        again.close()
    reader, _ = open_store(data_dir.database, read_only=True)
    try:
        assert [a.field for a in reader.amendments(sid)] == ["notes", "status"]
        with pytest.raises(StoreReadOnly):
            reader.amend_session(sid, pain_after=1)
    finally:
        reader.close()


def old_log(path: Path) -> str:
    """A log as an app without amendments wrote it: the schema's tables only, one session."""
    conn = sqlite3.connect(path, isolation_level=None)
    configure(conn)
    migrate(conn, path)
    old = Store(conn, path)
    sid = logged(old)
    assert not {"session_amendments"} & {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    return sid


def test_a_log_from_before_the_table_gets_it_when_opened(data_dir) -> None:  # noqa: ANN001
    sid = old_log(data_dir.database)
    store, report = open_store(data_dir.database)
    try:
        assert report.moved_aside is None and report.reason == "" and not store.read_only
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "session_amendments" in tables
        assert store.amendments(sid) == []
        store.amend_session(sid, pain_after=2, now=LATER)
        assert store.session(sid).pain_after == 2
    finally:
        store.close()
    again, report = open_store(data_dir.database)  # the extra table is no reason to move the log aside
    try:
        assert report.moved_aside is None and report.message == ""
        assert [a.original for a in again.amendments(sid)] == ["4"]
    finally:
        again.close()


def test_a_log_that_lost_the_table_reads_empty_and_gets_it_back_at_the_first_amendment(data_dir) -> None:  # noqa: ANN001
    sid = old_log(data_dir.database)
    reader, _ = open_store(data_dir.database, read_only=True)  # read-only: nothing is created
    try:
        assert reader.amendments(sid) == []
    finally:
        reader.close()
    store, _ = open_store(data_dir.database)
    try:
        store.conn.execute("DROP TABLE session_amendments")  # as after a restore from an older backup
        assert store.amendments(sid) == []
        made = store.amend_session(sid, notes="Back again.", now=LATER)
        assert store.amendments(sid) == made and made[0].original == "Felt warm."
    finally:
        store.close()


def test_deleting_a_session_deletes_its_amendments(store: Store) -> None:
    keep, gone = logged(store), logged(store)
    store.amend_session(keep, pain_after=1, now=LATER)
    store.amend_session(gone, pain_after=2, now=LATER)
    store.delete_session(gone)
    assert [row[0] for row in amendment_rows(store)] == [keep]


def test_the_csv_export_carries_the_amended_values(store: Store) -> None:
    sid = logged(store, status="interrupted")
    store.amend_session(sid, pain_after=3, notes="Done later.", status="completed", now=LATER)
    out = io.StringIO(newline="")
    export_csv(store, out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert (row["session_id"], row["status"], row["pain_after"], row["notes"]) == (sid, "completed", "3", "Done later.")
