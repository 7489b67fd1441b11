"""Start-up checks that run before Qt is created."""

from __future__ import annotations

import sys

import pytest

from massage_timer.app import can_load, missing_xcb_packages, platform_problem

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb check is for Linux")


@linux
def test_missing_xcb_library_names_the_package() -> None:
    def loadable(soname: str) -> bool:
        return soname != "libxcb-cursor.so.0"

    message = platform_problem({"DISPLAY": ":0"}, loadable)
    assert message is not None
    assert "sudo apt install libxcb-cursor0" in message
    assert missing_xcb_packages(loadable) == ["libxcb-cursor0"]


@linux
def test_no_problem_when_everything_is_there_or_not_xcb() -> None:
    assert platform_problem({"DISPLAY": ":0"}, lambda n: True) is None
    assert platform_problem({"QT_QPA_PLATFORM": "offscreen"}, lambda n: False) is None
    assert platform_problem({"WAYLAND_DISPLAY": "wayland-0"}, lambda n: False) is None


@linux
def test_the_loader_check_tells_present_from_absent() -> None:
    assert can_load("libc.so.6")
    assert not can_load("libmassage-timer-no-such-library.so.7")


@linux
def test_no_display_is_said_plainly() -> None:
    message = platform_problem({}, lambda n: False)
    assert message is not None and "no display" in message
