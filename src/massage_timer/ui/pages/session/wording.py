"""Lengths and counts in words, for the session page and its summary."""

from __future__ import annotations

import math


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
