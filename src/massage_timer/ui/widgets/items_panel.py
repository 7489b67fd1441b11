"""The jars of a step, each with its own time: a panel with a chip per item and On/Off buttons.

It draws what a snapshot's ``items`` say (see :class:`massage_timer.core.session.events.ItemState`)
and measures no time itself; the session page connects the buttons to the controller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...core.durations import format_clock
from ...core.session.events import ItemState
from .basics import plain_label

COLUMNS = 4


class ItemChip(QFrame):
    """One item: "Jar 2", its time left (or over), and when it went on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ItemChip")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 4, 10, 4)
        column.setSpacing(0)
        self.name = plain_label("", wrap=False, selectable=False)
        self.name.setObjectName("ItemName")
        self.time = plain_label("", wrap=False, selectable=False)
        self.time.setObjectName("ItemTime")
        self.note = plain_label("", "muted", wrap=False, selectable=False)
        for label in (self.name, self.time, self.note):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            column.addWidget(label)

    def show_item(self, name: str, state: object, clock: str, note: str) -> None:
        self.name.setText(name)
        self.time.setText(clock)
        self.note.setText(note)
        if self.property("state") != str(state):
            self.setProperty("state", str(state))
            self.style().unpolish(self)
            self.style().polish(self)


class ItemsPanel(QFrame):
    """The items of the current step; hidden on steps without items."""

    place_requested = Signal()
    remove_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ItemsPanel")
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 8, 10, 8)
        column.setSpacing(6)
        top = QHBoxLayout()
        top.setSpacing(8)
        self.summary = plain_label("", "heading", selectable=False)
        self.place_button = QPushButton("On")
        self.remove_button = QPushButton("Off")
        top.addWidget(self.summary, 1)
        for button, signal in ((self.place_button, self.place_requested), (self.remove_button, self.remove_requested)):
            button.setProperty("session", "action")
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(signal)
            top.addWidget(button)
        column.addLayout(top)
        self.hint = plain_label("", "muted")
        column.addWidget(self.hint)
        self.grid = QGridLayout()
        self.grid.setSpacing(6)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        column.addLayout(self.grid)
        self.chips: list[ItemChip] = []
        self._columns = COLUMNS

    def _fit_columns(self) -> None:
        """As many chips a row as fit the panel's width (four at most), in the order placed."""
        if not self.chips:
            return
        widest = max(chip.minimumSizeHint().width() for chip in self.chips) + self.grid.spacing()
        columns = max(1, min(COLUMNS, (self.contentsRect().width() - 20) // max(1, widest)))
        if columns == self._columns and all(self.grid.indexOf(c) >= 0 for c in self.chips):
            return
        self._columns = columns
        for i, chip in enumerate(self.chips):
            self.grid.removeWidget(chip)
            self.grid.addWidget(chip, i // columns, i % columns)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        super().resizeEvent(event)
        self._fit_columns()

    def show_items(
        self,
        name: str,
        plural: str,
        items: Sequence[ItemState],
        can_place: bool,
        keys: tuple[str, str],
        wall_clock: Callable[[float], str],
    ) -> None:
        """Draw the items (``ItemState`` objects) of the current step."""
        cap = name[:1].upper() + name[1:]
        self.place_button.setText(f"{cap} on ({keys[0]})" if keys[0] else f"{cap} on")
        self.remove_button.setText(f"{cap} off ({keys[1]})" if keys[1] else f"{cap} off")
        self.place_button.setEnabled(can_place)
        on = [i for i in items if str(i.state) != "off"]
        due = [i for i in on if str(i.state) == "due"]
        self.remove_button.setEnabled(bool(on))
        if not items:
            self.summary.setText(f"No {plural} on yet")
            self.hint.setText(
                f"Press “{cap} on” as you place each {name}: each one gets its own time. "
                f"Press “{cap} off” as each comes off."
            )
        else:
            text = f"{len(on)} {name if len(on) == 1 else plural} on"
            if due:
                text += f", {len(due)} to take off"
            self.summary.setText(text)
            self.hint.setText("")
        self.hint.setVisible(not items)
        while len(self.chips) < len(items):
            chip = ItemChip()
            index = len(self.chips)
            self.grid.addWidget(chip, index // self._columns, index % self._columns)
            self.chips.append(chip)
        for chip, item in zip(self.chips, items, strict=False):
            state = str(item.state)
            if state == "off":
                clock = format_clock(int(item.on_seconds))
                note = "off"
            elif state == "due":
                clock = "+" + format_clock(item.shown)
                note = "take it off" + (" now" if item.past_max else "")
            else:
                clock = format_clock(item.shown)
                note = f"on at {wall_clock(item.placed_wall)}"
            chip.show_item(f"{cap} {item.n}", state, clock, note)
            chip.show()
        for chip in self.chips[len(items) :]:
            chip.hide()
        self._fit_columns()

    def chip_texts(self) -> list[str]:
        """What each visible chip says, for tests and screen readers."""
        out = []
        for chip in self.chips:
            if chip.isHidden():
                continue
            out.append(" ".join(lbl.text() for lbl in chip.findChildren(QLabel) if lbl.text()))
        return out
