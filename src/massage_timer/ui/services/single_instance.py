"""One running app per data folder.

Two windows writing the same session log would each mark the other's running
session as interrupted and interleave their writes. So the first launch takes
a lock file in the data folder (``QLockFile``) and, once its window is up,
listens on a local socket (``QLocalServer``, named from a hash of the folder's
path). A second launch on the same folder finds the lock taken, asks the first
to bring its window to the front (waiting a few seconds for it to listen), and
exits. Qt Network is loaded only then, not before the first window.

A lock left behind by a crash names a process that no longer runs; QLockFile
sees that and the next launch takes the lock over. Locks are never considered
stale by age: a session may run for hours.

A lock that cannot be created at all (a full disk, a read-only disk, no
permission) is not another instance: the app says why and goes on without the
one-instance guarantee (:attr:`SingleInstance.problem`), never claiming that
another copy is running.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, Signal

from ... import APP_NAME

if TYPE_CHECKING:  # Qt Network is imported when first needed, after the window is up
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

LOCK_NAME = "massage-timer.lock"
REQUEST = b"raise\n"
ANSWER = b"ok\n"


def server_name(root: Path) -> str:
    """The local socket name for a data folder (the same folder always gives the same name)."""
    import hashlib  # only when listening or asking: OpenSSL is not needed for the first frame

    try:
        resolved = root.resolve()
    except OSError:
        resolved = root.absolute()
    digest = hashlib.sha256(str(resolved).encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return f"massage-timer-{digest}"


class SingleInstance(QObject):
    """The lock and the "bring your window to the front" channel of one data folder.

    Args:
        root: the data folder.
    """

    activated = Signal()
    """Another launch asked this instance to show its window."""

    def __init__(self, root: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.root = root
        self.lock_path = root / LOCK_NAME
        self._lock = QLockFile(str(self.lock_path))
        self._lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
        self._server: QLocalServer | None = None
        self._clients: list[QLocalSocket] = []
        self.problem = ""
        """Why the lock could not be created, when it could not ("" when it is held, by us or another)."""

    @cached_property
    def name(self) -> str:
        """The local socket's name."""
        return server_name(self.root)

    @property
    def holder_pid(self) -> int | None:
        """The process that holds the lock, when known."""
        info = self._lock.getLockInfo()  # PySide: (pid, hostname, appname), pid 0 when unknown
        if isinstance(info, tuple) and info and isinstance(info[0], int) and info[0] > 0:
            return info[0]
        return None

    def acquire(self) -> bool:
        """Take the lock (taking over a stale one). False only if another instance has it.

        When the lock file cannot be created at all (see :attr:`problem`), this is True:
        nothing shows that another instance runs, so the app goes on without the guarantee.
        Call :meth:`listen` next, once there is a window to bring to the front.
        """
        if self._lock.tryLock(200):
            return True
        if self._lock.error() == QLockFile.LockError.LockFailedError:
            return False  # held by a running process
        why = self._why_not_writable()
        self.problem = (
            f"The lock file {self.lock_path} cannot be created: {why}. "
            f"{APP_NAME} goes on, but cannot tell whether another copy of it uses the same data folder: "
            "do not open it twice." + (" Free some space on that disk." if "full" in why else "")
        )
        return True

    def _why_not_writable(self) -> str:
        """Why a file cannot be written in the data folder, found by trying (Qt does not say)."""
        probe = self.root / f".{LOCK_NAME}.{os.getpid()}.probe"
        try:
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, b"%d\n" % os.getpid())
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            words = {
                errno.ENOSPC: "the disk is full",
                errno.EROFS: "the disk is read-only",
                errno.EACCES: "there is no permission to write in its folder",
                errno.EPERM: "there is no permission to write in its folder",
                errno.ENOENT: "its folder does not exist",
            }
            return words.get(exc.errno or 0, (exc.strerror or "it cannot be written").lower())
        finally:
            with contextlib.suppress(OSError):
                probe.unlink()
        return "the system refused it"

    @property
    def listening(self) -> bool:
        return self._server is not None

    def listen(self) -> bool:
        """Answer other launches' "raise" requests from now on. True if the socket is open."""
        from PySide6.QtNetwork import QLocalServer

        if self._server is not None:
            return True
        # The lock is ours, so a socket file left by a crash is stale too.
        QLocalServer.removeServer(self.name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.newConnection.connect(self._on_connection)
        if not server.listen(self.name):
            server.deleteLater()
            return False
        self._server = server
        return True

    def ask_to_raise(self, timeout: float = 15.0, connect_timeout: float = 3.0) -> bool:
        """Ask the instance holding the lock to show its window. True once it answered.

        The first instance listens right after taking the lock, but may still
        be starting (its window not up yet): it gets ``timeout`` seconds to
        answer, and ``connect_timeout`` to accept the connection at all.
        """
        from PySide6.QtNetwork import QLocalSocket

        start = time.monotonic()
        deadline = start + timeout
        connected_once = False
        while time.monotonic() < deadline:
            if not connected_once and time.monotonic() > start + connect_timeout:
                return False
            socket = QLocalSocket()
            socket.connectToServer(self.name)
            if socket.waitForConnected(500):
                connected_once = True
                socket.write(REQUEST)
                socket.flush()
                answer = b""
                while time.monotonic() < deadline and ANSWER not in answer:
                    if socket.waitForReadyRead(250):
                        answer += bytes(socket.readAll().data())
                    elif socket.state() != QLocalSocket.LocalSocketState.ConnectedState:
                        break
                socket.abort()
                if ANSWER in answer:
                    return True
            else:
                socket.abort()
            time.sleep(0.1)
        return False

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock.isLocked():
            self._lock.unlock()

    def _on_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if socket is None:
                break
            self._clients.append(socket)
            socket.readyRead.connect(lambda s=socket: self._on_request(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _on_request(self, socket: QLocalSocket) -> None:
        data = bytes(socket.readAll().data())
        if REQUEST.strip() in data:
            socket.write(ANSWER)
            socket.flush()
            self.activated.emit()
        socket.disconnectFromServer()

    def _forget(self, socket: QLocalSocket) -> None:
        if socket in self._clients:
            self._clients.remove(socket)
        socket.deleteLater()


def bring_to_front(window) -> None:  # noqa: ANN001 - any QWidget
    """Show ``window`` on top, restored if it was minimised."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
