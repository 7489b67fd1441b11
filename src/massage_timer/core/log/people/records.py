"""Clients as plain values, and the checks of what a client record may hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ...text import MAX_NOTES
from ..errors import StoreError
from .names import name_problem

SIDES = ("left", "right", "both")
"""A client's usual side: the values a session's side takes (:data:`~...session.plan.SideChoice`)."""

LEVELS = ("upper", "lower")
"""A client's usual level (the part of the back): the values of ``clients.level``."""


class ClientError(StoreError, ValueError):
    """A client record the log does not take (a bad value, an unknown client); nothing was written."""


@dataclass(frozen=True)
class Client:
    """One client of the log.

    ``sessions`` and ``last_ts`` are the client's session count and latest start; lists
    fill them, and so does :meth:`~.clients.ClientLog.client`.
    """

    id: str
    name: str
    born: str | None
    """ISO date (YYYY-MM-DD), or None when not known."""
    notes: str
    side: str | None
    """None, ``left``, ``right`` or ``both``."""
    level: str | None
    """None, ``upper`` or ``lower``."""
    archived: bool
    created_ts: float
    sessions: int = 0
    last_ts: float | None = None


@dataclass(frozen=True)
class MergeOutcome:
    """What :meth:`~.clients.ClientLog.merge_clients` did."""

    kept: Client
    """The client that stayed, as it is after the merge."""
    sessions_moved: int
    clients_merged: int
    """Client records merged into ``kept`` (and removed)."""
    answers_kept: int
    """Remembered answers the kept client has after the merge."""


@dataclass(frozen=True)
class RememberedAnswer:
    """A contraindication answer given for a client: yes (True) or no, and when."""

    answer: bool
    answered_ts: float


def born_problem(born: str, today: date) -> str | None:
    """Why ``born`` is not a date of birth the log takes (a real YYYY-MM-DD date, not in the future), or None."""
    try:
        day = date.fromisoformat(born) if born.isascii() and len(born) == 10 and born[4] == born[7] == "-" else None
    except ValueError:
        day = None
    if day is None:
        return f"the date of birth {born!r} is not a date written as year-month-day, such as 1954-03-02"
    if day > today:
        return f"the date of birth {born} is in the future"
    return None


def field_problem(field: str, value: object, today: date) -> str | None:
    """Why ``value`` cannot be the client's ``field`` (name, born, notes, side, level), or None."""
    if field == "name":
        return name_problem(value) if isinstance(value, str) else "the name must be text"
    if field == "born":
        if value is None:
            return None
        return born_problem(value, today) if isinstance(value, str) else "the date of birth must be a date"
    if field == "notes":
        if not isinstance(value, str):
            return "the notes must be text"
        if len(value) > MAX_NOTES:
            return f"the notes are {len(value):,} characters long, and a client keeps at most {MAX_NOTES:,}"
        return None
    if field == "side":
        if value is None or value in SIDES:
            return None
        return f"the side {value!r} is not one of left, right or both"
    if field == "level":
        if value is None or value in LEVELS:
            return None
        return f"the level {value!r} is not one of upper or lower"
    raise KeyError(field)
