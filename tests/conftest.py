"""Fixtures shared by every test.

No test may touch the real user folders: an autouse fixture points the data
folder (``MASSAGE_TIMER_DATA_DIR``) and the XDG folders at a fresh temporary
directory for each test.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

# Qt must not look for a display; set before any QApplication exists.
# Test folders with their own conftest may set it too (setdefault keeps theirs).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from massage_timer.core.clock import FakeClock  # noqa: E402
from massage_timer.core.log import Store, open_store  # noqa: E402
from massage_timer.core.paths import ENV_VAR, DataPaths, resolve_data_dir  # noqa: E402
from massage_timer.core.protocols.format import Protocol  # noqa: E402
from massage_timer.core.protocols.reading import _semantic_problems  # noqa: E402

XDG_VARS = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder and XDG folders, never the user's."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv(ENV_VAR, str(home / "data"))
    for var in XDG_VARS:
        monkeypatch.setenv(var, str(home / var.lower()))
    return home


@pytest.fixture
def no_speech_daemon(monkeypatch: pytest.MonkeyPatch) -> None:
    """Child processes must not start a speech-dispatcher daemon that outlives the test."""
    monkeypatch.setenv("SPEECHD_ADDRESS", "inet_socket:127.0.0.1:9")  # nothing listens there


@pytest.fixture
def fake_clock() -> FakeClock:
    """A clock that moves only when the test says so."""
    return FakeClock()


@pytest.fixture
def data_dir() -> DataPaths:
    """The test's (temporary) data folder, created."""
    return resolve_data_dir().ensure()


@pytest.fixture
def store(data_dir: DataPaths) -> Iterator[Store]:
    """The session log in the test's data folder, closed afterwards."""
    opened, _report = open_store(data_dir.database)
    try:
        yield opened
    finally:
        opened.close()


def protocol_data() -> dict[str, Any]:
    """A small valid protocol as plain data: timed step with cues, per-side wait step, untimed step."""
    return {
        "schema": 1,
        "id": "test-routine",
        "title": "Test routine",
        "summary": "A routine for the tests.",
        "stages": ["acute", "remission"],
        "steps": [
            {
                "id": "warm-up",
                "title": "Warm up",
                "instructions": "Stroke the lower back.",
                "duration": {"min": "2m", "default": "5m", "max": "10m"},
                "cues": [
                    {"at": "50%", "text": "Change direction"},
                    {"at": "-1m", "text": "One minute left"},
                ],
            },
            {
                "id": "cups",
                "title": "Cups on",
                "instructions": "Leave the cups on the skin.",
                "duration": {"min": "30s", "default": "2m", "max": "5m"},
                "advance": "wait",
                "per_side": True,
            },
            {
                "id": "rest",
                "title": "Rest",
                "instructions": "Rest under a blanket until you feel ready.",
            },
        ],
    }


def build_protocol(**overrides: Any) -> Protocol:
    """``protocol_data()`` with top-level keys replaced, validated like a file would be."""
    data = copy.deepcopy(protocol_data())
    data.update(copy.deepcopy(overrides))
    protocol = msgspec.convert(data, Protocol, strict=True)
    problems = list(_semantic_problems(protocol, ()))
    assert not problems, problems
    return protocol


@pytest.fixture
def make_protocol() -> Callable[..., Protocol]:
    """Build a small valid protocol; keyword arguments replace top-level fields (e.g. ``steps=``)."""
    return build_protocol
