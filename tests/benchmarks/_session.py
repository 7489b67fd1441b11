"""A real main window with a session on the Session page, on the real clock (offscreen)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import msgspec  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from massage_timer.core.clock import SystemClock  # noqa: E402
from massage_timer.core.log import SessionInfo, open_store  # noqa: E402
from massage_timer.core.paths import resolve_data_dir  # noqa: E402
from massage_timer.core.protocols.format import LoadedProtocol, Protocol  # noqa: E402
from massage_timer.core.protocols.library import load_library  # noqa: E402
from massage_timer.core.session.plan import build_plan  # noqa: E402
from massage_timer.ui.main_window import MainWindow  # noqa: E402
from massage_timer.ui.services.cues import CuePlayer  # noqa: E402
from massage_timer.ui.session_controller import SessionController  # noqa: E402
from massage_timer.ui.settings import Settings  # noqa: E402


def app() -> QApplication:
    instance = QApplication.instance()
    if isinstance(instance, QApplication):
        return instance
    return QApplication(["massage-timer-bench"])


def timed_protocol(steps: int, seconds: int) -> LoadedProtocol:
    """``steps`` timed steps of ``seconds`` each, advancing on their own."""
    data = {
        "schema": 1,
        "id": "bench-steps",
        "title": "Benchmark steps",
        "summary": "Timed steps for the benchmarks.",
        "stages": ["remission"],
        "steps": [
            {
                "id": f"step-{i + 1}",
                "title": f"Step {i + 1}",
                "instructions": "Keep going.",
                "duration": {"min": "1s", "default": f"{seconds}s", "max": "1h"},
            }
            for i in range(steps)
        ],
    }
    protocol = msgspec.convert(data, Protocol, strict=True)
    return LoadedProtocol(protocol, Path("bench-steps.toml"))


@dataclass
class SessionRig:
    window: MainWindow
    controller: SessionController
    tmp: tempfile.TemporaryDirectory[str]
    store: Any

    def close(self) -> None:
        self.controller.stop()
        page = self.window.page("session")
        release = getattr(page, "release", None)
        if callable(release):
            release()
        self.window.hide()
        self.window.deleteLater()
        app().processEvents()
        self.store.close()
        self.tmp.cleanup()


def session_rig(
    loaded: LoadedProtocol | None = None,
    protocol_id: str = "cupping-static",
    before_page: Callable[[SessionController], None] | None = None,
) -> SessionRig:
    """The main window on the Session page with a prepared (not started) session.

    ``before_page`` may connect to the controller's signals ahead of the page.
    """
    app()
    tmp = tempfile.TemporaryDirectory(prefix="mt-bench-session-")
    paths = resolve_data_dir(tmp.name).ensure()
    settings = Settings(paths.root / "settings.ini")
    store, _report = open_store(paths.database)
    library = load_library(paths.protocols)
    if loaded is None:
        loaded = library.get(protocol_id)
        assert loaded is not None
    controller = SessionController(SystemClock())
    if before_page is not None:
        before_page(controller)
    cues = CuePlayer(settings, speech_engine="mock")  # no speech service needed
    window = MainWindow(paths, settings, store, library, controller=controller, cues=cues)
    controller.setParent(window)
    window.resize(1180, 780)
    window.show()
    side = "left" if loaded.protocol.has_sides() else None
    plan = build_plan(loaded.protocol, None, side)
    info = SessionInfo(loaded.protocol.id, loaded.protocol.title, "Bench", len(plan), side=side)
    controller.begin(loaded, plan, info, store, warn_seconds=10)
    window.show_page("session")
    app().processEvents()
    return SessionRig(window, controller, tmp, store)
