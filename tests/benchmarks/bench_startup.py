"""Start-up: the app's whole process until its first painted frame, vs. a bare PySide6 window.

Both run with the offscreen platform, alternately, in the same run; each
figure is the median of N runs. Peak memory is each child's own maximum RSS
(``os.wait4``). ``python -X importtime`` then checks that pyqtgraph and numpy
are not imported before History is opened, and lists the costliest imports.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, Row, fmt_ratio, main_for, median, mib, ms, offscreen_env

BARE_WINDOW = r"""
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class FirstPaint(QObject):
    done = False

    def eventFilter(self, watched, event):
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            QTimer.singleShot(0, QApplication.quit)
        return False


app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1180, 780)
watcher = FirstPaint()
window.installEventFilter(watcher)
window.show()
sys.exit(app.exec())
"""

HEAVY = ("pyqtgraph", "numpy")


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err[-2000:]}")
    return elapsed, usage.ru_maxrss * 1024  # Linux reports KiB


def app_command(data_dir: str) -> list[str]:
    return [PYTHON, "-m", "massage_timer", "--exit-after-startup", "--data-dir", data_dir]


def measure_pair(
    first: list[str], second: list[str], runs: int, env: dict[str, str]
) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
    """Alternate two commands ``runs`` times each (after one warm-up of each)."""
    _run(first, env)
    _run(second, env)
    a: list[tuple[float, int]] = []
    b: list[tuple[float, int]] = []
    for i in range(runs):
        pair = ((first, a), (second, b)) if i % 2 == 0 else ((second, b), (first, a))
        for cmd, out in pair:
            out.append(_run(cmd, env))
    return a, b


def import_report(data_dir: str, top: int = 8) -> tuple[list[str], list[tuple[str, float]]]:
    """Heavy modules imported at start-up, and the costliest top-level packages (cumulative s)."""
    proc = subprocess.run(
        [PYTHON, "-X", "importtime", *app_command(data_dir)[1:]],
        env=offscreen_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    pattern = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")
    heavy: list[str] = []
    roots: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        m = pattern.match(line)
        if not m:
            continue
        cumulative, indent, name = int(m.group(2)), len(m.group(3)), m.group(4)
        if name.split(".")[0] in HEAVY:
            heavy.append(name)
        if indent == 1:  # imported directly by the program, not by another module
            root = name.split(".")[0]
            roots[root] = roots.get(root, 0.0) + cumulative / 1e6
    ranked = sorted(roots.items(), key=lambda kv: kv[1], reverse=True)[:top]
    return heavy, ranked


def run(quick: bool = False) -> list[Row]:
    runs = 3 if quick else 7
    env = offscreen_env()
    with tempfile.TemporaryDirectory(prefix="mt-bench-start-") as tmp:
        bare = Path(tmp) / "bare_window.py"
        bare.write_text(BARE_WINDOW, encoding="utf-8")
        data_dir = str(Path(tmp) / "data")
        app_runs, bare_runs = measure_pair(app_command(data_dir), [PYTHON, str(bare)], runs, env)
        heavy, ranked = import_report(data_dir)
    app_t, bare_t = median(t for t, _ in app_runs), median(t for t, _ in bare_runs)
    app_m, bare_m = median(m for _, m in app_runs), median(m for _, m in bare_runs)
    t_ratio, m_ratio = app_t / bare_t, app_m / bare_m
    time_row = Row(
        f"Start-up to first paint (median of {runs})",
        ms(app_t),
        f"{ms(bare_t)} (bare QMainWindow)",
        fmt_ratio(t_ratio),
        "ratio <= 1.5",
        t_ratio <= 1.5,
    )
    time_row.notes.append(
        "runs app/bare: " + ", ".join(f"{ms(a)}/{ms(b)}" for (a, _), (b, _) in zip(app_runs, bare_runs, strict=True))
    )
    mem_row = Row(
        "Start-up peak RSS",
        mib(app_m),
        f"{mib(bare_m)} (bare QMainWindow)",
        fmt_ratio(m_ratio),
        "ratio <= 1.5",
        m_ratio <= 1.5,
    )
    import_row = Row(
        "pyqtgraph/numpy imported at start-up",
        "none" if not heavy else ", ".join(sorted(set(n.split(".")[0] for n in heavy))),
        "",
        "",
        "none",
        not heavy,
    )
    import_row.notes.append(
        "top imports (cumulative, one -X importtime run): " + ", ".join(f"{name} {ms(sec)}" for name, sec in ranked)
    )
    return [time_row, mem_row, import_row]


if __name__ == "__main__":
    main_for(run)
