"""The version the app shows is the version that is packaged."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import massage_timer

ROOT = Path(__file__).resolve().parents[1]


def test_version_matches_pyproject_and_metadata() -> None:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        declared = tomllib.load(handle)["project"]["version"]
    assert massage_timer.__version__ == declared
    assert version("massage-timer") == declared
