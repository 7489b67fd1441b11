"""The tray icon: every session's time left in its tooltip, Pause and Next for each in its menu.

:class:`SessionTray` knows no controller (services may not import it): it is given callables
(the sessions' overviews, pause, next, show the window). The caller calls :meth:`SessionTray.refresh`
when something changed (at most once a second: :class:`~.outside.OutsideTimers` sees to that);
the tooltip and the menu are then built afresh from the overview, so the time shown is always
computed from the sessions' deadlines, never counted here.

Where no tray exists (plain GNOME) :meth:`SessionTray.available` says so and the caller does
without it (desktop notifications: :mod:`.notify`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSignalBlocker, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from ...core.session.manager import SessionOverview
from ..widgets.basics import app_icon
from ..widgets.outside import menu_entries, tooltip_text

OverviewSource = Callable[[], list[SessionOverview]]
KeyAction = Callable[[str], None]


class SessionTray(QObject):
    """The app's icon in the tray, with the sessions in its tooltip and menu (see the module).

    Args:
        overview: gives the sessions at a glance, in the order shown.
        on_pause: pauses or resumes the session of the key given.
        on_next: moves the session of the key given to its next step.
        on_show: brings the main window back.
    """

    mini_timer_toggled = Signal(bool)
    """The menu's "Mini timer" was checked (True) or unchecked."""
    quit_requested = Signal()
    """The menu's "Quit": the window decides (it asks first while a session runs)."""

    def __init__(
        self,
        overview: OverviewSource,
        on_pause: KeyAction,
        on_next: KeyAction,
        on_show: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._overview = overview
        self._on_pause = on_pause
        self._on_next = on_next
        self._on_show = on_show
        icon = app_icon()
        if icon.isNull():
            icon = QApplication.windowIcon() if QApplication.instance() is not None else QIcon()
        self.icon = QSystemTrayIcon(icon, self)
        self.menu = QMenu()
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)
        self._mini_checked = False
        self._mini_action: QAction | None = None
        self._shape: list[tuple[str, list[str]]] | None = None
        self._session_actions: list[QAction] = []
        self.refresh()

    @staticmethod
    def available() -> bool:
        """Whether the desktop shows tray icons at all."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def set_mini_timer_checked(self, on: bool) -> None:
        """Tick "Mini timer" in the menu to match the setting (emits nothing)."""
        self._mini_checked = bool(on)
        if self._mini_action is not None and self._mini_action.isChecked() != on:
            blocker = QSignalBlocker(self._mini_action)
            self._mini_action.setChecked(bool(on))
            blocker.unblock()

    def tooltip(self) -> str:
        return self.icon.toolTip()

    def refresh(self) -> None:
        """Show the sessions' overview afresh in the tooltip and the menu.

        While the sessions and their commands stay the same, the menu's texts change in place (an
        open menu stays open); otherwise it is built anew.
        """
        overviews = list(self._overview())
        self.icon.setToolTip(tooltip_text(overviews))
        entries = menu_entries(overviews)
        shape = [(key, [command for command, _ in commands]) for key, _, commands in entries]
        if shape == self._shape:
            texts = [text for _, heading, commands in entries for text in (heading, *(t for _, t in commands))]
            for action, text in zip(self._session_actions, texts, strict=True):
                if action.text() != text:
                    action.setText(text)
            return
        self._shape = shape
        self._build(entries)

    def session_actions(self) -> list[QAction]:
        """The menu's entries for the sessions: each one's heading, then its commands."""
        return list(self._session_actions)

    def _build(self, entries: list[tuple[str, str, list[tuple[str, str]]]]) -> None:
        menu = self.menu
        menu.clear()
        self._session_actions = []
        for key, heading, commands in entries:
            section = menu.addSection(heading)
            section.setProperty("session", key)
            self._session_actions.append(section)
            for command, text in commands:
                action = menu.addAction(text)
                action.setProperty("session", key)
                action.setProperty("command", command)
                call = self._on_pause if command == "pause" else self._on_next
                action.triggered.connect(lambda _on=False, call=call, key=key: call(key))
                self._session_actions.append(action)
        if entries:
            menu.addSeparator()
        menu.addAction("Show Massage Timer").triggered.connect(lambda _on=False: self._on_show())
        self._mini_action = QAction("Mini timer", menu)
        self._mini_action.setCheckable(True)
        self._mini_action.setChecked(self._mini_checked)
        self._mini_action.toggled.connect(self._on_mini)
        menu.addAction(self._mini_action)
        menu.addSeparator()
        menu.addAction("Quit").triggered.connect(lambda _on=False: self.quit_requested.emit())

    def show_message(self, summary: str, body: str, msecs: int = 8000) -> None:
        self.icon.showMessage(summary, body, QSystemTrayIcon.MessageIcon.Information, msecs)

    def _on_mini(self, on: bool) -> None:
        self._mini_checked = bool(on)
        self.mini_timer_toggled.emit(bool(on))

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self._on_show()
