"""The Session page: the running session, its cues, and the finish panel.

Nothing here measures time. Every number on screen comes from
:meth:`SessionController.snapshot`; the controller's signals only say *when*
to look again and which cue to give.

The session keys (see :mod:`.shortcuts`) are application-wide shortcuts, so
that they work wherever the keyboard focus is, including for a USB foot
pedal that types keys. They are on while a session is prepared or running
and this page is shown, and off on the finish panel so that notes can be
typed.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import (
    QEasingCurve,
    QEvent,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QVariantAnimation,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.durations import format_clock
from ...core.log import Store, StoreError
from ...core.session.engine import Outcome, Snapshot, State, StepRun
from .. import shortcuts
from ..services.cues import CuePlayer, spoken_duration
from ..services.keep_awake import KeepAwake
from ..session_controller import SessionController
from ..settings import Settings
from ..theme import ACCENT, TEAL, current_is_dark
from ..widgets.basics import ask, load_image, plain_label, reflow, tell

EXTRA_KEYS: dict[str, tuple[str, ...]] = {
    # Keys that some keyboards and pedals send for the same actions.
    "next": ("Enter",),
    "more_override": ("Shift+=",),
    "less_override": ("Shift+-",),
}

FLASH_MS = 400
MIN_RING = 150


# --------------------------------------------------------------- wording


def about_minutes(seconds: float) -> str:
    """``"about 33 min"``, ``"about 1 h 5 min"``, ``"under a minute"``."""
    minutes = math.ceil(max(0.0, seconds) / 60 - 1e-9)
    if minutes <= 0:
        return "no time"
    if seconds < 60:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"about {hours} h {minutes} min" if minutes else f"about {hours} h"
    return f"about {minutes} min"


def length_words(seconds: float) -> str:
    """A length for reading: ``"23 min"``, ``"1 h 5 min"``, ``"40 seconds"``."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


OUTCOME_WORDS = {
    Outcome.COMPLETED: "Done",
    Outcome.SKIPPED: "Ended early",
    Outcome.STOPPED: "Stopped",
    Outcome.RUNNING: "Running",
}


# --------------------------------------------------------------- pieces


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


class Banner(QFrame):
    """A message strip with a dismiss button (sleep notices, mid-step cues)."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SessionBanner")
        self.setProperty("kind", kind)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 8, 8)
        layout.setSpacing(10)
        self.label = plain_label("")
        self.label.setObjectName("BannerText")
        layout.addWidget(self.label, 1)
        self.dismiss = QPushButton("Dismiss")
        self.dismiss.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.dismiss.setToolTip("Hide this message")
        self.dismiss.clicked.connect(self.hide)
        layout.addWidget(self.dismiss, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_text(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()


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


# --------------------------------------------------------------- finish panel


class FinishPanel(QWidget):
    """What happened, pain after and notes; Save adds them to the logged session."""

    save_requested = Signal()
    close_requested = Signal()

    COLUMNS = ("Step", "Planned", "Actual", "Paused", "Changes", "Result")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 18, 24, 18)
        outer.setSpacing(10)

        self.title = plain_label("Session complete", "title")
        self.subtitle = plain_label("", "muted")
        self.saved_note = plain_label("", "ok")
        outer.addWidget(self.title)
        outer.addWidget(self.subtitle)
        outer.addWidget(self.saved_note)

        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(self.COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.table.setMinimumHeight(120)
        outer.addWidget(self.table, 3)

        pain_row = QHBoxLayout()
        pain_row.setSpacing(6)
        self.pain_label = plain_label("Pain now", "heading", wrap=False)
        self.pain_label.setToolTip("0 = no pain, 10 = the worst pain imaginable")
        pain_row.addWidget(self.pain_label)
        pain_row.addSpacing(8)
        self.pain_group = QButtonGroup(self)
        self.pain_group.setExclusive(True)
        self.pain_buttons: list[QPushButton] = []
        for value in range(11):
            btn = QPushButton(str(value))
            btn.setCheckable(True)
            btn.setProperty("session", "pain")
            btn.setToolTip(
                {0: "0: no pain", 5: "5: moderate pain", 10: "10: the worst pain imaginable"}.get(
                    value, f"Pain {value} of 10"
                )
            )
            btn.setAccessibleName(f"Pain {value} of 10")
            btn.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            btn.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.pain_group.addButton(btn, value)
            self.pain_buttons.append(btn)
            pain_row.addWidget(btn, 1)
        self.not_rated = QPushButton("Not rated")
        self.not_rated.setCheckable(True)
        self.not_rated.setChecked(True)
        self.not_rated.setProperty("session", "pain")
        self.not_rated.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.pain_group.addButton(self.not_rated, -1)
        pain_row.addSpacing(8)
        pain_row.addWidget(self.not_rated)
        outer.addLayout(pain_row)
        self.pain_hint = plain_label("0 = no pain · 10 = the worst pain imaginable", "muted")
        outer.addWidget(self.pain_hint)

        outer.addWidget(plain_label("Notes", "heading"))
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(
            "How did it go? Skin reactions, how the patient felt, anything to tell the doctor…"
        )
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(70)
        outer.addWidget(self.notes, 2)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save pain and notes")
        self.save_button.setProperty("session", "main")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_requested)
        self.close_button = QPushButton("Close")
        self.close_button.setProperty("session", "action")
        self.close_button.setToolTip("Leave this summary; the session stays in your history")
        self.close_button.clicked.connect(self.close_requested)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)

        self.pain_group.idToggled.connect(self._update_close_text)
        self.notes.textChanged.connect(self._update_close_text)

    # -- content ---------------------------------------------------------

    def show_runs(
        self,
        runs: Sequence[StepRun],
        *,
        stopped: bool,
        subtitle: str,
        saved_text: str,
        can_save: bool,
        pain_before: int | None,
    ) -> None:
        self.title.setText("Session stopped" if stopped else "Session complete")
        self.subtitle.setText(subtitle)
        self.saved_note.setText(saved_text)
        self.saved_note.setVisible(bool(saved_text))
        self.table.setRowCount(len(runs))
        for row, run in enumerate(runs):
            for col, text in enumerate(run_cells(run)):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        rows_h = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        frame = self.table.frameWidth() * 2
        self.table.setMaximumHeight(max(120, self.table.horizontalHeader().height() + rows_h + frame + 2))
        self.not_rated.setChecked(True)
        self.notes.clear()
        self.save_button.setEnabled(can_save)
        self.save_button.setToolTip(
            "Adds the pain rating and the notes to this session in your history"
            if can_save
            else "The session log is not available"
        )
        if pain_before is not None:
            self.pain_hint.setText(f"Before the session: {pain_before}.   0 = no pain · 10 = the worst pain imaginable")
        else:
            self.pain_hint.setText("0 = no pain · 10 = the worst pain imaginable")
        self._update_close_text()

    def pain(self) -> int | None:
        value = self.pain_group.checkedId()
        return value if value >= 0 else None

    def set_pain(self, value: int | None) -> None:
        (self.not_rated if value is None else self.pain_buttons[value]).setChecked(True)

    def has_input(self) -> bool:
        return self.pain() is not None or bool(self.notes.toPlainText().strip())

    def _update_close_text(self, *_args: object) -> None:
        self.close_button.setText("Discard notes" if self.has_input() else "Close")


def run_cells(run: StepRun) -> tuple[str, str, str, str, str, str]:
    """The finish table's cells for one step run."""
    if run.planned is None:
        planned = "untimed"
    elif run.initial_planned is not None and run.initial_planned != run.planned:
        planned = f"{format_clock(run.planned)} (was {format_clock(run.initial_planned)})"
    else:
        planned = format_clock(run.planned)
    actual = format_clock(run.active)
    if run.overrun >= 1:
        actual += f" ({format_clock(run.overrun)} over)"
    paused = format_clock(run.paused) if run.paused >= 1 else "—"
    changes = []
    if run.extensions:
        sign = "+" if run.adjusted >= 0 else "−"
        changes.append(f"{sign}{format_clock(abs(run.adjusted))} in {plural(run.extensions, 'change')}")
    if run.overridden:
        changes.append("beyond range")
    if run.slept >= 1:
        changes.append(f"computer asleep {length_words(run.slept)}")
    return (
        run.title,
        planned,
        actual,
        paused,
        "; ".join(changes) or "—",
        OUTCOME_WORDS.get(run.outcome, str(run.outcome)),
    )


# --------------------------------------------------------------- the page


class SessionPage(QWidget):
    """The guided session and its summary.

    Args:
        controller: runs the session (its engine, recorder and timer).
        settings: cue and display preferences.
        cues: plays sounds, speaks and notifies.
        store: the session log, for the finish panel's Save (None: no log).
    """

    saved = Signal(str)
    """The finish panel's pain and notes were saved for this session id."""
    closed = Signal()
    """The user left the finished session (or discarded one never started)."""
    focus_mode_changed = Signal(bool)

    EMPTY, RUNNING, FINISHED = 0, 1, 2

    def __init__(
        self,
        controller: SessionController,
        settings: Settings,
        cues: CuePlayer,
        store: Store | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.settings = settings
        self.cues = cues
        self.store = store
        self.keep_awake = KeepAwake()
        self.confirm: Callable[[QWidget, str, str, str, str], bool] = ask
        """The yes/no question (replaceable in tests)."""
        self._by_user = False
        self._focus_mode = False
        self._was_maximized = False
        self._warned_index: int | None = None
        self._finished_id: str | None = None
        self._finished_engine: object | None = None
        self._starting = False
        self._going_back = False
        self._image_ref: str | None = None
        self._last_snapshot: Snapshot | None = None

        self.stack = QStackedWidget(self)
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.addWidget(self.stack)
        self.stack.addWidget(self._build_empty())
        self.stack.addWidget(self._build_running())
        self.finish = FinishPanel()
        self.finish.save_requested.connect(self._save)
        self.finish.close_requested.connect(self._close_finished)
        self.stack.addWidget(self.finish)
        self.flash = FlashOverlay(self)

        self._shortcuts: list[QShortcut] = []
        self._build_shortcuts()
        self._apply_style()

        c = controller
        c.changed.connect(self._on_changed)
        c.session_started.connect(self._on_session_started)
        c.step_started.connect(self._on_step_started)
        c.cue_fired.connect(self._on_cue)
        c.seconds_left.connect(self._on_seconds_left)
        c.step_ended.connect(self._on_step_ended)
        c.waiting.connect(self._on_waiting)
        c.adjusted.connect(self._on_adjusted)
        c.slept.connect(self._on_slept)
        c.finished.connect(self._on_finished)
        c.stopped.connect(self._on_stopped)
        c.store_failed.connect(self._on_store_failed)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.keep_awake.release)
        self._on_changed()

    # ================================================================ build

    def _build_empty(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(40, 40, 40, 40)
        layout.addStretch(2)
        self.empty_title = plain_label("No session yet", "title")
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.empty_text = plain_label(
            "Choose a protocol on the Protocols page, check the safety questions "
            "and press Start there. "
            "The session then runs here.",
            "muted",
        )
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.empty_note = plain_label("", "ok")
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.empty_note.hide()
        keys = (
            "During a session:  Space start / pause  ·  N or → next  ·  B or ← back  ·  "
            "+ / − 30 seconds  ·  Esc stop  ·  F11 focus mode"
        )
        self.empty_keys = plain_label(keys, "muted")
        self.empty_keys.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        for w in (self.empty_title, self.empty_text, self.empty_note):
            layout.addWidget(w)
        layout.addSpacing(24)
        layout.addWidget(self.empty_keys)
        layout.addStretch(3)
        return page

    def _build_running(self) -> QWidget:
        page = QWidget()
        root = QVBoxLayout(page)
        root.setContentsMargins(18, 12, 18, 14)
        root.setSpacing(8)

        # header: step i of n, overall progress, time left in the session
        self.header = QWidget()
        header = QHBoxLayout(self.header)
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(14)
        self.step_of = plain_label("", "heading", wrap=False)
        self.overall = QProgressBar()
        self.overall.setTextVisible(False)
        self.overall.setFixedHeight(8)
        self.overall.setAccessibleName("Steps done")
        self.session_left = plain_label("", "muted", wrap=False)
        header.addWidget(self.step_of)
        header.addWidget(self.overall, 1)
        header.addWidget(self.session_left)
        root.addWidget(self.header)

        self.sleep_banner = Banner("sleep")
        self.cue_banner = Banner("cue")
        self.wait_banner = Banner("wait")
        self.wait_banner.dismiss.hide()
        self.log_banner = Banner("log")
        root.addWidget(self.log_banner)
        root.addWidget(self.sleep_banner)
        root.addWidget(self.cue_banner)
        root.addWidget(self.wait_banner)

        body = QHBoxLayout()
        body.setSpacing(20)
        self.illustration = Illustration()
        body.addWidget(self.illustration, 11)

        right = QVBoxLayout()
        right.setSpacing(6)
        self.title = plain_label("")
        self.title.setObjectName("StepTitle")
        self.title.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.suggested = plain_label("Suggested length — the article gives no duration for this step", "muted")
        self.ring = ProgressRing()
        self.instructions = plain_label("")
        self.instructions.setObjectName("Instructions")
        self.instructions.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.instructions_area = QScrollArea()
        self.instructions_area.setWidget(self.instructions)
        self.instructions_area.setWidgetResizable(True)
        self.instructions_area.setFrameShape(QFrame.Shape.NoFrame)
        self.instructions_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.instructions_area.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.instructions_area.setMinimumHeight(60)
        self.instructions_area.viewport().setAutoFillBackground(False)
        self.instructions.setAutoFillBackground(False)
        self.next_label = plain_label("", "muted")
        self.notice = plain_label("", "muted")
        self.notice.hide()
        right.addWidget(self.title)
        right.addWidget(self.suggested)
        right.addWidget(self.ring, 5)
        right.addWidget(self.instructions_area, 4)
        right.addWidget(self.next_label)
        self.right_column = QWidget()
        self.right_column.setLayout(right)
        self.right_column.setMinimumWidth(300)
        body.addWidget(self.right_column, 9)
        root.addLayout(body, 1)

        root.addWidget(self.notice)

        self.buttons_row = QWidget()
        row = QHBoxLayout(self.buttons_row)
        row.setContentsMargins(0, 4, 0, 0)
        row.setSpacing(8)
        self.previous_button = self._action_button("Previous", "previous", self._previous)
        self.less_button = self._action_button("−30 s", "less", lambda: self._adjust(-1, False))
        self.toggle_button = self._action_button("Start", "toggle", self._toggle)
        self.toggle_button.setProperty("session", "main")
        self.more_button = self._action_button("+30 s", "more", lambda: self._adjust(1, False))
        self.next_button = self._action_button("Next", "next", self._next)
        self.stop_button = self._action_button("Stop", "stop", self._stop)
        self.stop_button.setProperty("session", "stop")
        row.addWidget(self.previous_button, 2)
        row.addWidget(self.less_button, 1)
        row.addWidget(self.toggle_button, 3)
        row.addWidget(self.more_button, 1)
        row.addWidget(self.next_button, 2)
        row.addSpacing(16)
        row.addWidget(self.stop_button, 1)
        root.addWidget(self.buttons_row)
        return page

    def _action_button(self, text: str, action: str, slot: Callable[[], None]) -> QPushButton:
        btn = QPushButton(text)
        btn.setProperty("session", "action")
        btn.setToolTip(shortcuts.tooltip(action))
        btn.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        btn.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        btn.clicked.connect(slot)
        return btn

    def _build_shortcuts(self) -> None:
        handlers: dict[str, Callable[[], None]] = {
            "toggle": self._toggle,
            "next": self._next,
            "previous": self._previous,
            "more": lambda: self._adjust(1, False),
            "less": lambda: self._adjust(-1, False),
            "more_override": lambda: self._adjust(1, True),
            "less_override": lambda: self._adjust(-1, True),
            "stop": self._escape,
            "focus": self.toggle_focus_mode,
        }
        for sc in shortcuts.SESSION_SHORTCUTS:
            handler = handlers.get(sc.action)
            if handler is None:
                continue
            for key in (*sc.keys, *EXTRA_KEYS.get(sc.action, ())):
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
                shortcut.setAutoRepeat(sc.action in ("more", "less"))
                shortcut.activated.connect(handler)
                shortcut.setProperty("action", sc.action)
                self._shortcuts.append(shortcut)

    def _set_shortcuts_enabled(self, on: bool) -> None:
        for shortcut in self._shortcuts:
            shortcut.setEnabled(on)

    def shortcuts_enabled(self) -> bool:
        return bool(self._shortcuts) and self._shortcuts[0].isEnabled()

    # ================================================================ style

    def _apply_style(self) -> None:
        """Fonts and colours relative to the app font and the light/dark scheme."""
        base = QApplication.font()
        pt = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
        dark = current_is_dark()
        danger = "#e0675a" if dark else "#b3362b"
        teal = "#3a9aa3" if dark else TEAL
        teal_hover = "#45a9b2" if dark else "#318f97"
        teal_down = "#2f7f87" if dark else "#22686e"
        border = "#465057" if dark else "#c3cac6"
        button = "#2c3236" if dark else "#ffffff"
        button_hover = "#353c41" if dark else "#eef1ef"
        muted = "#7d868b" if dark else "#8a9397"
        banner_bg = "rgba(217, 130, 43, 0.16)"
        wait_bg = "rgba(217, 130, 43, 0.24)"
        sleep_bg = "rgba(58, 154, 163, 0.16)"

        def em(f: float) -> str:
            return f"{pt * f:.1f}pt"

        self.setStyleSheet(
            f"""
            QPushButton[session="action"], QPushButton[session="main"],
            QPushButton[session="stop"] {{
                font-size: {em(1.3)}; padding: 0.45em 0.7em; min-height: 2.1em; border-radius: 10px;
            }}
            QPushButton[session="action"], QPushButton[session="stop"],
            QPushButton[session="pain"] {{
                background: {button}; border: 1px solid {border};
            }}
            QPushButton[session="action"]:hover, QPushButton[session="stop"]:hover,
            QPushButton[session="pain"]:hover {{ background: {button_hover}; }}
            QPushButton[session="action"]:pressed, QPushButton[session="stop"]:pressed,
            QPushButton[session="pain"]:pressed {{ background: {border}; }}
            QPushButton[session="action"]:disabled, QPushButton[session="stop"]:disabled {{
                background: transparent; color: {muted};
            }}
            QPushButton[session="main"] {{
                background: {teal}; color: white; border: 1px solid {teal}; font-weight: 600;
            }}
            QPushButton[session="main"]:hover {{ background: {teal_hover}; }}
            QPushButton[session="main"]:pressed {{ background: {teal_down}; }}
            QPushButton[session="main"]:disabled {{ background: {border}; color: {muted}; }}
            QPushButton[session="stop"] {{ color: {danger}; }}
            QPushButton[session="pain"] {{
                font-size: {em(1.2)}; min-height: 2em; padding: 0.2em 0.4em; border-radius: 8px;
            }}
            QPushButton[session="pain"]:checked {{
                background: {teal}; color: white; border: 1px solid {teal};
            }}
            QFrame#SessionBanner {{
                border-radius: 8px; background: {banner_bg}; border: 1px solid {ACCENT};
            }}
            QFrame#SessionBanner[kind="sleep"] {{
                background: {sleep_bg}; border: 1px solid {teal};
            }}
            QFrame#SessionBanner[kind="wait"] {{
                background: {wait_bg}; border: 2px solid {ACCENT};
            }}
            QFrame#SessionBanner[kind="log"] {{
                background: {wait_bg}; border: 2px solid {danger};
            }}
            QLabel#BannerText {{ font-size: {em(1.2)}; font-weight: 600; }}
            QLabel#StepTitle {{ font-size: {em(1.9)}; font-weight: 700; }}
            QLabel#Instructions {{ font-size: {em(1.25)}; }}
            QProgressBar {{ border: none; border-radius: 4px; background: {border}; }}
            QProgressBar::chunk {{ border-radius: 4px; background: {teal}; }}
            """
        )
        self._apply_focus_fonts()

    def _apply_focus_fonts(self) -> None:
        base = QApplication.font()
        pt = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
        if self._focus_mode:
            self.title.setStyleSheet(f"font-size: {pt * 2.6:.1f}pt; font-weight: 700;")
        else:
            self.title.setStyleSheet("")

    def event(self, event: QEvent) -> bool:
        if event.type() in (
            QEvent.Type.ApplicationFontChange,
            QEvent.Type.ApplicationPaletteChange,
        ):
            self._apply_style()
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.flash.setGeometry(self.rect())
        super().resizeEvent(event)

    # ================================================================ state → screen

    def mode(self) -> int:
        return self.stack.currentIndex()

    def _show_mode(self, mode: int) -> None:
        if self.stack.currentIndex() != mode:
            self.stack.setCurrentIndex(mode)
        if self.shortcuts_enabled() != (mode == self.RUNNING):
            self._set_shortcuts_enabled(mode == self.RUNNING)

    def _on_changed(self) -> None:
        if self.mode() == self.FINISHED:
            engine = self.controller.engine
            if engine is None or engine is self._finished_engine:
                return
            # A new session was prepared while the last summary was open.
            self._leave_finished("")
        snap = self.controller.snapshot()
        if snap is None:
            self._show_mode(self.EMPTY)
            return
        if snap.state in (State.FINISHED, State.STOPPED):
            return  # the finished/stopped slot shows the summary
        if self.mode() == self.EMPTY:
            self.empty_note.hide()
            self._reset_running_view()
        self._show_mode(self.RUNNING)
        self._render(snap)

    def _reset_running_view(self) -> None:
        self.sleep_banner.hide()
        self.cue_banner.hide()
        self.wait_banner.hide()
        self._set_notice("")
        self._warned_index = None

    def _render(self, snap: Snapshot) -> None:
        """Draw everything from one snapshot."""
        self._last_snapshot = snap
        planned = snap.planned
        if planned is None:
            return
        state = snap.state
        step = planned.step
        loaded = self.controller.loaded

        # header
        self.step_of.setText(f"Step {snap.index + 1} of {snap.count}")
        if self.overall.maximum() != snap.count:
            self.overall.setRange(0, snap.count)
        done = snap.index + (1 if state is State.WAITING else 0)
        self.overall.setValue(done)
        left = about_minutes(snap.session_remaining) + " left in the session"
        if snap.session_remaining <= 0:
            left = "No timed steps left"
        if snap.untimed_left:
            left += f" (+ {plural(snap.untimed_left, 'untimed step')})"
        self.session_left.setText(left)

        # picture and text
        ref = snap.cue_image or planned.image
        if ref != self._image_ref:
            self._image_ref = ref
            path = loaded.resolve_image(ref) if loaded is not None and ref else None
            self.illustration.set_path(path)
            self.illustration.setVisible(path is not None and not self._focus_mode)
        self.title.setText(planned.title)
        suggested = bool(step.duration is not None and step.duration.suggested)
        self.suggested.setVisible(suggested and not self._focus_mode)
        self.instructions.setText(reflow(step.instructions))
        if snap.next_title:
            self.next_label.setText(f"Next: {snap.next_title}")
        else:
            self.next_label.setText("This is the last step")

        # the ring
        timed = planned.timed
        if state is State.IDLE:
            text = format_clock(snap.shown) if timed else "00:00"
            caption = "Press Start (Space)"
            self.ring.set_state(0.0, text, caption, "idle")
        elif state is State.WAITING:
            self.ring.set_state(1.0, "+" + format_clock(snap.shown), "Time is up", "over")
        elif not timed:
            tone = "paused" if state is State.PAUSED else "stopwatch"
            caption = "Paused" if state is State.PAUSED else "Stopwatch"
            self.ring.set_state(0.0, format_clock(snap.shown), caption, tone, dot=snap.shown % 60)
        else:
            if state is State.PAUSED:
                tone, caption = "paused", "Paused"
            elif self._warned_index == snap.index:
                tone, caption = "soon", "left"
            else:
                tone, caption = "running", "left"
            self.ring.set_state(snap.fraction, format_clock(snap.shown), caption, tone)

        # the waiting message
        if state is State.WAITING:
            if snap.next_title:
                what = f"Time is up — press Next to go on: {snap.next_title}"
            else:
                what = "Time is up — press Finish to end the session"
            if self.wait_banner.text() != what:
                self.wait_banner.show_text(what)
        elif not self.wait_banner.isHidden():
            self.wait_banner.hide()

        # buttons
        active = state in (State.RUNNING, State.PAUSED, State.WAITING)
        toggle_text = {State.IDLE: "Start", State.RUNNING: "Pause", State.PAUSED: "Resume"}.get(state, "Pause")
        self.toggle_button.setText(toggle_text)
        self.toggle_button.setEnabled(state in (State.IDLE, State.RUNNING, State.PAUSED))
        last = snap.next_title is None
        if last:
            next_text = "Finish"
        elif not timed and state is not State.IDLE:
            next_text = "Done"
        else:
            next_text = "Next"
        self.next_button.setText(next_text)
        self.next_button.setEnabled(active)
        self.previous_button.setEnabled(active)
        can_adjust = timed and state in (State.RUNNING, State.PAUSED)
        self.more_button.setEnabled(can_adjust)
        self.less_button.setEnabled(can_adjust)
        # The main action: Start/Pause, or Next/Done when the step waits for the caregiver.
        next_main = state is State.WAITING or (not timed and state is State.RUNNING)
        self._set_session_role(self.next_button, "main" if next_main else "action")
        self._set_session_role(self.toggle_button, "action" if next_main else "main")

    @staticmethod
    def _set_session_role(button: QPushButton, role: str) -> None:
        if button.property("session") == role:
            return
        button.setProperty("session", role)
        button.style().unpolish(button)
        button.style().polish(button)

    def _set_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text) and not self._focus_mode)

    # ================================================================ actions

    def _user(self, action: Callable[[], object]) -> object:
        """Run a user's action; cues for steps ended by the user are not rung."""
        self._by_user = True
        try:
            return action()
        finally:
            self._by_user = False

    def _toggle(self) -> None:
        if self.mode() == self.RUNNING:
            self._user(self.controller.toggle)

    def _next(self) -> None:
        if self.mode() == self.RUNNING:
            self._user(self.controller.next)

    def _previous(self) -> None:
        if self.mode() == self.RUNNING:
            self._going_back = True
            try:
                self._user(self.controller.previous)
            finally:
                self._going_back = False

    def _adjust(self, direction: int, override: bool) -> None:
        snap = self.controller.snapshot()
        if self.mode() != self.RUNNING or snap is None or snap.planned is None:
            return
        planned = snap.planned
        if not planned.timed or snap.state not in (State.RUNNING, State.PAUSED):
            self._set_notice("Only a running timed step can be made longer or shorter.")
            return
        delta = direction * shortcuts.ADJUST_STEP_SECONDS
        beyond = not self.controller.can_adjust(delta)
        if override and beyond:
            lo = format_clock(planned.min or 0)
            hi = format_clock(planned.max or 0)
            way = "longer than its longest" if delta > 0 else "shorter than its shortest"
            question = (
                f"The protocol gives this step {lo} to {hi}.\n\n"
                f"Make it {way} time anyway, by {shortcuts.ADJUST_STEP_SECONDS} seconds?"
            )
            if not self.confirm(self, "Go beyond the step's range?", question, "Yes, change it", "No"):
                return
            self._user(lambda: self.controller.adjust(delta, override=True))
            return
        applied = self._user(lambda: self.controller.adjust(delta))
        if applied:
            return
        if beyond and delta > 0:
            self._set_notice(
                f"This step is already at its longest ({format_clock(planned.max or 0)}). "
                "Hold Shift and press + to go beyond it."
            )
        elif beyond:
            self._set_notice(
                f"This step is already at its shortest ({format_clock(planned.min or 0)}). "
                "Hold Shift and press − to go below it."
            )
        else:
            self._set_notice("The step cannot end before the time already spent on it.")

    def _escape(self) -> None:
        if self._focus_mode:
            self.set_focus_mode(False)
            return
        self._stop()

    def _stop(self) -> None:
        snap = self.controller.snapshot()
        if self.mode() != self.RUNNING or snap is None:
            return
        if snap.state is State.IDLE:
            if self.confirm(
                self,
                "Leave this session?",
                "The session has not started, so nothing is saved. Leave it?",
                "Leave",
                "Stay",
            ):
                self.controller.discard()
                self.set_focus_mode(False)
                self._show_mode(self.EMPTY)
                self.closed.emit()
            return
        if self.confirm(
            self,
            "Stop the session?",
            "Stop the session? What was done so far is saved as stopped.",
            "Stop the session",
            "Keep going",
        ):
            self._user(self.controller.stop)

    # ================================================================ focus mode

    def focus_mode(self) -> bool:
        return self._focus_mode

    def toggle_focus_mode(self) -> None:
        self.set_focus_mode(not self._focus_mode)

    def set_focus_mode(self, on: bool) -> None:
        """Full screen with only the countdown, the title and the buttons."""
        if on == self._focus_mode:
            return
        if on and self.mode() != self.RUNNING:
            return
        self._focus_mode = on
        for widget in (self.header, self.instructions_area, self.next_label):
            widget.setVisible(not on)
        snap = self._last_snapshot
        step = snap.planned.step if snap is not None and snap.planned is not None else None
        self.suggested.setVisible(not on and step is not None and step.duration is not None and step.duration.suggested)
        self.illustration.setVisible(not on and self.illustration.path() is not None)
        self.notice.setVisible(not on and bool(self.notice.text()))
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter if on else Qt.AlignmentFlag.AlignLeft)
        self._apply_focus_fonts()
        self.ring.set_huge(on)
        window = self.window()
        if window is not None and window is not self:
            if on:
                self._was_maximized = window.isMaximized()
                window.showFullScreen()
            elif window.isFullScreen():
                if self._was_maximized:
                    window.showMaximized()
                else:
                    window.showNormal()
        self.focus_mode_changed.emit(on)

    # ================================================================ controller events

    def _on_session_started(self) -> None:
        self.empty_note.hide()
        self._starting = True
        if not self.keep_awake.inhibit("A massage session is running"):
            self._set_notice(f"The screen may dim during the session: {self.keep_awake.why_not}.")

    def _on_step_started(self, index: int) -> None:
        self.cue_banner.hide()
        if self._by_user:
            self.sleep_banner.hide()  # acted on: the step it spoke of is over
        self._warned_index = None
        snap = self.controller.snapshot()
        if snap is None or snap.planned is None or snap.index != index:
            return
        if self.notice.text() and not self.notice.text().startswith("The screen may dim"):
            self._set_notice("")
        planned = snap.planned
        length = spoken_duration(planned.planned) + "." if planned.timed else "Press Done when ready."
        prefix = "Starting" if self._starting else "Back to" if self._going_back else "Next"
        self._starting = False
        self.cues.speak(f"{prefix}: {planned.title}. {length}", after_sound=not self._by_user)

    def _on_step_ended(self, run: StepRun) -> None:
        if self._by_user or run.outcome is not Outcome.COMPLETED or not run.timed or run.overrun > 0:
            return
        # The step's time ran out and the session moved on by itself.
        self.cues.play("step_end")
        self.flash.flash()
        snap = self.controller.snapshot()
        if snap is not None and snap.planned is not None and snap.state not in (State.FINISHED, State.STOPPED):
            self.cues.notify("Next step", f"{run.title} is done. Next: {snap.planned.title}", self.window())

    def _on_waiting(self, _index: int) -> None:
        self.cue_banner.hide()
        snap = self.controller.snapshot()
        self.cues.play("step_end")
        self.flash.flash()
        if snap is None or snap.planned is None:
            return
        follow = f"Next: {snap.next_title}." if snap.next_title else "Press Finish to end the session."
        self.cues.speak(f"Time is up. {follow}", after_sound=True)
        self.cues.notify("Time is up", f"{snap.planned.title}: time is up. {follow}", self.window())

    def _on_cue(self, text: str, _cue: object) -> None:
        self.cues.play("mid")
        self.cue_banner.show_text(text)
        self.cues.speak(text, after_sound=True)
        self.cues.notify("Massage Timer", text, self.window())

    def _on_seconds_left(self, _seconds: int) -> None:
        snap = self.controller.snapshot()
        if snap is not None:
            self._warned_index = snap.index
            self._render(snap)
        self.cues.play("seconds_left")

    def _on_adjusted(self, planned: int, delta: int, beyond: bool) -> None:
        change = f"{'Added' if delta > 0 else 'Took away'} {length_words(abs(delta))}"
        note = f"{change}: this step now lasts {format_clock(planned)}"
        if beyond:
            note += " (beyond the protocol's range)"
        self._set_notice(note + ".")
        if delta > 0:
            # Adding time moves the end out of the warning window; the engine warns again later.
            self._warned_index = None

    def _on_slept(self, seconds: float, steps_ended: int) -> None:
        snap = self.controller.snapshot()
        what: str
        if snap is None or snap.state is State.FINISHED:
            what = "the session ended meanwhile"
        elif steps_ended:
            what = f"{plural(steps_ended, 'step')} ended meanwhile"
            if snap.state is State.WAITING:
                what += ", and this step's time is up"
        elif snap.state is State.WAITING:
            what = "this step's time is up"
        elif snap.remaining is not None:
            what = f"the current step has {length_words(snap.remaining)} left"
        else:
            what = "the stopwatch kept running"
        text = f"The computer was asleep for {length_words(seconds)}. The timer kept counting real time: {what}."
        self.sleep_banner.show_text(text)
        if self.mode() == self.FINISHED:
            self.finish.saved_note.setText(text + "\n" + self.finish.saved_note.text())

    def _on_store_failed(self, message: str) -> None:
        """The log could not be written: say so once; the session itself goes on."""
        self.log_banner.show_text(f"Not saved: {message}")

    def _on_finished(self, runs: tuple[StepRun, ...]) -> None:
        self.cues.speak("The session is complete.", after_sound=not self._by_user)
        self.cues.notify("Session complete", "The massage session is complete.", self.window())
        self._show_finish(runs, stopped=False)

    def _on_stopped(self, runs: tuple[StepRun, ...]) -> None:
        self._show_finish(runs, stopped=True)

    # ================================================================ finishing

    def _show_finish(self, runs: Sequence[StepRun], *, stopped: bool) -> None:
        self.keep_awake.release()
        self.cues.hide_tray()
        self.set_focus_mode(False)
        self._finished_id = self.controller.session_id
        self._finished_engine = self.controller.engine
        info = self.controller.info
        parts = []
        if info is not None:
            parts.append(info.protocol_title)
            parts.append(f"for {info.person}")
            if info.side and info.side != "both":
                parts.append(f"{info.side} side")
            elif info.side == "both":
                parts.append("both sides")
        done = sum(1 for r in runs if r.outcome is Outcome.COMPLETED)
        total_active = sum(r.active for r in runs)
        parts.append(f"{plural(done, 'step')} done")
        parts.append(f"{format_clock(total_active)} in all")
        recorder = self.controller.recorder
        unsaved = recorder is not None and recorder.unsaved
        can_save = self.store is not None and not self.store.read_only and self._finished_id is not None and not unsaved
        if unsaved and self._finished_id is not None:
            saved_text = (
                "Part of this session could not be written to the session log "
                f"({recorder.failure or 'a write failed'}). What was saved is in your history."
            )
        elif self.store is not None and self.store.read_only:
            saved_text = "The session log is open read-only, so this session is not kept."
        elif can_save:
            saved_text = (
                "This session is already saved in your history"
                + (" (marked as stopped)" if stopped else "")
                + ". Add how the pain is now and any notes, then press Save."
            )
        else:
            saved_text = "The session log is not available, so this session is not kept."
        pain_before = info.pain_before if info is not None else None
        self.finish.show_runs(
            runs,
            stopped=stopped,
            subtitle="  ·  ".join(parts),
            saved_text=saved_text,
            can_save=can_save,
            pain_before=pain_before,
        )
        self._show_mode(self.FINISHED)
        self.finish.notes.setFocus()

    def _save(self) -> None:
        sid = self._finished_id
        if self.store is None or sid is None:
            return
        try:
            self.store.update_session(sid, pain_after=self.finish.pain(), notes=self.finish.notes.toPlainText().strip())
        except StoreError as exc:
            # Keep the panel (and what was typed) so that nothing is lost; say why.
            tell(self, "Not saved", f"{exc}\n\nYour notes are still on the screen; try again later.", warning=True)
            return
        self._leave_finished("Saved. The session, its pain rating and notes are in your history.")
        self.saved.emit(sid)

    def _close_finished(self) -> None:
        if self.finish.has_input() and not self.confirm(
            self,
            "Discard the notes?",
            "The pain rating and notes you entered will not be saved. The session itself stays in your history.",
            "Discard",
            "Keep editing",
        ):
            return
        self._leave_finished("")
        self.closed.emit()

    def _leave_finished(self, note: str) -> None:
        self._finished_id = None
        self._finished_engine = None
        self.controller.discard()
        self._image_ref = None
        self.illustration.set_path(None)
        self.empty_note.setText(note)
        self.empty_note.setVisible(bool(note))
        self._show_mode(self.EMPTY)

    # ================================================================ for tests and the window

    def clock_text(self) -> str:
        """The digits the countdown shows now."""
        return self.ring.text()

    def release(self) -> None:
        """Give back the keep-awake request (the window calls this when closing)."""
        self.keep_awake.release()
