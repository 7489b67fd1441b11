"""Diagnosis after a failure: the app's own log file, the crash file, and hooks for uncaught exceptions.

The log file (``massage-timer.log``, rotated at 1 MB, three old files kept) and the
crash file (``crash.log``, where :mod:`faulthandler` writes the stacks of a hard
crash) live in the platform's log folder, or in ``DIR/logs`` when a data folder is
given (``--data-dir DIR`` or ``MASSAGE_TIMER_DATA_DIR``). The folder is the user's
only (0700), the files too (0600).

They hold **no health data**: only events and errors (start-up stages, how the
session log was opened, a cue or a write failing), with file paths and kinds of
error. Never a person's name, a note, a pain rating or a protocol's title: code
that logs passes counts, states and paths, not what the user typed.

The hooks log every uncaught exception, on the main thread or any other, and
hand it to a reporter the GUI sets (:func:`set_reporter`: its error dialog). This
module knows no Qt.
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import os
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from .. import __version__
from .paths import APP_DIR_NAME, ENV_VAR, make_private_dirs, resolve_data_dir

LOGGER_NAME = "massage_timer"
LOG_FILE_NAME = "massage-timer.log"
CRASH_FILE_NAME = "crash.log"
PREVIOUS_CRASH_FILE_NAME = "crash.previous.log"
"""A crash file that was not empty at start-up: the previous run crashed; kept until the next crash."""
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
LOG_FORMAT = "%(asctime)s %(levelname)-7s [%(process)d %(threadName)s] %(name)s: %(message)s"

log = logging.getLogger(__name__)
Reporter = Callable[[str, str], None]
"""Called with (a one-line summary, the traceback) for each uncaught exception, from any thread."""


def log_folder(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where the log and crash files go: ``DIR/logs`` with a data folder given, else the platform's log folder."""
    if data_dir or os.environ.get(ENV_VAR):
        return resolve_data_dir(data_dir).root / "logs"
    import platformdirs  # only here, as in core.paths

    return Path(platformdirs.user_log_dir(APP_DIR_NAME, appauthor=False))


def make_private_folder(folder: Path) -> None:
    """The log folder and any missing parent, the user's only (0700 on POSIX), even if it existed."""
    make_private_dirs(folder)
    if os.name == "posix":
        with contextlib.suppress(OSError):  # a file system without permissions (FAT on a USB stick)
            os.chmod(folder, 0o700)


def open_private(path: Path, mode: str = "a") -> IO[str]:
    """Open a text file for appending (created 0600 on POSIX, and made so if it was not)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o600)
    if os.name == "posix":
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o600)
    return open(fd, mode, encoding="utf-8", errors="backslashreplace")  # noqa: SIM115 - the caller owns it


class PrivateRotatingFileHandler(logging.FileHandler):
    """A log file rotated by size, like ``logging.handlers.RotatingFileHandler``, with files made 0600.

    Not that class itself: importing ``logging.handlers`` loads socket, pickle and queue,
    about 20 ms before the first frame on a slow machine, for handlers the app never uses.
    At most ``backup_count + 1`` files of about ``max_bytes`` each exist.
    """

    def __init__(self, path: Path, max_bytes: int = MAX_BYTES, backup_count: int = BACKUP_COUNT) -> None:
        self.max_bytes = max_bytes
        self.backup_count = backup_count
        self._said_unwritable = False
        super().__init__(path, mode="a", encoding="utf-8")

    def _open(self) -> IO[str]:  # type: ignore[override]
        return open_private(Path(self.baseFilename))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._should_roll_over(record):
                self.roll_over()
        except OSError:  # another copy of the app holds the file open (Windows): write on, rotate later
            if self.stream is None:
                with contextlib.suppress(OSError):
                    self.stream = self._open()
        except Exception:  # noqa: BLE001 - logging never raises into the app
            self.handleError(record)
            return
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        """A log file that cannot be written (a full disk) is said once, in one line; the app goes on.

        ``logging`` would print a traceback to stderr for every record that failed.
        """
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            if not self._said_unwritable:
                self._said_unwritable = True
                reason = exc.strerror or str(exc)
                with contextlib.suppress(OSError, ValueError):
                    print(
                        f"massage-timer: the app's log file {self.baseFilename} cannot be written ({reason}); "
                        "the app goes on without it",
                        file=sys.stderr,
                    )
            return
        super().handleError(record)

    def _should_roll_over(self, record: logging.LogRecord) -> bool:
        if self.stream is None:
            self.stream = self._open()
        size = self.stream.seek(0, os.SEEK_END)
        return size > 0 and size + len(self.format(record).encode("utf-8")) + 1 > self.max_bytes

    def roll_over(self) -> None:
        """``massage-timer.log`` becomes ``.1``, ``.1`` becomes ``.2``..., the oldest is dropped."""
        if self.stream is not None:
            self.stream.close()
            self.stream = None  # type: ignore[assignment]
        base = self.baseFilename
        for i in range(self.backup_count - 1, 0, -1):
            if os.path.exists(f"{base}.{i}"):
                os.replace(f"{base}.{i}", f"{base}.{i + 1}")
        if self.backup_count > 0:
            os.replace(base, f"{base}.1")
        else:
            os.truncate(base, 0)
        self.stream = self._open()


class Diagnostics:
    """What :func:`start_diagnostics` set up (a plain class: a dataclass costs a millisecond at start-up)."""

    def __init__(self, folder: Path, *, debug: bool = False) -> None:
        self.folder = folder
        self.debug = debug
        self.log_file: Path | None = None
        self.crash_file: Path | None = None
        self.previous_crash: Path | None = None
        """The crash file of a previous run that crashed (moved aside at this start), if any."""
        self.problem = ""
        """Why there is no log file ("" when there is one)."""


_state: Diagnostics | None = None
_handlers: list[logging.Handler] = []
_crash_stream: IO[str] | None = None  # open for the whole process: faulthandler writes to its descriptor
_reporter: Reporter | None = None
_saved_hooks: tuple[Any, Any] | None = None
_busy = threading.local()


def start_diagnostics(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    debug: bool = False,
    crash_file: bool = True,
    hooks: bool = True,
) -> Diagnostics:
    """Open the log file, enable the crash file and install the exception hooks (early in start-up).

    Never fails: a log folder that cannot be written leaves the app without a log
    file (said once on stderr). ``debug`` logs at DEBUG level and echoes to stderr.
    """
    global _state
    stop_diagnostics()
    folder = log_folder(data_dir)
    state = Diagnostics(folder, debug=debug)
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    formatter = logging.Formatter(LOG_FORMAT)
    try:
        make_private_folder(folder)
        handler: logging.Handler = PrivateRotatingFileHandler(folder / LOG_FILE_NAME, MAX_BYTES, BACKUP_COUNT)
        state.log_file = folder / LOG_FILE_NAME
    except OSError as exc:
        state.problem = f"the log folder {folder} cannot be used: {exc.strerror or exc}"
        # Errors are printed where they happen; without this, Python would print them a second time.
        _add_handler(logger, logging.NullHandler())
    else:
        handler.setFormatter(formatter)
        _add_handler(logger, handler)
    if debug and sys.stderr is not None:
        echo = logging.StreamHandler(sys.stderr)
        echo.setFormatter(formatter)
        echo.addFilter(lambda record: not getattr(record, "printed", False))  # Qt's messages: printed already
        _add_handler(logger, echo)
    if crash_file and not state.problem:
        _enable_crash_file(state)
    if hooks:
        install_hooks()
    _state = state
    log.info(
        "Massage Timer %s starting: Python %s, %s %s (%s), pid %d%s",
        __version__,
        platform.python_version(),
        platform.system() or "unknown system",
        platform.release(),
        platform.machine(),
        os.getpid(),
        ", bundled" if getattr(sys, "frozen", False) else "",
    )
    log.info("data folder %s", resolve_data_dir(data_dir).root)
    log.debug("log file %s, crash file %s", state.log_file, state.crash_file)
    if state.previous_crash is not None:
        log.warning("the previous run ended in a crash; its stacks are in %s", state.previous_crash)
    if state.problem and sys.stderr is not None:
        print(f"massage-timer: no log file: {state.problem}", file=sys.stderr)
    return state


def _add_handler(logger: logging.Logger, handler: logging.Handler) -> None:
    logger.addHandler(handler)
    _handlers.append(handler)


def _enable_crash_file(state: Diagnostics) -> None:
    global _crash_stream
    path = state.folder / CRASH_FILE_NAME
    try:
        if path.exists() and path.stat().st_size > 0:
            previous = state.folder / PREVIOUS_CRASH_FILE_NAME
            os.replace(path, previous)
            state.previous_crash = previous
    except OSError as exc:  # another running copy holds it open (Windows): append to it
        log.debug("the crash file %s was not moved aside: %s", path, exc.strerror or exc)
    try:
        stream = open_private(path)
        faulthandler.enable(file=stream, all_threads=True)
    except (OSError, ValueError, RuntimeError) as exc:
        log.warning("no crash file: %s cannot be opened: %s", path, getattr(exc, "strerror", None) or exc)
        return
    _crash_stream = stream
    state.crash_file = path


def stop_diagnostics() -> None:
    """Undo :func:`start_diagnostics`: close the files, put the previous hooks back (for tests)."""
    global _state, _crash_stream, _reporter
    logger = logging.getLogger(LOGGER_NAME)
    for handler in _handlers:
        logger.removeHandler(handler)
        handler.close()
    _handlers.clear()
    logger.setLevel(logging.NOTSET)
    if _crash_stream is not None:
        faulthandler.disable()
        _crash_stream.close()
        _crash_stream = None
    uninstall_hooks()
    _reporter = None
    _state = None


def current() -> Diagnostics | None:
    """What :func:`start_diagnostics` set up in this process, or None."""
    return _state


def current_log_folder() -> Path:
    """The log folder in use, or where it would be (no diagnostics started: tests, tools)."""
    return _state.folder if _state is not None else log_folder()


# ------------------------------------------------------------------ exception hooks


def set_reporter(reporter: Reporter | None) -> None:
    """Who shows an uncaught exception to the user (the GUI's error dialog), or None."""
    global _reporter
    _reporter = reporter


def install_hooks() -> None:
    """Route uncaught exceptions of the main thread and of other threads to :func:`report_exception`."""
    global _saved_hooks
    if _saved_hooks is None:
        _saved_hooks = (sys.excepthook, threading.excepthook)
    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook


def uninstall_hooks() -> None:
    global _saved_hooks
    if _saved_hooks is not None:
        sys.excepthook, threading.excepthook = _saved_hooks
        _saved_hooks = None


def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """``sys.excepthook``: an exception nothing caught (in a Qt slot too: the app goes on after it)."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    report_exception(exc_type, exc, tb)


def thread_excepthook(args: threading.ExceptHookArgs) -> None:
    """``threading.excepthook``: an exception that ended a thread."""
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "unknown"
    report_exception(args.exc_type, args.exc_value, args.exc_traceback, thread=name)


def summary(exc_type: type[BaseException], exc: BaseException | None, thread: str | None = None) -> str:
    """One line: the kind of error, its message (shortened), and the thread when not the main one."""
    text = "" if exc is None else str(exc).strip()
    message = text.splitlines()[0] if text else ""
    if len(message) > 200:
        message = message[:199] + "…"
    text = f"{exc_type.__name__}: {message}" if message else exc_type.__name__
    return f"{text} (in the background task “{thread}”)" if thread else text


def report_exception(
    exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None, thread: str | None = None
) -> None:
    """Log an uncaught exception, print it (as Python would), and hand it to the reporter.

    Never raises and never recurses: an error while reporting one is printed plainly.
    """
    if getattr(_busy, "on", False):
        _print_traceback(exc_type, exc, tb)
        return
    _busy.on = True
    try:
        details = "".join(traceback.format_exception(exc_type, exc, tb)).rstrip()
        where = f" in thread {thread}" if thread else ""
        log.error("uncaught exception%s:\n%s", where, details)
        if not _echoing() and sys.stderr is not None:
            print(details, file=sys.stderr)
        reporter = _reporter
        if reporter is not None:
            reporter(summary(exc_type, exc, thread), details)
    except Exception:  # noqa: BLE001 - the hook itself must not fail
        _print_traceback(*sys.exc_info())
    finally:
        _busy.on = False


def _echoing() -> bool:
    return any(isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler) for h in _handlers)


def _print_traceback(exc_type: Any, exc: Any, tb: Any) -> None:
    if sys.stderr is not None:
        with contextlib.suppress(Exception):  # nothing is left to tell
            traceback.print_exception(exc_type, exc, tb, file=sys.stderr)


# ------------------------------------------------------------------ versions and Qt's messages


def version_lines(qt_version: str | None = None, pyside_version: str | None = None) -> list[str]:
    """The app, Python, Qt and PySide6 versions and the platform, one per line (``--version --verbose``)."""
    lines = [f"massage-timer {__version__}", f"Python {platform.python_version()} ({platform.python_implementation()})"]
    if qt_version:
        lines.append(f"Qt {qt_version}")
    if pyside_version:
        lines.append(f"PySide6 {pyside_version}")
    lines.append(f"Platform {platform.platform()}" + (" (bundled app)" if getattr(sys, "frozen", False) else ""))
    return lines


QT_LEVELS = {
    "QtDebugMsg": logging.DEBUG,
    "QtInfoMsg": logging.INFO,
    "QtWarningMsg": logging.WARNING,
    "QtCriticalMsg": logging.ERROR,
    "QtFatalMsg": logging.CRITICAL,
}
qt_log = logging.getLogger(f"{LOGGER_NAME}.qt")


def log_qt_message(kind: str, category: str | None, message: str, *, quiet: bool = False, printed: bool = True) -> None:
    """A message of Qt's (``kind`` is the QtMsgType's name) into the log; a ``quiet`` one at DEBUG level."""
    level = logging.DEBUG if quiet else QT_LEVELS.get(kind, logging.WARNING)
    qt_log.log(level, "%s [%s] %s", kind, category or "default", message, extra={"printed": printed})
