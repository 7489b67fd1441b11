"""The recorder writes a running session to the log as it happens."""

from __future__ import annotations

import pytest

from massage_timer.core.log import SessionInfo, SessionRecorder, open_store
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.plan import build_plan


def start(protocol, clock, store, side="both"):
    plan = build_plan(protocol, side=side)
    engine = SessionEngine(plan, clock)
    info = SessionInfo(
        protocol_id=protocol.id,
        protocol_title=protocol.title,
        person="Anna",
        steps_total=len(plan),
        side=side,
        stage="remission",
        pain_before=6,
    )
    recorder = SessionRecorder(store, engine, info)
    engine.start()
    return engine, recorder


def test_a_full_session_is_written_step_by_step(make_protocol, fake_clock, store, data_dir):
    engine, recorder = start(make_protocol(), fake_clock, store)
    sid = recorder.session_id
    row = store.session(sid)
    assert row.status == "running" and row.started_ts == fake_clock.wall()
    assert [(s.seq, s.outcome) for s in store.steps(sid)] == [(1, "running")]

    fake_clock.advance(100)
    engine.pause()
    fake_clock.advance(20)
    engine.resume()
    assert store.steps(sid)[0].paused_seconds == 20.0  # saved at once, not at the end
    engine.adjust(+60)
    assert (store.steps(sid)[0].planned, store.steps(sid)[0].extensions) == (360, 1)
    fake_clock.advance(260)
    engine.poll()
    fake_clock.advance(125)  # cups (left) rang and waited 5 s
    engine.poll()
    engine.next()
    fake_clock.advance(50)
    engine.next()  # cups (right) skipped after 50 s
    fake_clock.advance(300)
    engine.next()  # rest, untimed
    assert engine.state == "finished"

    row = store.session(sid)
    assert row.status == "completed"
    assert row.ended_ts == pytest.approx(fake_clock.wall())
    assert (row.person, row.side, row.stage, row.pain_before, row.steps_total) == ("Anna", "both", "remission", 6, 4)
    steps = store.steps(sid)
    assert [(s.seq, s.step_id, s.side, s.outcome) for s in steps] == [
        (1, "warm-up", None, "completed"),
        (2, "cups", "left", "completed"),
        (3, "cups", "right", "skipped"),
        (4, "rest", None, "completed"),
    ]
    assert [s.active_seconds for s in steps] == [360.0, 125.0, 50.0, 300.0]
    assert [s.planned for s in steps] == [360, 120, 120, None]
    assert (steps[0].initial_planned, steps[0].paused_seconds, steps[0].adjusted_seconds) == (300, 20.0, 60)
    assert steps[1].overrun_seconds == 5.0
    assert all(s.ended_ts is not None for s in steps)
    assert row.steps_done == 3 and row.actual_seconds == pytest.approx(835.0)

    # what was committed is on disk for any other connection
    other, _ = open_store(data_dir.database)
    try:
        assert len(other.steps(sid)) == 4 and other.session(sid).status == "completed"
    finally:
        other.close()


def test_stop_marks_the_session_stopped(make_protocol, fake_clock, store):
    engine, recorder = start(make_protocol(), fake_clock, store, side="left")
    fake_clock.advance(300)
    engine.poll()
    fake_clock.advance(40)
    engine.stop()
    row = store.session(recorder.session_id)
    assert row.status == "stopped"
    assert row.ended_ts == pytest.approx(fake_clock.wall())
    assert [s.outcome for s in store.steps(recorder.session_id)] == ["completed", "stopped"]
    assert store.steps(recorder.session_id)[1].active_seconds == 40.0


def test_a_session_never_started_writes_nothing(make_protocol, fake_clock, store):
    engine = SessionEngine(build_plan(make_protocol()), fake_clock)
    recorder = SessionRecorder(store, engine, SessionInfo("test-routine", "Test routine", "Anna", 3))
    engine.stop()
    assert recorder.session_id is None
    assert store.count() == 0


def test_a_suspend_is_saved(make_protocol, fake_clock, store):
    engine, recorder = start(make_protocol(), fake_clock, store, side="left")
    fake_clock.advance(10)
    engine.poll()
    fake_clock.suspend(600)
    engine.poll()
    steps = store.steps(recorder.session_id)
    assert steps[0].outcome == "completed" and steps[0].active_seconds == 300.0
    assert steps[1].outcome == "running"
    assert sum(s.slept_seconds for s in steps) == pytest.approx(600.0)
