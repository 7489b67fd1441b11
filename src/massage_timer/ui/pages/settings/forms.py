"""Layout pieces shared by the Settings groups: the form layout, check-box rows and path fields."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from ...widgets.basics import plain_label


def form_layout(group: QGroupBox) -> QFormLayout:
    """The form layout of a settings group: labels on the left, fields that grow."""
    form = QFormLayout(group)
    form.setContentsMargins(16, 14, 16, 16)
    form.setHorizontalSpacing(18)
    form.setVerticalSpacing(12)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return form


def check_row(check: QCheckBox, text: str) -> QWidget:
    """A check box with a wrapping label (QCheckBox text does not wrap)."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(8)
    check.setAccessibleName(text)
    label = plain_label(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    label.setBuddy(check)
    label.mousePressEvent = lambda _event: check.toggle()  # type: ignore[method-assign]
    layout.addWidget(check, 0, Qt.AlignmentFlag.AlignTop)
    layout.addWidget(label, 1)
    check.setProperty("row_label", label)
    return row


def path_field(path: Path | str) -> QLineEdit:
    """A read-only field showing a file or folder path from its start."""
    edit = QLineEdit(str(path))
    edit.setReadOnly(True)
    edit.setCursorPosition(0)
    edit.setToolTip(str(path))
    edit.setMinimumWidth(160)
    return edit


def path_row(edit: QLineEdit, action: QPushButton | None = None) -> QHBoxLayout:
    """A path field with an optional button after it."""
    row = QHBoxLayout()
    row.setSpacing(10)
    row.addWidget(edit, 1)
    if action is not None:
        row.addWidget(action)
    return row
