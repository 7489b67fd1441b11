"""Guards against a Qt binding that corrupts Python's reference counts.

PySide6 6.12.0 on Python 3.11 drops a reference to ``None`` on every call of a
method that returns nothing; a session makes such calls every second and the
interpreter aborts after a few thousand. pyproject.toml excludes that release;
this test catches any binding with the same fault.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_void_methods_keep_the_reference_count_of_none(qtbot) -> None:  # noqa: ANN001
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
        label.setVisible(False)
    after = sys.getrefcount(None)
    assert abs(after - before) < 100, f"refcount of None went from {before} to {after}"
