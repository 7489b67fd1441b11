"""The frozen app (build_installer.py): bundle size and start-up vs. the source run.

Uses ``dist/MassageTimer/`` if present, else unpacks the newest
``dist/MassageTimer-*-linux-*.tar.gz`` into ``out/frozen/``.
"""

from __future__ import annotations

import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import OUT, ROOT, Row, fmt_ratio, main_for, median, mib, ms, offscreen_env

DIST = ROOT / "dist"
EXE_NAMES = ("massage-timer", "MassageTimer")


def _exe(folder: Path) -> Path | None:
    return next((folder / n for n in EXE_NAMES if (folder / n).is_file()), None)


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def find_bundle() -> tuple[Path | None, Path | None]:
    """(the folder with the executable, the tarball it came from)."""
    tarballs = sorted(DIST.glob("MassageTimer-*-linux-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    tarball = tarballs[-1] if tarballs else None
    folder = DIST / "MassageTimer"
    if _exe(folder) is not None:
        return folder, tarball
    if tarball is None:
        return None, None
    target = OUT / "frozen"
    stamp = target / ".from"
    key = f"{tarball.name} {tarball.stat().st_mtime_ns}"
    if not stamp.exists() or stamp.read_text() != key:
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        with tarfile.open(tarball) as tar:
            tar.extractall(target, filter="data")
        stamp.write_text(key)
    found = [p.parent for n in EXE_NAMES for p in target.rglob(n) if p.is_file()]
    return (found[0] if found else None), tarball


def run(quick: bool = False) -> list[Row]:
    from bench_startup import app_command, compile_package, measure_alternating

    folder, tarball = find_bundle()
    if folder is None:
        return [Row("Frozen app", "not built", "", "", "", None)]
    rows = []
    if tarball is not None:
        rows.append(Row("Frozen app: download (tar.gz)", mib(tarball.stat().st_size), "", "", "", None))
    rows.append(Row("Frozen app: installed folder", mib(_size(folder)), "", "", "", None))
    runs = 3 if quick else 7
    compile_package()
    with tempfile.TemporaryDirectory(prefix="mt-bench-frozen-") as tmp:
        frozen = [str(_exe(folder)), *app_command(str(Path(tmp) / "data"))[3:]]
        source = app_command(str(Path(tmp) / "data"))
        try:
            f_runs, s_runs = measure_alternating([frozen, source], runs, offscreen_env())
        except RuntimeError as exc:
            rows.append(Row("Frozen app: start-up", "failed", "", "", "", False, [str(exc)[-300:]]))
            return rows
    f_t, s_t = median(r.wall for r in f_runs), median(r.wall for r in s_runs)
    f_m, s_m = median(r.rss for r in f_runs), median(r.rss for r in s_runs)
    rows.append(
        Row(
            f"Frozen app: launch to first frame and quit (median of {runs})",
            ms(f_t),
            f"{ms(s_t)} (source)",
            fmt_ratio(f_t / s_t),
            "",
            None,
        )
    )
    rows.append(
        Row(
            "Frozen app: start-up peak RSS",
            mib(f_m),
            f"{mib(s_m)} (source)",
            fmt_ratio(f_m / s_m),
            "",
            None,
        )
    )
    return rows


if __name__ == "__main__":
    main_for(run)
