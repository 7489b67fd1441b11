"""Amending a session from History and from the start-up notice: the dialog, the log, the detail pane."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox

from massage_timer.core.log import SessionInfo, Store, StoreError, open_store
from massage_timer.core.session.events import Outcome, StepRun
from massage_timer.ui.history.model import COL_PAIN, COL_STATUS
from massage_timer.ui.pages import amend_dialog
from massage_timer.ui.pages.amend_dialog import AmendDialog
from massage_timer.ui.pages.history import HistoryPage
from massage_timer.ui.settings import Settings

LEFT = Qt.MouseButton.LeftButton


def add_session(
    store: Store,
    started: float,
    *,
    status: str = "completed",
    pain: tuple[int | None, int | None] = (6, 4),
    notes: str = "Felt warm.",
) -> str:
    sid = store.begin_session(SessionInfo("honey", "Honey massage", "Anna", 2, pain_before=pain[0]), started)
    store.save_step(
        sid,
        StepRun(
            seq=1,
            index=0,
            step_id="warm-up",
            title="Warm up",
            side=None,
            timed=True,
            planned=60,
            initial_planned=60,
            started_wall=started,
            ended_wall=started + 60,
            active=60.0,
            outcome=Outcome.COMPLETED,
        ),
    )
    if status != "interrupted":
        store.end_session(sid, status, started + 120)
    store.update_session(sid, pain_after=pain[1], notes=notes)
    if status == "interrupted":
        store.mark_interrupted(only=[sid])
    return sid


def make_page(qtbot, store: Store, settings: Settings) -> HistoryPage:  # noqa: ANN001
    page = HistoryPage(store, settings)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def answer_with(
    qtbot,  # noqa: ANN001
    monkeypatch: pytest.MonkeyPatch,
    fill: Callable[[AmendDialog], None],
    *,
    save: bool = True,
) -> list[AmendDialog]:
    """Replace the dialog's exec: show it, let ``fill`` enter values, then press Save (or Cancel)."""
    shown: list[AmendDialog] = []

    def fake_exec(dialog: AmendDialog) -> int:
        shown.append(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        fill(dialog)
        if save:
            assert dialog.save_button.isEnabled()
            qtbot.mouseClick(dialog.save_button, LEFT)
        else:
            dialog.reject()
        result = dialog.result()
        dialog.hide()
        return result

    monkeypatch.setattr(AmendDialog, "exec", fake_exec)
    return shown


def type_at_end(qtbot, dialog: AmendDialog, text: str) -> None:  # noqa: ANN001
    dialog.notes.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(dialog.notes, text)


def on(ts: float) -> str:
    moment = datetime.fromtimestamp(ts)
    return f"on {moment.day} {moment.strftime('%b')} {moment.year} {moment.strftime('%H:%M')}"


# ------------------------------------------------------------------ History


def test_edit_pain_after_and_notes_from_history(qtbot, store: Store, settings: Settings, monkeypatch) -> None:  # noqa: ANN001
    sid = add_session(store, time.time() - 3600)
    page = make_page(qtbot, store, settings)
    assert page.detail.session.id == sid
    assert not page.detail.changes.isVisibleTo(page)

    def fill(dialog: AmendDialog) -> None:
        assert dialog.pain() == 4 and dialog.pain_buttons[4].isChecked()
        assert dialog.notes.toPlainText() == "Felt warm."
        assert dialog.ending_buttons == {}  # a completed session keeps its status
        assert not dialog.save_button.isEnabled()  # nothing changed yet
        qtbot.mouseClick(dialog.pain_buttons[3], LEFT)
        type_at_end(qtbot, dialog, " Slept well.")

    shown = answer_with(qtbot, monkeypatch, fill)
    qtbot.mouseClick(page.detail.edit_button, LEFT)
    assert len(shown) == 1

    row = store.session(sid)
    assert (row.pain_after, row.notes, row.status) == (3, "Felt warm. Slept well.", "completed")
    changes = store.amendments(sid)
    assert [(a.field, a.old_value, a.new_value) for a in changes] == [
        ("pain_after", "4", "3"),
        ("notes", "Felt warm.", "Felt warm. Slept well."),
    ]
    detail = page.detail
    assert detail.session == row
    assert "6 → 3" in detail.pain.text()
    assert detail.notes.toPlainText() == "Felt warm. Slept well."
    lines = detail.changes.text().splitlines()
    assert lines == [
        f"Pain after changed from 4 to 3 {on(changes[0].changed_ts)} (originally 4)",
        f"Notes changed from “Felt warm.” to “Felt warm. Slept well.” {on(changes[1].changed_ts)}"
        " (originally “Felt warm.”)",
    ]
    assert detail.changes.isVisibleTo(page)
    assert "Felt warm." in detail.changes.toolTip()
    assert page.model.data(page.model.index(0, COL_PAIN)) == "6 → 3"  # the table was re-read


def test_the_original_stays_visible_after_a_second_change(
    qtbot,  # noqa: ANN001
    store: Store,
    settings: Settings,
    monkeypatch,  # noqa: ANN001
) -> None:
    sid = add_session(store, time.time() - 3600)
    page = make_page(qtbot, store, settings)
    answer_with(qtbot, monkeypatch, lambda d: qtbot.mouseClick(d.pain_buttons[3], LEFT))
    qtbot.mouseClick(page.detail.edit_button, LEFT)
    answer_with(qtbot, monkeypatch, lambda d: qtbot.mouseClick(d.not_rated, LEFT))
    qtbot.mouseClick(page.detail.edit_button, LEFT)
    assert store.session(sid).pain_after is None
    second = store.amendments(sid)[1]
    assert page.detail.changes.text().splitlines()[1] == (
        f"Pain after changed from 3 to not rated {on(second.changed_ts)} (originally 4)"
    )
    assert page.detail.pain.text() == "Pain before → after: 6 → –"


def test_the_row_of_an_older_session_stays_selected(qtbot, store: Store, settings: Settings, monkeypatch) -> None:  # noqa: ANN001
    older = add_session(store, time.time() - 7200, notes="")
    add_session(store, time.time() - 3600)
    page = make_page(qtbot, store, settings)
    page._select_row(1)
    assert page.detail.session.id == older
    answer_with(qtbot, monkeypatch, lambda d: type_at_end(qtbot, d, "Added later."))
    qtbot.mouseClick(page.detail.edit_button, LEFT)
    assert store.session(older).notes == "Added later."
    assert page.detail.session.id == older
    assert page.table.currentIndex().row() == 1
    assert page.detail.changes.text().startswith("Notes changed from empty to “Added later.”")


def test_finish_an_interrupted_session_from_history(qtbot, store: Store, settings: Settings, monkeypatch) -> None:  # noqa: ANN001
    sid = add_session(store, time.time() - 3600, status="interrupted", pain=(5, None), notes="")
    page = make_page(qtbot, store, settings)
    assert page.model.data(page.model.index(0, COL_STATUS)) == "Interrupted"
    assert page.detail.edit_button.isEnabled()

    def fill(dialog: AmendDialog) -> None:
        assert set(dialog.ending_buttons) == {"completed", "stopped", "interrupted"}
        assert dialog.ending_buttons["interrupted"].isChecked()
        assert dialog.ending_buttons["completed"].text() == "Mark it as completed"
        dialog.ending_buttons["completed"].click()
        qtbot.mouseClick(dialog.pain_buttons[2], LEFT)

    answer_with(qtbot, monkeypatch, fill)
    qtbot.mouseClick(page.detail.edit_button, LEFT)
    row = store.session(sid)
    assert (row.status, row.pain_after, row.reviewed) == ("completed", 2, True)
    status = next(a for a in store.amendments(sid) if a.field == "status")
    assert f"Status changed from interrupted to completed {on(status.changed_ts)} (originally interrupted)" in (
        page.detail.changes.text().splitlines()
    )
    assert page.detail.summary.text().startswith("Completed")
    assert page.model.data(page.model.index(0, COL_STATUS)) == "Completed"


def test_leaving_it_interrupted_changes_only_what_was_changed(
    qtbot,  # noqa: ANN001
    store: Store,
    settings: Settings,
    monkeypatch,  # noqa: ANN001
) -> None:
    sid = add_session(store, time.time() - 3600, status="interrupted", pain=(5, None), notes="")
    page = make_page(qtbot, store, settings)
    answer_with(qtbot, monkeypatch, lambda d: qtbot.mouseClick(d.pain_buttons[1], LEFT))
    qtbot.mouseClick(page.detail.edit_button, LEFT)
    assert store.session(sid).status == "interrupted"
    assert [a.field for a in store.amendments(sid)] == ["pain_after"]


def test_cancel_changes_nothing(qtbot, store: Store, settings: Settings, monkeypatch) -> None:  # noqa: ANN001
    sid = add_session(store, time.time() - 3600)
    page = make_page(qtbot, store, settings)
    before = store.session(sid)
    answer_with(qtbot, monkeypatch, lambda d: qtbot.mouseClick(d.pain_buttons[9], LEFT), save=False)
    qtbot.mouseClick(page.detail.edit_button, LEFT)
    assert store.session(sid) == before
    assert store.amendments(sid) == []
    assert page.detail.changes.text() == ""


def test_new_notes_are_saved_as_the_finish_panel_saves_them(
    qtbot,  # noqa: ANN001
    store: Store,
    settings: Settings,
    monkeypatch,  # noqa: ANN001
) -> None:
    sid = add_session(store, time.time() - 3600, notes="Felt warm.")
    page = make_page(qtbot, store, settings)

    def fill(dialog: AmendDialog) -> None:
        dialog.notes.moveCursor(QTextCursor.MoveOperation.End)
        qtbot.keyClick(dialog.notes, Qt.Key.Key_Return)
        assert dialog.notes.toPlainText() == "Felt warm.\n"
        assert not dialog.save_button.isEnabled()  # blank space alone is no change
        dialog.notes.setPlainText("  Left side:\n  tingling\n\n")
        assert dialog.notes_to_save() == "Left side:\n  tingling"

    answer_with(qtbot, monkeypatch, fill)
    qtbot.mouseClick(page.detail.edit_button, LEFT)
    assert store.session(sid).notes == "Left side:\n  tingling"


def test_the_dialog_starts_from_notes_typed_but_not_saved(
    qtbot,  # noqa: ANN001
    store: Store,
    settings: Settings,
    monkeypatch,  # noqa: ANN001
) -> None:
    sid = add_session(store, time.time() - 3600)
    page = make_page(qtbot, store, settings)
    page.detail.notes.setPlainText("Typed in the box.")

    def fill(dialog: AmendDialog) -> None:
        assert dialog.notes.toPlainText() == "Typed in the box."
        assert dialog.save_button.isEnabled()

    answer_with(qtbot, monkeypatch, fill)
    qtbot.mouseClick(page.detail.edit_button, LEFT)
    assert store.session(sid).notes == "Typed in the box."
    assert store.amendments(sid)[0].original == "Felt warm."


def test_a_log_that_refuses_the_change_keeps_the_dialog_open(
    qtbot,  # noqa: ANN001
    store: Store,
    settings: Settings,
    monkeypatch,  # noqa: ANN001
) -> None:
    sid = add_session(store, time.time() - 3600)
    page = make_page(qtbot, store, settings)
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(amend_dialog, "tell", lambda _p, title, text, warning=False: told.append((title, text)))

    def refuse(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise StoreError("the disk is full")

    monkeypatch.setattr(store, "amend_session", refuse)
    shown = answer_with(qtbot, monkeypatch, lambda d: qtbot.mouseClick(d.pain_buttons[0], LEFT))
    qtbot.mouseClick(page.detail.edit_button, LEFT)
    assert [title for title, _text in told] == ["Not saved"]
    assert "the disk is full" in told[0][1] and "still in the window" in told[0][1]
    assert shown[0].result() != AmendDialog.DialogCode.Accepted
    assert shown[0].pain() == 0  # what was entered is kept
    assert store.session(sid).pain_after == 4
    assert page.detail.changes.text() == ""


# ------------------------------------------------------------------ the start-up notice


def test_the_start_up_notice_offers_to_finish_it_now(qtbot, main_window, monkeypatch, data_dir) -> None:  # noqa: ANN001
    other, _ = open_store(data_dir.database)
    sid = other.begin_session(SessionInfo("honey", "Honey massage", "Joe", 6, pain_before=7), 1_767_603_600.0)
    other.close()
    reopened, report = open_store(data_dir.database)
    assert report.interrupted == [sid]
    main_window.store = reopened
    main_window.show_page("history")
    offered: list[list[str]] = []

    def click_finish(box: QMessageBox) -> int:
        offered.append([b.text() for b in box.buttons()])
        next(b for b in box.buttons() if b.text() == "Finish it now…").click()
        return 0

    def fill(dialog: AmendDialog) -> None:
        assert dialog.session.id == sid
        dialog.ending_buttons["stopped"].click()
        qtbot.mouseClick(dialog.pain_buttons[5], LEFT)
        type_at_end(qtbot, dialog, "The power went out.")

    monkeypatch.setattr(QMessageBox, "exec", click_finish)
    shown = answer_with(qtbot, monkeypatch, fill)
    main_window.show_notices(report.interrupted)
    assert len(shown) == 1
    assert set(offered[0]) >= {"Keep it", "Finish it now…", "Review in History", "Discard it…"}
    row = reopened.session(sid)
    assert (row.status, row.pain_after, row.notes, row.reviewed) == ("stopped", 5, "The power went out.", True)
    assert [(a.field, a.original) for a in reopened.amendments(sid)] == [
        ("pain_after", None),
        ("notes", ""),
        ("status", "interrupted"),
    ]
    offered.clear()
    main_window.show_notices([])
    assert offered == []  # finished: not asked again
    reopened.close()


def test_finishing_it_now_can_be_cancelled_and_it_stays_interrupted(
    qtbot,  # noqa: ANN001
    main_window,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
    data_dir,  # noqa: ANN001
) -> None:
    other, _ = open_store(data_dir.database)
    sid = other.begin_session(SessionInfo("honey", "Honey massage", "Joe", 6), 1_767_603_600.0)
    other.close()
    reopened, report = open_store(data_dir.database)
    main_window.store = reopened

    def click_finish(box: QMessageBox) -> int:
        next(b for b in box.buttons() if b.text() == "Finish it now…").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click_finish)
    shown = answer_with(qtbot, monkeypatch, lambda d: None, save=False)
    main_window.show_notices(report.interrupted)
    assert len(shown) == 1
    row = reopened.session(sid)
    assert (row.status, row.reviewed) == ("interrupted", True)  # kept, as "Keep it" would
    assert reopened.amendments(sid) == []
    reopened.close()
