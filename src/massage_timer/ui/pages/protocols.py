"""The protocol library: a list of cards and a detail pane with every step."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...core.durations import format_duration
from ...core.paths import make_private_dirs
from ...core.protocols.format import LoadedProtocol, Step
from ...core.protocols.library import Entry, Library
from ..widgets.basics import button, load_image, plain_label, reflow, restyle, set_role

THUMB = QSize(144, 108)
OVERVIEW = QSize(480, 360)


def range_text(lo: int, hi: int, untimed: bool) -> str:
    if lo == hi == 0:
        return "untimed steps only"
    text = format_duration(lo) if lo == hi else f"{format_duration(lo)} – {format_duration(hi)}"
    return text + (" + untimed steps" if untimed else "")


def step_time_text(step: Step) -> str:
    d = step.duration
    if d is None:
        return "until done (stopwatch)"
    lo, hi = int(d.min), int(d.max)
    text = format_duration(lo) if lo == hi else f"{format_duration(lo)} – {format_duration(hi)}"
    if d.suggested:
        text = f"suggested {text}"
    if step.advance == "wait":
        text += " · waits for you at the end"
    return text


class ProtocolCard(QFrame):
    """One protocol in the list: title, summary, duration, equipment, badges."""

    def __init__(self, entry: Entry, stage: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(4)
        if entry.loaded is None:
            layout.addWidget(plain_label(entry.path.name, "heading", selectable=False))
            layout.addWidget(plain_label("Cannot be used — fix the file and press Reload:", "danger", selectable=False))
            error = plain_label(str(entry.error), selectable=False)
            error.setObjectName("CardError")
            layout.addWidget(error)
            return
        proto = entry.loaded.protocol
        layout.addWidget(plain_label(proto.title, "heading", selectable=False))
        badges = QHBoxLayout()
        badges.setSpacing(6)
        if stage not in ("acute", "remission"):  # no stage chosen: say which stages it is for
            suits = True
            if proto.suits("acute") and proto.suits("remission"):
                text = "Acute stage and remission"
            else:
                text = "For remission" if proto.suits("remission") else "Acute stage only"
        elif stage == "acute":
            suits = proto.suits(stage)
            text = "Allowed in the acute stage" if suits else "Not for the acute stage"
        else:
            suits = proto.suits(stage)
            text = "For remission" if suits else "Acute stage only"
        badges.addWidget(plain_label(text, "badge" if suits else "warnbadge", wrap=False, selectable=False))
        if entry.source == "user":
            badges.addWidget(
                plain_label(
                    "Your protocol, replaces the built-in" if entry.overrides else "Your protocol",
                    "badge",
                    wrap=False,
                    selectable=False,
                )
            )
        badges.addStretch(1)
        layout.addLayout(badges)
        summary = reflow(proto.summary).replace("\n", " ")
        if len(summary) > 170:
            summary = summary[:167].rsplit(" ", 1)[0] + "…"
        layout.addWidget(plain_label(summary, "muted", selectable=False))
        lo, hi = proto.duration_range()
        layout.addWidget(plain_label(f"Takes {range_text(lo, hi, proto.has_untimed())}", selectable=False))
        if proto.equipment:
            equip = ", ".join(e.rstrip(".") for e in proto.equipment[:4])
            if len(proto.equipment) > 4:
                equip += ", …"
            layout.addWidget(plain_label(f"You need: {equip}", "muted", selectable=False))


class StepRow(QFrame):
    def __init__(self, number: int, step: Step, loaded: LoadedProtocol, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 6, 0, 6)
        self.thumb = QLabel()
        self.thumb.setFixedSize(THUMB)
        self._image = loaded.resolve_image(step.image_for("left"))
        row.addWidget(self.thumb, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        title = f"{number}. {step.title}"
        if step.optional:
            title += " (optional)"
        text.addWidget(plain_label(title, "heading", selectable=False))
        extras = [step_time_text(step)]
        if step.per_side:
            extras.append("each side")
        if step.variants:
            extras.append("only for: " + ", ".join(step.variants))
        text.addWidget(plain_label(" · ".join(extras), "muted", selectable=False))
        text.addWidget(plain_label(reflow(step.instructions)))
        text.addStretch(1)
        row.addLayout(text, 1)

    def load_thumbnail(self) -> None:
        """Draw the illustration (done just after the pane appears, to open faster)."""
        pixmap = load_image(self._image, THUMB, self.devicePixelRatioF() or 1.0)
        if pixmap is not None:
            self.thumb.setPixmap(pixmap)
        else:
            self.thumb.setText("no picture")
            self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)


class DetailPane(QScrollArea):
    start_requested = Signal(object)  # LoadedProtocol

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the text wraps
        self._loaded: LoadedProtocol | None = None
        self.show_empty()

    def show_empty(self, text: str = "Choose a protocol on the left.") -> None:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addStretch(1)
        label = plain_label(text, "muted")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(label)
        lay.addStretch(1)
        self.setWidget(w)
        self._loaded = None

    def show_protocol(self, entry: Entry) -> None:
        if entry.loaded is None:
            self.show_broken(entry)
            return
        loaded = entry.loaded
        self._loaded = loaded
        proto = loaded.protocol
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(18, 12, 18, 18)
        lay.setSpacing(10)
        head = QHBoxLayout()
        head.addWidget(plain_label(proto.title, "title", selectable=False), 1)
        start = button("Prepare session…", "big", "Check safety, choose side and durations, then start")
        set_role(start, "primary")
        start.setProperty("role", "primary")
        start.setObjectName("PrepareButton")
        start.clicked.connect(lambda: self.start_requested.emit(loaded))
        head.addWidget(start, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(head)
        lay.addWidget(plain_label(reflow(proto.summary)))
        overview = loaded.resolve_image(proto.image.replace("{side}", "left")) if proto.image else None
        picture: QLabel | None = None
        if overview is not None:
            picture = QLabel()
            picture.setObjectName("OverviewImage")
            room = self.viewport().width() - 40
            size = (
                OVERVIEW
                if room >= OVERVIEW.width() or room < 160
                else OVERVIEW.scaled(room, room, Qt.AspectRatioMode.KeepAspectRatio)
            )
            picture.setFixedSize(size)
            picture.setToolTip(
                "Seen from behind; the points are shown on the left side. "
                "The small box shows both ankles from the front."
            )
            lay.addWidget(picture, 0, Qt.AlignmentFlag.AlignLeft)
        if proto.source:
            lay.addWidget(plain_label(f"Source: {proto.source}", "muted"))
        stages = " and ".join("the acute stage" if s == "acute" else "remission" for s in proto.stages)
        lay.addWidget(plain_label(f"Suits {stages}.", "muted"))
        if entry.overrides:
            lay.addWidget(plain_label(f"Your file {entry.path} replaces the built-in protocol.", "muted"))
        if proto.variants:
            lay.addWidget(plain_label("Variants", "heading", selectable=False))
            for v in proto.variants:
                lay.addWidget(plain_label(f"• {v.title}" + (f" — {v.description}" if v.description else "")))
        if proto.equipment:
            lay.addWidget(plain_label("You need", "heading", selectable=False))
            lay.addWidget(plain_label("\n".join(f"• {e}" for e in proto.equipment)))
        if proto.contraindications:
            lay.addWidget(plain_label("Do not start if", "heading", selectable=False))
            lay.addWidget(plain_label("\n".join(f"• {c.question}" for c in proto.contraindications)))
        if proto.precautions:
            lay.addWidget(plain_label("Precautions", "heading", selectable=False))
            lay.addWidget(plain_label("\n".join(f"• {p}" for p in proto.precautions)))
        lay.addWidget(plain_label("Steps", "heading", selectable=False))
        rows = [StepRow(i, step, loaded) for i, step in enumerate(proto.steps, 1)]
        for row in rows:
            lay.addWidget(row)
        lay.addStretch(1)
        self.setWidget(w)

        def draw_pictures() -> None:
            ratio = self.devicePixelRatioF() or 1.0
            if picture is not None:
                pixmap = load_image(overview, picture.size(), ratio)
                if pixmap is not None:
                    picture.setPixmap(pixmap)
                else:
                    picture.setText("no picture")
            for row in rows:
                row.load_thumbnail()

        # The pictures are drawn just after the pane appears (their places are kept), to open faster.
        QTimer.singleShot(0, w, draw_pictures)

    def show_broken(self, entry: Entry) -> None:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(18, 12, 18, 18)
        lay.addWidget(plain_label(entry.path.name, "title"))
        lay.addWidget(plain_label("This protocol file cannot be used. Nothing was changed in it.", "danger"))
        lay.addWidget(plain_label(str(entry.error)))
        lay.addWidget(plain_label(f"File: {entry.path}", "muted"))
        lay.addWidget(plain_label("Fix it in a text editor, then press Reload (F5).", "muted"))
        lay.addStretch(1)
        self.setWidget(w)
        self._loaded = None


class ProtocolsPage(QWidget):
    """Library on the left, details on the right."""

    start_requested = Signal(object)  # LoadedProtocol
    reload_requested = Signal()
    stage_changed = Signal(str)

    def __init__(
        self, library: Library, stage: str, user_dir: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.stage = stage
        self.user_dir = user_dir
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        # The title and the controls share a row; when the text is large and the window narrow,
        # the controls go below the title rather than being cut (see resizeEvent).
        self._top = QGridLayout()
        self._top.setContentsMargins(0, 0, 0, 0)
        self._title = plain_label("Protocols", "title", wrap=False, selectable=False)
        self._top.addWidget(self._title, 0, 0)
        self._controls = QWidget()
        top = QHBoxLayout(self._controls)
        top.setContentsMargins(0, 0, 0, 0)
        top.addStretch(1)
        top.addWidget(plain_label("Stage now:", wrap=False, selectable=False))
        self.stage_group = QButtonGroup(self)
        for value, label in (("acute", "Acute"), ("remission", "Remission")):
            radio = QRadioButton(label)
            radio.setProperty("value", value)
            radio.setChecked(value == stage)
            self.stage_group.addButton(radio)
            top.addWidget(radio)
        self.stage_group.buttonToggled.connect(self._on_stage)
        reload_btn = button("Reload", tooltip="Read the protocol files again (F5)")
        reload_btn.clicked.connect(self.reload_requested.emit)
        top.addWidget(reload_btn)
        if user_dir:
            folder = button("My protocols folder", tooltip=f"Open {user_dir}")
            folder.clicked.connect(self._open_user_dir)
            top.addWidget(folder)
        self._top.addWidget(self._controls, 0, 1)
        self._top.setColumnStretch(1, 1)
        outer.addLayout(self._top)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.list = QListWidget()
        self.list.setObjectName("ProtocolList")
        self.list.setSpacing(4)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.list.currentRowChanged.connect(self._on_row)
        self.detail = DetailPane()
        self.detail.start_requested.connect(self.start_requested.emit)
        split.addWidget(self.list)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([400, 600])
        outer.addWidget(split, 1)
        self._entries: list[Entry] = []
        self.set_library(library)

    def set_library(self, library: Library) -> None:
        current = self.current_id()
        self.library = library
        self._entries = [e for e in library.entries if e.overridden_by is None]
        self.list.blockSignals(True)
        self.list.clear()
        for entry in self._entries:
            item = QListWidgetItem()
            widget = ProtocolCard(entry, self.stage)
            item.setSizeHint(widget.sizeHint())
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            self.list.addItem(item)
            self.list.setItemWidget(item, widget)
        row = next((i for i, e in enumerate(self._entries) if e.id == current), 0)
        if self._entries:
            self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self._fit_cards()  # new cards take the list's width at once, not at the next resize
        if self._entries:
            self._on_row(row)  # once, whether or not the row changed
        else:
            self.detail.show_empty("No protocols found.")

    def current_id(self) -> str | None:
        item = self.list.currentItem() if hasattr(self, "list") else None
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def select(self, protocol_id: str) -> bool:
        for i, e in enumerate(self._entries):
            if e.id == protocol_id:
                self.list.setCurrentRow(i)
                return True
        return False

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        super().resizeEvent(event)
        self._place_controls()
        self._fit_cards()

    def _place_controls(self) -> None:
        """The controls beside the title if they fit, else on a row of their own below it."""
        needed = self._title.sizeHint().width() + self._controls.sizeHint().width() + self._top.horizontalSpacing()
        beside = needed <= self.contentsRect().width() - 32
        if beside == (self._top.itemAtPosition(0, 1) is not None):
            return
        self._top.removeWidget(self._controls)
        if beside:
            self._top.addWidget(self._controls, 0, 1)
        else:
            self._top.addWidget(self._controls, 1, 0, 1, 2)

    def _fit_cards(self) -> None:
        width = self.list.viewport().width() - 2 * self.list.spacing()
        for i in range(self.list.count()):
            item = self.list.item(i)
            widget = self.list.itemWidget(item)
            if widget is not None and width > 50:
                h = widget.heightForWidth(width) if widget.hasHeightForWidth() else widget.sizeHint().height()
                item.setSizeHint(QSize(width, max(h, widget.minimumSizeHint().height())))

    def showEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        super().showEvent(event)
        self._fit_cards()

    def _on_row(self, row: int) -> None:
        for i in range(self.list.count()):
            widget = self.list.itemWidget(self.list.item(i))
            if widget is not None:
                widget.setProperty("selected", "true" if i == row else "false")
                restyle(widget)
        if 0 <= row < len(self._entries):
            self.detail.show_protocol(self._entries[row])

    def _on_stage(self, *_: object) -> None:
        checked = self.stage_group.checkedButton()
        if checked is None:
            return
        self.stage = str(checked.property("value"))
        self.set_library(self.library)
        self.stage_changed.emit(self.stage)

    def _open_user_dir(self) -> None:
        from pathlib import Path

        from PySide6.QtCore import QUrl

        if self.user_dir:
            make_private_dirs(Path(self.user_dir))
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.user_dir))
