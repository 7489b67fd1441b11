#!/usr/bin/env python3
"""Build the installable Massage Timer app with PyInstaller, then smoke-test it.

Usage::

    python build_installer.py              # clean venv in build/venv, build, package, smoke-test
    python build_installer.py --skip-venv  # use this interpreter (needs '.[build]' installed)
    python build_installer.py --smoke      # only smoke-test the existing build in dist/
    python build_installer.py --onefile    # one executable file instead of a folder (starts slower)

What comes out (``build/`` and ``dist/`` are git-ignored):

* Linux: ``dist/MassageTimer/`` and ``dist/MassageTimer-<version>-linux-x86_64.tar.gz``
  (the folder with a ``.desktop`` file, the icon and ``INSTALL.txt``);
* macOS: ``dist/Massage Timer.app`` and ``dist/MassageTimer-<version>-macos-<arch>.zip``;
* Windows: ``dist/MassageTimer/`` and ``dist/MassageTimer.iss``, an Inno Setup script
  that turns the folder into ``dist/MassageTimer-<version>-windows-x64-setup.exe``.

Only the Linux build is exercised regularly; the macOS and Windows branches follow
PyInstaller's and Inno Setup's documented behaviour and are marked "not verified"
where they could not be run.

The smoke test runs the built app with ``--self-test`` on Qt's offscreen platform and
fails on a non-zero exit or on any Qt plugin/library loading error on stderr. It then
prints the bundle size and the start-up time of the frozen app next to the source run.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BUILD = ROOT / "build"
DIST = ROOT / "dist"
VENV = BUILD / "venv"
WORK = BUILD / "pyinstaller"

APP_NAME = "Massage Timer"
APP_ID = "massage-timer"
BUNDLE_ID = "org.massagetimer.MassageTimer"
FOLDER = "MassageTimer"
"""The name of the app folder (Linux, Windows) and the prefix of every artifact."""
PUBLISHER = "Massage Timer developers"
INNO_APP_ID = "{{" + str(uuid.uuid5(uuid.NAMESPACE_DNS, "massage-timer.desktop-app")).upper() + "}"
"""A stable AppId, so that a newer setup upgrades an older installation."""

SMOKE_TIMEOUT = 120
NO_SPEECH_DISPATCHER = "inet_socket:127.0.0.1:9"
"""A speech-dispatcher address where nothing answers (the discard port)."""
STARTUP_RUNS = 5

# ----------------------------------------------------------------------------- what goes in

EXCLUDED_QT_MODULES = (
    "Qt3DAnimation",
    "Qt3DCore",
    "Qt3DExtras",
    "Qt3DInput",
    "Qt3DLogic",
    "Qt3DRender",
    "QtAxContainer",
    "QtBluetooth",
    "QtCanvasPainter",
    "QtCharts",
    "QtConcurrent",
    "QtDataVisualization",
    "QtDesigner",
    "QtGraphs",
    "QtGraphsWidgets",
    "QtHelp",
    "QtHttpServer",
    "QtLocation",
    "QtMultimediaWidgets",
    "QtNetworkAuth",
    "QtNfc",
    "QtPdf",
    "QtPdfWidgets",
    "QtPositioning",
    "QtPrintSupport",
    "QtQml",
    "QtQuick",
    "QtQuick3D",
    "QtQuickControls2",
    "QtQuickTest",
    "QtQuickWidgets",
    "QtRemoteObjects",
    "QtScxml",
    "QtSensors",
    "QtSerialBus",
    "QtSerialPort",
    "QtSpatialAudio",
    "QtSql",
    "QtStateMachine",
    "QtSvgWidgets",
    "QtTest",
    "QtUiTools",
    "QtWebChannel",
    "QtWebEngineCore",
    "QtWebEngineQuick",
    "QtWebEngineWidgets",
    "QtWebSockets",
    "QtWebView",
    "QtXml",
)
"""PySide6 modules the app never imports. Excluding them keeps their hooks from
collecting the Qt libraries, plugins, QML files and translations behind them.
QtOpenGL and QtOpenGLWidgets stay: pyqtgraph imports both when it is imported."""

EXCLUDED_PY_MODULES = (
    # Other Qt bindings and GUI toolkits that pyqtgraph or numpy may look for.
    "PyQt5",
    "PyQt6",
    "PySide2",
    "tkinter",
    "_tkinter",
    "matplotlib",
    "IPython",
    "jupyter_rfb",
    "OpenGL",
    "scipy",
    "pandas",
    "h5py",
    "cupy",
    "numba",
    "colorcet",
    # pyqtgraph parts the app does not use (3D needs OpenGL; examples start a QApplication).
    "pyqtgraph.examples",
    "pyqtgraph.opengl",
    "pyqtgraph.jupyter",
    # Developer tools from the standard library and the build/test environment.
    "unittest",
    "pydoc_data",
    "doctest",
    "lib2to3",
    "idlelib",
    "ensurepip",
    "venv",
    "turtledemo",
    "turtle",
    "curses",
    "test",
    "distutils",
    "setuptools",
    "pkg_resources",
    "pip",
    "wheel",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "PyInstaller",
    "numpy.f2py",
    "readline",
    # Python's OpenSSL bindings (with libssl/libcrypto, 5 MB): the app opens no network
    # connection, and hashlib falls back to its built-in SHA-256 without _hashlib.
    "ssl",
    "_ssl",
    "_hashlib",
)
"""Python packages kept out of the bundle. ``pydoc`` stays in: pyqtgraph.parametertree
imports it when pyqtgraph is imported."""

KEEP_QT_PLUGINS: dict[str, tuple[str, ...] | None] = {
    # None keeps every plugin of the type; a tuple keeps plugins whose file name contains
    # one of the words. Any plugin type not named here is dropped.
    "platforms": ("xcb", "wayland", "offscreen", "qwindows", "cocoa"),
    "platformthemes": None,  # GTK and desktop-portal file dialogs and colours
    "platforminputcontexts": ("compose", "ibus"),  # dead keys and input methods (not the
    # Qt Quick virtual keyboard, which would pull in QtQml/QtQuick)
    "imageformats": ("svg",),  # PNG is built into QtGui; illustrations are SVG
    "iconengines": ("svg",),
    "multimedia": None,  # the FFmpeg backend plays the cue sounds
    "texttospeech": ("speechd", "sapi", "winrt", "darwin", "macos", "flite"),  # not "mock"
    "xcbglintegrations": None,  # X11 needs one to show any window on some drivers
    "wayland-shell-integration": ("xdg-shell",),  # desktops speak xdg-shell
    "wayland-decoration-client": None,  # title bars on compositors without server decorations
    "wayland-graphics-integration-client": ("wayland-egl",),
    "styles": None,  # Windows 11 and macOS native styles (the app uses Fusion, but dialogs may not)
}
"""Qt plugins shipped. Dropped on purpose: ``tls`` and ``networkinformation`` (the app
makes no network connections), ``generic`` and ``egldeviceintegrations`` (input and
display for the eglfs/linuxfb platforms, which are not shipped), the compositor
(server) side of Wayland, the ``mock`` speech engine (tests only), and every image
format but SVG."""

DROPPED_LIBRARY_WORDS = (
    # Qt libraries that binary dependency scanning can still pull in, though nothing the
    # app loads needs them once the plugins above are gone. (libQt6Quick and libQt6Qml
    # stay: Qt's FFmpeg multimedia plugin links them, and without it there is no sound.
    # Only the libraries ship, no QML modules.)
    "Qt6VirtualKeyboard",
    "Qt6Pdf",
    "Qt6WebEngine",
    "Qt6WaylandCompositor",
    "Qt6Location",
    "Qt6Positioning",
    "Qt6Sql",
    "Qt6Test",
    "Qt6Designer",
    "Qt6Charts",
    "Qt6Graphs",
    "Qt6DataVisualization",
    "Qt6Bluetooth",
    "Qt6Nfc",
    "Qt6Sensors",
    "Qt6SerialPort",
    "Qt6RemoteObjects",
    "Qt6Scxml",
    "Qt6Help",
    "Qt6NetworkAuth",
    "Qt6WebSockets",
    "Qt6WebChannel",
    "Qt6HttpServer",
    "Qt6SpatialAudio",
    "Qt63D",
    # eglfs (full-screen embedded platform, not shipped) and Wayland shells other than
    # xdg-shell: collected with QtGui, needed by no plugin we ship.
    "Qt6EglFSDeviceIntegration",
    "Qt6EglFsKmsSupport",
    "Qt6WlShellIntegration",
)

LINUX_GTK_THEME = (
    # Qt's GTK 3 platform theme links GTK, which is never bundled (it is not even on the
    # build machine), but PyInstaller still collects the half of GTK's stack it finds:
    # cairo, pango, gdk-pixbuf, gio... A bundled copy of those next to the user's own GTK
    # is a known source of crashes. The app draws its own Fusion theme and the
    # xdgdesktopportal theme still gives native file dialogs and the dark-mode hint, so
    # the GTK theme and the libraries only it needs are left out.
    "libqgtk3",
    "libatk-1.0",
    "libcairo",
    "libpango",
    "libgdk_pixbuf",
    "libthai",
    "libdatrie",
    "libfribidi",
    "libharfbuzz",
    "libgraphite2",
    "libpixman",
    "libjpeg",
    "libgio-2.0",
    "libgmodule-2.0",
    "libmount",
    "libblkid",
    "libselinux",
)


def _parts(dest: str) -> list[str]:
    return dest.replace("\\", "/").split("/")


def keep_file(dest: str) -> bool:
    """Whether a file collected by PyInstaller (by its path inside the bundle) is shipped.

    Args:
        dest: the path inside the bundle, e.g. ``PySide6/Qt/plugins/platforms/libqxcb.so``.
    """
    parts = _parts(dest)
    name = parts[-1]
    if "_data" in parts and "screenshots" in parts:
        return False  # README pictures, not used by the app
    if "translations" in parts and name.endswith(".qm"):
        return False  # the app's text is English; Qt's own strings stay English too
    if sys.platform.startswith("linux") and name.startswith(LINUX_GTK_THEME):
        return False
    if "plugins" in parts:
        i = parts.index("plugins")
        if len(parts) >= i + 3:
            kind = parts[i + 1]
            if kind not in KEEP_QT_PLUGINS:
                return False
            words = KEEP_QT_PLUGINS[kind]
            return words is None or any(w in name for w in words)
    if "qml" in parts and "Qt" in parts:
        return False
    return not any(word in name for word in DROPPED_LIBRARY_WORDS)


def prune(toc: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The entries of a PyInstaller TOC that :func:`keep_file` keeps (called from the spec).

    Raises:
        SystemExit: if a kept binary links against a library that was dropped, which
            would make it fail to load on a machine without that library.
    """
    toc = list(toc)
    kept = [entry for entry in toc if keep_file(entry[0])]
    dropped = {Path(dest).name for dest, _src, kind in toc if kind == "BINARY" and not keep_file(dest)}
    if dropped:
        from PyInstaller.depend import bindepend  # only inside PyInstaller's run

        broken = []
        for dest, src, kind in kept:
            if kind == "BINARY":
                imports = bindepend.get_imports(src)  # {(name, resolved path or None)}
                needs = {Path(i[0] if isinstance(i, tuple) else i).name for i in imports} & dropped
                if needs:
                    broken.append(f"{dest} needs {', '.join(sorted(needs))}")
        if broken:
            raise SystemExit("build_installer: dropped libraries are still needed:\n  " + "\n  ".join(broken))
    return [_stripped(entry) for entry in kept]


def _stripped(entry: tuple[str, str, str]) -> tuple[str, str, str]:
    """Python's own shared libraries without their debug information (Linux).

    Self-built interpreters (pyenv, CI images) keep ~24 MB of DWARF data in libpython and
    the standard library's extension modules. Only debug sections are removed, and only
    from the interpreter's files; wheels' libraries (Qt, numpy) are never touched.
    """
    dest, src, kind = entry
    if kind not in ("BINARY", "EXTENSION") or not sys.platform.startswith("linux") or not shutil.which("strip"):
        return entry
    base = Path(sys.base_prefix).resolve()
    source = Path(src).resolve()
    if base not in source.parents or "site-packages" in source.parts:
        return entry
    target = WORK / "stripped" / dest
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    if subprocess.run(["strip", "--strip-debug", str(target)], capture_output=True).returncode != 0:
        return entry
    return dest, str(target), kind


# ----------------------------------------------------------------------------- metadata


def project_metadata(pyproject: Path = ROOT / "pyproject.toml") -> tuple[str, str]:
    """``(name, version)`` from ``pyproject.toml``."""
    with open(pyproject, "rb") as f:
        project = tomllib.load(f)["project"]
    return project["name"], project["version"]


def platform_tag() -> str:
    """The artifact suffix: ``linux-x86_64``, ``macos-arm64``, ``windows-x64``."""
    machine = platform.machine().lower() or "unknown"
    if sys.platform == "win32":
        return "windows-x64" if machine in ("amd64", "x86_64") else f"windows-{machine}"
    if sys.platform == "darwin":
        return f"macos-{machine}"
    return f"{sys.platform.rstrip('0123456789')}-{machine}"


def exe_name() -> str:
    """The name PyInstaller gives the executable (and the .app on macOS)."""
    if sys.platform == "darwin":
        return APP_NAME
    if sys.platform == "win32":
        return FOLDER
    return APP_ID


def app_dir(onefile: bool = False) -> Path:
    """The built app: the folder (or .app) holding the executable."""
    if sys.platform == "darwin" and not onefile:
        return DIST / f"{APP_NAME}.app"
    return DIST / FOLDER


def executable(onefile: bool = False) -> Path:
    if sys.platform == "darwin" and not onefile:
        return app_dir() / "Contents" / "MacOS" / APP_NAME
    suffix = ".exe" if sys.platform == "win32" else ""
    return app_dir(onefile) / f"{exe_name()}{suffix}"


def icon_file() -> Path:
    icons = ROOT / "resources" / "icons"
    if sys.platform == "win32":
        return icons / "massage-timer.ico"
    if sys.platform == "darwin":
        return icons / "massage-timer.icns"
    return icons / "massage-timer-256.png"


def desktop_entry(version: str) -> str:
    """The freedesktop.org menu entry shipped in the Linux tarball."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "GenericName=Massage session timer\n"
        "Comment=Guided, illustrated timer for massage routines against sciatica\n"
        f"Exec={APP_ID}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "Categories=Utility;Clock;\n"
        "Keywords=massage;timer;sciatica;cupping;\n"
        f"StartupWMClass={APP_ID}\n"
        f"X-AppVersion={version}\n"
    )


def install_text(version: str) -> str:
    """INSTALL.txt for the Linux tarball."""
    tarball = f"{FOLDER}-{version}-{platform_tag()}.tar.gz"
    return f"""{APP_NAME} {version} for Linux (x86_64)
=================================

Unpack and run (no installation, no root needed):

    mkdir -p ~/.local/opt
    tar -xzf {tarball} -C ~/.local/opt
    ~/.local/opt/{FOLDER}/{APP_ID}

System libraries
----------------
Qt needs a few libraries that most desktops already have. On Debian/Ubuntu:

    sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0 libpulse0

If one is missing, {APP_NAME} says which package to install. Voice prompts use the
system's speech engine (sudo apt install speech-dispatcher); without it the app
still runs and shows every prompt on screen.

Add it to the applications menu
-------------------------------

    cd ~/.local/opt/{FOLDER}
    MENU=~/.local/share/applications ICONS=~/.local/share/icons/hicolor/256x256/apps
    mkdir -p "$MENU" "$ICONS"
    cp {APP_ID}.png "$ICONS/{APP_ID}.png"
    sed "s|^Exec=.*|Exec=\\"$PWD/{APP_ID}\\"|" {APP_ID}.desktop > "$MENU/{APP_ID}.desktop"

To remove it, delete ~/.local/opt/{FOLDER} and the two files copied above.
Your sessions are kept in ~/.local/share/{APP_ID} (delete that folder too to
remove them).

Check an installation
---------------------

    ~/.local/opt/{FOLDER}/{APP_ID} --self-test
"""


def inno_setup_script(version: str) -> str:
    """An Inno Setup 6.3+ script for ``dist/{FOLDER}``; paths are relative to ``dist/``.

    Not verified: written from the Inno Setup documentation, never compiled here.
    """
    exe = f"{FOLDER}.exe"
    return f"""; Inno Setup script for {APP_NAME} {version}; generated by build_installer.py.
; Compile on Windows with Inno Setup 6.3 or later:  iscc dist\\{FOLDER}.iss
; Output: dist\\{FOLDER}-{version}-windows-x64-setup.exe

#define AppName "{APP_NAME}"
#define AppVersion "{version}"
#define AppExe "{exe}"

[Setup]
AppId={INNO_APP_ID}
AppName={{#AppName}}
AppVersion={{#AppVersion}}
AppVerName={{#AppName}} {{#AppVersion}}
AppPublisher={PUBLISHER}
DefaultDirName={{autopf}}\\{{#AppName}}
DefaultGroupName={{#AppName}}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=.
OutputBaseFilename={FOLDER}-{{#AppVersion}}-windows-x64-setup
SetupIconFile=..\\resources\\icons\\massage-timer.ico
UninstallDisplayIcon={{app}}\\{{#AppExe}}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{{cm:CreateDesktopIcon}}"; \
  GroupDescription: "{{cm:AdditionalIcons}}"; Flags: unchecked

[Files]
Source: "{FOLDER}\\*"; DestDir: "{{app}}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{{autoprograms}}\\{{#AppName}}"; Filename: "{{app}}\\{{#AppExe}}"
Name: "{{autodesktop}}\\{{#AppName}}"; Filename: "{{app}}\\{{#AppExe}}"; Tasks: desktopicon

[Run]
Filename: "{{app}}\\{{#AppExe}}"; Description: "{{cm:LaunchProgram,{{#AppName}}}}"; \
  Flags: nowait postinstall skipifsilent
"""


# ----------------------------------------------------------------------------- building

LAUNCHER = '''"""PyInstaller entry point: the same as ``python -m massage_timer``."""
import sys

from massage_timer.__main__ import main

sys.exit(main())
'''


def spec_text(onefile: bool) -> str:
    """A PyInstaller spec; the file filter lives in this script (``prune``)."""
    datas = [
        (str(ROOT / "protocols"), "massage_timer/_data/protocols"),
        (str(ROOT / "resources"), "massage_timer/_data/resources"),
    ]
    excludes = [f"PySide6.{m}" for m in EXCLUDED_QT_MODULES] + list(EXCLUDED_PY_MODULES)
    common = dict(
        name=exe_name(),
        debug=False,
        strip=False,  # stripping Qt's libraries saves little and has broken them before
        upx=False,
        console=False,  # windowed: no terminal window on Windows/macOS
        icon=str(icon_file()),
    )
    if sys.platform == "darwin":
        common["argv_emulation"] = False
    lines = [
        "# Generated by build_installer.py: edit that script, not this file.",
        "import sys",
        f"sys.path.insert(0, {str(ROOT)!r})",
        "import build_installer",
        "from PyInstaller.utils.hooks import copy_metadata",
        "",
        "a = Analysis(",
        f"    [{str(WORK / 'launcher.py')!r}],",
        f"    datas={datas!r} + copy_metadata('massage-timer'),",
        f"    excludes={excludes!r},",
        "    noarchive=False,",
        "    optimize=0,",  # keep asserts: behave exactly like the source run
        ")",
        "a.binaries = build_installer.prune(a.binaries)",
        "a.datas = build_installer.prune(a.datas)",
        "pyz = PYZ(a.pure)",
    ]
    if onefile:
        lines.append(f"exe = EXE(pyz, a.scripts, a.binaries, a.datas, [], **{common!r})")
        return "\n".join(lines) + "\n"
    lines += [
        f"exe = EXE(pyz, a.scripts, [], exclude_binaries=True, **{common!r})",
        f"coll = COLLECT(exe, a.binaries, a.datas, strip=False, upx=False, name={exe_name()!r})",
    ]
    if sys.platform == "darwin":  # not verified: no macOS build machine here
        _, version = project_metadata()
        lines.append(
            f"app = BUNDLE(coll, name={APP_NAME + '.app'!r}, icon={str(icon_file())!r}, "
            f"bundle_identifier={BUNDLE_ID!r}, version={version!r}, "
            "info_plist={'NSHighResolutionCapable': True, 'LSApplicationCategoryType': "
            "'public.app-category.healthcare-fitness'})"
        )
    return "\n".join(lines) + "\n"


def run(cmd: Sequence[str | os.PathLike[str]], **kwargs) -> None:  # noqa: ANN003
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=kwargs.pop("cwd", ROOT), **kwargs)


def venv_python(venv: Path = VENV) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def make_venv() -> Path:
    """A fresh venv in build/venv with the app and PyInstaller (``.[build]``) installed."""
    if VENV.exists():
        shutil.rmtree(VENV)
    run([sys.executable, "-m", "venv", VENV])
    python = venv_python()
    run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([python, "-m", "pip", "install", "--quiet", ".[build]"])
    return python


def build(python: Path, onefile: bool) -> Path:
    """Run PyInstaller with ``python``; returns the built app folder."""
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "launcher.py").write_text(LAUNCHER, encoding="utf-8")
    spec = WORK / f"{APP_ID}.spec"
    spec.write_text(spec_text(onefile), encoding="utf-8")
    built = DIST / exe_name()
    for old in {built, app_dir(onefile), DIST / f"{APP_NAME}.app", DIST / FOLDER}:
        if old.is_dir():
            shutil.rmtree(old)
        elif old.exists():
            old.unlink()
    run(
        [
            python,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            DIST,
            "--workpath",
            WORK / "work",
            spec,
        ]
    )
    if onefile:
        # dist/<exe> is one file: give it a folder of its own, like the one-folder build.
        folder = app_dir(onefile)
        folder.mkdir(parents=True)
        suffix = ".exe" if sys.platform == "win32" else ""
        shutil.move(str(DIST / f"{exe_name()}{suffix}"), folder / f"{exe_name()}{suffix}")
    elif sys.platform != "darwin" and built != app_dir():
        built.rename(app_dir())
    if sys.platform == "darwin" and not onefile:
        leftover = DIST / exe_name()  # BUNDLE copies the COLLECT folder into the .app
        if leftover.is_dir():
            shutil.rmtree(leftover)
    return app_dir(onefile)


def package(version: str, onefile: bool) -> Path:
    """The per-OS artifact next to the built app."""
    folder = app_dir(onefile)
    if sys.platform == "win32":
        iss = DIST / f"{FOLDER}.iss"
        iss.write_text(inno_setup_script(version), encoding="utf-8")
        shutil.copy2(icon_file(), folder / "massage-timer.ico")
        print(f"Inno Setup script: {iss} (compile with: iscc {iss})")
        return iss
    if sys.platform == "darwin":
        # Not verified: ditto keeps the symlinks inside Qt's frameworks, which zipfile would not.
        archive = DIST / f"{FOLDER}-{version}-{platform_tag()}.zip"
        archive.unlink(missing_ok=True)
        run(["ditto", "-c", "-k", "--sequesterRsrc", "--keepParent", folder, archive])
        return archive
    (folder / f"{APP_ID}.desktop").write_text(desktop_entry(version), encoding="utf-8")
    shutil.copy2(ROOT / "resources" / "icons" / "massage-timer-256.png", folder / f"{APP_ID}.png")
    (folder / "INSTALL.txt").write_text(install_text(version), encoding="utf-8")
    archive = tarball_path(version)
    archive.unlink(missing_ok=True)
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(folder, arcname=FOLDER, filter=_tar_filter)
    return archive


def tarball_path(version: str) -> Path:
    return DIST / f"{FOLDER}-{version}-{platform_tag()}.tar.gz"


def _tar_filter(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


# ----------------------------------------------------------------------------- smoke test

STDERR_PROBLEMS = (
    "Cannot load library",
    "qt.qpa",
    "Could not load the Qt platform plugin",
    "Could not find the Qt platform plugin",
    "qt.core.plugin",
    "QFactoryLoader",
    "no Qt platform plugin could be initialized",
    "Traceback (most recent call last)",
)
"""Lines on stderr that mean the bundle is missing a library or plugin."""


def stderr_problems(stderr: str) -> list[str]:
    """The lines of ``stderr`` that point at a missing library or plugin."""
    return [line for line in stderr.splitlines() if any(p in line for p in STDERR_PROBLEMS)]


def clean_env(home: Path) -> dict[str, str]:
    """An environment for the frozen app: offscreen, its own home, no Python or Qt overrides.

    Speech: ``SPEECHD_ADDRESS`` names a TCP port where nothing listens, so the speech
    engine reports "not available" at once instead of starting a speech-dispatcher
    daemon in the temporary home (which would outlive the test). The speech plugin
    and its library are still loaded, which is what the smoke test is after.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "QT_", "VIRTUAL_ENV", "XDG_", "MASSAGE_TIMER", "SPEECHD_"))
        and k not in ("LD_LIBRARY_PATH", "HOME", "DISPLAY", "WAYLAND_DISPLAY")
    }
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        USERPROFILE=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_RUNTIME_DIR=str(home / "runtime"),
        SPEECHD_ADDRESS=NO_SPEECH_DISPATCHER,
    )
    (home / "runtime").mkdir(mode=0o700, parents=True, exist_ok=True)
    return env


def folder_size(path: Path) -> int:
    """Bytes of the files under ``path`` (symlinks counted as links, not targets)."""
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
    return total


def _median_start(cmd: list[str], env: dict[str, str], runs: int = STARTUP_RUNS) -> float:
    times = []
    for i in range(runs + 1):  # the first run warms the file cache and is not counted
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=SMOKE_TIMEOUT)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"{cmd[0]} --exit-after-startup failed ({proc.returncode}):\n{proc.stderr}")
        if i:
            times.append(elapsed)
    return statistics.median(times)


def smoke(version: str, onefile: bool, source_python: Path | None) -> int:
    """Run the built app's self-test; print size and start-up times. Returns the exit code."""
    exe = executable(onefile)
    if not exe.exists():
        print(f"smoke: no build at {exe}; run build_installer.py first", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="massage-timer-smoke-") as tmp:
        env = clean_env(Path(tmp))
        cmd = [str(exe), "--data-dir", str(Path(tmp) / "data"), "--self-test"]
        print("+", " ".join(cmd), flush=True)
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=SMOKE_TIMEOUT)
        except subprocess.TimeoutExpired:
            print(
                f"smoke: FAIL: the self-test did not finish within {SMOKE_TIMEOUT} s",
                file=sys.stderr,
            )
            return 1
        print(proc.stdout, end="")
        if proc.stderr.strip():
            print("--- stderr ---\n" + proc.stderr, end="" if proc.stderr.endswith("\n") else "\n")
        problems = stderr_problems(proc.stderr)
        if proc.returncode != 0 or problems:
            print(f"smoke: FAIL: exit code {proc.returncode}", file=sys.stderr)
            for line in problems:
                print(f"smoke: FAIL: {line}", file=sys.stderr)
            return 1
        print("smoke: ok: the self-test passed with no plugin errors")

        folder = app_dir(onefile)
        print(f"size: {folder.name} unpacked {folder_size(folder) / 1e6:.1f} MB")
        archive = tarball_path(version)
        if sys.platform.startswith("linux") and archive.exists():
            print(f"size: {archive.name} {archive.stat().st_size / 1e6:.1f} MB")
        frozen = _median_start([str(exe), "--data-dir", str(Path(tmp) / "data"), "--exit-after-startup"], env)
        line = f"start-up (median of {STARTUP_RUNS}, offscreen): frozen {frozen:.2f} s"
        if source_python is not None:
            source = _median_start(
                [
                    str(source_python),
                    "-m",
                    "massage_timer",
                    "--data-dir",
                    str(Path(tmp) / "data"),
                    "--exit-after-startup",
                ],
                env,
            )
            line += f", source {source:.2f} s ({source_python})"
        print(line)
    return 0


# ----------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="only smoke-test the existing build")
    parser.add_argument(
        "--onefile",
        action="store_true",
        help="one executable file instead of a folder (starts slower)",
    )
    parser.add_argument(
        "--skip-venv",
        action="store_true",
        help="build with this interpreter instead of a clean venv in build/venv",
    )
    parser.add_argument("--no-smoke", action="store_true", help="build and package only")
    args = parser.parse_args(argv)
    if args.onefile and sys.platform == "darwin":
        parser.error("--onefile is not supported on macOS: a .app bundle is always a folder")
    name, version = project_metadata()
    if args.skip_venv:
        python = Path(sys.executable)
    elif args.smoke:
        python = venv_python() if venv_python().exists() else Path(sys.executable)
    else:
        python = None
    started = time.perf_counter()
    if not args.smoke:
        print(
            f"Building {name} {version} for {platform_tag()} ({'one file' if args.onefile else 'one folder'})",
            flush=True,
        )
        if python is None:
            python = make_venv()
        build(python, args.onefile)
        artifact = package(version, args.onefile)
        print(f"built: {artifact} ({time.perf_counter() - started:.0f} s)")
        if args.no_smoke:
            return 0
    return smoke(version, args.onefile, python)


if __name__ == "__main__":
    sys.exit(main())
