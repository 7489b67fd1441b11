"""Promises 3, 4 and 6 on screen: failed writes, backups in Settings, text shown as text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_helpers import log_session

from massage_timer.core.clock import FakeClock
from massage_timer.core.log import Filter, Store, make_backup, open_store
from massage_timer.core.paths import DataPaths
from massage_timer.core.protocols.library import Library, load_library
from massage_timer.core.session.plan import build_plan

HOSTILE = '<img src="file:///etc/passwd"><b>bold</b><a href="http://example.com">link</a>'


@pytest.fixture
def window_factory(qtbot, data_dir: DataPaths) -> Iterator:  # noqa: ANN001
    """Builds the real main window on the test's data folder with a fake clock."""
    from massage_timer.ui.main_window import MainWindow
    from massage_timer.ui.services.cues import CuePlayer
    from massage_timer.ui.session_controller import SessionController
    from massage_timer.ui.settings import Settings

    made = []

    def make(store: Store | None, library: Library | None = None, notice: str = ""):  # noqa: ANN202
        settings = Settings(data_dir.root / "settings.ini")
        controller = SessionController(FakeClock())
        cues = CuePlayer(settings, speech_engine="mock")
        window = MainWindow(
            data_dir,
            settings,
            store,
            library or load_library(data_dir.protocols),
            controller=controller,
            cues=cues,
            store_notice=notice,
        )
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        made.append(controller)
        return window

    yield make
    for controller in made:
        controller.discard()


def hostile_protocol(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "hostile.toml"
    q = HOSTILE.replace('"', '\\"')
    path.write_text(
        f'schema = 1\nid = "hostile"\ntitle = "{q}"\nsummary = "{q}"\nstages = ["acute", "remission"]\n'
        f'precautions = ["{q}"]\nequipment = ["{q}"]\n'
        f'[[contraindications]]\nid = "c"\nquestion = "{q}"\nreason = "{q}"\n'
        f'[[steps]]\nid = "one"\ntitle = "{q}"\ninstructions = "{q}"\n'
        f'duration = {{ min = "30s", default = "1m", max = "2m" }}\n'
        f'cues = [{{ at = "50%", text = "{q}" }}]\n'
        f'[[steps]]\nid = "two"\ntitle = "{q}"\ninstructions = "{q}"\n'
    )
    return path


def literal_labels(widget) -> list:  # noqa: ANN001
    """The labels that show the hostile text; each must be plain text and show the tags."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    found = [label for label in widget.findChildren(QLabel) if "<img" in label.text()]
    for label in found:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
        assert 'src="file:///etc/passwd"' in label.text()
    return found


# ------------------------------------------------------------------ promise 6


def test_protocol_html_is_shown_literally_everywhere(qtbot, data_dir, window_factory, store, monkeypatch) -> None:  # noqa: ANN001
    from massage_timer.ui.pages.protocols import ProtocolsPage
    from massage_timer.ui.pages.setup import SetupDialog
    from massage_timer.ui.settings import Settings

    hostile_protocol(data_dir.protocols)
    library = load_library(data_dir.protocols)
    loaded = library.get("hostile")
    assert loaded is not None
    # protocols page: card and detail pane
    page = ProtocolsPage(library, "remission", str(data_dir.protocols))
    qtbot.addWidget(page)
    page.show()
    assert page.select("hostile")
    assert len(literal_labels(page)) >= 4
    # setup dialog: title, contraindication, precautions
    dialog = SetupDialog(loaded, Settings(data_dir.root / "settings.ini"), ["Me"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert literal_labels(dialog)
    dialog.reject()
    # session page: step title and instructions, during a running session
    window = window_factory(store, library)
    plan = build_plan(loaded.protocol, None, None)
    from massage_timer.core.log import SessionInfo

    window.controller.begin(loaded, plan, SessionInfo("hostile", loaded.protocol.title, "Me", len(plan)), store)
    window.show_page("session")
    window.controller.next()  # start
    session_page = window.page("session")
    shown = literal_labels(session_page)
    assert {session_page.title, session_page.instructions} <= set(shown)
    window.controller.stop()


def test_notes_with_html_stay_text_in_history_and_the_pdf_report(qtbot, store, tmp_path) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt

    from massage_timer.ui.history.report import build_document

    sid = log_session(store, person=HOSTILE, notes=HOSTILE)
    document, count = build_document(store, Filter(person=HOSTILE))
    assert count == 1
    assert HOSTILE in document.toPlainText()  # the PDF shows the tags as written
    block = document.begin()
    while block.isValid():  # and nothing of them became an image, a link or bold text
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if "<img" in fragment.text() or "passwd" in fragment.text():
                fmt = fragment.charFormat()
                assert not fmt.isImageFormat() and not fmt.isAnchor() and fmt.fontWeight() < 600
            it += 1
        block = block.next()
    assert '<img src="file:///etc/passwd"' not in document.toHtml()
    from massage_timer.ui.pages.history import HistoryPage
    from massage_timer.ui.settings import Settings

    page = HistoryPage(store, Settings(tmp_path / "settings.ini"))
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    model = page.table.model()
    cells = [str(model.index(0, c).data(Qt.ItemDataRole.DisplayRole) or "") for c in range(model.columnCount())]
    assert any("<img" in c for c in cells)  # the person's name as typed, not rendered
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.detail.notes.toPlainText() != "")
    assert page.detail.notes.toPlainText() == HOSTILE
    assert store.session(sid).notes == HOSTILE


# ------------------------------------------------------------------ promise 3 on screen


def test_a_read_only_log_runs_the_session_and_warns_once(qtbot, data_dir, window_factory) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    log_session(store)
    store.close()
    ro, report = open_store(data_dir.database, read_only=True)
    try:
        window = window_factory(ro)
        library = window.library
        loaded = library.get("honey")
        plan = build_plan(loaded.protocol, None, "left")
        from massage_timer.core.log import SessionInfo

        window.controller.begin(loaded, plan, SessionInfo("honey", "Honey", "Me", len(plan)), ro)
        window.show_page("session")
        page = window.page("session")
        window.controller.next()
        clock = window.controller.clock
        for _ in range(5):
            clock.advance(30)
            window.controller._on_timer()
        assert window.controller.active  # the session runs
        banner = page.log_banner.text()
        assert "Not saved" in banner and str(data_dir.database) in banner and "read-only" in banner
        assert window.controller.recorder.failed_writes >= 2  # tried again, told once
        window.controller.stop()
        assert "not kept" in page.finish.saved_note.text()
        assert ro.count() == 1
    finally:
        ro.close()


# ------------------------------------------------------------------ promise 4 on screen


def test_settings_backups_list_back_up_now_and_restore(qtbot, data_dir, window_factory, store) -> None:  # noqa: ANN001
    keep = log_session(store, person="Anna")
    gone = log_session(store, person="Ben", started=1_767_700_000.0)
    window = window_factory(store)
    window.show_page("settings")
    page = window.page("settings")
    assert page.backups_list.count() == 1 and not page.restore_button.isEnabled()  # "No backups yet"
    page.backup_button.click()
    assert page.backups_list.count() == 1
    assert page.backups_list.item(0).text().endswith("— 2 sessions")
    assert "Backed up" in page.backup_status.text()
    store.delete_session(gone)
    # declining the confirmation changes nothing
    asked: list[str] = []
    page.confirm = lambda _p, title, text, yes, no: asked.append(text) or False
    page.backups_list.setCurrentRow(0)
    page.restore_button.click()
    assert asked and "backed up first" in asked[0] and store.session(gone) is None
    # confirming restores, after backing up the present state
    page.confirm = lambda *_a: True
    page.restore_button.click()
    assert store.session(gone) is not None and store.session(keep) is not None
    assert "Restored" in page.backup_status.text()
    counts = sorted(page.backups_list.item(i).text().split("— ")[1] for i in range(page.backups_list.count()))
    assert counts == ["1 session", "2 sessions"]  # the pre-restore state (Ben deleted) is kept


def test_no_restore_during_a_session(qtbot, data_dir, window_factory, store) -> None:  # noqa: ANN001
    log_session(store)
    backup = make_backup(store, data_dir.backups)
    window = window_factory(store)
    loaded = window.library.get("honey")
    plan = build_plan(loaded.protocol, None, "left")
    from massage_timer.core.log import SessionInfo

    window.controller.begin(loaded, plan, SessionInfo("honey", "Honey", "Me", len(plan)), store)
    window.controller.next()
    assert window.restore_from(backup) is None
    assert "session is running" in window.page("settings").backup_status.text()
    window.controller.stop()
    assert store.count() == 2
