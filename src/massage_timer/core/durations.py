"""Human durations: ``"30s"``, ``"2m"``, ``"1h30m"``, ``"1m 30s"`` or a number of seconds."""

from __future__ import annotations

import math
import re

_PART = re.compile(r"(\d+)\s*(h|m|s)")
_WHOLE = re.compile(r"^\s*(?:\d+\s*[hms]\s*)+$")


def parse_duration(value: object) -> int:
    """Return whole seconds for a human duration.

    Raises:
        ValueError: with a message a person can act on.
    """
    if isinstance(value, bool):
        raise ValueError('expected a duration like "30s", "2m" or a number of seconds, got true/false')
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"a duration cannot be negative (got {value})")
        return value
    if isinstance(value, float):
        if value != value or value < 0 or value > 10**7 or not value.is_integer():
            raise ValueError(f"expected a whole number of seconds, got {value}")
        return int(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text.isdigit():
            return int(text)
        if not _WHOLE.match(text):
            raise ValueError(f'{value!r} is not a duration; write e.g. "30s", "2m", "1m30s" or a number of seconds')
        total = 0
        for number, unit in _PART.findall(text):
            total += int(number) * {"h": 3600, "m": 60, "s": 1}[unit]
        return total
    raise ValueError(f'expected a duration like "30s" or "2m", got {type(value).__name__}')


def whole_seconds(seconds: float) -> int:
    """A measured time in whole seconds: to the nearest, halves up.

    The one rounding of every time the app shows or exports (the finish panel, History,
    the report, CSV), so the same step reads the same everywhere. (Python's ``round``
    rounds halves to even: 0.5 s would be 0 and 1.5 s would be 2.)
    """
    return math.floor(seconds + 0.5)


def format_duration(seconds: float) -> str:
    """Short human form: ``"45s"``, ``"2m"``, ``"2m 30s"``, ``"1h 5m"``."""
    seconds = whole_seconds(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if secs or not parts:
        parts.append(f"{secs}s")
    return " ".join(parts)


def format_clock(seconds: float) -> str:
    """``mm:ss``, or ``h:mm:ss`` from one hour on. Negative values get a leading minus."""
    total = whole_seconds(seconds)
    sign = "-" if total < 0 else ""
    seconds = abs(total)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes:02d}:{secs:02d}"


def format_local_datetime(ts: float, with_time: bool = True) -> str:
    """A timestamp in the computer's local time: ``"Mon 5 Jan 2026, 09:00"``."""
    from datetime import datetime

    moment = datetime.fromtimestamp(ts)
    text = f"{moment:%a} {moment.day} {moment:%b %Y}"
    return f"{text}, {moment:%H:%M}" if with_time else text
