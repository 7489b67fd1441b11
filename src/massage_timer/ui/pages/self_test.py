"""The self-test dialog (Help → About): runs ``--self-test`` in a child process and shows its lines.

The test itself is :mod:`massage_timer.tools.selftest`; it runs apart, offscreen, so
it never touches the window the user is looking at.
"""

from __future__ import annotations

import shlex
import sys

from PySide6.QtCore import QByteArray, QProcess, QProcessEnvironment, Qt, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from ... import APP_NAME

DIALOG_TIMEOUT_MS = 180_000
"""How long the child process may run before the dialog stops it."""


def self_test_command() -> tuple[str, list[str]]:
    """The program and arguments that run ``--self-test`` in a child process."""
    if getattr(sys, "frozen", False):
        return sys.executable, ["--self-test"]
    return sys.executable, ["-m", "massage_timer", "--self-test"]


class SelfTestDialog(QDialog):
    """Runs the self-test in a child process (offscreen) and shows what it prints."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME} self-test")
        self.resize(720, 460)
        layout = QVBoxLayout(self)
        self.status = QLabel("Running the self-test…")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.output.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.output, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.exit_code: int | None = None

        self.process = QProcess(self)
        self.process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        env = QProcessEnvironment.systemEnvironment()
        env.insert("QT_QPA_PLATFORM", "offscreen")
        self.process.setProcessEnvironment(env)
        self.process.readyReadStandardOutput.connect(self._on_output)
        self.process.finished.connect(self._on_finished)
        self.process.errorOccurred.connect(self._on_error)
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self._on_timeout)

    def start(self) -> None:
        program, args = self_test_command()
        self.output.appendPlainText("$ " + shlex.join([program, *args]))
        self.process.start(program, args)
        self._timeout.start(DIALOG_TIMEOUT_MS)

    def _on_output(self) -> None:
        data: QByteArray = self.process.readAllStandardOutput()
        text = bytes(data.data()).decode("utf-8", errors="replace")
        self.output.moveCursor(self.output.textCursor().MoveOperation.End)
        self.output.insertPlainText(text)
        self.output.ensureCursorVisible()

    def _on_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._timeout.stop()
        self._on_output()
        self.exit_code = code if status == QProcess.ExitStatus.NormalExit else -1
        if self.exit_code == 0:
            self.status.setText("The self-test passed: this installation works.")
        elif status != QProcess.ExitStatus.NormalExit:
            self.status.setText("The self-test crashed. The output below says how far it got.")
        else:
            self.status.setText(f"The self-test failed (exit code {code}). The lines starting with FAIL say why.")

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._timeout.stop()
            self.exit_code = -1
            self.status.setText(f"The self-test could not be started: {self.process.errorString()}")

    def _on_timeout(self) -> None:
        self.process.kill()
        self.output.appendPlainText(f"\n(stopped after {DIALOG_TIMEOUT_MS // 1000} s)")

    def done(self, result: int) -> None:  # noqa: D102 - closing stops a running test
        if self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.kill()
            self.process.waitForFinished(2000)
        super().done(result)


def run_self_test_dialog(parent: QWidget | None) -> SelfTestDialog:
    """Show the self-test dialog and start the test; returns the (non-blocking) dialog."""
    dialog = SelfTestDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.open()
    dialog.start()
    return dialog
