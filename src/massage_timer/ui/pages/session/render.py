"""One snapshot of the running session, drawn on the running view.

:class:`SnapshotRenderer` is mixed into :class:`~.page.SessionPage`. Every number it
shows comes from the snapshot it is given; it measures no time itself.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, QLocale

from ....core.durations import format_clock
from ....core.session.events import ItemState, Snapshot, State
from ...widgets.basics import reflow
from .wording import about_minutes, length_words, plural, snooze_minutes

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

        def _set_notice(self, text: str) -> None: ...

        def _first_key(self, action: str) -> str: ...

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
        elif (soonest := first_item(snap)) is not None:
            # Jars on: the ring counts down to the next jar to come off, or up once one is due.
            name = (snap.items_name or "item").capitalize()
            if soonest.state == "due":
                self.ring.set_state(1.0, "+" + format_clock(soonest.shown), f"{name} {soonest.n}: take it off", "over")
            else:
                fraction = 1 - soonest.remaining / soonest.planned if soonest.planned else 0.0
                caption = f"for {name.lower()} {soonest.n}"
                if snap.guidance_paused:
                    caption = "guidance paused"
                self.ring.set_state(fraction, format_clock(soonest.shown), caption, "running")
        else:
            if snap.guidance_paused:
                # On the body the time goes on: the countdown runs, only the guidance waits.
                tone, caption = "running", "left · guidance paused"
            elif state is State.PAUSED:
                tone, caption = "paused", "Paused"
            elif self._warned_index == snap.index:
                tone, caption = "soon", "left"
            else:
                tone, caption = "running", "left"
            self.ring.set_state(snap.fraction, format_clock(snap.shown), caption, tone)
        self.ends_label.setText(ends_text(snap))
        self.ends_label.setVisible(bool(self.ends_label.text()))

        # the waiting message
        if state is State.WAITING:
            what = waiting_text(snap)
            if self.wait_banner.text() != what or self.wait_banner.isHidden():
                self.wait_banner.show_text(what)
        elif not self.wait_banner.isHidden():
            self.wait_banner.hide()
        if snap.guidance_paused:
            body = (
                "Guidance is paused: no voice or prompts. This step runs on the body, so its time "
                f"keeps running{': it ends at ' + wall_clock(snap.ends_at_wall) if snap.ends_at_wall else ''}."
            )
            self._set_notice(body)
        elif self.notice.text().startswith("Guidance is paused"):
            self._set_notice("")
        past = snap.over_max or any(i.past_max and i.state != "off" for i in snap.items)
        if not past and not self.limit_banner.isHidden():
            self.limit_banner.hide()

        # the items of the step (jars), each with its own time
        if snap.items_name:
            keys = (self._first_key("place_item"), self._first_key("remove_item"))
            self.items_panel.show_items(
                snap.items_name, snap.items_plural or snap.items_name, snap.items, snap.can_place, keys, wall_clock
            )
        self.items_panel.setVisible(bool(snap.items_name) and state in (State.RUNNING, State.PAUSED, State.WAITING))

        # buttons
        active = state in (State.RUNNING, State.PAUSED, State.WAITING)
        toggle_text = {State.IDLE: "Start", State.RUNNING: "Pause", State.PAUSED: "Resume"}.get(state, "Pause")
        if snap.body_timer and state in (State.RUNNING, State.PAUSED):
            toggle_text += " guidance"
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
        # Once jars are on, each has its own time: the step's own time is not adjusted.
        can_adjust = timed and state in (State.RUNNING, State.PAUSED) and not snap.items
        minutes = snooze_minutes(snap) if state is State.WAITING else 0
        self.snooze_button.setVisible(minutes > 0)
        self.snooze_button.setText(f"Snooze {minutes} min")
        self.more_button.setEnabled(can_adjust)
        self.less_button.setEnabled(can_adjust)
        # The main action: Start/Pause, or Next/Done when the step waits for the caregiver.
        next_main = state is State.WAITING or (not timed and state is State.RUNNING)
        # A jar whose time is up: taking it off is the main action.
        jar_due = any(i.state == "due" for i in snap.items)
        self._set_session_role(self.items_panel.remove_button, "main" if jar_due else "action")
        self._set_session_role(self.next_button, "main" if next_main else "action")
        self._set_session_role(self.toggle_button, "action" if next_main or jar_due else "main")


def wall_clock(ts: float) -> str:
    """A wall time as the clock on the wall shows it, in the system's short format (19:42)."""
    return QLocale().toString(QDateTime.fromSecsSinceEpoch(round(ts)).time(), QLocale.FormatType.ShortFormat)


def first_item(snap: Snapshot) -> ItemState | None:
    """The item to take off next: the first due one, else the one whose time ends first."""
    on = [i for i in snap.items if i.state != "off"]
    due = [i for i in on if i.state == "due"]
    if due:
        return due[0]
    return min(on, key=lambda i: i.remaining) if on else None


def ends_text(snap: Snapshot) -> str:
    """``ends at 19:42`` beside a running countdown; nothing for a paused step or a stopwatch."""
    if snap.ends_at_wall is None or snap.planned is None or not snap.planned.timed:
        return ""
    if any(i.state == "due" for i in snap.items):
        return ""  # the ring and the jars say which one to take off
    if any(i.state != "off" for i in snap.items):
        return f"the last {snap.items_name or 'item'} comes off at {wall_clock(snap.ends_at_wall)}"
    if snap.state is State.RUNNING or snap.guidance_paused:
        return f"ends at {wall_clock(snap.ends_at_wall)}"
    if snap.state is State.WAITING:
        return f"time was up at {wall_clock(snap.ends_at_wall)}"
    return ""


def waiting_text(snap: Snapshot) -> str:
    """The banner of a step that waits: what to do, how long ago, and a snooze if one runs."""
    if snap.next_title:
        what = f"Time is up — press Next to go on: {snap.next_title}"
    else:
        what = "Time is up — press Finish to end the session"
    if snap.overrun >= 60:
        what += f" ({length_words(snap.overrun)} ago)"
    if snap.snooze_remaining:
        what += f". Snoozed: the alarm rings again in {format_clock(math.ceil(snap.snooze_remaining))}"
    return what
