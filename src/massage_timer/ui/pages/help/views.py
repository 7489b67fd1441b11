"""The Help page's building blocks: document views, a reading-width holder, the illustration and key tables.

Documents are shown in QTextBrowsers that never follow links or load remote
resources; what they show is in :mod:`.texts`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QWidget,
)

from ...shortcuts import DEFAULT_KEYS, GLOBAL_SHORTCUTS, SESSION_SHORTCUTS, KeyMap, Shortcut
from ...widgets.basics import render_svg

DOC_CSS = "h3 { margin-top: 18px; margin-bottom: 6px; } li { margin-bottom: 5px; } p { margin-bottom: 8px; }"
READABLE_CHARS = 110
"""Documents are no wider than about this many average characters, for easy reading."""


def browser(html: str) -> QTextBrowser:
    """A read-only rich-text view of static HTML that follows no link and loads nothing."""
    view = QTextBrowser()
    view.setOpenExternalLinks(False)
    view.setOpenLinks(False)
    view.setSearchPaths([])
    view.document().setDefaultStyleSheet(DOC_CSS)
    view.document().setDocumentMargin(4)
    view.setHtml(html)
    view.setFrameShape(QFrame.Shape.NoFrame)
    view.setStyleSheet("QTextBrowser { border: none; }")
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor(0, 0, 0, 0))
    view.setPalette(palette)
    return view


class Readable(QWidget):
    """Holds ``inner`` at a comfortable reading width (in characters), left-aligned."""

    def __init__(self, inner: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inner = inner
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(inner, 1)
        layout.addStretch(0)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit()

    def _fit(self) -> None:
        self.inner.setMaximumWidth(self.fontMetrics().averageCharWidth() * READABLE_CHARS + 40)


def relayout_scroll_area(widget: QWidget) -> None:
    """Make the scroll area around ``widget`` re-measure its content now.

    QScrollArea does not notice when a wrapped label inside it needs more lines
    (height-for-width), so text that grows after the page is shown would be cut off.
    """
    chain: list[QWidget] = []
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        chain.append(parent)
        parent = parent.parentWidget()
    if parent is None:
        return
    for w in chain:
        if w.layout() is not None:
            w.layout().invalidate()
    QCoreApplication.sendEvent(parent, QEvent(QEvent.Type.LayoutRequest))


def scrolling(content: QWidget) -> QScrollArea:
    """``content`` in a frameless scroll area that resizes it to fit."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(content)
    return area


class Illustration(QLabel):
    """An SVG redrawn crisply whenever the label is resized, kept at the top."""

    def __init__(self, path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._path = path
        renderer = QSvgRenderer(str(path))
        view = renderer.viewBoxF()
        self._aspect = view.height() / view.width() if view.width() > 0 else 0.75
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(200, 150)

    def sizeHint(self) -> QSize:  # noqa: D102
        return QSize(400, round(400 * self._aspect))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        width = self.width()
        height = min(self.height(), round(width * self._aspect))
        self.setPixmap(render_svg(self._path, QSize(width, height), self.devicePixelRatioF()))


ALL_SHORTCUTS = SESSION_SHORTCUTS + GLOBAL_SHORTCUTS


def keys_text(shortcut: Shortcut, keymap: KeyMap = DEFAULT_KEYS) -> str:
    """A shortcut's keys now (the user may have chosen their own), as shown in the tables."""
    return keymap.keys_text(shortcut.action, "  or  ", "(no key)")


class KeyTable(QTableWidget):
    """A short table exactly as tall as its rows, so it never scrolls inside the page.

    The keys column is as wide as the longest keys of *all* shortcut tables, so
    that the tables on the page line up.
    """

    keymap: KeyMap = DEFAULT_KEYS

    def refit(self) -> None:
        bold = QFont(self.font())
        bold.setBold(True)
        widest = max(QFontMetrics(bold).horizontalAdvance(keys_text(s, self.keymap)) for s in ALL_SHORTCUTS)
        self.horizontalHeader().setMinimumSectionSize(widest + 16)
        row_height = self.fontMetrics().height() + 14
        for row in range(self.rowCount()):
            self.setRowHeight(row, row_height)
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(self.rowCount()))
        self.setFixedHeight(height)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.refit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.refit()


class RedFlagBox(QFrame):
    """A box in the danger colour of the current light or dark theme."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RedFlags")
        self._restyle()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._restyle()

    def _restyle(self) -> None:
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        border, fill = ("#e0675a", "#3a2624") if dark else ("#b3362b", "#fbeeec")
        style = f"QFrame#RedFlags {{ border: 2px solid {border}; border-radius: 10px; background: {fill}; }}"
        if self.styleSheet() != style:
            self.setStyleSheet(style)


def shortcut_table(shortcuts: tuple[Shortcut, ...]) -> KeyTable:
    """A table of these shortcuts: their keys in bold, then what they do."""
    table = KeyTable(len(shortcuts), 2)
    table.setHorizontalHeaderLabels(["Keys", "Action"])
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for row, shortcut in enumerate(shortcuts):
        table.setItem(row, 1, QTableWidgetItem(shortcut.label))
    fill_keys(table, shortcuts, DEFAULT_KEYS)
    return table


def fill_keys(table: KeyTable, shortcuts: tuple[Shortcut, ...], keymap: KeyMap) -> None:
    """Show the keys the shortcuts have in ``keymap``."""
    table.keymap = keymap
    for row, shortcut in enumerate(shortcuts):
        keys = QTableWidgetItem(keys_text(shortcut, keymap))
        font = keys.font()
        font.setBold(True)
        keys.setFont(font)
        table.setItem(row, 0, keys)
    table.refit()
