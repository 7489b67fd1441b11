"""Starting the desktop app: checks, QApplication, the main window."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import APP_ID, APP_NAME, __version__
from .core import diagnostics
from .core.paths import DataPaths, resolve_data_dir

if TYPE_CHECKING:
    from .core.log import Store

log = logging.getLogger(__name__)

# Libraries Qt's xcb platform plugin loads (by the names it links against), and the
# Debian/Ubuntu package of each.
XCB_LIBRARIES = (
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
)


def can_load(soname: str) -> bool:
    """Whether the dynamic loader finds ``soname``, the way Qt's plugin will look for it.

    (Loading it costs nothing extra: Qt loads it moments later. ``ctypes.util.find_library``
    would run ``ldconfig`` once per library, about 5 ms each.)
    """
    import ctypes

    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_xcb_packages(loadable: Callable[[str], bool] = can_load) -> list[str]:
    """Debian/Ubuntu packages that Qt's xcb plugin needs and this system lacks (Linux only)."""
    return [package for soname, package in XCB_LIBRARIES if not loadable(soname)]


def platform_problem(env: dict[str, str] | None = None, loadable: Callable[[str], bool] = can_load) -> str | None:
    """A message naming what to install, when Qt would abort for lack of an xcb library."""
    env = dict(os.environ if env is None else env)
    if not sys.platform.startswith("linux"):
        return None
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None
    if not platform and env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY"):
        return None
    if not platform and not env.get("DISPLAY"):
        return (
            f"{APP_NAME} needs a graphical desktop: no display was found (DISPLAY is not set). "
            "Start it from your desktop session."
        )
    missing = missing_xcb_packages(loadable)
    if not missing:
        return None
    return (
        f"{APP_NAME} cannot open its window: system libraries that Qt needs are missing.\n"
        f"On Debian/Ubuntu install them with:\n    sudo apt install {' '.join(missing)}"
    )


def run_app(args: argparse.Namespace) -> int:
    """Open the app. Returns the process exit code."""
    paths = resolve_data_dir(args.data_dir)
    # First of all: from here on a crash leaves its stacks, and an error its traceback, in the log folder.
    diagnostics.start_diagnostics(args.data_dir, debug=getattr(args, "debug", False))
    problem = platform_problem()
    if args.self_test:
        # The self-test never shows a window: it runs offscreen, and only reports what a
        # window would lack.
        if problem:
            print(f"note: {problem}")
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        quiet_qt_messages()
        from .tools.selftest import run_self_test

        log.info("self-test (its sessions run in a temporary folder)")
        return run_self_test(verbose=True)
    if problem:
        log.error("the window cannot open: %s", problem)
        print(f"massage-timer: {problem}", file=sys.stderr)
        return 3
    try:
        paths.ensure()
    except OSError as exc:
        log.error("the data folder %s cannot be created: %s", paths.root, exc.strerror or exc)
        print(f"massage-timer: the data folder {paths.root} cannot be created: {exc.strerror or exc}", file=sys.stderr)
        return 1
    code = _run_gui(args, paths)
    log.info("closed (exit code %d)", code)
    return code


# Start-up chatter of Qt Multimedia's FFmpeg backend about video acceleration libraries
# (VA-API, PipeWire) that an audio-only app never uses. Real errors still show.
QUIET_LOGGING_RULES = "\n".join(
    [
        "qt.multimedia.symbolsresolver.warning=false",
        "qt.multimedia.ffmpeg.info=false",
        "qt.multimedia.ffmpeg.debug=false",
    ]
)


# Messages Qt prints without a category that only say "no sound server here"; the app
# already reports sound availability in Settings, so they are kept out of the terminal.
KNOWN_SOUND_NOTICES = ("PulseAudioService: pa_context_connect() failed",)
# The offscreen platform (self-test, screenshots) says so for every window it cannot raise.
OFFSCREEN_NOTICES = ("This plugin does not support raise()", "This plugin does not support propagateSizeHints()")


def quiet_qt_messages() -> None:
    """Keep Qt's harmless start-up notices out of the terminal; everything else still shows."""
    from PySide6.QtCore import QLoggingCategory, qInstallMessageHandler

    QLoggingCategory.setFilterRules(QUIET_LOGGING_RULES)
    offscreen = os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen")

    def handler(mode, context, message: str) -> None:  # noqa: ANN001
        quiet = message in KNOWN_SOUND_NOTICES or (offscreen and message in OFFSCREEN_NOTICES)
        # Into the log as well, with Qt's category and type (the harmless notices at debug level).
        diagnostics.log_qt_message(
            getattr(mode, "name", str(mode)), context.category, message, quiet=quiet, printed=not quiet
        )
        if quiet:
            return
        print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def open_log(paths: DataPaths, keep: int = 10) -> tuple[Store | None, str, list[str]]:
    """Open the session log for the app: (store or None, what to tell the user, interrupted ids).

    The app always runs: with the log, with a read-only log, or without one.
    """
    from .core.log import StoreError, open_store

    try:
        store, report = open_store(paths.database, backups=paths.backups, daily_backup=True, keep=keep)
    except StoreError as exc:
        return None, f"{exc}\n\nSessions you run now will not be saved.", []
    return store, report.message, report.interrupted


def _run_gui(args: argparse.Namespace, paths: DataPaths) -> int:
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from .core.clock import ScaledClock, SystemClock
    from .core.protocols.library import load_library
    from .ui.main_window import MainWindow
    from .ui.services.crash_reporter import install_crash_dialog
    from .ui.services.single_instance import SingleInstance, bring_to_front
    from .ui.settings import Settings
    from .ui.theme import apply_theme
    from .ui.widgets.basics import app_icon

    quiet_qt_messages()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_ID)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    install_crash_dialog(app)  # an uncaught exception from now on: logged, shown in a dialog, and the app goes on

    # One app per data folder: a second launch raises the first one's window and leaves.
    instance = SingleInstance(paths.root)
    if not instance.acquire():
        if instance.ask_to_raise():
            print(
                f"massage-timer: {APP_NAME} is already running for {paths.root}; its window was brought to the front.",
                file=sys.stderr,
            )
            return 0
        pid = instance.holder_pid
        print(
            f"massage-timer: {APP_NAME} seems to be running already for {paths.root}"
            + (f" (process {pid})" if pid else "")
            + f" but does not answer. Close it, or delete {instance.lock_path} if it is not running.",
            file=sys.stderr,
        )
        return 1
    if instance.problem:  # no lock could be made (a full disk): not another instance; go on and say so
        print(f"massage-timer: {instance.problem}", file=sys.stderr)
    settings = Settings(paths.root / "settings.ini")
    apply_theme(app, settings.get("theme"), int(settings.get("text_scale")))

    library = load_library(paths.protocols)
    clock = ScaledClock(args.speed) if args.speed and args.speed != 1.0 else SystemClock()
    # The first frame shows the protocols; the log is opened right after it (see finish_start_up).
    store: Store | None = None
    interrupted: list[str] = []

    def open_log_for_window() -> tuple[Store | None, str]:
        nonlocal store, interrupted
        store, notice, interrupted = open_log(paths, int(settings.get("backups_keep")))
        notice = "\n\n".join(filter(None, [notice, instance.problem]))
        state = "not open" if store is None else "open read-only" if store.read_only else "open"
        said = f"session log {state}: {paths.database}, {len(interrupted)} interrupted"
        log.log(logging.INFO if state == "open" else logging.WARNING, f"{said}; {notice}" if notice else said)
        return store, notice

    window = MainWindow(paths, settings, None, library, clock=clock, open_log=open_log_for_window)
    exit_after = args.exit_after_startup

    def report(stage: str) -> None:
        log.info("start-up: %s", stage)
        if exit_after:
            print(f"{stage} {time.monotonic():.6f}", flush=True)

    def finish_start_up() -> None:
        instance.listen()  # from now on a second launch can bring this window to the front
        window.open_log_now()  # unless a key already opened a page that needed it
        report("ready")
        if exit_after:
            app.quit()
        else:
            QTimer.singleShot(0, lambda: window.show_notices(interrupted))

    def on_first_frame() -> None:
        report("first-frame")
        if exit_after == "first-frame":
            app.quit()
        else:
            finish_start_up()

    def on_activated() -> None:
        print("massage-timer: another launch asked for this window; brought it to the front", file=sys.stderr)
        bring_to_front(window)

    instance.activated.connect(on_activated)
    window.first_painted.connect(on_first_frame)
    window.show()
    code = app.exec()
    if store is not None:
        store.close()
    instance.release()
    return code
