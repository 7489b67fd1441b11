"""Backups of the session log: made with SQLite's backup API, never by copying the file.

A backup is ``<data dir>/backups/sessions-YYYYmmdd-HHMMSS.sqlite3`` (local
time). One is made before any migration of an existing log, at most one a
day when the app opens, and whenever the user asks; the newest ``keep`` are
kept. Restoring first backs up the current log, then copies the backup *into*
the open log through the backup API, so the live database is never replaced
on disk under an open connection.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ...paths import DataPaths, make_private_dirs
from ..errors import StoreError, disk_full, os_reason, sqlite_kind
from ..schema import SCHEMA_VERSION, configure, migrate
from ..store import Store
from .files import connect_checked, wal_is_empty

PREFIX = "sessions-"
SUFFIX = ".sqlite3"
_NAME = re.compile(r"^sessions-(\d{8})-(\d{6})(?:-(\d+))?\.sqlite3$")
DEFAULT_KEEP = 10
"""Backups kept when the caller does not say."""


@dataclass(frozen=True)
class BackupInfo:
    """One backup file, as the Settings page lists it."""

    path: Path
    created: datetime
    """Local time the backup was made (from its name)."""
    sessions: int | None
    """How many sessions it holds; None when it cannot be read."""
    error: str = ""


def backup_time(path: Path) -> datetime | None:
    match = _NAME.match(path.name)
    if not match:
        return None
    try:
        return datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None


def backup_files(folder: Path) -> list[Path]:
    """Backup files, oldest first (by the time in their name, then the counter)."""
    try:
        names = [p for p in folder.iterdir() if _NAME.match(p.name)]
    except OSError:
        return []

    def key(p: Path) -> tuple[str, str, int]:
        m = _NAME.match(p.name)
        assert m is not None
        return (m.group(1), m.group(2), int(m.group(3) or 0))

    return sorted(names, key=key)


def _target(folder: Path, now: datetime) -> Path:
    stem = f"{PREFIX}{now:%Y%m%d-%H%M%S}"
    target = folder / f"{stem}{SUFFIX}"
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}{SUFFIX}"
        n += 1
    return target


def make_backup(
    store: Store,
    folder: Path,
    keep: int = DEFAULT_KEEP,
    *,
    now: datetime | None = None,
    reason: str = "",
    protect: Iterable[Path] = (),
) -> Path:
    """Copy the log into ``folder`` with the backup API; keep the newest ``keep``.

    The copy is written under a hidden temporary name and renamed when
    complete, so a crash never leaves a half backup that looks whole.
    ``reason`` is only for the caller's messages. Files in ``protect`` are
    never pruned.

    Raises:
        OSError, sqlite3.Error: the folder or the copy cannot be written.
    """
    del reason
    make_private_dirs(folder)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    target = _target(folder, now or datetime.now())
    partial = folder / f".{target.name}.partial"
    for stale in (partial, partial.with_name(partial.name + "-wal"), partial.with_name(partial.name + "-shm")):
        stale.unlink(missing_ok=True)
    try:
        store.backup_to(partial)
        os.replace(partial, target)
    except BaseException:
        for p in (partial, partial.with_name(partial.name + "-wal"), partial.with_name(partial.name + "-shm")):
            p.unlink(missing_ok=True)
        raise
    prune(folder, keep, protect=(target, *protect))
    return target


def prune(folder: Path, keep: int, *, protect: Iterable[Path] = ()) -> list[Path]:
    """Delete the oldest backups beyond ``keep`` (at least one is always kept)."""
    keep = max(1, int(keep))
    protected = {p.resolve() for p in protect}
    files = backup_files(folder)
    removed: list[Path] = []
    excess = len(files) - keep
    for path in files:
        if excess <= 0:
            break
        if path.resolve() in protected:
            continue
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            p.unlink(missing_ok=True)
        removed.append(path)
        excess -= 1
    return removed


def backup_due(folder: Path, now: datetime | None = None) -> bool:
    """True when no backup was made today (local date)."""
    files = backup_files(folder)
    if not files:
        return True
    newest = backup_time(files[-1])
    today = (now or datetime.now()).date()
    return newest is None or newest.date() != today


def open_backup(path: Path) -> sqlite3.Connection:
    """A read-only, checked connection to a backup file (through the log's one checked opener).

    ``immutable`` is added only when nothing can be writing the file: its folder cannot be
    written, or the disk is full and no ``-wal`` beside it holds anything.
    """
    attempts = [False]
    if not os.access(path.parent, os.W_OK | os.X_OK) or wal_is_empty(path):
        attempts.append(True)
    last: Exception | None = None
    for immutable in attempts:
        try:
            conn = connect_checked(path, read_only=True, immutable=immutable, what_file="The backup")
        except sqlite3.DatabaseError as exc:
            last = exc
            if immutable or not (sqlite_kind(exc) in ("io", "cantopen", "readonly") or disk_full(path.parent, exc)):
                raise
            continue
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"sessions", "step_runs"} <= tables:
            conn.close()
            raise sqlite3.DatabaseError("it is not a Massage Timer session log")
        return conn
    assert last is not None
    raise last


def backup_failure_message(folder: Path, exc: BaseException) -> str:
    """Why a backup could not be written to ``folder``, in plain words."""
    if disk_full(folder, exc):
        reason = "the disk is full. Free some space on it and back up again"
    elif isinstance(exc, OSError):
        reason = os_reason(exc)
    else:
        reason = str(exc)
    return f"The backup could not be written to {folder}: {reason}."


def list_backups(folder: Path) -> list[BackupInfo]:
    """The backups in ``folder``, newest first, with their session counts."""
    out: list[BackupInfo] = []
    for path in reversed(backup_files(folder)):
        created = backup_time(path) or datetime.fromtimestamp(0)
        try:
            conn = open_backup(path)
        except (sqlite3.Error, StoreError) as exc:
            out.append(BackupInfo(path, created, None, str(exc)))
            continue
        try:
            count = int(conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])
        except sqlite3.Error as exc:
            out.append(BackupInfo(path, created, None, str(exc)))
            continue
        finally:
            conn.close()
        out.append(BackupInfo(path, created, count))
    return out


def restore_backup(
    paths: DataPaths,
    backup_path: Path,
    *,
    store: Store,
    keep: int = DEFAULT_KEEP,
    now: datetime | None = None,
) -> Path:
    """Replace the log's content with ``backup_path``; returns the backup of the log as it was.

    Args:
        paths: the data folder (the log and its backups folder).
        backup_path: the backup to bring back.
        store: the open log (the caller opens it: backups use the log, never open it).
        keep: how many backups to keep.

    Raises:
        StoreError: the backup is not a readable session log (nothing changed),
            or the log is read-only.
    """
    try:
        source = open_backup(backup_path)
    except StoreError:
        raise
    except sqlite3.Error as exc:
        raise StoreError(f"{backup_path} cannot be restored: {exc}. Nothing was changed.") from None
    try:
        if store.read_only:
            raise StoreError(f"The session log {store.path} is open read-only; it cannot be restored now.")
        try:
            before = make_backup(store, paths.backups, keep, now=now, protect=(backup_path,))
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                backup_failure_message(paths.backups, exc)
                + " The log as it is now must be backed up before a restore, so nothing was restored."
            ) from None
        try:
            source.backup(store.conn)
        except sqlite3.Error as exc:
            raise StoreError(f"Restoring {backup_path.name} failed: {exc}. The log as it was is in {before}.") from None
        configure(store.conn)
        version = int(store.conn.execute("PRAGMA user_version").fetchone()[0])
        if version < SCHEMA_VERSION:
            migrate(store.conn, store.path)
        store.mark_interrupted()
        return before
    finally:
        source.close()
