"""SQLite's full ``integrity_check`` of the log, in the background, and what to offer on damage.

Opening runs ``quick_check``, which is fast but does not compare the indexes with the
tables: a damaged index passes it. :class:`IntegrityCheck` runs the full
``PRAGMA integrity_check`` on its own read-only connection (:meth:`Store.reader`), so
it can run on a worker thread while the app is in use; the UI starts it after the
first frame and hands its result to the screen. Nothing here knows Qt.

How often: at every start for a log under :data:`LARGE_LOG_BYTES`, and at most once a
day (:data:`CHECK_EVERY_SECONDS`) for a larger one (a 100,000-session log of 131 MB
takes about 2 s on 2 cores). A log found damaged is checked at every start until it
is whole again.

Where the last check is remembered: a small file beside the log,
``sessions.sqlite3.checked`` (JSON: when, the log's size, the result, the copy made),
not a table in the log, because

* the check must not write to the log it checks: a log that is read-only or on a
  full disk could not take the note, and a damaged one should not be written at all;
* a table would be a schema migration (with its backup first) for a timestamp;
* a restore from a backup replaces the log's content, and the note belongs to the
  file on disk, not to the content of a backup.

On damage nothing is repaired: a copy of the log as it is (SQLite's backup API, so it
holds what is only in the ``-wal`` too) is kept beside it as
``sessions.sqlite3.damaged-YYYYmmdd-HHMMSS`` (once per damage, not at every start),
and the newest backup that passes the full check too is found, for the user to be
offered a restore.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import StoreError, disk_full, os_reason
from ..store import Store
from .backups import backup_files, backup_time, open_backup

LARGE_LOG_BYTES = 32 * 1024 * 1024
"""From this size on the full check runs at most once a day."""
CHECK_EVERY_SECONDS = 24 * 3600
MEMORY_SUFFIX = ".checked"
MAX_PROBLEMS = 20
"""Lines of ``integrity_check`` kept (the first tell the story)."""


@dataclass(frozen=True)
class GoodBackup:
    """The newest backup that passed the full check."""

    path: Path
    created: datetime
    sessions: int


@dataclass(frozen=True)
class IntegrityResult:
    """What the full check found."""

    path: Path
    ran: bool
    """False when it was not due (a large log checked less than a day ago) or was cancelled."""
    ok: bool = True
    problems: tuple[str, ...] = ()
    seconds: float = 0.0
    copy: Path | None = None
    """The copy of the damaged log kept beside it."""
    copy_error: str = ""
    good_backup: GoodBackup | None = None
    cancelled: bool = False

    @property
    def message(self) -> str:
        """What to tell the user (empty when the log is whole or the check did not run)."""
        if self.ok or not self.ran:
            return ""
        first = self.problems[0] if self.problems else "an unknown problem"
        parts = [
            f"The session log {self.path} is damaged: SQLite's full check found problems in it "
            f"(the first: {first}). Nothing was repaired or changed, and Massage Timer goes on using it as it is.",
        ]
        if self.copy is not None:
            parts.append(f"A copy of it as it is now is kept as {self.copy.name} in {self.copy.parent}.")
        elif self.copy_error:
            parts.append(self.copy_error)
        if self.good_backup is not None:
            b = self.good_backup
            sessions = "1 session" if b.sessions == 1 else f"{b.sessions} sessions"
            parts.append(
                f"The newest backup that is whole is {b.path.name}, from {b.created:%Y-%m-%d %H:%M} ({sessions}). "
                "You can restore it: sessions logged after it are not in it, and the log as it is now is "
                "backed up first."
            )
        else:
            parts.append(
                "No backup passes the full check, so none is offered. Export your history (History, or "
                "massage-timer history --csv --output FILE) to keep what can be read."
            )
        return "\n\n".join(parts)


def memory_path(log: Path) -> Path:
    return log.with_name(log.name + MEMORY_SUFFIX)


def _read_memory(log: Path) -> dict[str, Any]:
    try:
        with open(memory_path(log), encoding="utf-8") as handle:  # a small file we wrote; not a FIFO
            data = json.loads(handle.read(4096))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_memory(log: Path, data: dict[str, Any]) -> None:
    """Write the note atomically; a failure (read-only folder, full disk) only means checking again next time."""
    target = memory_path(log)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):
        temporary.unlink(missing_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            os.write(fd, json.dumps(data).encode("utf-8"))
        finally:
            os.close(fd)
        os.replace(temporary, target)
    with contextlib.suppress(OSError):
        temporary.unlink(missing_ok=True)


class IntegrityCheck:
    """One full check of a log; :meth:`run` on any thread, :meth:`cancel` from another.

    Args:
        store: the open log (only its path and how to read it are used).
        backups: the backups folder, searched for a whole backup on damage.
        now: the wall clock (tests pass a fake one).
        large_bytes: from this size on, at most once a day.
    """

    def __init__(
        self,
        store: Store,
        backups: Path,
        *,
        now: Callable[[], float] = time.time,
        large_bytes: int = LARGE_LOG_BYTES,
    ) -> None:
        self.store = store
        self.path = store.path
        self.backups = backups
        self.now = now
        self.large_bytes = large_bytes
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._cancelled = False

    def _size(self) -> int:
        size = 0
        for suffix in ("", "-wal"):
            with contextlib.suppress(OSError):
                size += os.lstat(self.path.with_name(self.path.name + suffix)).st_size
        return size

    def due(self) -> bool:
        """Whether the full check should run now."""
        if self.store.reader_uri is None:
            return False  # a log with no tables yet, read in memory
        memory = _read_memory(self.path)
        if memory.get("ok") is False:
            return True  # damaged last time: check until it is whole again
        if self._size() < self.large_bytes:
            return True
        last = memory.get("checked")
        return not isinstance(last, (int, float)) or not (0 <= self.now() - last < CHECK_EVERY_SECONDS)

    def cancel(self) -> None:
        """Stop a running check (the app is closing); safe from any thread."""
        with self._lock:
            self._cancelled = True
            if self._conn is not None:
                self._conn.interrupt()

    def _watch(self, conn: sqlite3.Connection | None) -> None:
        with self._lock:
            self._conn = conn
            if conn is not None and self._cancelled:
                conn.interrupt()

    def _integrity(self, conn: sqlite3.Connection, most: int = MAX_PROBLEMS) -> list[str]:
        self._watch(conn)
        try:
            return [str(r[0]) for r in conn.execute(f"PRAGMA integrity_check({int(most)})")]
        finally:
            self._watch(None)

    def run(self, *, force: bool = False) -> IntegrityResult:
        """Run the full check (unless it is not due and not ``force``d) and act on damage."""
        if self._cancelled or not (force or self.due()):
            return IntegrityResult(self.path, ran=False, cancelled=self._cancelled)
        started = time.perf_counter()
        reader = self.store.reader()
        try:
            try:
                lines = self._integrity(reader.conn)
            except sqlite3.OperationalError as exc:
                if self._cancelled:
                    return IntegrityResult(self.path, ran=False, cancelled=True)
                lines = [str(exc)]
            except sqlite3.DatabaseError as exc:
                lines = [str(exc)]
            seconds = time.perf_counter() - started
            ok = lines == ["ok"]
            memory = _read_memory(self.path)
            note: dict[str, Any] = {"checked": self.now(), "size": self._size(), "ok": ok, "seconds": round(seconds, 3)}
            if ok:
                _write_memory(self.path, note)
                return IntegrityResult(self.path, ran=True, seconds=seconds)
            copy, copy_error = self._keep_copy(reader, memory)
            if copy is not None:
                note["copy"] = copy.name
            _write_memory(self.path, note)
        finally:
            reader.close()
        good = None if self._cancelled else self.newest_whole_backup()
        return IntegrityResult(
            self.path,
            ran=True,
            ok=False,
            problems=tuple(lines),
            seconds=seconds,
            copy=copy,
            copy_error=copy_error,
            good_backup=good,
        )

    def _keep_copy(self, reader: Store, memory: dict[str, Any]) -> tuple[Path | None, str]:
        """A copy of the damaged log beside it, made once per damage."""
        earlier = memory.get("copy")
        if memory.get("ok") is False and isinstance(earlier, str) and "/" not in earlier:
            previous = self.path.with_name(earlier)
            if previous.is_file():
                return previous, ""
        base = f"{self.path.name}.damaged-{datetime.fromtimestamp(self.now()):%Y%m%d-%H%M%S}"
        target, n = self.path.with_name(base), 2
        while os.path.lexists(target):
            target, n = self.path.with_name(f"{base}-{n}"), n + 1
        try:
            reader.backup_to(target)
        except (OSError, sqlite3.Error) as exc:
            for p in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
                with contextlib.suppress(OSError):
                    p.unlink(missing_ok=True)
            reason = (
                "the disk is full"
                if disk_full(self.path.parent, exc)
                else (os_reason(exc) if isinstance(exc, OSError) else str(exc))
            )
            return None, f"A copy of the damaged log could not be made beside it ({reason})."
        return target, ""

    def newest_whole_backup(self) -> GoodBackup | None:
        """The newest backup that passes the full check too (None when there is none)."""
        for path in reversed(backup_files(self.backups)):
            if self._cancelled:
                return None
            try:
                conn = open_backup(path)
            except (sqlite3.Error, StoreError):  # an unreadable backup is simply not offered
                continue
            try:
                if self._integrity(conn, 1) != ["ok"]:
                    continue
                sessions = int(conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])
            except sqlite3.Error:
                continue
            finally:
                conn.close()
            return GoodBackup(path, backup_time(path) or datetime.fromtimestamp(0), sessions)
        return None
