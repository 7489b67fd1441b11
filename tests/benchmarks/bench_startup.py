"""Start-up: the app's whole process until its first painted frame, vs. a bare PySide6 window.

Three commands run with the offscreen platform, alternately, in the same run:
the app quitting right after its first frame (the figure the targets are
about), the app quitting once it is ready (log opened, second-launch socket
listening), and a bare QMainWindow. Each figure is the median of N runs.
Peak memory is each child's own maximum RSS (``os.wait4``). Each child also
prints ``<stage> <time.monotonic()>`` lines, so the time from launch to the
frame itself is known apart from the time it takes to quit.

The package is byte-compiled first, as an installed copy is: otherwise every
run would compile the sources again (and ``PYTHONDONTWRITEBYTECODE`` keeps it
from ever being cached).

``python -X importtime`` then checks that pyqtgraph and numpy are not imported
before History is opened, and lists the costliest imports.
"""

from __future__ import annotations

import compileall
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, Row, fmt_ratio, main_for, median, mib, ms, offscreen_env

BARE_WINDOW = r"""
import sys
import time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class FirstPaint(QObject):
    done = False

    def eventFilter(self, watched, event):
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            QTimer.singleShot(0, self.painted)
        return False

    def painted(self):
        print(f"first-frame {time.monotonic():.6f}", flush=True)
        QApplication.quit()


app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1180, 780)
watcher = FirstPaint()
window.installEventFilter(watcher)
window.show()
sys.exit(app.exec())
"""

# The bare window with one line of text: what showing any text at all adds (Qt's font
# database, the Qt namespace's enums). For reference only; the targets use the bare window.
LABEL_WINDOW = BARE_WINDOW.replace(
    "window.resize(1180, 780)\n",
    "window.resize(1180, 780)\n"
    "from PySide6.QtWidgets import QLabel\n"
    "from PySide6.QtCore import Qt\n"
    "window.setCentralWidget(QLabel('Protocols', alignment=Qt.AlignmentFlag.AlignCenter))\n",
)
assert LABEL_WINDOW != BARE_WINDOW

HEAVY = ("pyqtgraph", "numpy")


@dataclass
class Launch:
    wall: float
    """Seconds from launch until the process exited."""
    rss: int
    """Peak resident memory, bytes."""
    stages: dict[str, float]
    """Seconds from launch until each stage the child reported (first-frame, ready)."""


def _run(cmd: list[str], env: dict[str, str]) -> Launch:
    """Run one child to its end: its wall time, peak RSS and reported stages."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err[-2000:]}")
    stages = {}
    for line in out.splitlines():
        name, _, stamp = line.partition(" ")
        if name in ("first-frame", "ready"):
            stages[name] = float(stamp) - start  # CLOCK_MONOTONIC is the same in every process
    return Launch(elapsed, usage.ru_maxrss * 1024, stages)  # Linux reports KiB


def app_command(data_dir: str, stage: str = "first-frame") -> list[str]:
    return [PYTHON, "-m", "massage_timer", f"--exit-after-startup={stage}", "--data-dir", data_dir]


def user_command(stage: str = "first-frame") -> list[str]:
    """The app as a user starts it: the data folder comes from the platform (XDG_DATA_HOME)."""
    return [PYTHON, "-m", "massage_timer", f"--exit-after-startup={stage}"]


def measure_alternating(commands: list[list[str]], runs: int, env: dict[str, str]) -> list[list[Launch]]:
    """Run each command ``runs`` times (after one warm-up each), rotating which goes first."""
    for cmd in commands:
        _run(cmd, env)
    results: list[list[Launch]] = [[] for _ in commands]
    for i in range(runs):
        order = list(range(len(commands)))
        order = order[i % len(order) :] + order[: i % len(order)]
        for k in order:
            results[k].append(_run(commands[k], env))
    return results


def compile_package() -> Path:
    """Byte-compile the package like an installation does; returns its folder."""
    import massage_timer

    folder = Path(massage_timer.__file__).resolve().parent
    compileall.compile_dir(str(folder), quiet=1)
    return folder


def import_report(data_dir: str, top: int = 8) -> tuple[list[str], list[tuple[str, float]]]:
    """Heavy modules imported at start-up, and the costliest top-level packages (cumulative s)."""
    proc = subprocess.run(
        [PYTHON, "-X", "importtime", *app_command(data_dir, "ready")[1:]],
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
    compile_package()
    with tempfile.TemporaryDirectory(prefix="mt-bench-start-") as tmp:
        env = offscreen_env(XDG_DATA_HOME=str(Path(tmp) / "xdg"))
        env.pop("MASSAGE_TIMER_DATA_DIR", None)
        bare = Path(tmp) / "bare_window.py"
        bare.write_text(BARE_WINDOW, encoding="utf-8")
        label = Path(tmp) / "label_window.py"
        label.write_text(LABEL_WINDOW, encoding="utf-8")
        first, ready, bare_runs, label_runs = measure_alternating(
            [user_command("first-frame"), user_command("ready"), [PYTHON, str(bare)], [PYTHON, str(label)]], runs, env
        )
        heavy, ranked = import_report(str(Path(tmp) / "data"))
    app_t, bare_t = median(r.wall for r in first), median(r.wall for r in bare_runs)
    app_m, bare_m = median(r.rss for r in first), median(r.rss for r in bare_runs)
    frame_t, bare_frame_t = (
        median(r.stages["first-frame"] for r in first),
        median(r.stages["first-frame"] for r in bare_runs),
    )
    ready_t, ready_m = median(r.wall for r in ready), median(r.rss for r in ready)
    t_ratio, m_ratio = app_t / bare_t, app_m / bare_m
    time_row = Row(
        f"Start-up: launch to first frame and quit (median of {runs})",
        ms(app_t),
        f"{ms(bare_t)} (bare QMainWindow)",
        fmt_ratio(t_ratio),
        "ratio <= 1.5",
        t_ratio <= 1.5,
    )
    time_row.notes.append(
        "runs app/bare: " + ", ".join(f"{ms(a.wall)}/{ms(b.wall)}" for a, b in zip(first, bare_runs, strict=True))
    )
    frame_row = Row(
        "Start-up: launch to first frame on screen",
        ms(frame_t),
        f"{ms(bare_frame_t)} (bare QMainWindow)",
        fmt_ratio(frame_t / bare_frame_t),
        "",
        None,
    )
    label_t = median(r.wall for r in label_runs)
    label_row = Row(
        "Start-up reference: bare QMainWindow with one text label, to first frame and quit",
        ms(label_t),
        f"{ms(bare_t)} (bare QMainWindow)",
        fmt_ratio(label_t / bare_t),
        "",
        None,
    )
    ready_row = Row(
        "Start-up: launch to ready (log open, second-launch socket listening) and quit",
        ms(ready_t),
        f"{ms(bare_t)} (bare QMainWindow)",
        fmt_ratio(ready_t / bare_t),
        "",
        None,
    )
    mem_row = Row(
        "Start-up peak RSS (first frame)",
        mib(app_m),
        f"{mib(bare_m)} (bare QMainWindow)",
        fmt_ratio(m_ratio),
        "ratio <= 1.5",
        m_ratio <= 1.5,
    )
    ready_mem_row = Row(
        "Start-up peak RSS (ready)",
        mib(ready_m),
        f"{mib(bare_m)} (bare QMainWindow)",
        fmt_ratio(ready_m / bare_m),
        "",
        None,
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
    return [time_row, frame_row, label_row, ready_row, mem_row, ready_mem_row, import_row]


if __name__ == "__main__":
    main_for(run)
