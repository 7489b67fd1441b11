"""The session keys, in one place: used by the session page, tooltips and Help.

They work wherever the keyboard focus is, so that a USB foot pedal that
types keys can drive a session.

No key sequence may match two actions: Qt fires neither when one key press
matches two shortcuts. On a US keyboard "+" is Shift with "=", so a "Shift++"
binding next to "+" made both dead; the range overrides use Ctrl instead.
``tests/x11`` presses these keys through a real X server on US, German and
Russian layouts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shortcut:
    action: str
    keys: tuple[str, ...]
    label: str
    also: tuple[str, ...] = ()
    """Keys that work too but are not listed: the keypad's Enter, and the letters that the
    same physical keys type on a Russian layout. Qt matches a letter shortcut by what the
    key types, so on a Russian layout the N key ("т") would not be N."""


SESSION_SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("toggle", ("Space",), "Start / pause / resume"),
    Shortcut("next", ("Right", "N", "Return"), "Next step / done", also=("Enter", "\u0422")),  # Т
    Shortcut("previous", ("Left", "B"), "Previous step", also=("\u0418",)),  # И
    Shortcut("more", ("+", "="), "Add 30 seconds"),
    Shortcut("less", ("-",), "Take away 30 seconds"),
    Shortcut("more_override", ("Ctrl++", "Ctrl+="), "Add 30 seconds beyond the range (asks first)"),
    Shortcut("less_override", ("Ctrl+-",), "Take away 30 seconds below the range (asks first)"),
    Shortcut("stop", ("Esc",), "Stop the session (asks first; it is saved as stopped)"),
    Shortcut("focus", ("F11",), "Focus mode: full screen, huge digits"),
)

GLOBAL_SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("page_protocols", ("Ctrl+1",), "Protocols"),
    Shortcut("page_session", ("Ctrl+2",), "Session"),
    Shortcut("page_history", ("Ctrl+3",), "History"),
    Shortcut("page_settings", ("Ctrl+4",), "Settings"),
    Shortcut("page_help", ("F1", "Ctrl+5"), "Help"),
    Shortcut("reload", ("F5",), "Reload protocols"),
    Shortcut("quit", ("Ctrl+Q",), "Quit"),
)

ADJUST_STEP_SECONDS = 30


def keys_text(shortcut: Shortcut) -> str:
    return " or ".join(shortcut.keys)


def tooltip(action: str) -> str:
    for s in SESSION_SHORTCUTS + GLOBAL_SHORTCUTS:
        if s.action == action:
            return f"{s.label} ({keys_text(s)})"
    raise KeyError(action)
