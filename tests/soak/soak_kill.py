"""Soak test: kill a process running real sessions with SIGKILL, many times, and check the log.

Usage::

    python tests/soak/soak_kill.py [--kills 1000] [--seed N] [--dir DIR]

Each round starts ``tests/soak/crash_child.py``: it runs sessions back to back
on a real clock sped up 200 times, with the recorder writing every step
transition to one log, and prints a line to stdout *after* each commit. The
round kills it with SIGKILL at a random moment (now and then while the log is
still being opened), then reopens the log and checks:

* ``PRAGMA integrity_check`` is ``ok`` and the log was not moved aside;
* every session and step the child reported as committed is there, with the
  outcome it reported;
* the steps of every session are numbered without a gap, so at most the step
  in progress was lost;
* sessions left running read back as ``interrupted`` (and are reported so by
  the reopen), their running step as ``interrupted``; nothing stays running.

Prints the counts at the end and exits 1 on the first loss. The normal test
run uses the same code with fewer kills (tests/reliability/test_soak_short.py).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHILD = HERE / "crash_child.py"


@dataclass
class Counts:
    kills: int = 0
    kills_mid_session: int = 0
    kills_while_opening: int = 0
    sessions_checked: int = 0
    sessions_interrupted: int = 0
    sessions_completed: int = 0
    steps_checked: int = 0
    steps_ended_checked: int = 0
    lost: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.kills} kills ({self.kills_mid_session} mid-session, {self.kills_while_opening} while "
            f"opening), {self.sessions_checked} committed sessions checked ({self.sessions_completed} "
            f"completed, {self.sessions_interrupted} interrupted), {self.steps_checked} committed steps "
            f"checked ({self.steps_ended_checked} with their end), {self.lost} lost, "
            f"{self.seconds:.1f} s"
        )


def child_env() -> dict[str, str]:
    import massage_timer

    env = dict(os.environ)
    src = str(Path(massage_timer.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def parse(output: bytes) -> tuple[list[str], set[str], set[tuple[str, int]], dict[tuple[str, int], str]]:
    """What the child said it committed; a line cut off by the kill is ignored."""
    begun: list[str] = []
    finished: set[str] = set()
    started: set[tuple[str, int]] = set()
    ended: dict[tuple[str, int], str] = {}
    for line in output.decode(errors="replace").split("\n")[:-1]:
        kind, *rest = line.split()
        if kind == "B":
            begun.append(rest[0])
        elif kind == "F":
            finished.add(rest[0])
        elif kind == "S":
            started.add((rest[0], int(rest[1])))
        elif kind == "E":
            ended[(rest[0], int(rest[1]))] = rest[2]
    return begun, finished, started, ended


def check_round(database: Path, output: bytes, counts: Counts) -> None:
    """Reopen the log after a kill and compare it with what the child said."""
    from massage_timer.core.log import open_store

    begun, finished, started, ended = parse(output)
    store, report = open_store(database)
    problems = counts.problems
    try:
        if report.moved_aside is not None:
            problems.append(f"the log was moved aside: {report.message}")
        integrity = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            problems.append(f"integrity_check: {integrity}")
        left_running = [sid for sid in begun if sid not in finished]
        counts.kills_mid_session += bool(left_running)
        for sid in begun:
            row = store.session(sid)
            counts.sessions_checked += 1
            if row is None:
                problems.append(f"session {sid} was committed but is missing")
                counts.lost += 1
                continue
            # The kill may fall between a commit and the line that reports it:
            # the log may be one write ahead of what the child said, never behind.
            expected = "completed" if sid in finished else "interrupted"
            if expected == "interrupted" and row.status == "completed":
                expected = "completed"
            if row.status != expected:
                problems.append(f"session {sid} is {row.status}, expected {expected}")
            if expected == "interrupted":
                counts.sessions_interrupted += 1
                if sid not in report.interrupted:
                    problems.append(f"session {sid} was not reported as interrupted on reopen")
            else:
                counts.sessions_completed += 1
            steps = store.steps(sid)
            seqs = [s.seq for s in steps]
            if seqs != list(range(1, len(seqs) + 1)):
                problems.append(f"session {sid} has a gap in its steps: {seqs}")
            rows = {s.seq: s for s in steps}
            for key in [k for k in started if k[0] == sid]:
                counts.steps_checked += 1
                if key[1] not in rows:
                    problems.append(f"step {key} was committed but is missing")
                    counts.lost += 1
            for key, outcome in ended.items():
                if key[0] != sid:
                    continue
                counts.steps_ended_checked += 1
                got = rows.get(key[1])
                if got is None or got.outcome != outcome or got.ended_ts is None:
                    problems.append(f"step {key} ended as {outcome} but reads back as {got}")
                    counts.lost += 1
            if any(s.outcome == "running" for s in steps):
                problems.append(f"session {sid} still has a running step after the reopen")
            if expected == "interrupted":
                cut = [s for s in steps if s.outcome == "interrupted"]
                if len(cut) > 1:
                    problems.append(f"session {sid} lost more than the step in progress: {cut}")
    finally:
        store.close()


def run(kills: int, seed: int, workdir: Path, *, log=print) -> Counts:  # noqa: ANN001
    """Kill the child ``kills`` times; returns the counts (``problems`` empty when nothing was lost)."""
    rng = random.Random(seed)
    database = workdir / "sessions.sqlite3"
    env = child_env()
    counts = Counts()
    t0 = time.monotonic()
    for n in range(kills):
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(database), str(rng.randrange(2**32))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        try:
            if n % 10 == 9:
                # now and then while the log is being opened (marking, migrating)
                time.sleep(rng.uniform(0.0, 0.25))
                head = b""
                counts.kills_while_opening += 1
            else:
                head = proc.stdout.readline()
                if head != b"R\n":
                    proc.kill()
                    _out, err = proc.communicate(timeout=30)
                    counts.problems.append(f"the child did not open the log: {err.decode()}")
                    break
                time.sleep(rng.uniform(0.005, 0.4))
            proc.send_signal(signal.SIGKILL)
            rest, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        counts.kills += 1
        if proc.returncode != -signal.SIGKILL or b"Traceback" in err:
            counts.problems.append(f"the child failed on its own (code {proc.returncode}): {err.decode()}")
            break
        check_round(database, head + rest, counts)
        if counts.problems:
            break
        if log and (n + 1) % 100 == 0:
            log(f"  {n + 1} kills, {counts.steps_checked} committed steps checked, nothing lost so far")
    counts.seconds = time.monotonic() - t0
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--dir", type=Path, default=None, help="where to keep the log (default: a temp folder)")
    args = parser.parse_args(argv)
    if not hasattr(signal, "SIGKILL"):
        print("needs SIGKILL (POSIX)", file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    print(f"seed {seed}")
    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
        counts = run(args.kills, seed, args.dir)
    else:
        with tempfile.TemporaryDirectory(prefix="massage-timer-soak-") as tmp:
            counts = run(args.kills, seed, Path(tmp))
    print(counts.line())
    for problem in counts.problems:
        print(f"PROBLEM: {problem}")
    return 1 if counts.problems else 0


if __name__ == "__main__":
    sys.exit(main())
