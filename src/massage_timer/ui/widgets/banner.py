"""A message strip with a dismiss button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from .basics import plain_label


class Banner(QFrame):
    """A message strip with a dismiss button (sleep notices, mid-step cues)."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SessionBanner")
        self.setProperty("kind", kind)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 8, 8)
        layout.setSpacing(10)
        self.label = plain_label("")
        self.label.setObjectName("BannerText")
        layout.addWidget(self.label, 1)
        self.dismiss = QPushButton("Dismiss")
        self.dismiss.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.dismiss.setToolTip("Hide this message")
        self.dismiss.clicked.connect(self.hide)
        layout.addWidget(self.dismiss, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_text(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()
