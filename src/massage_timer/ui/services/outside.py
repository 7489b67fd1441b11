"""The timer outside the window: the tray icon, the mini timer and desktop notices, kept up to date.

:class:`OutsideTimers` knows no controller (services may not import it): it is given callables
and then bound to two signals (:meth:`OutsideTimers.bind`): one that fires when something changed
(the tray and the mini timer are redrawn from the overview, at most once a second: the first
change at once, later ones gathered into one redraw a second on), and the background-event signal
``(key, label, kind, text)``, whose step ends, waits, items due and finished sessions become a
notice ("Anna: Rest under a blanket is done. Next: …") in the tray's bubble or on the desktop.

Time is never counted here: every redraw asks the overview, whose seconds come from the
sessions' deadlines.

Wiring, in the main window::

    outside = OutsideTimers(controller.overview, pause, next_, window.bring_back, settings=settings)
    outside.bind(controller.changed, controller.background_event)
    controller.sessions_changed.connect(outside.request_refresh)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QPoint, QTimer

from ...core.session.manager import SessionOverview
from ..settings import Settings
from ..widgets.outside import MiniTimer
from .notify import Notifier, step_notice
from .tray import SessionTray

NOTICE_KINDS = ("step_ended", "waiting", "item_due", "finished")
"""The background events that become a desktop notice (reminders and cues are not repeated there)."""
REFRESH_MS = 1000


def parse_position(text: str) -> QPoint | None:
    """A saved position "x,y" as a point; None when there is none or it cannot be read."""
    parts = text.split(",")
    if len(parts) != 2:
        return None
    try:
        return QPoint(int(parts[0]), int(parts[1]))
    except ValueError:
        return None


class OutsideTimers(QObject):
    """The tray (where one exists), the mini timer and the notices, fed from the sessions' overview.

    Args:
        overview: gives the sessions at a glance.
        on_pause: pauses or resumes the session of the key given.
        on_next: moves the session of the key given on.
        on_show: brings the main window back.
        settings: where ``mini_timer``, its position and ``tray_notifications`` are kept (None: defaults).
        use_tray: make a tray icon (default: when the desktop has a tray).
        notifier: shows desktop notices where there is no tray (default: a :class:`Notifier`).
        window_active: whether the main window is the active one (no notice then).
        interval_ms: the least time between two redraws.
    """

    def __init__(
        self,
        overview: Callable[[], list[SessionOverview]],
        on_pause: Callable[[str], None],
        on_next: Callable[[str], None],
        on_show: Callable[[], None],
        *,
        settings: Settings | None = None,
        use_tray: bool | None = None,
        notifier: Notifier | None = None,
        window_active: Callable[[], bool] | None = None,
        interval_ms: int = REFRESH_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._overview = overview
        self._on_show = on_show
        self.settings = settings
        self._window_active = window_active or (lambda: False)
        self.notifier = notifier or Notifier(parent=self)
        if use_tray is None:
            use_tray = SessionTray.available()
        self.tray: SessionTray | None = None
        if use_tray:
            self.tray = SessionTray(overview, on_pause, on_next, on_show, self)
            self.tray.mini_timer_toggled.connect(self.set_mini_timer)
        self.mini = MiniTimer()
        self.mini.activated.connect(on_show)
        self.mini.moved.connect(self._save_position)
        if settings is not None:
            if (point := parse_position(settings.get("mini_timer_position"))) is not None:
                self.mini.position = point
            settings.changed.connect(self._on_setting)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer)
        self._dirty = False
        self._closed = False
        self.refreshes = 0
        """How many redraws there were (for tests and the diagnostics)."""
        self._apply_wanted()
        self.request_refresh()

    # ------------------------------------------------------------ hook-up

    def bind(self, changed_signal: Any, background_event_signal: Any | None = None) -> None:
        """Redraw on ``changed_signal`` (throttled); notify on ``background_event_signal(key, label, kind, text)``."""
        changed_signal.connect(self.request_refresh)
        if background_event_signal is not None:
            background_event_signal.connect(self.on_background_event)

    def request_refresh(self, *_args: object) -> None:
        """Redraw now, or once the second since the last redraw is over (never more often)."""
        if self._timer.isActive():
            self._dirty = True
            return
        self.refresh_now()
        self._timer.start()

    def _on_timer(self) -> None:
        if self._dirty:
            self._dirty = False
            self.refresh_now()
            self._timer.start()

    def refresh_now(self) -> None:
        if self._closed or not shiboken6.isValid(self.mini):  # the window has gone; sessions may still report
            return
        overviews = list(self._overview())
        self.refreshes += 1
        if self.tray is not None:
            self.tray.refresh()
            if overviews:
                self.tray.show()
            else:
                self.tray.hide()
        self.mini.set_overview(overviews)

    # ------------------------------------------------------------ notices

    def on_background_event(self, key: str, label: str, kind: str, text: str) -> bool:
        """Tell of a session's event outside the window; True when a notice was shown."""
        if self._closed:
            return False
        self.request_refresh()
        if kind not in NOTICE_KINDS or self._window_active():
            return False
        if self.settings is not None and not self.settings.get("tray_notifications"):
            return False
        tray_icon = self.tray.icon if self.tray is not None else None
        return step_notice(tray_icon, "Massage Timer", text, key, self.notifier)

    # ------------------------------------------------------------ the mini timer

    def mini_timer_shown(self) -> bool:
        """Whether the mini timer is wanted (it shows while a session is on)."""
        return self.mini.wanted()

    def toggle_mini_timer(self) -> None:
        """Show or hide the mini timer (the key and the tray menu); remembered in the settings."""
        self.set_mini_timer(not self.mini.wanted())

    def set_mini_timer(self, on: bool) -> None:
        if self.settings is not None:
            self.settings.set("mini_timer", bool(on))  # comes back through _on_setting
            self._apply_wanted()
        else:
            self.mini.set_wanted(on)
            if self.tray is not None:
                self.tray.set_mini_timer_checked(on)

    def _apply_wanted(self) -> None:
        on = bool(self.settings.get("mini_timer")) if self.settings is not None else self.mini.wanted()
        self.mini.set_wanted(on)
        if self.tray is not None:
            self.tray.set_mini_timer_checked(on)

    def _on_setting(self, key: str) -> None:
        if key == "mini_timer":
            self._apply_wanted()

    def _save_position(self, point: QPoint) -> None:
        if self.settings is not None:
            self.settings.set("mini_timer_position", f"{point.x()},{point.y()}")

    def close(self) -> None:
        """Take the tray icon and the mini timer away (the app quits)."""
        self._closed = True
        self._timer.stop()
        if self.tray is not None:
            self.tray.hide()
        self.mini.hide()
        self.mini.deleteLater()


def attach_outside_timers(
    controller: Any,
    settings: Any,
    bring_back: Callable[[], None],
    window_active: Callable[[], bool],
    quit_app: Callable[[], object],
) -> OutsideTimers:
    """The tray icon, mini timer and notices for a session controller (its ``overview``,
    ``switch_to``, ``toggle``, ``next``, ``changed``, ``sessions_changed`` and
    ``background_event``), kept up to date; a click on the mini timer calls ``bring_back``,
    the tray's Quit ``quit_app``."""

    def on(key: str, act: str) -> None:  # a tray menu's Pause or Next acts on that session
        if controller.switch_to(key):
            getattr(controller, act)()

    outside = OutsideTimers(
        controller.overview,
        lambda key: on(key, "toggle"),
        lambda key: on(key, "next"),
        bring_back,
        settings=settings,
        window_active=window_active,
    )
    outside.bind(controller.changed, controller.background_event)
    controller.sessions_changed.connect(outside.request_refresh)
    outside.mini.activated.connect(bring_back)
    if outside.tray is not None:
        outside.tray.quit_requested.connect(quit_app)
    return outside
