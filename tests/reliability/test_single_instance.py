"""Promise 7: one app per data folder, tested with real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from reliability_helpers import child_env

from massage_timer.ui.services.single_instance import LOCK_NAME, server_name

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals"),
]


def app_env() -> dict[str, str]:
    env = child_env()
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def wait_for(predicate, timeout: float = 20.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def launch(data: Path, log: Path, *extra: str) -> subprocess.Popen:
    handle = open(log, "wb")  # noqa: SIM115 - closed by the caller through the process
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "massage_timer", "--data-dir", str(data), *extra],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=app_env(),
        )
    finally:
        handle.close()


def test_the_name_depends_on_the_folder_only(tmp_path: Path) -> None:
    assert server_name(tmp_path / "a") == server_name(tmp_path / "a" / ".." / "a")
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")


def test_a_second_launch_raises_the_first_and_exits_0(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first_log = tmp_path / "first.log"
    first = launch(data, first_log)
    try:
        assert wait_for(lambda: (data / "sessions.sqlite3").exists()), first_log.read_text()
        t0 = time.monotonic()
        second = subprocess.run(
            [sys.executable, "-m", "massage_timer", "--data-dir", str(data)],
            capture_output=True,
            text=True,
            timeout=30,
            env=app_env(),
        )
        took = time.monotonic() - t0
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stderr and str(data) in second.stderr
        assert took < 10
        # the first heard the request
        assert wait_for(lambda: b"asked for this window" in first_log.read_bytes(), 10), first_log.read_text()
        assert first.poll() is None  # and is still running
    finally:
        first.kill()
        first.wait()
    assert not (data / "sessions.sqlite3.unreadable").exists()


def test_another_folder_is_another_instance(tmp_path: Path) -> None:
    first = launch(tmp_path / "one", tmp_path / "one.log")
    try:
        assert wait_for(lambda: (tmp_path / "one" / "sessions.sqlite3").exists())
        other = subprocess.run(
            [sys.executable, "-m", "massage_timer", "--data-dir", str(tmp_path / "two"), "--exit-after-startup"],
            capture_output=True,
            text=True,
            timeout=60,
            env=app_env(),
        )
        assert other.returncode == 0, other.stderr
        assert "already running" not in other.stderr
        assert (tmp_path / "two" / "sessions.sqlite3").exists()
    finally:
        first.kill()
        first.wait()


LOCKER = textwrap.dedent(
    """
    import sys, time
    from PySide6.QtCore import QCoreApplication, QLockFile
    app = QCoreApplication(["massage-timer"])
    lock = QLockFile(sys.argv[1])
    assert lock.tryLock(0)
    print("locked", flush=True)
    time.sleep(120)
    """
)


def test_a_stale_lock_left_by_a_crash_is_taken_over(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    lock = data / LOCK_NAME
    holder = subprocess.Popen([sys.executable, "-c", LOCKER, str(lock)], stdout=subprocess.PIPE, env=app_env())
    assert holder.stdout is not None
    assert holder.stdout.readline() == b"locked\n"
    holder.send_signal(signal.SIGKILL)  # a crash: the lock file stays, naming a dead process
    holder.wait()
    holder.stdout.close()
    assert lock.exists()
    dead_pid = int(lock.read_text().split("\n")[0])
    assert dead_pid == holder.pid
    with pytest.raises(ProcessLookupError):
        os.kill(dead_pid, 0)
    started = subprocess.run(
        [sys.executable, "-m", "massage_timer", "--data-dir", str(data), "--exit-after-startup"],
        capture_output=True,
        text=True,
        timeout=60,
        env=app_env(),
    )
    assert started.returncode == 0, started.stderr
    assert "already running" not in started.stderr and "does not answer" not in started.stderr
    assert (data / "sessions.sqlite3").exists()  # it really started and opened the log
    assert not lock.exists()  # and released the lock when it quit


def test_a_live_lock_holder_that_does_not_answer_is_not_overridden(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(data / LOCK_NAME)], stdout=subprocess.PIPE, env=app_env()
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == b"locked\n"
        second = subprocess.run(
            [sys.executable, "-m", "massage_timer", "--data-dir", str(data)],
            capture_output=True,
            text=True,
            timeout=60,
            env=app_env(),
        )
        assert second.returncode == 1
        assert "does not answer" in second.stderr and str(holder.pid) in second.stderr
        assert not (data / "sessions.sqlite3").exists()  # no second writer
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
