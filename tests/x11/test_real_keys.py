"""Every session key, pressed for real on US, German and Russian keyboard layouts.

The key names are X keysyms as xdotool sends them: on a US layout ``plus`` is
Shift with the "=" key, on a German layout it is a key of its own; on a Russian
layout the N and B keys type ``Cyrillic_te`` and ``Cyrillic_i``.
"""

from __future__ import annotations

import sqlite3

import pytest

# Keys common to all layouts, and what each one must do.
COMMON = {
    "space": "toggle",
    "Right": "next",
    "Left": "previous",
    "Return": "next",
    "KP_Enter": "next",
    "plus": "more",
    "equal": "more",
    "KP_Add": "more",
    "minus": "less",
    "KP_Subtract": "less",
    "ctrl+plus": "more_override",
    "ctrl+equal": "more_override",
    "ctrl+minus": "less_override",
}
LETTERS = {
    "us": {"n": "next", "b": "previous"},
    "de": {"n": "next", "b": "previous"},
    "ru": {"Cyrillic_te": "next", "Cyrillic_i": "previous"},
}


@pytest.mark.parametrize("layout", ["us", "de", "ru"])
def test_each_session_key_fires_its_action_once(start_app, layout: str) -> None:  # noqa: ANN001
    app = start_app("classic-relaxing", layout)
    expected = {**COMMON, **LETTERS[layout]}
    fired = {key: app.actions_of(key) for key in expected}
    assert fired == {key: [action] for key, action in expected.items()}


def test_shift_with_minus_is_no_override(start_app) -> None:  # noqa: ANN001
    """Shift with "-" types "_": it was the override's key once; it must not take 30 s away."""
    app = start_app("classic-relaxing", "us")
    assert app.actions_of("shift+minus") == []


def _steps(app) -> list[tuple]:  # noqa: ANN001
    conn = sqlite3.connect(f"{(app.data_dir / 'sessions.sqlite3').as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT step_id, planned, initial_planned, extensions, adjusted_seconds, overridden, outcome"
            " FROM step_runs ORDER BY seq"
        ).fetchall()
    finally:
        conn.close()


def _session(app) -> tuple:  # noqa: ANN001
    conn = sqlite3.connect(f"{(app.data_dir / 'sessions.sqlite3').as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT status, notes, steps_total FROM sessions").fetchone()
    finally:
        conn.close()


def test_a_whole_session_by_keys_into_the_log(start_app) -> None:  # noqa: ANN001
    """Classic relaxing massage driven by keys alone; the log rows say what the keys did."""
    app = start_app("classic-relaxing", "us")

    def step(index: int) -> dict:
        return app.wait_for(lambda e: e["event"] == "changed" and e.get("index") == index)

    app.press("space")  # start: "lie relaxed", untimed
    app.wait_for(lambda e: e["event"] == "changed" and e.get("state") == "running")
    app.press("Return")  # done: the warm-up (3 min, within 2-5 min)
    start = step(1)["planned"]
    for key in ("plus", "plus", "minus", "KP_Add"):
        app.press(key)
    app.wait_for(lambda e: e["event"] == "changed" and e.get("planned") == start + 60)
    app.press("n")  # the warm-up ends early: skipped
    step(2)
    app.press("ctrl+minus")  # within the range Ctrl takes 30 s away like "-"
    app.press("Right")
    step(3)
    app.press("b")  # back to step 3 ... and on again
    step(2)
    app.press("Right")
    step(3)
    app.press("Return")  # the last step: done, the summary shows
    app.wait_for(lambda e: e["event"] == "changed" and e.get("state") == "finished")
    for key in ("n", "n", "n", "Return"):  # a pedal pressed once too often, or bouncing
        app.press(key)
    status, notes, total = _session(app)
    assert (status, notes, total) == ("completed", "", 4)
    rows = _steps(app)
    assert [r[0] for r in rows] == [
        "lie-relaxed",
        "warm-up-stroking",
        "circular-ridge",
        "closing-strokes",
        "circular-ridge",
        "closing-strokes",
    ]
    lie, warm, ridge = rows[0], rows[1], rows[2]
    assert lie[6] == "completed"
    assert (warm[1], warm[3], warm[4], warm[6]) == (start + 60, 4, 60, "skipped")  # four presses, +60 s in all
    assert ridge[4] == -30 and not ridge[5]
