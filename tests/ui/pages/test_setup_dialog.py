"""The setup sheet: choices, the safety gate, durations and totals."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QLabel, QRadioButton

from massage_timer.ui.pages.setup import DurationSpin, SetupDialog


def _dialog(qtbot, library, settings, pid: str) -> SetupDialog:  # noqa: ANN001
    loaded = library.get(pid)
    assert loaded is not None
    dialog = SetupDialog(loaded, settings, ["Me", "Anna"])
    qtbot.addWidget(dialog)
    return dialog


def _answer_all(dialog: SetupDialog, yes: set[str] = frozenset()) -> None:
    for item in dialog.protocol.contraindications:
        suffix = "yes" if item.id in yes else "no"
        dialog.findChild(QRadioButton, f"contra-{item.id}-{suffix}").setChecked(True)


def _set_stage(dialog: SetupDialog, stage: str) -> None:
    for b in dialog.stage_group.buttons():
        if b.property("value") == stage:
            b.setChecked(True)


def test_start_needs_every_question_answered(qtbot, library, settings) -> None:  # noqa: ANN001
    dialog = _dialog(qtbot, library, settings, "classic-relaxing")
    assert not dialog.start_button.isEnabled()
    assert "Answer every question" in dialog.verdict.text()
    _answer_all(dialog)
    assert not dialog.start_button.isEnabled(), "the stage is still to choose"
    assert dialog.verdict.text() == "Choose the stage to continue (if unsure, choose Acute)."
    _set_stage(dialog, "acute")
    assert dialog.start_button.isEnabled()
    assert dialog.verdict.isHidden()


def test_the_stage_is_asked_every_time_with_no_default(qtbot, library, settings) -> None:  # noqa: ANN001
    settings.set("last_stage", "remission")  # chosen last time, or on the Protocols page
    dialog = _dialog(qtbot, library, settings, "cupping-static")
    assert dialog.stage is None
    assert all(not b.isChecked() for b in dialog.stage_group.buttons())
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert "If unsure, choose Acute." in texts
    _answer_all(dialog, yes={"spinal-injury"})
    assert "spinal" in dialog.verdict.text().lower(), "answers given still show their reasons"
    assert not dialog.start_button.isEnabled()


def test_a_yes_blocks_and_shows_the_reason(qtbot, library, settings) -> None:  # noqa: ANN001
    dialog = _dialog(qtbot, library, settings, "classic-relaxing")
    _answer_all(dialog, yes={"spinal-injury"})
    assert not dialog.start_button.isEnabled()
    assert "spinal" in dialog.verdict.text().lower()


def test_acute_stage_blocks_a_remission_protocol(qtbot, library, settings) -> None:  # noqa: ANN001
    dialog = _dialog(qtbot, library, settings, "cupping-dynamic")
    _answer_all(dialog)
    _set_stage(dialog, "remission")
    assert dialog.start_button.isEnabled()
    _set_stage(dialog, "acute")
    assert not dialog.start_button.isEnabled()
    assert "acute stage" in dialog.verdict.text()


def test_red_flag_says_seek_care_now(qtbot, library, settings) -> None:  # noqa: ANN001
    dialog = _dialog(qtbot, library, settings, "honey")
    _answer_all(dialog)
    _set_stage(dialog, "acute")
    assert dialog.start_button.isEnabled()
    dialog.findChild(QCheckBox, "redflag-saddle-numbness").setChecked(True)
    assert not dialog.start_button.isEnabled()
    assert "Seek medical care now" in dialog.verdict.text()
    assert "not from the article" in dialog.verdict.text()


def test_durations_are_limited_to_the_range_and_update_the_total(qtbot, library, settings) -> None:  # noqa: ANN001
    dialog = _dialog(qtbot, library, settings, "cupping-static")
    _answer_all(dialog)
    spin = dialog.findChild(DurationSpin, "duration-cover-and-wait")
    assert spin is not None
    assert (spin.minimum(), spin.maximum(), spin.value()) == (600, 1200, 900)
    spin.setValue(5000)
    assert spin.value() == 1200
    before = dialog.total_label.text()
    spin.setValue(600)
    assert dialog.total_label.text() != before
    assert dialog.result_value().durations["cover-and-wait"] == 600
    assert spin.textFromValue(605) == "10:05"
    assert spin.valueFromText("12:30") == 750


def test_side_question_only_when_the_variant_has_per_side_steps(qtbot, library, settings) -> None:  # noqa: ANN001
    dialog = _dialog(qtbot, library, settings, "classic-relaxing")
    dialog.show()
    variants = {b.property("value"): b for b in dialog.variant_group.buttons()}
    variants["back"].setChecked(True)
    assert dialog.side is None
    assert dialog._side_box_widget.isHidden()
    variants["lower"].setChecked(True)
    assert not dialog._side_box_widget.isHidden()
    assert dialog.side in ("left", "right", "both")


@pytest.mark.parametrize("pain", [-1, 0, 7])
def test_result_and_remembered_choices(qtbot, library, settings, pain: int) -> None:  # noqa: ANN001
    dialog = _dialog(qtbot, library, settings, "acupressure")
    _answer_all(dialog)
    dialog.person.setCurrentText("  Grandpa Joe ")
    dialog.pain.setValue(pain)
    for b in dialog.side_group.buttons():
        if b.property("value") == "right":
            b.setChecked(True)
    result = dialog.result_value()
    assert result.person == "Grandpa Joe"
    assert result.side == "right"
    assert result.pain_before == (None if pain < 0 else pain)
    dialog.remember()
    assert settings.get("last_person") == "Grandpa Joe"
    assert settings.get("persons")[0] == "Grandpa Joe"
    assert settings.get("last_side") == "right"


def _wheel(widget, steps: int) -> None:  # noqa: ANN001
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_sheet_and_changes_only_a_focused_value(qtbot, qapp, library, settings) -> None:  # noqa: ANN001

    from massage_timer.ui.widgets.wheel_guard import install_wheel_guard

    guard = install_wheel_guard(qapp)
    try:
        _check_wheel(qtbot, library, settings)
    finally:
        qapp.removeEventFilter(guard)  # no other test sees it
        guard.setParent(None)


def _check_wheel(qtbot, library, settings) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QScrollArea

    dialog = _dialog(qtbot, library, settings, "cupping-static")
    dialog.resize(700, 420)  # short enough to scroll
    dialog.show()
    qtbot.waitExposed(dialog)
    spin = dialog.findChild(DurationSpin, "duration-cover-and-wait")
    scroll = next(a for a in dialog.findChildren(QScrollArea) if a.isAncestorOf(spin))
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    dialog.start_button.setFocus()
    _wheel(spin, 1)  # scrolling up over the field, as on the way up a long sheet
    assert spin.value() == 900, "an unfocused field must not take the wheel"
    assert bar.value() < bar.maximum(), "the sheet scrolls instead"
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    _wheel(spin, 1)
    assert spin.value() == 900 + spin.singleStep(), "the focused field takes the wheel"
