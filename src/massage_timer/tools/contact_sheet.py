"""Render a contact sheet of all step illustrations.

Writes one PNG (path given on the command line) with every SVG from
``resources/illustrations/`` drawn in a grid, its file name underneath.
Rendering uses QtSvg with the offscreen platform, so no display is needed.

Usage::

    PYTHONPATH=src python -m massage_timer.tools.contact_sheet OUT.png [COLUMNS] [TILE_WIDTH]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402


def illustrations_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "resources" / "illustrations"


def render_sheet(files, out: Path, columns: int = 4, tile_w: int = 320) -> None:
    tile_h = tile_w * 3 // 4
    label_h = 26
    pad = 12
    rows = (len(files) + columns - 1) // columns
    width = pad + columns * (tile_w + pad)
    height = pad + rows * (tile_h + label_h + pad)
    img = QImage(width, height, QImage.Format.Format_ARGB32)
    img.fill(QColor("#FFFFFF"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont("DejaVu Sans")
    font.setPixelSize(13)
    p.setFont(font)
    for i, f in enumerate(files):
        r, c = divmod(i, columns)
        x = pad + c * (tile_w + pad)
        y = pad + r * (tile_h + label_h + pad)
        QSvgRenderer(str(f)).render(p, QRectF(x, y, tile_w, tile_h))
        p.setPen(QColor("#333333"))
        p.drawText(QRectF(x, y + tile_h + 2, tile_w, label_h - 4), Qt.AlignmentFlag.AlignCenter, f.name)
    p.end()
    img.save(str(out))


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print(__doc__)
        return 2
    out = Path(argv[0])
    columns = int(argv[1]) if len(argv) > 1 else 4
    tile_w = int(argv[2]) if len(argv) > 2 else 320
    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841
    files = sorted(illustrations_dir().glob("*.svg"))
    render_sheet(files, out, columns, tile_w)
    print(f"wrote {out} ({len(files)} illustrations)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
