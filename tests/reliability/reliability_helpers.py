"""Helpers for the reliability tests: write sessions into a log, run code as another user."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import massage_timer
from massage_timer.core.log import SessionInfo, Store
from massage_timer.core.session.events import Outcome, StepRun

START = 1_767_603_600.0  # 2026-01-05 09:00 UTC


def step_run(seq: int, started: float, active: float = 60.0) -> StepRun:
    return StepRun(
        seq=seq,
        index=seq - 1,
        step_id=f"step-{seq}",
        title=f"Step {seq}",
        side=None,
        timed=True,
        planned=60,
        initial_planned=60,
        started_wall=started,
        ended_wall=started + active,
        active=active,
        outcome=Outcome.COMPLETED,
    )


def log_session(store: Store, person: str = "Anna", started: float = START, steps: int = 2, notes: str = "") -> str:
    """Write one completed session with ``steps`` steps; returns its id."""
    info = SessionInfo("honey", "Honey massage", person, steps, side="left", stage="remission")
    sid = store.begin_session(info, started)
    for seq in range(1, steps + 1):
        store.save_step(sid, step_run(seq, started + 60 * (seq - 1)))
    store.end_session(sid, "completed", started + 60 * steps)
    if notes:
        store.update_session(sid, notes=notes)
    return sid


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    src = str(Path(massage_timer.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


RUNNING_AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
SETPRIV = shutil.which("setpriv")


def unprivileged_prefix() -> list[str] | None:
    """How to start a process that file permissions apply to (None: not possible here).

    As root (containers), permissions mean nothing to the process, so it runs
    without capabilities: then a read-only folder is read-only for it too.
    """
    if not RUNNING_AS_ROOT:
        return []
    if SETPRIV is None:
        return None
    return [SETPRIV, "--bounding-set=-all", "--inh-caps=-all"]


def run_as_unprivileged(code: str, *args: str, timeout: float = 60) -> dict:
    """Run ``code`` in a fresh interpreter that file permissions apply to; it prints JSON."""
    prefix = unprivileged_prefix()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    proc = subprocess.run(
        [*prefix, sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=child_env(),
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


class FailingWrites:
    """A connection whose writes fail like a full disk while ``full`` is set; reads pass through."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self._real = real
        self.full = False

    def execute(self, sql: str, *args):  # noqa: ANN002, ANN202
        if self.full and sql.startswith("BEGIN"):
            raise sqlite3.OperationalError("database or disk is full")
        return self._real.execute(sql, *args)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._real, name)
