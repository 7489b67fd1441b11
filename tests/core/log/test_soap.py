"""SOAP notes, signing and addenda in the session log."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from massage_timer.core.log import (
    Addendum,
    AmendmentError,
    NoteError,
    NotesTooLong,
    SessionInfo,
    SessionSigned,
    SoapNote,
    Store,
    open_store,
)
from massage_timer.core.log import schema as schema_module
from massage_timer.core.text import MAX_NOTES

T0 = 1_767_603_600.0


def _session(store: Store, person: str = "Anna", start: float = T0, *, end: bool = True) -> str:
    sid = store.begin_session(SessionInfo("honey", "Honey massage", person, 3, pain_before=6), start)
    if end:
        store.end_session(sid, "completed", start + 900)
    return sid


def test_a_soap_note_is_saved_and_read_exactly_as_written(store: Store) -> None:
    sid = _session(store)
    assert store.soap(sid) is None
    note = SoapNote("  Slept badly.\n", "Tight trapezius", "", "Again in a week\n\n")
    store.save_soap(sid, note)
    assert store.soap(sid) == note  # blank space and line breaks kept
    assert not note.is_empty and SoapNote(" ", "\n", "", "").is_empty
    store.save_soap(sid, SoapNote(plan="Twice a week"))
    assert store.soap(sid) == SoapNote(plan="Twice a week")  # replaced as a whole
    assert store.session(sid).notes == ""  # the plain notes are another thing


def test_an_empty_note_writes_nothing_for_a_session_without_one(store: Store) -> None:
    sid = _session(store)
    store.save_soap(sid, SoapNote())
    assert store.soap(sid) is None
    assert store.soap_notes() == {}


def test_each_field_is_limited_and_the_message_names_it(store: Store) -> None:
    sid = _session(store)
    store.save_soap(sid, SoapNote(objective="x" * MAX_NOTES))
    with pytest.raises(NotesTooLong, match="Assessment") as caught:
        store.save_soap(sid, SoapNote(assessment="y" * (MAX_NOTES + 1)))
    assert str(store.path) in str(caught.value)
    assert store.soap(sid) == SoapNote(objective="x" * MAX_NOTES)  # unchanged


def test_a_soap_note_for_no_session_is_refused(store: Store) -> None:
    with pytest.raises(NoteError, match="holds no session"):
        store.save_soap("nope", SoapNote(plan="x"))


def test_signing_sets_the_time_once_and_a_second_signing_keeps_it(store: Store) -> None:
    sid = _session(store)
    assert store.session(sid).signed_ts is None
    assert store.sign_session(sid, T0 + 1000) == T0 + 1000
    assert store.sign_session(sid, T0 + 5000) == T0 + 1000  # a no-op
    assert store.session(sid).signed_ts == T0 + 1000
    assert store.sessions()[0].signed_ts == T0 + 1000


def test_a_running_session_cannot_be_signed(store: Store) -> None:
    sid = _session(store, end=False)
    with pytest.raises(NoteError, match="still running"):
        store.sign_session(sid, T0 + 60)
    assert store.session(sid).signed_ts is None


def test_a_signed_session_refuses_every_change_of_its_notes_pain_and_status(store: Store) -> None:
    sid = _session(store)
    store.update_session(sid, pain_after=2, notes="Calm")
    store.save_soap(sid, SoapNote("S", "O", "A", "P"))
    signed = store.sign_session(sid, T0 + 1000)
    moment = datetime.fromtimestamp(signed)
    when = f"{moment.day} {moment:%b %Y} at {moment:%H:%M}"
    attempts = [
        lambda: store.update_session(sid, notes="Changed"),
        lambda: store.update_session(sid, pain_after=5),
        lambda: store.update_session(sid, pain_before=1),
        lambda: store.amend_session(sid, notes="Changed"),
        lambda: store.amend_session(sid, pain_after=5),
        lambda: store.save_soap(sid, SoapNote(plan="Other")),
    ]
    for attempt in attempts:
        with pytest.raises(SessionSigned) as caught:
            attempt()
        assert str(caught.value) == f"This session was signed on {when}; add an addendum instead."
    row = store.session(sid)
    assert (row.pain_after, row.notes, row.status) == (2, "Calm", "completed")
    assert store.soap(sid) == SoapNote("S", "O", "A", "P")
    assert store.amendments(sid) == []
    store.update_session(sid, reviewed=True)  # not the notes: still allowed


def test_a_signed_interrupted_session_is_neither_finished_nor_continued(store: Store) -> None:
    sid = _session(store, end=False)
    store.mark_interrupted()
    store.sign_session(sid, T0 + 2000)
    with pytest.raises(SessionSigned):
        store.amend_session(sid, status="completed")
    with pytest.raises(SessionSigned):
        store.resume_session(sid, T0 + 3000)
    assert store.session(sid).status == "interrupted"


def test_an_unsigned_running_session_is_still_refused_by_amend(store: Store) -> None:
    sid = _session(store, end=False)
    with pytest.raises(AmendmentError):
        store.amend_session(sid, notes="x")


def test_addenda_only_on_signed_sessions_numbered_in_order(store: Store) -> None:
    sid = _session(store)
    with pytest.raises(NoteError, match="not signed"):
        store.add_addendum(sid, "Later", T0 + 2000)
    store.sign_session(sid, T0 + 1000)
    first = store.add_addendum(sid, "Called: pain gone.\n", T0 + 86400)
    second = store.add_addendum(sid, "Bruise on the left shoulder", T0 + 2 * 86400)
    assert first == Addendum(sid, 1, T0 + 86400, "Called: pain gone.\n")
    assert [(a.n, a.text) for a in store.addenda(sid)] == [(1, first.text), (2, second.text)]
    for bad in ("", "  \n "):
        with pytest.raises(NoteError, match="empty"):
            store.add_addendum(sid, bad, T0)
    with pytest.raises(NotesTooLong):
        store.add_addendum(sid, "z" * (MAX_NOTES + 1), T0)
    assert len(store.addenda(sid)) == 2
    other = _session(store, start=T0 + 5000)
    store.sign_session(other, T0 + 6000)
    assert store.add_addendum(other, "Own numbering", T0 + 7000).n == 1


def test_last_plan_by_person_text(store: Store) -> None:
    old = _session(store, "Anna", T0)
    store.save_soap(old, SoapNote(plan="Warm up the neck first"))
    newer = _session(store, "Anna", T0 + 86400)
    store.save_soap(newer, SoapNote(subjective="Better", plan="  \n"))  # a blank plan is no plan
    latest = _session(store, "Anna", T0 + 2 * 86400)  # no SOAP note at all
    other = _session(store, "anna", T0 + 3 * 86400)
    store.save_soap(other, SoapNote(plan="Not Anna's"))
    found = store.last_plan(None, "Anna")
    assert found is not None
    row, plan = found
    assert (row.id, plan) == (old, "Warm up the neck first")
    assert store.last_plan(None, "Anna", before_ts=T0) is None  # only earlier sessions
    assert store.last_plan(None, "Joe") is None
    store.save_soap(latest, SoapNote(plan="Go on"))
    assert store.last_plan(None, "Anna")[1] == "Go on"
    assert store.last_plan(None, "Anna", before_ts=T0 + 2 * 86400)[0].id == old


def test_last_plan_by_client(store: Store) -> None:
    a = _session(store, "Anna", T0)
    b = _session(store, "Anna K.", T0 + 86400)
    store.save_soap(a, SoapNote(plan="Plan A"))
    store.save_soap(b, SoapNote(plan="Plan B"))
    store.conn.execute("INSERT INTO clients (id, name, created_ts) VALUES ('c1', 'Anna', ?)", (T0,))
    store.conn.execute("UPDATE sessions SET client_id='c1' WHERE id IN (?, ?)", (a, b))
    found = store.last_plan("c1", "someone else")
    assert found is not None and (found[0].id, found[1]) == (b, "Plan B")
    assert store.last_plan("c2", "Anna") is None  # the client decides, not the person text


def test_deleting_a_session_deletes_its_note_and_addenda(store: Store) -> None:
    sid = _session(store)
    keep = _session(store, start=T0 + 5000)
    for s in (sid, keep):
        store.save_soap(s, SoapNote(plan="P"))
        store.sign_session(s, T0 + 9000)
        store.add_addendum(s, "A", T0 + 9500)
    store.delete_session(sid)
    count = store.conn.execute
    assert count("SELECT COUNT(*) FROM soap_notes WHERE session_id=?", (sid,)).fetchone()[0] == 0
    assert count("SELECT COUNT(*) FROM addenda WHERE session_id=?", (sid,)).fetchone()[0] == 0
    assert store.soap(keep) == SoapNote(plan="P") and len(store.addenda(keep)) == 1


def test_writes_to_a_read_only_log_are_refused(store: Store, data_dir) -> None:  # noqa: ANN001
    from massage_timer.core.log import StoreReadOnly

    sid = _session(store)
    reader = store.reader()
    try:
        with pytest.raises(StoreReadOnly):
            reader.save_soap(sid, SoapNote(plan="x"))
        with pytest.raises(StoreReadOnly):
            reader.sign_session(sid, T0)
    finally:
        reader.close()


def test_a_schema_5_log_migrated_has_no_notes_signatures_or_addenda(data_dir) -> None:  # noqa: ANN001
    conn = sqlite3.connect(data_dir.database, isolation_level=None)
    for version in range(1, 6):
        for statement in schema_module.statements(schema_module.MIGRATIONS[version]):
            conn.execute(statement)
    conn.execute("PRAGMA user_version=5")
    conn.execute(
        "INSERT INTO sessions (id, protocol_id, protocol_title, person, started_ts, ended_ts, status, steps_total,"
        " notes) VALUES ('s1', 'honey', 'Honey massage', 'Anna', ?, ?, 'completed', 3, 'Old notes')",
        (T0, T0 + 900),
    )
    conn.close()
    store, _report = open_store(data_dir.database, backups=data_dir.backups)
    try:
        row = store.session("s1")
        assert (row.notes, row.signed_ts) == ("Old notes", None)
        assert store.soap("s1") is None and store.addenda("s1") == []
        assert store.last_plan(None, "Anna") is None
        store.save_soap("s1", SoapNote(plan="From now on"))  # the migrated log takes notes
        assert store.last_plan(None, "Anna")[1] == "From now on"
    finally:
        store.close()


def test_the_exports_carry_the_soap_note_and_the_signing_time(store: Store) -> None:
    import csv
    import io
    import json

    from massage_timer.core.log import CSV_COLUMNS, export_csv, iso_utc, write_export

    assert CSV_COLUMNS[-5:] == ("soap_subjective", "soap_objective", "soap_assessment", "soap_plan", "signed_at")
    plain = _session(store, "Joe", T0)
    sid = _session(store, "Anna", T0 + 1000)
    store.save_soap(sid, SoapNote("=1+1 said the client", "Line one\nline two", "-better", "@next week"))
    store.sign_session(sid, T0 + 2000)
    out = io.StringIO()
    assert export_csv(store, out) == 2
    rows = {r["session_id"]: r for r in csv.DictReader(io.StringIO(out.getvalue(), newline=""))}
    row = rows[sid]
    assert row["soap_subjective"] == "'=1+1 said the client"  # formulas neutralised
    assert (row["soap_objective"], row["soap_assessment"], row["soap_plan"]) == (
        "Line one\nline two",
        "'-better",
        "'@next week",
    )
    assert row["signed_at"] == iso_utc(T0 + 2000)
    assert [rows[plain][c] for c in CSV_COLUMNS[-5:]] == [""] * 5
    out = io.StringIO()
    write_export(store, out, "json")
    items = {i["session_id"]: i for i in json.loads(out.getvalue())}
    assert items[sid]["soap_subjective"] == "=1+1 said the client"  # JSON keeps the text as written
    assert items[sid]["signed_at"] == iso_utc(T0 + 2000) and items[plain]["signed_at"] == ""
