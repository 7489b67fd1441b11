"""Cost while waiting: CPU time and wake-ups of the whole app during a running step.

The main window shows the Session page with a long timed step running (real
clock, offscreen). An application-wide event filter counts timer events and
paint events; CPU is the process's own time (all threads) over the window.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Row, main_for


def run(quick: bool = False) -> list[Row]:
    from _session import app, session_rig, timed_protocol
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

    seconds = 10 if quick else 30
    qapp = app()

    class Counter(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.timers = 0
            self.paints = 0
            self.painted: dict[str, int] = {}

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            kind = event.type()
            if kind == QEvent.Type.Timer:
                self.timers += 1
            elif kind == QEvent.Type.Paint:
                self.paints += 1
                name = type(watched).__name__
                self.painted[name] = self.painted.get(name, 0) + 1
            return False

    rig = session_rig(timed_protocol(1, seconds + 60))
    loop = QEventLoop()  # not qapp.exec(): quitting the app would close the window mid-session
    counter = Counter()
    result: dict[str, float] = {}

    def begin() -> None:
        qapp.installEventFilter(counter)
        result["cpu0"], result["t0"] = time.process_time(), time.monotonic()

    def end() -> None:
        result["cpu"] = time.process_time() - result["cpu0"]
        result["wall"] = time.monotonic() - result["t0"]
        qapp.removeEventFilter(counter)
        loop.quit()

    rig.controller.toggle()  # start the step
    QTimer.singleShot(2000, begin)  # after the start's repaint and cue have settled
    QTimer.singleShot(2000 + seconds * 1000, end)
    loop.exec()
    rig.close()

    wall = result["wall"]
    cpu_share = result["cpu"] / wall
    wakeups = counter.timers / wall
    paints = counter.paints / wall
    label = f"{seconds} s of a running step"
    r1 = Row(
        f"Idle: CPU while a step runs ({label})",
        f"{cpu_share * 100:.2f} % of a core",
        "",
        "",
        "<= 1 %",
        cpu_share <= 0.01,
    )
    r2 = Row(f"Idle: timer wake-ups ({label})", f"{wakeups:.1f} /s", "", "", "<= 3 /s", wakeups <= 3)
    r3 = Row(f"Idle: widget paints ({label})", f"{paints:.1f} /s", "", "", "info", None)
    r3.notes.append(
        "paint events by widget class: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counter.painted.items(), key=lambda kv: -kv[1]))
    )
    return [r1, r2, r3]


if __name__ == "__main__":
    main_for(run)
