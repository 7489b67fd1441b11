"""Desktop notifications for a step that ends while the window is out of sight.

Where a tray exists, :meth:`QSystemTrayIcon.showMessage` says it; where none does (plain GNOME),
the freedesktop notification service on the session bus (``org.freedesktop.Notifications``) does.
:func:`step_notice` makes that choice.

:class:`Notifier` never raises and never holds the window up: whether the service is there is
asked with a short time-out, and the notice itself goes out through ``gdbus`` (part of GLib, on
every GNOME desktop) started in the background, because Qt for Python cannot put the unsigned
number the service's ``Notify`` method wants into a bus message. Each session's notices replace
each other (the service's replace id, remembered per key), so a screen does not fill with
"Anna: remove the jars" three times over.

Nothing said in a notice goes to the app's log.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QProcess
from PySide6.QtWidgets import QSystemTrayIcon

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
CALL_TIMEOUT_MS = 400
"""How long asking the bus may take before the app gives up on notifications for this time."""
SHOW_MS = 8000
"""How long a notice stays up (the service may keep it longer)."""

Runner = Callable[[list[str], Callable[[str], None]], bool]
"""Starts a command in the background, calls back with its output once it ends; says whether it started."""


def bus_address_known() -> bool:
    """Whether a session bus can be reached at all (its address is set, or its socket exists)."""
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return bool(runtime) and Path(runtime, "bus").exists()


def service_present() -> bool:
    """Whether the notification service answers on the session bus (asked with a short time-out)."""
    if not bus_address_known():
        return False
    try:
        from PySide6.QtDBus import QDBusConnection

        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            return False
        iface = bus.interface()
        if iface is None:
            return False
        iface.setTimeout(CALL_TIMEOUT_MS)
        reply = iface.isServiceRegistered(SERVICE)
        return bool(reply.value()) if reply.isValid() else False
    except Exception as exc:  # noqa: BLE001 - no notifications is never a reason to fail
        log.info("desktop notifications unavailable: %s", type(exc).__name__)
        return False


def gvariant_string(text: str) -> str:
    """``text`` as a GVariant text literal, so that gdbus takes it word for word."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def notify_command(app_name: str, replaces: int, summary: str, body: str, icon: str = "") -> list[str]:
    """The gdbus command line that shows one notice (replacing notice ``replaces`` when not 0)."""
    return [
        "gdbus",
        "call",
        "--session",
        "--timeout",
        "2",
        "--dest",
        SERVICE,
        "--object-path",
        OBJECT_PATH,
        "--method",
        f"{SERVICE}.Notify",
        gvariant_string(app_name),
        f"uint32 {int(replaces)}",
        gvariant_string(icon),
        gvariant_string(summary),
        gvariant_string(body),
        "@as []",
        "@a{sv} {}",
        str(SHOW_MS),
    ]


_REPLY_ID = re.compile(r"\((?:uint32 )?(\d+),\)")


def reply_id(output: str) -> int:
    """The notice's id in gdbus's answer ``(uint32 7,)``; 0 when there is none."""
    match = _REPLY_ID.search(output)
    return int(match.group(1)) if match else 0


class Notifier(QObject):
    """Notices over the session bus, one replacing the last for the same session (see the module).

    Args:
        app_name: the name the service shows with each notice.
        present: says whether the service is there (default: :func:`service_present`).
        runner: starts gdbus in the background (default: a :class:`QProcess`); tests give a fake.
    """

    def __init__(
        self,
        app_name: str = "Massage Timer",
        *,
        present: Callable[[], bool] | None = None,
        runner: Runner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.app_name = app_name
        self._present = present or service_present
        self._runner = runner or self._run
        self._ids: dict[str, int] = {}
        self._processes: set[QProcess] = set()

    def notify(self, summary: str, body: str, key: str = "") -> bool:
        """Show a notice; one with the same ``key`` replaces the last. False when it cannot be shown."""
        try:
            if not self._present():
                return False
            command = notify_command(self.app_name, self._ids.get(key, 0), summary, body, "massage-timer")

            def remember(output: str) -> None:
                if n := reply_id(output):
                    self._ids[key] = n

            return bool(self._runner(command, remember))
        except Exception as exc:  # noqa: BLE001 - no notifications is never a reason to fail
            log.info("desktop notification not shown: %s", type(exc).__name__)
            return False

    def replace_id(self, key: str = "") -> int:
        """The service's id of the last notice for ``key`` (0: none yet)."""
        return self._ids.get(key, 0)

    def _run(self, command: list[str], done: Callable[[str], None]) -> bool:
        program = shutil.which(command[0])
        if program is None:
            return False
        process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)

        def finished(*_args: object) -> None:
            output = bytes(process.readAll().data()).decode("utf-8", "replace")
            self._processes.discard(process)
            process.deleteLater()
            done(output)

        process.finished.connect(finished)
        process.errorOccurred.connect(lambda _e: self._processes.discard(process))
        self._processes.add(process)
        process.start(program, command[1:])
        return True


_DEFAULT: Notifier | None = None


def notify(summary: str, body: str, key: str = "") -> bool:
    """Show a desktop notice through the app's one :class:`Notifier`; False when none can be shown."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Notifier()
    return _DEFAULT.notify(summary, body, key)


def step_notice(
    tray: QSystemTrayIcon | None,
    summary: str,
    body: str,
    key: str = "",
    notifier: Notifier | Callable[[str, str, str], bool] | None = None,
) -> bool:
    """Say that a step ended: in the tray's bubble when a tray shows, else as a desktop notice."""
    if tray is not None and tray.isVisible() and QSystemTrayIcon.isSystemTrayAvailable():
        tray.showMessage(summary, body, QSystemTrayIcon.MessageIcon.Information, SHOW_MS)
        return True
    if notifier is None:
        return notify(summary, body, key)
    if isinstance(notifier, Notifier):
        return notifier.notify(summary, body, key)
    return bool(notifier(summary, body, key))
