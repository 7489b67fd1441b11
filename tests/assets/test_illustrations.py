"""Checks for the SVG illustrations and the application icon."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QByteArray, QRectF  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ILLUSTRATIONS = ROOT / "resources" / "illustrations"
ICONS = ROOT / "resources" / "icons"
SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
MAX_BYTES = 40 * 1024
MIN_COLOURS = 8

EXPECTED = [
    "prone-relaxed",
    "stroking-warm-up",
    "circular-ridge-movements",
    "leg-massage",
    "arm-massage",
    "closing-light-strokes",
    "cupping-light-torch",
    "cupping-jars-placed",
    "cupping-cover-blanket",
    "cupping-remove-jar",
    "rest-under-blanket",
    "dynamic-oil-skin",
    "dynamic-apply-cup",
    "dynamic-move-straight",
    "dynamic-move-spiral",
    "dynamic-move-s-shape",
    "wrap-lower-back",
    "acupressure-map-left",
    "acupressure-map-right",
    "acupressure-point-1-sacral",
    "acupressure-point-2-gluteal-left",
    "acupressure-point-2-gluteal-right",
    "acupressure-point-3-knee-left",
    "acupressure-point-3-knee-right",
    "acupressure-point-4-ankle-left",
    "acupressure-point-4-ankle-right",
    "honey-apply",
    "honey-absorb",
    "honey-rub",
    "honey-pats",
    "honey-wipe",
    "sciatic-nerve-map",
]

SVG_FILES = sorted(ILLUSTRATIONS.glob("*.svg"))


def render(data: bytes, width: int, height: int) -> QImage:
    renderer = QSvgRenderer(QByteArray(data))
    assert renderer.isValid()
    img = QImage(width, height, QImage.Format.Format_ARGB32)
    img.fill(0)
    p = QPainter(img)
    renderer.render(p, QRectF(0, 0, width, height))
    p.end()
    return img


def distinct_colours(img: QImage, step: int = 2) -> int:
    seen = set()
    for y in range(0, img.height(), step):
        for x in range(0, img.width(), step):
            seen.add(img.pixel(x, y))
    return len(seen)


def check_clean_svg(data: bytes) -> None:
    root = ET.fromstring(data)
    assert root.tag == SVG_NS + "svg"
    assert root.get("viewBox") == "0 0 400 300"
    for el in root.iter():
        assert el.tag not in (SVG_NS + "image", SVG_NS + "script", SVG_NS + "foreignObject"), el.tag
        for attr in ("href", XLINK_HREF):
            ref = el.get(attr)
            assert ref is None or ref.startswith("#"), ref
        for key, value in el.attrib.items():
            if "url(" in value:
                assert "url(#" in value, (key, value)
        if el.tag == SVG_NS + "text":
            pytest.fail("illustrations must not contain text elements")


def check_not_blank(data: bytes) -> None:
    for w, h in ((160, 120), (1200, 900)):
        img = render(data, w, h)
        step = 1 if w < 400 else 4
        assert distinct_colours(img, step) > MIN_COLOURS, f"blank render at {w}x{h}"


def test_expected_files_present():
    names = {p.stem for p in SVG_FILES}
    missing = [n for n in EXPECTED if n not in names]
    assert not missing, missing


@pytest.mark.parametrize("svg", SVG_FILES, ids=[p.name for p in SVG_FILES])
def test_svg_is_clean_and_small(svg: Path):
    data = svg.read_bytes()
    assert len(data) < MAX_BYTES
    check_clean_svg(data)


@pytest.mark.parametrize("svg", SVG_FILES, ids=[p.name for p in SVG_FILES])
def test_svg_renders_non_blank(qapp, svg: Path):
    check_not_blank(svg.read_bytes())


BLANK = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300">'
    b'<rect width="400" height="300" fill="#F3F6F9"/></svg>'
)


def test_checks_reject_blank_and_external(qapp):
    with pytest.raises(AssertionError):
        check_not_blank(BLANK)
    external = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        b'viewBox="0 0 400 300"><image xlink:href="photo.png" width="10" height="10"/></svg>'
    )
    with pytest.raises(AssertionError):
        check_clean_svg(external)
    with pytest.raises(AssertionError):
        check_clean_svg(BLANK.replace(b"0 0 400 300", b"0 0 100 100"))


def test_icon_svg_renders(qapp):
    data = (ICONS / "massage-timer.svg").read_bytes()
    img = render(data, 64, 64)
    assert distinct_colours(img, 1) > MIN_COLOURS


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_icon_png_sizes(qapp, size: int):
    img = QImage(str(ICONS / f"massage-timer-{size}.png"))
    assert not img.isNull()
    assert (img.width(), img.height()) == (size, size)


def test_icon_containers():
    ico = (ICONS / "massage-timer.ico").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00"
    assert int.from_bytes(ico[4:6], "little") >= 5
    icns = (ICONS / "massage-timer.icns").read_bytes()
    assert icns[:4] == b"icns"
    assert int.from_bytes(icns[4:8], "big") == len(icns)


def test_every_image_a_builtin_protocol_references_exists_and_is_drawn():
    """No built-in step or cue points at a missing picture, and every picture is used."""
    from massage_timer.core.protocols.format import SIDES
    from massage_timer.core.protocols.library import load_library

    library = load_library(None)
    assert not library.broken, [str(e.error) for e in library.broken]
    used: set[str] = set()
    for loaded in library.protocols:
        overview = [loaded.protocol.image]
        for step in [None, *loaded.protocol.steps]:
            refs = overview if step is None else [step.image] + [cue.image for cue in step.cues]
            for ref in filter(None, refs):
                for side in SIDES if "{side}" in ref else ("left",):
                    one = ref.replace("{side}", side)
                    path = loaded.resolve_image(one)
                    assert path is not None and path.is_file(), f"{loaded.protocol.id}: {one}"
                    used.add(path.name)
    drawn = {p.name for p in SVG_FILES}
    # The nerve map is for the Help page; every other picture belongs to a protocol.
    assert drawn - used == {"sciatic-nerve-map.svg"}
