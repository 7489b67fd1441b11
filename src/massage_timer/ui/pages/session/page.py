"""The session page: the controller's signals wired to the screen, keys and buttons to the controller.

:class:`SessionPage` is built from mixins, one job each (see the package's docstring);
what is left here is the wiring, the user's actions, which view shows, and focus mode.

The session keys (see :mod:`massage_timer.ui.shortcuts`) are application-wide
shortcuts, so that they work wherever the keyboard focus is, including for a USB
foot pedal that types keys. They are on while a session is prepared or running
and this page is shown, and off on the finish panel so that notes can be typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from ....core.durations import format_clock
from ....core.log import Store
from ....core.session.events import Snapshot, State
from ... import shortcuts
from ...services.cues import CuePlayer
from ...services.keep_awake import KeepAwake
from ...session_controller import SessionController
from ...settings import Settings
from ...widgets.basics import ask, choose
from ...widgets.flash import FlashOverlay
from ...widgets.session_strip import SessionStrip
from .events import ControllerEvents
from .finish import FinishPanel
from .render import SnapshotRenderer
from .summary import FinishFlow
from .view import SessionView
from .wording import snooze_minutes

NO_SOUND_NOTICE = (
    "No sound device: the end of each step will only show on the screen (it flashes). "
    "Stay where you can see it, or connect speakers."
)


class SessionPage(SessionView, SnapshotRenderer, ControllerEvents, FinishFlow, QWidget):
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
    mini_timer_requested = Signal()
    """The mini timer's key: show or hide it (the window owns it)."""

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
        self.choose: Callable[[QWidget, str, str, Sequence[str]], int | None] = choose
        """A question with several answers, the last one the safe one (replaceable in tests)."""
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
        root.setSpacing(0)
        # Several sessions at once: a chip for each, above the step (see _update_strip).
        self.strip = SessionStrip()
        self.strip.layout().setContentsMargins(18, 8, 18, 0)
        self.strip.chosen.connect(self._choose_session)
        self.strip.hide()
        root.addWidget(self.strip)
        root.addWidget(self.stack)
        self.stack.addWidget(self._build_empty())
        self.stack.addWidget(self._build_running())
        self.finish = FinishPanel(settings=settings)
        self.finish.save_requested.connect(self._save)
        self.finish.sign_requested.connect(self._save_and_sign)
        self.finish.close_requested.connect(self._close_finished)
        self._guard_summary_buttons()
        self.stack.addWidget(self.finish)
        self.flash = FlashOverlay(self)

        self._shortcuts: list[QShortcut] = []
        self._build_shortcuts()
        settings.changed.connect(self._on_setting)
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
        c.reminder.connect(self._on_reminder)
        c.snoozed.connect(self._on_snoozed)
        c.body_limit_passed.connect(self._on_body_limit)
        c.item_placed.connect(self._on_item_placed)
        c.item_due.connect(self._on_item_due)
        c.item_reminder.connect(self._on_item_reminder)
        c.item_removed.connect(self._on_item_removed)
        c.item_past_max.connect(self._on_item_past_max)
        c.finished.connect(self._on_finished)
        c.stopped.connect(self._on_stopped)
        c.store_failed.connect(self._on_store_failed)
        c.current_changed.connect(self._on_current_changed)
        c.sessions_changed.connect(self._update_strip)
        c.background_event.connect(self._on_background_event)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.keep_awake.release)
        self._on_changed()

    # ================================================================ keys

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
            "snooze": self._snooze,
            "place_item": self._place_item,
            "remove_item": self._remove_item,
            "focus": self.toggle_focus_mode,
            "switch_session": self._switch_next,
            "mini_timer": self.mini_timer_requested.emit,
        }
        enabled = self.shortcuts_enabled() if self._shortcuts else True
        for shortcut in self._shortcuts:
            shortcut.setEnabled(False)
            shortcut.setParent(None)
            shortcut.deleteLater()
        self._shortcuts = []
        keymap = self.keymap = shortcuts.KeyMap(self.settings.chosen_keys())
        for sc in shortcuts.SESSION_SHORTCUTS:
            handler = handlers.get(sc.action)
            if handler is None:
                continue
            for key in keymap.sequences(sc.action):
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
                shortcut.setAutoRepeat(sc.action in ("more", "less"))
                shortcut.activated.connect(handler)
                shortcut.setProperty("action", sc.action)
                shortcut.setEnabled(enabled)
                self._shortcuts.append(shortcut)
        self._show_keys(keymap)

    def _set_shortcuts_enabled(self, on: bool) -> None:
        for shortcut in self._shortcuts:
            shortcut.setEnabled(on)

    def shortcuts_enabled(self) -> bool:
        return bool(self._shortcuts) and self._shortcuts[0].isEnabled()

    def _on_setting(self, key: str) -> None:
        if key == "keys":
            self._build_shortcuts()
        elif key == "text_scale":
            self._apply_focus_fonts()

    # ================================================================ Qt events

    def event(self, event: QEvent) -> bool:
        if event.type() in (
            QEvent.Type.ApplicationFontChange,
            QEvent.Type.ApplicationPaletteChange,
        ):
            self._apply_style()
            self.strip.retheme()
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.flash.setGeometry(self.rect())
        super().resizeEvent(event)
        if event.oldSize().height() != event.size().height():
            self._apply_focus_fonts()

    # ================================================================ state → screen

    def mode(self) -> int:
        return self.stack.currentIndex()

    def _show_mode(self, mode: int) -> None:
        if self.stack.currentIndex() != mode:
            self.stack.setCurrentIndex(mode)
        if self.shortcuts_enabled() != (mode == self.RUNNING):
            self._set_shortcuts_enabled(mode == self.RUNNING)

    def _on_changed(self) -> None:
        self._update_strip()
        if self.mode() == self.FINISHED:
            engine = self.controller.engine
            if engine is None or engine is self._finished_engine:
                return
            # Another session is on screen while the last summary was open.
            self._on_current_changed(self.controller.current_key or "")
            if self.mode() == self.FINISHED:
                return
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
        self._warned_index = None
        # Said before the session starts, in plain words (Settings says why in detail).
        sound_ok = self.cues.status()[0]
        self._set_notice("" if sound_ok else NO_SOUND_NOTICE)

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
        if self.mode() != self.RUNNING:
            return
        snap = self.controller.snapshot()
        still_on = [i for i in snap.items if i.state != "off"] if snap is not None else []
        if still_on and snap is not None:
            name = snap.items_name or "item"
            many = snap.items_plural or name
            what = f"1 {name} is" if len(still_on) == 1 else f"{len(still_on)} {many} are"
            if not self.confirm(
                self,
                f"End this step with {many} still on?",
                f"{what} still on. Take them off and press “{name.capitalize()} off” for each, "
                f"so that each {name}'s time is logged. End the step anyway?",
                "End the step",
                "Keep timing",
            ):
                return
        self._user(self.controller.next)

    def _first_key(self, action: str) -> str:
        keys = self.keymap.keys(action)
        return shortcuts.shown_key(keys[0]) if keys else ""

    def _place_item(self) -> None:
        snap = self.controller.snapshot()
        if self.mode() == self.RUNNING and snap is not None and snap.can_place:
            self._user(self.controller.place_item)

    def _remove_item(self) -> None:
        snap = self.controller.snapshot()
        if self.mode() == self.RUNNING and snap is not None and any(i.state != "off" for i in snap.items):
            self._user(self.controller.remove_item)

    def _snooze(self) -> None:
        snap = self.controller.snapshot()
        if self.mode() != self.RUNNING or snap is None or not snap.can_snooze:
            return
        minutes = snooze_minutes(snap)
        if minutes and not self._user(lambda: self.controller.snooze(minutes)):
            self._set_notice("This step cannot be snoozed any longer: its longest time is reached.")

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
                self.set_focus_mode(False)
                self._show_mode(self.EMPTY)
                self.controller.discard()  # another session, if one is on, comes on screen
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

    # ================================================================ several sessions

    def _on_current_changed(self, _key: str) -> None:
        """Another session is on screen: its summary if it has ended, else its running view afresh."""
        engine = self.controller.engine
        self._finished_id = None
        self._finished_engine = None
        self._image_ref = None
        self._warned_index = None
        if engine is not None and engine.state in (State.FINISHED, State.STOPPED):
            self._show_finish(tuple(engine.runs), stopped=engine.state is State.STOPPED)
        elif self.mode() != self.EMPTY:
            self._show_mode(self.EMPTY)  # _on_changed sets up the running view for it

    def _choose_session(self, key: str) -> None:
        """A chip was clicked: that session comes on screen (a summary with typed notes asks first)."""
        if key != self.controller.current_key and self.settle_summary(keep_session=True):
            self.controller.switch_to(key)

    def _switch_next(self) -> None:
        keys = self.controller.manager.keys()
        if len(keys) > 1 and self.controller.current_key in keys:
            at = keys.index(self.controller.current_key)
            self._choose_session(keys[(at + 1) % len(keys)])

    # ================================================================ focus mode

    def focus_mode(self) -> bool:
        return self._focus_mode

    def toggle_focus_mode(self) -> None:
        self.set_focus_mode(not self._focus_mode)

    def set_focus_mode(self, on: bool) -> None:
        """Full screen: step N of M, the title, huge digits, the instruction's first line,
        the next step, the keys and the buttons."""
        if on == self._focus_mode:
            return
        if on and self.mode() != self.RUNNING:
            return
        self._focus_mode = on
        self.instructions_area.setVisible(not on)
        for widget in (self.focus_line, self.focus_keys):
            widget.setVisible(on)
        snap = self._last_snapshot
        step = snap.planned.step if snap is not None and snap.planned is not None else None
        self.suggested.setVisible(not on and step is not None and step.duration is not None and step.duration.suggested)
        self.illustration.setVisible(not on and self.illustration.path() is not None)
        self.notice.setVisible(not on and bool(self.notice.text()))
        for label in (self.title, self.next_label):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter if on else Qt.AlignmentFlag.AlignLeft)
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

    # ================================================================ for tests and the window

    def clock_text(self) -> str:
        """The digits the countdown shows now."""
        return self.ring.text()

    def release(self) -> None:
        """Give back the keep-awake request (the window calls this when closing)."""
        self.keep_awake.release()
