"""build_installer.py: its helpers (fast) and the built Linux bundle (slow, in CI).

The slow test needs a tarball built by ``build_installer.py``; CI points
``MASSAGE_TIMER_TEST_BUNDLE`` at it. It unpacks the tarball somewhere else and runs
``--self-test`` with a clean environment: no virtual environment on PATH, a
temporary home, Qt's offscreen platform.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLE_ENV = "MASSAGE_TIMER_TEST_BUNDLE"


@pytest.fixture(scope="module")
def bi() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_installer", ROOT / "build_installer.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pyproject_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def test_name_and_version_come_from_pyproject(bi: ModuleType) -> None:
    assert bi.project_metadata() == ("massage-timer", _pyproject_version())


def test_name_and_version_of_another_pyproject(bi: ModuleType, tmp_path: Path) -> None:
    other = tmp_path / "pyproject.toml"
    other.write_text('[project]\nname = "x"\nversion = "9.8.7"\n', encoding="utf-8")
    assert bi.project_metadata(other) == ("x", "9.8.7")


def test_desktop_entry(bi: ModuleType) -> None:
    text = bi.desktop_entry("1.2.3")
    lines = text.splitlines()
    assert lines[0] == "[Desktop Entry]"
    assert "Type=Application" in lines
    assert "Exec=massage-timer" in lines
    assert "Icon=massage-timer" in lines
    assert "X-AppVersion=1.2.3" in lines
    assert all("=" in line for line in lines[1:])


def test_install_text_names_the_tarball_and_the_system_libraries(bi: ModuleType) -> None:
    text = bi.install_text("1.2.3")
    assert f"MassageTimer-1.2.3-{bi.platform_tag()}.tar.gz" in text
    for package in (
        "libxcb-cursor0",
        "libxcb-icccm4",
        "libxcb-keysyms1",
        "libxkbcommon-x11-0",
        "libpulse0",
    ):
        assert package in text
    assert "~/.local/share/applications" in text and "massage-timer.desktop" in text


def test_inno_setup_script(bi: ModuleType) -> None:
    text = bi.inno_setup_script("1.2.3")
    assert '#define AppVersion "1.2.3"' in text
    assert "MassageTimer\\*" in text
    assert "massage-timer.ico" in text

    def app_id(script: str) -> str:
        return next(line for line in script.splitlines() if line.startswith("AppId="))

    # The AppId stays the same from version to version, so that a new setup upgrades an old one.
    assert app_id(text) == app_id(bi.inno_setup_script("2.0.0"))


def test_which_files_ship(bi: ModuleType) -> None:
    keep = bi.keep_file
    plugins = "PySide6/Qt/plugins"
    for shipped in (
        f"{plugins}/platforms/libqxcb.so",
        f"{plugins}/platforms/libqwayland.so",
        f"{plugins}/platforms/libqoffscreen.so",
        f"{plugins}/imageformats/libqsvg.so",
        f"{plugins}/iconengines/libqsvgicon.so",
        f"{plugins}/multimedia/libffmpegmediaplugin.so",
        f"{plugins}/texttospeech/libqtexttospeech_speechd.so",
        f"{plugins}/platformthemes/libqxdgdesktopportal.so",
        "PySide6/Qt/lib/libQt6Core.so.6",
        "massage_timer/_data/protocols/honey.toml",
    ):
        assert keep(shipped), shipped
    for dropped in (
        f"{plugins}/tls/libqopensslbackend.so",
        f"{plugins}/platforms/libqeglfs.so",
        f"{plugins}/platforms/libqvnc.so",
        f"{plugins}/imageformats/libqtiff.so",
        f"{plugins}/texttospeech/libqtexttospeech_mock.so",
        f"{plugins}/generic/libqevdevmouseplugin.so",
        f"{plugins}/platforminputcontexts/libqtvirtualkeyboardplugin.so",
        "PySide6/Qt/translations/qtbase_de.qm",
        "PySide6/Qt/lib/libQt6WebEngineCore.so.6",
    ):
        assert not keep(dropped), dropped


def test_stderr_problems(bi: ModuleType) -> None:
    stderr = (
        "qt.multimedia.ffmpeg: Using Qt multimedia with FFmpeg\n"
        'qt.qpa.plugin: Could not load the Qt platform plugin "xcb"\n'
        "QLibrary: Cannot load library libqsvg.so: (libQt6Svg.so.6: cannot open shared object)\n"
    )
    problems = bi.stderr_problems(stderr)
    assert len(problems) == 2
    assert bi.stderr_problems("This plugin does not support raise()\n") == []


def _clean_env(home: Path) -> dict[str, str]:
    """What a user's desktop session would give the app: no venv, no Python or Qt settings."""
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, parents=True)
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_RUNTIME_DIR": str(runtime),
        # No speech-dispatcher daemon started in the temporary home (it would outlive the test).
        "SPEECHD_ADDRESS": "inet_socket:127.0.0.1:9",
    }
    assert not any(Path(sys.prefix).as_posix() in p for p in env["PATH"].split(os.pathsep))
    return env


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get(BUNDLE_ENV), reason=f"{BUNDLE_ENV} does not name a built tarball")
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the tarball is the Linux bundle")
def test_unpacked_bundle_passes_its_self_test(bi: ModuleType, tmp_path: Path) -> None:
    tarball = Path(os.environ[BUNDLE_ENV])
    assert tarball.is_file(), f"{BUNDLE_ENV}={tarball} does not exist"
    target = tmp_path / "unpacked"
    with tarfile.open(tarball) as tar:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4 (and security backports)
            tar.extractall(target, filter="data")
        else:
            tar.extractall(target)  # our own build artifact
    folder = target / "MassageTimer"
    exe = folder / "massage-timer"
    for shipped in ("massage-timer.desktop", "massage-timer.png", "INSTALL.txt"):
        assert (folder / shipped).is_file(), shipped
    assert os.access(exe, os.X_OK)

    home = tmp_path / "home"
    proc = subprocess.run(
        [str(exe), "--self-test"],
        env=_clean_env(home),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert "self-test passed" in proc.stdout
    assert "frozen" in proc.stdout.splitlines()[0]
    assert bi.stderr_problems(proc.stderr) == [], proc.stderr
