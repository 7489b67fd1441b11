"""The mini timer: a small always-on-top window with one row per session, read from across the room.

Drawing only: it is given the sessions' overviews (:meth:`MiniTimer.set_overview`) and says when it
was clicked without a drag (:attr:`MiniTimer.activated`: the main window comes back). Dragging
anywhere moves it (the window system's own move where it offers one, as on Wayland); where it was
left is :attr:`MiniTimer.position`, which the caller saves and gives back.

It hides itself while no session is on (an empty overview) and comes back with the next one, as
long as it is wanted (:meth:`MiniTimer.set_wanted`). A row whose session needs the caregiver is
drawn in the theme's warning colour. Sizes follow the application font (the text-size setting).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QMouseEvent, QMoveEvent
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ....core.session.manager import SessionOverview
from ...theme import ACCENT, current_is_dark
from .words import row_text


class MiniRow(QFrame):
    """One session: its name and the time left in large digits, the step and next cue below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MiniRow")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 5, 10, 7)
        outer.setSpacing(0)
        top = QHBoxLayout()
        top.setSpacing(10)
        self.name = QLabel()
        self.name.setObjectName("MiniName")
        self.name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.big = QLabel()
        self.big.setObjectName("MiniBig")
        self.big.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.name, 1, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.big, 0)
        outer.addLayout(top)
        self.small = QLabel()
        self.small.setObjectName("MiniSmall")
        self.small.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        outer.addWidget(self.small)
        for label in (self.name, self.big, self.small):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self._texts = ("", "")

    def show_overview(self, o: SessionOverview) -> None:
        text = row_text(o)
        self._texts = (text.name, text.small)
        self.big.setText(text.big)
        word = not text.big[:1].isdigit()
        if bool(self.big.property("word")) != word:
            self.big.setProperty("word", word)
            self.big.style().unpolish(self.big)
            self.big.style().polish(self.big)
        self._fit()
        self.setAccessibleName(f"{text.name}: {text.big}, {text.small}")
        if bool(self.property("attention")) != o.attention:
            self.setProperty("attention", o.attention)
            for w in (self, self.name, self.big, self.small):
                w.style().unpolish(w)
                w.style().polish(w)

    def texts(self) -> tuple[str, str, str]:
        """(name, large text, small line) as given, before shortening to the width."""
        return self._texts[0], self.big.text(), self._texts[1]

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        for label, full in ((self.name, self._texts[0]), (self.small, self._texts[1])):
            label.setText(label.fontMetrics().elidedText(full, Qt.TextElideMode.ElideRight, max(20, label.width())))


class MiniTimer(QWidget):
    """The sessions at a glance in a small frameless window that stays on top (see the module)."""

    activated = Signal()
    """Clicked without a drag: bring the main window back."""
    moved = Signal(QPoint)
    """Dragged to a new place (its top-left corner), for the caller to save."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.FramelessWindowHint)
        self.setWindowTitle("Massage Timer")
        self.setObjectName("MiniTimer")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setToolTip("Click to show Massage Timer; drag to move")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._layout.setSpacing(4)
        self._rows: list[MiniRow] = []
        self._wanted = False
        self._has_sessions = False
        self._press: QPoint | None = None
        self._dragging = False
        self._position: QPoint | None = None
        self._big_height = 0
        self.retheme()

    # ------------------------------------------------------------ contents

    def set_overview(self, overviews: Sequence[SessionOverview]) -> None:
        """One row per session, in this order; hides the window while there is none."""
        while len(self._rows) > len(overviews):
            row = self._rows.pop()
            self._layout.removeWidget(row)
            row.deleteLater()
        while len(self._rows) < len(overviews):
            row = MiniRow(self)
            self._layout.addWidget(row)
            self._rows.append(row)
        for row, o in zip(self._rows, overviews, strict=True):
            row.big.setMinimumHeight(self._big_height)  # a row in words is as tall as one in digits
            row.show_overview(o)
        self._has_sessions = bool(overviews)
        self.adjustSize()
        self._update_shown()

    def rows(self) -> list[MiniRow]:
        return list(self._rows)

    def set_wanted(self, on: bool) -> None:
        """Whether the user wants the mini timer: it shows while wanted and a session is on."""
        self._wanted = bool(on)
        self._update_shown()

    def wanted(self) -> bool:
        return self._wanted

    def _update_shown(self) -> None:
        show = self._wanted and self._has_sessions
        if show and not self.isVisible():
            if self._position is not None:
                self.move(self._position)
            self.show()
        elif not show and self.isVisible():
            self.hide()

    # ------------------------------------------------------------ place

    @property
    def position(self) -> QPoint | None:
        """Where the window was left (top-left), or None when it was never placed."""
        return self._position

    @position.setter
    def position(self, point: QPoint | None) -> None:
        self._position = QPoint(point) if point is not None else None
        if point is not None:
            self.move(point)

    def moveEvent(self, event: QMoveEvent) -> None:  # noqa: N802 - Qt override
        super().moveEvent(event)
        if self.isVisible() and self._position != event.pos():
            self._position = QPoint(event.pos())
            self.moved.emit(QPoint(event.pos()))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.globalPosition().toPoint()
            self._dragging = False
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._press is None:
            return
        now = event.globalPosition().toPoint()
        if not self._dragging and (now - self._press).manhattanLength() >= QApplication.startDragDistance():
            self._dragging = True
            handle = self.windowHandle()
            if handle is not None and handle.startSystemMove():
                self._press = None  # the window system moves it from here on
                return
        if self._dragging:
            self.move(self.pos() + now - self._press)
            self._press = now
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            clicked = self._press is not None and not self._dragging
            self._press = None
            self._dragging = False
            if clicked and self.rect().contains(event.position().toPoint()):
                self.activated.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    # ------------------------------------------------------------ look

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.ApplicationPaletteChange, QEvent.Type.ApplicationFontChange):
            self.retheme()
        return super().event(event)

    def retheme(self) -> None:
        """Colours for the light or dark scheme, sizes from the application font."""
        base = QApplication.font()
        pt = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
        dark = current_is_dark()
        bg = "#23292c" if dark else "#fbfcfb"
        border = "#5a656b" if dark else "#9aa5a0"
        text = "#eef1f0" if dark else "#1d2427"
        muted = "#aab3b7" if dark else "#55606a"
        warn_bg = "rgba(217, 130, 43, 0.30)" if dark else "rgba(217, 130, 43, 0.18)"
        warn_text = "#ffb66b" if dark else "#9a4f08"
        self.setStyleSheet(
            f"""
            QWidget#MiniTimer {{ background: {bg}; border: 1px solid {border}; }}
            QFrame#MiniRow {{ border-radius: 8px; background: transparent; border: 2px solid transparent; }}
            QFrame#MiniRow[attention="true"] {{ background: {warn_bg}; border: 2px solid {ACCENT}; }}
            QLabel {{ background: transparent; color: {text}; }}
            QLabel#MiniName {{ font-size: {pt * 1.25:.1f}pt; font-weight: 700; }}
            QLabel#MiniBig {{ font-size: {pt * 2.4:.1f}pt; font-weight: 700; }}
            QLabel#MiniBig[word="true"] {{ font-size: {pt * 1.7:.1f}pt; }}
            QLabel#MiniSmall {{ font-size: {pt * 0.95:.1f}pt; color: {muted}; }}
            QFrame#MiniRow[attention="true"] QLabel#MiniBig {{ color: {warn_text}; }}
            QFrame#MiniRow[attention="true"] QLabel#MiniSmall {{ color: {text}; font-weight: 600; }}
            """
        )
        digits = QFont(base)
        digits.setPointSizeF(pt * 2.4)
        digits.setBold(True)
        self._big_height = QFontMetrics(digits).height()
        for row in self._rows:
            row.big.setMinimumHeight(self._big_height)
        self.setMinimumWidth(round(pt * 29))
        self.adjustSize()
