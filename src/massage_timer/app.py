"""Starting the desktop app: checks, QApplication, the main window."""

from __future__ import annotations

import argparse
import ctypes.util
import os
import sys
from typing import TYPE_CHECKING

from . import APP_ID, APP_NAME, __version__
from .core.paths import DataPaths, resolve_data_dir

if TYPE_CHECKING:
    from .core.store import Store

# Libraries Qt's xcb platform plugin loads, and the Debian/Ubuntu package of each.
XCB_LIBRARIES = (
    ("xcb-cursor", "libxcb-cursor0"),
    ("xcb-icccm", "libxcb-icccm4"),
    ("xcb-keysyms", "libxcb-keysyms1"),
    ("xcb-image", "libxcb-image0"),
    ("xcb-render-util", "libxcb-render-util0"),
    ("xcb-xkb", "libxcb-xkb1"),
    ("xkbcommon-x11", "libxkbcommon-x11-0"),
    ("xcb-shape", "libxcb-shape0"),
    ("xcb-randr", "libxcb-randr0"),
)


def missing_xcb_packages(find=ctypes.util.find_library) -> list[str]:  # noqa: ANN001
    """Debian/Ubuntu packages that Qt's xcb plugin needs and this system lacks (Linux only)."""
    return [package for lib, package in XCB_LIBRARIES if find(lib) is None]


def platform_problem(env: dict[str, str] | None = None, find=ctypes.util.find_library) -> str | None:  # noqa: ANN001
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
    missing = missing_xcb_packages(find)
    if not missing:
        return None
    return (
        f"{APP_NAME} cannot open its window: system libraries that Qt needs are missing.\n"
        f"On Debian/Ubuntu install them with:\n    sudo apt install {' '.join(missing)}"
    )


def run_app(args: argparse.Namespace) -> int:
    """Open the app. Returns the process exit code."""
    paths = resolve_data_dir(args.data_dir)
    problem = platform_problem()
    if args.self_test:
        # The self-test never shows a window: it runs offscreen, and only reports what a
        # window would lack.
        if problem:
            print(f"note: {problem}")
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        quiet_qt_messages()
        from .ui.selftest import run_self_test

        return run_self_test(verbose=True)
    if problem:
        print(f"massage-timer: {problem}", file=sys.stderr)
        return 3
    try:
        paths.ensure()
    except OSError as exc:
        print(f"massage-timer: the data folder {paths.root} cannot be created: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return _run_gui(args, paths)


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

    def handler(_mode, _context, message: str) -> None:  # noqa: ANN001
        if message in KNOWN_SOUND_NOTICES or (offscreen and message in OFFSCREEN_NOTICES):
            return
        print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def open_log(paths: DataPaths, keep: int = 10) -> tuple[Store | None, str, list[str]]:
    """Open the session log for the app: (store or None, what to tell the user, interrupted ids).

    The app always runs: with the log, with a read-only log, or without one.
    """
    from .core.store import StoreError, open_store

    try:
        store, report = open_store(paths.database, backups=paths.backups, daily_backup=True, keep=keep)
    except StoreError as exc:
        return None, f"{exc}\n\nSessions you run now will not be saved.", []
    return store, report.message, report.interrupted


def _run_gui(args: argparse.Namespace, paths: DataPaths) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from .core.clock import ScaledClock, SystemClock
    from .core.library import load_library
    from .ui.main_window import MainWindow
    from .ui.session_controller import SessionController
    from .ui.settings import Settings
    from .ui.single_instance import SingleInstance, bring_to_front
    from .ui.theme import apply_theme
    from .ui.widgets import app_icon

    quiet_qt_messages()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_ID)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())

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
    settings = Settings(paths.root / "settings.ini")
    apply_theme(app, settings.get("theme"), int(settings.get("text_scale")))

    store, notice, interrupted = open_log(paths, int(settings.get("backups_keep")))
    library = load_library(paths.protocols)
    clock = ScaledClock(args.speed) if args.speed and args.speed != 1.0 else SystemClock()
    controller = SessionController(clock)
    window = MainWindow(paths, settings, store, library, controller=controller, store_notice=notice)
    controller.setParent(window)

    def on_activated() -> None:
        print("massage-timer: another launch asked for this window; brought it to the front", file=sys.stderr)
        bring_to_front(window)

    instance.activated.connect(on_activated)
    window.show()
    if args.exit_after_startup:
        window.first_painted.connect(app.quit)
    else:
        QTimer.singleShot(0, lambda: window.show_notices(interrupted))
    code = app.exec()
    if store is not None:
        store.close()
    instance.release()
    return code
