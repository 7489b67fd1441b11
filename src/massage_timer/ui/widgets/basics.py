"""Small building blocks shared by the pages.

Every label that shows text from a protocol file or the log is plain text:
Qt must never interpret it as rich text (which could load files).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QCheckBox, QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QSizePolicy, QWidget


def plain_label(
    text: str = "",
    role: str | None = None,
    *,
    wrap: bool = True,
    selectable: bool = True,
    parent: QWidget | None = None,
) -> QLabel:
    """A QLabel that always shows ``text`` literally.

    ``selectable`` lets the mouse select the text for copying (instructions, errors, file
    names). Labels inside something clickable (a card in a list) and short headings are
    better without: a selectable label takes the click and costs a text document to lay out.
    """
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if role:
        set_role(label, role)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def reflow(text: str) -> str:
    """Protocol text as it should wrap on screen.

    Protocol files break long lines by hand. A line that does not end a
    sentence continues on the next one; a line ending with ``.``, ``:``, ``!``
    or ``?``, a blank line and a list item (``-``, ``*``, ``1.``) start anew.
    """
    out: list[str] = []
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not line:
            if out and out[-1] != "":
                out.append("")
            continue
        starts_item = line[:1] in "-*•" or (line[:1].isdigit() and line.split(" ", 1)[0].rstrip(".)").isdigit())
        if out and out[-1] and not starts_item and out[-1][-1:] not in ".:!?":
            out[-1] += " " + line
        else:
            out.append(line)
    return "\n".join(out)


def set_role(widget: QWidget, role: str) -> None:
    """Style ``widget`` by the style sheet's ``role`` property (title, muted, big, primary...)."""
    widget.setProperty("role", role)
    if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        restyle(widget)  # a widget not yet polished picks the property up when it first shows


def restyle(widget: QWidget) -> None:
    """Apply the style sheet again after a property it selects on has changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def button(text: str, role: str | None = None, tooltip: str = "", parent: QWidget | None = None) -> QPushButton:
    btn = QPushButton(text, parent)
    if role:
        set_role(btn, role)
    if tooltip:
        btn.setToolTip(tooltip)
    btn.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return btn


def card(parent: QWidget | None = None) -> QFrame:
    frame = QFrame(parent)
    frame.setObjectName("Card")
    frame.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    return frame


def render_svg(path: Path | str, size: QSize, device_ratio: float = 1.0) -> QPixmap:
    """An SVG rendered crisply at ``size`` (keeping its aspect ratio, centred)."""
    renderer = QSvgRenderer(str(path))
    w = max(1, int(size.width() * device_ratio))
    h = max(1, int(size.height() * device_ratio))
    image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    if renderer.isValid():
        view = renderer.viewBoxF()
        if view.isEmpty():
            view = QRectF(0, 0, renderer.defaultSize().width(), renderer.defaultSize().height())
        scale = min(w / view.width(), h / view.height()) if view.width() and view.height() else 1.0
        tw, th = view.width() * scale, view.height() * scale
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF((w - tw) / 2, (h - th) / 2, tw, th))
        painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(device_ratio)
    return pixmap


def load_image(path: Path | str | None, size: QSize, device_ratio: float = 1.0) -> QPixmap | None:
    """An .svg or .png as a pixmap fitted into ``size``, or None if it cannot be read."""
    if path is None:
        return None
    path = Path(path)
    if path.suffix.lower() == ".svg":
        pixmap = render_svg(path, size, device_ratio)
        return None if pixmap.isNull() else pixmap
    pixmap = QPixmap(str(path))
    if pixmap.isNull():
        return None
    scaled = pixmap.scaled(
        size * device_ratio, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    scaled.setDevicePixelRatio(device_ratio)
    return scaled


def app_icon() -> QIcon:
    from ...core.resources import ResourceError, resource_path

    try:
        return QIcon(str(resource_path("icons/massage-timer.svg")))
    except ResourceError:
        return QIcon()


def ask(parent: QWidget, title: str, text: str, yes: str, no: str) -> bool:
    """A yes/no question with plain-word buttons; ``no`` is the default."""
    return choose(parent, title, text, (yes, no)) == 0


def choose(parent: QWidget, title: str, text: str, choices: Sequence[str]) -> int | None:
    """A question with plain-word buttons; returns the index of the one pressed.

    The last choice is the safe one: it is the default and what Esc or closing the box
    means (None is returned only if the box is closed some other way).
    """
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    buttons = []
    for i, label in enumerate(choices):
        role = QMessageBox.ButtonRole.RejectRole if i == len(choices) - 1 else QMessageBox.ButtonRole.AcceptRole
        buttons.append(box.addButton(label, role))
    box.setDefaultButton(buttons[-1])
    box.setEscapeButton(buttons[-1])
    box.exec()
    clicked = box.clickedButton()
    return next((i for i, b in enumerate(buttons) if b is clicked), None)


def tell(parent: QWidget | None, title: str, text: str, *, warning: bool = False) -> None:
    """A message box whose text is shown literally (it may quote a file name or a note)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    box.exec()


def check_row(check: QCheckBox, text: str, indent: int = 0) -> QWidget:
    """A check box with a wrapping label (QCheckBox text does not wrap); a click on the label toggles it.

    The label is the check box's ``row_label`` property.
    """
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(indent, 0, 0, 0)
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
