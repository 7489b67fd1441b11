"""The installation self-test: it passes on a working install and fails on a broken one."""

from __future__ import annotations

from pathlib import Path

import pytest

from massage_timer.core.protocols.library import Entry, load_library
from massage_timer.core.protocols.problems import Problem, ProtocolError
from massage_timer.tools import selftest


@pytest.fixture(autouse=True)
def _quiet_speech(no_speech_daemon: None) -> None:
    """Every test here may start a child process."""


def _temp_folders() -> set[str]:
    import tempfile

    return {p.name for p in Path(tempfile.gettempdir()).glob("massage-timer-selftest-*")}


def test_passes_in_process_with_an_existing_application(qapp, capsys) -> None:  # noqa: ANN001
    before = _temp_folders()
    assert selftest.run_self_test(verbose=True, speech_engine="mock") == 0
    out = capsys.readouterr().out
    for check in ("svg support", "protocols", "session", "save", "read back", "history charts"):
        assert f"ok   {check}" in out
    assert "info sound:" in out and "info speech:" in out
    assert out.rstrip().endswith("self-test passed")
    assert _temp_folders() == before, "the self-test left its temporary folder behind"


def test_a_broken_builtin_protocol_fails_with_its_reason(qapp, monkeypatch, capsys) -> None:  # noqa: ANN001
    def broken_library(user_dir):  # noqa: ANN001, ANN202
        library = load_library(user_dir)
        bad = ProtocolError("protocols/broken.toml", [Problem("steps[0].duration", "must be > 0")])
        library.entries.append(Entry(Path("protocols/broken.toml"), "builtin", error=bad))
        return library

    monkeypatch.setattr(selftest, "load_library", broken_library)
    assert selftest.run_self_test(verbose=True, speech_engine="mock") == 1
    out = capsys.readouterr().out
    assert "FAIL protocols:" in out
    assert "broken.toml" in out
    assert "self-test FAILED: protocols" in out
    assert "ok   session" not in out  # later checks do not run on a broken install


def test_missing_svg_support_fails(qapp, monkeypatch, capsys) -> None:  # noqa: ANN001
    from PySide6.QtCore import QByteArray

    monkeypatch.setattr(selftest.QImageReader, "supportedImageFormats", staticmethod(lambda: [QByteArray(b"png")]))
    assert selftest.run_self_test(verbose=True, speech_engine="mock") == 1
    assert "FAIL svg support: Qt cannot read SVG images" in capsys.readouterr().out


def test_a_blank_drawing_counts_as_blank(qapp) -> None:  # noqa: ANN001
    from PySide6.QtGui import QColor, QImage, QPainter

    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    assert selftest.inked_pixels(image) == 0
    painter = QPainter(image)
    painter.fillRect(8, 8, 40, 40, QColor("black"))
    painter.end()
    assert selftest.inked_pixels(image) > 100
