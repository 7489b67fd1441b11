"""A session that runs until it is killed; used by soak_kill.py (and the short soak test).

Usage: ``python crash_child.py DATABASE SEED``

Runs sessions back to back on a fast clock, with the recorder writing to
DATABASE, and prints one line to stdout *after* each write is committed:

    R                     the log is open
    B <session>           a session row was written
    S <session> <seq>     a step run was written at its start
    E <session> <seq> <outcome>   a step run was written at its end
    F <session>           the session was marked completed
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import msgspec

from massage_timer.core.clock import ScaledClock
from massage_timer.core.log import SessionInfo, SessionRecorder, open_store
from massage_timer.core.protocols.format import Protocol
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.events import (
    Event,
    SessionFinished,
    SessionStarted,
    State,
    StepEnded,
    StepStarted,
)
from massage_timer.core.session.plan import build_plan

SPEED = 200.0


def protocol() -> Protocol:
    steps = []
    for i in range(20):
        steps.append(
            {
                "id": f"step-{i}",
                "title": f"Step {i}",
                "instructions": "Keep going.",
                "duration": {"min": "1s", "default": "2s", "max": "5s"},
                "per_side": i % 4 in (1, 2),
                "cues": [{"at": "50%", "text": "half"}],
            }
        )
    data = {
        "schema": 1,
        "id": "crash-test",
        "title": "Crash test",
        "summary": "Runs until killed.",
        "stages": ["remission"],
        "steps": steps,
    }
    return msgspec.convert(data, Protocol, strict=True)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(database: str, seed: int) -> None:
    rng = random.Random(seed)
    store, _report = open_store(Path(database))
    say("R")
    proto = protocol()
    while True:
        plan = build_plan(proto, side="both")
        engine = SessionEngine(plan, ScaledClock(SPEED))
        info = SessionInfo(proto.id, proto.title, "Crash", len(plan), side="both")
        recorder = SessionRecorder(store, engine, info)

        def report(event: Event, recorder: SessionRecorder = recorder) -> None:
            # subscribed after the recorder, so the row is committed when this runs
            sid = recorder.session_id
            if isinstance(event, SessionStarted):
                say(f"B {sid}")
            elif isinstance(event, StepStarted):
                say(f"S {sid} {event.run.seq}")
            elif isinstance(event, StepEnded):
                say(f"E {sid} {event.run.seq} {event.run.outcome}")
            elif isinstance(event, SessionFinished):
                say(f"F {sid}")

        engine.subscribe(report)
        engine.start()
        while engine.state not in (State.FINISHED, State.STOPPED):
            roll = rng.random()
            if engine.state is State.PAUSED:
                engine.resume()
            elif roll < 0.03:
                engine.pause()
            elif roll < 0.05:
                engine.adjust(rng.choice((-1, 1)))
            elif roll < 0.06:
                engine.next()
            else:
                engine.poll()
            wake = engine.next_wakeup()
            time.sleep(min(wake / SPEED, 0.004) if wake is not None else 0.001)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
