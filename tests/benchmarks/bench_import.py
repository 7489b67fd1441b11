"""Importing another computer's log: 10,000 sessions into an empty log, and into one that has them all.

The source log comes from ``sample_data.generate_bulk`` and is cached in ``out/``; each
run imports into a fresh copy of the target (made with the backup API, not timed).
The figures include the backup made first. Each figure is a median of N.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import OUT, Row, main_for, median, ms

SESSIONS = 10_000
NOW = 1_767_225_600.0
"""A fixed "now": the same log every time."""


def cached_source(n: int) -> Path:
    from massage_timer.core.log import open_store
    from massage_timer.tools.sample_data import generate_bulk

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"import-source-{n}.sqlite3"
    if not path.exists():
        tmp = path.with_suffix(".partial")
        for extra in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            extra.unlink(missing_ok=True)
        store, _ = open_store(tmp)
        generate_bulk(store, n, now=NOW)
        store.close()
        tmp.rename(path)
    return path


def _target(folder: Path, source: Path | None) -> Path:
    """A log to import into: empty, or a copy of ``source`` (all its sessions already there)."""
    from massage_timer.core.log import open_store

    path = folder / "sessions.sqlite3"
    store, _ = open_store(path)
    if source is not None:
        src = sqlite3.connect(f"{source.absolute().as_uri()}?mode=ro", uri=True)
        src.backup(store.conn)
        src.close()
    store.close()
    return path


def measure(source: Path, *, full: bool, runs: int) -> tuple[list[float], int, int]:
    """Seconds per import, sessions added and already here (of the last run)."""
    from massage_timer.core.log import import_log, open_store

    times: list[float] = []
    added = present = 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="mt-bench-import-") as tmp:
            path = _target(Path(tmp), source if full else None)
            store, _ = open_store(path)
            t = time.perf_counter()
            report = import_log(store, source, backups_dir=Path(tmp) / "backups", now=NOW)
            times.append(time.perf_counter() - t)
            added, present = report.sessions_added, report.already_here
            store.close()
    return times, added, present


def run(quick: bool = False) -> list[Row]:
    runs = 3
    source = cached_source(SESSIONS)
    rows = []
    for full, what in ((False, "into an empty log"), (True, "into a log that has them all")):
        times, added, present = measure(source, full=full, runs=runs)
        expected = (0, SESSIONS) if full else (SESSIONS, 0)
        assert (added, present) == expected, (added, present)
        value = median(times)
        rows.append(
            Row(
                f"Import {SESSIONS:,} sessions {what} (median of {runs})",
                ms(value),
                "",
                "",
                "info",
                None,
                [f"min {ms(min(times))}, max {ms(max(times))}; the backup made first included"]
                if not full
                else [f"min {ms(min(times))}, max {ms(max(times))}; nothing to import, so no backup"],
            )
        )
    return rows


if __name__ == "__main__":
    main_for(run)
