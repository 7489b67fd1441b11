"""Every main page at 1024×600, and at 200 % text on 1280×800: the main buttons in view, no sideways
scrolling; the window remembers being maximised."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QPushButton, QWidget

from massage_timer.core.protocols.library import Library
from massage_timer.ui.pages.setup import SetupDialog, SetupResult
from massage_timer.ui.settings import Settings
from massage_timer.ui.theme import apply_theme

SCREENS = [((1024, 600), 100), ((1280, 800), 200), ((1920, 1080), 100)]


def _in_view(widget: QWidget, top: QWidget) -> bool:
    """Whether the whole of ``widget`` is drawn inside ``top`` (not cut off, not scrolled away)."""
    if not widget.isVisible():
        return False
    where = QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())
    return top.rect().contains(where)


def _no_sideways_scrolling(top: QWidget) -> list[str]:
    return [
        area.objectName() or type(area).__name__
        for area in top.findChildren(QAbstractScrollArea)
        if area.isVisible() and area.horizontalScrollBar().isVisible()
    ]


@pytest.fixture
def sized(main_window, settings: Settings, qtbot):  # noqa: ANN001
    def size(screen: tuple[int, int], scale: int) -> None:
        settings.set("text_scale", scale)
        main_window.resize(*screen)
        QApplication.processEvents()
        assert main_window.size() == QSize(*screen), "the window must shrink to the screen"

    yield size
    apply_theme(QApplication.instance(), "light", 100)


@pytest.mark.parametrize(("screen", "scale"), SCREENS)
def test_session_controls_and_finish_save_are_in_view(main_window, library: Library, sized, screen, scale) -> None:  # noqa: ANN001
    sized(screen, scale)
    loaded = library.get("cupping-static")
    main_window.start_from_setup(loaded, SetupResult("Anna", "", None, "remission", None, {}, 5))
    page = main_window.page("session")
    QApplication.processEvents()
    for button in page.buttons_row.findChildren(QPushButton):
        if button.isHidden():  # shown only when it applies (Snooze, while a step waits)
            continue
        assert _in_view(button, main_window), button.text()
        assert button.width() >= button.fontMetrics().horizontalAdvance(button.text()), f"{button.text()} is cut"
    assert _no_sideways_scrolling(page) == []
    main_window.controller.toggle()
    main_window.controller.stop()
    QApplication.processEvents()
    assert _in_view(page.finish.save_button, main_window)
    assert _in_view(page.finish.close_button, main_window)


@pytest.mark.parametrize(("screen", "scale"), SCREENS)
def test_every_page_fits_without_sideways_scrolling(main_window, sized, screen, scale) -> None:  # noqa: ANN001
    sized(screen, scale)
    for key in ("protocols", "history", "settings", "help"):
        main_window.show_page(key)
        QApplication.processEvents()
        assert _no_sideways_scrolling(main_window.page(key)) == [], key
    protocols = main_window.page("protocols")
    main_window.show_page("protocols")
    QApplication.processEvents()
    prepare = protocols.detail.findChild(QPushButton, "PrepareButton") or next(
        b for b in protocols.detail.findChildren(QPushButton) if b.text().startswith("Prepare")
    )
    assert _in_view(prepare, main_window)


@pytest.mark.parametrize(("screen", "scale"), SCREENS)
def test_the_setup_sheet_fits_the_screen_with_its_buttons(
    qtbot, library: Library, settings: Settings, screen, scale
) -> None:  # noqa: ANN001
    settings.set("text_scale", scale)
    apply_theme(QApplication.instance(), "light", scale)
    try:
        dialog = SetupDialog(library.get("cupping-static"), settings, ["Anna"])
        qtbot.addWidget(dialog)
        dialog.fit_to(QSize(*screen))
        dialog.show()
        QApplication.processEvents()
        assert dialog.width() <= screen[0] and dialog.height() <= screen[1]
        assert _in_view(dialog.start_button, dialog)
        assert _no_sideways_scrolling(dialog) == []
    finally:
        apply_theme(QApplication.instance(), "light", 100)


def test_the_window_remembers_being_maximised(qtbot, main_window, data_dir, settings, store, library) -> None:  # noqa: ANN001
    from massage_timer.ui.main_window import MainWindow

    main_window.showMaximized()
    QApplication.processEvents()
    assert main_window.isMaximized()
    main_window.close()
    again = MainWindow(data_dir, settings, store, library)
    qtbot.addWidget(again)
    again.show()
    QApplication.processEvents()
    assert again.isMaximized()
    again.showNormal()
    again.resize(780, 560)
    again.move(40, 30)
    QApplication.processEvents()
    again.close()
    third = MainWindow(data_dir, settings, store, library)
    qtbot.addWidget(third)
    third.show()
    QApplication.processEvents()
    assert not third.isMaximized() and third.size() == QSize(780, 560)
