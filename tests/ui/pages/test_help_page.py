"""The Help page: keys, safety text, the self-check that never diagnoses, About."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QUrl

from massage_timer import __version__
from massage_timer.ui.pages.help import HelpPage
from massage_timer.ui.pages.help import page as help_page_module
from massage_timer.ui.shortcuts import GLOBAL_SHORTCUTS, SESSION_SHORTCUTS, shown_key


@pytest.fixture
def page(qtbot) -> HelpPage:
    widget = HelpPage()
    qtbot.addWidget(widget)
    return widget


def table_rows(table) -> list[tuple[str, str]]:
    return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]


def test_session_keys_are_all_listed(page: HelpPage) -> None:
    rows = table_rows(page.session_table)
    assert len(rows) == len(SESSION_SHORTCUTS)
    for shortcut, (keys, label) in zip(SESSION_SHORTCUTS, rows, strict=True):
        for key in shortcut.keys:
            assert shown_key(key) in keys.split("  or  "), (key, keys)
        assert label == shortcut.label


def test_global_keys_are_listed(page: HelpPage) -> None:
    labels = [label for _keys, label in table_rows(page.global_table)]
    assert labels == [s.label for s in GLOBAL_SHORTCUTS]


def test_foot_pedal_note(page: HelpPage) -> None:
    page.show_tab("Keyboard")
    texts = " ".join(label.text() for label in page.tabs.currentWidget().findChildren(type(page.disclaimer_label)))
    assert "foot pedal" in texts
    assert "wherever the focus is" in texts


def test_disclaimer_is_present(page: HelpPage) -> None:
    text = page.disclaimer_label.text()
    assert "does not diagnose or treat" in text
    assert "does not replace a doctor" in text


def test_safety_text_comes_from_the_article(page: HelpPage) -> None:
    text = page.safety_text.toPlainText()
    for phrase in (
        "purulent tissue lesions",
        "spinal injuries",
        "vibration, tapping, strong rubbing",
        "only be performed by a specialist",
        "Honey massage",
        "Decreased reflexes".lower(),
        "painkillers",
    ):
        assert phrase in text, phrase


def test_red_flags_are_labelled_as_not_from_the_article(page: HelpPage) -> None:
    assert page.red_flags_title.text() == "General guidance — not from the article"
    body = page.red_flags_text.text()
    assert "bladder or bowel control" in body
    assert "saddle area" in body
    # The general guidance is kept out of the article-sourced text.
    assert "saddle" not in page.safety_text.toPlainText()


def test_self_check_lists_the_nantes_criteria(page: HelpPage) -> None:
    criteria = [box.property("criterion") for box in page.criteria_boxes]
    assert len(criteria) == 8
    assert criteria[0].startswith("Pain in the area of innervation of the pudendal nerve")
    assert "Pain may be triggered by defecation." in criteria


@pytest.mark.parametrize("index", range(8))
def test_self_check_result_changes_and_always_ends_with_a_doctor(qtbot, page: HelpPage, index: int) -> None:
    before = page.self_check_result.text()
    assert "does not diagnose" in before
    assert "consult a doctor" in before

    page.resize(1000, 700)
    page.show()
    page.show_tab("Pudendal self-check")
    qtbot.waitExposed(page)
    # Clicking the criterion's text ticks its box, like a check box's own label.
    qtbot.mouseClick(page.criteria_labels[index], Qt.MouseButton.LeftButton)
    after = page.self_check_result.text()
    assert page.criteria_boxes[index].isChecked()
    assert after != before
    assert "consult a doctor immediately" in after
    assert page.self_check_result.property("role") == "danger"

    page.clear_button.click()
    assert not any(box.isChecked() for box in page.criteria_boxes)
    assert page.self_check_result.text() == before


def test_self_check_never_diagnoses(page: HelpPage) -> None:
    for box in page.criteria_boxes:
        box.click()
        assert "consult a doctor" in page.self_check_result.text()
    text = page.self_check_result.text().lower()
    assert "doctor" in text
    for word in ("you have", "neuropathy", "diagnosis:"):
        assert word not in text


def test_nerve_tab_survives_a_missing_illustration(qtbot, monkeypatch) -> None:
    def missing(ref: str):
        raise help_page_module.ResourceError(f"resource {ref!r} is missing")

    monkeypatch.setattr(help_page_module, "resource_path", missing)
    widget = HelpPage()
    qtbot.addWidget(widget)
    assert widget.nerve_illustration is None
    assert "largest nerve" in widget.nerve_text.toPlainText()


def test_nerve_tab_shows_the_illustration(qtbot, page: HelpPage) -> None:
    assert page.nerve_illustration is not None
    page.resize(1000, 700)
    page.show()
    page.show_tab("Sciatic nerve")
    qtbot.waitExposed(page)
    pixmap = page.nerve_illustration.pixmap()
    assert not pixmap.isNull()
    assert pixmap.toImage().pixelColor(pixmap.width() // 2, pixmap.height() // 2).alpha() > 0


def test_prevention_tips(page: HelpPage) -> None:
    text = page.prevention_text.toPlainText()
    for phrase in (
        "swimming",
        "orthopedic mattress",
        "posture",
        "legs, not your back",
        "exhausting exercises",
    ):
        assert phrase in text, phrase


def test_about_and_self_test(qtbot, page: HelpPage) -> None:
    assert __version__ in page.version_label.text()
    assert "Qt" in page.versions_label.text()
    with qtbot.waitSignal(page.self_test_requested, timeout=1000):
        page.self_test_button.click()


def test_open_log_folder_opens_the_log_folder(monkeypatch, page: HelpPage) -> None:  # noqa: ANN001
    from massage_timer.core.diagnostics import log_folder
    from massage_timer.ui.services import crash_dialog

    opened: list[QUrl] = []
    monkeypatch.setattr(crash_dialog, "_open_url", lambda url: opened.append(url) or True)
    folder = log_folder()  # the test's data folder (MASSAGE_TIMER_DATA_DIR) / logs
    assert str(folder) in page.log_folder_label.text()
    page.show_tab("About")
    page.open_log_button.click()
    assert [url.toLocalFile() for url in opened] == [str(folder)]
    assert folder.is_dir() and page.open_log_error.isHidden()

    monkeypatch.setattr(crash_dialog, "_open_url", lambda url: False)
    page.open_log_button.click()
    assert not page.open_log_error.isHidden()
    assert str(folder) in page.open_log_error.text()


def test_documents_load_nothing(page: HelpPage) -> None:
    for view in (page.safety_text, page.nerve_text, page.prevention_text):
        assert not view.openExternalLinks()
        assert not view.openLinks()
        assert view.searchPaths() == []


def _section(text: str, heading: str, next_heading: str | None) -> str:
    start = text.index(heading)
    end = text.index(next_heading, start) if next_heading else len(text)
    return text[start:end]


def test_safety_text_explains_massage_is_not_used_for_an_exacerbation(page: HelpPage) -> None:
    text = " ".join(page.safety_text.toPlainText().split())
    assert "During an exacerbation (the acute stage), the article says, massage is not used." in text
    assert "the acute stage is a contraindication for therapeutic massage, the intense kind" in text
    assert "it is therapeutic, intense massage that is not used during an exacerbation" in text
    assert "(the app's reading; the article does not say it in one sentence)" in text
    assert "In the acute stage a relaxing massage is the only thing you can do." in text
    assert "honey massage acceptable in the acute stage, because it acts only on the skin" in text


def test_safety_text_marks_the_stage_of_cupping_and_acupressure_as_the_apps_reading(page: HelpPage) -> None:
    text = " ".join(page.safety_text.toPlainText().split())
    assert "Cupping and acupressure: the article does not say in which stage they may be used." in text
    assert "The app offers them for remission only. This is the app's reading of the rule above" in text


def test_safety_text_gives_the_specialists_acupressure_procedure_as_information(page: HelpPage) -> None:
    text = " ".join(page.safety_text.toPlainText().split())
    section = _section(text, "Acupressure", "Cupping")
    assert "The specialist's procedure, as the article describes it." in section
    assert "it is not a home routine, and the app does not guide it" in section
    stages = (
        "the point of greatest pain is found by palpating (feeling with the fingers) along the sciatic nerve",
        "That point and the whole painful area are massaged.",
        "The buttocks are massaged.",
        "Finally, the points of the bladder meridian are massaged.",
    )
    positions = [section.index(stage) for stage in stages]
    assert positions == sorted(positions)


def test_the_honey_advice_is_under_honey_not_under_cupping(page: HelpPage) -> None:
    text = " ".join(page.safety_text.toPlainText().split())
    cupping = _section(text, "Cupping Do not use large jars", "Honey massage Use")
    honey = _section(text, "Honey massage Use", "When to see a doctor")
    assert "honey" not in cupping.lower()
    assert "Do not overdo it and listen to the person's feelings." in honey
    assert "Use high-quality honey." in honey
