"""What the session page does when the running session reports: cues, banners and notices.

:class:`ControllerEvents` is mixed into :class:`~.page.SessionPage`, which connects
the controller's signals to it. A step ended by the user's own key or button is not
rung: the user knows already.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ....core.durations import format_clock
from ....core.session.events import Outcome, Snapshot, State, StepRun
from ...services.cues import spoken_duration
from .wording import length_words, plural

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from ...services.cues import CuePlayer
    from ...services.keep_awake import KeepAwake
    from ...session_controller import SessionController


class ControllerEvents:
    """The controller's signals turned into sounds, speech, notifications and messages (a mixin)."""

    controller: SessionController
    cues: CuePlayer
    keep_awake: KeepAwake
    _by_user: bool
    _starting: bool
    _going_back: bool
    _warned_index: int | None
    FINISHED: int

    if TYPE_CHECKING:

        def mode(self) -> int: ...

        def _render(self, snap: Snapshot) -> None: ...

        def _set_notice(self, text: str) -> None: ...

    # ================================================================ controller events

    def _on_session_started(self) -> None:
        self.empty_note.hide()
        self._starting = True
        if not self.keep_awake.inhibit("A massage session is running"):
            self._set_notice(
                f"The screen may dim or lock during the session: {self.keep_awake.why_not}. "
                "Set it to stay on in the computer's power settings, or move the mouse now and then."
            )

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
        log.error("a session log write failed (the session goes on): %s", message)
        self.log_banner.show_text(f"Not saved: {message}")
