"""Settings → Backups → Import sessions from another computer: pick a file, import off the GUI thread, tell."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QVBoxLayout, QWidget

from massage_timer.core.log import SessionInfo, Store, list_backups, open_store
from massage_timer.core.paths import DataPaths
from massage_timer.ui.pages.history import HistoryPage
from massage_timer.ui.pages.settings import SettingsPage, importing
from massage_timer.ui.pages.settings import backups as backups_module
from massage_timer.ui.settings import Settings

START = 1_772_442_000.0
_windows: list[QWidget] = []


def add_session(store: Store, person: str, started: float) -> str:
    sid = store.begin_session(SessionInfo("cupping", "Cupping", person, steps_total=0), started)
    store.end_session(sid, "completed", started + 600)
    return sid


class Window(QWidget):
    """What the page finds of the main window: its pages by name."""

    def __init__(self, pages: dict[str, QWidget]) -> None:
        super().__init__()
        self._pages = pages


@pytest.fixture(autouse=True)
def _drop_windows():
    yield
    _windows.clear()


@pytest.fixture
def paths(data_dir: DataPaths) -> DataPaths:
    return data_dir


@pytest.fixture
def other(tmp_path: Path) -> Path:
    path = tmp_path / "practice.sqlite3"
    src, _ = open_store(path)
    for day in range(3):
        add_session(src, "Anna", START + day * 86400)
    src.close()
    return path


@pytest.fixture
def told(monkeypatch) -> list[tuple[str, str, bool]]:
    out: list[tuple[str, str, bool]] = []
    monkeypatch.setattr(
        backups_module, "tell", lambda _p, title, text, warning=False: out.append((title, text, warning))
    )
    return out


def pick(monkeypatch, path: Path | None) -> list[tuple[str, str]]:
    asked: list[tuple[str, str]] = []

    def fake(_parent, caption, start, filters):
        asked.append((caption, filters))
        return (str(path) if path is not None else "", "")

    monkeypatch.setattr(importing.QFileDialog, "getOpenFileName", staticmethod(fake))
    return asked


def build(qtbot, store: Store, paths: DataPaths, tmp_path: Path) -> tuple[SettingsPage, HistoryPage]:
    """The Settings page in a window that holds History; the window is kept until the test ends."""
    settings = Settings(tmp_path / "settings.ini")
    history = HistoryPage(store, settings)
    page = SettingsPage(settings, paths)
    window = Window({"history": history, "settings": page})
    QVBoxLayout(window).addWidget(page)
    qtbot.addWidget(window)
    qtbot.addWidget(history)
    _windows.append(window)
    return page, history


def test_the_button_imports_the_chosen_file_and_history_shows_it(
    qtbot, monkeypatch, store, paths, other, told, tmp_path
):
    add_session(store, "Clara", START)
    page, history = build(qtbot, store, paths, tmp_path)
    assert history.model.rowCount() == 1
    asked = pick(monkeypatch, other)
    group = page.backups_group
    assert group.import_button.text() == "Import sessions from another computer…"
    with qtbot.waitSignal(group.imported, timeout=30_000) as done:
        group.import_button.click()
        assert not group.import_button.isEnabled()  # waits while the import runs
    assert asked == [("Import sessions from another computer", importing.FILE_FILTER)]
    assert "*.sqlite3 *.sqlite *.db" in importing.FILE_FILTER and "All files (*)" in importing.FILE_FILTER
    outcome = done.args[0]
    assert outcome.changed and not outcome.error
    (title, text, warning) = told[0]
    assert title == "Import sessions" and not warning
    assert text.splitlines()[0] == f"Added 3 sessions (0 steps) from {other}."
    assert history.model.rowCount() == 4  # History read the log again
    assert store.conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 4  # the app's connection sees them
    assert group.import_button.isEnabled()
    listed = [group.backups_list.item(i).text() for i in range(group.backups_list.count())]
    assert len(list_backups(paths.backups)) == 1 and listed[0].endswith("1 session")  # the backup made first


def test_a_file_that_is_not_a_log_is_a_warning_naming_it(qtbot, monkeypatch, store, paths, told, tmp_path):
    bad = tmp_path / "letter.db"
    bad.write_text("Dear Anna", encoding="utf-8")
    page, history = build(qtbot, store, paths, tmp_path)
    pick(monkeypatch, bad)
    with qtbot.waitSignal(page.backups_group.imported, timeout=30_000) as done:
        page.backups_group.import_button.click()
    assert done.args[0].error
    assert told == [("Import sessions", f"{bad}: it is not a Massage Timer session log (not a SQLite database).", True)]
    assert not paths.backups.exists() or not list(paths.backups.iterdir())


def test_cancelling_the_file_dialog_does_nothing(qtbot, monkeypatch, store, paths, told, tmp_path):
    page, _history = build(qtbot, store, paths, tmp_path)
    pick(monkeypatch, None)
    page.backups_group.import_button.click()
    assert page.backups_group.importer.thread is None and told == []
    assert page.backups_group.import_button.isEnabled()
