"""The step's countdown: big digits inside a ring (or, in focus mode, above a bar).

The ring shows what it is given; it computes no time.
"""

from __future__ import annotations

import contextlib
import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..theme import ACCENT, TEAL, current_is_dark

MIN_RING = 150


class ProgressRing(QWidget):
    """The step's countdown: big digits inside a ring that fills as the step goes.

    It paints only when what it shows changes.
    """

    TONES = ("idle", "running", "soon", "paused", "over", "stopwatch")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fraction = 0.0
        self._text = "00:00"
        self._caption = ""
        self._tone = "idle"
        self._dot: int | None = None
        self._huge = False
        self.setMinimumSize(MIN_RING, MIN_RING)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)

    def text(self) -> str:
        return self._text

    def caption(self) -> str:
        return self._caption

    def tone(self) -> str:
        return self._tone

    def fraction(self) -> float:
        return self._fraction

    def sizeHint(self) -> QSize:
        return QSize(260, 260)

    def set_huge(self, on: bool) -> None:
        """Focus mode: digits as large as the widget allows, a bar instead of the ring."""
        if on != self._huge:
            self._huge = on
            self.update()

    def _digits_font(self, template: str, max_width: float, max_height: float) -> QFont:
        font = QFont(self.font())
        font.setWeight(QFont.Weight.DemiBold)
        with contextlib.suppress(AttributeError, TypeError):
            font.setFeature(QFont.Tag("tnum"), 1)  # tabular figures: digits do not wobble
        font.setPixelSize(100)
        metrics = QFontMetricsF(font)
        width = metrics.horizontalAdvance(template) or 1.0
        cap = metrics.capHeight() or 70.0
        pixel = min(100 * max_width / width, 100 * max_height / cap)
        font.setPixelSize(max(8, int(pixel)))
        return font

    def _paint_huge(self, painter: QPainter) -> None:
        track, arc, digits, caption = self._colors()
        w, h = self.width(), self.height()
        bar_h = max(8.0, h * 0.03)
        template = "".join("0" if ch.isdigit() else ch for ch in self._text)
        font = self._digits_font(template, w * 0.92, h * 0.55)
        metrics = QFontMetricsF(font)
        cap = metrics.capHeight()
        cfont = QFont(self.font())
        cfont.setPixelSize(max(self.fontInfo().pixelSize(), int(h * 0.06)))
        cm = QFontMetricsF(cfont)
        block = cap + h * 0.05 + cm.height()
        baseline = (h - bar_h * 3 - block) / 2 + cap
        painter.setFont(font)
        painter.setPen(digits)
        advance = metrics.horizontalAdvance(self._text)
        painter.drawText(QPointF((w - advance) / 2, baseline), self._text)
        if self._caption:
            painter.setFont(cfont)
            painter.setPen(caption)
            painter.drawText(
                QRectF(0, baseline + h * 0.05, w, cm.height()),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                self._caption,
            )
        bar = QRectF(w * 0.1, h - bar_h * 2, w * 0.8, bar_h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(bar, bar_h / 2, bar_h / 2)
        if self._tone != "stopwatch" and self._fraction > 0:
            painter.setBrush(arc)
            done = QRectF(bar.left(), bar.top(), max(bar_h, bar.width() * self._fraction), bar_h)
            painter.drawRoundedRect(done, bar_h / 2, bar_h / 2)

    def set_state(self, fraction: float, text: str, caption: str, tone: str, dot: int | None = None) -> None:
        """Show ``text`` (digits) and ``caption``; ``dot`` is a stopwatch's second hand (0-59)."""
        fraction = max(0.0, min(1.0, fraction))
        # A ring 1000 px round changes visibly at 1/2000; finer changes are not worth a repaint.
        same = (
            abs(fraction - self._fraction) < 0.0005
            and text == self._text
            and caption == self._caption
            and tone == self._tone
            and dot == self._dot
        )
        if same:
            return
        self._fraction, self._text, self._caption, self._tone, self._dot = (
            fraction,
            text,
            caption,
            tone,
            dot,
        )
        self.setAccessibleName(f"{text} {caption}".strip())
        self.update()

    def _colors(self) -> tuple[QColor, QColor, QColor, QColor]:
        """Track, arc, digits and caption colours for the current tone."""
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        dark = current_is_dark()
        track = QColor("#353c41") if dark else QColor("#dde2df")
        muted = QColor("#9aa3a8") if dark else QColor("#5d676c")
        teal = QColor("#3a9aa3") if dark else QColor(TEAL)
        accent = QColor(ACCENT)
        if self._tone == "over":
            return track, accent, accent, accent
        if self._tone == "soon":
            return track, accent, accent, muted
        if self._tone == "paused":
            return track, muted, muted, muted
        if self._tone == "idle":
            return track, teal, text, muted
        return track, teal, text, muted

    def paintEvent(self, _event: QPaintEvent) -> None:
        side = min(self.width(), self.height())
        if side <= 4:
            return
        track, arc, digits, caption = self._colors()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._huge:
            self._paint_huge(painter)
            painter.end()
            return
        pen_w = max(6.0, side * 0.055)
        rect = QRectF(
            (self.width() - side) / 2 + pen_w / 2,
            (self.height() - side) / 2 + pen_w / 2,
            side - pen_w,
            side - pen_w,
        )
        pen = QPen(track, pen_w)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawEllipse(rect)
        if self._tone != "stopwatch" and self._fraction > 0:
            pen.setColor(arc)
            painter.setPen(pen)
            span = -int(round(self._fraction * 360 * 16))
            painter.drawArc(rect, 90 * 16, span)
        if self._dot is not None:
            angle = math.radians(90 - self._dot * 6)
            r = rect.width() / 2
            centre = rect.center()
            point = QPointF(centre.x() + r * math.cos(angle), centre.y() - r * math.sin(angle))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(arc)
            painter.drawEllipse(point, pen_w * 0.5, pen_w * 0.5)

        inner = rect.width() - pen_w * 2
        centre = rect.center()
        # Digits: fit a template of zeros (not the live text) so the size never jumps.
        template = "".join("0" if ch.isdigit() else ch for ch in self._text)
        font = self._digits_font(template, inner * 0.74, inner * 0.26)
        metrics = QFontMetricsF(font)
        cap = metrics.capHeight()
        has_caption = bool(self._caption)
        lift = inner * 0.05 if has_caption else 0.0
        baseline = centre.y() + cap / 2 - lift
        painter.setFont(font)
        painter.setPen(digits)
        advance = metrics.horizontalAdvance(self._text)
        painter.drawText(QPointF(centre.x() - advance / 2, baseline), self._text)
        if has_caption:
            cfont = QFont(self.font())
            cfont.setPixelSize(max(self.fontInfo().pixelSize(), int(inner * 0.07)))
            painter.setFont(cfont)
            painter.setPen(caption)
            cm = QFontMetricsF(cfont)
            elided = cm.elidedText(self._caption, Qt.TextElideMode.ElideRight, inner * 0.8)
            top = baseline + inner * 0.07
            painter.drawText(
                QRectF(rect.left(), top, rect.width(), cm.height()),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                elided,
            )
        painter.end()
