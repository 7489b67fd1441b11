"""The main window: a sidebar with Protocols, Session, History, Clients, Settings and Help."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME
from ..core.paths import DataPaths
from ..core.protocols.library import Library, load_library
from .log_actions import LogActions
from .pages.clients.window import ClientActions
from .pages.protocols import ProtocolsPage
from .settings import Settings
from .shortcuts import DEFAULT_KEYS, KeyMap
from .theme import apply_theme
from .widgets.basics import app_icon, plain_label
from .widgets.wheel_guard import install_wheel_guard

if TYPE_CHECKING:
    # What the first frame does not show is imported when first needed: the other pages,
    # the cues, the session machinery and the log.
    from ..core.clock import Clock
    from ..core.log import Store
    from ..core.protocols.format import LoadedProtocol
    from .services.cues import CuePlayer
    from .session_controller import SessionController

PAGES = (
    ("protocols", "Protocols", "Ctrl+1"),
    ("session", "Session", "Ctrl+2"),
    ("history", "History", "Ctrl+3"),
    ("clients", "Clients", "Ctrl+6"),
    ("settings", "Settings", "Ctrl+4"),
    ("help", "Help", "F1"),
)


SESSION_HINTS = {
    "idle": "Session ready to start",
    "running": "Session running",
    "paused": "Session paused",
    "waiting": "Time is up: waiting for you",
}
"""The sidebar's line about a session, by the engine's state (its values, so the window
imports no engine before a session exists)."""


class _FirstPaint(QObject):
    """Tells once that the window has painted."""

    painted = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if not self._done and event.type() == QEvent.Type.Paint:
            self._done = True
            QTimer.singleShot(0, self.painted.emit)
        return False


class MainWindow(LogActions, ClientActions, QMainWindow):
    first_painted = Signal()

    def __init__(
        self,
        paths: DataPaths,
        settings: Settings,
        store: Store | None,
        library: Library,
        controller: SessionController | None = None,
        cues: CuePlayer | None = None,
        store_notice: str = "",
        clock: Clock | None = None,
        open_log: Callable[[], tuple[Store | None, str]] | None = None,
    ) -> None:
        """``open_log``, when given, opens the session log later: just after the first frame
        (see :meth:`open_log_now`), or sooner if something needs the log first. It returns the
        log (None if there is none) and what to tell the user about it."""
        super().__init__()
        self.paths = paths
        self.settings = settings
        self._store = store
        self._store_notice = store_notice
        self._open_log = open_log
        self.library = library
        self._clock = clock
        self._controller: SessionController | None = None
        self._cues = cues
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        # Small enough for a 1024×600 laptop or tablet with a panel and a title bar: every page
        # scrolls where it must and keeps its main button in view.
        self.setMinimumSize(760, 480)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        side = QWidget()
        side.setObjectName("Sidebar")
        side_col = QVBoxLayout(side)
        side_col.setContentsMargins(6, 14, 6, 10)
        brand = plain_label(APP_NAME, "heading", selectable=False)
        brand.setContentsMargins(12, 0, 12, 10)
        side_col.addWidget(brand)
        self.nav = QListWidget()
        self.nav.setObjectName("SidebarList")
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for key, label, shortcut in PAGES:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"{label} ({shortcut})")
            self.nav.addItem(item)
        side_col.addWidget(self.nav, 1)
        self.session_hint = plain_label("", "muted", selectable=False)
        self.session_hint.setContentsMargins(12, 0, 12, 0)
        side_col.addWidget(self.session_hint)
        self._side = side
        self._fit_sidebar()
        row.addWidget(side)
        self.stack = QStackedWidget()
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._pages: dict[str, QWidget] = {}
        self._factories: dict[str, Callable[[], QWidget]] = {
            "protocols": self._make_protocols,
            "session": self._make_session,
            "history": self._make_history,
            "clients": self._make_clients,
            "settings": self._make_settings,
            "help": self._make_help,
        }
        for key, _, _ in PAGES:
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            holder.setObjectName(f"holder-{key}")
            self.stack.addWidget(holder)
        self.nav.currentRowChanged.connect(self._on_nav)

        for key, _label, shortcut in PAGES:
            act = QAction(self)
            names = dict.fromkeys([shortcut, *DEFAULT_KEYS.keys(f"page_{key}")])
            act.setShortcuts([QKeySequence(name) for name in names])
            act.triggered.connect(lambda _=False, k=key: self.show_page(k))
            self.addAction(act)
        reload_act = QAction(self)
        reload_act.setShortcut(QKeySequence("F5"))
        reload_act.triggered.connect(self.reload_protocols)
        self.addAction(reload_act)
        quit_act = QAction(self)
        quit_act.setShortcut(QKeySequence("Ctrl+Q"))
        quit_act.triggered.connect(self.close)
        self.addAction(quit_act)

        self.settings.changed.connect(self._on_setting)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            install_wheel_guard(app)  # the wheel scrolls pages; values change only in the focused field
        hints = QApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(self._on_system_scheme)
        if controller is not None:
            self._adopt_controller(controller)
        geometry = settings.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            # The first start: a comfortable size, but never larger than the screen.
            room = self.screen().availableGeometry() if self.screen() is not None else None
            if room is not None and (room.width() < 1180 or room.height() < 780):
                self.resize(min(1180, room.width()), min(780, room.height()))
                self.setWindowState(Qt.WindowState.WindowMaximized)
            else:
                self.resize(1180, 780)
        self._first_paint = _FirstPaint()
        self._first_paint.painted.connect(self.first_painted.emit)
        # Once the window is up, start looking for the speech service in the background.
        self.first_painted.connect(lambda: QTimer.singleShot(500, self, lambda: self.cues))
        side.installEventFilter(self._first_paint)
        self.show_page("protocols")

    @property
    def controller(self) -> SessionController:
        """The session machinery (engine, recorder, timer), set up when first needed."""
        if self._controller is None:
            from .session_controller import SessionController

            controller = SessionController(self._clock)
            controller.setParent(self)
            self._adopt_controller(controller)
        assert self._controller is not None
        return self._controller

    def _adopt_controller(self, controller: SessionController) -> None:
        self._controller = controller
        controller.changed.connect(self._update_session_hint)
        controller.sessions_changed.connect(self._update_session_hint)
        controller.store_failed.connect(self.log_write_waits)
        from .services.outside import attach_outside_timers as attach

        self._outside = attach(controller, self.settings, self.bring_back, self.isActiveWindow, self.close)

    def bring_back(self) -> None:
        """The main window to the front, on the session page (from the tray or the mini timer)."""
        self.showNormal() if self.isMinimized() else self.show()
        self.raise_()
        self.activateWindow()
        if self.session_active():
            self.show_page("session")

    def toggle_mini_timer(self) -> None:
        self._outside.toggle_mini_timer()  # the session page's key: the controller, and so this, exist

    def session_active(self) -> bool:
        """True while a started session (any of those on at once) is not finished or stopped."""
        return self._controller is not None and self._controller.any_active

    # ----------------------------------------------------------- the log

    def open_log_now(self) -> None:
        """Open the session log if that is still to do (idempotent)."""
        if self._open_log is not None:
            opener, self._open_log = self._open_log, None
            self._store, self._store_notice = opener()
            self.watch_log()  # the full check in the background, and retries of writes that wait

    @property
    def store(self) -> Store | None:
        """The session log, or None when there is none (``store_notice`` says why)."""
        self.open_log_now()
        return self._store

    @store.setter
    def store(self, value: Store | None) -> None:
        self._open_log = None
        self._store = value

    @property
    def store_notice(self) -> str:
        self.open_log_now()
        return self._store_notice

    @property
    def cues(self) -> CuePlayer:
        """Sound, voice and notifications, set up when first needed (not at start-up)."""
        if self._cues is None:
            from .services.cues import CuePlayer

            self._cues = CuePlayer(self.settings, self, background=True)
        return self._cues

    # ----------------------------------------------------------- pages

    def page(self, key: str) -> QWidget:
        """The page widget, created on first use (History imports its charts only then)."""
        if key not in self._pages:
            widget = self._factories[key]()
            index = [k for k, _, _ in PAGES].index(key)
            holder = self.stack.widget(index)
            holder.layout().addWidget(widget)
            self._pages[key] = widget
        return self._pages[key]

    def show_page(self, key: str) -> None:
        index = [k for k, _, _ in PAGES].index(key)
        self.page(key)
        if self.nav.currentRow() != index:
            self.nav.setCurrentRow(index)
        self.stack.setCurrentIndex(index)
        if key in ("history", "clients"):
            refresh = getattr(self._pages[key], "refresh", None)
            if callable(refresh):
                refresh()

    def current_page(self) -> str:
        return PAGES[self.stack.currentIndex()][0]

    def _on_nav(self, row: int) -> None:
        if 0 <= row < len(PAGES):
            self.show_page(PAGES[row][0])

    def _make_protocols(self) -> QWidget:
        page = ProtocolsPage(self.library, self.settings.get("last_stage"), str(self.paths.protocols))
        page.start_requested.connect(self.prepare_session)
        page.reload_requested.connect(self.reload_protocols)
        page.stage_changed.connect(lambda s: self.settings.set("last_stage", s))
        return page

    def _make_session(self) -> QWidget:
        from .pages.session import SessionPage

        page = SessionPage(self.controller, self.settings, self.cues, self.store)
        page.mini_timer_requested.connect(self.toggle_mini_timer)
        # While another session is on, the Session page stays (it shows that one now).
        page.saved.connect(lambda _sid: None if self.controller.engine is not None else self.show_page("history"))
        page.closed.connect(lambda: None if self.controller.engine is not None else self.show_page("protocols"))
        page.focus_mode_changed.connect(self._on_focus_mode)
        return page

    def _make_history(self) -> QWidget:
        if self.store is None:
            holder = QWidget()
            lay = QVBoxLayout(holder)
            lay.addWidget(
                plain_label("History is not available: " + (self.store_notice or "no session log."), "danger")
            )
            lay.addStretch(1)
            return holder
        from .pages.history import HistoryPage

        page = HistoryPage(self.store, self.settings)
        page.continue_requested.connect(self.continue_session)
        return page

    def _make_settings(self) -> QWidget:
        from .pages.settings import SettingsPage

        page = SettingsPage(self.settings, self.paths)

        def show_cue_status() -> None:
            page.set_cue_status(*self.cues.status())
            page.set_voices(self.cues.voices(), self.settings.get("voice_name"))

        show_cue_status()
        self.cues.speech_changed.connect(show_cue_status)  # speech starts in the background
        page.test_sound_requested.connect(lambda: self.cues.play("step_end"))
        page.test_voice_requested.connect(lambda: self.cues.speak("This is how the voice prompts sound."))
        page.backup_requested.connect(self.backup_now)
        page.restore_requested.connect(self.restore_from)
        from ..core.log import list_backups

        page.set_backups(list_backups(self.paths.backups))
        return page

    def _make_help(self) -> QWidget:
        from .pages.help import HelpPage

        page = HelpPage()
        page.set_keymap(KeyMap(self.settings.chosen_keys()))
        if hasattr(page, "self_test_requested"):
            page.self_test_requested.connect(self._run_self_test)
        return page

    # ----------------------------------------------------------- actions

    def reload_protocols(self) -> None:
        self.library = load_library(self.paths.protocols)
        if "protocols" in self._pages:
            page = self._pages["protocols"]
            assert isinstance(page, ProtocolsPage)
            page.set_library(self.library)

    def prepare_session(self, loaded: LoadedProtocol, preset: dict | None = None) -> None:
        """Set up a session of ``loaded`` (``preset``: the setup sheet's); sessions running meanwhile go on."""
        settle = getattr(self._pages.get("session"), "settle_summary", None)
        if callable(settle) and not settle():
            self.show_page("session")  # the user chose to stay with the last session's summary
            return
        persons = list(self.settings.get("persons"))
        if self.store is not None:
            for p in self.store.persons():
                if p not in persons:
                    persons.append(p)
        from .pages.setup import SetupDialog, plan_lookup

        last_plan = plan_lookup(self.store) if self.store is not None else None
        dialog = SetupDialog(loaded, self.settings, persons, self, last_plan=last_plan, preset=preset, store=self.store)
        if dialog.exec() != SetupDialog.DialogCode.Accepted:
            return
        dialog.remember()
        self.start_from_setup(loaded, dialog.result_value())

    def start_from_setup(self, loaded: LoadedProtocol, result) -> None:  # noqa: ANN001
        from ..core.log import SessionInfo
        from ..core.session.plan import build_plan

        self.cues.warm_up()
        plan = build_plan(loaded.protocol, result.variant, result.side, result.durations)
        if self.store is not None:  # a new name's client is created now, and the safety answers remembered
            from .pages.setup_clients import client_at_start  # the log's code: not before the first frame

            result = client_at_start(self.store, loaded.protocol.id, result, self)
        info = SessionInfo(
            protocol_id=loaded.protocol.id,
            protocol_title=loaded.protocol.title,
            person=result.person,
            steps_total=len(plan),
            protocol_sha256=loaded.sha256,
            variant=result.variant,
            performed_by=result.performed_by,
            side=result.side,
            stage=result.stage,
            pain_before=result.pain_before,
            client_id=result.client_id,
        )
        self.controller.begin(
            loaded,
            plan,
            info,
            self.store,
            **self._engine_options(),
        )
        self.show_page("session")

    def _run_self_test(self) -> None:
        from .pages.self_test import run_self_test_dialog

        run_self_test_dialog(self)

    def _on_focus_mode(self, on: bool) -> None:
        """Focus mode: the session page goes full screen; the sidebar steps aside."""
        self.centralWidget().layout().itemAt(0).widget().setVisible(not on)

    def _fit_sidebar(self) -> None:
        """As wide as the longest page name needs (the name of the app may wrap), no wider."""
        self.nav.doItemsLayout()
        widest = max(self.nav.sizeHintForColumn(0), self.nav.fontMetrics().horizontalAdvance("Protocols"))
        self._side.setFixedWidth(max(170, widest + 64))

    def _on_setting(self, key: str) -> None:
        help_page = self._pages.get("help")
        if key == "keys" and help_page is not None:
            help_page.set_keymap(KeyMap(self.settings.chosen_keys()))  # type: ignore[attr-defined]
        if key in ("theme", "text_scale"):
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, self.settings.get("theme"), int(self.settings.get("text_scale")))
                self._fit_sidebar()
                for page in self._pages.values():
                    retheme = getattr(page, "retheme", None)
                    if callable(retheme):
                        retheme()

    def _on_system_scheme(self, *_: object) -> None:
        if self.settings.get("theme") == "system":
            self._on_setting("theme")

    def _update_session_hint(self) -> None:
        on = [o for o in self.controller.overview() if str(o.state) in ("running", "paused", "waiting")]
        if len(on) > 1:
            waiting = sum(1 for o in on if o.attention)
            if waiting == 0:
                text = f"{len(on)} sessions running"
            elif waiting == 1:
                text = f"{len(on)} sessions running\nOne needs you now"
            else:
                text = f"{len(on)} sessions running\n{waiting} need you now"
            self.session_hint.setText(text)
            return
        if len(on) == 1 and on[0].key != self.controller.current_key:  # it runs behind a summary
            status = SESSION_HINTS[str(on[0].state)]
            self.session_hint.setText(f"{status}\nstep {on[0].step_index + 1} of {on[0].step_count}")
            return
        snap = self.controller.snapshot()
        status = SESSION_HINTS.get(str(snap.state)) if snap is not None else None
        if snap is None or status is None:  # no session, or it has ended
            self.session_hint.setText("")
            return
        self.session_hint.setText(f"{status}\nstep {snap.index + 1} of {snap.count}")

    # ----------------------------------------------------------- closing

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.session_active() and not self.leave_running_session():  # finish now, keep going
            event.ignore()
            return
        if not self.may_quit():  # writes that wait (a full disk) would be lost
            event.ignore()
            return
        session = self._pages.get("session")
        release = getattr(session, "release", None)
        if callable(release):
            release()
        leave_focus = getattr(session, "set_focus_mode", None)
        if callable(leave_focus):
            leave_focus(False)  # remember the window as it is outside focus mode (maximised or not)
        self.settings.set_geometry(self.saveGeometry())
        outside = getattr(self, "_outside", None)
        if outside is not None:
            outside.close()
        event.accept()
