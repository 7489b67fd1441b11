"""Keeping the display awake while a session runs (best effort, per platform).

* Linux and other freedesktop systems: ``org.freedesktop.ScreenSaver.Inhibit``
  on the D-Bus session bus. The desktop drops the inhibition by itself if the
  app dies, so a crash never leaves the screen awake for good.
* Windows: ``SetThreadExecutionState`` (display and system required).
* macOS: a ``caffeinate -d -i -w <pid>`` child that ends with the app.

Nothing here raises: when keeping awake is impossible, :attr:`KeepAwake.why_not`
says why in plain words.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from typing import Any

APP_NAME = "Massage Timer"
NO_SCREEN_CONTROL = "this computer does not let apps keep the screen on"
"""What the user is told on any desktop that cannot be asked (the details go to the app's log)."""

log = logging.getLogger(__name__)

_DBUS_SERVICE = "org.freedesktop.ScreenSaver"
_DBUS_PATHS = ("/org/freedesktop/ScreenSaver", "/ScreenSaver")
_DBUS_CONNECTION = "massage-timer-keep-awake"

_ES_CONTINUOUS = 0x80000000
_ES_SYSTEM_REQUIRED = 0x00000001
_ES_DISPLAY_REQUIRED = 0x00000002


class KeepAwake:
    """Asks the system not to blank the screen; :meth:`release` gives the request back."""

    def __init__(self) -> None:
        self._cookie: int | None = None
        self._dbus_path: str | None = None
        self._windows = False
        self._process: subprocess.Popen[bytes] | None = None
        self.why_not = ""
        """Why the display is not kept awake (empty while it is, or before the first try)."""

    @property
    def active(self) -> bool:
        return self._cookie is not None or self._windows or self._process is not None

    def inhibit(self, reason: str = "A massage session is running") -> bool:
        """Keep the display awake. Returns True when the system accepted."""
        if self.active:
            return True
        self.why_not = ""
        try:
            if sys.platform == "win32":
                self._inhibit_windows()
            elif sys.platform == "darwin":
                self._inhibit_macos()
            else:
                self._inhibit_dbus(reason)
        except Exception as exc:  # noqa: BLE001 - best effort, never take the session down
            log.warning("keep-awake failed: %r", exc)
            self.why_not = NO_SCREEN_CONTROL
        return self.active

    def release(self) -> None:
        """Let the display sleep again (safe to call at any time, repeatedly)."""
        try:
            if self._cookie is not None:
                self._release_dbus()
            if self._windows:
                self._release_windows()
            if self._process is not None:
                self._release_macos()
        except Exception:  # noqa: BLE001, S110 - the desktop drops it with the app anyway
            pass
        finally:
            self._cookie = None
            self._dbus_path = None
            self._windows = False
            self._process = None

    # ------------------------------------------------------------- freedesktop

    def _inhibit_dbus(self, reason: str) -> None:
        try:
            from PySide6.QtDBus import QDBusConnection, QDBusInterface, QDBusMessage
        except ImportError as exc:
            log.warning("keep-awake: Qt's D-Bus module could not be loaded (%s)", exc)
            self.why_not = NO_SCREEN_CONTROL
            return
        # A connection of our own: closing it ends the inhibition for sure (the
        # screen saver forgets requests of clients that leave the bus), which
        # needs no UnInhibit call with an unsigned cookie that Python cannot type.
        bus = QDBusConnection.connectToBus(QDBusConnection.BusType.SessionBus, _DBUS_CONNECTION)
        if not bus.isConnected():
            QDBusConnection.disconnectFromBus(_DBUS_CONNECTION)
            log.info("keep-awake: no D-Bus session bus")
            self.why_not = NO_SCREEN_CONTROL
            return
        last_error = ""
        for path in _DBUS_PATHS:
            iface = QDBusInterface(_DBUS_SERVICE, path, _DBUS_SERVICE, bus)
            if not iface.isValid():
                last_error = iface.lastError().message() or "the service is not running"
                continue
            reply: Any = iface.call("Inhibit", APP_NAME, reason)
            if reply.type() == QDBusMessage.MessageType.ReplyMessage and reply.arguments():
                self._cookie = int(reply.arguments()[0])
                self._dbus_path = path
                return
            last_error = reply.errorMessage() or "no answer"
        del iface, bus
        QDBusConnection.disconnectFromBus(_DBUS_CONNECTION)
        log.info("keep-awake: no screen saver service answered (%s)", last_error)
        self.why_not = NO_SCREEN_CONTROL

    def _release_dbus(self) -> None:
        from PySide6.QtDBus import QDBusConnection

        QDBusConnection.disconnectFromBus(_DBUS_CONNECTION)

    # ----------------------------------------------------------------- Windows

    def _inhibit_windows(self) -> None:
        import ctypes

        kernel32: Any = ctypes.windll.kernel32  # type: ignore[attr-defined]
        previous = kernel32.SetThreadExecutionState(_ES_CONTINUOUS | _ES_SYSTEM_REQUIRED | _ES_DISPLAY_REQUIRED)
        if previous == 0:
            self.why_not = "Windows refused to keep the display on"
            return
        self._windows = True

    def _release_windows(self) -> None:
        import ctypes

        ctypes.windll.kernel32.SetThreadExecutionState(_ES_CONTINUOUS)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------- macOS

    def _inhibit_macos(self) -> None:
        try:
            self._process = subprocess.Popen(
                ["caffeinate", "-d", "-i", "-w", str(os.getpid())],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            log.warning("keep-awake: caffeinate could not be started (%s)", exc.strerror or exc)
            self.why_not = NO_SCREEN_CONTROL

    def _release_macos(self) -> None:
        process = self._process
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
