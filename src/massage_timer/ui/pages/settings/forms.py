"""Layout pieces shared by the Settings groups: the form layout, check-box rows and path fields."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLineEdit, QPushButton


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
