"""Start-up checks that run before Qt is created."""

from __future__ import annotations

import sys

import pytest

from massage_timer.app import missing_xcb_packages, platform_problem

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb check is for Linux")


@linux
def test_missing_xcb_library_names_the_package() -> None:
    def find(name: str):  # noqa: ANN202
        return None if name == "xcb-cursor" else f"lib{name}.so"

    message = platform_problem({"DISPLAY": ":0"}, find)
    assert message is not None
    assert "sudo apt install libxcb-cursor0" in message
    assert missing_xcb_packages(find) == ["libxcb-cursor0"]


@linux
def test_no_problem_when_everything_is_there_or_not_xcb() -> None:
    def find(name: str) -> str:
        return f"lib{name}.so"

    assert platform_problem({"DISPLAY": ":0"}, find) is None
    assert platform_problem({"QT_QPA_PLATFORM": "offscreen"}, lambda n: None) is None
    assert platform_problem({"WAYLAND_DISPLAY": "wayland-0"}, lambda n: None) is None


@linux
def test_no_display_is_said_plainly() -> None:
    message = platform_problem({}, lambda n: None)
    assert message is not None and "no display" in message
