"""Opening the session log: checked, migrated (after a backup), never silently replaced.

Every open goes through :func:`~.disk.files.connect_checked`, the app's, the
command line's, backups' and restore's alike: a symbolic link, FIFO or device at the
log's path is refused before SQLite touches it, an empty file is a new log, and the
checks (``quick_check``, the tables and their columns, the schema version) only read,
so a file that fails them keeps its bytes.

* A database that cannot be read is never silently replaced: it is moved aside with
  a timestamp, byte for byte, the user is told, and a fresh one is created. A
  database written by a newer version of the app is refused, not touched.
* A log that can be read but not written (a read-only folder or file, another
  program holding a write lock, a full disk) is opened read-only: history stays
  visible, and every write raises :class:`~.errors.StoreReadOnly`, which the screens
  report. A full disk is never taken for a damaged log.
* The writes an earlier run could not make (:mod:`.pending`) are replayed first.
* Sessions left ``running`` by a crash are marked ``interrupted``; a session whose
  real end is still waiting in the journal is not.
* A backup is made before any migration of an existing log, and at most once a day
  when asked (:mod:`.disk.backups`).
* A writable log gets the table of later amendments where it lacks it (:mod:`.edits.amendments`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import create_private, make_private_dirs
from .disk.backups import DEFAULT_KEEP, backup_due, backup_failure_message, make_backup
from .disk.files import Kind, connect_checked, inspect, read_only_uri, wal_is_empty
from .edits.amendments import create_table as create_amendments_table
from .errors import LogShapeError, StoreError, StoreTooNew, StoreWriteError, disk_full, os_reason, sqlite_kind
from .pending import PendingUnreadable, PendingWrites, pending_path
from .schema import BUSY_SECONDS, SCHEMA_VERSION, is_new_log, migrate, new_log
from .store import Store

OPEN_BUSY_SECONDS = 2.0
"""How long opening waits for another program's lock before going read-only."""

LOCKED = "another program is using it (it holds a lock on the file)"
FULL = "the disk that holds it is full"


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
    path_text: str = ""
    disk_full: bool = False
    """The disk that holds the log is full (the log is read-only, or its writes wait)."""
    empty: bool = False
    """The log holds no sessions and no tables yet (opened read-only)."""
    pending_saved: int = 0
    """Sessions whose writes waited from an earlier run and are now in the log."""
    pending_error: str = ""

    @property
    def message(self) -> str:
        parts = []
        if self.moved_aside is not None:
            parts.append(
                f"The session log could not be read ({self.reason}). It was kept as "
                f"{self.moved_aside.name} in {self.moved_aside.parent} and a new, empty log was started."
            )
        if self.disk_full:
            where = "it is open read-only: your history can be viewed" if self.read_only else "nothing can be added"
            parts.append(
                f"The disk that holds the session log {self.path_text} is full, so {where}. Sessions you run now "
                "are kept and written to the log as soon as there is space again. Free some space on that disk."
            )
        elif self.read_only == LOCKED:
            parts.append(
                f"The session log {self.path_text} is open read-only: {self.read_only}. Your history can be "
                "viewed. Sessions you run now are kept beside it and written to it at a later start, once the "
                "other program has let it go."
            )
        elif self.read_only:
            parts.append(
                f"The session log {self.path_text} is open read-only: {self.read_only}. "
                "Your history can be viewed, but sessions you run now will not be saved."
            )
        if self.empty and self.read_only == "":
            parts.append(f"The session log {self.path_text} holds no sessions yet.")
        if self.pending_saved:
            sessions = "1 session" if self.pending_saved == 1 else f"{self.pending_saved} sessions"
            parts.append(f"{sessions} that could not be saved earlier (the log could not be written) are now saved.")
        for text in (self.pending_error, self.backup_error):
            if text:
                parts.append(text)
        return "\n\n".join(parts)


def _timestamp_suffix() -> str:
    return time.strftime("%Y%m%d-%H%M%S")


def move_aside(path: Path, reason: str) -> Path:
    target = path.with_name(f"{path.name}.unreadable-{_timestamp_suffix()}")
    n = 1
    while os.path.lexists(target):
        target = path.with_name(f"{path.name}.unreadable-{_timestamp_suffix()}-{n}")
        n += 1
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


def writable(path: Path) -> bool:
    folder_ok = os.access(path.parent, os.W_OK | os.X_OK)
    return folder_ok and (not os.path.lexists(path) or os.access(path, os.R_OK | os.W_OK))


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
            marked interrupted, migrated, replayed or backed up.
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
    store, report = _open_for_writing(path, report, backups, daily_backup, keep, busy_seconds)
    if store.read_only:
        _keep_pending(store, report)  # what this run cannot write joins what waits from earlier runs
    return store, report


def _open_for_writing(
    path: Path, report: OpenReport, backups: Path, daily_backup: bool, keep: int, busy_seconds: float
) -> tuple[Store, OpenReport]:
    try:
        make_private_dirs(path.parent)
    except OSError as exc:
        raise StoreError(
            f"The folder {path.parent} for the session log cannot be created: {os_reason(exc)}."
            + (" Free some space on that disk." if disk_full(path.parent, exc) else "")
        ) from None
    kind = inspect(path)
    report.created = kind is Kind.MISSING
    if not writable(path):
        if kind is Kind.MISSING:
            raise StoreError(
                f"The folder {path.parent} cannot be written to, so the session log {path.name} "
                "cannot be created there."
            )
        if kind is Kind.NOT_SQLITE:
            raise StoreError(
                f"The session log {path} cannot be read (it is not a SQLite database) and cannot be moved aside "
                "because its folder is read-only. It was left untouched."
            )
        report.read_only = "its folder or the file itself cannot be written (no permission)"
        return _read_only_store(path, report, busy_seconds, immutable=True)
    if kind is Kind.NOT_SQLITE:
        report.reason = "it is not a SQLite database"
        report.moved_aside = _aside(path, report.reason)
        kind = Kind.MISSING
    made = kind is Kind.MISSING and _create(path)
    try:
        conn = connect_checked(path, read_only=False, busy_seconds=busy_seconds)
    except StoreTooNew:
        raise
    except sqlite3.DatabaseError as exc:
        what = sqlite_kind(exc)
        if what == "locked":
            report.read_only = LOCKED
            return _read_only_store(path, report, busy_seconds, immutable=False)
        if what != "corrupt" and disk_full(path.parent, exc):
            return _full_disk_store(path, report, busy_seconds, made)
        if what in ("readonly", "cantopen"):
            report.read_only = "it cannot be written"
            return _read_only_store(path, report, busy_seconds, immutable=False)
        if what == "io":
            raise StoreError(
                f"The session log {path} cannot be read: the disk reported a read or write error. It was left "
                "untouched; check the disk, then start Massage Timer again."
            ) from None
        report.reason = str(exc) if isinstance(exc, LogShapeError) else f"it is damaged: {exc}"
        report.moved_aside = _aside(path, report.reason)
        kept = f"The old log could not be read ({report.reason}); it was kept as {report.moved_aside.name}. "
        try:
            made = _create(path)
            conn = connect_checked(path, read_only=False, busy_seconds=busy_seconds)
        except StoreError as again:
            raise StoreError(kept + str(again)) from None
        except sqlite3.DatabaseError as again:
            if disk_full(path.parent, again):
                try:
                    return _full_disk_store(path, report, busy_seconds, made)
                except StoreError as full:
                    raise StoreError(kept + str(full)) from None
            raise StoreError(f"{kept}A new session log cannot be started at {path}: {again}") from None

    def backup_first(version: int) -> None:
        try:
            report.backup = make_backup(Store(conn, path), backups, keep, reason="before-upgrade")
        except (OSError, sqlite3.Error, StoreError) as exc:
            raise StoreError(
                f"The session log {path} needs an upgrade (schema {version} to {SCHEMA_VERSION}), "
                f"but the backup that comes first could not be made. {backup_failure_message(backups, exc)} "
                "The log was left untouched."
            ) from None

    try:
        migrate(conn, path, backup_first)
    except StoreError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        if sqlite_kind(exc) == "locked":
            report.read_only = LOCKED
            return _read_only_store(path, report, busy_seconds, immutable=False)
        if disk_full(path.parent, exc):
            return _full_disk_store(path, report, busy_seconds, made)
        raise StoreError(f"The session log {path} cannot be prepared: {exc}") from None
    with contextlib.suppress(sqlite3.Error):  # a log that cannot take it now gets it with its first amendment
        create_amendments_table(conn)
    if os.name == "posix":
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if p.exists():
                os.chmod(p, 0o600)
    store = Store(conn, path)
    _replay_pending(store, report)
    try:
        report.interrupted = store.mark_interrupted(exclude=store.pending.session_ids())
    except StoreWriteError as exc:
        if disk_full(path.parent, exc.__cause__ or exc):
            report.disk_full = store.disk_full = True  # writable, but nothing fits: writes wait in the journal
        else:
            # Readable but another program holds the write lock: look, do not touch.
            store.read_only = True
            report.read_only = LOCKED if sqlite_kind(exc.__cause__ or exc) == "locked" else "it cannot be written"
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")  # normal use waits longer than opening
    if daily_backup and not store.read_only and not report.disk_full:
        try:
            if backup_due(backups) and store.count() > 0:
                report.backup = make_backup(store, backups, keep)
        except (OSError, sqlite3.Error, StoreError) as exc:
            report.backup_error = "Today's backup was not made. " + backup_failure_message(backups, exc)
    return store, report


def reopen_writable(store: Store) -> bool:
    """Make a log that was opened read-only on a full disk writable, once there is space again.

    Only a log this version can write as it is (its schema, or a log with no tables yet) is
    taken over; a log that needs an upgrade waits for the next start (the upgrade's backup
    comes first). Sessions left running by a crash are marked interrupted, except those
    whose real end waits in the journal. Returns True when ``store`` is writable now.
    """
    if not store.read_only:
        return True
    if not store.disk_full or disk_full(store.path.parent):
        return False
    try:
        if inspect(store.path) is Kind.MISSING:
            return False
        conn = connect_checked(store.path, read_only=False, busy_seconds=OPEN_BUSY_SECONDS)
    except (StoreError, sqlite3.Error):
        return False
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version not in (0, SCHEMA_VERSION):
            conn.close()
            return False
        migrate(conn, store.path)
        conn.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")
        probe = Store(conn, store.path)
        probe.mark_interrupted(exclude=store.pending.session_ids())
    except (StoreError, sqlite3.Error):
        conn.close()
        return False
    store.replace_connection(conn, read_only=False)
    store.disk_full = False
    return True


def _create(path: Path) -> bool:
    """Create the (empty, private) log file; True once made."""
    try:
        create_private(path)
    except OSError as exc:
        if disk_full(path.parent, exc):
            raise StoreError(_full_message(path, "cannot be created")) from None
        raise StoreError(f"The session log {path} cannot be created: {os_reason(exc)}.") from None
    return True


def _full_message(path: Path, what: str) -> str:
    return (
        f"The disk that holds the session log {path} is full, so the log {what}. "
        "Free some space on that disk, then start Massage Timer again."
    )


def _full_disk_store(path: Path, report: OpenReport, busy_seconds: float, made: bool) -> tuple[Store, OpenReport]:
    """The log on a full disk: read-only when it can be read, else no log (a new one we made is removed)."""
    if made:
        with contextlib.suppress(OSError):
            if os.lstat(path).st_size == 0:
                for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                    p.unlink(missing_ok=True)
        raise StoreError(_full_message(path, "cannot be created"))
    report.disk_full = True
    report.read_only = FULL
    store, report = _read_only_store(path, report, busy_seconds, immutable=False)
    store.disk_full = True
    return store, report


def _keep_pending(store: Store, report: OpenReport) -> None:
    """A read-only log: load what waits from earlier runs (without writing it), so nothing of it is lost."""
    try:
        store.pending = PendingWrites.load(pending_path(store.path))
    except (PendingUnreadable, StoreError) as exc:
        report.pending_error = str(exc)


def _replay_pending(store: Store, report: OpenReport) -> None:
    """Write what an earlier run could not (the journal beside the log), before anything else."""
    try:
        store.pending = PendingWrites.load(pending_path(store.path))
    except (PendingUnreadable, StoreError) as exc:
        report.pending_error = str(exc)
        return
    waiting = len(store.pending.session_ids())
    if not waiting:
        return
    try:
        store.pending.write_to(store)
    except StoreError as exc:
        report.pending_saved = waiting - len(store.pending.session_ids())
        report.disk_full = report.disk_full or disk_full(store.path.parent, exc.__cause__ or exc)
        report.pending_error = (
            f"What could not be saved earlier is still waiting: {exc} It is kept in {store.pending.file} "
            "and written as soon as the log can take it."
        )
        return
    report.pending_saved = waiting


def _empty_store(path: Path, report: OpenReport) -> tuple[Store, OpenReport]:
    """A log with no tables yet, read-only: an empty log in memory under its real path."""
    report.empty = True
    return Store(new_log(), path, read_only=True, reader_uri=None), report


def _read_only_store(
    path: Path, report: OpenReport, busy_seconds: float, *, immutable: bool
) -> tuple[Store, OpenReport]:
    """A read-only Store on the log; ``immutable=1`` only when nothing can be writing it.

    That is when its folder or file cannot be written (``immutable``), or when the disk
    is full, so that SQLite cannot create the shared-memory file a read-only connection
    needs, and no ``-wal`` beside the log holds anything (a writer keeps one).
    """
    attempts = [immutable] if immutable else [False, True]
    for attempt in attempts:
        try:
            conn = connect_checked(path, read_only=True, immutable=attempt, busy_seconds=busy_seconds)
        except (StoreTooNew, StoreError):
            raise
        except sqlite3.DatabaseError as exc:
            what = sqlite_kind(exc)
            if not attempt and what in ("io", "cantopen", "full") and disk_full(path.parent, exc):
                report.disk_full = True
                if wal_is_empty(path):
                    continue
            raise StoreError(_unreadable(path, exc, report)) from None
        if is_new_log(conn):
            conn.close()
            return _empty_store(path, report)
        return Store(conn, path, read_only=True, reader_uri=read_only_uri(path, immutable=attempt)), report
    raise StoreError(_unreadable(path, sqlite3.OperationalError("disk I/O error"), report))


def _unreadable(path: Path, exc: sqlite3.DatabaseError, report: OpenReport) -> str:
    what = sqlite_kind(exc)
    if isinstance(exc, LogShapeError):
        reason = str(exc)
    elif what == "locked":
        reason = "another program is using it and does not let it be read"
    elif report.disk_full:
        reason = f"{FULL}, and another program has it open"
    elif what == "io":
        reason = "the disk reported a read or write error"
    elif what == "corrupt":
        reason = f"it is damaged ({exc})"
    else:
        reason = report.read_only or str(exc)
    advice = ""
    if isinstance(exc, LogShapeError) or what == "corrupt":
        advice = " If it is not your session log, move it elsewhere: Massage Timer then starts a new one."
    elif report.disk_full:
        advice = " Free some space on that disk, or close the other program, and try again."
    return f"The session log {path} cannot be opened: {reason}. It was left untouched.{advice}"


def _open_for_reading(path: Path, report: OpenReport, busy_seconds: float) -> tuple[Store, OpenReport]:
    kind = inspect(path)
    if kind is Kind.MISSING:
        raise StoreError(f"There is no session log at {path} yet.")
    if kind is Kind.NOT_SQLITE:
        raise StoreError(f"The session log {path} cannot be read: it is not a SQLite database. It was left untouched.")
    if kind is Kind.EMPTY:
        return _empty_store(path, report)
    store, report = _read_only_store(path, report, busy_seconds, immutable=not writable(path))
    report.disk_full = False  # read as it is on disk: nothing to tell a reader
    return store, report


def _aside(path: Path, reason: str) -> Path:
    try:
        return move_aside(path, reason)
    except OSError as exc:
        raise StoreError(
            f"The session log {path} cannot be read ({reason}) and could not be moved aside: "
            f"{os_reason(exc)}. It was left untouched."
        ) from None
