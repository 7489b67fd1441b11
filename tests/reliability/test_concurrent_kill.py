"""Three sessions at once, SIGKILLed at random moments: each keeps its committed steps and can be continued.

A child process (tests/soak/concurrent_child.py) runs three sessions side by side in one
:class:`SessionManager` on a fast real clock, each with its own recorder on one log, and says
what it committed. After each kill the log is reopened and checked: it is whole, every step the
child reported is there for each session, all three read back as interrupted, and each can be
continued (:mod:`massage_timer.core.session.resume`) on its own while the others stay as they are.
"""

from __future__ import annotations

import importlib.util
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from massage_timer.core.clock import FakeClock
from massage_timer.core.log import SessionRecorder, open_store
from massage_timer.core.protocols.format import LoadedProtocol
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.manager import SessionManager
from massage_timer.core.session.resume import plan_continuation

KILLS = 6

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)"),
]

SOAK = Path(__file__).resolve().parents[1] / "soak"


def load(name: str):  # noqa: ANN201
    spec = importlib.util.spec_from_file_location(name, SOAK / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def run_and_kill(database: Path, rng: random.Random) -> bytes:
    """Start the child, wait until its three sessions run, kill it after a random number of its
    further reports (the child goes on writing meanwhile, so the kill lands anywhere); its output."""
    soak, child = load("soak_kill"), SOAK / "concurrent_child.py"
    proc = subprocess.Popen(
        [sys.executable, str(child), str(database), str(rng.randrange(2**32))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=soak.child_env(),
    )
    head = b""
    try:
        assert proc.stdout is not None
        begun, after = 0, rng.randrange(0, 16)
        while begun < 3 or after > 0:
            line = proc.stdout.readline()
            if not line:
                break
            head += line
            if begun < 3:
                begun += line.startswith(b"B ")
            else:
                after -= 1
        proc.send_signal(signal.SIGKILL)
        rest, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL and b"Traceback" not in err, err.decode()
    return head + rest


def parse(output: bytes) -> tuple[dict[str, int], set[str], set[tuple[str, int]], dict[tuple[str, int], str]]:
    """What the child said it committed (a line cut off by the kill is ignored)."""
    begun: dict[str, int] = {}
    finished: set[str] = set()
    started: set[tuple[str, int]] = set()
    ended: dict[tuple[str, int], str] = {}
    for line in output.decode(errors="replace").split("\n")[:-1]:
        kind, *rest = line.split()
        if kind == "B":
            begun[rest[1]] = int(rest[0])
        elif kind == "F":
            finished.add(rest[0])
        elif kind == "S":
            started.add((rest[0], int(rest[1])))
        elif kind == "E":
            ended[(rest[0], int(rest[1]))] = rest[2]
    return begun, finished, started, ended


def check(database: Path, output: bytes) -> tuple[list[str], int, int]:
    """Problems found after the kill (none: nothing lost), the committed steps checked, the sessions cut."""
    child = load("concurrent_child")
    begun, finished, started, ended = parse(output)
    problems: list[str] = []
    checked = cut = 0
    store, report = open_store(database)
    try:
        if report.moved_aside is not None:
            problems.append(f"the log was moved aside: {report.message}")
        integrity = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            problems.append(f"integrity_check: {integrity}")
        if sorted(begun.values()) != [0, 1, 2]:
            problems.append(f"the child did not begin its three sessions: {begun}")
        for sid in begun:
            row = store.session(sid)
            if row is None:
                problems.append(f"session {sid} was committed but is missing")
                continue
            expected = "completed" if sid in finished or row.status == "completed" else "interrupted"
            if row.status != expected:
                problems.append(f"session {sid} is {row.status}, expected {expected}")
            cut += expected == "interrupted"
            if expected == "interrupted" and sid not in report.interrupted:
                problems.append(f"session {sid} was not reported as interrupted on reopen")
            rows = {s.seq: s for s in store.steps(sid)}
            if sorted(rows) != list(range(1, len(rows) + 1)):
                problems.append(f"session {sid} has a gap in its steps: {sorted(rows)}")
            for key in [k for k in started if k[0] == sid]:
                checked += 1
                if key[1] not in rows:
                    problems.append(f"step {key} was committed but is missing")
            for key, outcome in ended.items():
                got = rows.get(key[1]) if key[0] == sid else None
                if key[0] == sid and (got is None or got.outcome != outcome or got.ended_ts is None):
                    problems.append(f"step {key} ended as {outcome} but reads back as {got}")
            if any(s.outcome == "running" for s in rows.values()):
                problems.append(f"session {sid} still has a running step after the reopen")
        if not problems:
            problems += resume_each(store, begun, child)
    finally:
        store.close()
    return problems, checked, cut


def resume_each(store, begun: dict[str, int], child) -> list[str]:  # noqa: ANN001
    """Continue the interrupted sessions one after the other, all on one clock; each goes on in its own row."""
    problems: list[str] = []
    clock = FakeClock(start_wall=time.time() + 60)
    manager = SessionManager(clock)
    waiting = {sid: n for sid, n in begun.items() if store.session(sid).status == "interrupted"}
    continued: dict[str, tuple[int, int]] = {}
    for sid, n in waiting.items():
        loaded = LoadedProtocol(child.protocol(n), Path(f"concurrent-{n}.toml"))
        continuation = plan_continuation(store.session(sid), store.steps(sid), loaded, clock.wall())
        engine = SessionEngine(list(continuation.plan), clock)
        recorder = SessionRecorder.resume(store, engine, sid)
        manager.add(engine, recorder, f"session {n}")
        engine.start_at(continuation.index, continuation.remaining)
        continued[sid] = (continuation.next_seq, continuation.index)
        others = [o for o in waiting if o not in continued]
        if any(store.session(o).status != "interrupted" for o in others):
            problems.append(f"continuing {sid} changed another interrupted session")
    for _ in range(5):  # every continued step ends (its steps last 4 s at most): one more run logged for each
        clock.advance(1)
        manager.poll()
    for sid, (next_seq, index) in continued.items():
        logged = {s.seq: s for s in store.steps(sid)}
        run = logged.get(next_seq)
        status = store.session(sid).status  # completed: the step continued was its last
        if status not in ("running", "completed") or run is None or run.step_index != index:
            problems.append(f"session {sid} did not go on in its own row: {sorted(logged)}")
        elif run.outcome != "completed":
            problems.append(f"the continued step of {sid} is {run.outcome}, not completed")
    for slot in manager.slots():
        slot.engine.stop()
    return problems


def test_three_sessions_killed_keep_every_committed_step_and_can_each_be_continued(tmp_path: Path) -> None:
    seed = random.SystemRandom().randrange(2**32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    total = interrupted = 0
    for n in range(KILLS):
        database = tmp_path / f"round-{n}.sqlite3"
        output = run_and_kill(database, rng)
        problems, checked, cut = check(database, output)
        assert problems == [], f"seed {seed}, round {n}: " + "\n".join(problems)
        total += checked
        interrupted += cut
    assert total >= KILLS * 3  # each round had steps of all three sessions to check
    assert interrupted >= KILLS * 2  # the kills fell mid-session: most sessions were cut and continued


def test_the_check_notices_a_lost_step(tmp_path: Path) -> None:
    """The check can fail: a step reported as committed that the log does not have is found."""
    database = tmp_path / "sessions.sqlite3"
    store, _ = open_store(database)
    store.close()
    problems, checked, _cut = check(database, b"B 0 abc\nS abc 1\n")
    assert checked == 0 and any("missing" in p for p in problems)
