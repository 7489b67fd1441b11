"""The user's preferences, stored as an INI file in the data folder (portable, testable)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal

WARN_CHOICES = (0, 3, 10)
THEMES = ("system", "light", "dark")
TEXT_SCALES = (100, 125, 150, 200)
BACKUP_KEEP_RANGE = (1, 100)
REPEAT_RANGE = (0, 600)
"""Seconds between reminders while a step waits for the caregiver (0: ring once)."""
BOUNCE_RANGE = (0.0, 2.0)
"""Seconds within which a second Next or Previous is taken for a bounce (0: never)."""
NOTES_FORMS = ("plain", "soap")
"""How the Finish panel asks for notes: one box, or the four boxes of a SOAP note."""
ANSWER_DAYS_RANGE = (1, 365)
"""Days a client's remembered safety answer may be confirmed with one click (older ones are asked afresh)."""

_DEFAULTS: dict[str, Any] = {
    "sound_enabled": True,
    "volume": 80,
    "voice_enabled": True,
    "voice_name": "",
    "voice_rate": 0.0,
    "warn_seconds": 10,
    "auto_advance": True,
    "bounce_seconds": 0.7,
    "repeat_seconds": 30,
    "theme": "system",
    "text_scale": 100,
    "last_person": "Me",
    "last_side": "both",
    "last_stage": "",  # the Protocols page's filter; the setup sheet asks for the stage every time
    "last_variant": "",
    "persons": ["Me"],
    "performed_by": "",
    "tray_notifications": True,
    "backups_keep": 10,
    "notes_form": "plain",
    "answers_valid_days": 30,
    "mini_timer": False,  # the small always-on-top timer, shown while a session runs
    "mini_timer_position": "",  # where it was left, "x,y" ("": not placed yet)
}


def _as_list(value: Any) -> list[str]:
    """A list as QSettings reads it back from an INI file: None, one string, or a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value]


class Settings(QObject):
    """Typed access to the preferences; ``changed(key)`` fires after each change."""

    changed = Signal(str)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    def get(self, key: str) -> Any:
        default = _DEFAULTS[key]
        value = self._qs.value(key, default)
        try:
            if isinstance(default, bool):
                if isinstance(value, str):
                    return value.lower() in ("1", "true", "yes", "on")
                return bool(value)
            if isinstance(default, int):
                return int(value)
            if isinstance(default, float):
                return float(value)
            if isinstance(default, list):
                return _as_list(value)
            return str(value) if value is not None else default
        except (TypeError, ValueError):
            return default

    def set(self, key: str, value: Any) -> None:
        if key not in _DEFAULTS:
            raise KeyError(key)
        if self.get(key) == value:
            return
        self._qs.setValue(key, value)
        self._qs.sync()
        self.changed.emit(key)

    # convenience -------------------------------------------------------

    def remember_person(self, name: str) -> None:
        name = name.strip()
        if not name:
            return
        persons = [p for p in self.get("persons") if p != name]
        self.set("persons", [name, *persons][:50])
        self.set("last_person", name)

    def chosen_keys(self) -> dict[str, list[str]]:
        """The session actions the user gave their own keys (Settings → Keys and pedal)."""
        self._qs.beginGroup("keys")
        try:
            out: dict[str, list[str]] = {}
            for action in self._qs.childKeys():
                out[action] = _as_list(self._qs.value(action))
            return out
        finally:
            self._qs.endGroup()

    def set_chosen_keys(self, chosen: dict[str, list[str]]) -> None:
        """Replace the user's keys (actions left out keep their defaults); emits ``changed("keys")``."""
        if chosen == self.chosen_keys():
            return
        self._qs.remove("keys")
        for action, keys in chosen.items():
            # An empty list would read back as no value: keep "no key" as an explicit empty string.
            self._qs.setValue(f"keys/{action}", list(keys) if keys else "")
        self._qs.sync()
        self.changed.emit("keys")

    def geometry(self) -> Any:
        return self._qs.value("window/geometry")

    def set_geometry(self, data: Any) -> None:
        self._qs.setValue("window/geometry", data)
        self._qs.sync()

    def raw(self) -> QSettings:
        return self._qs

    @staticmethod
    def defaults() -> dict[str, Any]:
        return dict(_DEFAULTS)
