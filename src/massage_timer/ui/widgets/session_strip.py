"""The strip of sessions: one chip per session on at the same time, the one on screen highlighted.

Drawing only: it is given each session's overview (plain values, see
:class:`~massage_timer.core.session.manager.SessionOverview`) and says which chip was clicked
(:attr:`SessionStrip.chosen`). A chip whose session needs the caregiver (its step waits, an
item's time is up, it ended and its notes are not saved yet, or it rang in the background) is
drawn in the theme's warning colour. Below the chips, the latest background notice ("Anna:
remove the jars") stays until its session is looked at.

Sizes follow the application font (and so the text-size setting): the chips are read from
across the room.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ...core.durations import format_clock
from ...core.session.events import State
from ...core.session.manager import SessionOverview
from ..theme import ACCENT, TEAL, current_is_dark


def status_text(o: SessionOverview) -> str:
    """The chip's second line: "Step 3 of 5 · 04:12 left", "Step 2 of 4 · waiting for you"…"""
    step = o.step_index + 1
    if o.state is State.FINISHED:
        return "Finished — notes to save"
    if o.state is State.STOPPED:
        return "Stopped — notes to save"
    if o.state is State.IDLE:
        return "Ready to start"
    if o.state is State.WAITING:
        return f"Step {step} of {o.step_count} · waiting for you"
    if o.attention:
        return f"Step {step} of {o.step_count} · time is up"
    if o.state is State.PAUSED:
        return f"Step {step} of {o.step_count} · paused"
    if o.seconds_left is None:
        return f"Step {step} of {o.step_count} · stopwatch"
    return f"Step {step} of {o.step_count} · {format_clock(math.ceil(o.seconds_left - 1e-9))} left"


class _ElidedLabel(QLabel):
    """A one-line label that shortens its text with "…" to the width it gets."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def set_full_text(self, text: str) -> None:
        if text != self._full:
            self._full = text
            self._fit()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(10, self.width()))
        if shown != self.text():
            self.setText(shown)
        self.setToolTip(self._full if shown != self._full else "")


class SessionChip(QFrame):
    """One session: whose, and where it is. A click puts it on screen."""

    clicked = Signal(str)

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("SessionChip")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 4, 12, 4)
        layout.setSpacing(0)
        self.name = _ElidedLabel()
        self.name.setObjectName("ChipName")
        self.status = _ElidedLabel()
        self.status.setObjectName("ChipStatus")
        layout.addWidget(self.name)
        layout.addWidget(self.status)
        self._overview: SessionOverview | None = None

    def show_overview(self, o: SessionOverview, current: bool) -> None:
        self._overview = o
        self.name.set_full_text(o.label)
        self.status.set_full_text(status_text(o))
        self.setAccessibleName(f"{o.label}: {status_text(o)}")
        self._set_property("current", current)
        self._set_property("attention", o.attention)

    def overview(self) -> SessionOverview | None:
        return self._overview

    def _set_property(self, name: str, on: bool) -> None:
        if bool(self.property(name)) == on:
            return
        self.setProperty(name, on)
        for widget in (self, self.name, self.status):
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit(self.key)
            event.accept()
            return
        super().mouseReleaseEvent(event)


class SessionStrip(QFrame):
    """The chips of every session, and the latest notice from a session in the background."""

    chosen = Signal(str)
    """The key of the session whose chip was clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SessionStrip")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 4)
        outer.setSpacing(6)
        self._row = QHBoxLayout()
        self._row.setSpacing(8)
        outer.addLayout(self._row)
        self.notice = QLabel("")
        self.notice.setObjectName("StripNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        outer.addWidget(self.notice)
        self._chips: dict[str, SessionChip] = {}
        self._notices: dict[str, str] = {}
        self._hint = ""
        self.retheme()

    # ------------------------------------------------------------ contents

    def set_sessions(self, overviews: Sequence[SessionOverview], current: str, hint: str = "") -> None:
        """Draw a chip per session (in this order), ``current`` highlighted; ``hint`` is each chip's tooltip."""
        keys = [o.key for o in overviews]
        for key in [k for k in self._chips if k not in keys]:
            chip = self._chips.pop(key)
            self._row.removeWidget(chip)
            chip.deleteLater()
            self._notices.pop(key, None)
        for i, o in enumerate(overviews):
            chip = self._chips.get(o.key)
            if chip is None:
                chip = SessionChip(o.key)
                chip.clicked.connect(self.chosen.emit)
                self._chips[o.key] = chip
            if self._row.indexOf(chip) != i:
                self._row.insertWidget(i, chip, 1)
            chip.show_overview(o, o.key == current)
            chip.setToolTip(hint if o.key != current else "")
        self._hint = hint
        self.clear_notice(current)

    def chips(self) -> list[SessionChip]:
        """The chips, in the order shown."""
        return [w for i in range(self._row.count()) if isinstance(w := self._row.itemAt(i).widget(), SessionChip)]

    def chip(self, key: str) -> SessionChip | None:
        return self._chips.get(key)

    def show_notice(self, key: str, text: str) -> None:
        """Say ``text`` below the chips until the session ``key`` is looked at (or it goes)."""
        self._notices.pop(key, None)
        self._notices[key] = text
        self._show_latest()

    def clear_notice(self, key: str) -> None:
        if self._notices.pop(key, None) is not None:
            self._show_latest()

    def notice_text(self) -> str:
        return "" if self.notice.isHidden() else self.notice.text()

    def _show_latest(self) -> None:
        latest = next(reversed(self._notices.values()), "") if self._notices else ""
        self.notice.setText(latest)
        self.notice.setVisible(bool(latest))

    # ------------------------------------------------------------ look

    def retheme(self) -> None:
        """Colours for the light or dark scheme, sizes from the application font."""
        base = QApplication.font()
        pt = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
        dark = current_is_dark()
        border = "#465057" if dark else "#c3cac6"
        chip_bg = "#2c3236" if dark else "#ffffff"
        teal = "#3a9aa3" if dark else TEAL
        current_bg = "rgba(58, 154, 163, 0.22)" if dark else "rgba(42, 127, 134, 0.12)"
        warn_bg = "rgba(217, 130, 43, 0.24)"
        muted = "#a3abb0" if dark else "#5d666b"
        self.setStyleSheet(
            f"""
            QFrame#SessionChip {{ border: 1px solid {border}; border-radius: 10px; background: {chip_bg}; }}
            QFrame#SessionChip[current="true"] {{ border: 3px solid {teal}; background: {current_bg}; }}
            QFrame#SessionChip[attention="true"] {{ border: 3px solid {ACCENT}; background: {warn_bg}; }}
            QLabel#ChipName {{ font-size: {pt * 1.45:.1f}pt; font-weight: 700; background: transparent; }}
            QLabel#ChipStatus {{ font-size: {pt * 1.2:.1f}pt; color: {muted}; background: transparent; }}
            QFrame#SessionChip[attention="true"] QLabel#ChipStatus {{ font-weight: 600; }}
            QLabel#StripNotice {{
                font-size: {pt * 1.2:.1f}pt; font-weight: 600; padding: 6px 12px; border-radius: 8px;
                background: {warn_bg}; border: 2px solid {ACCENT};
            }}
            """
        )
