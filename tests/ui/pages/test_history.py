"""The History page: lazy table, filters, detail pane, charts, CSV export and the PDF report."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from massage_timer.core.log import CSV_COLUMNS, Filter, SessionInfo, Store, export_csv, open_store
from massage_timer.core.log.export import STEP_CSV_COLUMNS
from massage_timer.core.session.events import Outcome, StepRun
from massage_timer.tools.sample_data import fill_sample_history, generate_bulk
from massage_timer.ui.history.model import (
    COL_DATE,
    COL_DURATION,
    COL_PAIN,
    COL_PERSON,
    COL_PROTOCOL,
    COL_STATUS,
    PAGE_SIZE,
    HistoryModel,
    format_duration,
    format_pain,
)
from massage_timer.ui.history.report import DISCLAIMER, NoPerson, build_document, write_report
from massage_timer.ui.pages import history as history_page
from massage_timer.ui.pages.history import CSV_FILTERS, HistoryPage
from massage_timer.ui.settings import Settings

NOW = 1_790_000_000.0  # a fixed "now" keeps the sample data identical between runs
SRC = Path(__file__).resolve().parents[3] / "src"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "settings.ini")


@pytest.fixture
def sample_store(store: Store) -> Store:
    fill_sample_history(store, n=60, seed=1, now=time.time())
    return store


def add_session(
    store: Store,
    *,
    person: str = "Me",
    protocol: tuple[str, str] = ("honey", "Honey massage"),
    started: float,
    pain: tuple[int | None, int | None] = (6, 3),
    notes: str = "",
    status: str = "completed",
) -> str:
    sid = store.begin_session(
        SessionInfo(protocol[0], protocol[1], person, steps_total=2, pain_before=pain[0]), started
    )
    for seq, (title, planned, active) in enumerate((("Apply", None, 40.0), ("Absorb", 150, 150.0))):
        run = StepRun(
            seq=seq,
            index=seq,
            step_id=f"s{seq}",
            title=title,
            side="left",
            timed=planned is not None,
            planned=planned,
            initial_planned=planned,
            started_wall=started + seq * 200,
            ended_wall=started + seq * 200 + active,
            active=active,
            paused=12.0 if seq else 0.0,
            extensions=1 if seq else 0,
            adjusted=30 if seq else 0,
            outcome=Outcome.COMPLETED,
        )
        store.save_step(sid, run)
    store.end_session(sid, status, started + 400)
    store.update_session(sid, pain_after=pain[1], notes=notes)
    return sid


def make_page(qtbot, store: Store, settings: Settings) -> HistoryPage:
    page = HistoryPage(store, settings)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def show_charts(qtbot, page: HistoryPage) -> None:
    with qtbot.waitSignal(page.charts_updated, timeout=10_000):
        page.show_charts()


# ------------------------------------------------------------------ model


def test_model_rows_and_columns(qtbot, store: Store) -> None:
    t0 = time.time() - 86400
    add_session(store, person="Anna", started=t0 - 3600, pain=(7, None), status="stopped")
    add_session(store, person="Me", started=t0, pain=(6, 3))
    model = HistoryModel(store)
    model.reload()
    assert model.rowCount() == 2
    assert model.columnCount() == 6
    first = [model.data(model.index(0, c)) for c in range(6)]
    assert first[COL_PERSON] == "Me"  # newest first
    assert first[COL_PROTOCOL] == "Honey massage"
    assert first[COL_DURATION] == "03:10"
    assert first[COL_STATUS] == "Completed"
    assert first[COL_PAIN] == "6 → 3"
    assert first[COL_DATE] == time.strftime("%Y-%m-%d  %H:%M", time.localtime(t0))
    assert model.data(model.index(1, COL_STATUS)) == "Stopped"
    assert model.data(model.index(1, COL_PAIN)) == "7 → –"
    assert model.headerData(COL_PAIN, Qt.Orientation.Horizontal) == "Pain before → after"


def test_formatting() -> None:
    assert format_duration(65) == "01:05"
    assert format_duration(3599.6) == "1h 00m"
    assert format_duration(3900) == "1h 05m"
    assert format_pain(None, None) == ""
    assert format_pain(None, 2) == "– → 2"


def test_model_fetches_only_the_pages_it_shows(qtbot, store: Store) -> None:
    generate_bulk(store, 1000, now=NOW)
    model = HistoryModel(store)
    model.reload()
    assert model.rowCount() == 1000
    assert model.pages_fetched == 0  # the id list only
    model.data(model.index(0, COL_PERSON))
    model.data(model.index(PAGE_SIZE - 1, COL_PERSON))
    assert model.pages_fetched == 1
    row = 999
    expected = store.sessions(limit=1, offset=row)[0]
    assert model.session_at(row).id == expected.id
    assert model.pages_fetched == 2


def test_page_shows_only_a_page_of_a_large_log(qtbot, store: Store, settings: Settings) -> None:
    generate_bulk(store, 2000, now=NOW)
    page = make_page(qtbot, store, settings)
    assert page.model.rowCount() == 2000
    assert page.model.pages_fetched == 1
    assert "2,000 sessions" in page.count_label.text()


# ------------------------------------------------------------------ filters


def test_filters_change_the_rows(qtbot, sample_store: Store, settings: Settings) -> None:
    page = make_page(qtbot, sample_store, settings)
    assert page.model.rowCount() == 60
    assert page.person.itemText(0) == "All people"
    assert page.protocol.itemText(0) == "All protocols"
    page.person.setCurrentIndex(page.person.findText("Anna"))
    anna = sample_store.count(Filter(person="Anna"))
    assert 0 < anna < 60
    assert page.model.rowCount() == anna
    assert {page.model.session_at(r).person for r in range(anna)} == {"Anna"}
    page.protocol.setCurrentIndex(page.protocol.findData("honey"))
    both = sample_store.count(Filter(person="Anna", protocol_id="honey"))
    assert page.model.rowCount() == both
    page.person.setCurrentIndex(0)
    page.protocol.setCurrentIndex(0)
    page.status.setCurrentIndex(page.status.findData("stopped"))
    assert page.model.rowCount() == sample_store.count(Filter(status="stopped")) > 0
    page.status.setCurrentIndex(0)
    page.period.setCurrentIndex(0)  # last 30 days
    recent = page.model.rowCount()
    assert 0 < recent < 60
    assert all(time.time() - page.model.session_at(r).started_ts < 31 * 86400 for r in range(recent))
    page.date_from.setDate(QDate.currentDate().addDays(-7))
    assert page.period.currentText() == "Custom dates"
    assert page.model.rowCount() < recent


def test_refresh_keeps_filters_and_sees_new_sessions(qtbot, sample_store: Store, settings: Settings) -> None:
    page = make_page(qtbot, sample_store, settings)
    page.person.setCurrentIndex(page.person.findText("Anna"))
    before = page.model.rowCount()
    add_session(sample_store, person="Anna", started=time.time() - 60)
    add_session(sample_store, person="Newcomer", started=time.time() - 30)
    page.refresh()
    assert page.person.currentText() == "Anna"
    assert page.model.rowCount() == before + 1
    assert page.person.findText("Newcomer") > 0


def test_empty_log(qtbot, store: Store, settings: Settings) -> None:
    page = make_page(qtbot, store, settings)
    assert page.model.rowCount() == 0
    assert page.empty_label.isVisible()
    assert "No sessions yet" in page.empty_label.text()
    show_charts(qtbot, page)
    for index, chart_page in enumerate(page.charts.pages):
        page.charts.setCurrentIndex(index)
        assert chart_page.is_empty
        assert "No sessions yet" in chart_page.empty_label.text()


# ------------------------------------------------------------------ detail


def test_detail_shows_steps(qtbot, store: Store, settings: Settings) -> None:
    add_session(store, started=time.time() - 3600, notes="<b>html</b>")
    page = make_page(qtbot, store, settings)
    detail = page.detail
    assert detail.session is not None
    assert detail.title.text() == "Honey massage"
    assert detail.steps.rowCount() == 2
    second = detail.steps.item(1, 0).text()
    assert second.startswith("Absorb") and "left side" in second and "paused 00:12" in second
    assert "+00:30 (1 change)" in second
    assert detail.steps.item(1, 1).text() == "02:30"
    assert detail.steps.item(0, 1).text() == "untimed"
    assert "6 → 3" in detail.pain.text()
    assert detail.notes.toPlainText() == "<b>html</b>"
    assert detail.title.textFormat() == Qt.TextFormat.PlainText


def test_notes_edit_persists(qtbot, store: Store, settings: Settings) -> None:
    sid = add_session(store, started=time.time() - 3600)
    page = make_page(qtbot, store, settings)
    assert not page.detail.save_button.isEnabled()
    page.detail.notes.setPlainText("Less tingling today.")
    assert page.detail.save_button.isEnabled()
    qtbot.mouseClick(page.detail.save_button, Qt.MouseButton.LeftButton)
    assert store.session(sid).notes == "Less tingling today."
    assert not page.detail.save_button.isEnabled()
    tooltip = page.model.data(page.model.index(0, COL_PERSON), Qt.ItemDataRole.ToolTipRole)
    assert "Less tingling today." in tooltip


@pytest.mark.parametrize("answer", [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
def test_delete_asks_first(qtbot, store: Store, settings: Settings, monkeypatch, answer) -> None:
    keep = add_session(store, started=time.time() - 7200)
    sid = add_session(store, started=time.time() - 3600)
    page = make_page(qtbot, store, settings)
    assert page.detail.session.id == sid
    asked: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        asked.append(box.text())
        assert box.textFormat() == Qt.TextFormat.PlainText
        return answer.value

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    qtbot.mouseClick(page.detail.delete_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "cannot be undone" in asked[0]
    if answer == QMessageBox.StandardButton.Yes:
        assert store.session(sid) is None
        assert page.model.rowCount() == 1
        assert page.detail.session.id == keep
    else:
        assert store.session(sid) is not None
        assert page.model.rowCount() == 2


# ------------------------------------------------------------------ charts


def _distinct_colours(widget) -> int:
    image = widget.grab().toImage()
    colours = set()
    for x in range(0, image.width(), 7):
        for y in range(0, image.height(), 7):
            colours.add(image.pixel(x, y))
    return len(colours)


def test_charts_render_with_data(qtbot, sample_store: Store, settings: Settings) -> None:
    page = make_page(qtbot, sample_store, settings)
    show_charts(qtbot, page)
    charts = page.charts
    import pyqtgraph as pg

    def items(plot, kind) -> list:  # noqa: ANN001
        return [i for i in plot.getPlotItem().items if isinstance(i, kind)]

    assert charts.currentIndex() == 0
    assert len(items(charts.minutes_plot, pg.BarGraphItem)) == 5  # one stack layer per protocol
    # The other tabs are drawn when they are opened, not before.
    assert items(charts.pain_plot, pg.PlotDataItem) == [] and items(charts.protocol_plot, pg.BarGraphItem) == []
    charts.setCurrentIndex(1)
    assert charts.pages[1].is_empty, "with everyone, pain is not pooled into one chart"
    with qtbot.waitSignal(page.charts_updated, timeout=10_000):
        page.person.setCurrentIndex(page.person.findText("Anna"))
    charts.setCurrentIndex(1)
    assert len(items(charts.pain_plot, pg.PlotDataItem)) == 4  # before/after points and their trend lines
    with qtbot.waitSignal(page.charts_updated, timeout=10_000):
        page.person.setCurrentIndex(0)  # everyone again
    charts.setCurrentIndex(2)
    assert len(items(charts.protocol_plot, pg.BarGraphItem)) == 1
    charts.setCurrentIndex(0)
    for index, chart_page in enumerate(charts.pages):
        if index == 1:
            continue  # pain with everyone: a note, not a chart (above)
        charts.setCurrentIndex(index)
        qtbot.wait(1)
        assert not chart_page.is_empty
        assert _distinct_colours(chart_page.plot) > 4, f"chart {index} looks blank"
    # The charts follow the filters.
    charts.setCurrentIndex(0)
    with qtbot.waitSignal(page.charts_updated, timeout=10_000):
        page.protocol.setCurrentIndex(page.protocol.findData("honey"))
    bars = [i for i in charts.minutes_plot.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
    assert len(bars) == 1
    assert [r[0] for r in charts.data.per_protocol] == ["honey"]
    charts.setCurrentIndex(2)  # drawn before the filter with five protocols; opened now, it shows one
    (proto_bars,) = items(charts.protocol_plot, pg.BarGraphItem)
    assert len(proto_bars.opts["width"]) == 1
    charts.setCurrentIndex(0)
    with qtbot.waitSignal(page.charts_updated, timeout=10_000):
        page.person.setCurrentIndex(page.person.findText("Grandpa Jo"))
        page.status.setCurrentIndex(page.status.findData("interrupted"))
        page.period.setCurrentIndex(0)
    if page.model.rowCount() == 0:
        assert "match these filters" in charts.pages[0].empty_label.text()


def test_trend_line_and_ticks() -> None:
    import numpy as np

    from massage_timer.ui.history.charts import date_ticks, trend_line

    x = np.array([0.0, 86400.0, 2 * 86400.0, 3 * 86400.0])
    ends, values = trend_line(x, np.array([8.0, np.nan, 6.0, 5.0]))
    assert list(ends) == [0.0, 3 * 86400.0]
    assert values[0] > values[1]
    assert trend_line(x[:1], np.array([3.0])) is None
    ticks = date_ticks(NOW - 90 * 86400, NOW)
    assert 2 <= len(ticks) <= 8
    assert all(a[0] < b[0] for a, b in zip(ticks, ticks[1:], strict=False))


def test_charts_follow_the_dark_scheme(qtbot, sample_store: Store, settings: Settings, qapp) -> None:
    from massage_timer.ui.theme import apply_theme

    apply_theme(qapp, "dark", 100)
    try:
        page = make_page(qtbot, sample_store, settings)
        show_charts(qtbot, page)
        background = page.charts.minutes_plot.backgroundBrush().color()
        assert background.lightness() < 80
    finally:
        apply_theme(qapp, "light", 100)
    page.apply_theme()
    assert page.charts.minutes_plot.backgroundBrush().color().lightness() > 200


def test_pyqtgraph_is_imported_only_with_the_charts() -> None:
    code = (
        "import sys\n"
        "import massage_timer.ui.pages.history\n"
        "assert 'pyqtgraph' not in sys.modules, 'pyqtgraph imported early'\n"
        "assert 'numpy' not in sys.modules, 'numpy imported early'\n"
        "print('ok')\n"
    )
    env = {"PYTHONPATH": str(SRC), "QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# ------------------------------------------------------------------ export


def test_export_csv(qtbot, sample_store: Store, settings: Settings, tmp_path: Path, monkeypatch) -> None:
    page = make_page(qtbot, sample_store, settings)
    page.person.setCurrentIndex(page.person.findText("Anna"))
    target = tmp_path / "out.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV files (*.csv)"))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes().startswith(b"\xef\xbb\xbfsession_id,")  # the BOM, always
    with open(target, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert ",".join(rows[0]).startswith(
        "session_id,started_at,ended_at,person,protocol_id,protocol_title,status,planned_seconds,"
        "actual_seconds,steps_done,steps_total,side,stage,pain_before,pain_after,notes"
    )
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) - 1 == sample_store.count(Filter(person="Anna"))
    assert {r[CSV_COLUMNS.index("client")] for r in rows[1:]} == {"Anna"}
    assert {r[3] for r in rows[1:]} == {"Anna"}
    assert "Exported" in page.count_label.text()


def test_export_csv_of_step_runs(qtbot, sample_store: Store, settings: Settings, tmp_path: Path, monkeypatch) -> None:
    page = make_page(qtbot, sample_store, settings)
    page.person.setCurrentIndex(page.person.findText("Anna"))
    target = tmp_path / "steps.csv"
    offered = []

    def save_as(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        offered.append(args[3])
        return str(target), CSV_FILTERS["steps"]

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert offered == [";;".join(CSV_FILTERS.values())]  # both kinds are offered
    assert target.read_bytes().startswith(b"\xef\xbb\xbfsession_id,seq,")
    with open(target, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    anna = sample_store.sessions(Filter(person="Anna"), newest_first=False)
    expected = [(s.id, r.seq) for s in anna for r in sample_store.steps(s.id)]
    assert tuple(rows[0]) == STEP_CSV_COLUMNS
    assert [(r["session_id"], int(r["seq"])) for r in rows] == expected
    assert page.count_label.text() == f"Exported {len(expected):,} step runs to steps.csv"


def test_report_pdf(qtbot, store: Store, settings: Settings, tmp_path: Path, monkeypatch) -> None:
    fill_sample_history(store, n=30, seed=3, now=time.time())
    add_session(store, person="Me", started=time.time() - 600, notes="<b>html</b> & <img src='x'>")
    path = tmp_path / "report.pdf"
    count = write_report(store, Filter(person="Me"), path)
    assert count == store.count(Filter(person="Me"))
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 1024
    doc, _ = build_document(store, Filter(person="Me"))
    text = doc.toPlainText()
    assert "Massage Timer — session report" in text
    assert "<b>html</b> & <img src='x'>" in text  # shown literally, never as markup
    assert DISCLAIMER in text
    assert "Anna" not in text
    # The page's button writes the same report; with "All people" it asks whose.
    target = tmp_path / "from-page.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF files (*.pdf)"))
    asked: list[list[str]] = []
    monkeypatch.setattr(history_page, "choose_person", lambda _parent, persons: asked.append(persons) or "Me")
    page = make_page(qtbot, store, settings)
    with qtbot.waitSignal(page.report_finished, timeout=60_000) as done:
        qtbot.mouseClick(page.report_button, Qt.MouseButton.LeftButton)
    assert asked == [[name for _id, name in store.client_choices()]] and len(asked[0]) > 1
    assert done.args[0].count == store.count(Filter(person="Me")) and not done.args[0].error
    assert target.read_bytes().startswith(b"%PDF")
    assert "saved as from-page.pdf" in page.count_label.text()


def test_report_of_nothing(qtbot, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    assert write_report(store, Filter(person="Me"), path) == 0
    assert path.read_bytes().startswith(b"%PDF")


def test_report_is_of_one_person(qtbot, store: Store, tmp_path: Path) -> None:
    add_session(store, person="Me", started=time.time() - 600)
    with pytest.raises(NoPerson, match="one person"):
        write_report(store, Filter(), tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_report_to_unwritable_place(qtbot, store: Store, tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_report(store, Filter(person="Me"), tmp_path / "missing-folder" / "r.pdf")


# ------------------------------------------------------------------ store additions


def test_session_keys_and_rows_by_key(store: Store) -> None:
    generate_bulk(store, 300, now=NOW)
    keys = store.session_keys()
    rows = store.sessions_by_keys(keys)
    assert [r.id for r in rows] == [r.id for r in store.sessions()]
    assert [r.started_ts for r in rows] == sorted((r.started_ts for r in rows), reverse=True)
    assert store.session_keys(Filter(person="Anna")) == [
        k for k, r in zip(keys, rows, strict=True) if r.person == "Anna"
    ]
    store.delete_session(rows[1].id)
    again = store.sessions_by_keys(keys[:3])
    assert again[0].id == rows[0].id and again[1] is None and again[2].id == rows[2].id


def test_summary(store: Store) -> None:
    t = time.time() - 86400
    add_session(store, person="Me", started=t, pain=(6, 3))
    add_session(store, person="Me", started=t + 100, pain=(8, None))
    add_session(store, person="Anna", started=t + 200, pain=(4, 4))
    s = store.summary()
    assert s.sessions == 3
    assert s.persons == ["Me", "Anna"]
    assert s.pain_before_avg == pytest.approx(6.0)
    assert s.pain_after_avg == pytest.approx(3.5)
    assert s.pain_change_avg == pytest.approx(-1.5)
    assert s.pain_pairs == 2
    assert s.active_seconds == pytest.approx(3 * 190.0)
    only = store.summary(Filter(person="Anna"))
    assert (only.sessions, only.active_seconds, only.persons) == (1, 190.0, ["Anna"])


def test_reader_is_read_only(store: Store) -> None:
    add_session(store, started=time.time() - 100)
    reader = store.reader()
    try:
        assert reader.count() == 1
        with pytest.raises(Exception, match="read-only|readonly"):
            reader.delete_session(store.sessions()[0].id)
    finally:
        reader.close()


def test_sample_data_is_deterministic(tmp_path: Path) -> None:
    outputs = []
    for name in ("a", "b"):
        st, _ = open_store(tmp_path / name / "log.sqlite")
        try:
            ids = fill_sample_history(st, n=40, seed=5, now=NOW)
            assert len(ids) == 40
            import io

            buf = io.StringIO()
            export_csv(st, buf)
            outputs.append(buf.getvalue())
            people = set(st.persons())
            assert 2 <= len(people) <= 3
            assert {pid for pid, _ in st.protocol_ids()} <= {
                "classic-relaxing",
                "cupping-static",
                "cupping-dynamic",
                "acupressure",
                "honey",
            }
            statuses = {s.status for s in st.sessions()}
            assert {"completed", "stopped"} <= statuses
            trend = [b for _, b, _ in st.pain_trend() if b is not None]
            assert sum(trend[:10]) > sum(trend[-10:])  # pain eases a little
        finally:
            st.close()
    assert outputs[0] == outputs[1]


def test_charts_see_new_sessions_after_refresh(qtbot, sample_store: Store, settings: Settings) -> None:
    page = make_page(qtbot, sample_store, settings)
    show_charts(qtbot, page)

    def total() -> int:
        return sum(count for *_, count in page.charts.data.per_protocol)

    assert total() == 60
    add_session(sample_store, person="Anna", started=time.time() - 60)
    with qtbot.waitSignal(page.charts_updated, timeout=10_000):
        page.refresh()
    assert total() == 61
    with qtbot.waitSignal(page.charts_updated, timeout=10_000):
        page.person.setCurrentIndex(page.person.findText("Anna"))
    assert total() == sample_store.count(Filter(person="Anna"))
    with qtbot.waitSignal(page.charts_updated, timeout=10_000):
        page.person.setCurrentIndex(0)  # numbers remembered for this filter
    assert total() == 61


def test_notes_and_delete_on_a_log_that_cannot_be_written_say_so(qtbot, store, settings, monkeypatch) -> None:  # noqa: ANN001
    """A full disk or a read-only log: a clear message, nothing lost, no exception in a slot."""
    from massage_timer.core.log import StoreError
    from massage_timer.tools.sample_data import fill_sample_history
    from massage_timer.ui.pages import history as module

    fill_sample_history(store, n=3, seed=2)
    page = module.HistoryPage(store, settings)
    qtbot.addWidget(page)
    page.refresh()
    page._select_row(0)
    session = page.detail.session
    assert session is not None
    told: list[str] = []
    monkeypatch.setattr(module, "tell", lambda _p, title, text, warning=False: told.append(title))
    monkeypatch.setattr(module, "_confirm", lambda *a: True)

    def refuse(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise StoreError("the disk is full")

    monkeypatch.setattr(store, "update_session", refuse)
    monkeypatch.setattr(store, "delete_session", refuse)
    page._on_save_notes("keep me")
    page._on_delete(session.id)
    assert told == ["Notes not saved", "Session not deleted"]
    assert store.session(session.id) is not None


def test_many_pain_ratings_are_shown_as_weekly_averages(store: Store) -> None:
    from datetime import datetime

    import numpy as np

    from massage_timer.ui.history.charts import MAX_PAIN_POINTS, load_chart_data

    generate_bulk(store, 6000, now=NOW, years=2.0)
    anna = Filter(person="Anna")
    rows = store.pain_trend(anna)
    assert len(rows) > MAX_PAIN_POINTS
    data = load_chart_data(store, anna)
    assert data.pain_averaged
    assert len(data.pain_x) < len(rows) / 5
    # Each point is the mean of its local week's ratings, worked out here the slow way.
    weeks: dict = {}
    for ts, before, _after in rows:
        day = datetime.fromtimestamp(ts).date()
        monday = day.toordinal() - day.weekday()
        weeks.setdefault(monday, []).append(before)
    expected = [np.mean([b for b in v if b is not None]) for _, v in sorted(weeks.items())]
    assert len(expected) == len(data.pain_before)
    assert np.allclose(data.pain_before, expected, equal_nan=True)
    assert all(a < b for a, b in zip(data.pain_x, data.pain_x[1:], strict=False))
    # A narrow filter shows each rating again.
    one = load_chart_data(store, Filter(person="Anna", since_ts=NOW - 30 * 86400))
    assert not one.pain_averaged and one.pain_x
    assert len(one.pain_x) == len(store.pain_trend(Filter(person="Anna", since_ts=NOW - 30 * 86400)))


def test_month_ticks_fall_on_round_months() -> None:
    from datetime import date

    from massage_timer.ui.history.charts import period_ticks

    months = [date(2016 + (m // 12), m % 12 + 1, 1) for m in range(130)]  # Jan 2016 .. Oct 2026
    labels = [d.strftime("%b %Y") for d in months]
    ticks = period_ticks(months, labels, monthly=True)
    assert [t[1] for t in ticks] == [str(y) for y in range(2016, 2027)]
    assert all(months[int(i)].month == 1 for i, _ in ticks)
    quarters = period_ticks(months[3:33], labels[3:33], monthly=True)  # Apr 2016 .. Sep 2018
    assert [t[1] for t in quarters][:5] == ["Apr 2016", "Jul 2016", "Oct 2016", "Jan 2017", "Apr 2017"]
    assert len(quarters) == 10
    pairs = period_ticks(months[3:20], labels[3:20], monthly=True)  # 17 months: every other month
    assert [t[1] for t in pairs][:3] == ["May 2016", "Jul 2016", "Sep 2016"]
    weeks = period_ticks([date(2026, 1, 5)] * 30, [str(i) for i in range(30)], monthly=False)
    assert len(weeks) <= 12 and weeks[0] == (0.0, "0")


def test_the_same_step_time_reads_the_same_on_finish_history_and_csv() -> None:
    """One rounding for every measured time (halves up), so the screens and exports agree."""
    from massage_timer.core.durations import format_clock, whole_seconds
    from massage_timer.ui.history.model import format_duration as history_duration

    for active in (59.5, 59.4, 0.5, 1.5, 2.5, 899.6):
        finish = format_clock(active)  # the finish panel
        history = history_duration(active)  # the History table, detail and report
        assert finish == history, (active, finish, history)
        assert whole_seconds(active) == int(active + 0.5)  # the CSV's actual_seconds


def test_pain_is_never_pooled_across_people(store: Store, qtbot) -> None:  # noqa: ANN001
    from massage_timer.ui.history.charts import HistoryCharts, load_chart_data

    fill_sample_history(store, n=40, seed=3, now=NOW)
    everyone = load_chart_data(store, Filter())
    assert len(everyone.pain_persons) > 1 and everyone.pain_x == []
    charts = HistoryCharts()
    qtbot.addWidget(charts)
    charts.set_data(everyone)
    charts.setCurrentIndex(1)
    assert charts.pages[1].is_empty
    person = everyone.pain_persons[0]
    one = load_chart_data(store, Filter(person=person))
    assert one.pain_persons == [person] and one.pain_x


@pytest.mark.parametrize(("rated", "trend"), [(4, False), (5, True)])
def test_a_trend_needs_five_rated_sessions(store: Store, qtbot, rated: int, trend: bool) -> None:  # noqa: ANN001
    from massage_timer.ui.history.charts import HistoryCharts, load_chart_data

    for i in range(rated):
        info = SessionInfo("classic-relaxing", "Classic", "Anna", 1, pain_before=7 - i % 3)
        sid = store.begin_session(info, NOW - (rated - i) * 86400)
        store.end_session(sid, "completed", NOW - (rated - i) * 86400 + 600)
        store.update_session(sid, pain_after=4)
    data = load_chart_data(store, Filter(person="Anna"))
    assert data.pain_sessions == rated
    charts = HistoryCharts()
    qtbot.addWidget(charts)
    charts.set_data(data)
    charts.setCurrentIndex(1)
    # The points of before and after, and a dashed line through each when a trend is allowed.
    assert len(charts.pain_plot.listDataItems()) == (4 if trend else 2)
    title = charts.pain_plot.getPlotItem().titleLabel.text
    assert f"{rated} rated sessions" in title
    assert ("a trend needs 5" in title) is not trend


# ------------------------------------------------------------------ time of day and weeks


@pytest.fixture
def india_time(monkeypatch):  # noqa: ANN201
    """Local time 5 h 30 min ahead of UTC: an hour read in UTC, or a half hour lost, shows."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _at(day, hour: int, minute: int = 10) -> float:  # noqa: ANN001
    from datetime import datetime

    return datetime(day.year, day.month, day.day, hour, minute).timestamp()


def test_sessions_are_counted_by_the_local_hour_they_started(store: Store, india_time) -> None:  # noqa: ANN001
    from datetime import date

    from massage_timer.ui.history.charts import load_chart_data

    day = date(2026, 3, 2)
    for hour, minute in ((0, 10), (7, 5), (7, 55), (13, 40), (23, 50)):
        add_session(store, started=_at(day, hour, minute))
    add_session(store, person="Anna", started=_at(day, 7, 20))
    expected = [0] * 24
    expected[0], expected[7], expected[13], expected[23] = 1, 3, 1, 1
    assert store.sessions_by_hour() == expected
    assert load_chart_data(store, Filter()).hours == expected
    anna = [0] * 24
    anna[7] = 1
    assert store.sessions_by_hour(Filter(person="Anna")) == anna  # the hours follow the filters


def test_longest_run_and_gap_of_weeks(store: Store) -> None:
    from datetime import date, timedelta

    from massage_timer.ui.history.chartdata import longest_runs
    from massage_timer.ui.history.charts import load_chart_data

    first = date(2026, 1, 5)  # a Monday
    weekly = [2, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1]
    for week, n in enumerate(weekly):
        for i in range(n):
            add_session(store, started=_at(first + timedelta(weeks=week, days=2 * i), 18))
    data = load_chart_data(store, Filter())
    assert data.week_starts == [first + timedelta(weeks=w) for w in range(len(weekly))]
    assert data.week_counts == weekly
    assert data.streak_caption == "longest run: 4 weeks in a row with a session; longest gap: 3 weeks"
    # A period that starts earlier shows its weeks without a session too.
    since = _at(first - timedelta(weeks=5), 0, 0)
    until = _at(first + timedelta(weeks=len(weekly)), 0, 0)
    wide = load_chart_data(store, Filter(since_ts=since, until_ts=until))
    assert wide.week_counts == [0] * 5 + weekly
    assert wide.streak_caption.endswith("longest gap: 5 weeks")
    assert longest_runs([]) == (0, 0) and longest_runs([0]) == (0, 1) and longest_runs([3]) == (1, 0)
    one = load_chart_data(store, Filter(since_ts=_at(first, 0, 0), until_ts=_at(first + timedelta(days=7), 0, 0)))
    assert one.streak_caption == "longest run: 1 week in a row with a session; longest gap: 0 weeks"


def test_time_of_day_and_weeks_tabs_draw_when_opened(store: Store, qtbot) -> None:  # noqa: ANN001
    from datetime import date, timedelta

    import pyqtgraph as pg

    from massage_timer.ui.history.charts import TAB_TITLES, HistoryCharts, load_chart_data

    def bars(plot) -> list:  # noqa: ANN001
        return [i for i in plot.getPlotItem().items if isinstance(i, pg.BarGraphItem)]

    first = date(2026, 1, 5)
    for week in (0, 1, 4):
        add_session(store, started=_at(first + timedelta(weeks=week), 9))
    charts = HistoryCharts()
    qtbot.addWidget(charts)
    charts.resize(900, 500)
    charts.show()
    qtbot.waitExposed(charts)
    charts.set_data(load_chart_data(store, Filter()))
    hours, weeks = TAB_TITLES.index("Time of day"), TAB_TITLES.index("Weeks")
    assert charts.tabText(hours) == "Time of day" and charts.tabText(weeks) == "Weeks"
    assert bars(charts.hour_plot) == [] and bars(charts.week_plot) == []  # not drawn before they are opened
    charts.setCurrentIndex(hours)
    (hour_bars,) = bars(charts.hour_plot)
    assert list(hour_bars.opts["height"]) == [3 if h == 9 else 0 for h in range(24)]
    labels = [label for _, label in charts.hour_plot.getAxis("left")._tickLevels[0]]
    assert labels and all(label.isdigit() for label in labels), "counts are whole numbers"
    assert not charts.pages[hours].is_empty
    assert _distinct_colours(charts.pages[hours].plot) > 4
    charts.setCurrentIndex(weeks)
    with_session, without = bars(charts.week_plot)
    assert list(with_session.opts["x"]) == [0, 1, 4] and list(without.opts["x"]) == [2, 3]
    title = charts.week_plot.getPlotItem().titleLabel.text
    assert "2 weeks in a row with a session" in title and "longest gap: 2 weeks" in title
    assert not charts.pages[weeks].is_empty
    assert _distinct_colours(charts.pages[weeks].plot) > 4
    # Nothing matches: both tabs say so instead of drawing.
    charts.set_data(load_chart_data(store, Filter(person="Nobody")))
    for index in (hours, weeks):
        charts.setCurrentIndex(index)
        assert charts.pages[index].is_empty
        assert "No sessions match these filters." in charts.pages[index].empty_label.text()
        assert bars(charts.plots[index]) == []
