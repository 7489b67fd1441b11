"""History's person filter is a client filter: clients of one name are two entries, the report and CSV follow."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from massage_timer.core.log import Filter, SessionInfo, Store
from massage_timer.ui.history.report import read_report
from massage_timer.ui.pages import history as history_page
from massage_timer.ui.pages.history import HistoryPage
from massage_timer.ui.settings import Settings


def _session(store: Store, person: str, started: float, client_id: str | None = None) -> str:
    sid = store.begin_session(
        SessionInfo("honey", "Honey massage", person, steps_total=1, client_id=client_id), started
    )
    store.end_session(sid, "completed", started + 60)
    return sid


def _two_annas(store: Store) -> tuple[str, str]:
    now = time.time()
    first = store.add_client("Anna", now=now - 9000)
    second = store.add_client("Anna", born="1950-01-02", now=now - 8000)
    _session(store, "Anna", now - 7000, first.id)
    _session(store, "Anna", now - 6000, first.id)
    _session(store, "Anna", now - 5000, second.id)
    _session(store, "Joe", now - 4000)
    return first.id, second.id


def _page(qtbot, store: Store, tmp_path: Path) -> HistoryPage:  # noqa: ANN001
    page = HistoryPage(store, Settings(tmp_path / "settings.ini"))
    qtbot.addWidget(page)
    page.refresh()
    return page


def test_clients_of_one_name_are_two_entries_and_filter_apart(qtbot, store: Store, tmp_path: Path) -> None:  # noqa: ANN001
    first, second = _two_annas(store)
    page = _page(qtbot, store, tmp_path)
    entries = [(page.person.itemText(i), page.person.itemData(i)) for i in range(page.person.count())]
    assert entries[0] == ("All people", None)
    assert ("Anna (1)", first) in entries and ("Anna (born 1950-01-02)", second) in entries
    assert page.model.rowCount() == 4
    page.person.setCurrentIndex(page.person.findData(first))
    assert page.current_filter() == Filter(client_id=first)
    assert page.model.rowCount() == 2
    page.person.setCurrentIndex(page.person.findData(second))
    assert page.model.rowCount() == 1
    target = tmp_path / "second.csv"
    assert page.export_csv_to(target) == 1
    with open(target, newline="", encoding="utf-8-sig") as handle:
        assert [row["person"] for row in csv.DictReader(handle)] == ["Anna"]


def test_the_report_is_of_the_client_chosen(qtbot, store: Store, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    first, second = _two_annas(store)
    data = read_report(store, Filter(client_id=second), with_chart=False)
    assert data.person == "Anna" and data.summary.sessions == 1
    assert ("Born", "1950-01-02") in data.facts
    asked: list[list[str]] = []
    monkeypatch.setattr(history_page, "choose_person", lambda _parent, names: asked.append(names) or "Anna (1)")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))  # cancelled: nothing written
    page = _page(qtbot, store, tmp_path)
    assert page._report_filter() == Filter(client_id=first)
    assert asked == [["Anna (1)", "Anna (born 1950-01-02)", "Joe"]]


def test_a_client_can_be_shown_from_elsewhere(qtbot, store: Store, tmp_path: Path) -> None:  # noqa: ANN001
    first, second = _two_annas(store)
    page = _page(qtbot, store, tmp_path)
    page.show_client(second)
    assert page.current_filter() == Filter(client_id=second)
    assert page.model.rowCount() == 1
    page.show_client("no-such-client")  # left as it was
    assert page.current_filter() == Filter(client_id=second)
