"""The session keys, in one place: used by the session page, tooltips, Help and Settings.

While the Session page is shown they work wherever the keyboard focus is, so
that a USB foot pedal that types keys can drive a session (Qt fires a shortcut
only while its page is visible: typing into History's search never moves a
session on). Pedals and presenter clickers send PageDown
and PageUp, Enter, Space, F-keys or media keys; the defaults cover the common
ones, and Settings → Keys and pedal lets the user give any action any key
(:class:`KeyMap`).

No key sequence may match two actions: Qt fires neither when one key press
matches two shortcuts. On a US keyboard "+" is Shift with "=", so a "Shift++"
binding next to "+" made both dead; the range overrides use Ctrl instead.
:meth:`KeyMap.owner` finds who has a key already, so a key can never be given
twice. ``tests/x11`` presses these keys through a real X server on US, German
and Russian layouts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtGui import QKeySequence

_PORTABLE = QKeySequence.SequenceFormat.PortableText


@dataclass(frozen=True)
class Shortcut:
    action: str
    keys: tuple[str, ...]
    label: str


SESSION_SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("toggle", ("Space", "Toggle Media Play/Pause", "Media Play"), "Start / pause / resume"),
    Shortcut("next", ("Right", "N", "Return", "PgDown", "Media Next"), "Next step / done"),
    Shortcut("previous", ("Left", "B", "PgUp", "Media Previous"), "Previous step"),
    Shortcut("more", ("+", "="), "Add 30 seconds"),
    Shortcut("less", ("-",), "Take away 30 seconds"),
    Shortcut("more_override", ("Ctrl++", "Ctrl+="), "Add 30 seconds beyond the range (asks first)"),
    Shortcut("less_override", ("Ctrl+-",), "Take away 30 seconds below the range (asks first)"),
    Shortcut("place_item", ("J",), "Put the next jar on (on steps that time each jar)"),
    Shortcut("remove_item", ("O",), "Take a jar off: the first whose time is up, else the first on"),
    Shortcut("snooze", ("Z",), "Snooze the alarm of a step that waits (when its range allows)"),
    Shortcut("stop", ("Esc",), "Stop the session (asks first; it is saved as stopped)"),
    Shortcut("focus", ("F11",), "Focus mode: full screen, huge digits"),
    Shortcut("switch_session", ("W",), "Switch to the next session (when several run at once)"),
    Shortcut("mini_timer", ("M",), "Show or hide the mini timer"),
)

GLOBAL_SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("page_protocols", ("Ctrl+1",), "Protocols"),
    Shortcut("page_session", ("Ctrl+2",), "Session"),
    Shortcut("page_history", ("Ctrl+3",), "History"),
    Shortcut("page_settings", ("Ctrl+4",), "Settings"),
    Shortcut("page_help", ("F1", "Ctrl+5"), "Help"),
    Shortcut("page_clients", ("Ctrl+6",), "Clients"),
    Shortcut("reload", ("F5",), "Reload protocols"),
    Shortcut("quit", ("Ctrl+Q",), "Quit"),
)

RESERVED_KEYS = ("Tab", "Shift+Tab", "Backtab")
"""Keys no action may take: they move the keyboard focus between controls."""

ADJUST_STEP_SECONDS = 30

# What the same physical key types on a Russian (ЙЦУКЕН) layout. Qt matches a letter
# shortcut by what the key types, so on a Russian layout the N key ("т") would not be N.
_RUSSIAN_TWIN = dict(zip("QWERTYUIOP[]ASDFGHJKL;'ZXCVBNM,.", "ЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ", strict=True))
_KEYPAD_TWIN = {"Return": "Enter"}


def normal(key: str) -> str:
    """One key in Qt's portable spelling ("Page Down" → "PgDown"); "" if it is no single key."""
    seq = QKeySequence(key)
    if seq.count() != 1:
        return ""
    return seq.toString(_PORTABLE)


def twins(key: str) -> tuple[str, ...]:
    """Keys that fire with ``key`` without being listed: the keypad's Enter, the Russian letter."""
    out = []
    if key in _KEYPAD_TWIN:
        out.append(_KEYPAD_TWIN[key])
    if len(key) == 1 and key.upper() in _RUSSIAN_TWIN:
        out.append(_RUSSIAN_TWIN[key.upper()])
    return tuple(out)


_FRIENDLY = {
    "Toggle Media Play/Pause": "Play/Pause",
    "Media Play": "Play",
    "Media Next": "Next track",
    "Media Previous": "Previous track",
}


def shown_key(key: str) -> str:
    """A key as the user reads it (the platform's own names; media keys as they are printed)."""
    if key in _FRIENDLY:
        return _FRIENDLY[key]
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) or key


class KeyMap:
    """The keys each session action has now: its defaults, or the user's own choice.

    Args:
        chosen: action → the keys the user gave it (replacing that action's defaults).
            Actions not in it keep their defaults; keys that are no single key are left out
            and listed in :attr:`unreadable`.
    """

    def __init__(self, chosen: Mapping[str, Sequence[str]] | None = None) -> None:
        self._keys: dict[str, tuple[str, ...]] = {}
        self.unreadable: list[tuple[str, str]] = []
        """(action, text) for each chosen key that could not be read as a key."""
        chosen = chosen or {}
        for sc in SESSION_SHORTCUTS:
            if sc.action in chosen:
                keys: list[str] = []
                for text in chosen[sc.action]:
                    key = normal(text)
                    if not key:
                        self.unreadable.append((sc.action, text))
                    elif key not in keys:
                        keys.append(key)
                self._keys[sc.action] = tuple(keys)
            else:
                self._keys[sc.action] = sc.keys

    def keys(self, action: str) -> tuple[str, ...]:
        """The listed keys of a session or global action."""
        if action in self._keys:
            return self._keys[action]
        return _shortcut(action).keys

    def sequences(self, action: str) -> tuple[str, ...]:
        """Every key that fires ``action``: its keys and their unlisted twins."""
        taken = self._all_taken()
        out: list[str] = []
        for key in self.keys(action):
            out.append(key)
            out.extend(t for t in twins(key) if taken.get(t, action) == action and t not in out)
        return tuple(out)

    def is_default(self, action: str) -> bool:
        return self.keys(action) == _shortcut(action).keys

    def owner(self, key: str, *, besides: str | None = None) -> Shortcut | None:
        """The action (session or global) that has ``key`` already, other than ``besides``."""
        key = normal(key)
        for sc in SESSION_SHORTCUTS + GLOBAL_SHORTCUTS:
            if sc.action != besides and key in self.keys(sc.action):
                return sc
        return None

    def conflicts(self) -> list[tuple[str, tuple[str, ...]]]:
        """(key, actions) for every key that two or more actions have (none, when set through here)."""
        seen: dict[str, list[str]] = {}
        for sc in SESSION_SHORTCUTS + GLOBAL_SHORTCUTS:
            for key in self.keys(sc.action):
                seen.setdefault(key, []).append(sc.action)
        return [(key, tuple(actions)) for key, actions in seen.items() if len(actions) > 1]

    def chosen(self) -> dict[str, list[str]]:
        """The actions whose keys differ from the defaults, for saving."""
        return {sc.action: list(self._keys[sc.action]) for sc in SESSION_SHORTCUTS if not self.is_default(sc.action)}

    def _all_taken(self) -> dict[str, str]:
        return {key: sc.action for sc in SESSION_SHORTCUTS + GLOBAL_SHORTCUTS for key in self.keys(sc.action)}

    def keys_text(self, action: str, sep: str = " or ", none: str = "no key") -> str:
        keys = self.keys(action)
        return sep.join(shown_key(k) for k in keys) if keys else none

    def tooltip(self, action: str) -> str:
        return f"{_shortcut(action).label} ({self.keys_text(action)})"


def _shortcut(action: str) -> Shortcut:
    for sc in SESSION_SHORTCUTS + GLOBAL_SHORTCUTS:
        if sc.action == action:
            return sc
    raise KeyError(action)


DEFAULT_KEYS = KeyMap()


def tooltip(action: str) -> str:
    return DEFAULT_KEYS.tooltip(action)
