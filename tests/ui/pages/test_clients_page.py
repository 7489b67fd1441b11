"""The Clients page: search, a big list, editing, archiving, deleting and merging, repeating a session."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from massage_timer.core.log import list_backups
from massage_timer.core.paths import DataPaths
from massage_timer.core.protocols.library import Library
from massage_timer.tools.sample_data import generate_bulk
from massage_timer.ui.pages.clients import page as page_module
from massage_timer.ui.pages.clients.merge_dialog import DuplicatesDialog
from massage_timer.ui.pages.clients.model import pain_summary
from massage_timer.ui.pages.clients.page import ClientsPage
from massage_timer.ui.pages.setup import SetupDialog
from massage_timer.ui.settings import Settings


@pytest.fixture
def make_page(qtbot, store, data_dir: DataPaths, settings: Settings, library: Library):  # noqa: ANN001, ANN201
    def make() -> ClientsPage:
        page = ClientsPage(store, data_dir.backups, settings, lambda: library)
        qtbot.addWidget(page)
        page.resize(1100, 700)
        return page

    return make


def names(page: ClientsPage) -> list[str]:
    return [page.model.client_at(r).name for r in range(page.model.rowCount())]


def search(page: ClientsPage, text: str) -> None:
    page.search.setText(text)
    assert page._timer.isActive()  # the list follows a moment after the last key
    page._timer.timeout.emit()


def choose_row(page: ClientsPage, name: str) -> None:
    row = names(page).index(name)
    page.view.setCurrentIndex(page.model.index(row, 0))
    assert page.editor.client is not None and page.editor.client.name == name


def test_search_filters_latin_and_cyrillic(make_page, store) -> None:  # noqa: ANN001
    for name in ("Anna Smith", "Bob Jones", "Ёлкина Мария", "Елена Петрова", "José Ruiz"):
        store.add_client(name)
    page = make_page()
    assert len(names(page)) == 5
    page.search.setText("ann")
    assert len(names(page)) == 5  # not yet: the search waits for the typing to pause
    page._timer.timeout.emit()
    assert names(page) == ["Anna Smith"]
    search(page, "ЕЛКИНА")
    assert names(page) == ["Ёлкина Мария"]
    search(page, "jose")
    assert names(page) == ["José Ruiz"]
    search(page, "zzz")
    assert names(page) == [] and page.count_label.text() == "No clients match."


def test_five_thousand_clients_without_a_widget_per_row(make_page, store) -> None:  # noqa: ANN001
    generate_bulk(store, 20_000, clients=5000, now=1_767_603_600.0)
    total = len(store.clients())
    assert total > 4900  # the clients of sessions: nearly all of the 5,000 have one
    page = make_page()
    assert page.model.rowCount() == total
    assert page.count_label.text() == f"{total:,} clients."
    assert len(page.findChildren(QWidget)) < 300
    search(page, "anna")
    assert 0 < page.model.rowCount() < 5000
    assert all("anna" in n.casefold() for n in names(page))


def test_edit_and_save_and_a_refused_value_keeps_the_typing(make_page, store) -> None:  # noqa: ANN001
    client = store.add_client("Anna")
    page = make_page()
    choose_row(page, "Anna")
    page.editor.name.setText("Anna Smith")
    page.editor.born.setText("1954-03-02")
    page.editor.side.setCurrentIndex(page.editor.side.findData("left"))
    page.editor.level.setCurrentIndex(page.editor.level.findData("lower"))
    page.editor.notes.setPlainText("Avoid the left knee.")
    assert page.save()
    saved = store.client(client.id)
    assert (saved.name, saved.born, saved.side, saved.level, saved.notes) == (
        "Anna Smith",
        "1954-03-02",
        "left",
        "lower",
        "Avoid the left knee.",
    )
    assert names(page) == ["Anna Smith"]
    page.editor.born.setText("2.3.1954")
    page.editor.born.textEdited.emit("2.3.1954")
    assert not page.save()
    assert "2.3.1954" in page.editor.error.text() and "year-month-day" in page.editor.error.text()
    assert page.editor.born.text() == "2.3.1954"  # what was typed stays
    assert store.client(client.id).born == "1954-03-02"


def test_archive_hides_and_show_archived_brings_it_back(make_page, store) -> None:  # noqa: ANN001
    store.add_client("Anna")
    store.add_client("Bob")
    page = make_page()
    choose_row(page, "Anna")
    page.archive_button.click()
    assert names(page) == ["Bob"]
    page.show_archived.setChecked(True)
    assert names(page) == ["Anna", "Bob"]
    assert page.model.data(page.model.index(0, 0)) == "Anna (archived)"
    choose_row(page, "Anna")
    assert page.archive_button.text() == "Unarchive"
    page.archive_button.click()
    page.show_archived.setChecked(False)
    assert names(page) == ["Anna", "Bob"]


def test_delete_asks_and_backs_up_first(make_page, store, data_dir, monkeypatch) -> None:  # noqa: ANN001
    generate_bulk(store, 12, clients=2, now=1_767_603_600.0)
    page = make_page()
    first = page.model.client_at(0)
    choose_row(page, first.name)
    asked: list[str] = []
    monkeypatch.setattr(page_module, "choose", lambda _p, _t, text, _c: asked.append(text) or 1)
    assert not page.delete_client()  # "Keep"
    assert store.client(first.id) is not None and list_backups(data_dir.backups) == []
    monkeypatch.setattr(page_module, "choose", lambda _p, _t, text, _c: asked.append(text) or 0)
    assert page.delete_client()
    assert f"“{first.name}” and their {first.sessions} sessions" in asked[0]
    assert "A backup of the log is made first" in asked[0]
    assert store.client(first.id) is None
    assert store.client_sessions(first.id) == []
    backups = list_backups(data_dir.backups)
    assert len(backups) == 1 and backups[0].sessions == 12
    assert names(page) == [page.model.client_at(0).name] and first.name not in names(page)


def test_a_failed_backup_deletes_nothing(make_page, store, monkeypatch) -> None:  # noqa: ANN001
    client = store.add_client("Anna")
    page = make_page()
    choose_row(page, "Anna")
    told: list[str] = []
    monkeypatch.setattr(page_module, "choose", lambda *_a: 0)
    monkeypatch.setattr(page_module, "tell", lambda _p, _t, text, **_k: told.append(text))

    def no_room(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(page_module, "make_backup", no_room)
    assert not page.delete_client()
    assert store.client(client.id) is not None
    assert told and "was not deleted" in told[0] and "backup could not be written" in told[0]


def test_merge_through_the_dialog(make_page, store, data_dir, monkeypatch) -> None:  # noqa: ANN001
    anna = store.add_client("Anna", notes="Bad knee.")
    other = store.add_client("anna ", notes="Likes warm oil.", born="1954-03-02")
    store.add_client("Bob")
    page = make_page()
    seen: list[DuplicatesDialog] = []

    def merge_first(dialog: DuplicatesDialog) -> int:
        seen.append(dialog)
        dialog.groups[0].merge_button.click()
        return 0

    monkeypatch.setattr(DuplicatesDialog, "exec", merge_first)
    page.find_duplicates()
    assert seen[0].status.text().startswith("Merged into")
    assert seen[0].groups == []  # no duplicates are left
    kept = store.client(anna.id) or store.client(other.id)
    assert kept is not None
    assert store.client(anna.id) is None or store.client(other.id) is None
    assert set(kept.notes.split("\n\n")) == {"Bad knee.", "Likes warm oil."}
    assert kept.born == "1954-03-02"
    assert len(list_backups(data_dir.backups)) == 1
    assert sorted(names(page)) == sorted([kept.name, "Bob"])


def test_merge_summary_says_what_moves(store, qtbot) -> None:  # noqa: ANN001
    store.add_client("Anna")
    store.add_client("ANNA", notes="Likes warm oil.")
    dialog = DuplicatesDialog(store, lambda: "The backup could not be written to /x: the disk is full.")
    qtbot.addWidget(dialog)
    box = dialog.groups[0]
    for radio in box.choice.buttons():
        if store.client(radio.property("client_id")).name == "Anna":
            radio.setChecked(True)
    assert "“ANNA” has no sessions to move to “Anna”." in box.summary.text()
    assert "The notes of “ANNA” are added to the notes of “Anna”." in box.summary.text()
    box.merge_button.click()
    assert "Nothing was merged" in dialog.status.text() and "disk is full" in dialog.status.text()
    assert len(store.clients()) == 2


def test_pain_summary_wording(store) -> None:  # noqa: ANN001
    generate_bulk(store, 30, clients=1, now=1_767_603_600.0)
    rows = store.client_sessions(store.clients()[0].id)
    text = pain_summary(rows)
    assert text.startswith("Pain before ") and "on average over 30 rated sessions." in text
    assert "trend" in pain_summary(rows[:3]) and "over 3 rated sessions" in pain_summary(rows[:3])
    assert pain_summary([]).startswith("No session of this client")


def test_repeat_emits_and_the_window_opens_setup_preset(qtbot, main_window, store, monkeypatch) -> None:  # noqa: ANN001
    generate_bulk(store, 4, clients=1, now=1_767_603_600.0)
    client = store.clients()[0]
    last = store.last_session(client.id)
    planned = store.planned_durations(last.id)
    assert planned
    main_window.show_page("clients")
    page = main_window.page("clients")
    assert main_window.current_page() == "clients"
    choose_row(page, client.name)
    shown: list[SetupDialog] = []

    def capture(dialog: SetupDialog) -> int:
        shown.append(dialog)
        return SetupDialog.DialogCode.Rejected

    monkeypatch.setattr(SetupDialog, "exec", capture)
    with qtbot.waitSignal(page.repeat_requested) as got:
        page.repeat_button.click()
    assert got.args == [client.id]
    dialog = shown[0]
    assert dialog.protocol.id == last.protocol_id
    assert dialog.variant == last.variant
    assert dialog.person.currentText() == client.name
    for step_id, seconds in planned.items():
        if step_id in dialog.durations():
            assert dialog.durations()[step_id] == seconds


def test_repeat_of_a_protocol_no_longer_in_the_library(main_window, store, monkeypatch) -> None:  # noqa: ANN001
    generate_bulk(store, 2, clients=1, now=1_767_603_600.0)
    client = store.clients()[0]
    main_window.library = Library([])
    told: list[str] = []
    from massage_timer.ui.widgets import basics

    monkeypatch.setattr(basics, "tell", lambda _p, _t, text, **_k: told.append(text))
    monkeypatch.setattr(SetupDialog, "exec", lambda _d: pytest.fail("the setup sheet must not open"))
    main_window.repeat_last(client.id)
    assert told and "no longer in your protocol library" in told[0]


def test_clients_page_key_and_sidebar(qtbot, main_window) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt

    labels = [main_window.nav.item(i).text() for i in range(main_window.nav.count())]
    assert labels.index("Clients") == labels.index("History") + 1
    qtbot.keyClick(main_window, "6", Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_page() == "clients"
    qtbot.keyClick(main_window, "4", Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_page() == "settings"
    qtbot.keyClick(main_window, "5", Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_page() == "help"
