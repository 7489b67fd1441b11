"""Cost while waiting with five sessions at once: CPU time and wake-ups of the whole app.

The main window shows the Session page; five sessions run side by side, each a long timed
step, started a fraction of a second apart as a caregiver would start them (real clock,
offscreen). The strip of sessions shows all five. An application-wide event filter counts
timer events and paint events; CPU is the process's own time (all threads) over the window.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Row, main_for

SESSIONS = 5
PERSONS = ("Anna", "Boris", "Clara", "Dmitri", "Eva")


def run(quick: bool = False) -> list[Row]:
    from _session import app, session_rig, timed_protocol
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

    from massage_timer.core.log import SessionInfo
    from massage_timer.core.session.plan import build_plan

    seconds = 10 if quick else 30
    qapp = app()

    class Counter(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.timers = 0
            self.paints = 0

        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802
            kind = event.type()
            if kind == QEvent.Type.Timer:
                self.timers += 1
            elif kind == QEvent.Type.Paint:
                self.paints += 1
            return False

    loaded = timed_protocol(1, seconds + 120)
    rig = session_rig(loaded)
    controller = rig.controller
    plan = build_plan(loaded.protocol)
    loop = QEventLoop()  # not qapp.exec(): quitting the app would close the window mid-session
    counter = Counter()
    result: dict[str, float] = {}
    started: list[str] = []

    def start_next() -> None:
        """Start one more session (the first was prepared by the rig); the next a moment later."""
        if started:
            person = PERSONS[len(started)]
            info = SessionInfo(loaded.protocol.id, loaded.protocol.title, person, len(plan))
            controller.begin(loaded, plan, info, rig.store, warn_seconds=10)
        controller.toggle()
        started.append(controller.current_key or "")
        if len(started) < SESSIONS:
            QTimer.singleShot(370, start_next)  # a caregiver's pace: never on the same beat

    def begin() -> None:
        qapp.installEventFilter(counter)
        result["cpu0"], result["t0"] = time.process_time(), time.monotonic()

    def end() -> None:
        result["cpu"] = time.process_time() - result["cpu0"]
        result["wall"] = time.monotonic() - result["t0"]
        qapp.removeEventFilter(counter)
        loop.quit()

    start_next()
    settle = 370 * SESSIONS + 2000  # after every start's repaint and cue have settled
    QTimer.singleShot(settle, begin)
    QTimer.singleShot(settle + seconds * 1000, end)
    loop.exec()
    running = len(controller.manager.active())
    strip = rig.window.page("session").strip
    chips = len(strip.chips()) if strip.isVisible() else 0
    controller.stop_all()
    rig.close()

    wall = result["wall"]
    cpu_share = result["cpu"] / wall
    wakeups = counter.timers / wall
    paints = counter.paints / wall
    label = f"{seconds} s, {running} sessions running, {chips} chips on the strip"
    r1 = Row(
        f"Sessions: CPU with {SESSIONS} sessions at once ({label})",
        f"{cpu_share * 100:.2f} % of a core",
        "",
        "",
        "<= 1 %",
        cpu_share <= 0.01 and running == SESSIONS,
    )
    r2 = Row(
        f"Sessions: timer wake-ups with {SESSIONS} sessions at once ({label})",
        f"{wakeups:.1f} /s",
        "",
        "",
        "<= 5 /s",
        wakeups <= 5 and running == SESSIONS,
    )
    r3 = Row(f"Sessions: widget paints with {SESSIONS} sessions at once ({label})", f"{paints:.1f} /s", "", "", "info")
    return [r1, r2, r3]


if __name__ == "__main__":
    main_for(run)
