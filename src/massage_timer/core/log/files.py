"""The log's files on disk: created private, checked for a SQLite header, moved aside when unreadable."""

from __future__ import annotations

import os
import time
from pathlib import Path

from .errors import StoreError

SQLITE_HEADER = b"SQLite format 3\x00"


def _timestamp_suffix() -> str:
    return time.strftime("%Y%m%d-%H%M%S")


def create_private(path: Path) -> None:
    """Create an empty file readable by its owner only (before SQLite opens it)."""
    if path.exists():
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


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
