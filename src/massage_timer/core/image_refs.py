"""Image references, as protocol files and the app's resources write them: which references are
acceptable, and resolving one inside a folder without ever leaving it."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath, PureWindowsPath

IMAGE_SUFFIXES = (".svg", ".png")
_DRIVE = re.compile(r"^[A-Za-z]:")


def check_image_ref(ref: str) -> str | None:
    """Why ``ref`` is not an acceptable image reference, or None when it is."""
    if not ref.strip():
        return "must not be empty"
    if "\x00" in ref:
        return "contains a NUL character"
    lowered = ref.strip().lower()
    if re.match(r"^[a-z][a-z0-9+.-]*:", lowered) and not _DRIVE.match(ref):
        return "must be a relative file path, not a URL"
    if _DRIVE.match(ref) or ref.startswith(("/", "\\")) or PureWindowsPath(ref).is_absolute():
        return "must be a relative path (no drive letter or leading slash)"
    parts = PurePosixPath(ref.replace("\\", "/")).parts
    if ".." in parts:
        return "must not contain '..'"
    if not lowered.endswith(IMAGE_SUFFIXES):
        return "only .svg and .png images are accepted"
    return None


def safe_join(root: Path, ref: str) -> Path | None:
    """``root/ref`` if it stays inside ``root`` once symlinks are resolved, else None."""
    if check_image_ref(ref) is not None:
        return None
    try:
        base = root.resolve()
        candidate = (base / ref.replace("\\", "/")).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if candidate != base and base not in candidate.parents:
        return None
    return candidate
