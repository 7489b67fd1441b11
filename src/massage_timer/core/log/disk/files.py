"""A log file before SQLite touches it, and the one checked way to connect to it.

Every connection to a session log or a backup of one starts here (:func:`connect_checked`),
for the app, the command line, backups and restore alike:

* What is at the path is judged with ``os.lstat`` first (:func:`inspect`): a symbolic
  link is refused, never followed (a dangling link or a loop would otherwise send SQLite
  somewhere else or nowhere); a FIFO, a device, a socket or a folder is refused before
  anything opens it, since opening a FIFO blocks until a writer comes. The same goes for
  the ``-wal`` and ``-shm`` files beside it. The header is then read with a non-blocking
  open that does not follow links either.
* An empty file is a new log (it is what SQLite itself creates before its first write);
  a file that is not empty but has no SQLite header is damaged.
* The checks (``quick_check``, the tables and their columns, the schema version) only
  read, so a file that fails them keeps its bytes: the journal mode is switched, and
  anything migrated or written, only after they passed.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from enum import Enum
from pathlib import Path

from ..errors import LogShapeError, StoreError
from ..schema import check_log, configure, refuse_newer

SQLITE_HEADER = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm")


class Kind(Enum):
    """What is at a log's path."""

    MISSING = "missing"
    EMPTY = "empty"
    """A file of 0 bytes: a new log."""
    SQLITE = "sqlite"
    NOT_SQLITE = "not-sqlite"


_WHAT = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _refuse_special(path: Path, mode: int, what_file: str) -> None:
    if stat.S_ISLNK(mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "somewhere unknown"
        try:
            os.stat(path)
        except FileNotFoundError:
            target += ", which does not exist"
        except OSError:
            target += ", which leads round in a loop"
        raise StoreError(
            f"{what_file} {path} is a symbolic link (to {target}), and Massage Timer does not follow links "
            f"for its log. Move the real file to {path}, or start Massage Timer with --data-dir set to the "
            "folder that holds it. Nothing was changed."
        )
    if not stat.S_ISREG(mode):
        kind = next((words for test, words in _WHAT if test(mode)), "not a regular file")
        raise StoreError(
            f"{what_file} {path} is {kind}, not a file. Rename or remove it and Massage Timer will start "
            "a new log there. Nothing was changed."
        )


def _lstat(path: Path, what_file: str) -> os.stat_result | None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(
            f"{what_file} {path} cannot be looked at: {exc.strerror or exc}. Nothing was changed."
        ) from None
    _refuse_special(path, st.st_mode, what_file)
    return st


def inspect(path: Path, what_file: str = "The session log") -> Kind:
    """What is at ``path``, without following a link or blocking.

    Raises:
        StoreError: a link, FIFO, device, socket or folder at ``path`` (or at its
            ``-wal``/``-shm``), or a file that cannot be read; it is left untouched.
    """
    st = _lstat(path, what_file)
    for suffix in SIDE_FILES:
        _lstat(path.with_name(path.name + suffix), what_file[:1].upper() + what_file[1:] + "'s side file")
    if st is None:
        return Kind.MISSING
    if st.st_size == 0:
        return Kind.EMPTY
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise StoreError(f"{what_file} {path} cannot be read: {exc.strerror or exc}. Nothing was changed.") from None
    try:
        _refuse_special(path, os.fstat(fd).st_mode, what_file)  # it may have changed since the lstat
        header = os.read(fd, len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{what_file} {path} cannot be read: {exc.strerror or exc}. Nothing was changed.") from None
    finally:
        os.close(fd)
    if not header:
        return Kind.EMPTY
    return Kind.SQLITE if header == SQLITE_HEADER else Kind.NOT_SQLITE


def wal_is_empty(path: Path) -> bool:
    """True when no ``-wal`` beside ``path`` holds anything (so no connection is writing it)."""
    wal = path.with_name(path.name + "-wal")
    try:
        return os.lstat(wal).st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False


def read_only_uri(path: Path, *, immutable: bool) -> str:
    """The URI of a read-only connection; ``immutable`` tells SQLite that nothing changes the file."""
    return f"{path.absolute().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")


def connect_checked(
    path: Path,
    *,
    read_only: bool,
    immutable: bool = False,
    busy_seconds: float = 5.0,
    what_file: str = "The session log",
) -> sqlite3.Connection:
    """A connection to the log (or backup) at ``path`` that passed every check.

    ``read_only`` connects with ``mode=ro`` (and ``immutable`` adds ``immutable=1``).
    A writable connection is configured (WAL, ``synchronous=FULL``) only after the
    checks; a file that fails them is never written.

    Raises:
        StoreError: what is at ``path`` is not a file SQLite may open (see :func:`inspect`).
        StoreTooNew: it was written by a newer version of the app (left untouched).
        sqlite3.DatabaseError: SQLite cannot read it, or it is not a whole log
            (:class:`~.errors.LogShapeError`); the caller decides what that means.
    """
    kind = inspect(path, what_file)
    if kind is Kind.NOT_SQLITE:
        raise LogShapeError("it is not a SQLite database")
    if kind is Kind.MISSING and read_only:
        raise StoreError(f"There is no session log at {path}.")
    if read_only:
        conn = sqlite3.connect(
            read_only_uri(path, immutable=immutable), uri=True, isolation_level=None, timeout=busy_seconds
        )
    else:
        conn = sqlite3.connect(path, isolation_level=None, timeout=busy_seconds)
    try:
        conn.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
        check_log(conn)
        refuse_newer(conn, path)
        configure(conn, read_only=read_only)
        if not read_only:  # opening (a migration, marking interrupted sessions) waits busy_seconds
            conn.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
    except BaseException:
        conn.close()
        raise
    return conn
