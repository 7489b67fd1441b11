"""What the main window does with the session log: start-up notices, interrupted sessions, backups,
the background check and writes that wait.

:class:`LogActions` is mixed into :class:`~.main_window.MainWindow`; it talks to the
user (message boxes, the Settings page's backup list) and leaves the work to
:mod:`massage_timer.core.log`.

An interrupted session can be continued from the step where it stopped (the start-up notice's
*Continue it*, History's *Continue this session*: :meth:`LogActions.continue_session`, with the
plan from :mod:`massage_timer.core.session.resume`), and quitting mid-session can leave the
session for later (:meth:`LogActions.leave_running_session`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from .. import APP_NAME
from .widgets.basics import choose, tell

if TYPE_CHECKING:
    from ..core.log import IntegrityResult, SessionRow, Store
    from ..core.paths import DataPaths
    from ..core.protocols.library import Library
    from ..core.session.resume import Continuation
    from .pages.settings import SettingsPage
    from .services.cues import CuePlayer
    from .services.log_watch import LogWatch
    from .session_controller import SessionController
    from .settings import Settings

QUIT_CHOICES = ("Finish now", "Quit and continue later", "Keep going")
"""The answers when the window closes during a session; the last one is the safe one."""


class LogActions:
    """The log-facing part of the main window (a mixin: it uses the window's log, pages and settings)."""

    paths: DataPaths
    settings: Settings
    library: Library
    _pages: dict[str, QWidget]
    log_watch: LogWatch | None = None
    choose = staticmethod(choose)
    """A question with several answers, the last one the safe one (replaceable in tests)."""
    damage_box: QMessageBox | None = None
    """The message about a damaged log, while it is shown."""

    if TYPE_CHECKING:

        @property
        def store(self) -> Store | None: ...

        @property
        def store_notice(self) -> str: ...

        def page(self, key: str) -> QWidget: ...

        def show_page(self, key: str) -> None: ...

        def session_active(self) -> bool: ...

        @property
        def controller(self) -> SessionController: ...

        @property
        def cues(self) -> CuePlayer: ...

    # ----------------------------------------------------------- watching the log

    def watch_log(self, check_delay_ms: int | None = None, *, check: bool = True) -> LogWatch | None:
        """Start the full check (a moment later, on a worker thread) and the retries of writes that wait."""
        from .services.log_watch import CHECK_DELAY_MS, LogWatch

        if self.log_watch is not None or self.store is None:
            return self.log_watch
        watch = LogWatch(self.store, self.paths.backups, self)  # type: ignore[arg-type]
        watch.integrity_checked.connect(self.on_integrity_checked)
        watch.saved_late.connect(self._on_saved_late)
        watch.became_writable.connect(self._on_became_writable)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(watch.stop)
        self.log_watch = watch
        if check:
            watch.start_integrity_check(CHECK_DELAY_MS if check_delay_ms is None else check_delay_ms)
        return watch

    def log_write_waits(self, _message: str = "") -> None:
        """A write could not be made: retry on a timer until it is."""
        if self.log_watch is None:
            self.watch_log(check=False)
        if self.log_watch is not None:
            self.log_watch.update_retries()

    def _on_saved_late(self) -> None:
        session = self._pages.get("session")
        banner = getattr(session, "log_banner", None)
        if banner is not None and not banner.isHidden():
            banner.show_text("Saved: what could not be written before is in the session log now.")

    def _on_became_writable(self) -> None:
        store = self.store
        if store is None:
            return
        waits = " Some writes still wait and are tried again." if store.pending else " What waited is saved now."
        box = QMessageBox(
            QMessageBox.Icon.Information,
            APP_NAME,
            f"There is space again on the disk that holds the session log {store.path}: it can be written "
            "again, and sessions you run now are saved." + waits,
            parent=self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()
        self._on_saved_late()

    def may_quit(self) -> bool:
        """Whether the app may close now: asks first when writes that wait would be lost by quitting."""
        store = getattr(self, "_store", None)
        if store is None or not store.pending:
            return True
        if self.log_watch is not None:
            self.log_watch.retry_now()
        if not store.pending or store.pending.kept_on_disk:
            return True  # all written, or kept beside the log for the next start
        why = store.pending.file_error or "it could not be written"
        answer = QMessageBox.question(
            self,
            "Quit with sessions not saved?",
            f"Part of your sessions could not be written to the session log {store.path} yet, nor beside it "
            f"({why}). They are kept in memory only: if you quit now, they are lost. Free some space on that "
            "disk and wait a few seconds: Massage Timer tries again by itself.\n\nQuit anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def on_integrity_checked(self, result: IntegrityResult) -> None:
        """The full check's result: on damage, say so and offer the newest whole backup (never repair)."""
        text = result.message
        if not text:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, f"{APP_NAME}: the session log is damaged", text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        restore = None
        if result.good_backup is not None:
            restore = box.addButton(f"Restore {result.good_backup.path.name}…", QMessageBox.ButtonRole.ActionRole)
        later = box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(later)

        def done(_code: int) -> None:
            self.damage_box = None
            if restore is not None and box.clickedButton() is restore and result.good_backup is not None:
                self.show_page("settings")
                self.restore_from(result.good_backup.path)

        box.finished.connect(done)
        self.damage_box = box
        box.open()  # not modal for the app: a running session goes on underneath

    # ----------------------------------------------------------- backups

    def _settings_page(self) -> SettingsPage:
        from .pages.settings import SettingsPage

        page = self.page("settings")
        assert isinstance(page, SettingsPage)
        return page

    def backup_now(self) -> Path | None:
        """Back up the log now (Settings); the page says how it went."""
        import sqlite3

        from ..core.log import StoreError, backup_failure_message, list_backups, make_backup

        page = self._settings_page()
        if self.store is None:
            page.set_backup_status("There is no session log to back up. " + self.store_notice, ok=False)
            return None
        try:
            target = make_backup(self.store, self.paths.backups, int(self.settings.get("backups_keep")))
        except (OSError, sqlite3.Error, StoreError) as exc:
            page.set_backup_status(backup_failure_message(self.paths.backups, exc), ok=False)
            return None
        page.set_backups(list_backups(self.paths.backups))
        page.set_backup_status(f"Backed up as {target.name} in {target.parent}.")
        return target

    def restore_from(self, backup: Path) -> Path | None:
        """Replace the log with ``backup`` (confirmed on the Settings page); returns the pre-restore backup."""
        import sqlite3

        from ..core.log import StoreError, list_backups, restore_backup

        page = self._settings_page()
        if self.session_active():
            page.set_backup_status("A session is running. Finish or stop it before restoring a backup.", ok=False)
            return None
        if self.store is None or self.store.read_only:
            page.set_backup_status("The session log cannot be written now, so no backup can be restored.", ok=False)
            return None
        try:
            before = restore_backup(self.paths, backup, store=self.store, keep=int(self.settings.get("backups_keep")))
        except (OSError, sqlite3.Error, StoreError) as exc:
            page.set_backup_status(str(exc), ok=False)
            return None
        page.set_backups(list_backups(self.paths.backups))
        page.set_backup_status(f"Restored {backup.name}. The log as it was before is kept as {before.name}.")
        history = self._pages.get("history")
        refresh = getattr(history, "refresh", None)
        if callable(refresh):
            refresh()
        return before

    # ----------------------------------------------------------- start-up notices

    def _finish_interrupted(self, session_id: str) -> None:
        """The dialog that finishes an interrupted session later (History's), then History re-reads."""
        from .pages.amend_dialog import edit_session

        store = self.store
        session = store.session(session_id) if store is not None else None
        if store is None or session is None:
            return
        if edit_session(self, store, session):  # type: ignore[arg-type]
            refresh = getattr(self._pages.get("history"), "refresh", None)
            if callable(refresh):
                refresh()

    def show_notices(self, interrupted: list[str]) -> None:
        """Tell the user what happened to the log at start-up (moved aside, interrupted sessions).

        An interrupted session can be kept as it is, finished now (marked completed or stopped,
        with pain after and notes: :mod:`.pages.amend_dialog`), reviewed in History or discarded.
        """
        from ..core.durations import format_local_datetime
        from ..core.log import StoreError

        if self.store_notice:
            box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, self.store_notice, parent=self)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.exec()
        if self.store is None or self.store.read_only:
            return  # a read-only log cannot take a review; it is shown again next time
        for row in self.store.unreviewed_interrupted():
            steps = self.store.steps(row.id)
            done = sum(1 for s in steps if s.outcome == "completed")
            box = QMessageBox(self)
            box.setWindowTitle("A session was interrupted")
            box.setIcon(QMessageBox.Icon.Information)
            box.setTextFormat(Qt.TextFormat.PlainText)
            continuation, why_not = self._continuation(row)
            box.setText(
                f"{row.protocol_title} for {row.person}, started {format_local_datetime(row.started_ts)}, "
                f"was interrupted (the app or the computer stopped). {done} of {row.steps_total} steps "
                "were done. It is kept in your history as interrupted."
                + (f"\n\n{continuation.summary('It can be continued from')}" if continuation else "")
                + (f"\n\n{why_not}" if why_not else "")
            )
            resume = None
            if continuation is not None:
                resume = box.addButton("Continue it", QMessageBox.ButtonRole.AcceptRole)
                resume.setToolTip("Prepare it on the Session page at the step where it stopped")
            keep = box.addButton("Keep it", QMessageBox.ButtonRole.AcceptRole)
            finish = box.addButton("Finish it now…", QMessageBox.ButtonRole.ActionRole)
            finish.setToolTip("Mark it as completed or stopped, and add pain after and notes")
            review = box.addButton("Review in History", QMessageBox.ButtonRole.ActionRole)
            discard = box.addButton("Discard it…", QMessageBox.ButtonRole.DestructiveRole)
            box.setDefaultButton(resume or keep)
            box.exec()
            clicked = box.clickedButton()
            if clicked is discard:
                sure = QMessageBox.question(
                    self,
                    "Discard the interrupted session?",
                    "It will be deleted from your history. This cannot be undone.",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No,
                )
                if sure == QMessageBox.StandardButton.Yes:
                    try:
                        self.store.delete_session(row.id)
                    except StoreError as exc:
                        QMessageBox.warning(self, APP_NAME, f"The session could not be deleted: {exc}")
                    continue
            try:
                self.store.update_session(row.id, reviewed=True)
            except StoreError as exc:
                # Not fatal: it is kept as interrupted and will be shown again next time.
                QMessageBox.warning(self, APP_NAME, f"The session log could not be updated: {exc}")
                return
            if resume is not None and clicked is resume:
                self.continue_session(row.id)
            if clicked is finish:
                self._finish_interrupted(row.id)
            if clicked is review:
                self.show_page("history")
                select = getattr(self._pages.get("history"), "select_session", None)
                if callable(select):
                    select(row.id)

    # ----------------------------------------------------------- continuing an interrupted session

    def _continuation(self, row: SessionRow) -> tuple[Continuation | None, str]:
        """How ``row`` would continue now, or None and why not ("" when the log cannot take it)."""
        from ..core.session.resume import CannotResume, plan_continuation

        store = self.store
        if store is None or store.read_only:
            return None, ""
        try:
            loaded = self.library.get(row.protocol_id)
            return plan_continuation(row, store.steps(row.id), loaded, self.controller.clock.wall()), ""
        except CannotResume as exc:
            return None, str(exc)

    def _engine_options(self) -> dict[str, Any]:
        """The session settings a new engine takes (as for a session started from Setup)."""
        get = self.settings.get
        return {
            "warn_seconds": int(get("warn_seconds")),
            "auto_advance": bool(get("auto_advance")),
            "bounce_seconds": float(get("bounce_seconds")),
            "repeat_seconds": float(get("repeat_seconds")),
        }

    def continue_session(self, session_id: str) -> bool:
        """Prepare an interrupted session on the Session page at the step where it stopped, paused.

        A line on the page says where it goes on and what is left of that step, and whether the
        protocol file changed since. Sessions running meanwhile go on in the background. False when
        it cannot be continued (the user is told why) or the user stays with the last session's summary.
        """
        from ..core.log import StoreError
        from ..core.session.resume import CannotResume, plan_continuation

        title = "Continue the session"
        settle = getattr(self._pages.get("session"), "settle_summary", None)
        if callable(settle) and not settle():
            self.show_page("session")  # the user chose to stay with the last session's summary
            return False
        store = self.store
        session = store.session(session_id) if store is not None else None
        if store is None or session is None:
            return False
        loaded = self.library.get(session.protocol_id)
        try:
            continuation = plan_continuation(session, store.steps(session_id), loaded, self.controller.clock.wall())
            assert loaded is not None  # plan_continuation refuses a protocol that is gone
            self.cues.warm_up()
            self.controller.resume(loaded, continuation, store, **self._engine_options())
        except (CannotResume, StoreError) as exc:
            tell(self, title, str(exc), warning=True)  # type: ignore[arg-type]
            return False
        self.show_page("session")
        banner = getattr(self._pages.get("session"), "sleep_banner", None)  # what happened while away
        if banner is not None:
            banner.show_text(continuation.summary())
        return True

    def leave_running_session(self) -> bool:
        """The window closes during a session: ask what to do with it. True: the window may close.

        *Finish now* stops it and shows its summary instead of quitting; *Quit and continue
        later* keeps it in the log as interrupted (not stopped), and the next start offers to
        continue it; *Keep going*, the safe answer, cancels. With several sessions running, the
        answer is for all of them.
        """
        running = self.controller.manager.active()
        if len(running) > 1:
            return self._leave_running_sessions(len(running), all(s.recorder is not None for s in running))
        if running and running[0].key != self.controller.current_key:
            # It runs behind a summary: notes typed there are settled first, then it comes on screen.
            settle = getattr(self._pages.get("session"), "settle_summary", None)
            if callable(settle) and not settle(keep_session=True):
                self.show_page("session")
                return False
            self.controller.switch_to(running[0].key)
        text = "A session is running. Finish it now (it is saved as stopped and its summary opens)"
        choices = QUIT_CHOICES
        if self.controller.recorder is None:  # no log: nothing could be kept for later
            choices = (QUIT_CHOICES[0], QUIT_CHOICES[-1])
            text += ", or keep going?"
        else:
            text += (
                ", or quit and continue it later from this step (it is kept as interrupted, and Massage Timer "
                "offers to continue it when it starts again)?"
            )
            snap = self.controller.snapshot()
            if snap is not None and snap.body_timer:
                text += " This step runs on the body: its time goes on while Massage Timer is closed."
        answer = self.choose(self, "Quit during a session?", text, choices)  # type: ignore[arg-type]
        picked = choices[answer] if answer is not None else choices[-1]
        if picked == "Finish now":
            self.controller.stop()
            self.show_page("session")
            return False
        if picked == "Quit and continue later":
            self.controller.keep_for_later()
            return True
        return False

    def _leave_running_sessions(self, count: int, can_keep: bool) -> bool:
        """:meth:`leave_running_session` for ``count`` sessions at once: finish all, keep all for later, or stay."""
        if can_keep:
            choices = QUIT_CHOICES
            text = (
                f"{count} sessions are running. Finish them all now (each is saved as stopped), or quit and "
                "continue each of them later from its step (they are kept as interrupted, and Massage Timer "
                "offers to continue them when it starts again)?"
            )
        else:
            choices = (QUIT_CHOICES[0], QUIT_CHOICES[-1])
            text = f"{count} sessions are running. Finish them all now (each is saved as stopped), or keep going?"
        answer = self.choose(self, "Quit during several sessions?", text, choices)  # type: ignore[arg-type]
        picked = choices[answer] if answer is not None else choices[-1]
        if picked == "Finish now":
            self.controller.stop_all()
            self.show_page("session")
            return False
        if picked == "Quit and continue later":
            self.controller.keep_all_for_later()
            return True
        return False
