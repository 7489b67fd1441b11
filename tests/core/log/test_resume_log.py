"""What the log holds of a session continued after an interruption: one row, runs appended, its status."""

from __future__ import annotations

from pathlib import Path

import pytest

from massage_timer.core.clock import FakeClock
from massage_timer.core.log import AmendmentError, SessionInfo, SessionRecorder, Store, is_resumption, open_store
from massage_timer.core.protocols.format import LoadedProtocol
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.plan import build_plan
from massage_timer.core.session.resume import plan_continuation

MIN = 60


def first_part(store: Store, clock: FakeClock, protocol) -> tuple[str, LoadedProtocol]:  # noqa: ANN001
    """Warm up done, 2 of the 5 minutes of "cups (left)" gone: then the app quits to continue later."""
    lp = LoadedProtocol(protocol, Path(f"{protocol.id}.toml"), source=b"v1")
    plan = build_plan(protocol, side="both")
    engine = SessionEngine(plan, clock)
    info = SessionInfo(protocol.id, protocol.title, "Anna", len(plan), protocol_sha256=lp.sha256, side="both")
    recorder = SessionRecorder(store, engine, info)
    engine.start()
    clock.advance(5 * MIN)  # warm-up ran its five minutes: cups (left) starts
    engine.poll()
    clock.advance(30)
    engine.adjust(+3 * MIN)  # cups (left): 5 min now
    clock.advance(90)
    recorder.keep_for_later()
    engine.stop()
    assert recorder.session_id is not None
    return recorder.session_id, lp


def test_quitting_to_continue_later_leaves_it_interrupted_with_the_time_so_far(make_protocol, fake_clock, store):
    sid, _ = first_part(store, fake_clock, make_protocol())
    row = store.session(sid)
    assert (row.status, row.reviewed, row.ended_ts) == ("interrupted", False, fake_clock.wall())
    assert [(s.seq, s.step_id, s.side, s.outcome, s.active_seconds, s.planned) for s in store.steps(sid)] == [
        (1, "warm-up", None, "completed", 300.0, 300),
        (2, "cups", "left", "interrupted", 120.0, 300),
    ]
    assert store.unreviewed_interrupted() == [row]  # the next start asks about it
    assert store.amendments(sid) == []


def test_the_continuation_is_the_same_session_with_runs_appended(make_protocol, fake_clock, store, data_dir):
    protocol = make_protocol()
    sid, lp = first_part(store, fake_clock, protocol)
    fake_clock.advance(600)
    resumed_at = fake_clock.wall()
    cont = plan_continuation(store.session(sid), store.steps(sid), lp, fake_clock.wall())
    assert (cont.index, cont.remaining, cont.next_seq) == (1, 3 * MIN, 3)
    engine = SessionEngine(list(cont.plan), fake_clock)
    recorder = SessionRecorder.resume(store, engine, sid)
    row = store.session(sid)
    assert (row.status, row.ended_ts, row.reviewed) == ("running", None, True)
    assert recorder.info.person == "Anna" and recorder.info.side == "both"
    engine.start_at(cont.index, cont.remaining)
    assert recorder.session_id == sid
    fake_clock.advance(3 * MIN)  # cups (left) rings and waits
    engine.poll()
    engine.next()
    fake_clock.advance(2 * MIN)
    engine.poll()  # cups (right): 2 min, waits
    engine.next()
    fake_clock.advance(MIN)
    engine.next()  # rest, untimed: done
    assert engine.state == "finished"

    assert store.count() == 1
    row = store.session(sid)
    assert (row.status, row.started_ts, row.ended_ts) == ("completed", 1_767_603_600.0, fake_clock.wall())
    assert [(s.seq, s.step_index, s.step_id, s.side, s.outcome, s.active_seconds) for s in store.steps(sid)] == [
        (1, 0, "warm-up", None, "completed", 300.0),
        (2, 1, "cups", "left", "interrupted", 120.0),  # the partial run, as it was logged
        (3, 1, "cups", "left", "completed", 180.0),  # its continuation: the 3 minutes left
        (4, 2, "cups", "right", "completed", 120.0),
        (5, 3, "rest", None, "completed", 60.0),
    ]
    assert row.steps_done == row.steps_total == 4
    assert row.actual_seconds == pytest.approx(780.0)
    (amendment,) = store.amendments(sid)
    assert is_resumption(amendment)
    assert (amendment.field, amendment.old_value, amendment.new_value) == ("status", "interrupted", "running")
    assert amendment.changed_ts == resumed_at


def test_a_continuation_that_crashes_is_interrupted_again_and_can_continue_again(make_protocol, fake_clock, data_dir):
    store, _ = open_store(data_dir.database)
    protocol = make_protocol()
    sid, lp = first_part(store, fake_clock, protocol)
    cont = plan_continuation(store.session(sid), store.steps(sid), lp, fake_clock.wall())
    engine = SessionEngine(list(cont.plan), fake_clock)
    SessionRecorder.resume(store, engine, sid)
    engine.start_at(cont.index, cont.remaining)
    fake_clock.advance(MIN)
    store.close()  # killed: nothing more is written

    store, report = open_store(data_dir.database)
    try:
        assert report.interrupted == [sid]
        assert [s.outcome for s in store.steps(sid)] == ["completed", "interrupted", "interrupted"]
        again = plan_continuation(store.session(sid), store.steps(sid), lp, fake_clock.wall())
        assert (again.index, again.remaining, again.next_seq) == (1, 3 * MIN, 4)  # the crash lost that minute
    finally:
        store.close()


def test_only_an_interrupted_session_is_continued(make_protocol, fake_clock, store):
    protocol = make_protocol()
    plan = build_plan(protocol, side="left")
    engine = SessionEngine(plan, fake_clock)
    recorder = SessionRecorder(store, engine, SessionInfo(protocol.id, protocol.title, "Anna", len(plan)))
    engine.start()
    sid = recorder.session_id
    with pytest.raises(AmendmentError, match="running, not interrupted"):
        SessionRecorder.resume(store, SessionEngine(plan, fake_clock), sid)
    with pytest.raises(AmendmentError, match="holds no session nope"):
        store.resume_session("nope", fake_clock.wall())
    engine.stop()
    assert store.session(sid).status == "stopped"  # an ordinary stop is still a stop
    assert store.amendments(sid) == []
