"""The Settings page (:class:`SettingsPage`) and its groups: cues, session, appearance, data folders, backups."""

from .page import SettingsPage

__all__ = ["SettingsPage"]
