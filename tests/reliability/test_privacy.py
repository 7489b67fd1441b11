"""Promise 8: private files, and no network connection at all."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest
from reliability_helpers import log_session

from massage_timer.core.log import make_backup, open_store
from massage_timer.core.paths import DataPaths


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("umask", [0o022, 0o000], ids=["umask-022", "umask-000"])
def test_the_data_folder_log_and_backups_are_user_only(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        paths = DataPaths(tmp_path / "data").ensure()
        store, _ = open_store(paths.database, backups=paths.backups)
        log_session(store)
        backup = make_backup(store, paths.backups)
        files = [paths.database, backup]
        files += [p for p in paths.root.glob("sessions.sqlite3-*")]  # -wal, -shm while open
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in files}
        store.close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(paths.root.stat().st_mode) == 0o700
    assert stat.S_IMODE(paths.protocols.stat().st_mode) == 0o700
    assert stat.S_IMODE(paths.backups.stat().st_mode) == 0o700
    assert len(modes) >= 3, modes
    assert set(modes.values()) == {0o600}, modes


# ------------------------------------------------------------------ no network


class NetworkUsed(AssertionError):
    pass


def inet_socket_inodes() -> set[str]:
    """Inodes of this process's open IPv4/IPv6 sockets (Linux), whoever opened them (Qt too)."""
    fd_dir = Path("/proc/self/fd")
    mine = set()
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            mine.add(target[8:-1])
    inet = set()
    for table in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6"):
        try:
            lines = Path(f"/proc/self/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        inet.update(line.split()[9] for line in lines if len(line.split()) > 9)
    return mine & inet


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Any attempt to open a network socket fails the test (local IPC is allowed)."""
    attempts: list[str] = []
    real_socket = socket.socket

    class GuardedSocket(real_socket):
        def __init__(self, family=-1, type=-1, proto=-1, fileno=None):  # noqa: A002, ANN001
            fam = socket.AF_INET if family == -1 else family
            if fileno is None and fam in (socket.AF_INET, socket.AF_INET6):
                attempts.append(f"socket({fam})")
                raise NetworkUsed(f"a network socket was opened: family {fam}")
            super().__init__(family, type, proto, fileno)

    def refuse(name: str):  # noqa: ANN202
        def fail(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            attempts.append(name)
            raise NetworkUsed(f"{name} was called")

        return fail

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    from PySide6 import QtNetwork

    for name in ("QTcpSocket", "QUdpSocket", "QSslSocket", "QNetworkAccessManager", "QTcpServer"):
        if hasattr(QtNetwork, name):
            monkeypatch.setattr(QtNetwork, name, refuse(f"QtNetwork.{name}"))
    return attempts


def test_the_guard_catches_a_connection(no_network: list[str]) -> None:
    with pytest.raises(NetworkUsed):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(NetworkUsed):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    from PySide6 import QtNetwork

    with pytest.raises(NetworkUsed):
        QtNetwork.QNetworkAccessManager()
    local = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # local IPC stays allowed
    local.close()
    assert len(no_network) == 3


@pytest.mark.skipif(not Path("/proc/self/net/tcp").exists(), reason="Linux /proc")
def test_the_inode_check_sees_a_real_inet_socket() -> None:
    before = inet_socket_inodes()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", 0))
        s.listen()
        assert inet_socket_inodes() - before
    finally:
        s.close()


def test_a_full_session_opens_no_network_socket(qtbot, data_dir, no_network) -> None:  # noqa: ANN001
    from massage_timer.core.clock import FakeClock
    from massage_timer.core.log import SessionInfo
    from massage_timer.core.protocols.library import load_library
    from massage_timer.core.session.plan import build_plan
    from massage_timer.ui.main_window import MainWindow
    from massage_timer.ui.services.cues import CuePlayer
    from massage_timer.ui.services.single_instance import SingleInstance
    from massage_timer.ui.session_controller import SessionController
    from massage_timer.ui.settings import Settings

    before = inet_socket_inodes() if Path("/proc/self/net/tcp").exists() else set()
    instance = SingleInstance(data_dir.root)  # local socket: allowed
    assert instance.acquire()
    assert instance.listen()
    store, _ = open_store(data_dir.database, backups=data_dir.backups, daily_backup=True)
    settings = Settings(data_dir.root / "settings.ini")
    clock = FakeClock()
    controller = SessionController(clock)
    window = MainWindow(
        data_dir,
        settings,
        store,
        load_library(data_dir.protocols),
        controller=controller,
        cues=CuePlayer(settings, speech_engine="mock"),
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    try:
        loaded = window.library.get("cupping-static")
        plan = build_plan(loaded.protocol, None, "left")
        controller.begin(loaded, plan, SessionInfo(loaded.protocol.id, loaded.protocol.title, "Me", len(plan)), store)
        window.show_page("session")
        controller.next()
        for _ in range(400):
            if not controller.active:
                break
            clock.advance(30)
            controller._on_timer()
            if controller.engine.state.name == "WAITING" or not controller.engine.plan[controller.engine.index].timed:
                controller.next()
        assert not controller.active
        page = window.page("session")
        page.finish.notes.setPlainText("fine")
        page._save()
        window.show_page("history")
        window.show_page("settings")
        window.backup_now()
        window.show_page("help")
        assert store.count() == 1
    finally:
        controller.discard()
        window.close()
        store.close()
        instance.release()
    assert no_network == []
    assert inet_socket_inodes() - before == set()
