"""Locating the files that ship with the app: built-in protocols and resources.

Three layouts are supported, tried in this order:

1. an installed wheel: ``massage_timer/_data/{protocols,resources}`` (force-included);
2. a frozen bundle (PyInstaller): the same folders under ``sys._MEIPASS``;
3. a source checkout: the top-level ``protocols/`` and ``resources/`` folders.
"""

from __future__ import annotations

import sys
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path

from .image_refs import check_image_ref


class ResourceError(LookupError):
    """A packaged file is missing or a reference tried to leave the resources folder."""


@cache
def data_root() -> Path:
    """The folder holding ``protocols/`` and ``resources/``."""
    candidates: list[Path] = []
    try:
        packaged = files("massage_timer") / "_data"
        with as_file(packaged) as path:
            candidates.append(Path(path))
    except (ModuleNotFoundError, FileNotFoundError, TypeError):
        pass
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "massage_timer" / "_data")
    candidates.append(Path(__file__).resolve().parents[3])
    for candidate in candidates:
        if (candidate / "protocols").is_dir() and (candidate / "resources").is_dir():
            return candidate
    raise ResourceError(
        "the built-in protocols and resources are missing from this installation "
        f"(looked in: {', '.join(str(c) for c in candidates)}); please reinstall Massage Timer"
    )


def builtin_protocols_dir() -> Path:
    return data_root() / "protocols"


def resources_dir() -> Path:
    return data_root() / "resources"


def resource_path(ref: str) -> Path:
    """The packaged file ``ref`` (e.g. ``"sounds/step-end.wav"``), refusing escapes.

    Raises:
        ResourceError: if ``ref`` is absolute, contains ``..``, or the file is missing.
    """
    why = check_image_ref(ref) if ref.lower().endswith((".svg", ".png")) else _check_plain(ref)
    if why is not None:
        raise ResourceError(f"resource {ref!r}: {why}")
    root = resources_dir().resolve()
    path = (root / ref).resolve()
    if root not in path.parents:
        raise ResourceError(f"resource {ref!r} leads outside the resources folder")
    if not path.is_file():
        raise ResourceError(f"resource {ref!r} is missing from this installation")
    return path


def _check_plain(ref: str) -> str | None:
    if not ref or ref.startswith(("/", "\\")) or ":" in ref or ".." in ref.replace("\\", "/").split("/"):
        return "must be a plain relative path inside the resources folder"
    return None
