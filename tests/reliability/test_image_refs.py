"""Promise 5, images: a reference can never leave its folder, and only .svg/.png are accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_timer.core.image_refs import check_image_ref, safe_join
from massage_timer.core.protocols.reading import parse_protocol

REFUSED = [
    "../x.svg",
    "a/../../x.svg",
    "a\\..\\..\\x.svg",
    "/etc/x.svg",
    "\\x.svg",
    "C:\\x.svg",
    "C:x.svg",
    "c:/x.svg",
    "\\\\server\\share\\x.svg",
    "//server/share/x.svg",
    "file:///etc/x.svg",
    "file:x.svg",
    "FILE:x.svg",
    "http://example.com/x.svg",
    "qrc:/x.svg",
    "x.jpg",
    "x.svg.exe",
    "x.gif",
    "x",
    "",
    "x\x00.svg",
]


@pytest.mark.parametrize("ref", REFUSED)
def test_refused_references(ref: str, tmp_path: Path) -> None:
    assert check_image_ref(ref) is not None
    assert safe_join(tmp_path, ref) is None


@pytest.mark.parametrize("ref", ["x.svg", "x.PNG", "img/x.svg", "img\\x.png", "{side}.svg"])
def test_accepted_references(ref: str) -> None:
    assert check_image_ref(ref) is None


def test_a_symlink_that_escapes_is_refused(tmp_path: Path) -> None:
    inside = tmp_path / "protocols"
    inside.mkdir()
    outside = tmp_path / "secret.svg"
    outside.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (inside / "ok.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (inside / "link.svg").symlink_to(outside)
    (inside / "dir").symlink_to(tmp_path)
    assert safe_join(inside, "ok.svg") == (inside / "ok.svg").resolve()
    assert safe_join(inside, "link.svg") is None
    assert safe_join(inside, "dir/secret.svg") is None
    text = (
        'schema = 1\nid = "p"\ntitle = "t"\nsummary = "s"\nstages = ["acute"]\n'
        '[[steps]]\nid = "s"\ntitle = "t"\ninstructions = "i"\nimage = "link.svg"\n'
    )
    with pytest.raises(Exception) as info:
        parse_protocol(text.encode(), "p.toml", (inside,))
    assert "p.toml: steps[0].image" in str(info.value) and "outside" in str(info.value)


@settings(max_examples=1000, deadline=None, database=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["..", ".", "", "a", "b", "C:", "c:", "\\\\", "~", "file:", "%2e%2e", "x.svg", "/"]),
            st.text(max_size=6),
        ),
        max_size=6,
    ),
    st.sampled_from(["/", "\\"]),
    st.sampled_from([".svg", ".png", ".SVG", ".jpg", ""]),
)
def test_an_accepted_reference_never_leaves_its_folder(parts: list[str], sep: str, suffix: str) -> None:
    ref = sep.join(parts) + suffix
    root = Path("/tmp/massage-timer-root-that-need-not-exist")
    if check_image_ref(ref) is None:
        assert ref.lower().endswith((".svg", ".png"))
        joined = safe_join(root, ref)
        assert joined is None or root.resolve() in joined.parents
    else:
        assert safe_join(root, ref) is None
