"""Where the user's data lives: one place for every path the app writes.

The default is the platform's user data folder (``platformdirs``). ``--data-dir``
or the ``MASSAGE_TIMER_DATA_DIR`` environment variable override it (portable
use, tests).

Everything the app writes is private to its user, whatever the umask: folders it
creates are 0700 (:func:`make_private_dirs`), files that hold health data 0600
(:func:`create_private` for the log, :func:`private_replacement` for exports and
reports, which also never leaves a half-written file in place).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "MASSAGE_TIMER_DATA_DIR"
APP_DIR_NAME = "massage-timer"


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "sessions.sqlite3"

    @property
    def protocols(self) -> Path:
        return self.root / "protocols"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def lock(self) -> Path:
        return self.root / "massage-timer.lock"

    def ensure(self) -> DataPaths:
        """Create the folders (user-only on POSIX, every missing parent too) and return self."""
        make_private_dirs(self.protocols)
        return self


def make_private_dirs(path: Path) -> None:
    """Create the folder ``path`` and every missing folder above it, each user-only (0700 on POSIX).

    Folders that exist already are left as they are (a ``--data-dir`` the user made).
    ``mkdir -p`` would give the parents the umask's mode, which may let others in.

    Raises:
        OSError: a folder cannot be created, or ``path`` (or a parent) is a file.
    """
    missing: list[Path] = []
    folder = Path(path)
    while not folder.is_dir() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue  # made by another process meanwhile: not ours to change
        if os.name == "posix":
            os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask


def create_private(path: Path) -> None:
    """Create an empty file readable by its owner only (0600 on POSIX), unless it exists.

    For files that hold health data (the log, its backups), created before anything
    writes to them so that they are never readable by others, whatever the umask.
    """
    if path.exists():
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


@contextlib.contextmanager
def private_replacement(path: Path) -> Iterator[Path]:
    """A new private file (0600) next to ``path`` to write; it replaces ``path`` when the block ends.

    The file gets a hidden temporary name in the same folder. When the block ends
    without an error, it is flushed to disk and renamed onto ``path`` in one step, so
    ``path`` is either the old file or the complete new one, never half written. When
    the block raises (an error, a cancel), the temporary file is removed and ``path``
    is left untouched.

    Raises:
        OSError: the file cannot be created or renamed; its ``filename`` is ``path``.
    """
    path = Path(path)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    os.close(fd)  # mkstemp makes it 0600 whatever the umask
    partial = Path(name)
    try:
        yield partial
        _sync(partial)
        os.replace(partial, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        if isinstance(exc, OSError) and exc.errno is not None and exc.filename != str(path):
            raise OSError(exc.errno, exc.strerror, str(path)) from exc  # name the file asked for
        raise
    with contextlib.suppress(OSError):
        _sync(path.parent)  # the rename itself survives a power cut


def _sync(path: Path) -> None:
    """Flush a file (or, on POSIX, a folder's entries) to disk."""
    folder = path.is_dir()
    if folder and os.name != "posix":
        return
    # Windows flushes only a file open for writing; a folder opens read-only.
    fd = os.open(path, (os.O_RDONLY if folder else os.O_RDWR) | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> DataPaths:
    """The data folder chosen by the command line, the environment, or the platform default."""
    if cli_value:
        return DataPaths(Path(cli_value).expanduser().absolute())
    env = os.environ.get(ENV_VAR)
    if env:
        return DataPaths(Path(env).expanduser().absolute())
    import platformdirs  # only here: with a folder given, start-up does not need it

    return DataPaths(Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False)))
