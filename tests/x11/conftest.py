"""Real key presses: a real X server (Xvfb), the real app window, keys sent by xdotool.

Qt resolves shortcuts from real X key events differently from events posted inside the
process (a "+" that Qt's test events fired was dead on a real US keyboard), so these
tests go through the X server. On CI the tools are installed by ``.ci/run`` and a
missing one fails the run; elsewhere the tests are skipped with the reason.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import massage_timer

DRIVER = Path(__file__).with_name("session_driver.py")
TOOLS = ("Xvfb", "xdotool", "setxkbmap")
EVENT_TIMEOUT = 20.0


def _need_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        reason = f"real-key tests need {', '.join(missing)} (Debian: xvfb, xdotool, x11-xkb-utils)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def x_display() -> Iterator[str]:
    """A private X server for the whole run; its display name, e.g. ":57"."""
    _need_tools()
    read, write = os.pipe()
    server = subprocess.Popen(
        # -noreset: without it the server resets (and forgets the keyboard layout) whenever its
        # last client leaves, e.g. between setxkbmap and the app.
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as handle:
        number = handle.readline().strip()
    if not number:
        server.kill()
        pytest.fail("Xvfb did not start")
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


class DrivenApp:
    """The app window of ``session_driver.py``, with the lines it prints and keys to press."""

    def __init__(self, display: str, data_dir: Path, protocol_id: str) -> None:
        self.display = display
        self.data_dir = data_dir
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
        src = str(Path(massage_timer.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
        env.pop("WAYLAND_DISPLAY", None)
        self.process = subprocess.Popen(
            [sys.executable, str(DRIVER), str(data_dir), protocol_id],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self.events: queue.Queue[dict] = queue.Queue()
        self.seen: list[dict] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        ready = self.wait_for(lambda e: e["event"] == "ready")
        self.window = str(ready["window"])
        self.xdotool("windowfocus", "--sync", self.window)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("{"):
                self.events.put(json.loads(line))

    def wait_for(self, matches: Callable[[dict], bool], timeout: float = EVENT_TIMEOUT) -> dict:
        """The next printed event that ``matches`` within ``timeout`` s in all (others are kept in ``seen``)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                event = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no matching event within {timeout} s; seen: {self.seen[-5:]}") from None
            self.seen.append(event)
            if matches(event):
                return event

    def let_pass(self, seconds: float, since: dict) -> dict:
        """Wait, by the app's own once-a-second events, until ``seconds`` have passed since ``since``.

        A caregiver's presses come seconds apart; pressed faster, a second move is taken for a
        bounce of the pedal (see the bounce setting) and ignored.
        """
        return self.wait_for(lambda e: e["t"] >= since["t"] + seconds)

    def xdotool(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], check=True, env=dict(os.environ, DISPLAY=self.display), timeout=30)

    def press(self, key: str) -> None:
        """One real key press (xdotool key names: plus, ctrl+minus, Cyrillic_te, KP_Add, ...)."""
        self.xdotool("key", "--clearmodifiers", key)

    def actions_of(self, key: str, sentinel: str = "F11") -> list[str]:
        """The session actions one key press fired, made certain by a sentinel key after it.

        The sentinel (focus mode) is pressed twice, so the window ends as it was.
        """
        self.press(key)
        self.press(sentinel)
        fired: list[str] = []
        while True:
            event = self.wait_for(lambda e: e["event"] in ("action", "ambiguous"))
            if event["event"] == "action" and event["action"] == "focus":
                break
            fired.append(event["action"] if event["event"] == "action" else f"ambiguous:{event['action']}")
        self.press(sentinel)
        self.wait_for(lambda e: e["event"] == "action" and e["action"] == "focus")
        return fired

    def quit(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._reader.join(10)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def start_app(x_display: str, tmp_path: Path) -> Iterator[Callable[..., DrivenApp]]:
    """Start the app on ``x_display`` with a keyboard ``layout`` (setxkbmap) and a session prepared."""
    apps: list[DrivenApp] = []

    def start(
        protocol_id: str = "classic-relaxing", layout: str = "us", keys: dict[str, list[str]] | None = None
    ) -> DrivenApp:
        """``keys``: the user's own keys, as Settings → Keys and pedal saves them."""
        env = dict(os.environ, DISPLAY=x_display)
        subprocess.run(["setxkbmap", *layout.split()], check=True, env=env, timeout=30)
        data_dir = tmp_path / f"data-{len(apps)}"
        if keys:
            from massage_timer.ui.settings import Settings

            data_dir.mkdir(parents=True)
            Settings(data_dir / "settings.ini").set_chosen_keys(keys)
        app = DrivenApp(x_display, data_dir, protocol_id)
        apps.append(app)
        query = subprocess.run(["setxkbmap", "-query"], capture_output=True, text=True, env=env, timeout=30).stdout
        assert f"layout:     {layout.split()[-1]}" in query, f"the keyboard layout did not hold: {query}"
        return app

    yield start
    for app in apps:
        app.quit()
