"""The ways the session log can fail; every message says which file and what to do, in plain words."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path


class StoreError(Exception):
    """The log cannot be used; the message says why and what to do."""


class StoreTooNew(StoreError):
    """The database was written by a newer version of the app."""


class StoreReadOnly(StoreError):
    """A write was asked of a log that is open read-only."""


class StoreWriteError(StoreError):
    """A write failed (disk full, I/O error, lock); nothing of it was committed."""


class LogShapeError(sqlite3.DatabaseError):
    """The file is a SQLite database but not a whole Massage Timer log (its structure or its tables)."""


FULL_BELOW_BYTES = 1 << 20
"""Less free space than this, after a failed write, means the disk is full."""


def sqlite_kind(exc: BaseException) -> str:
    """What went wrong, from SQLite's error code (its text as a fallback).

    One of ``full``, ``locked``, ``readonly``, ``corrupt``, ``io``, ``cantopen``, ``other``.
    """
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    text = str(exc).lower()
    if isinstance(exc, LogShapeError):
        return "corrupt"
    if name == "SQLITE_FULL" or "disk is full" in text:
        return "full"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text:
        return "locked"
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return "readonly"
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text or "not a database" in text:
        return "corrupt"
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return "io"
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return "cantopen"
    return "other"


def free_bytes(folder: Path) -> int | None:
    """Free space for this process in ``folder``'s file system (None when it cannot be known)."""
    try:
        st = os.statvfs(folder)
    except (OSError, AttributeError):
        return None
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    return (st.f_bfree if root else st.f_bavail) * st.f_frsize


def disk_full(folder: Path, exc: BaseException | None = None) -> bool:
    """Whether a failure in ``folder`` comes from a full disk.

    SQLite says "disk is full" only for some writes; creating or growing the ``-shm``
    file of a full disk is "disk I/O error". So an I/O error counts as a full disk
    when the file system has (almost) no space left.
    """
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return True
    if exc is not None and sqlite_kind(exc) == "full":
        return True
    if exc is not None and sqlite_kind(exc) not in ("io", "cantopen", "other") and not isinstance(exc, OSError):
        return False
    free = free_bytes(folder)
    return free is not None and free < FULL_BELOW_BYTES


def os_reason(exc: OSError) -> str:
    """An OS error in plain words (never a number)."""
    words = {
        errno.ENOSPC: "the disk is full",
        errno.EROFS: "the disk is read-only",
        errno.EACCES: "there is no permission to write there",
        errno.EPERM: "there is no permission to write there",
        errno.ENOENT: "the folder does not exist",
        errno.ENOTDIR: "a part of the path is not a folder",
        errno.EISDIR: "it is a folder",
        errno.EIO: "the disk reported a read or write error",
    }
    if getattr(errno, "EDQUOT", None) is not None:
        words[errno.EDQUOT] = "the disk quota is used up"
    if exc.errno in words:
        return words[exc.errno]
    return (exc.strerror or str(exc)).rstrip(".").lower() or "an unknown error"


def write_failure(path: Path, exc: sqlite3.Error) -> str:
    kind = sqlite_kind(exc)
    if kind == "full" or (kind == "io" and disk_full(path.parent, exc)):
        return (
            f"The session log {path} could not be written: the disk is full. What was saved before is kept. "
            "The session goes on; what is not saved yet is kept and written as soon as there is space again: "
            "free some space on that disk."
        )
    if kind == "locked":
        what = "another program holds a lock on it"
    elif kind == "readonly":
        what = "it cannot be written (read-only)"
    elif kind == "corrupt":
        what = "it is damaged"
    elif kind == "io":
        what = "the disk reported a read or write error"
    else:
        what = str(exc)
    return (
        f"The session log {path} could not be written: {what}. "
        "What was saved before is kept; the session goes on and what is not saved yet is tried again."
    )


def file_write_failure(path: Path, exc: OSError) -> str:
    """A file the user asked for (an export) could not be written."""
    reason = os_reason(exc)
    advice = "Free some space or choose another place, then try again." if "full" in reason else "Choose another place."
    return f"{path} could not be written: {reason}. {advice}"


class NotesTooLong(StoreError, ValueError):
    """Notes longer than a session keeps (:data:`massage_timer.core.text.MAX_NOTES`); nothing was written."""
