"""Opening the session log: checked, migrated (after a backup), never silently replaced.

* A database that cannot be read is never silently replaced: it is moved
  aside with a timestamp, the user is told, and a fresh one is created. A
  database written by a newer version of the app is refused, not touched.
* A log that can be read but not written (a read-only folder or file, another
  program holding a write lock) is opened read-only: history stays visible,
  and every write raises :class:`~.errors.StoreReadOnly`, which the screens report.
* Sessions left ``running`` by a crash are marked ``interrupted``.
* A backup is made before any migration of an existing log, and at most once
  a day when asked (:mod:`.backups`).
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import create_private
from .backups import DEFAULT_KEEP, backup_due, make_backup
from .errors import StoreError, StoreTooNew, StoreWriteError
from .schema import BUSY_SECONDS, SCHEMA_VERSION, check_log, configure, migrate, refuse_newer
from .store import Store

OPEN_BUSY_SECONDS = 2.0
"""How long opening waits for another program's lock before going read-only."""


@dataclass
class OpenReport:
    """What happened while opening the log, for the user to be told."""

    moved_aside: Path | None = None
    reason: str = ""
    interrupted: list[str] = field(default_factory=list)
    created: bool = False
    read_only: str = ""
    """Why the log was opened read-only ("" when it is writable)."""
    backup: Path | None = None
    """A backup made while opening (before a migration, or the daily one)."""
    backup_error: str = ""

    @property
    def message(self) -> str:
        parts = []
        if self.moved_aside is not None:
            parts.append(
                f"The session log could not be read ({self.reason}). It was kept as "
                f"{self.moved_aside.name} in {self.moved_aside.parent} and a new, empty log was started."
            )
        if self.read_only:
            parts.append(
                f"The session log {self.path_text} is open read-only: {self.read_only}. "
                "Your history can be viewed, but sessions you run now will not be saved."
            )
        if self.backup_error:
            parts.append(self.backup_error)
        return "\n\n".join(parts)

    path_text: str = ""


SQLITE_HEADER = b"SQLite format 3\x00"


def _timestamp_suffix() -> str:
    return time.strftime("%Y%m%d-%H%M%S")


def move_aside(path: Path, reason: str) -> Path:
    target = path.with_name(f"{path.name}.unreadable-{_timestamp_suffix()}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.unreadable-{_timestamp_suffix()}-{n}")
        n += 1
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


def not_sqlite_reason(path: Path) -> str | None:
    """Why ``path`` is not a SQLite database, or None when its header is right."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"The session log {path} cannot be read: {exc.strerror or exc}") from None
    if len(header) == 0:
        return None  # an empty file is what sqlite itself creates; treat as new
    if header != SQLITE_HEADER:
        return "it is not a SQLite database"
    return None


def writable(path: Path) -> bool:
    folder_ok = os.access(path.parent, os.W_OK | os.X_OK)
    return folder_ok and (not path.exists() or os.access(path, os.R_OK | os.W_OK))


def open_store(
    path: Path,
    *,
    read_only: bool = False,
    backups: Path | None = None,
    daily_backup: bool = False,
    keep: int = DEFAULT_KEEP,
    busy_seconds: float | None = None,
) -> tuple[Store, OpenReport]:
    """Open (or create) the log at ``path``, moving an unreadable one aside.

    Args:
        path: the database file.
        read_only: only read (the command line's history export); nothing is
            marked interrupted, migrated or backed up.
        backups: the backups folder (default: ``backups`` next to the log).
            A backup is always made there before an existing log is migrated.
        daily_backup: also make a backup when none was made today.
        keep: how many backups to keep.
        busy_seconds: how long to wait for another program's lock
            (default :data:`OPEN_BUSY_SECONDS`).

    A log that can be read but not written is opened read-only
    (``store.read_only``; ``report.read_only`` says why).

    Raises:
        StoreTooNew: the file belongs to a newer app version (left untouched).
        StoreError: the file or its folder cannot be used at all (left untouched).
    """
    report = OpenReport(path_text=str(path))
    busy_seconds = OPEN_BUSY_SECONDS if busy_seconds is None else busy_seconds
    backups = backups if backups is not None else path.parent / "backups"
    if read_only:
        return _open_for_reading(path, report, busy_seconds)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"The folder {path.parent} for the session log cannot be created: {exc.strerror or exc}"
        ) from None
    exists = path.exists()
    report.created = not exists
    if not writable(path):
        if not exists:
            raise StoreError(
                f"The folder {path.parent} cannot be written to, so the session log {path.name} "
                "cannot be created there."
            )
        why = not_sqlite_reason(path)
        if why:
            raise StoreError(
                f"The session log {path} cannot be read ({why}) and cannot be moved aside "
                "because its folder is read-only. It was left untouched."
            )
        report.read_only = "its folder or the file itself cannot be written (no permission)"
        return _read_only_store(path, report, busy_seconds, immutable=True)
    if exists:
        why = not_sqlite_reason(path)
        if why:
            report.moved_aside = _aside(path, why)
            report.reason = why
            exists = False
    if not exists:
        create_private(path)
    try:
        conn = _open_checked(path, busy_seconds)
    except StoreTooNew:
        raise
    except sqlite3.DatabaseError as exc:
        if _is_locked(exc):
            report.read_only = "another program is using it (it holds a lock on the file)"
            return _read_only_store(path, report, busy_seconds, immutable=False)
        if "readonly" in str(exc) or "unable to open" in str(exc):
            report.read_only = f"it cannot be written ({exc})"
            return _read_only_store(path, report, busy_seconds, immutable=False)
        report.moved_aside = _aside(path, str(exc))
        report.reason = f"it is damaged: {exc}"
        create_private(path)
        conn = _connect(path)

    def backup_first(version: int) -> None:
        try:
            report.backup = make_backup(Store(conn, path), backups, keep, reason="before-upgrade")
        except (OSError, sqlite3.Error, StoreError) as exc:
            raise StoreError(
                f"The session log {path} needs an upgrade (schema {version} to {SCHEMA_VERSION}), "
                f"but the backup that comes first could not be written to {backups}: {exc}. "
                "The log was left untouched."
            ) from None

    try:
        migrate(conn, path, backup_first)
    except StoreError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        if _is_locked(exc):
            report.read_only = "another program is using it (it holds a lock on the file)"
            return _read_only_store(path, report, busy_seconds, immutable=False)
        raise StoreError(f"The session log {path} cannot be prepared: {exc}") from None
    if os.name == "posix":
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if p.exists():
                os.chmod(p, 0o600)
    store = Store(conn, path)
    try:
        report.interrupted = store.mark_interrupted()
    except StoreWriteError:
        # Readable but another program holds the write lock: look, do not touch.
        store.read_only = True
        report.read_only = "another program is using it (it holds a lock on the file)"
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")
    if daily_backup and not store.read_only:
        try:
            if backup_due(backups) and store.count() > 0:
                report.backup = make_backup(store, backups, keep)
        except (OSError, sqlite3.Error, StoreError) as exc:
            report.backup_error = f"Today's backup of the session log could not be written to {backups}: {exc}"
    return store, report


def _read_only_store(
    path: Path, report: OpenReport, busy_seconds: float, *, immutable: bool
) -> tuple[Store, OpenReport]:
    try:
        conn = _open_read_only(path, busy_seconds, immutable=immutable)
    except StoreTooNew:
        raise
    except sqlite3.DatabaseError as exc:
        reason = report.read_only or "it cannot be written"
        if _is_locked(exc):
            reason = "another program is using it and does not let it be read"
        raise StoreError(f"The session log {path} cannot be opened: {reason} ({exc}). It was left untouched.") from None
    return Store(conn, path, read_only=True), report


def _open_for_reading(path: Path, report: OpenReport, busy_seconds: float) -> tuple[Store, OpenReport]:
    if not path.exists():
        raise StoreError(f"There is no session log at {path} yet.")
    why = not_sqlite_reason(path)
    if why:
        raise StoreError(f"The session log {path} cannot be read: {why}.")
    return _read_only_store(path, report, busy_seconds, immutable=not writable(path))


def _aside(path: Path, reason: str) -> Path:
    try:
        return move_aside(path, reason)
    except OSError as exc:
        raise StoreError(
            f"The session log {path} cannot be read ({reason}) and could not be moved aside: "
            f"{exc.strerror or exc}. It was left untouched."
        ) from None


def _is_locked(exc: BaseException) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_SECONDS)
    try:
        configure(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _open_checked(path: Path, busy_seconds: float) -> sqlite3.Connection:
    """Connect, check the file, then configure it.

    The checks only read, so a file that is moved aside or refused (a newer
    version's log) keeps its bytes: switching to WAL would rewrite its header.
    """
    conn = sqlite3.connect(path, isolation_level=None, timeout=busy_seconds)
    try:
        conn.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
        check_log(conn)
        refuse_newer(conn, path)
        configure(conn)
        conn.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
    except BaseException:
        conn.close()
        raise
    return conn


def _open_read_only(path: Path, busy_seconds: float, *, immutable: bool) -> sqlite3.Connection:
    """A read-only connection to a log that cannot be written.

    ``immutable`` (for a read-only folder, where SQLite cannot create the WAL
    index next to the file) tells SQLite that nobody changes the file.
    """
    uri = path.resolve().as_uri()
    queries = ["mode=ro", "mode=ro&immutable=1"] if immutable else ["mode=ro"]
    last: Exception | None = None
    for query in queries:
        conn = sqlite3.connect(f"{uri}?{query}", uri=True, isolation_level=None, timeout=busy_seconds)
        try:
            conn.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
            check_log(conn)
            refuse_newer(conn, path)
            configure(conn, read_only=True)
            return conn
        except StoreTooNew:
            conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            conn.close()
            last = exc
    assert last is not None
    raise last
