"""Where the user's data lives: one place for every path the app writes.

The default is the platform's user data folder (``platformdirs``). ``--data-dir``
or the ``MASSAGE_TIMER_DATA_DIR`` environment variable override it (portable
use, tests).
"""

from __future__ import annotations

import os
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
        """Create the folders (user-only on POSIX) and return self."""
        for folder in (self.root, self.protocols):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self


def create_private(path: Path) -> None:
    """Create an empty file readable by its owner only (0600 on POSIX), unless it exists.

    For files that hold health data (the log, its backups), created before anything
    writes to them so that they are never readable by others, whatever the umask.
    """
    if path.exists():
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
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
