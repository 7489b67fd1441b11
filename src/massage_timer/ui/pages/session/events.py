"""What the session page does when the running session reports: cues, banners and notices.

:class:`ControllerEvents` is mixed into :class:`~.page.SessionPage`, which connects
the controller's signals to it. A step ended by the user's own key or button is not
rung: the user knows already.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ....core.durations import format_clock
from ....core.session.events import ItemState, Outcome, Snapshot, State, StepRun
from ...services.cues import spoken_duration
from ...session_controller import ALERT_KINDS
from .render import wall_clock
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
        self.cues.speak(self.controller.whose(f"{prefix}: {planned.title}. {length}"), after_sound=not self._by_user)

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
        self.cues.speak(self.controller.whose(f"Time is up. {follow}"), after_sound=True)
        self.cues.notify("Time is up", f"{snap.planned.title}: time is up. {follow}", self.window())

    def _on_reminder(self, count: int, overdue: float) -> None:
        """The step still waits: ring again, louder each time (up to full volume), flash, say it."""
        snap = self.controller.snapshot()
        if snap is None or snap.planned is None:
            return
        self.cues.play("step_end", urgency=min(count, 3))
        self.flash.flash()
        title = snap.planned.title
        if snap.body_timer and snap.planned.planned is not None:
            on = length_words(snap.planned.planned + overdue)
            text = f"Still waiting: {title}. It has run {on} on the body, {length_words(overdue)} past its time."
        else:
            text = f"Still waiting: {title}. Time was up {length_words(overdue)} ago."
        self.cues.speak(self.controller.whose(text), after_sound=True)
        self.cues.notify("Time is up", self.controller.whose(text), self.window())

    def _on_snoozed(self, seconds: float) -> None:
        snap = self.controller.snapshot()
        if snap is not None:
            self._render(snap)
        again = wall_clock(self.controller.clock.wall() + seconds)
        self._set_notice(f"Snoozed for {length_words(seconds)}: the alarm rings again at {again}.")

    def _on_body_limit(self, max_seconds: int) -> None:
        """A body step has passed its longest time: a warning that stays until the step ends."""
        snap = self.controller.snapshot()
        title = snap.planned.title if snap is not None and snap.planned is not None else "This step"
        text = (
            f"Longer than this step's longest time ({length_words(max_seconds)}): {title}. End it now and press Done."
        )
        self.limit_banner.show_text(text)
        self.cues.play("step_end", urgency=3)
        self.flash.flash()
        self.cues.speak(f"Warning. {title}: longer than {length_words(max_seconds)}. End it now.", after_sound=True)
        self.cues.notify("Longer than the longest time", text, self.window())

    # ------------------------------------------------------------ items (jars), each with its time

    def _item_words(self) -> tuple[str, str]:
        snap = self.controller.snapshot()
        name = (snap.items_name if snap is not None else None) or "item"
        return name, name[:1].upper() + name[1:]

    def _item(self, n: int) -> ItemState | None:
        snap = self.controller.snapshot()
        return next((i for i in snap.items if i.n == n), None) if snap is not None else None

    def _on_item_placed(self, n: int) -> None:
        _name, cap = self._item_words()
        item = self._item(n)
        length = f" {spoken_duration(item.planned)}." if item is not None else ""
        self.cues.speak(f"{cap} {n} on.{length}")

    def _on_item_due(self, n: int) -> None:
        _name, cap = self._item_words()
        text = f"{cap} {n}: its time is up. Take it off."
        self.cues.play("step_end")
        self.flash.flash()
        self.cue_banner.show_text(text)
        self.cues.speak(self.controller.whose(text), after_sound=True)
        self.cues.notify("Time is up", self.controller.whose(text), self.window())

    def _on_item_reminder(self, n: int, count: int) -> None:
        """An item is still on past its time: ring again, louder each time, and say how long."""
        _name, cap = self._item_words()
        item = self._item(n)
        on = f" has been on for {length_words(item.on_seconds)}" if item is not None else " is still on"
        text = f"{cap} {n}{on}. Take it off."
        self.cues.play("step_end", urgency=min(count, 3))
        self.flash.flash()
        self.cue_banner.show_text(text)
        self.cues.speak(self.controller.whose(text), after_sound=True)
        self.cues.notify("Still on", self.controller.whose(text), self.window())

    def _on_item_removed(self, n: int) -> None:
        _name, cap = self._item_words()
        if self.cue_banner.text().startswith(f"{cap} {n}"):
            self.cue_banner.hide()
        if not self.limit_banner.isHidden() and (still := self._past_max_text()):
            self.limit_banner.show_text(still)
        self.cues.speak(f"{cap} {n} off.")

    def _past_max_text(self) -> str:
        """The warning about every item still on past the items' longest time ("" if none)."""
        name, cap = self._item_words()
        snap = self.controller.snapshot()
        if snap is None or snap.planned is None or snap.planned.step.items is None:
            return ""
        past = [i.n for i in snap.items if i.past_max and i.state != "off"]
        limit = f"longer than {length_words(int(snap.planned.step.items.max))}, the longest time for a {name}"
        if not past:
            return ""
        if len(past) == 1:
            return f"{cap} {past[0]} has been on {limit}. Take it off now."
        numbers = ", ".join(str(n) for n in past[:-1]) + f" and {past[-1]}"
        plural = snap.items_plural or name
        return f"{plural[:1].upper() + plural[1:]} {numbers} have been on {limit}. Take them off now."

    def _on_item_past_max(self, n: int) -> None:
        text = self._past_max_text()
        if not text:
            return
        self.limit_banner.show_text(text)
        self.cues.play("step_end", urgency=3)
        self.flash.flash()
        _name, cap = self._item_words()
        self.cues.speak(f"Warning. {cap} {n} has been on too long. Take it off now.", after_sound=True)
        self.cues.notify("Take it off now", text, self.window())

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

    # ------------------------------------------------------------ sessions in the background

    def _update_strip(self) -> None:
        """The strip of sessions: shown once two exist (or one runs while none is on screen)."""
        controller = self.controller
        overview = controller.overview() if len(controller.manager) else []
        show = len(overview) >= 2 or (bool(overview) and controller.current_key is None)
        if show:
            keys = self.keymap.keys_text("switch_session", none="")
            hint = f"Show this session ({keys} switches to the next one)" if keys else "Show this session"
            self.strip.set_sessions(overview, controller.current_key or "", hint)
        self.strip.setVisible(show)

    def _on_background_event(self, key: str, _label: str, kind: str, text: str) -> None:
        """A session not on screen needs the caregiver: ring, say whose it is, and mark it on the strip."""
        if kind in ALERT_KINDS:
            urgent = kind in ("reminder", "item_reminder", "body_limit")
            self.cues.play("mid" if kind == "cue" else "step_end", urgency=2 if urgent else 0)
            self.flash.flash()
            self.cues.speak(text, after_sound=True, queue=True)
            self.cues.notify("Massage Timer", text, self.window())
        self.strip.show_notice(key, text)
        self._update_strip()

    def _on_store_failed(self, message: str) -> None:
        """The log could not be written: say so once; the session itself goes on."""
        log.error("a session log write failed (the session goes on): %s", message)
        self.log_banner.show_text(f"Not saved: {message}")
