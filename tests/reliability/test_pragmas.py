"""Promise 2, power loss: every connection the app opens runs in WAL mode with synchronous=FULL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from massage_timer.core.log import list_backups, make_backup, open_store, restore_backup, schema

FULL = 2


class Spy:
    """Records the pragmas of every SQLite connection when it is closed (or at the end)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, int]] = []
        self.open: list[sqlite3.Connection] = []

    def factory(self):  # noqa: ANN201
        spy = self

        class Tracked(sqlite3.Connection):
            def __init__(self, database, *args, **kwargs) -> None:  # noqa: ANN001
                super().__init__(database, *args, **kwargs)
                self.name = str(database)
                spy.open.append(self)

            def close(self) -> None:
                spy.record(self)
                spy.open.remove(self)
                super().close()

        return Tracked

    def record(self, conn: sqlite3.Connection) -> None:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        sync = conn.execute("PRAGMA synchronous").fetchone()[0]
        self.seen.append((conn.name, mode, sync))  # type: ignore[attr-defined]

    def finish(self) -> list[tuple[str, str, int]]:
        for conn in list(self.open):
            self.record(conn)
        return self.seen


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    spy = Spy()
    real = sqlite3.connect
    tracked = spy.factory()

    def connect(database, *args, **kwargs):  # noqa: ANN001, ANN202
        kwargs["factory"] = tracked
        return real(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    return spy


def test_every_connection_is_wal_and_full(spy: Spy, data_dir, write_session, capsys) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database, backups=data_dir.backups)
    sid = write_session(store)
    reader = store.reader()
    assert reader.session(sid) is not None
    reader.close()
    first = make_backup(store, data_dir.backups)
    assert [b.sessions for b in list_backups(data_dir.backups)] == [1]
    restore_backup(data_dir, first, store=store)
    store.close()
    ro, report = open_store(data_dir.database, read_only=True)
    assert ro.read_only and ro.count() == 1
    ro.close()
    again, _ = open_store(data_dir.database, backups=data_dir.backups, daily_backup=True)
    again.close()
    from massage_timer.cli import main

    assert main(["--data-dir", str(data_dir.root), "history", "--csv"]) == 0
    capsys.readouterr()
    seen = spy.finish()
    kinds = {Path(name).parent.name if "backups" in name else Path(name).name.split("?")[0] for name, *_ in seen}
    assert len(seen) >= 8, seen
    assert "backups" in kinds, seen  # backup connections were checked too
    for name, mode, sync in seen:
        assert (mode, sync) == ("wal", FULL), f"{name}: journal_mode={mode} synchronous={sync}"


def test_the_spy_would_notice_a_connection_without_the_pragmas(spy: Spy, tmp_path) -> None:  # noqa: ANN001
    conn = sqlite3.connect(tmp_path / "plain.sqlite3")
    conn.close()
    ((_, mode, sync),) = spy.finish()
    assert (mode, sync) != ("wal", FULL)


def test_configure_is_documented() -> None:
    doc = schema.__doc__ or ""
    assert "synchronous=FULL" in doc and "WAL" in doc and "power" in doc
