"""The clients of the session log: their records, names, merges and remembered answers.

* :mod:`.records`: :class:`Client`, :class:`MergeOutcome`, :class:`RememberedAnswer` and the
  checks of a client's fields (:class:`ClientError`);
* :mod:`.names`: how names are compared, searched and grouped as near duplicates;
* :mod:`.clients`: :class:`ClientLog`, the reads and writes of clients (a part of the Store),
  and the linking of a new session to its client;
* :mod:`.answers`: :class:`RememberedAnswers` (a part of the Store) and :func:`answer_state`.
"""

from .answers import DEFAULT_MAX_AGE_DAYS, AnswerState, RememberedAnswers, answer_state
from .clients import ClientLog, people_first_seen
from .names import MAX_NAME, fold, normalise
from .records import LEVELS, SIDES, Client, ClientError, MergeOutcome, RememberedAnswer

__all__ = [
    "DEFAULT_MAX_AGE_DAYS",
    "LEVELS",
    "MAX_NAME",
    "SIDES",
    "AnswerState",
    "Client",
    "ClientError",
    "ClientLog",
    "MergeOutcome",
    "RememberedAnswer",
    "RememberedAnswers",
    "answer_state",
    "fold",
    "normalise",
    "people_first_seen",
]
