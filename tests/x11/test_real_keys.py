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
    "us": {"n": "next", "b": "previous", "j": "place_item", "o": "remove_item", "z": "snooze"},
    "de": {"n": "next", "b": "previous", "j": "place_item", "o": "remove_item", "z": "snooze"},
    "ru": {
        "Cyrillic_te": "next",
        "Cyrillic_i": "previous",
        "Cyrillic_o": "place_item",  # the J key
        "Cyrillic_shcha": "remove_item",  # the O key
        "Cyrillic_ya": "snooze",  # the Z key
    },
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

    def move(key: str, index: int) -> None:
        app.let_pass(0.8, app.seen[-1])  # a caregiver's pace: a faster second move is a bounce
        app.press(key)
        step(index)

    app.press("space")  # start: "lie relaxed", untimed
    app.wait_for(lambda e: e["event"] == "changed" and e.get("state") == "running")
    app.press("Return")  # done: the warm-up (3 min, within 2-5 min)
    start = step(1)["planned"]
    for key in ("plus", "plus", "minus", "KP_Add"):
        app.press(key)
    app.wait_for(lambda e: e["event"] == "changed" and e.get("planned") == start + 60)
    move("n", 2)  # the warm-up ends early: skipped
    app.press("ctrl+minus")  # within the range Ctrl takes 30 s away like "-"
    move("Right", 3)
    move("b", 2)  # back to step 3 ... and on again
    move("Right", 3)
    app.let_pass(0.8, app.seen[-1])
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


def test_a_bouncing_pedal_skips_no_step(start_app) -> None:  # noqa: ANN001
    """Two presses of Next 40 ms apart, as a pedal that bounces sends them: one step on, one press
    counted as ignored in the log; a press a second later moves on as usual."""
    app = start_app("classic-relaxing", "us")
    app.press("space")
    app.wait_for(lambda e: e["event"] == "changed" and e.get("state") == "running")
    app.xdotool("key", "--clearmodifiers", "--delay", "40", "Return", "Return")
    moved = app.wait_for(lambda e: e["event"] == "changed" and e.get("index") == 1)
    # The session's own second ticks tell real time passing; no sleeping here.
    later = app.wait_for(lambda e: e["event"] == "changed" and e["t"] >= moved["t"] + 1.0)
    assert later.get("index") == 1, "the bounce must not have skipped the warm-up"
    app.press("Right")
    app.wait_for(lambda e: e["event"] == "changed" and e.get("index") == 2)
    conn = sqlite3.connect(f"{(app.data_dir / 'sessions.sqlite3').as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT step_id, bounced, outcome FROM step_runs ORDER BY seq").fetchall()
    finally:
        conn.close()
    assert rows[:2] == [("lie-relaxed", 0, "completed"), ("warm-up-stroking", 1, "skipped")]
