"""Clients at scale: search and list 5,000 clients of a log with 100,000 sessions.

The log comes from ``sample_data.generate_bulk`` (with ``clients=5000``) and is
cached in ``out/``. Each figure is a median of N; the clients' session counts and
latest sessions are part of every list.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import OUT, Row, main_for, median, ms

SESSIONS = 100_000
CLIENTS = 5_000
SEARCH = "an"
SEARCH_TARGET = 0.05


def cached_log() -> Path:
    from massage_timer.core.log import open_store
    from massage_timer.tools.sample_data import generate_bulk

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"clients-{CLIENTS}-{SESSIONS}.sqlite"
    if not path.exists():
        tmp = path.with_suffix(".partial")
        for extra in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            extra.unlink(missing_ok=True)
        store, _ = open_store(tmp)
        generate_bulk(store, SESSIONS, now=1_767_225_600.0, clients=CLIENTS)  # a fixed "now": the same log
        store.close()
        tmp.rename(path)
    return path


def measure(runs: int) -> tuple[dict[str, list[float]], dict[str, int]]:
    from massage_timer.core.log import open_store

    store, _ = open_store(cached_log())
    times: dict[str, list[float]] = {"search": [], "all": [], "near": []}
    found: dict[str, int] = {}
    try:
        for _ in range(runs):
            for key, call in (
                ("search", lambda: store.clients(search=SEARCH)),
                ("all", lambda: store.clients()),
                ("near", lambda: store.near_duplicates()),
            ):
                t = time.perf_counter()
                result = call()
                times[key].append(time.perf_counter() - t)
                found[key] = len(result)
    finally:
        store.close()
    return times, found


def run(quick: bool = False) -> list[Row]:
    runs = 3 if quick else 5
    cached_log()
    times, found = measure(runs)
    search = median(times["search"])
    return [
        Row(
            f'Clients: search "{SEARCH}", {CLIENTS:,} clients, {SESSIONS:,} sessions ({found["search"]:,} found)',
            ms(search),
            "",
            "",
            f"<= {ms(SEARCH_TARGET)}",
            search <= SEARCH_TARGET,
        ),
        Row(f"Clients: list all {found['all']:,} with counts", ms(median(times["all"])), "", "", "info", None),
        Row(
            f"Clients: near duplicates of {CLIENTS:,} ({found['near']} groups)",
            ms(median(times["near"])),
            "",
            "",
            "info",
            None,
        ),
    ]


if __name__ == "__main__":
    main_for(run)
