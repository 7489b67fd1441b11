"""Render every main screen with sample data, light and dark, as PNG files.

Usage::

    python -m massage_timer.tools.screenshots OUTDIR [--size 1280x800] [--theme light|dark|both]
        [--text-scale 100..200] [--suffix TEXT]

It uses a temporary data folder, the offscreen platform (unless a display is
set and ``--onscreen`` is given), a fake clock and the mock speech engine, so
it can run anywhere and always gives the same pictures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def _parse_size(text: str) -> tuple[int, int]:
    w, _, h = text.lower().partition("x")
    return int(w), int(h)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m massage_timer.tools.screenshots")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--size", default="1280x800", type=_parse_size)
    parser.add_argument("--theme", default="both", choices=("light", "dark", "both"))
    parser.add_argument("--text-scale", type=int, default=100, help="the text-size setting, 100 to 200 (%%)")
    parser.add_argument("--suffix", default="", help="added to each file name, e.g. -1024x600")
    parser.add_argument("--onscreen", action="store_true", help="use the real display instead of offscreen")
    args = parser.parse_args(argv)
    if not args.onscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    args.outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="massage-timer-shots-") as tmp:
        return _render(args.outdir, args.size, args.theme, Path(tmp), args.text_scale, args.suffix)


def _render(
    outdir: Path, size: tuple[int, int], theme_choice: str, tmp: Path, scale: int = 100, suffix: str = ""
) -> int:
    import time

    from PySide6.QtCore import QEventLoop, QSize, QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QRadioButton, QTabWidget

    from ..core.clock import FakeClock
    from ..core.log import open_store
    from ..core.paths import DataPaths
    from ..core.protocols.library import load_library
    from ..core.session.plan import build_plan
    from ..ui.main_window import MainWindow
    from ..ui.pages.setup import SetupDialog, SetupResult
    from ..ui.services.cues import CuePlayer
    from ..ui.session_controller import SessionController
    from ..ui.settings import Settings
    from ..ui.theme import apply_theme
    from .sample_data import fill_sample_history

    app = QApplication.instance() or QApplication(["massage-timer-screenshots"])
    assert isinstance(app, QApplication)
    paths = DataPaths(tmp / "data").ensure()
    store, _ = open_store(paths.database)
    fill_sample_history(store, n=60, seed=3)
    library = load_library(paths.protocols)
    themes = ["light", "dark"] if theme_choice == "both" else [theme_choice]
    written: list[Path] = []

    def settle(ms: int = 60) -> None:
        # Let animations (the step-end flash fades in ~400 ms) and layouts finish. A real event
        # loop, not QTest.qWait: that sleeps holding Python's lock, starving worker threads
        # (the history charts are read on one).
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def save(widget, name: str, theme: str) -> None:  # noqa: ANN001
        settle(600)
        path = outdir / f"{name}{suffix}-{theme}.png"
        widget.grab().save(str(path))
        written.append(path)

    for theme in themes:
        settings = Settings(paths.root / f"settings-{theme}.ini")
        settings.set("theme", theme)
        settings.set("last_stage", "remission")
        settings.set("text_scale", scale)
        settings.set("bounce_seconds", 0.0)  # the steps below are skipped at once, on a clock that stands
        apply_theme(app, theme, scale)
        clock = FakeClock(start_wall=time.time() - 3600)
        controller = SessionController(clock)
        cues = CuePlayer(settings, speech_engine="mock")
        window = MainWindow(paths, settings, store, library, controller=controller, cues=cues)
        window.showNormal()  # the offscreen screen is small: a first start would open maximised
        window.resize(*size)
        window.show()
        settle()

        # Protocols, with static cupping selected.
        window.show_page("protocols")
        page = window.page("protocols")
        page.select("cupping-static")  # type: ignore[attr-defined]
        save(window, "protocols", theme)

        # The setup sheet, answered.
        loaded = library.get("cupping-static")
        assert loaded is not None
        dialog = SetupDialog(loaded, settings, ["Me", "Anna", "Grandpa Joe"], window)
        for item in loaded.protocol.contraindications:
            radio = dialog.findChild(QRadioButton, f"contra-{item.id}-no")
            if radio is not None:
                radio.setChecked(True)
        dialog.person.setCurrentText("Anna")
        for radio in dialog.stage_group.buttons():
            radio.setChecked(radio.property("value") == "remission")
        dialog.fit_to(QSize(*size))
        dialog.show()
        save(dialog, "setup", theme)
        dialog.done(QDialog.DialogCode.Rejected)

        # A running static-cupping session: four jars placed a minute apart, seven minutes in.
        result = SetupResult("Anna", "", None, "remission", None, {"cover-and-wait": 900}, 6)
        window.start_from_setup(loaded, result)
        controller.toggle()
        plan = build_plan(loaded.protocol, None, None, {"cover-and-wait": 900})
        wait_index = next(i for i, p in enumerate(plan) if p.step.id == "cover-and-wait")
        for _ in range(wait_index):
            controller.next()
        jars = plan[wait_index].step.items is not None
        for _ in range(4 if jars else 0):
            controller.place_item()
            clock.advance(60)
            controller._on_timer()
        clock.advance(7 * 60 + 25 - (4 * 60 if jars else 0))
        controller._on_timer()
        save(window, "session", theme)
        session_page = window.page("session")
        session_page.set_focus_mode(True)  # type: ignore[attr-defined]
        window.showNormal()  # offscreen, "full screen" is the platform's 800×800: show it at the size asked
        window.resize(*size)
        save(window, "focus", theme)
        session_page.set_focus_mode(False)  # type: ignore[attr-defined]
        window.showNormal()
        window.resize(*size)

        # Pause: on the body the time goes on, only the guidance waits.
        controller.toggle()
        controller._on_timer()
        save(window, "session-paused", theme)
        controller.toggle()

        # The first jar's time is up and it is still on: the app asks again, louder.
        clock.advance(8 * 60 + 20)
        controller._on_timer()
        save(window, "session-waiting", theme)

        # Jar 1 still on after the longest time: a warning that stays until it is off.
        clock.advance(5 * 60 + 10)
        controller._on_timer()
        save(window, "session-limit", theme)

        # Stop and show the finish panel.
        controller.stop()
        save(window, "finish", theme)
        window.page("session").closed.emit()  # type: ignore[attr-defined]
        controller.discard()

        # Three sessions at once: Anna's jars wait to come off, Joe's is paused, Maria's runs on screen.
        window.start_from_setup(loaded, SetupResult("Anna", "", None, "remission", None, {"cover-and-wait": 600}, 6))
        controller.toggle()
        for _ in range(wait_index):
            controller.next()
        clock.advance(10 * 60 + 40)
        controller._on_timer()
        relaxing = library.get("classic-relaxing")
        honey = library.get("honey")
        if relaxing is not None and honey is not None:
            window.start_from_setup(relaxing, SetupResult("Grandpa Joe", "", None, "remission", "back", {}, None))
            controller.toggle()
            controller.next()
            clock.advance(70)
            controller._on_timer()
            controller.toggle()  # paused
            window.start_from_setup(
                honey, SetupResult("Maria Konstantinovna Petrova-Vodkina", "", None, "remission", None, {}, 4)
            )
            controller.toggle()
            clock.advance(95)
            controller._on_timer()
            save(window, "sessions", theme)
        controller.stop_all()
        while controller.engine is not None:
            controller.discard()

        # History: table, then charts.
        window.show_page("history")
        history = window.page("history")
        save(window, "history", theme)
        tabs = [t for t in history.findChildren(QTabWidget) if t.count() >= 2]
        outer = next((t for t in tabs if any("chart" in t.tabText(i).lower() for i in range(t.count()))), None)
        if outer is not None:
            drawn = QEventLoop()
            history.charts_updated.connect(drawn.quit)  # type: ignore[attr-defined]
            QTimer.singleShot(10_000, drawn.quit)  # never wait for ever
            for i in range(outer.count()):
                if "chart" in outer.tabText(i).lower():
                    outer.setCurrentIndex(i)
            drawn.exec()
            save(window, "history-charts", theme)

        window.show_page("settings")
        save(window, "settings", theme)
        window.show_page("help")
        save(window, "help", theme)
        window.close()
        window.deleteLater()
        settle()

    store.close()
    QTimer.singleShot(0, app.quit)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
