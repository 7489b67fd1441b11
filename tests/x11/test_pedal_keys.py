"""Keys that foot pedals and presenter clickers send, pressed for real: PageDown/PageUp, Enter,
Space, media keys, and an F-key given to an action in Settings → Keys and pedal.

The key names are X keysyms as xdotool sends them: ``Next`` and ``Prior`` are PageDown and
PageUp; media keys missing from the virtual keyboard are mapped by xdotool for the press.
"""

from __future__ import annotations

import pytest

from massage_timer.ui.shortcuts import DEFAULT_KEYS

PEDAL_DEFAULTS = {
    "Next": "next",
    "Prior": "previous",
    "Return": "next",
    "space": "toggle",
    "XF86AudioNext": "next",
    "XF86AudioPrev": "previous",
    "XF86AudioPlay": "toggle",
}


@pytest.mark.parametrize("layout", ["us", "ru"])
def test_pedal_keys_work_out_of_the_box(start_app, layout: str) -> None:  # noqa: ANN001
    app = start_app("classic-relaxing", layout)
    fired = {key: app.actions_of(key) for key in PEDAL_DEFAULTS}
    assert fired == {key: [action] for key, action in PEDAL_DEFAULTS.items()}


def test_keys_chosen_in_settings_drive_the_session(start_app) -> None:  # noqa: ANN001
    """A pedal that sends F8 and one that sends Space, both set to Next; Space no longer pauses."""
    keys = {
        "next": [*DEFAULT_KEYS.keys("next"), "F8", "Space"],
        "toggle": ["F9"],
    }
    app = start_app("classic-relaxing", "de", keys=keys)
    assert app.actions_of("F9") == ["toggle"]
    assert app.actions_of("F8") == ["next"]
    assert app.actions_of("space") == ["next"]
    assert app.actions_of("n") == ["next"]
