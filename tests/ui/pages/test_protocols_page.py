"""The protocol library page: cards, badges, broken files, details."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from massage_timer.core.protocols.library import load_library
from massage_timer.ui.pages.protocols import ProtocolsPage


def _texts(widget) -> str:  # noqa: ANN001
    return "\n".join(label.text() for label in widget.findChildren(QLabel))


def test_lists_every_builtin_with_stage_badges(qtbot, library) -> None:  # noqa: ANN001
    page = ProtocolsPage(library, "acute")
    qtbot.addWidget(page)
    assert page.list.count() == 5
    text = _texts(page.list)
    assert "Not for the acute stage" in text
    assert "Allowed in the acute stage" in text


def test_broken_and_user_files_are_listed_and_marked(qtbot, data_dir, tmp_path: Path) -> None:  # noqa: ANN001
    builtin = load_library(None).get("honey")
    assert builtin is not None
    text = builtin.path.read_text(encoding="utf-8").replace('title = "Honey massage"', 'title = "My honey"')
    (data_dir.protocols / "honey.toml").write_text(text, encoding="utf-8")
    (data_dir.protocols / "broken.toml").write_text("schema = 1\nid = \n", encoding="utf-8")
    library = load_library(data_dir.protocols)
    page = ProtocolsPage(library, "remission", str(data_dir.protocols))
    qtbot.addWidget(page)
    assert page.list.count() == 6  # 5 built-ins (honey replaced) + the broken file
    text = _texts(page.list)
    assert "Your protocol, replaces the built-in" in text
    assert "broken.toml" in text and "Cannot be used" in text
    assert "line 2" in text
    page.select("broken")
    assert "cannot be used" in _texts(page.detail).lower()


def test_detail_pane_shows_steps_and_prepare_emits(qtbot, library) -> None:  # noqa: ANN001
    page = ProtocolsPage(library, "remission")
    qtbot.addWidget(page)
    assert page.select("cupping-static")
    text = _texts(page.detail)
    for step in library.get("cupping-static").protocol.steps:
        assert step.title in text
    assert "10m – 20m" in text

    def thumbs() -> list[QLabel]:
        return [label for label in page.detail.findChildren(QLabel) if label.pixmap() and not label.pixmap().isNull()]

    # Illustrations are drawn just after the pane appears.
    qtbot.waitUntil(lambda: len(thumbs()) >= len(library.get("cupping-static").protocol.steps))
    prepare = page.detail.findChild(QPushButton, "PrepareButton")
    with qtbot.waitSignal(page.start_requested) as blocker:
        prepare.click()
    assert blocker.args[0].protocol.id == "cupping-static"


def test_protocol_text_is_shown_literally(qtbot, data_dir) -> None:  # noqa: ANN001
    builtin = load_library(None).get("honey")
    text = builtin.path.read_text(encoding="utf-8").replace(
        'title = "Honey massage"', "title = \"<b>Bold</b> <img src='/etc/passwd'>\""
    )
    (data_dir.protocols / "honey.toml").write_text(text, encoding="utf-8")
    page = ProtocolsPage(load_library(data_dir.protocols), "remission")
    qtbot.addWidget(page)
    page.select("honey")
    labels = [lab for lab in page.detail.findChildren(QLabel) if "<b>Bold</b>" in lab.text()]
    assert labels
    from PySide6.QtCore import Qt

    assert all(lab.textFormat() == Qt.TextFormat.PlainText for lab in labels)


def test_overview_picture_is_shown_with_the_details(qtbot, library) -> None:  # noqa: ANN001
    page = ProtocolsPage(library, "remission")
    qtbot.addWidget(page)
    assert page.select("acupressure")
    picture = page.detail.findChild(QLabel, "OverviewImage")
    assert picture is not None
    assert picture.pixmap().isNull()  # its place is kept; it is drawn just after the pane appears
    qtbot.waitUntil(lambda: not picture.pixmap().isNull())
    assert picture.pixmap().deviceIndependentSize().toSize() == picture.size()
    assert page.select("honey")
    assert page.detail.findChild(QLabel, "OverviewImage") is None


def test_cards_fit_the_list_after_a_stage_change_or_reload(qtbot, library) -> None:  # noqa: ANN001
    """Rebuilt cards (stage toggle, F5) are as tall as their text needs at the list's width."""
    page = ProtocolsPage(library, "remission")
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    qtbot.waitExposed(page)

    def cut_cards() -> list[str]:
        width = page.list.viewport().width() - 2 * page.list.spacing()
        cut = []
        for i in range(page.list.count()):
            item = page.list.item(i)
            card = page.list.itemWidget(item)
            if item.sizeHint().height() < card.heightForWidth(width) or item.sizeHint().width() > width:
                cut.append(item.data(Qt.ItemDataRole.UserRole))
        return cut

    assert cut_cards() == []
    for button in page.stage_group.buttons():
        if button.property("value") == "acute":
            button.click()
    assert cut_cards() == []
    page.set_library(library)  # what Reload does
    assert cut_cards() == []
