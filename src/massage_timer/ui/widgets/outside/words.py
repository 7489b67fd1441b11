"""What the tray and the mini timer say about each session, as pure functions of its overview.

Time left is computed from :attr:`SessionOverview.seconds_left` (never counted), rounded up to the
whole second so that "00:00" only shows when the time is really up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from ....core.durations import format_clock
from ....core.session.events import State
from ....core.session.manager import SessionOverview

NO_SESSION = "No session running"


def time_text(seconds: float) -> str:
    """Time left as on a clock: "24:13", "1:02:05" (rounded up to the whole second, never below 0)."""
    return format_clock(max(0, math.ceil(seconds - 1e-9)))


def session_line(o: SessionOverview) -> str:
    """One session in one line, for the tray's tooltip: "Anna — Rest under a blanket — 24:13 left"."""
    if o.state is State.WAITING:
        return f"{o.label} — waiting for you"
    if o.state is State.FINISHED:
        return f"{o.label} — finished, notes to save"
    if o.state is State.STOPPED:
        return f"{o.label} — stopped, notes to save"
    if o.state is State.IDLE:
        return f"{o.label} — ready to start"
    if o.attention:
        return f"{o.label} — {o.step_title} — time is up"
    if o.seconds_left is None:
        return f"{o.label} — {o.step_title} — until you move on"
    if o.state is State.PAUSED:
        return f"{o.label} — {o.step_title} — paused, {time_text(o.seconds_left)} left"
    return f"{o.label} — {o.step_title} — {time_text(o.seconds_left)} left"


def tooltip_text(overviews: Sequence[SessionOverview]) -> str:
    """The tray's tooltip: one line per session, or "No session running"."""
    return "\n".join(session_line(o) for o in overviews) or NO_SESSION


def menu_entries(overviews: Sequence[SessionOverview]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Per session: (key, heading, [(command, text), ...]) for the tray menu; command is "pause" or "next"."""
    out = []
    for o in overviews:
        commands: list[tuple[str, str]] = []
        if o.state is State.RUNNING:
            commands.append(("pause", "Pause"))
        elif o.state is State.PAUSED:
            commands.append(("pause", "Resume"))
        if o.state is State.WAITING:
            commands.append(("next", "Done, next step"))
        elif o.state in (State.RUNNING, State.PAUSED):
            commands.append(("next", "Next step"))
        out.append((o.key, session_line(o), commands))
    return out


class RowText(NamedTuple):
    """What one row of the mini timer shows: whose, the large text, and the small line below."""

    name: str
    big: str
    small: str


def row_text(o: SessionOverview) -> RowText:
    """The mini timer's row for one session ("Anna", "24:13", "Step 2 of 5 · Next: turn over")."""
    step = f"Step {o.step_index + 1} of {o.step_count}"
    if o.state is State.FINISHED:
        return RowText(o.label, "Done", "Finished — notes to save")
    if o.state is State.STOPPED:
        return RowText(o.label, "Stopped", "Notes to save")
    if o.state is State.IDLE:
        return RowText(o.label, "Ready", f"{step} · ready to start")
    if o.state is State.WAITING:
        return RowText(o.label, "Your turn", f"{step} · {o.step_title}")
    if o.attention:
        return RowText(o.label, "Time's up", f"{step} · {o.step_title}")
    after = f"Next: {o.next_cue_text}" if o.next_cue_text else o.step_title
    if o.seconds_left is None:
        return RowText(o.label, "Until done", f"{step} · {after}")
    if o.state is State.PAUSED:
        return RowText(o.label, time_text(o.seconds_left), f"Paused · {step} · {o.step_title}")
    return RowText(o.label, time_text(o.seconds_left), f"{step} · {after}")
