"""Promise 1, short: a process running real sessions, SIGKILLed at random moments, loses no commit.

The full soak (1000 kills) is ``python tests/soak/soak_kill.py``; this runs the
same rounds and checks with fewer kills in every test run.
"""

from __future__ import annotations

import importlib.util
import random
import signal
import sys
from pathlib import Path

import pytest

KILLS = 50

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)"),
]


def load_soak():
    path = Path(__file__).resolve().parents[1] / "soak" / "soak_kill.py"
    spec = importlib.util.spec_from_file_location("soak_kill", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["soak_kill"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_fifty_kills_lose_nothing_committed(tmp_path):
    soak = load_soak()
    seed = random.SystemRandom().randrange(2**32)
    print(f"seed {seed}")
    counts = soak.run(KILLS, seed, tmp_path, log=None)
    print(counts.line())
    assert counts.problems == [], f"seed {seed}: " + "\n".join(counts.problems)
    assert counts.kills == KILLS
    assert counts.lost == 0
    # the kills really fell in the middle of sessions, with many commits to check
    assert counts.kills_mid_session >= KILLS // 2
    assert counts.sessions_interrupted >= KILLS // 2
    assert counts.steps_checked > 200


def test_the_check_notices_a_lost_step(tmp_path):
    """The soak's check can fail: a committed step that is missing is reported."""
    soak = load_soak()
    from massage_timer.core.log import open_store

    store, _ = open_store(tmp_path / "sessions.sqlite3")
    store.close()
    counts = soak.Counts()
    soak.check_round(tmp_path / "sessions.sqlite3", b"B abc\nS abc 1\n", counts)
    assert counts.lost == 1 and any("missing" in p for p in counts.problems)
