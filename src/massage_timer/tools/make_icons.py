"""Render the application icon in every size the installers need.

Reads ``resources/icons/massage-timer.svg`` and writes, next to it,
``massage-timer-{16,24,32,48,64,128,256,512}.png``, ``massage-timer.ico``
(PNG-compressed entries 16-256 px) and ``massage-timer.icns`` (PNG entries
16-1024 px).  Rendering uses QtSvg on the offscreen platform; the ICO and
ICNS containers are written directly following their documented layouts.
The output is deterministic.

Usage::

    PYTHONPATH=src python -m massage_timer.tools.make_icons [ICON_DIR]
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

NAME = "massage-timer"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types holding PNG data, with their pixel size
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(p, QRectF(0, 0, size, size))
    p.end()
    img = img.convertToFormat(QImage.Format.Format_ARGB32)
    ba = QByteArray()
    buf = QBuffer(ba)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return bytes(ba.data())


def build_ico(pngs: dict[int, bytes]) -> bytes:
    sizes = [s for s in ICO_SIZES if s in pngs]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries = b""
    data = b""
    for s in sizes:
        png = pngs[s]
        dim = 0 if s >= 256 else s
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
        data += png
    return header + entries + data


def build_icns(pngs: dict[int, bytes]) -> bytes:
    body = b""
    for code, s in ICNS_TYPES:
        png = pngs[s]
        body += code + struct.pack(">I", 8 + len(png)) + png
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def default_icon_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "resources" / "icons"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    icon_dir = Path(argv[0]) if argv else default_icon_dir()
    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841
    renderer = QSvgRenderer(str(icon_dir / f"{NAME}.svg"))
    if not renderer.isValid():
        print("cannot load icon SVG", file=sys.stderr)
        return 1
    needed = set(PNG_SIZES) | set(ICO_SIZES) | {s for _, s in ICNS_TYPES}
    pngs = {s: render_png(renderer, s) for s in sorted(needed)}
    for s in PNG_SIZES:
        (icon_dir / f"{NAME}-{s}.png").write_bytes(pngs[s])
    (icon_dir / f"{NAME}.ico").write_bytes(build_ico(pngs))
    (icon_dir / f"{NAME}.icns").write_bytes(build_icns(pngs))
    print(f"wrote {len(PNG_SIZES)} PNGs, .ico and .icns to {icon_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
