"""The session page's views and their look: the empty view, the running view, fonts and colours.

:class:`SessionView` is mixed into :class:`~.page.SessionPage`; it makes the widgets
and styles them, and leaves what they show to :mod:`.render` and what they do to
:mod:`.page`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ... import shortcuts
from ...theme import ACCENT, TEAL, current_is_dark
from ...widgets.banner import Banner
from ...widgets.basics import plain_label
from ...widgets.illustration import Illustration
from ...widgets.items_panel import ItemsPanel
from ...widgets.ring import ProgressRing


def text_scale(widget: object) -> float:
    """The text-size setting as a factor (1.0 at 100 %)."""
    settings = getattr(widget, "settings", None)
    try:
        return max(1.0, int(settings.get("text_scale")) / 100) if settings is not None else 1.0
    except (TypeError, ValueError, KeyError):
        return 1.0


class SessionView:
    """The widgets of the session page and their style (a mixin: it uses the page's focus mode and actions)."""

    _focus_mode: bool

    if TYPE_CHECKING:

        def _toggle(self) -> None: ...

        def _next(self) -> None: ...

        def _previous(self) -> None: ...

        def _adjust(self, direction: int, override: bool) -> None: ...

        def _stop(self) -> None: ...

        def _snooze(self) -> None: ...

        def _place_item(self) -> None: ...

        def _remove_item(self) -> None: ...

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
        self.empty_keys = plain_label("", "muted")
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
        self.session_left = plain_label("", "muted")
        self.session_left.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header.addWidget(self.step_of)
        self.overall.setMinimumWidth(60)
        header.addWidget(self.overall, 1)
        header.addWidget(self.session_left, 1)
        root.addWidget(self.header)

        self.sleep_banner = Banner("sleep")
        self.cue_banner = Banner("cue")
        self.wait_banner = Banner("wait")
        self.wait_banner.dismiss.hide()
        self.log_banner = Banner("log")
        self.limit_banner = Banner("limit")
        self.limit_banner.dismiss.hide()  # it goes when the step ends
        root.addWidget(self.log_banner)
        root.addWidget(self.limit_banner)
        root.addWidget(self.sleep_banner)
        root.addWidget(self.cue_banner)
        root.addWidget(self.wait_banner)

        body = QHBoxLayout()
        body.setSpacing(20)
        self.illustration = Illustration()
        # On a step that times each jar, the jars sit with the picture: they matter more than it.
        self.items_panel = ItemsPanel()
        self.items_panel.hide()
        self.items_panel.place_requested.connect(self._place_item)
        self.items_panel.remove_requested.connect(self._remove_item)
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(self.illustration, 1)
        left.addWidget(self.items_panel)
        body.addLayout(left, 11)

        right = QVBoxLayout()
        right.setSpacing(6)
        self.title = plain_label("")
        self.title.setObjectName("StepTitle")
        self.title.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.suggested = plain_label("Suggested length — the article gives no duration for this step", "muted")
        self.ring = ProgressRing()
        self.ends_label = plain_label("", "muted", wrap=False)
        self.ends_label.setObjectName("EndsAt")
        self.ends_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
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
        self.focus_line = plain_label("")
        self.focus_line.setObjectName("FocusLine")
        self.focus_line.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.focus_line.hide()
        self.next_label = plain_label("", "muted")
        self.notice = plain_label("", "muted")
        self.notice.hide()
        right.addWidget(self.title)
        right.addWidget(self.suggested)
        right.addWidget(self.ring, 5)
        right.addWidget(self.ends_label)
        right.addWidget(self.instructions_area, 4)
        right.addWidget(self.focus_line)
        right.addWidget(self.next_label)
        self.right_column = QWidget()
        self.right_column.setLayout(right)
        self.right_column.setMinimumWidth(300)
        body.addWidget(self.right_column, 9)
        root.addLayout(body, 1)

        root.addWidget(self.notice)
        self.focus_keys = plain_label("", "muted")
        self.focus_keys.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.focus_keys.hide()
        root.addWidget(self.focus_keys)

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
        self.snooze_button = self._action_button("Snooze", "snooze", self._snooze)
        self.snooze_button.hide()
        self.stop_button = self._action_button("Stop", "stop", self._stop)
        self.stop_button.setProperty("session", "stop")
        row.addWidget(self.previous_button, 2)
        row.addWidget(self.less_button, 1)
        row.addWidget(self.toggle_button, 3)
        row.addWidget(self.more_button, 1)
        row.addWidget(self.next_button, 2)
        row.addWidget(self.snooze_button, 1)
        row.addSpacing(16)
        row.addWidget(self.stop_button, 1)
        root.addWidget(self.buttons_row)
        return page

    def _action_button(self, text: str, action: str, slot: Callable[[], None]) -> QPushButton:
        btn = QPushButton(text)
        btn.setProperty("session", "action")
        btn.setProperty("action", action)
        btn.setToolTip(shortcuts.tooltip(action))
        btn.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        btn.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        btn.clicked.connect(slot)
        return btn

    def _show_keys(self, keymap: shortcuts.KeyMap) -> None:
        """Tooltips and key hints from the keys the user has now."""
        for btn in self.buttons_row.findChildren(QPushButton):
            action = btn.property("action")
            if action:
                btn.setToolTip(keymap.tooltip(str(action)))

        def keys(action: str, most: int = 1) -> str:
            names = [shortcuts.shown_key(k) for k in keymap.keys(action)[:most]]
            return " or ".join(names) if names else "(no key)"

        hints = [
            (keys("toggle"), "start / pause"),
            (keys("next", 2), "next"),
            (keys("previous", 2), "back"),
            (f"{keys('more')} / {keys('less')}", "30 seconds"),
            (keys("stop"), "stop"),
        ]
        self.empty_keys.setText("During a session:  " + "  ·  ".join(f"{k} {what}" for k, what in hints))
        self.focus_keys.setText("  ·  ".join(f"{k} {what}" for k, what in hints) + f"  ·  {keys('focus')} leave")

    # ================================================================ style

    def retheme(self) -> None:
        """The window changed the scheme or the text size: colours and fonts follow."""
        self._apply_style()

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
            QFrame#SessionBanner[kind="log"], QFrame#SessionBanner[kind="limit"] {{
                background: {wait_bg}; border: 2px solid {danger};
            }}
            QLabel#EndsAt {{ font-size: {em(1.15)}; }}
            QFrame#ItemsPanel {{ border-radius: 8px; border: 1px solid {border}; }}
            QFrame#ItemChip {{ border-radius: 8px; border: 1px solid {border}; background: {button}; }}
            QFrame#ItemChip[state="due"] {{ border: 2px solid {ACCENT}; background: {wait_bg}; }}
            QFrame#ItemChip[state="off"] {{ background: transparent; }}
            QLabel#ItemName {{ font-weight: 600; }}
            QLabel#ItemTime {{ font-size: {em(1.6)}; font-weight: 700; }}
            QLabel#BannerText {{ font-size: {em(1.2)}; font-weight: 600; }}
            QLabel#StepTitle {{ font-size: {em(1.9)}; font-weight: 700; }}
            QProgressBar {{ border: none; border-radius: 4px; background: {border}; }}
            QProgressBar::chunk {{ border-radius: 4px; background: {teal}; }}
            """
        )
        self._apply_focus_fonts()
        self._fit_buttons()

    _BUTTON_TEXTS = {
        "toggle": ("Start", "Pause", "Resume", "Pause guidance", "Resume guidance"),
        "next": ("Next", "Done", "Finish"),
    }

    def _fit_buttons(self) -> None:
        """No button narrower than the longest word it can show (Start/Pause/Resume...)."""
        for btn in self.buttons_row.findChildren(QPushButton):
            btn.ensurePolished()
            texts = self._BUTTON_TEXTS.get(str(btn.property("action")), (btn.text(),))
            metrics = btn.fontMetrics()
            widest = max(metrics.horizontalAdvance(t) for t in texts)
            # A tenth more: the main action is drawn bold.
            btn.setMinimumWidth(round(widest * 1.1) + 2 * metrics.horizontalAdvance("M"))

    def _apply_focus_fonts(self) -> None:
        """Sizes that follow the window: the caregiver reads the instructions from two metres.

        The instruction text is at least 24 px (times the text size) and 3 % of the window's
        height; in focus mode, 4 %. Titles and hints in focus mode follow the height too.
        """
        base = QApplication.font()
        pt = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
        window = self.window() if isinstance(self, QWidget) else None
        height = window.height() if window is not None else 800
        scale = text_scale(self)
        if self._focus_mode:
            px = min(0.04 * height * scale, 0.07 * height)
            self.title.setStyleSheet(f"font-size: {max(pt * 2.6 * 96 / 72, 0.055 * height):.0f}px; font-weight: 700;")
            self.focus_line.setStyleSheet(f"font-size: {px:.0f}px;")
            self.next_label.setStyleSheet(f"font-size: {0.75 * px:.0f}px;")
            self.focus_keys.setStyleSheet(f"font-size: {max(0.5 * px, pt * 96 / 72):.0f}px;")
            self.step_of.setStyleSheet(f"font-size: {0.75 * px:.0f}px; font-weight: 700;")
        else:
            # Bigger text asked for makes it bigger, by half as much: the column is narrow.
            px = max(24.0, 0.03 * height) * (1 + (scale - 1) / 2)
            self.title.setStyleSheet("")
            self.instructions.setStyleSheet(f"font-size: {px:.0f}px;")
            for label in (self.focus_line, self.next_label, self.focus_keys, self.step_of):
                label.setStyleSheet("")

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
