"""Lengths and counts in words, for the session page and its summary, and the snooze it offers."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ....core.session.events import Snapshot

SNOOZE_MINUTES = 5
"""The snooze the Snooze button offers, when the step's range leaves that much."""


def about_minutes(seconds: float) -> str:
    """``"about 33 min"``, ``"about 1 h 5 min"``, ``"under a minute"``."""
    minutes = math.ceil(max(0.0, seconds) / 60 - 1e-9)
    if minutes <= 0:
        return "no time"
    if seconds < 60:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"about {hours} h {minutes} min" if minutes else f"about {hours} h"
    return f"about {minutes} min"


def length_words(seconds: float) -> str:
    """A length for reading: ``"23 min"``, ``"1 h 5 min"``, ``"40 seconds"``."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def snooze_minutes(snap: Snapshot) -> int:
    """Whole minutes the Snooze button offers now (0: none): 5, or what the step's range leaves."""
    if not snap.can_snooze:
        return 0
    if snap.snooze_limit is None:
        return SNOOZE_MINUTES
    return max(0, min(SNOOZE_MINUTES, math.floor(snap.snooze_limit / 60 + 1e-9)))
