"""The protocol library: built-in protocols merged with the user's own files."""

from __future__ import annotations

from pathlib import Path

import pytest

from massage_timer.core.protocols.library import Library, load_library
from massage_timer.core.protocols.problems import ProtocolError

BUILTIN_IDS = {"classic-relaxing", "cupping-static", "cupping-dynamic", "acupressure", "honey"}


def protocol_text(protocol_id: str, title: str = "A routine", minutes: int = 2) -> str:
    return f"""\
schema = 1
id = "{protocol_id}"
title = "{title}"
summary = "A test routine."
stages = ["remission"]

[[steps]]
id = "only"
title = "Only step"
instructions = "Do it."
duration = {{ min = "1m", default = "{minutes}m", max = "10m" }}
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def builtin_dir(tmp_path: Path) -> Path:
    """A small stand-in for the built-in folder, so that merge rules are tested in isolation."""
    folder = tmp_path / "builtin"
    write(folder, "alpha.toml", protocol_text("alpha", "Alpha"))
    write(folder, "honey.toml", protocol_text("honey", "Built-in honey"))
    return folder


def ids(library: Library) -> list[str]:
    return [p.protocol.id for p in library.protocols]


# --------------------------------------------------------------------------- the real built-ins


def test_real_builtins_load_without_user_dir() -> None:
    library = load_library(None)
    assert library.broken == []
    assert set(ids(library)) == BUILTIN_IDS
    assert len(ids(library)) == len(BUILTIN_IDS)
    for entry in library.entries:
        assert entry.source == "builtin"
        assert not entry.overrides and entry.overridden_by is None
    honey = library.get("honey")
    assert honey is not None and honey.path.name == "honey.toml"


def test_real_builtins_merge_with_user_dir(tmp_path: Path) -> None:
    user = tmp_path / "user"
    write(user, "mine.toml", protocol_text("my-routine", "Mine"))
    write(user, "honey.toml", protocol_text("honey", "My honey"))
    library = load_library(user)
    assert set(ids(library)) == BUILTIN_IDS | {"my-routine"}
    honey = library.get("honey")
    assert honey is not None and honey.protocol.title == "My honey"
    # User protocols may use the app's pictures.
    text = protocol_text("with-picture").replace(
        'instructions = "Do it."', 'instructions = "Do it."\nimage = "illustrations/honey-pats.svg"'
    )
    write(user, "picture.toml", text)
    library = load_library(user)
    loaded = library.get("with-picture")
    assert loaded is not None
    assert loaded.resolve_image("illustrations/honey-pats.svg") is not None


# --------------------------------------------------------------------------- merge rules


def test_builtins_and_user_files_merge(tmp_path: Path, builtin_dir: Path) -> None:
    user = tmp_path / "user"
    write(user, "mine.toml", protocol_text("mine", "Mine"))
    library = load_library(user, builtin_dir)
    assert ids(library) == ["alpha", "honey", "mine"]
    sources = {e.id: e.source for e in library.entries}
    assert sources == {"alpha": "builtin", "honey": "builtin", "mine": "user"}
    assert library.broken == []
    assert library.entry("mine") is not None and library.entry("mine").source == "user"


def test_user_file_overrides_a_builtin(tmp_path: Path, builtin_dir: Path) -> None:
    user = tmp_path / "user"
    mine = write(user, "my-honey.toml", protocol_text("honey", "My honey", minutes=5))
    library = load_library(user, builtin_dir)

    assert ids(library).count("honey") == 1
    loaded = library.get("honey")
    assert loaded is not None
    assert loaded.path == mine
    assert loaded.protocol.title == "My honey"
    assert loaded.protocol.steps[0].duration is not None
    assert loaded.protocol.steps[0].duration.default == 300

    user_entry = next(e for e in library.entries if e.source == "user")
    builtin_entry = next(e for e in library.entries if e.source == "builtin" and e.id == "honey")
    assert user_entry.overrides is True
    assert user_entry.overridden_by is None
    assert builtin_entry.overridden_by == mine
    assert builtin_entry.overrides is False
    assert builtin_entry.ok  # still loaded, kept for display
    assert library.entry("honey") is user_entry
    # The other built-in is untouched.
    alpha = next(e for e in library.entries if e.id == "alpha")
    assert alpha.overridden_by is None and not alpha.overrides


def test_broken_user_file_does_not_hide_the_others(tmp_path: Path, builtin_dir: Path) -> None:
    user = tmp_path / "user"
    write(user, "good.toml", protocol_text("good"))
    broken_path = write(user, "broken.toml", protocol_text("broken").replace('max = "10m"', 'max = "30s"'))
    write(user, "garbage.toml", "this is = = not toml\n")
    library = load_library(user, builtin_dir)

    assert ids(library) == ["alpha", "honey", "good"]
    broken = {e.path.name: e for e in library.broken}
    assert set(broken) == {"broken.toml", "garbage.toml"}
    entry = broken["broken.toml"]
    assert entry.path == broken_path
    assert entry.source == "user"
    assert not entry.ok and entry.loaded is None
    assert isinstance(entry.error, ProtocolError)
    assert entry.id == "broken"  # falls back to the file name
    message = str(entry.error)
    assert message.startswith(f"{user}/broken.toml: ")
    assert "steps[0].duration.max: must be >= min (1m)" in message
    assert "line 1" in str(broken["garbage.toml"].error)
    assert library.get("broken") is None


def test_broken_user_file_with_a_builtin_id_does_not_override(tmp_path: Path, builtin_dir: Path) -> None:
    user = tmp_path / "user"
    write(user, "honey.toml", protocol_text("honey").replace("schema = 1", "schema = 7"))
    library = load_library(user, builtin_dir)
    loaded = library.get("honey")
    assert loaded is not None and loaded.protocol.title == "Built-in honey"
    assert all(e.overridden_by is None for e in library.entries)
    assert [e.path.name for e in library.broken] == ["honey.toml"]
    assert "newer Massage Timer" in str(library.broken[0].error)


def test_duplicate_ids_among_user_files(tmp_path: Path, builtin_dir: Path) -> None:
    user = tmp_path / "user"
    first = write(user, "a-first.toml", protocol_text("twin", "First"))
    second = write(user, "b-second.toml", protocol_text("twin", "Second"))
    library = load_library(user, builtin_dir)

    assert ids(library).count("twin") == 1
    loaded = library.get("twin")
    assert loaded is not None and loaded.path == first
    assert [e.path for e in library.broken] == [second]
    error = library.broken[0].error
    assert error is not None
    assert "'twin' is already used by a-first.toml" in str(error)
    assert error.problems[0].where == "id"


def test_duplicate_user_ids_overriding_a_builtin(tmp_path: Path, builtin_dir: Path) -> None:
    user = tmp_path / "user"
    first = write(user, "1.toml", protocol_text("honey", "One"))
    write(user, "2.toml", protocol_text("honey", "Two"))
    library = load_library(user, builtin_dir)
    assert library.get("honey") is not None and library.get("honey").path == first
    builtin = next(e for e in library.entries if e.source == "builtin" and e.id == "honey")
    assert builtin.overridden_by == first
    assert len(library.broken) == 1


def test_missing_user_dir_is_not_an_error(tmp_path: Path, builtin_dir: Path) -> None:
    library = load_library(tmp_path / "does-not-exist", builtin_dir)
    assert ids(library) == ["alpha", "honey"]
    assert library.broken == []


def test_hidden_and_non_toml_files_are_ignored(tmp_path: Path, builtin_dir: Path) -> None:
    user = tmp_path / "user"
    write(user, ".draft.toml", "not = = valid")
    write(user, "notes.txt", "hello")
    write(user, "backup.toml.bak", protocol_text("bak"))
    write(user, "real.toml", protocol_text("real"))
    library = load_library(user, builtin_dir)
    assert ids(library) == ["alpha", "honey", "real"]
    assert library.broken == []


def test_get_and_entry_for_unknown_id(builtin_dir: Path) -> None:
    library = load_library(None, builtin_dir)
    assert library.get("nope") is None
    assert library.entry("nope") is None
    alpha = library.get("alpha")
    assert alpha is not None and alpha.protocol.title == "Alpha"
