"""What an import of another computer's log did (:func:`.merge.import_log`), in plain lines.

Each line is a whole sentence (numbers go into the sentence, never pieces joined), so that
the lines can be translated as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple


class ClientMatch(NamedTuple):
    """A client of the file and the client here it was taken for."""

    source_name: str
    name_here: str
    sessions: int
    """How many of the sessions brought in are this client's."""


@dataclass
class ImportReport:
    """What an import did (or would have done: nothing, when all was here already)."""

    source: Path
    sessions_in_file: int = 0
    sessions_added: int = 0
    already_here: int = 0
    differ: int = 0
    """Of the sessions already here, those whose content differs from the file's (this computer's kept)."""
    running_left_out: int = 0
    steps_added: int = 0
    clients_matched: list[ClientMatch] = field(default_factory=list)
    clients_added: list[str] = field(default_factory=list)
    answers_updated: int = 0
    backup: Path | None = None

    @property
    def changed(self) -> bool:
        """Whether anything was written to this log."""
        return bool(self.sessions_added or self.clients_added or self.answers_updated)

    def describe(self) -> list[str]:
        """The report in plain lines (one sentence each), for the command line and the window."""
        lines: list[str] = []
        n, steps = self.sessions_added, self.steps_added
        if n:
            if n == 1:
                lines.append(f"Added 1 session ({steps:,} steps) from {self.source}.")
            else:
                lines.append(f"Added {n:,} sessions ({steps:,} steps) from {self.source}.")
            if self.already_here == 1:
                lines.append("1 session was already in this log.")
            elif self.already_here:
                lines.append(f"{self.already_here:,} sessions were already in this log.")
        elif self.already_here == 1 and self.sessions_in_file == 1:
            lines.append("Nothing new: the one session of the file is already in this log.")
        elif self.already_here and self.already_here == self.sessions_in_file:
            lines.append(f"Nothing new: all {self.already_here:,} sessions are already in this log.")
        elif self.already_here:
            lines.append(f"No new sessions: {self.already_here:,} sessions are already in this log.")
        elif not self.running_left_out:
            lines.append(f"Nothing new: {self.source} holds no sessions.")
        if self.differ == 1:
            lines.append("1 session already here differs from the file's; this computer's was kept.")
        elif self.differ:
            lines.append(f"{self.differ:,} sessions already here differ from the file's; this computer's were kept.")
        if self.running_left_out == 1:
            lines.append("1 session is still running in that log and was left out; import again once it has ended.")
        elif self.running_left_out:
            lines.append(
                f"{self.running_left_out:,} sessions are still running in that log and were left out; "
                "import again once they have ended."
            )
        for match in self.clients_matched:
            if match.sessions == 1:
                lines.append(f"{match.source_name} matched {match.name_here} (1 session).")
            elif match.sessions:
                lines.append(f"{match.source_name} matched {match.name_here} ({match.sessions:,} sessions).")
        if self.clients_added:
            lines.append("New clients: " + ", ".join(self.clients_added) + ".")
        if self.answers_updated == 1:
            lines.append("1 remembered safety answer was updated with a newer one.")
        elif self.answers_updated:
            lines.append(f"{self.answers_updated:,} remembered safety answers were updated with newer ones.")
        if self.backup is not None:
            lines.append(f"This log was backed up first, as {self.backup}.")
        return lines
