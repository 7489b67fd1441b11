"""The Help page's self-test dialog runs the installation self-test in a child process."""

from __future__ import annotations

import sys

import pytest

from massage_timer.ui.pages import self_test


def test_child_command_source_and_frozen(monkeypatch) -> None:  # noqa: ANN001
    program, args = self_test.self_test_command()
    assert program == sys.executable
    assert args == ["-m", "massage_timer", "--self-test"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    program, args = self_test.self_test_command()
    assert program == sys.executable
    assert args == ["--self-test"]


@pytest.mark.slow
def test_help_dialog_runs_the_self_test_in_a_child_process(qtbot, no_speech_daemon) -> None:  # noqa: ANN001
    dialog = self_test.run_self_test_dialog(None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.exit_code is not None, timeout=120_000)
    text = dialog.output.toPlainText()
    assert dialog.exit_code == 0, text
    assert "self-test passed" in text
    assert "passed" in dialog.status.text()
