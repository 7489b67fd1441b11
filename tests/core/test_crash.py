"""A real process killed with SIGKILL at random moments loses no committed step."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import massage_timer
from massage_timer.core.store import open_store

CHILD = Path(__file__).with_name("crash_child.py")
KILLS = 24

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)"),
]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    src = str(Path(massage_timer.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def parse(output: bytes) -> tuple[set[str], set[str], set[tuple[str, int]], dict[tuple[str, int], str]]:
    """What the child said it committed; a line cut off by the kill is ignored."""
    begun: set[str] = set()
    finished: set[str] = set()
    started: set[tuple[str, int]] = set()
    ended: dict[tuple[str, int], str] = {}
    for line in output.decode().split("\n")[:-1]:
        kind, *rest = line.split()
        if kind == "B":
            begun.add(rest[0])
        elif kind == "F":
            finished.add(rest[0])
        elif kind == "S":
            started.add((rest[0], int(rest[1])))
        elif kind == "E":
            ended[(rest[0], int(rest[1]))] = rest[2]
    return begun, finished, started, ended


def test_sigkill_at_random_moments_loses_no_committed_step(tmp_path):
    rng = random.Random()
    seed = rng.randrange(2**32)
    print(f"random seed {seed}")
    rng.seed(seed)
    database = tmp_path / "sessions.sqlite3"
    env = child_env()
    checked_steps = 0
    kills_mid_session = 0
    t0 = time.monotonic()
    for kill in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(database), str(rng.randrange(2**32))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            bufsize=0,  # readline() must not read ahead of what communicate() gets
        )
        try:
            if kill % 5 == 4:
                # now and then while the log is being opened (or even created)
                time.sleep(rng.uniform(0.0, 0.3))
                head = b""
            else:
                head = proc.stdout.readline()
                assert head == b"R\n", proc.stderr.read().decode()
                time.sleep(rng.uniform(0.01, 0.6))
            proc.send_signal(signal.SIGKILL)
            rest, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == -signal.SIGKILL, err.decode()
        assert b"Traceback" not in err, err.decode()
        begun, finished, started, ended = parse(head + rest)
        assert {sid for sid, _ in started} <= begun  # nothing of the output was lost

        store, report = open_store(database)
        try:
            assert report.moved_aside is None, report.message
            assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            interrupted = set()
            for sid in begun:
                row = store.session(sid)
                assert row is not None, f"session {sid} was committed but is missing"
                if sid in finished:
                    assert row.status == "completed"
                else:
                    # killed between the commit of its end and the report of it: completed
                    assert row.status in ("interrupted", "completed")
                    if row.status == "interrupted":
                        interrupted.add(sid)
            # marked on this reopen (a session may also be committed but not yet reported)
            assert interrupted <= set(report.interrupted)
            for sid in report.interrupted:
                assert store.session(sid).status == "interrupted"
            kills_mid_session += bool(interrupted)
            rows = {}
            for sid in begun:
                for step in store.steps(sid):
                    rows[(sid, step.seq)] = step
            for key in started:
                assert key in rows, f"step {key} was committed but is missing"
            for key, outcome in ended.items():
                assert rows[key].outcome == outcome, key
                assert rows[key].ended_ts is not None
            # after a reopen nothing is left running
            assert all(r.outcome != "running" for r in rows.values())
            checked_steps += len(started)
        finally:
            store.close()
    elapsed = time.monotonic() - t0
    print(f"{KILLS} kills, {kills_mid_session} mid-session, {checked_steps} committed steps checked, {elapsed:.1f}s")
    assert kills_mid_session >= KILLS // 2
    assert checked_steps > 50
    final = sqlite3.connect(database)
    try:
        statuses = dict(final.execute("SELECT status, COUNT(*) FROM sessions GROUP BY status").fetchall())
    finally:
        final.close()
    assert statuses.get("running", 0) == 0
    assert statuses.get("interrupted", 0) >= kills_mid_session
