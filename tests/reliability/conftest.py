"""Fixtures for the reliability tests (helpers live in reliability_helpers.py)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from reliability_helpers import log_session


@pytest.fixture
def write_session() -> Callable[..., str]:
    return log_session


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temporary folder that another (unprivileged) user may enter."""
    root = Path(tempfile.mkdtemp(prefix="massage-timer-shared-"))
    os.chmod(root, 0o755)
    try:
        yield root
    finally:
        for folder, dirs, _files in os.walk(root):
            for d in dirs:
                os.chmod(Path(folder) / d, 0o755)
        shutil.rmtree(root, ignore_errors=True)
