"""``massage-timer report``: the doctor's report of one person, as a PDF, without a window.

``report --person NAME [--from DATE] [--to DATE] [--protocol ID] --output FILE.pdf``
writes the same report as History's *Doctor report*. Dates are local days
(``YYYY-MM-DD``), both included. Wrong usage (a date that is not one, an unknown
person or protocol) is told with the argument it is about and exits with 2; a file
that cannot be written is told with its path and exits with 1.

Qt is needed to lay the pages out, but no display: the command runs on Qt's
``offscreen`` platform (and uses the QGuiApplication already there, if any).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .core.log import Filter

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(ValueError):
    """An argument is wrong; the message names it."""


def add_report_parser(sub: argparse._SubParsersAction) -> None:
    """The ``report`` command's arguments."""
    r = sub.add_parser("report", help="write the doctor's report (PDF) of one person")
    r.add_argument("--person", required=True, metavar="NAME", help="the person the report is for")
    r.add_argument("--from", dest="since", metavar="DATE", help="from this day (YYYY-MM-DD, included)")
    r.add_argument("--to", dest="until", metavar="DATE", help="up to this day (YYYY-MM-DD, included)")
    r.add_argument("--protocol", metavar="ID", help="only sessions of this protocol")
    r.add_argument("--output", "-o", required=True, metavar="FILE", help="the PDF file to write")


def _err(message: str) -> None:
    print(f"massage-timer: {message}", file=sys.stderr)


def parse_day(option: str, text: str | None) -> date | None:
    """A ``YYYY-MM-DD`` day given to ``option``, or :class:`UsageError` naming it."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not a date; write it as YYYY-MM-DD (e.g. 2026-03-01)") from None


def _midnight(day: date) -> float:
    return datetime.combine(day, time()).astimezone().timestamp()


def report_filter(args: argparse.Namespace, persons: list[str], protocols: list[str]) -> Filter:
    """The report's :class:`Filter` from the arguments, checked against the log (:class:`UsageError`)."""
    from .core.log import Filter

    since = parse_day("--from", args.since)
    until = parse_day("--to", args.until)
    if since is not None and until is not None and since > until:
        raise UsageError(f"--from {since.isoformat()} is after --to {until.isoformat()}")
    if args.person not in persons:
        known = ", ".join(sorted(persons, key=str.casefold)) or "none yet"
        raise UsageError(f"--person: no sessions of {args.person!r} in the log (persons: {known})")
    if args.protocol is not None and args.protocol not in protocols:
        raise UsageError(f"--protocol: no sessions of the protocol {args.protocol!r} in the log")
    return Filter(
        person=args.person,
        protocol_id=args.protocol,
        since_ts=_midnight(since) if since is not None else None,
        until_ts=_midnight(until + timedelta(days=1)) if until is not None else None,
    )


def _application() -> object:
    """The QGuiApplication there is, or a new one on the offscreen platform (no display needed)."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication(["massage-timer", "-platform", "offscreen"])
    return app


def cmd_report(args: argparse.Namespace) -> int:
    """Write the report; the exit code."""
    from .core.log import open_store
    from .core.log.errors import file_write_failure
    from .core.paths import resolve_data_dir
    from .core.text import printable

    paths = resolve_data_dir(args.data_dir)
    if not paths.database.exists() and not paths.database.is_symlink():
        _err(f"no session log yet in {paths.root}")
        return EXIT_INVALID
    store, opened = open_store(paths.database, read_only=True)  # the app may be running a session now
    if opened.message:
        _err(opened.message)
    try:
        try:
            flt = report_filter(args, store.persons(), [pid for pid, _title in store.protocol_ids()])
        except UsageError as exc:
            _err(printable(str(exc)))
            return EXIT_USAGE
        target = Path(args.output)
        app = _application()  # kept until the report is written
        from .ui.history.report import write_report

        try:
            count = write_report(store, flt, target)
        except OSError as exc:
            _err(printable(file_write_failure(target, exc)))
            return EXIT_INVALID
        finally:
            del app
    finally:
        store.close()
    what = f"{count:,} session{'s' if count != 1 else ''} of {args.person}"
    print(printable(f"Report of {what} written to {target}"))
    return EXIT_OK
