"""The session keys, in one place: used by the session page, tooltips and Help.

They work wherever the keyboard focus is, so that a USB foot pedal that
types keys can drive a session.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shortcut:
    action: str
    keys: tuple[str, ...]
    label: str


SESSION_SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("toggle", ("Space",), "Start / pause / resume"),
    Shortcut("next", ("Right", "N", "Return"), "Next step / done"),
    Shortcut("previous", ("Left", "B"), "Previous step"),
    Shortcut("more", ("+", "="), "Add 30 seconds"),
    Shortcut("less", ("-",), "Take away 30 seconds"),
    Shortcut("more_override", ("Shift++",), "Add 30 seconds beyond the range (asks first)"),
    Shortcut("less_override", ("Shift+_",), "Take away 30 seconds below the range (asks first)"),
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
