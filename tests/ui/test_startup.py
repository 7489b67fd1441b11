"""Start-up: what the first frame needs, and what waits until just after it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import massage_timer
from massage_timer.core.log import open_store
from massage_timer.core.paths import DataPaths
from massage_timer.ui.widgets.basics import plain_label, set_role

# Loaded after the first frame (or later still), never before it.
NOT_BEFORE_FIRST_FRAME = (
    "massage_timer.core.log.store",
    "massage_timer.core.session.engine",
    "massage_timer.ui.session_controller",
    "massage_timer.ui.services.cues",
    "massage_timer.ui.pages.history",
    "sqlite3",
    "hashlib",
    "PySide6.QtNetwork",
    "PySide6.QtMultimedia",
    "pyqtgraph",
    "numpy",
    "logging.handlers",  # socket, pickle, queue: the app's log file needs none of them (core.diagnostics)
)

CHILD = textwrap.dedent(
    """
    import json, sys
    from massage_timer.cli import main
    code = main(sys.argv[2:])
    wanted = set(json.loads(sys.argv[1]))
    print("MODULES " + json.dumps(sorted(m for m in sys.modules if m in wanted)))
    sys.exit(code)
    """
)


def _modules_after(stage: str, data: Path) -> tuple[list[str], list[str]]:
    """(modules of interest loaded, stages reported) by a real start-up that quits at ``stage``."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(Path(massage_timer.__file__).resolve().parents[1]), env.get("PYTHONPATH")])
    )
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(NOT_BEFORE_FIRST_FRAME)]
        + [f"--exit-after-startup={stage}", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    modules = json.loads(next(line for line in lines if line.startswith("MODULES "))[len("MODULES ") :])
    stages = [line.split()[0] for line in lines if not line.startswith("MODULES ")]
    return modules, stages


def test_the_first_frame_loads_no_log_session_or_network_code(tmp_path: Path) -> None:
    loaded, stages = _modules_after("first-frame", tmp_path / "data")
    assert stages == ["first-frame"]
    assert loaded == []
    assert not (tmp_path / "data" / "sessions.sqlite3").exists()


def test_ready_means_the_log_is_open(tmp_path: Path) -> None:
    loaded, stages = _modules_after("ready", tmp_path / "data")
    assert stages == ["first-frame", "ready"]
    assert {"massage_timer.core.log.store", "sqlite3", "PySide6.QtNetwork"} <= set(loaded)
    assert "pyqtgraph" not in loaded and "numpy" not in loaded
    assert (tmp_path / "data" / "sessions.sqlite3").exists()


@pytest.fixture
def opened(data_dir: DataPaths):  # noqa: ANN201
    """A log opener like the app's, which records its calls."""
    calls: list = []

    def open_log():  # noqa: ANN202
        store, _ = open_store(data_dir.database)
        calls.append(store)
        return store, "a note about the log"

    yield open_log, calls
    for store in calls:
        store.close()


@pytest.fixture
def bare_window(qtbot, data_dir: DataPaths, settings, library, opened):  # noqa: ANN001, ANN201
    """The main window as the app builds it for its first frame: log not open yet, no session machinery."""
    from massage_timer.ui.main_window import MainWindow

    window = MainWindow(data_dir, settings, None, library, open_log=opened[0])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_log_is_opened_once_when_asked(bare_window, opened) -> None:  # noqa: ANN001
    _, calls = opened
    assert calls == []  # showing the window did not open it
    bare_window.open_log_now()
    bare_window.open_log_now()
    assert len(calls) == 1
    assert bare_window.store is calls[0] and bare_window.store_notice == "a note about the log"


def test_a_page_opened_before_the_log_opens_it_first(bare_window, opened) -> None:  # noqa: ANN001
    """A key pressed during start-up (Ctrl+3) may open History before the log is open."""
    from massage_timer.ui.pages.history import HistoryPage

    _, calls = opened
    bare_window.show_page("history")
    page = bare_window.page("history")
    assert len(calls) == 1
    assert isinstance(page, HistoryPage) and page.store is calls[0]
    bare_window.open_log_now()  # what the app does just after the first frame: nothing left
    assert len(calls) == 1


def test_the_session_machinery_is_made_when_first_needed(bare_window) -> None:  # noqa: ANN001
    from massage_timer.ui.session_controller import SessionController

    assert bare_window._controller is None
    assert not bare_window.session_active()
    controller = bare_window.controller
    assert isinstance(controller, SessionController)
    assert bare_window.controller is controller and controller.parent() is bare_window
    assert not bare_window.session_active()


def test_a_role_set_before_the_first_show_is_styled(qtbot, qapp) -> None:  # noqa: ANN001
    from massage_timer.ui.theme import apply_theme

    apply_theme(qapp, "light", 100)
    plain, early, late = plain_label("Aa"), plain_label("Aa", "title"), plain_label("Aa")
    for label in (plain, early, late):
        qtbot.addWidget(label)
        label.show()
    assert early.font().pointSizeF() > plain.font().pointSizeF()
    set_role(late, "title")  # already polished: styled again at once
    assert late.font().pointSizeF() == early.font().pointSizeF()
