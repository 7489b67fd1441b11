"""The protocol library: built-in protocols merged with the user's own files.

A user file in ``<data dir>/protocols/`` whose ``id`` equals a built-in's
overrides it (and says so). A broken file is kept in the library with its
errors, so that it can be shown and fixed; it never hides the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..resources import builtin_protocols_dir, resources_dir
from .format import LoadedProtocol
from .problems import Problem, ProtocolError
from .reading import read_protocol

Source = Literal["builtin", "user"]


@dataclass
class Entry:
    """One protocol of the library, valid or not."""

    path: Path
    source: Source
    loaded: LoadedProtocol | None = None
    error: ProtocolError | None = None
    overrides: bool = False
    """A user protocol that replaces the built-in with the same id."""
    overridden_by: Path | None = None
    """A built-in that a user file replaces (not offered, kept for display)."""

    @property
    def ok(self) -> bool:
        return self.loaded is not None

    @property
    def id(self) -> str:
        return self.loaded.protocol.id if self.loaded else self.path.stem


@dataclass
class Library:
    entries: list[Entry] = field(default_factory=list)

    @property
    def protocols(self) -> list[LoadedProtocol]:
        """The usable protocols, one per id, user files winning, in a stable order."""
        return [e.loaded for e in self.entries if e.loaded is not None and e.overridden_by is None]

    @property
    def broken(self) -> list[Entry]:
        return [e for e in self.entries if e.error is not None]

    def get(self, protocol_id: str) -> LoadedProtocol | None:
        for loaded in self.protocols:
            if loaded.protocol.id == protocol_id:
                return loaded
        return None

    def entry(self, protocol_id: str) -> Entry | None:
        for e in self.entries:
            if e.ok and e.id == protocol_id and e.overridden_by is None:
                return e
        return None


def _load_folder(folder: Path, source: Source, label: str) -> list[Entry]:
    entries: list[Entry] = []
    try:
        files = sorted(p for p in folder.glob("*.toml") if not p.name.startswith("."))
    except OSError:
        return entries
    for path in files:
        name = f"{label}/{path.name}"
        try:
            loaded = read_protocol(path, (resources_dir(),), name=name)
            entries.append(Entry(path, source, loaded=loaded))
        except ProtocolError as exc:
            entries.append(Entry(path, source, error=exc))
    return entries


def load_library(user_dir: Path | None, builtin_dir: Path | None = None) -> Library:
    """Read every built-in and user protocol. Never raises for a bad file."""
    builtins = _load_folder(builtin_dir or builtin_protocols_dir(), "builtin", "protocols")
    users = _load_folder(user_dir, "user", str(user_dir)) if user_dir is not None else []
    seen_user: dict[str, Entry] = {}
    for entry in users:
        if not entry.ok:
            continue
        if entry.id in seen_user:
            first = seen_user[entry.id]
            entry.error = ProtocolError(
                str(entry.path),
                [Problem("id", f"{entry.id!r} is already used by {first.path.name}; this file is ignored")],
            )
            entry.loaded = None
            continue
        seen_user[entry.id] = entry
    builtin_ids: set[str] = set()
    for entry in builtins:
        if entry.ok:
            builtin_ids.add(entry.id)
            if entry.id in seen_user:
                entry.overridden_by = seen_user[entry.id].path
    for ident, entry in seen_user.items():
        entry.overrides = ident in builtin_ids
    return Library(entries=[*builtins, *users])
