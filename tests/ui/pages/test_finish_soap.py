"""SOAP notes on screen: the Finish panel's four boxes and Save and sign, History's signed sessions and
addenda, the last plan on the setup sheet, the notes form setting, and the report's notes appendix."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QHBoxLayout, QMainWindow, QMessageBox, QWidget

from massage_timer.core.clock import FakeClock
from massage_timer.core.log import Filter, SessionInfo, SoapNote, Store
from massage_timer.core.log.edits.notes import signed_words
from massage_timer.core.protocols.library import load_library
from massage_timer.core.session.events import State
from massage_timer.core.session.plan import build_plan
from massage_timer.core.text import MAX_NOTES
from massage_timer.ui.pages.addendum_dialog import AddendumDialog
from massage_timer.ui.pages.history import HistoryPage
from massage_timer.ui.pages.session import SessionPage
from massage_timer.ui.pages.settings.behaviour import SessionGroup
from massage_timer.ui.pages.setup import SetupDialog, plan_lookup
from massage_timer.ui.services.cues import CuePlayer
from massage_timer.ui.session_controller import SessionController
from massage_timer.ui.settings import Settings

LIBRARY = load_library(None)
T0 = datetime(2026, 3, 2, 9, 0).timestamp()
NOTE = SoapNote("Slept badly, neck stiff", "Tight left trapezius", "Better than last week", "Warm up the neck first")


@pytest.fixture
def soap_settings(tmp_path: Path, qapp) -> Settings:  # noqa: ANN001
    settings = Settings(tmp_path / "settings.ini")
    settings.set("notes_form", "soap")
    return settings


@pytest.fixture
def finished(qtbot, fake_clock: FakeClock, store: Store, soap_settings: Settings) -> Iterator[tuple[SessionPage, str]]:  # noqa: ANN001
    """A session page whose honey massage for Anna has just ended: its finish panel is shown."""
    cues = CuePlayer(soap_settings, speech_engine="mock")
    cues.speech_delay_ms = 0
    window = QMainWindow()
    central = QWidget()
    QHBoxLayout(central)
    controller = SessionController(fake_clock, window)
    page = SessionPage(controller, soap_settings, cues, store)
    central.layout().addWidget(page)
    window.setCentralWidget(central)
    window.resize(1024, 700)
    qtbot.addWidget(window)
    window.show()
    loaded = LIBRARY.get("honey")
    plan = build_plan(loaded.protocol, None, "both" if loaded.protocol.has_sides else None)
    info = SessionInfo("honey", loaded.protocol.title, "Anna", len(plan), side="both", pain_before=6)
    controller.begin(loaded, plan, info, store, warn_seconds=10)
    for _ in range(100):
        if page.mode() == SessionPage.FINISHED:
            break
        snap = controller.snapshot()
        if snap.planned.timed and snap.state is State.RUNNING:
            fake_clock.advance(snap.remaining)
            controller._on_timer()
        else:
            controller.next()
    assert page.mode() == SessionPage.FINISHED
    sid = controller.session_id
    assert sid is not None
    yield page, sid
    page.release()
    controller.discard()


def _write(page: SessionPage, note: SoapNote) -> None:
    for name, text in note.items():
        page.finish.soap.boxes[name].setPlainText(text)


def test_the_soap_form_shows_four_boxes_and_saves_them(finished, store: Store) -> None:  # noqa: ANN001
    page, sid = finished
    finish = page.finish
    assert finish.soap.isVisible() and not finish.notes.isVisible()
    assert finish.sign_button.isVisible() and finish.save_button.text() == "Save"
    assert "What the client says" in finish.soap.hints["subjective"].text()
    assert finish.close_button.text() == "Close"
    _write(page, SoapNote(subjective="  Slept badly  ", plan="Again in a week"))
    assert finish.close_button.text() == "Discard notes"  # typed notes are not left without a question
    finish.pain_buttons[2].click()
    finish.save_button.click()
    assert page.mode() == SessionPage.EMPTY
    assert store.soap(sid) == SoapNote(subjective="Slept badly", plan="Again in a week")
    row = store.session(sid)
    assert (row.pain_after, row.notes, row.signed_ts) == (2, "", None)


def test_each_soap_box_takes_at_most_the_notes_limit(finished) -> None:  # noqa: ANN001
    page, _sid = finished
    box = page.finish.soap.boxes["objective"]
    box.setFocus()
    box.insertPlainText("x" * (MAX_NOTES + 50))  # a paste too long
    assert len(box.toPlainText()) == MAX_NOTES
    assert box.counter.isVisibleTo(page.finish) and "not added" in box.counter.text()


def test_save_and_sign_asks_once_then_saves_and_signs(finished, store: Store, fake_clock: FakeClock) -> None:  # noqa: ANN001
    page, sid = finished
    asked: list[str] = []

    def say(answer: bool):  # noqa: ANN202
        def confirm(_parent: QWidget, title: str, text: str, _yes: str, _no: str) -> bool:
            asked.append(text)
            return answer

        return confirm

    _write(page, NOTE)
    page.finish.confirm = say(False)
    page.finish.sign_button.click()
    assert asked == [page.finish.SIGN_QUESTION] and page.mode() == SessionPage.FINISHED
    assert store.soap(sid) is None and store.session(sid).signed_ts is None  # not now: nothing written
    page.finish.confirm = say(True)
    page.finish.sign_button.click()
    assert len(asked) == 2
    assert store.soap(sid) == NOTE
    assert store.session(sid).signed_ts == fake_clock.wall()
    assert "signed" in page.empty_note.text()


def test_the_question_before_signing_is_a_real_message_box(finished, store: Store, monkeypatch) -> None:  # noqa: ANN001
    page, sid = finished
    seen: list[str] = []

    def click_sign(box: QMessageBox) -> int:
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == "Save and sign").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click_sign)
    _write(page, NOTE)
    page.finish.sign_button.click()
    assert seen == ["A signed note cannot be changed; you can add an addendum later. Sign?"]
    assert store.session(sid).signed_ts is not None


def test_a_failed_save_keeps_the_panel_and_says_why(finished, store: Store, monkeypatch) -> None:  # noqa: ANN001
    from massage_timer.ui.pages.session import summary

    page, sid = finished
    told: list[str] = []
    monkeypatch.setattr(summary, "tell", lambda _p, title, text, warning=False: told.append(text))
    store.sign_session(sid, T0)  # signed elsewhere meanwhile: the log refuses the note
    _write(page, NOTE)
    page.finish.save_button.click()
    assert page.mode() == SessionPage.FINISHED and page.finish.soap.note() == NOTE
    assert told and "add an addendum instead" in told[0] and "still on the screen" in told[0]


def test_the_plain_form_has_no_soap_boxes(qtbot, store: Store, soap_settings: Settings) -> None:  # noqa: ANN001
    from massage_timer.ui.pages.session.finish import FinishPanel

    soap_settings.set("notes_form", "plain")
    panel = FinishPanel(settings=soap_settings)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_runs([], stopped=False, subtitle="", saved_text="", can_save=True, pain_before=None)
    assert panel.notes.isVisible() and not panel.soap.isVisible() and not panel.sign_button.isVisible()
    assert panel.soap_note() is None and panel.plain_notes() == ""


def test_the_notes_form_is_a_setting(qtbot, soap_settings: Settings) -> None:  # noqa: ANN001
    group = SessionGroup(soap_settings)
    qtbot.addWidget(group)
    combo = group.notes_form_combo
    assert combo.currentData() == "soap"  # shows what is set
    combo.setCurrentIndex(combo.findData("plain"))
    assert soap_settings.get("notes_form") == "plain"
    soap_settings.set("notes_form", "soap")
    assert combo.currentData() == "soap"  # follows a change made elsewhere
    assert Settings.defaults()["notes_form"] == "plain"


# ------------------------------------------------------------------ History


def _signed_session(store: Store) -> str:
    sid = store.begin_session(SessionInfo("honey", "Honey massage", "Anna", 2, pain_before=6), T0)
    store.end_session(sid, "completed", T0 + 900)
    store.update_session(sid, pain_after=3)
    store.save_soap(sid, SoapNote(NOTE.subjective, "<b>bold?</b>", NOTE.assessment, NOTE.plan))
    store.sign_session(sid, T0 + 1000)
    store.add_addendum(sid, "Called the next day: no pain.", T0 + 86400)
    return sid


def _history(qtbot, store: Store, settings: Settings) -> HistoryPage:  # noqa: ANN001
    page = HistoryPage(store, settings)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    page._select_row(0)
    return page


def test_history_shows_a_signed_session_with_its_note_and_addenda(qtbot, store: Store, soap_settings) -> None:  # noqa: ANN001
    _signed_session(store)
    page = _history(qtbot, store, soap_settings)
    detail = page.detail
    assert detail.addendum_button.isVisible() and not detail.edit_button.isVisible()
    texts = detail.soap_view.texts()
    assert texts[:4] == ["Subjective", NOTE.subjective, "Objective", "<b>bold?</b>"]  # plain text, never markup
    assert f"Signed on {signed_words(T0 + 1000)}" in texts
    assert f"Addendum of {signed_words(T0 + 86400)}" in texts and "Called the next day: no pain." in texts
    assert not detail.save_button.isVisible() and detail.notes.isReadOnly()


def test_an_unsigned_session_offers_edit_and_no_addendum(qtbot, store: Store, soap_settings) -> None:  # noqa: ANN001
    sid = store.begin_session(SessionInfo("honey", "Honey massage", "Anna", 2), T0)
    store.end_session(sid, "completed", T0 + 900)
    page = _history(qtbot, store, soap_settings)
    assert page.detail.edit_button.isVisible() and not page.detail.addendum_button.isVisible()
    assert not page.detail.soap_view.isVisible()


def test_add_addendum_from_history(qtbot, store: Store, soap_settings, monkeypatch) -> None:  # noqa: ANN001
    sid = _signed_session(store)
    page = _history(qtbot, store, soap_settings)
    shown: list[AddendumDialog] = []

    def fake_exec(dialog: AddendumDialog) -> int:
        shown.append(dialog)
        assert not dialog.save_button.isEnabled()  # nothing written yet
        dialog.text.setPlainText("  Bruise on the shoulder faded.\n")
        dialog.save_button.click()
        return int(dialog.result())

    monkeypatch.setattr(AddendumDialog, "exec", fake_exec)
    page.detail.addendum_button.click()
    assert len(shown) == 1
    assert [a.text for a in store.addenda(sid)] == ["Called the next day: no pain.", "Bruise on the shoulder faded."]
    assert "Bruise on the shoulder faded." in page.detail.soap_view.texts()
    assert store.soap(sid).objective == "<b>bold?</b>"  # the signed note unchanged


def test_a_cancelled_addendum_writes_nothing(qtbot, store: Store, soap_settings, monkeypatch) -> None:  # noqa: ANN001
    sid = _signed_session(store)
    page = _history(qtbot, store, soap_settings)
    monkeypatch.setattr(AddendumDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    page.detail.addendum_button.click()
    assert len(store.addenda(sid)) == 1


# ------------------------------------------------------------------ the next session


def test_the_setup_sheet_shows_the_last_plan_of_the_person(qtbot, store: Store, soap_settings) -> None:  # noqa: ANN001
    _signed_session(store)
    soap_settings.set("last_person", "Anna")
    loaded = LIBRARY.get("honey")
    dialog = SetupDialog(loaded, soap_settings, ["Anna", "Joe"], last_plan=plan_lookup(store))
    qtbot.addWidget(dialog)
    dialog.show()
    day = datetime.fromtimestamp(T0)
    assert dialog.plan_box.isVisible()
    assert dialog.plan_box.title() == f"Plan from the last session ({day.day} {day:%b %Y})"
    assert dialog.plan_note.text() == NOTE.plan
    dialog.person.setCurrentText("Joe")
    assert not dialog.plan_box.isVisible()
    dialog.person.setCurrentText("Anna")
    assert dialog.plan_box.isVisible()
    plain = SetupDialog(loaded, soap_settings, ["Anna"])  # opened without a log: no box
    qtbot.addWidget(plain)
    plain.show()
    assert not plain.plan_box.isVisible()


# ------------------------------------------------------------------ the report


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_report_prints_the_soap_note_and_the_addenda(qtbot, store: Store, tmp_path: Path) -> None:  # noqa: ANN001
    from massage_timer.ui.history.report import write_report

    _signed_session(store)
    path = tmp_path / "anna.pdf"
    assert write_report(store, Filter(person="Anna"), path) == 1
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    appendix = text[text.index("Appendix A: notes in full") :]
    for heading, body in (("Subjective", NOTE.subjective), ("Objective", "<b>bold?</b>"), ("Plan", NOTE.plan)):
        assert heading in appendix and body in appendix
    assert f"Signed on {signed_words(T0 + 1000)}" in appendix
    assert f"Addendum of {signed_words(T0 + 86400)}" in appendix and "Called the next day: no pain." in appendix
    table = text[text.index("Sessions") : text.index("Appendix A")]
    assert "Better than last week" in table  # the Assessment stands in for the missing plain notes
