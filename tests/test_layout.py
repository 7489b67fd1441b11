"""The shape of the tree: small modules, folders that say what they hold.

The import contracts (layers, a Qt-free core, no cycles) are checked by
``lint-imports`` with the contracts in pyproject.toml; these tests check what
import-linter does not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import massage_timer

PACKAGE = Path(massage_timer.__file__).resolve().parent
MAX_LINES = 500
"""No module is longer, outside tools/ (the SVG generator draws 32 pictures in code)."""
MAX_SIDE_BY_SIDE = 9
"""Modules side by side in one folder, ``__init__`` not counted: about eight, so a folder stays readable."""


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _packages() -> list[Path]:
    return sorted({p.parent for p in _modules()})


def test_the_walk_sees_the_tree() -> None:
    names = {p.relative_to(PACKAGE).as_posix() for p in _modules()}
    assert {"core/log/store.py", "ui/pages/protocols.py", "tools/make_illustrations.py"} <= names
    assert len(_packages()) >= 10


def test_no_module_is_over_500_lines_outside_tools() -> None:
    too_long = {
        p.relative_to(PACKAGE).as_posix(): n
        for p in _modules()
        if "tools" not in p.relative_to(PACKAGE).parts
        and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}


def test_every_folder_says_what_it_holds() -> None:
    """Each package has an ``__init__.py`` whose docstring says what the folder holds."""
    silent = []
    for folder in _packages():
        init = folder / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) if init.exists() else None
        if not doc or len(doc.split()) < 4:
            silent.append(folder.relative_to(PACKAGE.parent).as_posix())
    assert silent == []


def test_every_module_has_a_docstring() -> None:
    missing = [
        p.relative_to(PACKAGE).as_posix()
        for p in _modules()
        if p.name != "__init__.py" and not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert missing == []


def test_no_folder_is_crowded() -> None:
    crowded = {}
    for folder in _packages():
        count = sum(1 for p in folder.glob("*.py") if p.name != "__init__.py")
        if count > MAX_SIDE_BY_SIDE:
            crowded[folder.relative_to(PACKAGE.parent).as_posix()] = count
    assert crowded == {}
