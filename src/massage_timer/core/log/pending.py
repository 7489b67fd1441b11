"""The writes the log has not taken yet (a full disk, a lock), kept until it takes them.

A session's writes go through :class:`PendingWrites`: each is tried at once; what
fails stays in memory, in order, and is tried again at the next write, when the app
retries (every few seconds while anything waits, so when space returns), and at
the next start. Each change that stays pending is also written beside the log as
``sessions.sqlite3.pending`` (JSON lines, 0600, written to a temporary file and
renamed, so it is whole or absent), when that is possible: on a disk that is full
to the last block it is not, and the writes live in memory only until there is
space. The opener replays the file before anything else and removes it once the
log holds all of it.

Replaying is idempotent: a session row is inserted only when it is not there
(``ON CONFLICT DO NOTHING``) and linked to its client as a new session is (a client
made for its person text comes with it, once), a step run is an upsert of its latest
state, and the end sets the real status and time. So a session whose end could not be written
gets its real status (completed or stopped) once space returns, never
"interrupted"; a session of a process that died with writes pending is marked
interrupted once those writes are in.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..session.events import Outcome, StepRun
from .errors import StoreError, os_reason
from .records import SessionInfo

SUFFIX = ".pending"
FORMAT = 1


def pending_path(log: Path) -> Path:
    """Where the journal of ``log`` lives: beside it."""
    return log.with_name(log.name + SUFFIX)


@dataclass
class _Session:
    """What of one session is not in the log yet."""

    session_id: str
    info: dict[str, Any]
    started_ts: float
    begin: bool = False
    """Its row is not in the log yet."""
    steps: dict[int, dict[str, Any]] = field(default_factory=dict)
    """seq -> the latest state of that step run."""
    end: tuple[str, float] | None = None
    orphan: bool = False
    """From a process that is gone: interrupted unless it has an end."""

    def records(self) -> Iterator[dict[str, Any]]:
        base = {"v": FORMAT, "session": self.session_id}
        yield {**base, "op": "session", "info": self.info, "started_ts": self.started_ts, "begin": self.begin}
        for seq in sorted(self.steps):
            yield {**base, "op": "step", "run": self.steps[seq]}
        if self.end is not None:
            yield {**base, "op": "end", "status": self.end[0], "ended_ts": self.end[1]}


class LogWriter(Protocol):
    """The writes of :class:`~.store.Store` a replay needs (the store imports this module, not the reverse)."""

    def begin_session(
        self, info: SessionInfo, started_ts: float, session_id: str | None = None, *, if_absent: bool = False
    ) -> str: ...

    def save_step(self, session_id: str, run: StepRun) -> None: ...

    def end_session(self, session_id: str, status: str, ended_ts: float) -> None: ...

    def mark_interrupted(self, *, only: Sequence[str] | None = None, exclude: Sequence[str] = ()) -> list[str]: ...


class PendingUnreadable(StoreError):
    """The journal beside the log cannot be read; it was kept aside, untouched."""


class PendingWrites:
    """The journal of one log.

    Args:
        file: where to keep it beside the log (None: in memory only).
    """

    def __init__(self, file: Path | None = None) -> None:
        self.file = file
        self._sessions: dict[str, _Session] = {}
        self.file_error = ""
        """Why the journal could not be written beside the log ("" when it was, or had to be)."""
        self._on_disk: str | None = None
        """What the file beside the log holds now (None: there is no file)."""

    # ----------------------------------------------------------- what waits

    def __bool__(self) -> bool:
        return bool(self._sessions)

    @property
    def kept_on_disk(self) -> bool:
        """True when the file beside the log holds everything that waits (so quitting loses nothing)."""
        return not self._sessions or (self._on_disk is not None and self._on_disk == self._lines())

    def _lines(self) -> str:
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for p in self._sessions.values() for r in p.records())

    def session_ids(self) -> list[str]:
        return list(self._sessions)

    def has(self, session_id: str) -> bool:
        return session_id in self._sessions

    def has_begin(self, session_id: str) -> bool:
        """True while the session's row is not in the log yet."""
        pending = self._sessions.get(session_id)
        return pending is not None and pending.begin

    def has_end(self, session_id: str) -> bool:
        pending = self._sessions.get(session_id)
        return pending is not None and pending.end is not None

    def _session(self, session_id: str, info: SessionInfo, started_ts: float) -> _Session:
        if session_id not in self._sessions:
            self._sessions[session_id] = _Session(session_id, asdict(info), started_ts)
        return self._sessions[session_id]

    def add_begin(self, session_id: str, info: SessionInfo, started_ts: float) -> None:
        self._session(session_id, info, started_ts).begin = True

    def add_step(self, session_id: str, info: SessionInfo, started_ts: float, run: StepRun) -> None:
        data = asdict(run)
        data["outcome"] = str(run.outcome)
        self._session(session_id, info, started_ts).steps[run.seq] = data

    def add_end(self, session_id: str, info: SessionInfo, started_ts: float, status: str, ended_ts: float) -> None:
        self._session(session_id, info, started_ts).end = (status, ended_ts)

    def forget(self, session_id: str) -> None:
        """Drop what waits for a session (it was deleted)."""
        if self._sessions.pop(session_id, None) is not None:
            self.save()

    # ----------------------------------------------------------- writing to the log

    def write_to(self, store: LogWriter) -> None:
        """Write everything pending to ``store``, in order; stop at the first failure.

        What was written leaves the journal; the file beside the log then holds what is
        left (or is removed).

        Raises:
            StoreError: a write failed (what failed and what follows stay pending).
        """
        if not self._sessions:
            return
        try:
            for session_id in list(self._sessions):
                self._write_session(store, self._sessions[session_id])
                del self._sessions[session_id]
        finally:
            self.save()

    def _write_session(self, store: LogWriter, pending: _Session) -> None:
        if pending.begin:
            store.begin_session(SessionInfo(**pending.info), pending.started_ts, pending.session_id, if_absent=True)
            pending.begin = False
        for seq in sorted(pending.steps):
            data = dict(pending.steps[seq])
            data["outcome"] = Outcome(data["outcome"])
            store.save_step(pending.session_id, StepRun(**data))
            del pending.steps[seq]
        if pending.end is not None:
            store.end_session(pending.session_id, pending.end[0], pending.end[1])
            pending.end = None
        elif pending.orphan:
            store.mark_interrupted(only=[pending.session_id])

    # ----------------------------------------------------------- the file beside the log

    def save(self) -> bool:
        """Write the journal beside the log (atomically), or remove the file when nothing waits.

        Returns False when it could not be written; it is then kept in memory only
        (``file_error`` says why), and tried again at the next change.
        """
        if self.file is None:
            return False
        if not self._sessions:
            if self._on_disk is not None:
                with contextlib.suppress(FileNotFoundError):
                    self.file.unlink()
                _sync_folder(self.file.parent)
            self._on_disk = None
            self.file_error = ""
            return True
        lines = self._lines()
        if lines == self._on_disk:
            return True
        temporary = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
        try:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            try:
                data = lines.encode("utf-8")
                while data:
                    data = data[os.write(fd, data) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temporary, self.file)
            _sync_folder(self.file.parent)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink()
            self.file_error = f"{self.file} could not be written ({os_reason(exc)})"
            return False
        self._on_disk = lines
        self.file_error = ""
        return True

    @classmethod
    def load(cls, file: Path) -> PendingWrites:
        """The journal left beside a log by an earlier run (empty when there is none).

        Its sessions are marked as left by a process that is gone.

        Raises:
            PendingUnreadable: the file is not a journal (it was renamed aside, untouched).
        """
        journal = cls(file)
        try:
            st = os.lstat(file)
        except FileNotFoundError:
            return journal
        if not stat.S_ISREG(st.st_mode):
            raise PendingUnreadable(
                f"{file} is not a file, so the writes it should hold cannot be read. Rename or remove it."
            )
        try:
            text = file.read_text(encoding="utf-8")
            for line in text.splitlines():
                if line.strip():
                    journal._apply(json.loads(line))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            aside = file.with_name(file.name + ".unreadable")
            with contextlib.suppress(OSError):
                os.replace(file, aside)
            raise PendingUnreadable(
                f"The writes that could not be saved earlier, kept in {file}, cannot be read ({exc}). "
                f"The file was kept as {aside.name}; nothing in the session log was changed."
            ) from None
        journal._on_disk = text
        for pending in journal._sessions.values():
            pending.orphan = True
        return journal

    def _apply(self, record: dict[str, Any]) -> None:
        if record.get("v") != FORMAT:
            raise ValueError(f"unknown format {record.get('v')!r}")
        session_id = str(record["session"])
        op = record["op"]
        if op == "session":
            SessionInfo(**record["info"])  # checks the fields
            pending = _Session(session_id, dict(record["info"]), float(record["started_ts"]))
            pending.begin = bool(record["begin"])
            self._sessions[session_id] = pending
        elif op == "step":
            run = dict(record["run"])
            StepRun(**{**run, "outcome": Outcome(run["outcome"])})  # checks the fields
            self._sessions[session_id].steps[int(run["seq"])] = run
        elif op == "end":
            if record["status"] not in ("completed", "stopped"):
                raise ValueError(f"unknown status {record['status']!r}")
            self._sessions[session_id].end = (str(record["status"]), float(record["ended_ts"]))
        else:
            raise ValueError(f"unknown record {op!r}")


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; elsewhere the rename is enough)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
