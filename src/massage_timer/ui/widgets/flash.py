"""A brief wash of colour over a widget: a visual cue."""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, Qt, QVariantAnimation
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from ..theme import ACCENT

FLASH_MS = 400


class FlashOverlay(QWidget):
    """A brief wash of colour over the page: the visual cue at a step's end."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._alpha = 0.0
        self._color = QColor(ACCENT)
        self.flashes = 0
        self._anim = QVariantAnimation(self)
        self._anim.setStartValue(0.55)
        self._anim.setEndValue(0.0)
        self._anim.setDuration(FLASH_MS)
        self._anim.setEasingCurve(QEasingCurve.Type.OutCubic)
        self._anim.valueChanged.connect(self._on_value)
        self._anim.finished.connect(self.hide)
        self.hide()

    def flash(self, color: QColor | None = None) -> None:
        self.flashes += 1
        self._color = QColor(color or ACCENT)
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()
        self._anim.stop()
        self._anim.start()

    def _on_value(self, value: float) -> None:
        self._alpha = float(value)
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        if self._alpha <= 0:
            return
        painter = QPainter(self)
        color = QColor(self._color)
        color.setAlphaF(self._alpha)
        painter.fillRect(self.rect(), color)
        painter.end()
