"""Timers shown outside the main window: the always-on-top mini timer and the words it shares with the tray."""

from .mini_timer import MiniTimer
from .words import RowText, menu_entries, row_text, session_line, time_text, tooltip_text

__all__ = ["MiniTimer", "RowText", "menu_entries", "row_text", "session_line", "time_text", "tooltip_text"]
