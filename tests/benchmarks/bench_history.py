"""History at scale: open (table and charts), filter and export with 1k, 10k and 100k sessions.

Logs come from ``sample_data.generate_bulk`` and are cached in ``out/``.
The charts module (pyqtgraph, numpy) is imported once before timing: its
one-time import is reported on its own row. Each figure is a median of N.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import OUT, Row, fmt_ratio, main_for, median, ms

SIZES = (1_000, 10_000, 100_000)


def cached_log(n: int) -> Path:
    from massage_timer.core.log import open_store
    from massage_timer.tools.sample_data import generate_bulk

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"history-{n}.sqlite"
    if not path.exists():
        tmp = path.with_suffix(".partial")
        for extra in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            extra.unlink(missing_ok=True)
        store, _ = open_store(tmp)
        generate_bulk(store, n, now=1_767_225_600.0)  # a fixed "now": the same log every time
        store.close()
        tmp.rename(path)
    return path


def _wait(flag: list[bool], timeout: float = 30.0) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + timeout
    while not flag[0]:
        QApplication.processEvents()
        if time.monotonic() > end:
            raise TimeoutError("the charts did not update")
        time.sleep(0.0005)


def measure(n: int, runs: int) -> dict[str, list[float]]:
    from PySide6.QtWidgets import QApplication, QMainWindow

    from massage_timer.core.log import open_store
    from massage_timer.ui.pages.history import HistoryPage
    from massage_timer.ui.settings import Settings

    path = cached_log(n)
    times: dict[str, list[float]] = {"open": [], "filter": [], "export": []}
    with tempfile.TemporaryDirectory(prefix="mt-bench-history-") as tmp:
        for _ in range(runs):
            store, _ = open_store(path)
            settings = Settings(Path(tmp) / "settings.ini")
            window = QMainWindow()
            window.resize(1180, 780)
            updated = [False]

            t = time.perf_counter()
            page = HistoryPage(store, settings)  # refreshes: filters, table, counts
            page.charts_updated.connect(lambda flag=updated: flag.__setitem__(0, True))
            window.setCentralWidget(page)
            window.show()
            page.show_charts()
            _wait(updated)
            window.repaint()  # paint the table's tab bar, filters and the chart now
            QApplication.processEvents()
            times["open"].append(time.perf_counter() - t)

            person = page.person.findText("Anna")  # the data is the client id
            updated[0] = False
            t = time.perf_counter()
            page.person.setCurrentIndex(person)
            _wait(updated)
            window.repaint()
            QApplication.processEvents()
            times["filter"].append(time.perf_counter() - t)

            page.person.setCurrentIndex(0)  # all people again
            t = time.perf_counter()
            rows = page.export_csv_to(Path(tmp) / "export.csv")
            times["export"].append(time.perf_counter() - t)
            assert rows == n, (rows, n)

            window.close()
            window.deleteLater()
            QApplication.processEvents()
            store.close()
    return times


REPORT_LOG_SESSIONS = 960
"""Sample history of three people; "Me" has about 500 of its sessions."""


def measure_report(runs: int) -> tuple[list[float], int, int]:
    """Seconds to write one person's PDF report, the number of their sessions and of pages."""
    from massage_timer.core.log import Filter, open_store
    from massage_timer.tools.sample_data import fill_sample_history
    from massage_timer.ui.history.report import write_report

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"report-{REPORT_LOG_SESSIONS}.sqlite"
    if not path.exists():
        store, _ = open_store(path)
        fill_sample_history(store, REPORT_LOG_SESSIONS, now=1_767_225_600.0)
        store.close()
    store, _ = open_store(path)
    times, count = [], 0
    with tempfile.TemporaryDirectory(prefix="mt-bench-report-") as tmp:
        pdf = Path(tmp) / "report.pdf"
        for _ in range(runs):
            t = time.perf_counter()
            count = write_report(store, Filter(person="Me"), pdf)
            times.append(time.perf_counter() - t)
        pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf.read_bytes()))
    store.close()
    return times, count, pages


def run(quick: bool = False) -> list[Row]:
    from _session import app

    app()
    runs = 3 if quick else 5
    t = time.perf_counter()
    from massage_timer.ui.history import charts  # noqa: F401 - pyqtgraph and numpy, once

    import_cost = time.perf_counter() - t
    for n in SIZES:
        cached_log(n)
    results = {n: measure(n, runs) for n in SIZES}
    med = {n: {k: median(v) for k, v in results[n].items()} for n in SIZES}
    rows = [
        Row(
            "History: first import of the charts (pyqtgraph, numpy)",
            ms(import_cost),
            "",
            "",
            "once, on first open",
            None,
        )
    ]
    targets = {"open": 0.5, "filter": 0.1, "export": None}
    names = {
        "open": "open (table + charts painted)",
        "filter": "filter by person",
        "export": "export CSV (all)",
    }
    for key in ("open", "filter", "export"):
        for n in SIZES:
            value = med[n][key]
            if n == SIZES[-1]:
                ratio = value / med[SIZES[0]][key]
                goal = targets[key]
                ok_ratio = ratio <= 5 if key != "export" else None
                ok = ok_ratio if goal is None else (value <= goal and bool(ok_ratio))
                target = f"<= {ms(goal)}, ratio <= 5" if goal is not None else "info"
                rows.append(
                    Row(
                        f"History {names[key]}, {n:,} sessions",
                        ms(value),
                        f"{ms(med[SIZES[0]][key])} (1k)",
                        fmt_ratio(ratio),
                        target,
                        ok,
                    )
                )
            else:
                rows.append(Row(f"History {names[key]}, {n:,} sessions", ms(value), "", "", "", None))
    times, count, pages = measure_report(runs)
    value = median(times)
    rows.append(
        Row(f"Report PDF of one person, {count} sessions ({pages} pages)", ms(value), "", "", "< 2 s", value < 2.0)
    )
    return rows


if __name__ == "__main__":
    main_for(run)
