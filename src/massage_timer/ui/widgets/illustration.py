"""A step's picture, drawn at the widget's real size."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QSize
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from .basics import load_image


class Illustration(QWidget):
    """A step's picture, re-rendered crisply at the widget's real size."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._path: Path | None = None
        self._pixmap: QPixmap | None = None
        self._rendered_for: tuple[int, int, float] | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 150)

    def path(self) -> Path | None:
        return self._path

    def set_path(self, path: Path | None) -> None:
        if path == self._path:
            return
        self._path = path
        self._pixmap = None
        self._rendered_for = None
        self.setAccessibleName(f"Illustration {path.stem}" if path else "No illustration")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, 360)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._pixmap = None
        super().resizeEvent(event)

    def paintEvent(self, _event: QPaintEvent) -> None:
        if self._path is None:
            return
        ratio = self.devicePixelRatioF()
        key = (self.width(), self.height(), ratio)
        if self._pixmap is None or self._rendered_for != key:
            self._pixmap = load_image(self._path, self.size(), ratio)
            self._rendered_for = key
        if self._pixmap is None:
            return
        painter = QPainter(self)
        size = self._pixmap.deviceIndependentSize()
        x = (self.width() - size.width()) / 2
        y = (self.height() - size.height()) / 2
        painter.drawPixmap(QPointF(x, y), self._pixmap)
        painter.end()
