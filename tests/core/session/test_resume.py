"""Continuing an interrupted session from the step where it stopped, on a fake clock.

The sessions are logged as the app logs them (engine, recorder, store), interrupted by a quit
("continue later") or a crash, then continued from what the log holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from massage_timer.core.clock import FakeClock
from massage_timer.core.log import SessionInfo, SessionRecorder, Store
from massage_timer.core.protocols.format import LoadedProtocol, Protocol
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.events import (
    BodyLimitPassed,
    CueFired,
    EngineError,
    Event,
    Outcome,
    State,
    WaitingForConfirmation,
)
from massage_timer.core.session.plan import build_plan
from massage_timer.core.session.resume import CannotResume, plan_continuation

MIN = 60


def steps(**press: object) -> list[dict]:
    """Five steps: two short ones, a ten-minute one with cues, one on the body, one untimed."""
    return [
        {
            "id": "warm-up",
            "title": "Warm up",
            "instructions": "Stroke.",
            "duration": {"min": "1m", "default": "2m", "max": "5m"},
        },
        {
            "id": "knead",
            "title": "Knead",
            "instructions": "Knead.",
            "duration": {"min": "1m", "default": "3m", "max": "10m"},
        },
        {
            "id": "press",
            "title": "Press",
            "instructions": "Press the points.",
            "duration": {"min": "2m", "default": "10m", "max": "20m"},
            "cues": [{"at": "20%", "text": "Lower points"}, {"at": "80%", "text": "Upper points"}],
            **press,
        },
        {
            "id": "jars",
            "title": "Jars on",
            "instructions": "The jars stay on.",
            "duration": {"min": "5m", "default": "10m", "max": "15m"},
            "advance": "wait",
            "body_timer": True,
        },
        {"id": "rest", "title": "Rest", "instructions": "Rest."},
    ]


def loaded(protocol: Protocol, source: bytes = b"version 1") -> LoadedProtocol:
    return LoadedProtocol(protocol, Path(f"{protocol.id}.toml"), source=source)


class Logged:
    """A session run by the app's engine and recorder into ``store``, on ``clock``."""

    def __init__(self, store: Store, clock: FakeClock, lp: LoadedProtocol, **durations: int) -> None:
        self.store, self.clock, self.lp = store, clock, lp
        plan = build_plan(lp.protocol, durations=durations)
        self.engine = SessionEngine(plan, clock)
        info = SessionInfo(lp.protocol.id, lp.protocol.title, "Anna", len(plan), protocol_sha256=lp.sha256)
        self.recorder = SessionRecorder(store, self.engine, info)
        self.engine.start()
        self.id = self.recorder.session_id
        assert self.id is not None

    def to_step(self, index: int) -> None:
        """Done with the steps before ``index`` (Next on each after a minute)."""
        while self.engine.index < index:
            self.clock.advance(MIN)
            self.engine.next()

    def quit_for_later(self) -> None:
        """Quit and continue later: the recorder keeps it interrupted."""
        self.recorder.keep_for_later()
        self.engine.stop()

    def crash(self) -> None:
        """The process dies; the next start marks the session interrupted."""
        self.engine.unsubscribe(self.recorder._on_event)
        assert self.store.mark_interrupted() == [self.id]

    def continuation(self, lp: LoadedProtocol | None = None):  # noqa: ANN201
        return plan_continuation(
            self.store.session(self.id), self.store.steps(self.id), lp or self.lp, self.clock.wall()
        )


def events_of(engine: SessionEngine) -> list[Event]:
    seen: list[Event] = []
    engine.subscribe(seen.append)
    return seen


# ------------------------------------------------------------------ a timed step


def test_a_session_left_in_step_3_with_4_min_left_continues_at_step_3_with_4_min(make_protocol, store) -> None:  # noqa: ANN001
    clock = FakeClock()
    session = Logged(store, clock, loaded(make_protocol(steps=steps())))
    session.to_step(2)
    clock.advance(6 * MIN)  # 6 of the 10 minutes of "press"
    session.quit_for_later()
    clock.advance(3 * 3600)  # the app was closed for three hours

    cont = session.continuation()
    assert (cont.index, cont.remaining, cont.body_timer, cont.changed) == (2, 4 * MIN, False, False)
    assert [p.step.id for p in cont.plan] == ["warm-up", "knead", "press", "jars", "rest"]
    assert cont.summary() == "Continuing from step 3 of 5; 4 min left on it."

    engine = SessionEngine(list(cont.plan), clock)
    seen = events_of(engine)
    engine.start_at(cont.index, cont.remaining)
    snap = engine.snapshot()
    assert (snap.state, snap.index, snap.remaining, snap.shown) == (State.RUNNING, 2, 4 * MIN, 4 * MIN)
    assert snap.fraction == pytest.approx(0.6)  # the ring shows the six minutes done before
    assert [e for e in seen if isinstance(e, CueFired)] == []  # the 2-minute cue is past: silent
    clock.advance(2 * MIN)
    engine.poll()
    assert [e.cue.text for e in seen if isinstance(e, CueFired)] == ["Upper points"]  # at 8 of 10 min
    clock.advance(2 * MIN)
    engine.poll()
    assert engine.index == 3  # "press" ended at its time, four minutes after the start
    run = engine.runs[0]
    assert (run.index, run.outcome, run.active, run.planned) == (2, Outcome.COMPLETED, 4 * MIN, 10 * MIN)


def test_after_a_crash_the_step_in_progress_goes_on_with_its_full_time(make_protocol, store) -> None:  # noqa: ANN001
    clock = FakeClock()
    session = Logged(store, clock, loaded(make_protocol(steps=steps())), press=12 * MIN)
    session.to_step(2)
    clock.advance(5 * MIN)
    session.crash()  # the log holds the step's start, not its time so far
    cont = session.continuation()
    assert (cont.index, cont.remaining) == (2, 12 * MIN)
    assert cont.plan[2].planned == 12 * MIN  # the length chosen at set-up, as logged


def test_a_step_continued_twice_counts_all_its_runs(make_protocol, store) -> None:  # noqa: ANN001
    clock = FakeClock()
    session = Logged(store, clock, loaded(make_protocol(steps=steps())))
    session.to_step(2)
    clock.advance(3 * MIN)
    session.quit_for_later()
    cont = session.continuation()
    assert cont.remaining == 7 * MIN
    engine = SessionEngine(list(cont.plan), clock)
    recorder = SessionRecorder.resume(store, engine, session.id)
    engine.start_at(cont.index, cont.remaining)
    clock.advance(2 * MIN)
    recorder.keep_for_later()
    engine.stop()
    again = session.continuation()
    assert (again.index, again.remaining, again.next_seq) == (2, 5 * MIN, 5)


def test_an_untimed_step_starts_its_stopwatch_again(make_protocol, store) -> None:  # noqa: ANN001
    clock = FakeClock()
    session = Logged(store, clock, loaded(make_protocol(steps=steps())))
    session.to_step(4)
    clock.advance(90)
    session.quit_for_later()
    cont = session.continuation()
    assert (cont.index, cont.remaining) == (4, None)
    assert "stopwatch starts again" in cont.summary()


# ------------------------------------------------------------------ a step on the body


def test_a_body_step_kept_running_while_the_app_was_not_there(make_protocol, store) -> None:  # noqa: ANN001
    clock = FakeClock()
    session = Logged(store, clock, loaded(make_protocol(steps=steps())))
    session.to_step(3)
    clock.advance(3 * MIN)
    session.crash()
    clock.advance(4 * MIN)  # the power was off; the jars stayed on
    cont = session.continuation()
    assert (cont.index, cont.body_timer) == (3, True)
    assert cont.remaining == pytest.approx(3 * MIN)  # 10 min planned, 7 min on the body
    assert "3 min left on it (its time on the body went on meanwhile)" in cont.summary()
    engine = SessionEngine(list(cont.plan), clock)
    engine.start_at(cont.index, cont.remaining)
    engine.pause()  # as the app prepares it: the guidance waits, the jars' time does not
    clock.advance(3 * MIN)
    assert engine.snapshot().state is State.WAITING


def test_an_overdue_body_step_waits_at_once_and_its_limit_counts_from_its_start(make_protocol, store) -> None:  # noqa: ANN001
    clock = FakeClock()
    session = Logged(store, clock, loaded(make_protocol(steps=steps())))
    session.to_step(3)
    clock.advance(2 * MIN)
    session.quit_for_later()
    clock.advance(14 * MIN)  # 16 minutes on the body: due 6 min ago, past its longest time (15 min)
    cont = session.continuation()
    assert cont.remaining == pytest.approx(-6 * MIN)
    assert "was up 6 min ago" in cont.summary()
    engine = SessionEngine(list(cont.plan), clock)
    seen = events_of(engine)
    engine.start_at(cont.index, cont.remaining)
    assert engine.state is State.WAITING
    assert any(isinstance(e, WaitingForConfirmation) for e in seen)
    assert [e.max_seconds for e in seen if isinstance(e, BodyLimitPassed)] == [15 * MIN]
    clock.advance(30)
    engine.next()
    run = engine.runs[0]
    assert (run.outcome, run.active, run.overrun) == (Outcome.COMPLETED, 30, 30)  # its own time only


def test_an_ordinary_step_that_would_move_on_waits_when_its_time_is_up(make_protocol) -> None:  # noqa: ANN001
    clock = FakeClock()
    engine = SessionEngine(build_plan(make_protocol(steps=steps())), clock)
    engine.start_at(1, 0)
    assert (engine.state, engine.index) == (State.WAITING, 1)  # "knead" moves on by itself, but not now
    with pytest.raises(EngineError):
        engine.start_at(0, 10)
    with pytest.raises(EngineError):
        SessionEngine(build_plan(make_protocol(steps=steps())), clock).start_at(5, 10)


# ------------------------------------------------------------------ a protocol that changed


def test_a_changed_protocol_is_flagged_and_the_steps_are_as_logged(make_protocol, store) -> None:  # noqa: ANN001
    clock = FakeClock()
    session = Logged(store, clock, loaded(make_protocol(steps=steps())), press=15 * MIN)
    session.to_step(2)
    clock.advance(5 * MIN)
    session.quit_for_later()
    edited = steps(duration={"min": "2m", "default": "6m", "max": "8m"})  # "press" is at most 8 min now
    cont = session.continuation(loaded(make_protocol(steps=edited), source=b"version 2"))
    assert cont.changed
    assert cont.changes == ("“Press”: 15m is outside its range now (2m–8m).",)
    assert (cont.index, cont.remaining, cont.plan[2].planned) == (2, 10 * MIN, 15 * MIN)  # as logged
    assert cont.summary().endswith("The protocol file changed since: the steps are as they were logged.")


def test_an_edited_file_with_the_same_steps_is_flagged_too(make_protocol, store) -> None:  # noqa: ANN001
    clock = FakeClock()
    session = Logged(store, clock, loaded(make_protocol(steps=steps())))
    session.to_step(1)
    session.crash()
    same = session.continuation(loaded(make_protocol(steps=steps()), source=b"version 1"))
    assert not same.changed and same.changes == ()
    edited = session.continuation(loaded(make_protocol(steps=steps()), source=b"version 1, with a comment"))
    assert edited.changed and "steps this session reached and their lengths are the same" in edited.changes[0]


def test_without_a_logged_hash_the_steps_are_compared(make_protocol, store) -> None:  # noqa: ANN001
    clock = FakeClock()
    protocol = make_protocol(steps=steps())
    engine = SessionEngine(build_plan(protocol), clock)
    recorder = SessionRecorder(store, engine, SessionInfo(protocol.id, protocol.title, "Anna", 5))  # no hash
    engine.start()
    clock.advance(MIN)
    engine.next()
    sid = recorder.session_id
    assert store.mark_interrupted() == [sid]
    other_file = loaded(make_protocol(steps=steps()), source=b"anything")
    cont = plan_continuation(store.session(sid), store.steps(sid), other_file, clock.wall())
    assert not cont.changed
    swapped = steps()
    swapped[0], swapped[1] = swapped[1], swapped[0]
    cont = plan_continuation(store.session(sid), store.steps(sid), loaded(make_protocol(steps=swapped)), clock.wall())
    assert cont.changed and "“Warm up” is no longer step 1." in cont.changes
    assert [p.step.id for p in cont.plan][:2] == ["warm-up", "knead"]  # as logged


def test_a_step_that_is_gone_cannot_be_continued(make_protocol, store) -> None:  # noqa: ANN001
    clock = FakeClock()
    session = Logged(store, clock, loaded(make_protocol(steps=steps())))
    session.to_step(2)
    session.crash()
    without_press = [s for s in steps() if s["id"] != "press"]
    with pytest.raises(CannotResume, match="no longer has the step “Press” \\(press\\)"):
        session.continuation(loaded(make_protocol(steps=without_press)))
    with pytest.raises(CannotResume, match="not in the protocol library"):
        plan_continuation(store.session(session.id), store.steps(session.id), None, clock.wall())


def test_only_an_interrupted_session_is_continued(make_protocol, store) -> None:  # noqa: ANN001
    clock = FakeClock()
    session = Logged(store, clock, loaded(make_protocol(steps=steps())))
    session.engine.stop()
    with pytest.raises(CannotResume, match="is stopped, not interrupted"):
        session.continuation()
