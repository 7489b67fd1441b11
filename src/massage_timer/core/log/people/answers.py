"""The contraindication answers given for a client, remembered per protocol with their dates.

Only remembering lives here: whether a session may start is decided by the safety gate
(:func:`~massage_timer.core.protocols.safety.evaluate`), with the answers the user gives or
confirms. A remembered "yes" is shown as it was, and the gate still blocks on it.
:func:`answer_state` says whether a remembered answer is recent enough to be offered as it
is, or must be asked again (the age is a setting of the screens, 30 days by default).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .records import ClientError, RememberedAnswer

DAY = 86400.0

DEFAULT_MAX_AGE_DAYS = 30
"""How old a remembered answer may be before it is asked again, by default."""

AnswerState = Literal["fresh", "stale"]


def answer_state(remembered: RememberedAnswer, now: float, max_age_days: float = DEFAULT_MAX_AGE_DAYS) -> AnswerState:
    """``fresh`` when the answer was given at most ``max_age_days`` ago, else ``stale`` (ask again).

    An answer dated after ``now`` (the clock was set back since) is stale too: its age cannot be known.
    """
    age = now - remembered.answered_ts
    return "fresh" if 0 <= age <= max_age_days * DAY else "stale"


class RememberedAnswers:
    """The remembered answers, on ``self.conn`` (a part of :class:`~..store.Store`)."""

    conn: sqlite3.Connection
    path: Path

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def remembered_answers(self, client_id: str, protocol_id: str) -> dict[str, RememberedAnswer]:
        """Item id -> the answer last given for the client to that question of the protocol."""
        try:
            rows = self.conn.execute(
                "SELECT item_id, answer, answered_ts FROM safety_answers WHERE client_id=? AND protocol_id=?",
                (client_id, protocol_id),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return {}
            raise
        return {str(item): RememberedAnswer(bool(answer), float(ts)) for item, answer, ts in rows}

    def remember_answers(self, client_id: str, protocol_id: str, answers: Mapping[str, bool], now: float) -> None:
        """Remember the answers given now for the client (each replaces the one before), in one transaction.

        Raises:
            ClientError: the log has no such client, or an answer is not yes or no.
            StoreReadOnly, StoreWriteError: the log could not be written; nothing changed.
        """
        for item, answer in answers.items():
            if not isinstance(answer, bool):
                raise ClientError(
                    f"The answers were not saved in the session log {self.path}: "
                    f"the answer to {item!r} is not yes or no."
                )
        with self._tx() as c:
            if c.execute("SELECT 1 FROM clients WHERE id=?", (client_id,)).fetchone() is None:
                raise ClientError(
                    f"The answers were not saved in the session log {self.path}: it has no client {client_id}."
                )
            c.executemany(
                "INSERT INTO safety_answers (client_id, protocol_id, item_id, answer, answered_ts) VALUES (?,?,?,?,?)"
                " ON CONFLICT (client_id, protocol_id, item_id) DO UPDATE SET answer=excluded.answer,"
                " answered_ts=excluded.answered_ts",
                [(client_id, protocol_id, item, int(answer), now) for item, answer in answers.items()],
            )
