"""``body_timer``: steps whose time runs on the body, as the reader checks them and as the
built-in protocols mark them."""

from __future__ import annotations

from pathlib import Path

import pytest

from massage_timer.core.protocols.problems import ProtocolError
from massage_timer.core.protocols.reading import read_protocol
from massage_timer.core.resources import builtin_protocols_dir, resources_dir
from massage_timer.core.session.plan import build_plan

HEAD = """\
schema = 1
id = "jars"
title = "Jars"
summary = "Jars on the back."
stages = ["remission"]

[[steps]]
id = "place"
title = "Place the jars"
instructions = "Place them."
"""

TIMED_BODY = """
[[steps]]
id = "wait"
title = "Wait"
instructions = "The jars stay on."
duration = { min = "10m", default = "15m", max = "20m" }
advance = "wait"
body_timer = true
"""


def _write(tmp_path: Path, text: str, name: str = "jars.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_timed_step_may_run_on_the_body(tmp_path: Path) -> None:
    loaded = read_protocol(_write(tmp_path, HEAD + TIMED_BODY))
    place, wait = loaded.protocol.steps
    assert wait.body_timer is True
    assert place.body_timer is False  # the default
    plan = build_plan(loaded.protocol)
    assert [p.body_timer for p in plan] == [False, True]


def test_body_timer_on_an_untimed_step_is_refused_with_file_place_and_reason(tmp_path: Path) -> None:
    text = HEAD.replace('instructions = "Place them."\n', 'instructions = "Place them."\nbody_timer = true\n')
    path = _write(tmp_path, text + TIMED_BODY, name="my-jars.toml")
    with pytest.raises(ProtocolError) as info:
        read_protocol(path)
    error = info.value
    assert error.file == "my-jars.toml"
    assert [p.where for p in error.problems] == ["steps[0].body_timer"]
    (line,) = str(error).splitlines()
    assert line.startswith("my-jars.toml: steps[0].body_timer: only a timed step can run on the body")
    assert "add a duration or remove 'body_timer'" in line


def test_body_timer_false_on_an_untimed_step_is_fine(tmp_path: Path) -> None:
    text = HEAD.replace('instructions = "Place them."\n', 'instructions = "Place them."\nbody_timer = false\n')
    loaded = read_protocol(_write(tmp_path, text))
    assert loaded.protocol.steps[0].body_timer is False


def test_body_timer_must_be_a_boolean(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + TIMED_BODY.replace("body_timer = true", 'body_timer = "yes"'))
    with pytest.raises(ProtocolError) as info:
        read_protocol(path)
    assert str(info.value) == "jars.toml: steps[1].body_timer: expected `bool`, got `str`"


def test_the_check_command_names_the_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from massage_timer.cli import main

    text = HEAD.replace('instructions = "Place them."\n', 'instructions = "Place them."\nbody_timer = true\n')
    path = _write(tmp_path, text)
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}: steps[0].body_timer: only a timed step can run on the body" in err


# The steps where the article describes time passing on the body by itself.
BODY_STEPS = {
    ("cupping-static", "cover-and-wait"),  # "The duration of the procedure is from 10 to 20 minutes"
    ("cupping-static", "rest"),  # "lie under a blanket for at least half an hour"
    ("honey", "absorb"),  # "Let the honey absorb (2-3 minutes)"
}


def test_the_builtin_body_steps_are_the_ones_the_article_times_on_the_body() -> None:
    marked = set()
    for path in sorted(builtin_protocols_dir().glob("*.toml")):
        protocol = read_protocol(path, (resources_dir(),)).protocol
        for step in protocol.steps:
            if step.body_timer:
                assert step.duration is not None
                marked.add((protocol.id, step.id))
    assert marked == BODY_STEPS
