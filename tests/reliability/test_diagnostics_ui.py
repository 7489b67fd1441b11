"""Promise: after a real session the app's log holds its events but no health data; errors are shown, not fatal.

A session is run in the real main window (fake clock, mock speech) with a
distinctive person, note and protocol title; none of them may reach the log file.
An exception in a slot, or in another thread, is logged and shown in the error
dialog on the GUI thread, and the running session goes on.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog

from massage_timer.core import diagnostics
from massage_timer.core.clock import FakeClock
from massage_timer.core.log import SessionInfo, Store, StoreError, open_store
from massage_timer.core.paths import DataPaths
from massage_timer.core.resources import builtin_protocols_dir
from massage_timer.core.session.events import State
from massage_timer.core.session.plan import build_plan
from massage_timer.ui.services import crash_dialog
from massage_timer.ui.services.crash_dialog import CrashDialog
from massage_timer.ui.services.crash_reporter import CrashReporter, install_crash_dialog

PERSON = "Zephyrine Quillfeather"
NOTE = "Tingling behind the left knee after the third cup, worse when sitting on the Wurlitzer bench"
TITLE = "Grandma Ottilie's secret knee routine"
PROTOCOL_ID = "ottilie-secret"

# pytest-qt puts its own sys.excepthook in place for each test phase unless told not to.
hook_tests = pytest.mark.qt_no_exception_capture


@pytest.fixture
def diag(data_dir: DataPaths, monkeypatch: pytest.MonkeyPatch) -> Iterator[diagnostics.Diagnostics]:
    """Diagnostics as the app starts them (debug level, hooks on; no crash file: pytest has its faulthandler)."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    state = diagnostics.start_diagnostics(data_dir.root, debug=True, crash_file=False)
    yield state
    diagnostics.stop_diagnostics()


def log_text(state: diagnostics.Diagnostics) -> str:
    assert state.log_file is not None
    return state.log_file.read_text(encoding="utf-8")


class Session:
    """The real main window with a session of the user's own protocol, driven by a fake clock."""

    def __init__(self, qtbot, data_dir: DataPaths) -> None:  # noqa: ANN001
        from massage_timer.ui.main_window import MainWindow
        from massage_timer.ui.services.cues import CuePlayer
        from massage_timer.ui.session_controller import SessionController
        from massage_timer.ui.settings import Settings

        own = (builtin_protocols_dir() / "honey.toml").read_text(encoding="utf-8")
        own = own.replace('id = "honey"', f'id = "{PROTOCOL_ID}"', 1).replace(
            'title = "Honey massage"', f'title = "{TITLE}"', 1
        )
        (data_dir.protocols / "ottilie.toml").write_text(own, encoding="utf-8")
        from massage_timer.core.protocols.library import load_library

        self.store: Store = open_store(data_dir.database)[0]
        settings = Settings(data_dir.root / "settings.ini")
        self.clock = FakeClock()
        self.controller = SessionController(self.clock)
        cues = CuePlayer(settings, speech_engine="mock")
        cues.speech_delay_ms = 0
        self.window = MainWindow(
            data_dir, settings, self.store, load_library(data_dir.protocols), controller=self.controller, cues=cues
        )
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        loaded = self.window.library.get(PROTOCOL_ID)
        assert loaded is not None and loaded.protocol.title == TITLE
        plan = build_plan(loaded.protocol, None, "left" if loaded.protocol.has_sides else None)
        info = SessionInfo(PROTOCOL_ID, TITLE, PERSON, len(plan), side="left", pain_before=7)
        self.controller.begin(loaded, plan, info, self.store)
        self.window.show_page("session")

    def run_to_the_end(self) -> None:
        controller = self.controller
        controller.next()  # Start
        for _ in range(400):
            if not controller.active:
                break
            self.clock.advance(30)
            controller._on_timer()
            engine = controller.engine
            assert engine is not None
            if engine.state is State.WAITING or not engine.plan[engine.index].timed:
                controller.next()
        assert not controller.active

    def close(self) -> None:
        self.controller.discard()
        self.window.close()
        self.store.close()


@pytest.fixture
def session(qtbot, data_dir: DataPaths) -> Iterator[Session]:  # noqa: ANN001
    made = Session(qtbot, data_dir)
    yield made
    made.close()


# ------------------------------------------------------------------ no health data


def test_a_real_session_logs_its_events_and_no_health_data(
    diag: diagnostics.Diagnostics, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = session.store
    real_save_step = store.save_step
    failed: list[int] = []

    def save_step_once_failing(session_id: str, run) -> None:  # noqa: ANN001
        if not failed:  # the disk is full for one write, then there is room again
            failed.append(run.seq)
            raise StoreError(f"The session log {store.path} cannot be written: database or disk is full")
        real_save_step(session_id, run)

    monkeypatch.setattr(store, "save_step", save_step_once_failing)
    session.run_to_the_end()
    page = session.window.page("session")
    page.finish.set_pain(3)
    page.finish.notes.setPlainText(NOTE)
    page._save()
    session.window.show_page("history")

    # The health data did go where it belongs (so its absence from the log means something) ...
    (saved,) = store.sessions()
    assert (saved.person, saved.protocol_title, saved.notes, saved.pain_before) == (PERSON, TITLE, NOTE, 7)
    assert failed
    # ... and nowhere near the app's log.
    text = log_text(diag)
    for secret in (PERSON, "Quillfeather", "Zephyrine", NOTE, "Wurlitzer", TITLE, "Ottilie", PROTOCOL_ID):
        assert secret not in text, secret
    assert "pain" not in text.lower()
    for event in (
        "session started: ",
        f"a session log write failed (the session goes on): The session log {store.path} cannot be written",
        "session finished: ",
        "massage_timer.ui.services.cues: sound: ",  # a cue failing (no audio device here) or working
        "massage_timer.ui.services.cues: speech: ",
    ):
        assert event in text, event


# ------------------------------------------------------------------ the error dialog


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[CrashDialog, bool]]:
    """Dialogs presented (shown without blocking), and whether that happened on the GUI thread."""
    presented: list[tuple[CrashDialog, bool]] = []

    def present(dialog: CrashDialog) -> None:
        presented.append((dialog, threading.current_thread() is threading.main_thread()))
        QDialog.show(dialog)

    monkeypatch.setattr(CrashDialog, "present", present)
    yield presented
    for dialog, _ in presented:
        dialog.close()
        dialog.deleteLater()


@hook_tests
def test_an_exception_in_a_slot_is_logged_shown_and_the_session_goes_on(
    qtbot,  # noqa: ANN001
    qapp,  # noqa: ANN001
    diag: diagnostics.Diagnostics,
    session: Session,
    shown: list[tuple[CrashDialog, bool]],
) -> None:
    reporter = install_crash_dialog(qapp)
    started: list[int] = []

    def failing_slot(index: int) -> None:
        started.append(index)
        raise ZeroDivisionError(f"a slot failed at step {index}")

    session.controller.step_started.connect(failing_slot)
    session.run_to_the_end()  # every step's start raises in the slot
    assert len(started) >= 3
    assert session.controller.engine is not None and session.controller.engine.state is State.FINISHED
    qtbot.waitUntil(lambda: bool(shown) and len(shown[0][0].reports) == len(started))
    assert len(shown) == 1, "further errors are added to the open dialog, not shown in new ones"
    dialog, on_gui_thread = shown[0]
    assert on_gui_thread and reporter.dialog is dialog
    assert "ZeroDivisionError: a slot failed at step 0" in dialog.message.text()
    assert f"{len(started) - 1} more errors happened since" in dialog.message.text()
    assert str(diag.folder) in dialog.folder_label.text()
    assert not dialog.isModal()

    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("massage-timer ") and "\nQt " in copied and "\nPySide6 " in copied
    assert copied.count("Traceback (most recent call last)") == len(started)
    assert "in failing_slot" in copied

    text = log_text(diag)
    assert text.count("uncaught exception:") == len(started)
    assert "in failing_slot" in text and "ZeroDivisionError: a slot failed at step 0" in text
    assert "session finished: " in text


@hook_tests
def test_a_threads_exception_is_handed_to_the_gui_thread(
    qtbot,  # noqa: ANN001
    qapp,  # noqa: ANN001
    diag: diagnostics.Diagnostics,
    shown: list[tuple[CrashDialog, bool]],
) -> None:
    reporter = install_crash_dialog(qapp)
    reported_on: list[str] = []
    real_report = reporter.report

    def report(summary: str, details: str) -> None:
        reported_on.append(threading.current_thread().name)
        real_report(summary, details)

    diagnostics.set_reporter(report)

    def work() -> None:
        raise RuntimeError("the background check failed")

    worker = threading.Thread(target=work, name="speechd-check")
    worker.start()
    worker.join()
    assert reported_on == ["speechd-check"]
    assert shown == []  # queued: nothing is made on the worker thread
    qtbot.waitUntil(lambda: bool(shown))
    dialog, on_gui_thread = shown[0]
    assert on_gui_thread
    assert "RuntimeError: the background check failed" in dialog.message.text()
    assert "speechd-check" in dialog.message.text()
    assert "uncaught exception in thread speechd-check" in log_text(diag)


@hook_tests
def test_a_dialog_that_fails_does_not_recurse(
    qtbot,  # noqa: ANN001
    qapp,  # noqa: ANN001
    diag: diagnostics.Diagnostics,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts: list[str] = []

    def broken_init(self, summary: str, *args: object) -> None:  # noqa: ANN001
        attempts.append(summary)
        raise RuntimeError("the dialog itself failed")

    monkeypatch.setattr(CrashDialog, "__init__", broken_init)
    reporter: CrashReporter = install_crash_dialog(qapp)
    for n in range(3):
        try:
            raise ValueError(f"error {n}")
        except ValueError:
            sys.excepthook(*sys.exc_info())
    qtbot.waitUntil(lambda: reporter.broken)
    qtbot.wait(50)
    assert attempts == ["ValueError: error 0"]  # tried once; later errors only logged
    text = log_text(diag)
    assert "the error dialog could not be shown" in text and "RuntimeError: the dialog itself failed" in text
    assert "ValueError: error 2" in text


def test_the_dialogs_log_folder_button_opens_the_folder(
    qtbot,  # noqa: ANN001
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(crash_dialog, "_open_url", lambda url: opened.append(url) or True)
    folder = tmp_path / "logs"
    dialog = CrashDialog("ValueError: x", "Traceback ...", folder)
    qtbot.addWidget(dialog)
    dialog.open_button.click()
    assert [url.toLocalFile() for url in opened] == [str(folder)]
    assert folder.is_dir() and dialog.open_error.isHidden()
    monkeypatch.setattr(crash_dialog, "_open_url", lambda url: False)
    dialog.open_button.click()
    assert not dialog.open_error.isHidden() and str(folder) in dialog.open_error.text()
