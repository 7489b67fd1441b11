"""The protocol format: built-in protocols, broken files, durations, image references."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from massage_timer.core.durations import format_clock, format_duration, parse_duration
from massage_timer.core.image_refs import check_image_ref
from massage_timer.core.protocols.format import MAX_FILE_BYTES, Cue, LoadedProtocol, Protocol
from massage_timer.core.protocols.problems import ProtocolError
from massage_timer.core.protocols.reading import parse_protocol, read_protocol
from massage_timer.core.resources import builtin_protocols_dir, resources_dir

BAD_DIR = Path(__file__).resolve().parents[2] / "data" / "bad"
BUILTIN_IDS = {"classic-relaxing", "cupping-static", "cupping-dynamic", "acupressure", "honey"}

MINUTE = 60


# --------------------------------------------------------------------------- built-ins


def _builtin_paths() -> list[Path]:
    return sorted(builtin_protocols_dir().glob("*.toml"))


def _load(protocol_id: str) -> LoadedProtocol:
    return read_protocol(builtin_protocols_dir() / f"{protocol_id}.toml", (resources_dir(),))


def _step(protocol: Protocol, step_id: str):
    for step in protocol.steps:
        if step.id == step_id:
            return step
    raise AssertionError(f"{protocol.id} has no step {step_id!r}")


@pytest.mark.parametrize("path", _builtin_paths(), ids=lambda p: p.name)
def test_every_builtin_loads(path: Path) -> None:
    loaded = read_protocol(path, (resources_dir(),))
    assert loaded.protocol.id == path.stem
    assert loaded.protocol.steps
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_builtin_ids() -> None:
    assert {p.stem for p in _builtin_paths()} == BUILTIN_IDS
    assert {_load(i).protocol.id for i in BUILTIN_IDS} == BUILTIN_IDS


@pytest.mark.parametrize(
    ("protocol_id", "stages"),
    [
        ("classic-relaxing", {"acute", "remission"}),
        ("honey", {"acute", "remission"}),
        ("cupping-static", {"remission"}),
        ("cupping-dynamic", {"remission"}),
        ("acupressure", {"remission"}),
    ],
)
def test_builtin_stages(protocol_id: str, stages: set[str]) -> None:
    protocol = _load(protocol_id).protocol
    assert set(protocol.stages) == stages
    assert protocol.suits("acute") == ("acute" in stages)
    assert protocol.suits("remission")


@pytest.mark.parametrize("protocol_id", sorted(BUILTIN_IDS))
def test_builtin_has_the_articles_contraindications(protocol_id: str) -> None:
    protocol = _load(protocol_id).protocol
    by_id = {c.id: c for c in protocol.contraindications}
    assert {"skin-lesions", "spinal-injury"} <= set(by_id)
    assert "purulent" in by_id["skin-lesions"].question.lower()
    assert "skin disease" in by_id["skin-lesions"].question.lower()
    assert "spinal injur" in by_id["spinal-injury"].question.lower()
    assert "qualified approach" in by_id["spinal-injury"].reason
    for c in protocol.contraindications:
        assert c.question.rstrip().endswith("?"), c.id


@pytest.mark.parametrize("protocol_id", sorted(BUILTIN_IDS))
def test_builtin_images_resolve_for_both_sides(protocol_id: str) -> None:
    loaded = _load(protocol_id)
    for step in loaded.protocol.steps:
        assert step.image is not None, step.id
        for side in ("left", "right"):
            assert loaded.resolve_image(step.image_for(side)) is not None, (step.id, side)
        for cue in step.cues:
            if cue.image is not None:
                assert loaded.resolve_image(cue.image) is not None, (step.id, cue.text)


@pytest.mark.parametrize("protocol_id", sorted(BUILTIN_IDS))
def test_builtin_general_guidance_is_marked(protocol_id: str) -> None:
    """Advice that is not from the article says so; no text claims to be general by accident."""
    protocol = _load(protocol_id).protocol
    for text in protocol.precautions:
        if "not from the article" in text:
            assert text.startswith("General safety guidance (not from the article): "), text


def test_classic_relaxing_variants() -> None:
    protocol = _load("classic-relaxing").protocol
    assert not protocol.has_sides("back")
    assert protocol.has_sides("lower")
    assert [v.id for v in protocol.variants] == ["back", "lower", "upper"]
    back = [s.id for s in protocol.steps_for("back")]
    lower = [s.id for s in protocol.steps_for("lower")]
    upper = [s.id for s in protocol.steps_for("upper")]
    assert back[0] == "lie-relaxed" and back[-1] == "closing-strokes"
    assert "leg" not in back and "arm" not in back
    assert "leg" in lower and "arm" not in lower
    assert "arm" in upper and "leg" not in upper
    assert lower[-1] == upper[-1] == "closing-strokes"
    assert _step(protocol, "leg").per_side and _step(protocol, "arm").per_side
    assert not _step(protocol, "lie-relaxed").timed
    # The article gives no times for the relaxing massage: every timed step is a suggestion.
    timed = [s for s in protocol.steps if s.duration is not None]
    assert timed and all(s.duration.suggested for s in timed)
    text = " ".join(protocol.precautions).lower()
    for word in ("vibration", "tapping", "strong rubbing", "spinal cord", "specialist"):
        assert word in text


def test_cupping_static_wait_and_rest() -> None:
    protocol = _load("cupping-static").protocol
    wait = _step(protocol, "cover-and-wait")
    assert wait.duration is not None
    assert (wait.duration.min, wait.duration.max) == (10 * MINUTE, 20 * MINUTE)
    assert 10 * MINUTE <= wait.duration.default <= 20 * MINUTE
    assert wait.duration.suggested is False
    assert wait.advance == "wait"
    assert [c.at for c in wait.cues] == ["-1m"]
    assert wait.cues[0].offset(wait.duration.default) == wait.duration.default - MINUTE
    # Each jar has its own time, the article's 10 to 20 minutes, counted from its placing.
    assert wait.body_timer and wait.items is not None
    assert (wait.items.name, wait.items.plural) == ("jar", "jars")
    assert (wait.items.min, wait.items.default, wait.items.max) == (10 * MINUTE, 15 * MINUTE, 20 * MINUTE)
    assert wait.items.most == 12

    rest = _step(protocol, "rest")
    assert rest.duration is not None and not rest.duration.suggested
    assert rest.duration.min >= 30 * MINUTE and rest.duration.default >= 30 * MINUTE
    assert rest.duration.max >= rest.duration.default
    assert rest.advance == "auto"
    assert protocol.steps[-1].id == "rest"

    assert _step(protocol, "soothing-massage").optional
    assert not _step(protocol, "torch").timed
    ids = [s.id for s in protocol.steps]
    # The jars are placed, wait and come off in one step: each jar's time starts at its placing.
    assert ids == ["warm-up", "torch", "cover-and-wait", "soothing-massage", "rest"]
    assert [s.id for s in protocol.steps if s.items is not None] == ["cover-and-wait"]
    images = {s.image for s in protocol.steps}
    assert "illustrations/cupping-light-torch.svg" in images
    assert "illustrations/cupping-cover-blanket.svg" in images
    assert protocol.image == "illustrations/cupping-jars-placed.svg"  # the overview: jars on the back
    assert any("synthetic" in p for p in protocol.precautions)
    assert any(p.startswith("General safety guidance (not from the article)") for p in protocol.precautions)


def test_cupping_dynamic_movement_step() -> None:
    protocol = _load("cupping-dynamic").protocol
    move = _step(protocol, "move-cup")
    assert move.duration is not None and not move.duration.suggested
    assert (move.duration.min, move.duration.max) == (5 * MINUTE, 15 * MINUTE)
    assert [(c.at, c.text) for c in move.cues] == [
        ("33%", "Now spiral movements"),
        ("66%", "Now S-shaped movements"),
    ]
    assert [c.image for c in move.cues] == [
        "illustrations/dynamic-move-spiral.svg",
        "illustrations/dynamic-move-s-shape.svg",
    ]
    # The article's "must not lag behind the skin", said plainly: the cup stays sucked on.
    assert "The cup must stay sucked onto the skin the whole time." in move.instructions
    assert "If it comes loose, set it on the skin again." in move.instructions
    assert "lag behind" not in move.instructions
    assert "the article only names the three movements" in move.instructions
    assert [s.id for s in protocol.steps if not s.timed] == ["oil-skin", "apply-cup", "wrap-warm"]


def test_acupressure_points() -> None:
    protocol = _load("acupressure").protocol
    points = [s for s in protocol.steps if s.id.startswith("point-")]
    assert [s.id for s in points] == [
        "point-1-sacral",
        "point-2-gluteal",
        "point-3-knee",
        "point-4-ankle",
    ]
    for step in points:
        assert step.duration is not None
        assert (step.duration.min, step.duration.max) == (30, 5 * MINUTE)
        assert not step.duration.suggested
        assert [c.at for c in step.cues] == ["50%"]
    assert not points[0].per_side
    assert all(s.per_side for s in points[1:])
    # Points 2-4 form one consecutive per-side block at the end.
    assert [s.id for s in protocol.steps[-3:]] == [s.id for s in points[1:]]
    assert points[1].image_for("right") == "illustrations/acupressure-point-2-gluteal-right.svg"
    assert points[3].image_for("left") == "illustrations/acupressure-point-4-ankle-left.svg"
    assert protocol.has_sides()


def test_honey_steps() -> None:
    protocol = _load("honey").protocol
    pats = _step(protocol, "pats")
    assert not pats.timed and not pats.cues
    assert "white coating" in pats.instructions
    absorb = _step(protocol, "absorb")
    assert absorb.duration is not None
    assert (absorb.duration.min, absorb.duration.max) == (2 * MINUTE, 3 * MINUTE)
    assert [s.id for s in protocol.steps if s.timed] == ["absorb"]
    assert protocol.steps[-1].image == "illustrations/wrap-lower-back.svg"


def test_builtin_duration_range_cupping_static() -> None:
    protocol = _load("cupping-static").protocol
    # warm-up 2-5m, wait 10-20m, soothing 1-5m (optional: not in the minimum), rest 30-60m;
    # untimed steps add nothing.
    assert protocol.duration_range() == (42 * MINUTE, 90 * MINUTE)
    assert protocol.has_untimed()


def test_builtin_duration_range_acupressure_both_sides() -> None:
    protocol = _load("acupressure").protocol
    assert protocol.duration_range() == (4 * 30, 4 * 5 * MINUTE)
    assert protocol.duration_range(both_sides=True) == (7 * 30, 7 * 5 * MINUTE)


# --------------------------------------------------------------------------- broken files

# file name -> (where the problem is reported, fragment of the message)
BAD_FILES: dict[str, tuple[str, str]] = {
    "syntax-error.toml": ("line 9", "not valid TOML: Expected '='"),
    "not-utf8.toml": ("", "is not UTF-8 text"),
    "nul-bytes.toml": ("", "contains NUL characters"),
    "unknown-top-field.toml": ("(top level)", "unknown field `author`"),
    "unknown-step-field.toml": ("steps[0]", "unknown field `repeat`"),
    "missing-id.toml": ("(top level)", "missing required field `id`"),
    "missing-steps.toml": ("(top level)", "missing required field `steps`"),
    "empty-steps.toml": ("steps", "at least one step"),
    "wrong-type.toml": ("title", "expected `str`, got `int`"),
    "bad-duration-string.toml": ("steps[0].duration", "'five minutes' is not a duration"),
    "negative-duration.toml": ("steps[0].duration", "cannot be negative"),
    "zero-duration.toml": ("steps[0].duration.min", "at least 1s"),
    "float-duration.toml": ("steps[0].duration.min", "expected `int | str`, got `float`"),
    "min-greater-than-max.toml": ("steps[0].duration.max", "must be >= min (3m)"),
    "default-outside-range.toml": ("steps[0].duration.default", "between min and max (1m-5m)"),
    "duration-too-long.toml": ("steps[0].duration.max", "at most 4h"),
    "duration-missing-default.toml": ("steps[0].duration", "missing required field `default`"),
    "duplicate-step-ids.toml": ("steps[1].id", "'first' is used twice"),
    "unknown-variant.toml": ("steps[0].variants[0]", "unknown variant 'upper' (known: lower)"),
    "variant-without-steps.toml": ("variants", "variant 'lower' has no steps"),
    "cue-outside-step.toml": ("steps[0].cues[0].at", "'10m' falls outside a step of 1m"),
    "cue-bad-percentage.toml": ("steps[0].cues[0]", "strictly between 0% and 100%"),
    "cue-on-untimed-step.toml": ("steps[0].cues", "cues need a timed step"),
    "advance-on-untimed-step.toml": ("steps[0].advance", "untimed step always waits"),
    "bad-advance.toml": ("steps[0].advance", "'later'"),
    "absolute-image.toml": ("steps[0].image", "must be a relative path"),
    "dotdot-image.toml": ("steps[0].image", "must not contain '..'"),
    "url-image.toml": ("steps[0].image", "not a URL"),
    "wrong-image-suffix.toml": ("steps[0].image", "only .svg and .png"),
    "missing-image.toml": ("steps[0].image", "'illustrations/does-not-exist.svg' not found"),
    "newer-schema.toml": ("schema", "written for a newer Massage Timer (schema 2"),
    "schema-zero.toml": ("(top level)", "schema must be 1"),
    "bad-id.toml": ("(top level)", "id 'My Protocol' must be"),
    "bad-step-id.toml": ("steps[0]", "id 'First_Step' must be"),
    "empty-title.toml": ("(top level)", "title must not be empty"),
    "bad-stage.toml": ("stages[0]", "'chronic'"),
    "duplicate-stage.toml": ("stages", "listed twice"),
    "no-stage.toml": ("stages", "name at least one stage"),
    "duplicate-contraindication-ids.toml": ("contraindications[1].id", "'skin' is used twice"),
    "contraindication-missing-reason.toml": (
        "contraindications[0]",
        "missing required field `reason`",
    ),
    "empty-precaution.toml": ("precautions[1]", "must not be empty"),
    "suggested-not-bool.toml": ("steps[0].duration.suggested", "expected `bool`, got `str`"),
}


def test_bad_table_matches_the_folder() -> None:
    on_disk = {p.name for p in BAD_DIR.glob("*.toml")}
    assert on_disk == set(BAD_FILES)
    assert len(on_disk) >= 24


def _expect_error(path: Path, where: str, fragment: str, roots: tuple[Path, ...] = ()) -> ProtocolError:
    with pytest.raises(ProtocolError) as info:
        read_protocol(path, roots)
    error = info.value
    text = str(error)
    assert text.startswith(f"{path.name}: ")
    assert error.file == path.name
    assert error.problems
    if where.startswith("line "):
        assert any(p.line == int(where.split()[1]) for p in error.problems), text
        assert f"{path.name}: {where}: " in text
    else:
        assert any(p.where == where for p in error.problems), text
        prefix = f"{path.name}: {where}: " if where else f"{path.name}: "
        assert any(line.startswith(prefix) and fragment in line for line in text.splitlines()), text
    assert fragment in text
    return error


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_refused_with_its_place(name: str) -> None:
    where, fragment = BAD_FILES[name]
    _expect_error(BAD_DIR / name, where, fragment)


def test_bad_file_with_a_custom_display_name() -> None:
    with pytest.raises(ProtocolError) as info:
        read_protocol(BAD_DIR / "empty-steps.toml", name="user/empty.toml")
    assert str(info.value) == "user/empty.toml: steps: a protocol needs at least one step"


VALID = """\
schema = 1
id = "valid"
title = "Valid"
summary = "A valid protocol."
stages = ["acute"]

[[steps]]
id = "one"
title = "One"
instructions = "Do it."
duration = { min = "1m", default = "2m", max = "5m" }
"""


def test_valid_template_of_the_bad_files_loads() -> None:
    """The broken files differ from a valid file by one mistake; make sure the base is valid."""
    protocol = parse_protocol(VALID.encode(), "valid.toml")
    assert protocol.id == "valid"
    assert protocol.steps[0].duration is not None and protocol.steps[0].duration.max == 300


def test_oversized_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text(VALID + "# padding\n" * (MAX_FILE_BYTES // 10 + 10), encoding="utf-8")
    assert path.stat().st_size > MAX_FILE_BYTES
    _expect_error(path, "", "is larger than 256 KB")


def test_file_just_under_the_size_limit_loads(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    padding = "#" * 99 + "\n"
    text = VALID + padding * ((MAX_FILE_BYTES - len(VALID)) // len(padding))
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size <= MAX_FILE_BYTES
    assert read_protocol(path).protocol.id == "valid"


def test_too_many_steps(tmp_path: Path) -> None:
    head = VALID.split("[[steps]]")[0]
    steps = "".join(f'\n[[steps]]\nid = "s{i}"\ntitle = "S"\ninstructions = "x"\n' for i in range(101))
    path = tmp_path / "many.toml"
    path.write_text(head + steps, encoding="utf-8")
    _expect_error(path, "steps", "at most 100 steps")


def test_unreadable_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    _expect_error(missing, "", "cannot be read")
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    _expect_error(folder, "", "cannot be read")


def test_several_problems_are_all_reported() -> None:
    text = VALID.replace('stages = ["acute"]', 'stages = ["acute", "acute"]').replace('max = "5m"', 'max = "30s"')
    with pytest.raises(ProtocolError) as info:
        parse_protocol(text.encode(), "two.toml")
    wheres = [p.where for p in info.value.problems]
    assert "stages" in wheres and "steps[0].duration.max" in wheres
    assert len(str(info.value).splitlines()) == len(info.value.problems) >= 2


@pytest.mark.parametrize(
    "garbage",
    [b"", b"[[steps]]\n", b"schema = 1\n" * 2, b"\xff\xfe", b"a = [" * 2000, b"x = {" * 5000],
)
def test_garbage_raises_only_protocol_error(garbage: bytes) -> None:
    with pytest.raises(ProtocolError) as info:
        parse_protocol(garbage, "junk.toml")
    assert str(info.value).startswith("junk.toml: ")


def test_newer_schema_with_new_fields_says_newer() -> None:
    text = VALID.replace("schema = 1", "schema = 2").replace(
        'stages = ["acute"]', 'stages = ["acute"]\nlanguage = "en"'
    )
    with pytest.raises(ProtocolError) as info:
        parse_protocol(text.encode(), "new.toml")
    assert "newer Massage Timer" in str(info.value)


# --------------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("30s", 30),
        ("2m", 120),
        ("1m30s", 90),
        ("1m 30s", 90),
        ("1h", 3600),
        ("1h15m", 4500),
        ("1H 2M 3S", 3723),
        (" 45s ", 45),
        ("90", 90),
        (90, 90),
        (0, 0),
        ("0s", 0),
        (30.0, 30),
    ],
)
def test_parse_duration(value: object, seconds: int) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "is not a duration"),
        ("five minutes", "is not a duration"),
        ("1.5m", "is not a duration"),
        ("-30s", "is not a duration"),
        ("m", "is not a duration"),
        ("30x", "is not a duration"),
        (-1, "cannot be negative"),
        (True, "true/false"),
        (1.5, "whole number"),
        (-2.0, "whole number"),
        (float("nan"), "whole number"),
        (None, "got NoneType"),
        ([30], "got list"),
    ],
)
def test_parse_duration_errors(value: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=re.escape(fragment)):
        parse_duration(value)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (45, "45s"),
        (60, "1m"),
        (90, "1m 30s"),
        (3600, "1h"),
        (3900, "1h 5m"),
        (3661, "1h 1m 1s"),
        (59.6, "1m"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_format_duration_round_trips() -> None:
    for seconds in [*range(0, 4000, 7), 4 * 3600, 10 * 3600 + 1]:
        assert parse_duration(format_duration(seconds)) == seconds


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "00:00"),
        (5, "00:05"),
        (65, "01:05"),
        (599.9, "10:00"),  # measured times round to the nearest second, as everywhere
        (599.4, "09:59"),
        (0.5, "00:01"),
        (-0.4, "00:00"),
        (3599, "59:59"),
        (3600, "1:00:00"),
        (3725, "1:02:05"),
        (-5, "-00:05"),
        (-3600, "-1:00:00"),
    ],
)
def test_format_clock(seconds: float, text: str) -> None:
    assert format_clock(seconds) == text


# --------------------------------------------------------------------------- cues


@pytest.mark.parametrize(
    ("at", "length", "offset"),
    [
        ("50%", 120, 60.0),
        ("33%", 600, 198.0),
        ("-1m", 600, 540.0),
        ("5m", 900, 300.0),
        (30, 100, 30.0),
    ],
)
def test_cue_offset(at: str | int, length: int, offset: float) -> None:
    assert Cue(at=at, text="x").offset(length) == pytest.approx(offset)


@pytest.mark.parametrize("at", ["0%", "100%", "abc%", "nan%", "soon", "-x"])
def test_cue_bad_at(at: str) -> None:
    with pytest.raises(ValueError):
        Cue(at=at, text="x")


# --------------------------------------------------------------------------- image references


@pytest.mark.parametrize(
    ("ref", "fragment"),
    [
        ("/etc/x.svg", "relative path"),
        ("\\x.svg", "relative path"),
        ("\\\\server\\share\\x.svg", "relative path"),
        ("C:\\x.svg", "relative path"),
        ("c:/pics/x.svg", "relative path"),
        ("D:x.svg", "relative path"),
        ("file:///etc/x.svg", "not a URL"),
        ("file:x.svg", "not a URL"),
        ("https://example.com/x.svg", "not a URL"),
        ("data:image/svg+xml,x.svg", "not a URL"),
        ("../x.svg", "'..'"),
        ("a/../../x.svg", "'..'"),
        ("a\\..\\..\\x.svg", "'..'"),
        ("x.gif", ".svg and .png"),
        ("x.svg.exe", ".svg and .png"),
        ("x", ".svg and .png"),
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("x\x00.svg", "NUL"),
    ],
)
def test_check_image_ref_rejects(ref: str, fragment: str) -> None:
    why = check_image_ref(ref)
    assert why is not None and fragment in why


@pytest.mark.parametrize(
    "ref",
    [
        "x.svg",
        "X.PNG",
        "illustrations/x.svg",
        "illustrations\\x.svg",
        "a/b/c.png",
        "pic-{side}.svg",
        "a..b.svg",
    ],
)
def test_check_image_ref_accepts(ref: str) -> None:
    assert check_image_ref(ref) is None


def _with_image(ref: str) -> str:
    return VALID.replace('instructions = "Do it."', f'instructions = "Do it."\nimage = {ref!r}')


def test_image_next_to_the_protocol(tmp_path: Path) -> None:
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "step.svg").write_text("<svg/>", encoding="utf-8")
    path = tmp_path / "mine.toml"
    path.write_text(_with_image("pics/step.svg"), encoding="utf-8")
    loaded = read_protocol(path)
    assert loaded.resolve_image("pics/step.svg") == (tmp_path / "pics" / "step.svg").resolve()
    assert loaded.resolve_image("pics/other.svg") is None
    assert loaded.resolve_image("../mine.toml") is None
    assert loaded.resolve_image(None) is None


def test_image_from_an_extra_root(tmp_path: Path) -> None:
    proto_dir, res_dir = tmp_path / "protocols", tmp_path / "resources"
    (res_dir / "illustrations").mkdir(parents=True)
    proto_dir.mkdir()
    (res_dir / "illustrations" / "a.png").write_bytes(b"\x89PNG")
    path = proto_dir / "mine.toml"
    path.write_text(_with_image("illustrations/a.png"), encoding="utf-8")
    with pytest.raises(ProtocolError, match="not found"):
        read_protocol(path)
    loaded = read_protocol(path, (res_dir,))
    assert loaded.resolve_image("illustrations/a.png") == (res_dir / "illustrations" / "a.png").resolve()


def test_side_images_must_exist_for_both_sides(tmp_path: Path) -> None:
    (tmp_path / "p-left.svg").write_text("<svg/>", encoding="utf-8")
    path = tmp_path / "sides.toml"
    path.write_text(
        _with_image("p-{side}.svg").replace('id = "one"', 'id = "one"\nper_side = true'),
        encoding="utf-8",
    )
    error = _expect_error(path, "steps[0].image", "'p-right.svg' not found")
    assert "p-left.svg" not in str(error)
    (tmp_path / "p-right.svg").write_text("<svg/>", encoding="utf-8")
    assert read_protocol(path).protocol.steps[0].image_for("right") == "p-right.svg"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_symlink_escaping_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.svg").write_text("<svg/>", encoding="utf-8")
    folder = tmp_path / "protocols"
    folder.mkdir()
    try:
        (folder / "pics").symlink_to(outside, target_is_directory=True)
        (folder / "link.svg").symlink_to(outside / "secret.svg")
    except OSError:
        pytest.skip("cannot create symbolic links here")
    for ref in ("pics/secret.svg", "link.svg"):
        path = folder / "linked.toml"
        path.write_text(_with_image(ref), encoding="utf-8")
        _expect_error(path, "steps[0].image", "leads outside its folder")
    # A link that stays inside the folder is fine.
    (folder / "real.svg").write_text("<svg/>", encoding="utf-8")
    (folder / "alias.svg").symlink_to(folder / "real.svg")
    path = folder / "inside.toml"
    path.write_text(_with_image("alias.svg"), encoding="utf-8")
    assert read_protocol(path).resolve_image("alias.svg") == (folder / "real.svg").resolve()


def test_image_refs_are_not_checked_on_disk_without_roots() -> None:
    protocol = parse_protocol(_with_image("nowhere/x.svg").encode(), "x.toml")
    assert protocol.steps[0].image == "nowhere/x.svg"
    with pytest.raises(ProtocolError, match="not a URL"):
        parse_protocol(_with_image("http://x/y.svg").encode(), "x.toml")


# --------------------------------------------------------------------------- model helpers

RANGES = """\
schema = 1
id = "ranges"
title = "Ranges"
summary = "For the sums."
stages = ["remission"]

[[variants]]
id = "short"
title = "Short"

[[variants]]
id = "long"
title = "Long"

[[steps]]
id = "a"
title = "A"
instructions = "x"
duration = { min = "1m", default = "2m", max = "5m" }

[[steps]]
id = "b"
title = "B"
instructions = "x"
per_side = true
duration = { min = "30s", default = "1m", max = "2m" }

[[steps]]
id = "c"
title = "C"
instructions = "untimed"

[[steps]]
id = "d"
title = "D"
instructions = "x"
variants = ["long"]
duration = { min = "10m", default = "15m", max = "20m" }

[[steps]]
id = "e"
title = "E"
instructions = "x"
variants = ["short", "long"]
per_side = true
"""


def test_duration_range_sums() -> None:
    protocol = parse_protocol(RANGES.encode(), "ranges.toml")
    assert protocol.duration_range() == (90, 420)
    assert protocol.duration_range(both_sides=True) == (120, 540)
    assert protocol.duration_range("short") == (90, 420)
    assert protocol.duration_range("long") == (90 + 600, 420 + 1200)
    assert protocol.duration_range("long", both_sides=True) == (120 + 600, 540 + 1200)


def test_steps_for_variant() -> None:
    protocol = parse_protocol(RANGES.encode(), "ranges.toml")
    assert [s.id for s in protocol.steps_for(None)] == ["a", "b", "c"]
    assert [s.id for s in protocol.steps_for("short")] == ["a", "b", "c", "e"]
    assert [s.id for s in protocol.steps_for("long")] == ["a", "b", "c", "d", "e"]
    assert [s.id for s in protocol.steps_for("nope")] == ["a", "b", "c"]
    assert protocol.has_untimed("short")
    assert protocol.has_sides()


def test_durations_are_seconds_after_loading() -> None:
    protocol = parse_protocol(RANGES.encode(), "ranges.toml")
    d = protocol.steps[0].duration
    assert d is not None
    assert (d.min, d.default, d.max, d.suggested) == (60, 120, 300, False)
    assert protocol.steps[2].duration is None and not protocol.steps[2].timed


# --------------------------------------------------------------------------- documentation


def test_readme_example_is_valid() -> None:
    readme = (builtin_protocols_dir() / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", readme, re.S)
    assert blocks, "protocols/README.md should contain a complete example"
    example = max(blocks, key=len)
    protocol = parse_protocol(example.encode(), "example.toml", (resources_dir(),))
    assert protocol.schema == 1
    assert any(s.cues for s in protocol.steps)
    assert any(s.per_side for s in protocol.steps)
    assert any(s.duration is None for s in protocol.steps)


def test_protocol_overview_image_is_checked_like_a_step_image(tmp_path) -> None:  # noqa: ANN001
    text = VALID.replace('stages = ["acute"]', 'stages = ["acute"]\nimage = "../outside.svg"', 1)
    with pytest.raises(ProtocolError) as info:
        parse_protocol(text.encode(), "map.toml")
    assert "map.toml: image: '../outside.svg' must not contain '..'" in str(info.value)
