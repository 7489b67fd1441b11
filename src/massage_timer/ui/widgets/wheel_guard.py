"""The mouse wheel scrolls the page; it changes a value only in the field that has the focus.

Qt's spin boxes, sliders and combo boxes take the wheel as soon as the pointer is over
them: scrolling down a long form changed a step's length or the speaking rate on the
way. :class:`WheelGuard`, installed once on the application, hands such a wheel event
to the scroll area around the widget instead (the page scrolls on) unless the widget has the focus,
and makes those widgets take the focus by click or Tab only, not by the wheel.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

VALUE_WIDGETS = (QAbstractSpinBox, QAbstractSlider, QComboBox)


class WheelGuard(QObject):
    """An application-wide event filter; see the module docstring."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            event.type() != QEvent.Type.Wheel
            or not isinstance(watched, VALUE_WIDGETS)
            or isinstance(watched, QScrollBar)  # scroll bars are for the wheel
        ):
            return False
        assert isinstance(watched, QWidget)
        if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        if watched.hasFocus():
            return False
        area = _scroll_area_of(watched)
        if area is not None:
            QApplication.sendEvent(area.viewport(), event)  # the page scrolls on
            return True
        event.ignore()  # nothing to scroll here: Qt offers the wheel to the parents
        return True


def _scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    return parent


def install_wheel_guard(app: QApplication) -> WheelGuard:
    """Install the guard on ``app`` once (it is kept as the application's child)."""
    guard = app.findChild(WheelGuard)
    if guard is None:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
    return guard
