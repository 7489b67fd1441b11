"""The command line: ``massage-timer [--data-dir DIR] [COMMAND]``.

Exit codes:
    0  success
    1  a checked file is invalid, or the session log cannot be used
    2  wrong usage (unknown option, missing argument)
    3  the window cannot open (a missing system library, no display)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import APP_NAME, __version__
from .core.paths import ENV_VAR, resolve_data_dir
from .import_cli import add_import_parser, cmd_import
from .report_cli import add_report_parser, cmd_report

# Each command imports what it needs when it runs: opening the app imports no log or
# export code before its window is up.

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_NO_GUI = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="massage-timer",
        description=f"{APP_NAME}: a guided, illustrated timer for massage routines against sciatica. "
        "Without a command it opens the app.",
        epilog="Exit codes: 0 ok, 1 invalid file or unusable log, 2 wrong usage, 3 the window cannot open.",
    )
    parser.add_argument("--version", action="store_true", help="show the version and exit")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="with --version: the Python, Qt and PySide6 versions and the platform too",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"keep the session log and your protocols in DIR (default: the platform's user data "
        f"folder, or ${ENV_VAR})",
    )
    gui = parser.add_argument_group("app options")
    gui.add_argument("--self-test", action="store_true", help="check this installation and exit")
    gui.add_argument(
        "--debug", action="store_true", help="log everything (DEBUG level) in the app's log file, and on stderr too"
    )
    # For tests and benchmarks: quit once started ("ready": window up and log open) or right
    # after the first frame ("first-frame"); prints "<stage> <time.monotonic()>" lines on stdout.
    gui.add_argument(
        "--exit-after-startup", nargs="?", const="ready", choices=("ready", "first-frame"), help=argparse.SUPPRESS
    )
    gui.add_argument("--speed", type=float, default=1.0, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("protocols", help="list the protocols: id, title, duration range, stages, file")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    c = sub.add_parser("check", help="validate protocol files (exit 1 with FILE: where: what lines)")
    c.add_argument("files", nargs="+", metavar="FILE")

    h = sub.add_parser("history", help="print or export the session log")
    fmt = h.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true", help="CSV with the documented columns")
    fmt.add_argument("--json", action="store_true", help="JSON, one object per session with its steps")
    h.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of the screen")
    h.add_argument(
        "--rows",
        choices=("sessions", "steps"),
        default="sessions",
        help="CSV: one row per session (the default) or one per step run, with its session_id",
    )
    h.add_argument(
        "--bom",
        action=argparse.BooleanOptionalAction,
        help="CSV: start with a UTF-8 byte order mark, so that spreadsheets read accents right "
        "(the default; --no-bom: without)",
    )
    h.add_argument("--person", help="only sessions of this person")
    h.add_argument("--protocol", metavar="ID", help="only sessions of this protocol")
    add_report_parser(sub)
    add_import_parser(sub)
    return parser


def _err(message: str) -> None:
    print(f"massage-timer: {message}", file=sys.stderr)


def cmd_protocols(args: argparse.Namespace) -> int:
    import json

    from .core.durations import format_duration
    from .core.protocols.library import load_library
    from .core.text import printable

    paths = resolve_data_dir(args.data_dir)
    library = load_library(paths.protocols if paths.protocols.is_dir() else None)
    rows = []
    for entry in library.entries:
        if entry.overridden_by is not None:
            continue
        if entry.loaded is None:
            rows.append({"id": entry.id, "error": str(entry.error), "file": str(entry.path)})
            continue
        proto = entry.loaded.protocol
        lo, hi = proto.duration_range()
        rows.append(
            {
                "id": proto.id,
                "title": proto.title,
                "min_seconds": lo,
                "max_seconds": hi,
                "untimed_steps": sum(1 for s in proto.steps if s.duration is None),
                "stages": list(proto.stages),
                "source": entry.source,
                "overrides_builtin": entry.overrides,
                "file": str(entry.path),
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    for row in rows:
        if "error" in row:
            print(printable(f"{row['id']:<18} BROKEN  {row['error']}".replace("\n", "; ")))
            continue
        span = f"{format_duration(row['min_seconds'])}-{format_duration(row['max_seconds'])}"
        if row["untimed_steps"]:
            span += " + untimed"
        mark = " (overrides built-in)" if row["overrides_builtin"] else ""
        title, file = printable(row["title"]), printable(row["file"])
        print(f"{row['id']:<18} {title[:38]:<38} {span:<22} {','.join(row['stages']):<16} {file}{mark}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .core.protocols.problems import ProtocolError
    from .core.protocols.reading import read_protocol
    from .core.resources import resources_dir
    from .core.text import printable

    bad = 0
    for name in args.files:
        path = Path(name)
        try:
            read_protocol(path, (resources_dir(),), name=name)
        except ProtocolError as exc:
            bad += 1
            print("\n".join(printable(line) for line in str(exc).split("\n")), file=sys.stderr)
        else:
            print(printable(f"{name}: ok"))
    return EXIT_INVALID if bad else EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    import io

    from .core.log import CSV_BOM_DEFAULT, Filter, open_store, write_export, write_export_file
    from .core.log.errors import file_write_failure

    if args.rows != "sessions" and not args.csv:
        _err("--rows steps is for --csv")
        return EXIT_USAGE
    paths = resolve_data_dir(args.data_dir)
    store = None
    if not paths.database.exists() and not paths.database.is_symlink():  # a link is refused by open_store
        _err(f"no session log yet in {paths.root}")
    else:
        # Read-only: the app may be running a session on this log right now.
        store, report = open_store(paths.database, read_only=True)
        if report.message:
            _err(report.message)
    flt = Filter(person=args.person, protocol_id=args.protocol)
    fmt = "csv" if args.csv else "json" if args.json else "table"
    bom = CSV_BOM_DEFAULT if args.bom is None else args.bom
    try:
        if args.output:
            # A private file (0600), complete or not at all: an export holds health data.
            write_export_file(store, Path(args.output), fmt, flt, bom=bom, rows=args.rows)
        else:
            if fmt == "csv" and isinstance(sys.stdout, io.TextIOWrapper):
                # CSV rows end with CR LF already; the CSV is UTF-8 whatever the locale says.
                sys.stdout.reconfigure(newline="", encoding="utf-8")
            write_export(store, sys.stdout, fmt, flt, bom=bom, rows=args.rows)
    except OSError as exc:
        if not args.output:
            raise
        _err(file_write_failure(Path(args.output), exc))
        return EXIT_INVALID
    finally:
        if store is not None:
            store.close()
    return EXIT_OK


def print_version(verbose: bool = False) -> int:
    """``--version``: the app's version; with ``--verbose`` Python's, Qt's, PySide6's and the platform too."""
    if not verbose:
        print(f"massage-timer {__version__}")
        return EXIT_OK
    from .core.diagnostics import version_lines

    try:  # only here does --version load Qt
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qVersion
    except ImportError as exc:
        print("\n".join([*version_lines(), f"Qt cannot be loaded: {exc}"]))
        return EXIT_OK
    print("\n".join(version_lines(qVersion(), pyside_version)))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        return print_version(args.verbose)
    if args.command is None:
        from .app import run_app

        return run_app(args)
    from .core.log import StoreError
    from .core.resources import ResourceError

    commands = {
        "protocols": cmd_protocols,
        "check": cmd_check,
        "history": cmd_history,
        "report": cmd_report,
        "import": cmd_import,
    }
    try:
        return commands[args.command](args)
    except (StoreError, ResourceError) as exc:
        _err(str(exc))
        return EXIT_INVALID
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        _err(f"{exc.strerror or exc}{where}")
        return EXIT_INVALID
