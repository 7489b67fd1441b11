"""The ways the session log can fail; every message says which file and what to do."""

from __future__ import annotations

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


def write_failure(path: Path, exc: sqlite3.Error) -> str:
    text = str(exc)
    if "full" in text:
        what = "the disk is full"
    elif "locked" in text or "busy" in text:
        what = "another program holds a lock on it"
    elif "readonly" in text or "read-only" in text:
        what = "it cannot be written (read-only)"
    else:
        what = text
    return (
        f"The session log {path} could not be written: {what}. "
        "What was saved before is kept; the session goes on but this part is not saved."
    )
