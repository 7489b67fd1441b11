"""A real app window on the X display, with a session prepared, for tests that press real keys.

Run as ``python session_driver.py DATA_DIR PROTOCOL_ID``. It opens the main window on
the xcb platform with its session log in DATA_DIR, prepares a session of PROTOCOL_ID
(what the setup sheet would hand over: person "Keys test", acute stage, the protocol's
default durations), and prints one JSON line per change of the session, so the test
knows when a key has been handled:

    {"event": "ready", "window": <X window id>, "t": <time.monotonic()>}
    {"event": "changed", "index": 0, "state": "running", "planned": 930, ..., "t": ...}

The keys themselves come from outside, through the X server (xdotool), so they take the
path a keyboard or a foot pedal takes. Time is the system clock: the tests press keys
long before a timed step of minutes could end on its own.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> int:
    data_dir, protocol_id = Path(sys.argv[1]), sys.argv[2]
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QShortcut
    from PySide6.QtWidgets import QApplication

    from massage_timer.core.log import open_store
    from massage_timer.core.paths import DataPaths
    from massage_timer.core.protocols.library import load_library
    from massage_timer.ui.main_window import MainWindow
    from massage_timer.ui.pages.setup import SetupResult
    from massage_timer.ui.services.cues import CuePlayer
    from massage_timer.ui.settings import Settings
    from massage_timer.ui.theme import apply_theme

    app = QApplication([sys.argv[0], "-platform", "xcb"])
    paths = DataPaths(data_dir).ensure()
    settings = Settings(paths.root / "settings.ini")
    apply_theme(app, "light", 100)
    store, _report = open_store(paths.database)
    library = load_library(paths.protocols)
    cues = CuePlayer(settings, speech_engine="mock")
    window = MainWindow(paths, settings, store, library, cues=cues)
    window.resize(1280, 800)
    window.show()

    def say(**fields: object) -> None:
        print(json.dumps({**fields, "t": time.monotonic()}), flush=True)

    def on_changed() -> None:
        snap = window.controller.snapshot()
        if snap is None:
            say(event="changed", state="none", page=window.current_page())
            return
        say(
            event="changed",
            index=snap.index,
            count=snap.count,
            state=str(snap.state),
            planned=snap.planned.planned if snap.planned is not None else None,
            page=window.current_page(),
        )

    def start() -> None:
        loaded = library.get(protocol_id)
        window.start_from_setup(loaded, SetupResult("Keys test", "", None, "acute", None, {}, None))
        window.controller.changed.connect(on_changed)
        page = window.page("session")
        for shortcut in page.findChildren(QShortcut):
            action = shortcut.property("action")
            shortcut.activated.connect(lambda a=action: say(event="action", action=a))
            shortcut.activatedAmbiguously.connect(lambda a=action: say(event="ambiguous", action=a))
        window.activateWindow()
        say(event="ready", window=int(window.winId()), session=window.controller.session_id)

    QTimer.singleShot(300, start)
    code = app.exec()
    store.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
