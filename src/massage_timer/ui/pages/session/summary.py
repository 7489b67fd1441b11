"""The end of a session on the page: the finish panel filled, saved, or left.

:class:`FinishFlow` is mixed into :class:`~.page.SessionPage`. The session is in the
log already when the panel shows; Save only adds the pain rating and the notes (in the
SOAP form, the SOAP note), and "Save and sign" then signs the session.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from ....core.durations import format_clock
from ....core.log import Store, StoreError
from ....core.session.events import Outcome, StepRun
from ...widgets.basics import tell
from .wording import plural

if TYPE_CHECKING:
    from ...services.cues import CuePlayer
    from ...services.keep_awake import KeepAwake
    from ...session_controller import SessionController
    from .finish import FinishPanel


BOUNCE_SECONDS = 0.7
"""A key that would press a summary button this soon after the summary appeared is the
last step's key once more (a pedal that bounces, a second tap): it is ignored."""

_PRESSING_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Select)


class _BounceGuard(QObject):
    """Swallows key presses that would press a button while ``too_soon()`` says so."""

    def __init__(self, too_soon: Callable[[], bool], parent: QObject) -> None:
        super().__init__(parent)
        self._too_soon = too_soon

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        return (
            event.type() in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
            and isinstance(event, QKeyEvent)
            and event.key() in _PRESSING_KEYS
            and self._too_soon()
        )


class FinishFlow:
    """Shows the summary when the session ends and acts on its Save and Close (a mixin)."""

    controller: SessionController
    cues: CuePlayer
    store: Store | None
    keep_awake: KeepAwake
    finish: FinishPanel
    confirm: Callable[[QWidget, str, str, str, str], bool]
    choose: Callable[[QWidget, str, str, Sequence[str]], int | None]
    _by_user: bool
    _finished_id: str | None
    _finished_engine: object | None
    _image_ref: str | None
    _summary_shown_at: float | None
    EMPTY: int
    FINISHED: int

    if TYPE_CHECKING:

        def set_focus_mode(self, on: bool) -> None: ...

        def _show_mode(self, mode: int) -> None: ...

        def mode(self) -> int: ...

        def _set_notice(self, text: str) -> None: ...

    # ================================================================ finishing

    def _on_finished(self, runs: tuple[StepRun, ...]) -> None:
        self.cues.speak(self.controller.whose("The session is complete."), after_sound=not self._by_user)
        self.cues.notify("Session complete", "The massage session is complete.", self.window())
        self._show_finish(runs, stopped=False)

    def _on_stopped(self, runs: tuple[StepRun, ...]) -> None:
        self._show_finish(runs, stopped=True)

    def _show_finish(self, runs: Sequence[StepRun], *, stopped: bool) -> None:
        if not self.controller.any_active:  # another session still runs: the screen stays on
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
            kept = self.store is not None and self.store.pending.kept_on_disk
            saved_text = f"The session log cannot take this session now ({recorder.failure or 'a write failed'}). " + (
                "It is kept beside the log and goes into your history by itself as soon as the log "
                "can be written again (for a full disk: once there is space)."
                if kept
                else "It is kept only while the app stays open: it goes into your history as soon as "
                "the log can be written again, so keep the app open until then."
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
        # Keys typed now must not land in the notes ("nnnn" from a pedal): focus goes to Save,
        # and a bounce of the key that ended the session does not press it.
        self._summary_shown_at = self.controller.clock.monotonic()
        target = self.finish.save_button if self.finish.save_button.isEnabled() else self.finish.close_button
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _guard_summary_buttons(self) -> None:
        """Called once the finish panel exists: its buttons ignore a bounce (see :data:`BOUNCE_SECONDS`)."""
        self._summary_shown_at = None
        guard = _BounceGuard(self._summary_just_shown, self.finish)
        for button in (self.finish.save_button, self.finish.sign_button, self.finish.close_button):
            button.installEventFilter(guard)

    def _summary_just_shown(self) -> bool:
        shown = self._summary_shown_at
        return shown is not None and self.controller.clock.monotonic() - shown < BOUNCE_SECONDS

    def _save(self, *, sign: bool = False) -> None:
        sid = self._finished_id
        if self.store is None or sid is None:
            return
        try:
            self.store.update_session(sid, pain_after=self.finish.pain(), notes=self.finish.plain_notes())
            if (note := self.finish.soap_note()) is not None:
                self.store.save_soap(sid, note)
            if sign:
                self.store.sign_session(sid, self.controller.clock.wall())
        except StoreError as exc:
            # Keep the panel (and what was typed) so that nothing is lost; say why.
            tell(self, "Not saved", f"{exc}\n\nYour notes are still on the screen; try again later.", warning=True)
            return
        self._leave_finished(
            "Saved and signed. The session, its pain rating and notes are in your history."
            if sign
            else "Saved. The session, its pain rating and notes are in your history."
        )
        self.saved.emit(sid)

    def _save_and_sign(self) -> None:
        self._save(sign=True)

    def settle_summary(self, *, keep_session: bool = False) -> bool:
        """Before another session: save or discard an open summary. False: the user wants to stay.

        A summary with nothing typed closes without a question (the session is in the log
        already); pain and notes typed in it are saved or discarded only as the user says.
        ``keep_session`` (another running session is put on screen): a summary with nothing
        typed stays open for later, its session on the strip of sessions.
        """
        if self.mode() != self.FINISHED:
            return True
        if not self.finish.has_input():
            if keep_session:
                return True
            self._leave_finished("")
            self.closed.emit()
            return True
        can_save = self.finish.save_button.isEnabled()
        choices = ("Save and go on", "Discard them", "Stay here") if can_save else ("Discard them", "Stay here")
        answer = self.choose(
            self,
            "Save the last session's notes?",
            "The summary of the last session is still open. Its pain rating and notes are not saved yet: "
            "save them with that session, or discard them?",
            choices,
        )
        picked = choices[answer] if answer is not None else "Stay here"
        if picked == "Save and go on":
            self._save()
            return self.mode() != self.FINISHED  # still open: the save failed and said why
        if picked == "Discard them":
            self._leave_finished("")
            self.closed.emit()
            return True
        return False

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
        self._image_ref = None
        self.illustration.set_path(None)
        self.empty_note.setText(note)
        self.empty_note.setVisible(bool(note))
        self._show_mode(self.EMPTY)
        self.controller.discard()  # another session, if one is on, comes on screen
        if note and self.controller.engine is not None:
            self._set_notice(note)
