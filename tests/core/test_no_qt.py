"""The core knows no screen: importing all of it loads no Qt."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import massage_timer
import massage_timer.core

FORBIDDEN = ("PySide6", "shiboken6", "pyqtgraph")

SCRIPT = """
import importlib, json, pkgutil, sys
import massage_timer.core as core
names = sorted(m.name for m in pkgutil.walk_packages(core.__path__, core.__name__ + "."))
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {forbidden!r})
print(json.dumps({{"modules": names, "qt": loaded}}))
"""


def run(script: str) -> dict:
    env = dict(os.environ)
    src = str(Path(massage_timer.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_core_imports_no_qt():
    result = run(SCRIPT.format(forbidden=set(FORBIDDEN)))
    expected = {m.name for m in pkgutil.walk_packages(massage_timer.core.__path__, "massage_timer.core.")}
    assert set(result["modules"]) == expected
    assert {"massage_timer.core.session.engine", "massage_timer.core.log.store", "massage_timer.core.clock"} <= expected
    assert result["qt"] == []


def test_the_check_itself_sees_qt():
    """The same probe notices Qt when something does import it (so the test above can fail)."""
    script = "import PySide6.QtCore\n" + SCRIPT.format(forbidden=set(FORBIDDEN))
    result = run(script)
    assert "PySide6" in result["qt"] and "shiboken6" in result["qt"]
