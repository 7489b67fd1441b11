"""One snapshot of the running session, drawn on the running view.

:class:`SnapshotRenderer` is mixed into :class:`~.page.SessionPage`. Every number it
shows comes from the snapshot it is given; it measures no time itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ....core.durations import format_clock
from ....core.session.events import Snapshot, State
from ...widgets.basics import reflow
from .wording import about_minutes, plural

if TYPE_CHECKING:
    from PySide6.QtWidgets import QPushButton

    from ...session_controller import SessionController


class SnapshotRenderer:
    """Fills the running view from a snapshot (a mixin: it uses the page's widgets and controller)."""

    controller: SessionController
    _focus_mode: bool
    _warned_index: int | None
    _image_ref: str | None
    _last_snapshot: Snapshot | None

    if TYPE_CHECKING:

        @staticmethod
        def _set_session_role(button: QPushButton, role: str) -> None: ...

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
        text = reflow(step.instructions)
        self.instructions.setText(text)
        self.focus_line.setText(next((line for line in text.splitlines() if line.strip()), ""))
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
