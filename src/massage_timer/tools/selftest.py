"""``massage-timer --self-test``: check that this installation works, end to end.

The self-test drives the real app, not stand-ins: the real main window, session
page, session log and History charts, on the Qt platform plugin the user has
(or ``offscreen``, as the Help page and the installer's smoke test ask for). It
runs in a temporary data folder, which is removed afterwards, so the user's
sessions, protocols and settings are never touched.

Time: the session runs on a :class:`~massage_timer.core.clock.ScaledClock`
(600 times real time), so the real timer, the controller's wake-ups and the
page's redraws all run as in a real session, only faster: a 2 min 30 s step
takes a quarter of a second. Untimed steps are ended by pressing the page's
Next button, as a caregiver would.

Each check prints one line, ``ok   <check>`` or ``FAIL <check>: <reason>``;
sound and speech are reported (``info``) but never fail the test, since a
computer without speakers or a speech engine can still run sessions.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QEventLoop,
    QSize,
    Qt,
)
from PySide6.QtGui import QFontDatabase, QIcon, QImage, QImageReader
from PySide6.QtWidgets import (
    QApplication,
)

from .. import APP_NAME, __version__
from ..core.clock import ScaledClock
from ..core.paths import DataPaths
from ..core.protocols.format import LoadedProtocol
from ..core.protocols.library import Library, load_library
from ..core.resources import ResourceError, resource_path
from ..core.session.events import State
from ..core.session.plan import build_plan

CLOCK_FACTOR = 600.0
"""How much faster than real time the self-test session runs."""
SESSION_TIMEOUT_S = 20.0
"""Real seconds the accelerated session may take before the test gives up."""
CHARTS_TIMEOUT_S = 15.0
SPEECH_WAIT_S = 10.0
"""Real seconds to wait for the speech engine's background start before reporting it."""
PREFERRED_PROTOCOL = "honey"
"""A short built-in routine with both untimed and timed steps."""


class CheckFailed(Exception):
    """A check did not pass; the message says why."""


class _Report:
    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose
        self.failures: list[str] = []

    def line(self, text: str) -> None:
        if self.verbose:
            print(text, flush=True)

    def ok(self, name: str, detail: str = "") -> None:
        self.line(f"ok   {name}" + (f" ({detail})" if detail else ""))

    def info(self, name: str, detail: str) -> None:
        self.line(f"info {name}: {detail}")

    def fail(self, name: str, reason: str) -> None:
        self.failures.append(f"{name}: {reason}")
        self.line(f"FAIL {name}: {reason}")

    @contextlib.contextmanager
    def check(self, name: str) -> Iterator[None]:
        """Run one check; a CheckFailed or any other exception is reported as its failure."""
        try:
            yield
        except CheckFailed as exc:
            self.fail(name, str(exc))
            raise _Stop from None
        except Exception as exc:  # noqa: BLE001 - a broken install may fail in any way
            self.fail(name, f"{type(exc).__name__}: {exc}")
            raise _Stop from None


class _Stop(Exception):
    """Later checks depend on the one that failed."""


# ------------------------------------------------------------------ helpers


def _wait_until(condition: Callable[[], bool], timeout_s: float, step: Callable[[], None] | None = None) -> bool:
    """Process Qt events until ``condition()`` holds or ``timeout_s`` real seconds pass."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        if step is not None:
            step()
        time.sleep(0.005)
    return True


def inked_pixels(image: QImage) -> int:
    """How many pixels differ clearly from the image's top-left (background) pixel."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    w, h = image.width(), image.height()
    if w == 0 or h == 0:
        return 0
    background = image.pixel(0, 0)
    step = max(1, min(w, h) // 64)
    count = 0
    for y in range(0, h, step):
        for x in range(0, w, step):
            p = image.pixel(x, y)
            if (
                p != background
                and abs(((p >> 24) & 0xFF) - ((background >> 24) & 0xFF))
                + sum(abs(((p >> s) & 0xFF) - ((background >> s) & 0xFF)) for s in (0, 8, 16))
                > 40
            ):
                count += 1
    return count


def _choose_protocol(library: Library) -> LoadedProtocol:
    loaded = library.get(PREFERRED_PROTOCOL)
    if loaded is not None:
        return loaded

    def length(item: LoadedProtocol) -> int:
        return sum(int(s.duration.default) for s in item.protocol.steps if s.duration is not None)

    if not library.protocols:
        raise CheckFailed("there is no protocol to run")
    return min(library.protocols, key=length)


# ------------------------------------------------------------------ the checks


def _check_svg(report: _Report) -> None:
    with report.check("svg support"):
        formats = {bytes(f.data()).decode().lower() for f in QImageReader.supportedImageFormats()}
        if "svg" not in formats:
            raise CheckFailed(
                "Qt cannot read SVG images (the imageformats/qsvg plugin is missing); "
                f"readable formats: {', '.join(sorted(formats)) or 'none'}"
            )
        try:
            path = resource_path("icons/massage-timer.svg")
        except ResourceError as exc:
            raise CheckFailed(str(exc)) from None
        from ..ui.widgets.basics import render_svg

        drawn = inked_pixels(render_svg(path, QSize(64, 64)).toImage())
        if drawn < 40:
            raise CheckFailed(f"the app icon {path.name} renders blank")
        icon = QIcon(str(path))
        if icon.isNull() or inked_pixels(icon.pixmap(64, 64).toImage()) < 40:
            raise CheckFailed("an SVG icon renders blank (the iconengines/qsvgicon plugin is missing)")
        report.ok("svg support")


def _check_protocols(report: _Report) -> Library:
    with report.check("protocols"):
        library = load_library(None)
        builtins = [e for e in library.entries if e.source == "builtin"]
        if not builtins:
            raise CheckFailed("no built-in protocols were found in this installation")
        broken = [e for e in builtins if not e.ok]
        if broken:
            raise CheckFailed("; ".join(str(e.error).replace("\n", " ") for e in broken))
        report.ok("protocols", f"{len(builtins)} built-in protocols are valid")
        return library


def _run_session(report: _Report, window, loaded: LoadedProtocol) -> tuple[int, int]:  # noqa: ANN001
    """Run one session through the session page; returns (steps planned, pain after)."""
    from ..ui.pages.setup import SetupResult

    protocol = loaded.protocol
    side = "left" if any(s.per_side for s in protocol.steps) else None
    result = SetupResult(
        person="Self-test",
        performed_by="",
        side=side,
        stage=protocol.stages[0] if protocol.stages else "remission",
        variant=protocol.variants[0].id if protocol.variants else None,
        durations={},
        pain_before=5,
    )
    steps = len(build_plan(protocol, result.variant, side, {}))
    with report.check("session"):
        window.start_from_setup(loaded, result)
        if window.current_page() != "session":
            raise CheckFailed("the session page did not open")
        page = window.page("session")
        controller = window.controller
        page.toggle_button.click()  # Start
        snap = controller.snapshot()
        if snap is None or snap.state is State.IDLE:
            raise CheckFailed("pressing Start did not start the session")

        def press_next_when_needed() -> None:
            now = controller.snapshot()
            if now is None:
                return
            untimed = now.planned is not None and not now.planned.timed
            if now.state is State.WAITING or (now.state is State.RUNNING and untimed):
                page.next_button.click()

        def finished() -> bool:
            now = controller.snapshot()
            return page.mode() == page.FINISHED or (now is not None and now.state in (State.FINISHED, State.STOPPED))

        started = time.monotonic()
        if not _wait_until(finished, SESSION_TIMEOUT_S, press_next_when_needed):
            now = controller.snapshot()
            where = f"step {now.index + 1} of {now.count}, {now.state}" if now else "no session"
            raise CheckFailed(f"the session did not finish within {SESSION_TIMEOUT_S:.0f} s ({where})")
        _wait_until(lambda: page.mode() == page.FINISHED, 2.0)
        if page.mode() != page.FINISHED:
            raise CheckFailed("the session ended but the summary was not shown")
        state = controller.snapshot().state if controller.snapshot() else None
        if state is not State.FINISHED:
            raise CheckFailed(f"the session ended as {state}, not finished")
        report.ok("session", f"{steps} steps of {protocol.id} in {time.monotonic() - started:.1f} s")

    with report.check("save"):
        page.finish.set_pain(3)
        page.finish.notes.setPlainText("Self-test session")
        if not page.finish.save_button.isEnabled():
            raise CheckFailed("the summary's Save button is disabled (no session log?)")
        page.finish.save_button.click()
        if page.mode() == page.FINISHED:
            raise CheckFailed("Save did not close the summary")
        report.ok("save")
    return steps, 3


def _check_readback(report: _Report, store, steps: int, pain_after: int) -> None:  # noqa: ANN001
    with report.check("read back"):
        sessions = store.sessions()
        if len(sessions) != 1:
            raise CheckFailed(f"expected 1 session in the log, found {len(sessions)}")
        row = sessions[0]
        problems = []
        if row.status != "completed":
            problems.append(f"status is {row.status!r}")
        if row.steps_done != steps:
            problems.append(f"{row.steps_done} of {steps} steps are completed")
        if row.steps_total != steps:
            problems.append(f"steps_total is {row.steps_total}")
        if row.pain_after != pain_after:
            problems.append(f"pain after is {row.pain_after}, not {pain_after}")
        runs = store.steps(row.id)
        unfinished = [r.title for r in runs if r.outcome != "completed"]
        if unfinished:
            problems.append(f"steps not completed: {', '.join(unfinished)}")
        if problems:
            raise CheckFailed("; ".join(problems))
        report.ok("read back", f"completed, {steps} steps, pain {row.pain_before}->{row.pain_after}")


def _check_history(report: _Report, window) -> None:  # noqa: ANN001
    with report.check("history charts"):
        window.show_page("history")
        page = window.page("history")
        if not hasattr(page, "show_charts"):
            raise CheckFailed("the History page is not available")
        updated: list[bool] = []
        page.charts_updated.connect(lambda: updated.append(True))
        page.show_charts()
        if not _wait_until(lambda: bool(updated), CHARTS_TIMEOUT_S):
            raise CheckFailed(f"the charts were not drawn within {CHARTS_TIMEOUT_S:.0f} s")
        charts = page.charts
        blank = []
        for index, chart_page in enumerate(charts.pages):
            charts.setCurrentIndex(index)
            QApplication.processEvents()
            name = charts.tabText(index)
            if chart_page.is_empty:
                blank.append(f"{name}: {chart_page.empty_label.text()}")
                continue
            image = chart_page.plot.grab().toImage()
            if inked_pixels(image) < 20:
                blank.append(f"{name}: the chart renders blank")
        if blank:
            raise CheckFailed("; ".join(blank))
        report.ok("history charts", f"{len(charts.pages)} charts drawn")


def _report_cues(report: _Report, cues, speech_news: list[bool]) -> None:  # noqa: ANN001
    """Say whether sound and speech work here (never a failure).

    Speech-dispatcher is checked on a worker thread, as in the app; give it a few
    more seconds if it has not answered by the end of the session.
    """
    if "starting" in cues.status()[3]:
        _wait_until(lambda: bool(speech_news), SPEECH_WAIT_S)
    sound_ok, sound_why, speech_ok, speech_why = cues.status()
    report.info("sound", ("available: " if sound_ok else "not available: ") + sound_why)
    report.info("speech", ("available: " if speech_ok else "not available: ") + speech_why)


# ------------------------------------------------------------------ entry points


def run_self_test(verbose: bool = True, *, speech_engine: str | None = None) -> int:
    """Check this installation end to end; returns 0 if it works, 1 otherwise.

    Args:
        verbose: print one line per check and a result line.
        speech_engine: the QTextToSpeech engine to try (None: the one the app would use).
    """
    report = _Report(verbose)
    report.line(
        f"{APP_NAME} {__version__} self-test (Python {sys.version.split()[0]}, "
        f"{'frozen' if getattr(sys, 'frozen', False) else 'source'})"
    )
    existing = QApplication.instance()
    if existing is not None and not isinstance(existing, QApplication):
        report.fail("qt", "a non-widget Qt application is already running in this process")
        return _result(report)
    app = existing or QApplication([sys.argv[0] if sys.argv else "massage-timer"])
    assert isinstance(app, QApplication)
    report.ok("qt", f"Qt {_qt_version()}, platform {app.platformName()}")
    try:
        _check_svg(report)
        with report.check("fonts"):
            if not QFontDatabase.families():
                raise CheckFailed("Qt finds no fonts (is fontconfig installed?)")
            report.ok("fonts")
        library = _check_protocols(report)
        with report.check("protocol to run"):
            loaded = _choose_protocol(library)
        _run_in_temp_folder(report, library, loaded, speech_engine)
    except _Stop:
        pass
    return _result(report)


def _qt_version() -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    return f"{qVersion()}, PySide6 {pyside_version}"


def _run_in_temp_folder(report: _Report, library: Library, loaded: LoadedProtocol, speech_engine: str | None) -> None:
    tmp = tempfile.mkdtemp(prefix="massage-timer-selftest-")
    root = Path(tmp)
    try:
        _session_checks(report, root, library, loaded, speech_engine)
    finally:
        _remove(report, root)


def _session_checks(
    report: _Report, root: Path, library: Library, loaded: LoadedProtocol, speech_engine: str | None
) -> None:
    from ..core.log import open_store
    from ..ui.main_window import MainWindow
    from ..ui.services.cues import CuePlayer
    from ..ui.session_controller import SessionController
    from ..ui.settings import Settings

    store = None
    window = None
    try:
        with report.check("data folder"):
            paths = DataPaths(root / "data").ensure()
            store, _open_report = open_store(paths.database)
            report.ok("data folder", "temporary session log opened")
        settings = Settings(paths.root / "settings.ini")
        # Quiet: the self-test may run on a computer with speakers; availability is
        # still reported below.
        for key in ("sound_enabled", "voice_enabled", "tray_notifications"):
            settings.set(key, False)
        with report.check("main window"):
            controller = SessionController(ScaledClock(CLOCK_FACTOR))
            cues = CuePlayer(settings, speech_engine=speech_engine, background=True)
            speech_news: list[bool] = []
            cues.speech_changed.connect(lambda: speech_news.append(True))
            window = MainWindow(paths, settings, store, library, controller=controller, cues=cues)
            controller.setParent(window)
            cues.setParent(window)
            window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            window.resize(1180, 780)
            window.show()
            QApplication.processEvents()
            if inked_pixels(window.grab().toImage()) < 100:
                raise CheckFailed("the main window renders blank")
            report.ok("main window")
        steps, pain_after = _run_session(report, window, loaded)
        _check_readback(report, store, steps, pain_after)
        _check_history(report, window)
        _report_cues(report, cues, speech_news)
    finally:
        if window is not None:
            if window.controller.active:
                window.controller.stop()
            window.close()
            history = window._pages.get("history")  # noqa: SLF001 - wait for its chart thread
            loader = getattr(history, "_loader", None)
            if loader is not None:
                loader.pool.shutdown(wait=True)
            window.deleteLater()
            window = None
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            QApplication.processEvents()
        if store is not None:
            store.close()
        gc.collect()


def _remove(report: _Report, root: Path) -> None:
    import shutil

    for _attempt in range(5):
        shutil.rmtree(root, ignore_errors=True)
        if not root.exists():
            return
        time.sleep(0.2)  # Windows releases a closed database file a moment later
    report.fail("cleanup", f"the temporary folder {root} could not be removed")


def _result(report: _Report) -> int:
    if report.failures:
        report.line(f"self-test FAILED: {report.failures[0]}")
        return 1
    report.line("self-test passed")
    return 0


__all__ = [
    "inked_pixels",
    "run_self_test",
]
