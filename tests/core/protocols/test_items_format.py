"""``[steps.items]``: things placed on the body one by one, each with its own time, as the reader
checks them (every problem named by file, place and reason) and as the plan carries them."""

from __future__ import annotations

from pathlib import Path

import pytest

from massage_timer.core.protocols.problems import ProtocolError
from massage_timer.core.protocols.reading import read_protocol
from massage_timer.core.session.plan import build_plan

HEAD = """\
schema = 1
id = "jars"
title = "Jars"
summary = "Jars on the back."
stages = ["remission"]

[[steps]]
id = "prepare"
title = "Prepare the jars"
instructions = "Have them at hand."
"""

JARS = """
[[steps]]
id = "jars"
title = "Place the jars, wait, remove them"
instructions = "One at a time."
duration = { min = "10m", default = "15m", max = "20m" }
advance = "wait"
body_timer = true

[steps.items]
name = "jar"
plural = "jars"
min = "10m"
max = "20m"
default = "15m"
most = 12

[[steps.cues]]
at = "-1m"
text = "Get ready"
"""


def _items_changed(old: str, new: str) -> str:
    """The protocol with ``old`` replaced by ``new`` in its ``[steps.items]`` table only."""
    head, items = JARS.split("[steps.items]")
    assert old in items
    return HEAD + head + "[steps.items]" + items.replace(old, new, 1)


def _write(tmp_path: Path, text: str, name: str = "jars.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(tmp_path: Path, text: str, name: str = "my-jars.toml") -> list[str]:
    with pytest.raises(ProtocolError) as info:
        read_protocol(_write(tmp_path, text, name))
    assert info.value.file == name
    return str(info.value).splitlines()


def test_items_on_a_timed_body_step_are_read_in_seconds(tmp_path: Path) -> None:
    loaded = read_protocol(_write(tmp_path, HEAD + JARS))
    prepare, jars = loaded.protocol.steps
    assert prepare.items is None  # the default
    items = jars.items
    assert items is not None
    assert (items.name, items.plural, items.min, items.default, items.max, items.most) == (
        "jar",
        "jars",
        600,
        900,
        1200,
        12,
    )
    assert items.limit == 12
    assert [c.text for c in jars.cues] == ["Get ready"]  # the cues after [steps.items] are the step's
    plan = build_plan(loaded.protocol)
    assert plan[1].step.items is items and plan[1].body_timer


def test_most_is_optional(tmp_path: Path) -> None:
    loaded = read_protocol(_write(tmp_path, HEAD + JARS.replace("most = 12\n", "")))
    items = loaded.protocol.steps[1].items
    assert items is not None and items.most is None and items.limit == 100


def test_items_on_an_untimed_step_are_refused_with_file_place_and_reason(tmp_path: Path) -> None:
    text = HEAD + '\n[steps.items]\nname = "jar"\nplural = "jars"\nmin = "10m"\nmax = "20m"\ndefault = "15m"\n'
    (line,) = _problems(tmp_path, text)
    assert line.startswith("my-jars.toml: steps[0].items: only a timed step that runs on the body can have items")
    assert line.endswith("add a duration and body_timer = true or remove 'items'")


def test_items_on_a_step_that_does_not_run_on_the_body_are_refused(tmp_path: Path) -> None:
    (line,) = _problems(tmp_path, HEAD + JARS.replace("body_timer = true\n", ""))
    assert line.startswith("my-jars.toml: steps[1].items: only a timed step that runs on the body can have items")
    assert line.endswith("add body_timer = true or remove 'items'")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('min = "10m"', 'min = "25m"'), "my-jars.toml: steps[1].items.max: must be >= min (25m)"),
        (
            ('default = "15m"', 'default = "25m"'),
            "my-jars.toml: steps[1].items.default: must lie between min and max (10m-20m)",
        ),
        (
            ('default = "15m"', 'default = "5m"'),
            "my-jars.toml: steps[1].items.default: must lie between min and max (10m-20m)",
        ),
        (("most = 12", "most = 0"), "my-jars.toml: steps[1].items.most: must be between 1 and 100 (got 0)"),
        (("most = 12", "most = -3"), "my-jars.toml: steps[1].items.most: must be between 1 and 100 (got -3)"),
        (("most = 12", "most = 101"), "my-jars.toml: steps[1].items.most: must be between 1 and 100 (got 101)"),
        (('min = "10m"', 'min = "0s"'), "my-jars.toml: steps[1].items.min: must be at least 1s"),
        (('max = "20m"', 'max = "5h"'), "my-jars.toml: steps[1].items.max: must be at most 4h"),
    ],
)
def test_a_bad_range_is_refused_naming_the_field(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    assert _problems(tmp_path, _items_changed(*change)) == [expected]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("most = 12", 'most = "many"'), "my-jars.toml: steps[1].items.most: expected `int | null`, got `str`"),
        (("most = 12", "colour = 'red'"), "my-jars.toml: steps[1].items: unknown field `colour`"),
        (('plural = "jars"\n', ""), "my-jars.toml: steps[1].items: missing required field `plural`"),
        (('name = "jar"', 'name = " "'), "my-jars.toml: steps[1].items: name must not be empty"),
        (('min = "10m"', 'min = "ten minutes"'), "my-jars.toml: steps[1].items: min: 'ten minutes' is not a duration"),
    ],
)
def test_a_malformed_items_table_is_refused_naming_the_place(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    (line,) = _problems(tmp_path, _items_changed(*change))
    assert line.startswith(expected)


def test_a_control_character_in_an_item_name_is_refused(tmp_path: Path) -> None:
    (line,) = _problems(tmp_path, _items_changed('name = "jar"', 'name = "jar\\u001b[2J"'))
    assert line == "my-jars.toml: steps[1].items.name: contains a control character (U+001B)"


def test_the_check_command_names_the_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from massage_timer.cli import main

    path = _write(tmp_path, _items_changed('default = "15m"', 'default = "30m"'))
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}: steps[1].items.default: must lie between min and max (10m-20m)" in err
