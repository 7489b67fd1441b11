"""Client names: how two names are compared, searched and grouped as near duplicates.

Three rules, from strict to loose:

* :func:`normalise`: the name as it is compared for "the same client" (casefolded, runs of
  white space made one space, outer white space dropped). "Anna", "anna " and "ANNA" are one
  normalised name; :meth:`~.clients.ClientLog.find_client` uses it.
* :func:`fold`: the normalised name without accents or other combining marks (Unicode NFKD),
  so that "Ёлкина" and "Елкина", "José" and "Jose" fold the same. The Russian "й" keeps its
  mark: it is a letter of its own, not an "и" with an accent. Search and near duplicates use it.
* :func:`near_groups`: names whose folds are equal, two or more to a group.

Nothing here changes a stored name: these keys only compare.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

from ...text import control_character

T = TypeVar("T")

MAX_NAME = 200
"""The longest client name, in characters."""

_KEEP = (("\u0438\u0306", "\u0439"), ("\u0443\u0306", "\u045e"))
"""Letters that NFKD splits but that are letters of their own (Russian й, Belarusian ў): joined again."""


@functools.lru_cache(maxsize=32_768)
def normalise(name: str) -> str:
    """``name`` casefolded, with inner white space collapsed to one space and outer white space dropped."""
    return " ".join(name.casefold().split())


@functools.lru_cache(maxsize=32_768)
def fold(name: str) -> str:
    """:func:`normalise` without combining marks (accents, ё's dots): the key of search and near duplicates."""
    text = normalise(name)
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    for split, letter in _KEEP:
        text = text.replace(split, letter)
    return normalise("".join(c for c in text if not unicodedata.combining(c)))


def matches(query_fold: str, name: str) -> bool:
    """True when the folded query is any part of ``name`` folded ("" matches every name)."""
    return query_fold in fold(name)


def near_groups(items: Iterable[T], name: Callable[[T], str]) -> list[list[T]]:
    """Groups of two or more items whose names fold the same, in the order the items came.

    The groups come in the order of their first item.
    """
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(fold(name(item)), []).append(item)
    return [group for group in groups.values() if len(group) > 1]


def name_problem(name: str) -> str | None:
    """Why ``name`` (already stripped of outer white space) cannot be a client's name, or None."""
    if not name:
        return "the name is empty"
    if len(name) > MAX_NAME:
        return f"the name is {len(name):,} characters long, and a name may have at most {MAX_NAME}"
    if (found := control_character(name)) is not None:
        return f"the name holds a control character ({found}), such as a line break or a tab"
    return None
