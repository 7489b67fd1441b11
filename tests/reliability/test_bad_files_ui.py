"""Promise 5 on screen: the library and the Protocols page survive every kind of bad file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from massage_timer.core.protocols.library import load_library

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"

HOSTILE = {
    "deep-arrays.toml": "a = " + "[" * 100_000 + "]" * 100_000,
    "deep-tables.toml": "a = " + "{b = " * 50_000 + "}" * 50_000,
    "garbage.toml": bytes(range(256)) * 10,
    "huge.toml": b"# " + b"x" * (2 * 1024 * 1024),
    "html-title.toml": (
        'schema = 1\nid = "html"\ntitle = "<img src=\\"/etc/passwd\\">"\nsummary = "<b>x</b>"\n'
        'stages = ["acute"]\n[[steps]]\nid = "s"\ntitle = "<a href=\\"file:///\\">t</a>"\ninstructions = "i"\n'
    ),
    "empty.toml": b"",
    "bom.toml": b"\xef\xbb\xbfschema = 1\n",
}


def write_hostile(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    for path in BAD.glob("*.toml"):
        shutil.copy(path, folder / path.name)
    for name, content in HOSTILE.items():
        data = content.encode() if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    (folder / "a-folder.toml").mkdir()
    outside = folder.parent / "outside.svg"
    outside.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (folder / "escape.svg").symlink_to(outside)
    (folder / "link-escape.toml").write_text(
        'schema = 1\nid = "link"\ntitle = "t"\nsummary = "s"\nstages = ["acute"]\n'
        '[[steps]]\nid = "s"\ntitle = "t"\ninstructions = "i"\nimage = "escape.svg"\n'
    )
    count = len(list(folder.glob("*.toml")))
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo.toml")  # opening it for reading would block forever
        count += 1
    return count


def test_the_library_keeps_every_bad_file_with_its_error(data_dir) -> None:  # noqa: ANN001
    count = write_hostile(data_dir.protocols)
    library = load_library(data_dir.protocols)
    users = [e for e in library.entries if e.source == "user"]
    assert len(users) == count
    html = [e for e in users if e.path.name == "html-title.toml"]
    broken = [e for e in users if e.error is not None]
    assert len(broken) == count - len([e for e in users if e.ok])
    for entry in broken:
        text = str(entry.error)
        assert text and all(line.startswith(str(data_dir.protocols)) for line in text.split("\n")), text
    by_name = {e.path.name: e for e in users}
    assert "leads outside its folder" in str(by_name["link-escape.toml"].error)
    assert "nested too deeply" in str(by_name["deep-arrays.toml"].error)
    assert by_name["a-folder.toml"].error is not None
    if "fifo.toml" in by_name:
        assert "not a regular file" in str(by_name["fifo.toml"].error)
    assert html and html[0].ok  # HTML in text is allowed, and shown literally (test_text_is_text)
    assert len(library.protocols) >= 5  # the built-ins are not hidden by the bad files


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_like_a_protocol_does_not_hang(data_dir) -> None:  # noqa: ANN001
    data_dir.protocols.mkdir(exist_ok=True)
    os.mkfifo(data_dir.protocols / "pipe.toml")
    library = load_library(data_dir.protocols)
    (entry,) = [e for e in library.entries if e.source == "user"]
    assert "not a regular file" in str(entry.error)


def test_the_protocols_page_shows_every_bad_file_without_crashing(qtbot, data_dir) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QLabel

    from massage_timer.ui.pages.protocols import ProtocolsPage

    write_hostile(data_dir.protocols)
    library = load_library(data_dir.protocols)
    page = ProtocolsPage(library, "acute", str(data_dir.protocols))
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)
    assert page.list.count() >= len(library.entries) - 1
    for row in range(page.list.count()):
        page.list.setCurrentRow(row)
        qtbot.wait(1)
        texts = " ".join(label.text() for label in page.detail.findChildren(QLabel))
        assert texts.strip()
