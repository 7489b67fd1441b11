"""``massage-timer import FILE``: bring the sessions of another computer's log into this one.

Prints what was done, one line each (:meth:`~.core.log.ImportReport.describe`), and exits with 0.
A file that cannot be imported is told in one line on stderr, ``massage-timer: FILE: what is
wrong``, and exits with 1; nothing changed then. No Qt is loaded: the command works without
a display.

The app may be running with the log open, a session going on: the import writes through a
connection of its own (WAL, a busy timeout) and, unlike opening the log in the app, marks no
session interrupted (:func:`~.core.log.disk.merge.open_writer`). A log that is missing (or
needs an upgrade) is opened as the app opens it, which creates (or upgrades, after a backup) it.
"""

from __future__ import annotations

import argparse
import sys

from .core.paths import resolve_data_dir

EXIT_OK, EXIT_INVALID = 0, 1


def add_import_parser(sub: argparse._SubParsersAction) -> None:
    """The ``import`` command's arguments."""
    i = sub.add_parser(
        "import",
        help="bring the sessions of another computer's session log (or of a backup) into this one",
        description="Add the sessions of FILE that are not in this log yet. Sessions already here are kept as "
        "they are; this log is backed up first.",
    )
    i.add_argument("file", metavar="FILE", help="the other session log (sessions.sqlite3, or a backup)")
    # Also after the command (``import FILE --data-dir DIR``); SUPPRESS keeps the one given before it.
    i.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="import into the log kept in DIR")


def _err(message: str) -> None:
    print(f"massage-timer: {message}", file=sys.stderr)


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .core.log import LogImportError, import_log, open_store
    from .core.log.disk.merge import open_writer
    from .core.text import printable

    paths = resolve_data_dir(args.data_dir)
    store = open_writer(paths.database)
    if store is None:  # a new log, or one to upgrade: the app's own way (no app can be running it)
        store, report = open_store(paths.database, backups=paths.backups)
        if report.message:
            _err(printable(report.message))
    try:
        result = import_log(store, Path(args.file), backups_dir=paths.backups)
    except LogImportError as exc:
        _err(printable(str(exc)))
        return EXIT_INVALID
    finally:
        store.close()
    for line in result.describe():
        print(printable(line))
    return EXIT_OK
