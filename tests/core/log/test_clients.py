"""The clients of the session log: the upgrade that makes them, search, archive, delete, merge,
the linking of new sessions (and of replayed ones), History's choices and remembered answers."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from massage_timer.core.log import (
    Client,
    ClientError,
    Filter,
    PendingWrites,
    RememberedAnswer,
    SessionInfo,
    SessionRecorder,
    Store,
    StoreReadOnly,
    open_store,
)
from massage_timer.core.log import schema as schema_module
from massage_timer.core.log.schema import check_log
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.events import Outcome, StepRun
from massage_timer.core.session.plan import build_plan
from massage_timer.core.text import MAX_NOTES

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC).timestamp()
DAY = 86400.0


def info(person: str, client_id: str | None = None, protocol: str = "honey") -> SessionInfo:
    return SessionInfo(
        protocol_id=protocol, protocol_title=protocol.title(), person=person, steps_total=2, client_id=client_id
    )


def run(seq: int, started: float, planned: int | None, step_id: str | None = None) -> StepRun:
    return StepRun(
        seq=seq,
        index=seq - 1,
        step_id=step_id or f"step-{seq}",
        title=f"Step {seq}",
        side=None,
        timed=planned is not None,
        planned=planned,
        initial_planned=planned,
        started_wall=started,
        ended_wall=started + 60,
        active=60.0,
        outcome=Outcome.COMPLETED,
    )


def finished(store: Store, person: str, started: float, **kw: object) -> str:
    sid = store.begin_session(info(person, **kw), started)  # type: ignore[arg-type]
    store.save_step(sid, run(1, started, 120))
    store.end_session(sid, "completed", started + 120)
    return sid


def names(clients: list[Client]) -> list[str]:
    return [c.name for c in clients]


# ------------------------------------------------------------------ the upgrade (schema 5 to 6)


def _schema_5_log(path, persons: list[str]) -> None:  # noqa: ANN001
    conn = sqlite3.connect(path, isolation_level=None)
    for version in range(1, 6):
        for statement in schema_module.statements(schema_module.MIGRATIONS[version]):
            conn.execute(statement)
    conn.execute("PRAGMA user_version=5")
    for n, person in enumerate(persons):
        conn.execute(
            "INSERT INTO sessions (id, protocol_id, protocol_title, person, started_ts, status, steps_total)"
            " VALUES (?, 'honey', 'Honey', ?, ?, 'completed', 1)",
            (f"s{n}", person, START + n * DAY),
        )
    conn.close()


def test_the_upgrade_makes_one_client_per_exact_person_text(data_dir) -> None:  # noqa: ANN001
    _schema_5_log(data_dir.database, ["Anna", "anna ", "Anna", "", "Борис"])
    store, report = open_store(data_dir.database, backups=data_dir.backups)
    try:
        assert report.backup is not None
        check_log(store.conn)
        clients = store.clients()
        assert sorted(names(clients)) == ["Anna", "anna ", "Борис"]  # the migration keeps the text as it was
        by_name = {c.name: c for c in clients}
        assert by_name["Anna"].sessions == 2 and by_name["Anna"].last_ts == START + 2 * DAY
        assert by_name["anna "].sessions == 1
        assert [s.id for s in store.client_sessions(by_name["Anna"].id)] == ["s2", "s0"]  # newest first
        assert store.session("s3").client_id is None  # no person, no client
        assert store.session("s1").client_id == by_name["anna "].id
        (group,) = store.near_duplicates()
        assert sorted(names(group)) == ["Anna", "anna "]
    finally:
        store.close()


def test_an_older_log_opened_read_only_shows_its_sessions_and_no_clients(data_dir) -> None:  # noqa: ANN001
    _schema_5_log(data_dir.database, ["Anna", "Boris"])
    store, _ = open_store(data_dir.database, read_only=True)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == 5  # not upgraded
        assert [(s.person, s.client_id, s.signed_ts) for s in store.sessions()] == [
            ("Boris", None, None),
            ("Anna", None, None),
        ]
        assert store.session("s0").person == "Anna"
        assert store.clients() == [] and store.find_client("Anna") is None and store.near_duplicates() == []
        assert store.client_choices() == [] and store.remembered_answers("x", "honey") == {}
    finally:
        store.close()


# ------------------------------------------------------------------ adding, checking, finding


def test_a_client_is_added_with_its_name_as_typed(store) -> None:  # noqa: ANN001
    client = store.add_client("  Anna  Petrova ", born="1954-03-02", side="both", level="lower", now=START)
    assert client.name == "Anna  Petrova"  # only the outer white space goes
    assert store.client(client.id) == client
    assert (client.sessions, client.last_ts, client.archived, client.created_ts) == (0, None, False, START)
    assert store.find_client("anna petrova") == client
    assert store.find_client("ANNA   PETROVA\t") == client
    assert store.find_client("Anna Petrov") is None
    assert store.find_client("   ") is None


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"name": "   "}, "the name is empty"),
        ({"name": "A" * 201}, "201 characters long"),
        ({"name": "Anna\nPetrova"}, "control character (U+000A)"),
        ({"name": "Anna", "born": "1954-02-30"}, "not a date written as year-month-day"),
        ({"name": "Anna", "born": "02.03.1954"}, "not a date written as year-month-day"),
        ({"name": "Anna", "born": "2027-01-01"}, "is in the future"),
        ({"name": "Anna", "side": "middle"}, "not one of left, right or both"),
        ({"name": "Anna", "level": "neck"}, "not one of upper or lower"),
        ({"name": "Anna", "notes": "x" * (MAX_NOTES + 1)}, "at most 20,000"),
    ],
)
def test_a_bad_client_is_refused_with_a_plain_message(store, fields, words) -> None:  # noqa: ANN001
    with pytest.raises(ClientError) as caught:
        store.add_client(**fields, now=START)
    assert words in str(caught.value) and str(store.path) in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert store.clients(archived=None) == []


def test_a_client_is_changed_field_by_field(store) -> None:  # noqa: ANN001
    client = store.add_client("Anna", notes="Knee hurts", now=START)
    sid = finished(store, "Anna", START + DAY)
    changed = store.update_client(client.id, name=" Anna P. ", born="1954-03-02")
    assert (changed.name, changed.born, changed.notes, changed.sessions) == ("Anna P.", "1954-03-02", "Knee hurts", 1)
    assert store.update_client(client.id, born=None, side="left").born is None
    assert store.session(sid).person == "Anna"  # what was logged at the time
    with pytest.raises(ClientError, match="control character"):
        store.update_client(client.id, notes="ok", name="A\x1b")
    assert store.client(client.id).notes == "Knee hurts"  # nothing of a refused change is written
    with pytest.raises(ClientError, match="it has no client nobody"):
        store.update_client("nobody", name="X")


def test_search_is_case_and_accent_blind_in_any_script(store) -> None:  # noqa: ANN001
    for name in ("Анна Иванова", "Ёлкина Вера", "Joanne", "anna", "Boris", "José", "Йоган"):
        store.add_client(name, now=START)
    assert names(store.clients("анна")) == ["Анна Иванова"]
    assert names(store.clients("АННА ИВ")) == ["Анна Иванова"]
    assert names(store.clients("ган")) == ["Йоган"]
    assert names(store.clients("елкин")) == ["Ёлкина Вера"]
    assert names(store.clients("AN")) == ["anna", "Joanne"]  # sorted by name, case aside
    assert names(store.clients("jose")) == ["José"]
    assert names(store.clients("иоган")) == []  # й is a letter of its own
    assert names(store.clients("nobody")) == []
    assert names(store.clients(limit=2)) == ["anna", "Boris"]
    assert len(store.clients("")) == 7


def test_archived_clients_are_hidden_until_asked_for(store) -> None:  # noqa: ANN001
    anna = store.add_client("Anna", now=START)
    store.add_client("Boris", now=START)
    store.archive_client(anna.id, now=START + DAY)
    assert names(store.clients()) == ["Boris"]
    assert names(store.clients(archived=True)) == ["Anna"]
    assert names(store.clients(archived=None)) == ["Anna", "Boris"]
    assert store.find_client("anna") is None and store.client(anna.id).archived
    # A session for that name now makes a new client: the archived one stays as it was.
    sid = finished(store, "Anna", START + 2 * DAY)
    assert store.session(sid).client_id != anna.id
    store.archive_client(anna.id, archived=False)
    assert not store.client(anna.id).archived
    assert store.find_client("anna").id == anna.id  # the oldest of the two
    with pytest.raises(ClientError):
        store.archive_client("nobody")


def test_reads_work_and_writes_are_refused_on_a_read_only_log(store) -> None:  # noqa: ANN001
    anna = store.add_client("Anna", now=START)
    reader = store.reader()
    try:
        assert names(reader.clients()) == ["Anna"]
        assert reader.find_client("ANNA").id == anna.id
        with pytest.raises(StoreReadOnly):
            reader.add_client("Boris")
        with pytest.raises(StoreReadOnly):
            reader.remember_answers(anna.id, "honey", {"fever": False}, START)
    finally:
        reader.close()


# ------------------------------------------------------------------ deleting


def test_deleting_a_client_deletes_its_sessions_and_nothing_else(store) -> None:  # noqa: ANN001
    anna = store.add_client("Anna", now=START)
    mine = [finished(store, "Anna", START + n * DAY) for n in range(3)]
    other = finished(store, "Boris", START)
    store.remember_answers(anna.id, "honey", {"fever": False}, START)
    assert store.delete_client(anna.id) == 3
    assert store.client(anna.id) is None
    assert all(store.session(sid) is None and store.steps(sid) == [] for sid in mine)
    assert store.session(other) is not None and len(store.steps(other)) == 1
    assert store.conn.execute("SELECT COUNT(*) FROM safety_answers").fetchone()[0] == 0
    with pytest.raises(ClientError, match="no client"):
        store.delete_client(anna.id)


def test_a_client_with_a_session_running_is_not_deleted(store) -> None:  # noqa: ANN001
    sid = store.begin_session(info("Anna"), START)
    client_id = store.session(sid).client_id
    with pytest.raises(ClientError, match="running now"):
        store.delete_client(client_id)
    assert store.session(sid) is not None and store.client(client_id) is not None


# ------------------------------------------------------------------ near duplicates and merging


def test_near_duplicates_group_case_space_and_accents(store) -> None:  # noqa: ANN001
    for name in ("Anna", "anna  ", "ANNA", "Ёлкина", "Елкина", "Boris", "Borís", "Vera"):
        store.add_client(name, now=START)
    gone = store.add_client("Vera ", now=START)
    store.archive_client(gone.id)
    groups = [sorted(names(g)) for g in store.near_duplicates()]
    assert groups == [["ANNA", "Anna", "anna"], ["Boris", "Borís"], ["Ёлкина", "Елкина"]]


def test_merging_moves_sessions_and_keeps_what_was_logged(store) -> None:  # noqa: ANN001
    anna = store.add_client("Anna", notes="Knee.", now=START)
    other = store.add_client("anna", born="1954-03-02", notes="Left knee.", level="lower", now=START)
    third = store.add_client("ANNA", notes="Knee.", now=START)
    a = finished(store, "Anna", START)
    b = finished(store, "anna ", START + DAY, client_id=other.id)
    c = finished(store, "ANNA", START + 2 * DAY, client_id=third.id)
    store.remember_answers(anna.id, "honey", {"fever": False, "wound": False}, START)
    store.remember_answers(other.id, "honey", {"fever": True}, START + DAY)  # newer: wins
    store.remember_answers(third.id, "honey", {"wound": True}, START - DAY)  # older: loses
    store.remember_answers(third.id, "cups", {"wound": True}, START - DAY)  # the only one: kept

    outcome = store.merge_clients(anna.id, [other.id, third.id, other.id])
    assert (outcome.sessions_moved, outcome.clients_merged, outcome.answers_kept) == (2, 2, 3)
    kept = outcome.kept
    assert (kept.id, kept.name, kept.sessions, kept.last_ts) == (anna.id, "Anna", 3, START + 2 * DAY)
    assert (kept.born, kept.level, kept.notes) == ("1954-03-02", "lower", "Knee.\n\nLeft knee.")
    assert [store.session(s).person for s in (a, b, c)] == ["Anna", "anna ", "ANNA"]
    assert {store.session(s).client_id for s in (a, b, c)} == {anna.id}
    assert store.client(other.id) is None and store.client(third.id) is None
    assert store.remembered_answers(anna.id, "honey") == {
        "fever": RememberedAnswer(True, START + DAY),
        "wound": RememberedAnswer(False, START),
    }
    assert store.remembered_answers(anna.id, "cups") == {"wound": RememberedAnswer(True, START - DAY)}


def test_a_merge_that_cannot_be_done_changes_nothing(store) -> None:  # noqa: ANN001
    anna = store.add_client("Anna", now=START)
    boris = store.add_client("Boris", notes="x" * MAX_NOTES, now=START)
    finished(store, "Boris", START)
    with pytest.raises(ClientError, match="into itself"):
        store.merge_clients(anna.id, [anna.id])
    with pytest.raises(ClientError, match="no client nobody"):
        store.merge_clients(anna.id, ["nobody"])
    with pytest.raises(ClientError, match="choose the clients"):
        store.merge_clients(anna.id, [])
    store.update_client(anna.id, notes="Knee.")
    with pytest.raises(ClientError, match="Shorten the notes"):
        store.merge_clients(anna.id, [boris.id])
    assert store.client(boris.id).sessions == 1 and store.client(anna.id).sessions == 0


# ------------------------------------------------------------------ linking new sessions


def test_a_new_session_joins_its_client_or_makes_one(store) -> None:  # noqa: ANN001
    anna = store.add_client("Anna", now=START)
    first = store.begin_session(info("  ANNA "), START)
    assert store.session(first).client_id == anna.id and store.session(first).person == "  ANNA "
    second = store.begin_session(info("Борис "), START + DAY)
    boris = store.find_client("борис")
    assert boris is not None and boris.name == "Борис" and boris.created_ts == START + DAY
    assert store.session(second).client_id == boris.id
    third = store.begin_session(info("Someone else", client_id=anna.id), START + 2 * DAY)
    assert store.session(third).client_id == anna.id  # the client chosen wins over the text
    fourth = store.begin_session(info("Vera", client_id="gone"), START + 3 * DAY)
    assert store.session(fourth).client_id == store.find_client("Vera").id  # an unknown client: by the text
    fifth = store.begin_session(info(" "), START + 4 * DAY)
    assert store.session(fifth).client_id is None
    assert names(store.clients()) == ["Anna", "Vera", "Борис"]


def test_a_replayed_session_is_linked_once(store) -> None:  # noqa: ANN001
    journal = PendingWrites()
    journal.add_begin("s1", info("Anna"), START)
    journal.add_step("s1", info("Anna"), START, run(1, START, 120))
    journal.write_to(store)
    client = store.find_client("Anna")
    assert client is not None and store.session("s1").client_id == client.id
    again = PendingWrites()  # the same writes once more (a journal replayed twice)
    again.add_begin("s1", info("Anna"), START)
    again.write_to(store)
    assert len(store.clients()) == 1 and store.client(client.id).sessions == 1


def test_a_continued_session_keeps_its_client(store, fake_clock, make_protocol) -> None:  # noqa: ANN001
    anna = store.add_client("Anna", now=START)
    sid = store.begin_session(info("Somebody", client_id=anna.id), START)
    store.mark_interrupted()
    engine = SessionEngine(build_plan(make_protocol(), side="left"), fake_clock)
    recorder = SessionRecorder.resume(store, engine, sid)
    assert recorder.info.client_id == anna.id


def test_bulk_sessions_are_linked_to_clients_made_first(store) -> None:  # noqa: ANN001
    anna = store.add_client("Anna", now=START)
    rows = [
        (
            f"b{n}",
            "honey",
            "Honey",
            "",
            None,
            person,
            "",
            None,
            None,
            START + n,
            0,
            START + n + 60,
            "completed",
            1,
            None,
            None,
            "",
            1,
        )
        for n, person in enumerate(["anna", "Boris", "Boris", ""])
    ]
    rows.append(
        (
            "b9",
            "honey",
            "Honey",
            "",
            None,
            "Anything",
            "",
            None,
            None,
            START,
            0,
            START,
            "completed",
            1,
            None,
            None,
            "",
            1,
            anna.id,
        )
    )
    store.bulk_insert(rows, [])
    boris = store.find_client("boris")
    assert boris is not None and boris.sessions == 2 and boris.created_ts == START + 1
    assert [store.session(f"b{n}").client_id for n in (0, 3, 9)] == [anna.id, None, anna.id]


# ------------------------------------------------------------------ History and repeating


def test_history_filters_by_client_and_tells_same_names_apart(store) -> None:  # noqa: ANN001
    born = store.add_client("Anna", born="1954-03-02", now=START)
    plain = store.add_client("Anna", now=START + 1)
    later = store.add_client("Anna", now=START + 2)
    boris = store.add_client("Boris", now=START)
    idle = store.add_client("Vera", now=START)
    for client in (born, plain, later, boris):
        finished(store, client.name, START + DAY, client_id=client.id)
    finished(store, "Boris", START + 5 * DAY, client_id=boris.id)
    assert store.client_choices(Filter()) == [
        (born.id, "Anna (born 1954-03-02)"),
        (plain.id, "Anna (2)"),
        (later.id, "Anna (3)"),
        (boris.id, "Boris"),
    ]
    assert idle.id not in dict(store.client_choices())
    assert store.client_choices(Filter(since_ts=START + 3 * DAY, client_id=born.id)) == [(boris.id, "Boris")]
    assert [s.client_id for s in store.sessions(Filter(client_id=boris.id))] == [boris.id, boris.id]
    assert store.count(Filter(client_id=plain.id)) == 1


def test_the_last_session_and_its_durations_for_a_repeat(store) -> None:  # noqa: ANN001
    anna = store.add_client("Anna", now=START)
    old = finished(store, "Anna", START)
    cups = store.begin_session(info("Anna", protocol="cups"), START + DAY)
    store.save_step(cups, run(1, START + DAY, 300, "warm-up"))
    store.save_step(cups, run(2, START + DAY, None, "torch"))
    store.save_step(cups, run(3, START + DAY, 600, "wait"))
    store.save_step(cups, run(4, START + DAY, 900, "wait"))  # the second side: the last run wins
    assert store.last_session(anna.id).id == cups
    assert store.last_session(anna.id, "honey").id == old
    assert store.last_session(anna.id, "nothing") is None
    assert store.last_session("nobody") is None
    assert store.planned_durations(cups) == {"warm-up": 300, "wait": 900}


# ------------------------------------------------------------------ remembered answers


def test_answers_are_remembered_per_client_and_protocol(store) -> None:  # noqa: ANN001
    anna = store.add_client("Anna", now=START)
    boris = store.add_client("Boris", now=START)
    store.remember_answers(anna.id, "honey", {"fever": False, "wound": True}, START)
    store.remember_answers(anna.id, "honey", {"fever": True}, START + DAY)
    store.remember_answers(boris.id, "honey", {"fever": False}, START)
    assert store.remembered_answers(anna.id, "honey") == {
        "fever": RememberedAnswer(True, START + DAY),
        "wound": RememberedAnswer(True, START),
    }
    assert store.remembered_answers(anna.id, "cups") == {}
    assert store.remembered_answers(boris.id, "honey") == {"fever": RememberedAnswer(False, START)}
    with pytest.raises(ClientError, match="no client nobody"):
        store.remember_answers("nobody", "honey", {"fever": False}, START)
    with pytest.raises(ClientError, match="not yes or no"):
        store.remember_answers(anna.id, "honey", {"fever": 1}, START)  # type: ignore[dict-item]


def test_the_date_of_birth_check_uses_the_day_of_adding(store) -> None:  # noqa: ANN001
    today = date.fromtimestamp(START)
    assert store.add_client("Anna", born=today.isoformat(), now=START).born == today.isoformat()
    with pytest.raises(ClientError, match="in the future"):
        store.add_client("Anna", born=(today + timedelta(days=1)).isoformat(), now=START)
