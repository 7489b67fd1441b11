"""Text from people and files: what may be stored, and how it is shown on a terminal.

* :func:`control_character` finds a control character (C0, DEL, C1) where a protocol
  file may not have one: a title, an id, a cue. Multi-line text may keep line breaks
  and tabs.
* :func:`escaped` writes control characters as escapes (``\\x1b``) in a message that
  quotes a file.
* :func:`printable` shows any text on one line of a terminal or a plain table: line
  breaks become ``⏎``, tabs a space, other control characters (escape sequences that
  could clear or retitle a terminal) are dropped. The text itself is never changed;
  only what is printed.
* :data:`MAX_NOTES` is how long a session's notes may be.
"""

from __future__ import annotations

import re

MAX_NOTES = 20_000
"""The longest notes a session takes, in characters (about ten printed pages)."""

NEWLINE_MARK = "⏎"
"""How a line break in a name, a title or a note is shown on one line."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Line breaks as str.splitlines() knows them, a CR LF pair counting once.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def control_character(text: str, *, multiline: bool = False) -> str | None:
    """The first control character in ``text`` as ``U+001B``, or None.

    ``multiline`` text may hold line feeds and tabs (instructions, a summary); a bare
    carriage return is still refused there.
    """
    found = (_CONTROL_BUT_LINES if multiline else _CONTROL).search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def escaped(text: str) -> str:
    """``text`` with each control character written as an escape (``\\x1b``), as in a message quoting a file."""
    return _CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)


def printable(text: str) -> str:
    """``text`` safe to print on one line: ``⏎`` for line breaks, no control characters."""
    if text.isprintable():
        return text
    text = _LINE_BREAK.sub(NEWLINE_MARK, text).replace("\t", " ")
    return _CONTROL.sub("", text)


def notes_problem(notes: str) -> str | None:
    """Why ``notes`` cannot be stored (too long), or None."""
    if len(notes) <= MAX_NOTES:
        return None
    return f"they are {len(notes):,} characters long, and a session keeps at most {MAX_NOTES:,}"
