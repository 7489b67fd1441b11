"""One place for paths: the data folder's precedence and safe lookups of packaged files."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from massage_timer.core import resources
from massage_timer.core.paths import ENV_VAR, DataPaths, resolve_data_dir
from massage_timer.core.resources import (
    ResourceError,
    builtin_protocols_dir,
    data_root,
    resource_path,
    resources_dir,
)


def test_the_command_line_wins_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "from-env"))
    assert resolve_data_dir(tmp_path / "from-cli").root == tmp_path / "from-cli"
    assert resolve_data_dir().root == tmp_path / "from-env"


def test_the_platform_default_without_overrides(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    root = resolve_data_dir().root
    assert root.name == "massage-timer"
    if sys.platform.startswith("linux"):
        assert root == tmp_path / "xdg" / "massage-timer"
    monkeypatch.setenv(ENV_VAR, "")
    assert resolve_data_dir().root == root  # an empty variable is no override


def test_relative_and_home_paths_become_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_data_dir("portable").root == tmp_path / "portable"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_data_dir("~/mt").root == tmp_path / "home" / "mt"


def test_tests_never_use_the_real_user_folder(tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    assert base in resolve_data_dir().root.parents
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        assert base in Path(os.environ[var]).parents


def test_ensure_creates_private_folders(tmp_path):
    paths = DataPaths(tmp_path / "a" / "data").ensure()
    assert paths.root.is_dir() and paths.protocols.is_dir()
    assert paths.database.parent == paths.root and paths.database.name.endswith(".sqlite3")
    if os.name == "posix":
        assert stat.S_IMODE(paths.root.stat().st_mode) == 0o700
        assert stat.S_IMODE(paths.protocols.stat().st_mode) == 0o700


def test_builtin_folders_are_found():
    assert (data_root() / "protocols").is_dir()
    assert resources_dir().is_dir()
    assert builtin_protocols_dir() == data_root() / "protocols"
    assert resources_dir() == data_root() / "resources"


def test_resource_path_finds_packaged_files():
    root = resources_dir().resolve()
    files = sorted(p for p in root.rglob("*") if p.is_file())
    for path in files[:50]:
        ref = path.relative_to(root).as_posix()
        assert resource_path(ref) == path
    with pytest.raises(ResourceError, match="missing"):
        resource_path("sounds/no-such-sound.wav")
    with pytest.raises(ResourceError, match="missing"):
        resource_path("illustrations/no-such-picture.svg")


@pytest.mark.parametrize(
    "ref",
    [
        "../pyproject.toml",
        "sounds/../../pyproject.toml",
        "illustrations/../../x.svg",
        "/etc/passwd",
        "/tmp/x.svg",
        "C:/Windows/win.ini",
        "C:\\x.png",
        "\\\\server\\share\\x.png",
        "",
    ],
)
def test_resource_path_refuses_escapes(ref):
    with pytest.raises(ResourceError):
        resource_path(ref)


def test_resource_path_refuses_a_link_out_of_the_folder(tmp_path, monkeypatch):
    if os.name != "posix":
        pytest.skip("symbolic links need POSIX here")
    fake_root = tmp_path / "root"
    (fake_root / "resources" / "sounds").mkdir(parents=True)
    (fake_root / "protocols").mkdir()
    secret = tmp_path / "secret.wav"
    secret.write_bytes(b"RIFF")
    (fake_root / "resources" / "sounds" / "ok.wav").write_bytes(b"RIFF")
    (fake_root / "resources" / "sounds" / "link.wav").symlink_to(secret)
    monkeypatch.setattr(resources, "data_root", lambda: fake_root)
    assert resource_path("sounds/ok.wav") == (fake_root / "resources" / "sounds" / "ok.wav").resolve()
    with pytest.raises(ResourceError, match="outside"):
        resource_path("sounds/link.wav")
