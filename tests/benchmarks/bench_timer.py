"""Timer exactness: a real event loop and the real clock, while other processes load every core.

For each step, the error is the wall moment the step-end signal reaches the
UI minus the step's ideal end (the engine's record of its deadline, and,
independently, the session start plus the planned seconds so far). Every
shown second of every step must be announced exactly once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, Row, main_for, median, ms


def _burners() -> list[subprocess.Popen[bytes]]:
    return [subprocess.Popen([PYTHON, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)]


def run(quick: bool = False) -> list[Row]:
    from _session import app, session_rig, timed_protocol
    from PySide6.QtCore import QEventLoop, QTimer

    from massage_timer.core.session.events import SecondChanged

    steps, seconds = (3, 5) if quick else (6, 20)
    app()
    errors: list[float] = []
    independent: list[float] = []
    shown: dict[int, list[int]] = {}
    t0: list[float] = []

    def on_step_ended(run: object) -> None:
        now_wall, now_mono = time.time(), time.monotonic()
        errors.append(now_wall - run.ended_wall)  # type: ignore[attr-defined]
        independent.append(now_mono - (t0[0] + seconds * (run.index + 1)))  # type: ignore[attr-defined]

    # Connected ahead of the page: the moment the signal reaches the UI.
    rig = session_rig(timed_protocol(steps, seconds), before_page=lambda c: c.step_ended.connect(on_step_ended))
    controller, engine = rig.controller, rig.controller.engine
    assert engine is not None

    def on_event(event: object) -> None:
        if isinstance(event, SecondChanged):
            shown.setdefault(event.index, []).append(event.shown)

    engine.subscribe(on_event)
    loop = QEventLoop()
    controller.finished.connect(lambda *_: QTimer.singleShot(200, loop.quit))
    burners = _burners()
    try:
        time.sleep(0.5)  # let the load settle
        QTimer.singleShot(0, lambda: (t0.append(time.monotonic()), controller.toggle()))
        QTimer.singleShot((steps * seconds + 30) * 1000, loop.quit)  # a safety net
        loop.exec()
    finally:
        for proc in burners:
            proc.kill()
            proc.wait()
        rig.close()

    expected = list(range(seconds, 0, -1))
    bad = {i: v for i, v in shown.items() if v != expected}
    missing = [i for i in range(steps) if i not in shown]
    label = f"{steps} steps of {seconds} s, {len(burners)} busy processes"
    rows = []
    if len(errors) != steps:
        rows.append(
            Row(
                f"Timer: steps ended ({label})",
                f"{len(errors)} of {steps}",
                "",
                "",
                f"{steps}",
                False,
            )
        )
        return rows
    med, worst = median(abs(e) for e in errors), max(abs(e) for e in errors)
    r1 = Row(f"Timer: step-end error, median ({label})", ms(med), "", "", "<= 10 ms", med <= 0.010)
    r1.notes.append("per step (ms, vs. engine deadline): " + ", ".join(f"{e * 1000:.1f}" for e in errors))
    r1.notes.append(
        "per step (ms, vs. start + planned, monotonic): " + ", ".join(f"{e * 1000:.1f}" for e in independent)
    )
    r2 = Row(f"Timer: step-end error, max ({label})", ms(worst), "", "", "<= 50 ms", worst <= 0.050)
    r3 = Row(
        "Timer: shown seconds skipped or repeated",
        "none" if not bad and not missing else f"{len(bad) + len(missing)} steps wrong",
        "",
        "",
        "none",
        not bad and not missing,
    )
    for i, values in bad.items():
        r3.notes.append(f"step {i}: {values}")
    return [r1, r2, r3]


if __name__ == "__main__":
    main_for(run)
