"""Promise: a failure can be diagnosed afterwards (log file, crash file, exception hooks), without health data.

The log file and the crash file are in ``--data-dir DIR/logs`` (or the platform's log
folder), user-only. The exception hooks log every uncaught exception; the GUI side
(the error dialog, a real session's log) is in ``test_diagnostics_ui.py``.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_helpers import child_env

from massage_timer import __version__
from massage_timer.app import quiet_qt_messages
from massage_timer.cli import main
from massage_timer.core import diagnostics
from massage_timer.core.paths import ENV_VAR

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


@pytest.fixture
def diag(tmp_path: Path) -> Iterator[diagnostics.Diagnostics]:
    """Diagnostics started in this process for a data folder (no crash file: pytest has its own faulthandler)."""
    state = diagnostics.start_diagnostics(tmp_path / "data", crash_file=False, hooks=False)
    yield state
    diagnostics.stop_diagnostics()


def log_text(state: diagnostics.Diagnostics) -> str:
    assert state.log_file is not None
    return state.log_file.read_text(encoding="utf-8")


def run_app(*args: str, umask: int | None = None) -> subprocess.CompletedProcess[str]:
    env = child_env()
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop(ENV_VAR, None)
    old = os.umask(umask) if umask is not None else None
    try:
        return subprocess.run(
            [sys.executable, "-m", "massage_timer", *args], capture_output=True, text=True, timeout=120, env=env
        )
    finally:
        if old is not None:
            os.umask(old)


# ------------------------------------------------------------------ where, and who may read it


def test_the_log_folder_is_in_the_data_folder_when_one_is_given(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    assert diagnostics.log_folder(tmp_path / "d") == (tmp_path / "d" / "logs").absolute()
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert diagnostics.log_folder() == tmp_path / "env" / "logs"
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    if sys.platform.startswith("linux"):
        assert diagnostics.log_folder() == tmp_path / "state" / "massage-timer" / "log"


@posix
@pytest.mark.slow
def test_a_real_start_writes_a_private_log_with_its_stages(tmp_path: Path) -> None:
    """With umask 000, the folder is still 0700 and the log and crash files 0600."""
    data = tmp_path / "data"
    done = run_app("--exit-after-startup", "--data-dir", str(data), umask=0o000)
    assert done.returncode == 0, done.stderr
    logs = data / "logs"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700  # made before the data folder itself: private too
    assert stat.S_IMODE(logs.stat().st_mode) == 0o700
    files = {p.name: stat.S_IMODE(p.stat().st_mode) for p in logs.iterdir()}
    assert files == {"massage-timer.log": 0o600, "crash.log": 0o600}
    text = (logs / "massage-timer.log").read_text(encoding="utf-8")
    for event in (
        f"Massage Timer {__version__} starting",
        f"data folder {data}",
        "start-up: first-frame",
        f"session log open: {data / 'sessions.sqlite3'}",
        "start-up: ready",
        "closed (exit code 0)",
    ):
        assert event in text, event
    assert " DEBUG " not in text  # INFO unless --debug
    assert "starting" not in done.stderr  # records go to the file only


WIRING_CHILD = textwrap.dedent(
    """
    import faulthandler, json, sys, threading
    from massage_timer.cli import main
    from massage_timer.core import diagnostics

    code = main(sys.argv[1:])
    print(json.dumps({
        "code": code,
        "faulthandler": faulthandler.is_enabled(),
        "excepthook": sys.excepthook is diagnostics.excepthook,
        "threading": threading.excepthook is diagnostics.thread_excepthook,
        "dialog": getattr(diagnostics._reporter, "__qualname__", None),
    }))
    """
)


@pytest.mark.slow
def test_the_app_enables_the_crash_file_the_hooks_and_the_dialog(tmp_path: Path) -> None:
    env = child_env()
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run(
        [sys.executable, "-c", WIRING_CHILD, "--exit-after-startup=first-frame", "--data-dir", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    wired = json.loads(done.stdout.splitlines()[-1])
    assert wired == {
        "code": 0,
        "faulthandler": True,
        "excepthook": True,
        "threading": True,
        "dialog": "CrashReporter.report",
    }


@pytest.mark.slow
def test_debug_logs_everything_and_echoes_it_to_stderr(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = run_app("--exit-after-startup=first-frame", "--debug", "--data-dir", str(data))
    assert done.returncode == 0, done.stderr
    text = (data / "logs" / "massage-timer.log").read_text(encoding="utf-8")
    assert " DEBUG " in text and "log file " in text
    assert "start-up: first-frame" in done.stderr and "massage_timer.app" in done.stderr


def test_debug_sets_the_level(tmp_path: Path) -> None:
    logger = logging.getLogger(diagnostics.LOGGER_NAME)
    try:
        state = diagnostics.start_diagnostics(tmp_path / "a", crash_file=False, hooks=False)
        assert logger.getEffectiveLevel() == logging.INFO
        logging.getLogger("massage_timer.some.module").debug("a detail")
        assert "a detail" not in log_text(state)
        state = diagnostics.start_diagnostics(tmp_path / "b", crash_file=False, hooks=False, debug=True)
        assert logger.getEffectiveLevel() == logging.DEBUG
        logging.getLogger("massage_timer.some.module").debug("a detail")
        assert "DEBUG" in log_text(state) and "a detail" in log_text(state)
    finally:
        diagnostics.stop_diagnostics()


@posix
def test_a_log_folder_that_cannot_be_made_leaves_the_app_without_a_log_file(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    (tmp_path / "data").write_text("a file where the data folder should be")
    try:
        state = diagnostics.start_diagnostics(tmp_path / "data", crash_file=True, hooks=False)
    finally:
        diagnostics.stop_diagnostics()
    assert state.log_file is None and state.crash_file is None
    assert "cannot be used" in state.problem
    assert "no log file" in capsys.readouterr().err


# ------------------------------------------------------------------ rotation


@posix
def test_the_log_rotates_and_stays_bounded(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(diagnostics, "MAX_BYTES", 20_000)
    state = diagnostics.start_diagnostics(tmp_path / "data", crash_file=False, hooks=False)
    try:
        assert diagnostics.BACKUP_COUNT == 3
        logger = logging.getLogger("massage_timer.test")
        for i in range(2_000):  # about 250 kB: several times the size of every file together
            logger.info("event %05d %s", i, "x" * 60)
    finally:
        diagnostics.stop_diagnostics()
    base = state.log_file
    assert base is not None
    files = sorted(state.folder.glob("massage-timer.log*"))
    assert [p.name for p in files] == [
        "massage-timer.log",
        "massage-timer.log.1",
        "massage-timer.log.2",
        "massage-timer.log.3",
    ]
    sizes = [p.stat().st_size for p in files]
    assert all(size <= 20_000 for size in sizes), sizes
    assert sum(sizes) <= 4 * 20_000
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}
    assert "event 01999" in base.read_text(encoding="utf-8")  # the newest in the current file
    assert "event 00000" not in "".join(p.read_text(encoding="utf-8") for p in files)  # the oldest dropped
    last_in_backup = int((state.folder / "massage-timer.log.1").read_text(encoding="utf-8").split("event ")[-1][:5])
    first_in_current = int(base.read_text(encoding="utf-8").split("event ")[1][:5])
    assert last_in_backup + 1 == first_in_current  # nothing lost between the files


def test_a_rotation_that_fails_loses_no_record(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """On Windows another running copy (a second launch, the self-test) may hold the file open."""
    handler = diagnostics.PrivateRotatingFileHandler(tmp_path / "a.log", max_bytes=1_000, backup_count=3)
    handler.setFormatter(logging.Formatter("%(message)s"))

    def refuse(*args: object) -> None:
        raise PermissionError(13, "the file is in use")

    monkeypatch.setattr(diagnostics.os, "replace", refuse)
    try:
        for i in range(100):
            handler.handle(logging.makeLogRecord({"msg": f"record {i:03d} " + "y" * 40}))
    finally:
        handler.close()
    lines = (tmp_path / "a.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 100 and lines[-1].startswith("record 099")


def test_the_real_sizes_are_one_megabyte_times_three() -> None:
    handler = diagnostics.PrivateRotatingFileHandler
    assert (diagnostics.MAX_BYTES, diagnostics.BACKUP_COUNT) == (1_000_000, 3)
    assert issubclass(handler, logging.FileHandler)


# ------------------------------------------------------------------ the crash file


CRASHING_CHILD = textwrap.dedent(
    """
    import faulthandler, sys
    from massage_timer.core.diagnostics import start_diagnostics

    def deep_inside_a_step():
        faulthandler._sigsegv()

    start_diagnostics(sys.argv[1])
    deep_inside_a_step()
    """
)


@pytest.mark.slow
def test_a_hard_crash_leaves_its_stacks_in_the_crash_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = child_env()
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_CHILD, str(data)], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode != 0
    crash = (data / "logs" / "crash.log").read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in crash
    assert "deep_inside_a_step" in crash
    assert done.stderr.count("Fatal Python error") == 0  # into the file, not (only) the terminal

    # The next start keeps that crash apart and says so in the log.
    later = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from massage_timer.core.diagnostics import start_diagnostics as s; s(sys.argv[1])",
            str(data),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert later.returncode == 0, later.stderr
    assert "deep_inside_a_step" in (data / "logs" / "crash.previous.log").read_text(encoding="utf-8")
    assert (data / "logs" / "crash.log").read_text(encoding="utf-8") == ""
    assert "the previous run ended in a crash" in (data / "logs" / "massage-timer.log").read_text(encoding="utf-8")


# ------------------------------------------------------------------ the exception hooks (no GUI)


# pytest-qt puts its own sys.excepthook in place for each test phase unless told not to.
hook_tests = pytest.mark.qt_no_exception_capture


@pytest.fixture
def hooked(diag: diagnostics.Diagnostics, monkeypatch) -> Iterator[list[tuple[str, str]]]:  # noqa: ANN001
    """The hooks installed (restored afterwards), reporting to a list."""
    reports: list[tuple[str, str]] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    diagnostics.install_hooks()
    diagnostics.set_reporter(lambda summary, details: reports.append((summary, details)))
    yield reports
    diagnostics.uninstall_hooks()


def _raise(exc: BaseException) -> None:
    raise exc


@hook_tests
def test_the_main_threads_hook_logs_the_traceback_and_reports_it(hooked, diag, capsys) -> None:  # noqa: ANN001
    try:
        _raise(ValueError("the main thread failed"))
    except ValueError:
        sys.excepthook(*sys.exc_info())
    assert len(hooked) == 1
    summary, details = hooked[0]
    assert summary == "ValueError: the main thread failed"
    assert "Traceback (most recent call last)" in details and "in _raise" in details
    text = log_text(diag)
    assert "uncaught exception:" in text and "in _raise" in text and "ValueError: the main thread failed" in text
    assert "ValueError: the main thread failed" in capsys.readouterr().err  # as Python would print it


@hook_tests
def test_a_threads_exception_is_logged_with_the_threads_name(hooked, diag) -> None:  # noqa: ANN001
    worker = threading.Thread(target=_raise, args=(RuntimeError("the worker failed"),), name="speech-check")
    worker.start()
    worker.join()
    assert len(hooked) == 1
    assert hooked[0][0] == "RuntimeError: the worker failed (in the background task “speech-check”)"
    text = log_text(diag)
    assert "uncaught exception in thread speech-check" in text and "RuntimeError: the worker failed" in text
    assert "[" in text and "speech-check]" in text  # the record names the thread it came from


@hook_tests
def test_a_failing_reporter_does_not_recurse(hooked, diag, capsys) -> None:  # noqa: ANN001
    calls = []

    def broken(summary: str, details: str) -> None:
        calls.append(summary)
        _raise(OSError("the reporter failed"))

    diagnostics.set_reporter(broken)
    try:
        _raise(KeyError("first"))
    except KeyError:
        sys.excepthook(*sys.exc_info())
    assert calls == ["KeyError: 'first'"]
    err = capsys.readouterr().err
    assert "the reporter failed" in err  # printed plainly, not reported again
    assert "KeyError: 'first'" in log_text(diag)


@hook_tests
def test_system_exit_in_a_thread_is_not_an_error(hooked, diag) -> None:  # noqa: ANN001
    worker = threading.Thread(target=_raise, args=(SystemExit(0),))
    worker.start()
    worker.join()
    assert hooked == []
    assert "uncaught" not in log_text(diag)


# ------------------------------------------------------------------ Qt's messages


def test_qt_messages_go_to_the_log_with_their_type_and_category(diag, capsys) -> None:  # noqa: ANN001
    from PySide6.QtCore import qInstallMessageHandler, qWarning

    quiet_qt_messages()
    try:
        qWarning("a warning from Qt")
        qWarning("PulseAudioService: pa_context_connect() failed")  # known and harmless: not on the terminal
    finally:
        qInstallMessageHandler(None)
    err = capsys.readouterr().err
    assert "a warning from Qt" in err and "PulseAudioService" not in err
    text = log_text(diag)
    assert "WARNING" in text and "massage_timer.qt: QtWarningMsg [default] a warning from Qt" in text
    assert "PulseAudioService" not in text  # a harmless notice is at DEBUG level, below INFO


# ------------------------------------------------------------------ versions


VERSION_CHILD = (
    "import json, sys; from massage_timer.cli import main; main(sys.argv[1:]); "
    "print(json.dumps('PySide6' in sys.modules))"
)


def _version_child(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", VERSION_CHILD, *args], capture_output=True, text=True, timeout=60, env=child_env()
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_version_alone_is_one_line_and_loads_no_qt() -> None:
    lines = _version_child("--version")
    assert lines[:-1] == [f"massage-timer {__version__}"]
    assert json.loads(lines[-1]) is False


def test_version_verbose_names_python_qt_pyside_and_the_platform(capsys) -> None:  # noqa: ANN001
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    assert main(["--version", "--verbose"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"massage-timer {__version__}"
    assert lines[1].startswith(f"Python {sys.version_info.major}.{sys.version_info.minor}.")
    assert lines[2] == f"Qt {qVersion()}"
    assert lines[3] == f"PySide6 {pyside_version}"
    assert lines[4].startswith("Platform ") and len(lines) == 5
    assert main(["--verbose", "--version"]) == 0
    assert capsys.readouterr().out.splitlines() == lines
    assert json.loads(_version_child("--version", "--verbose")[-1]) is True
