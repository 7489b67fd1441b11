"""The setup sheet's wording: sides are the patient's, and general guidance is not passed off as the article's."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox

from massage_timer.ui.pages.setup import SetupDialog


def _dialog(qtbot, library, settings, pid: str) -> SetupDialog:  # noqa: ANN001
    loaded = library.get(pid)
    assert loaded is not None
    dialog = SetupDialog(loaded, settings, ["Me"])
    qtbot.addWidget(dialog)
    return dialog


def test_the_side_chooser_names_the_patients_sides(qtbot, library, settings) -> None:  # noqa: ANN001
    dialog = _dialog(qtbot, library, settings, "acupressure")
    labels = {b.property("value"): b.text() for b in dialog.side_group.buttons()}
    assert labels == {"left": "Patient's left", "right": "Patient's right", "both": "Both sides"}
    assert dialog._side_box_widget.title() == "Patient's side"


def test_the_questions_heading_allows_for_marked_general_guidance(qtbot, library, settings) -> None:  # noqa: ANN001
    dialog = _dialog(qtbot, library, settings, "honey")
    titles = [box.title() for box in dialog.findChildren(QGroupBox)]
    assert "Does any of this apply? (from the article unless marked)" in titles
    assert not any(title.endswith("(from the article)") for title in titles)
