"""Fixtures for the Qt layer: settings in a temp folder, the main window, a loaded library."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from massage_timer.core.clock import FakeClock
from massage_timer.core.log import Store
from massage_timer.core.paths import DataPaths
from massage_timer.core.protocols.library import Library, load_library
from massage_timer.ui.settings import Settings


@pytest.fixture
def settings(data_dir: DataPaths, qapp) -> Settings:  # noqa: ANN001
    return Settings(data_dir.root / "settings.ini")


@pytest.fixture
def library(data_dir: DataPaths) -> Library:
    return load_library(data_dir.protocols)


@pytest.fixture
def main_window(qtbot, data_dir: DataPaths, settings: Settings, store: Store, library: Library) -> Iterator:  # noqa: ANN001
    """The real main window on a temporary data folder, with a fake clock and the mock speech engine."""
    from massage_timer.ui.main_window import MainWindow
    from massage_timer.ui.services.cues import CuePlayer
    from massage_timer.ui.session_controller import SessionController

    clock = FakeClock()
    controller = SessionController(clock)
    cues = CuePlayer(settings, speech_engine="mock")
    window = MainWindow(data_dir, settings, store, library, controller=controller, cues=cues)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.fake_clock = clock  # type: ignore[attr-defined]
    yield window
    controller.discard()
