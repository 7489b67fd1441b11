"""Three sessions at once until killed; used by tests/reliability/test_concurrent_kill.py.

Usage: ``python concurrent_child.py DATABASE SEED``

Runs three sessions side by side in one :class:`SessionManager` on a fast clock, each with its
own recorder writing to DATABASE, and prints one line to stdout *after* each write is committed
(the reporter hears each engine after its recorder):

    R                     the log is open
    B <n> <session>       session n (0, 1, 2) has its row
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
from massage_timer.core.session.events import Event, SessionFinished, SessionStarted, StepEnded, StepStarted
from massage_timer.core.session.manager import SessionManager
from massage_timer.core.session.plan import build_plan

SPEED = 60.0
PERSONS = ("Anna", "Boris", "Clara")


def protocol(n: int) -> Protocol:
    """Session ``n``'s protocol: 30 steps of 2 + n seconds, a cue at half of each."""
    steps = [
        {
            "id": f"step-{i}",
            "title": f"Step {i}",
            "instructions": "Keep going.",
            "duration": {"min": "1s", "default": f"{2 + n}s", "max": "20s"},
            "cues": [{"at": "50%", "text": "half"}],
        }
        for i in range(30)
    ]
    data = {
        "schema": 1,
        "id": f"concurrent-{n}",
        "title": f"Concurrent {n}",
        "summary": "Runs beside two others until killed.",
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
    clock = ScaledClock(SPEED)
    manager = SessionManager(clock)
    for n, person in enumerate(PERSONS):
        proto = protocol(n)
        plan = build_plan(proto)
        engine = SessionEngine(plan, clock)
        recorder = SessionRecorder(store, engine, SessionInfo(proto.id, proto.title, person, len(plan)))

        def report(event: Event, recorder: SessionRecorder = recorder, n: int = n) -> None:
            sid = recorder.session_id
            if isinstance(event, SessionStarted):
                say(f"B {n} {sid}")
            elif isinstance(event, StepStarted):
                say(f"S {sid} {event.run.seq}")
            elif isinstance(event, StepEnded):
                say(f"E {sid} {event.run.seq} {event.run.outcome}")
            elif isinstance(event, SessionFinished):
                say(f"F {sid}")

        engine.subscribe(report)  # after the recorder: the write is committed when this runs
        manager.add(engine, recorder, person)
    for slot in manager.slots():
        slot.engine.start()
    while manager.active():
        roll = rng.random()
        slot = rng.choice(manager.active())
        if roll < 0.02 and slot.engine.state.value == "running":
            slot.engine.pause()
        elif roll < 0.06 and slot.engine.state.value == "paused":
            slot.engine.resume()
        elif roll < 0.07 and slot.engine.state.value == "running":
            slot.engine.next()
        manager.poll()
        wake = manager.next_wakeup()
        time.sleep(min(wake / SPEED, 0.004) if wake is not None else 0.001)
    time.sleep(60)  # all done before the kill: wait for it


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
