"""Run every benchmark and print one Markdown table (also written to out/results.md).

    python tests/benchmarks/run_all.py [--quick]

``--quick`` runs fewer and shorter rounds (a smoke test of the benchmarks;
the figures are then rougher). The timer and idle benchmarks run in their
own processes so that nothing else the run did (pyqtgraph, caches) is in
them.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import HERE, OUT, PYTHON, Row, offscreen_env, table

MODULES = (
    "bench_startup",
    "bench_timer",
    "bench_idle",
    "bench_sessions",
    "bench_history",
    "bench_clients",
    "bench_import",
    "bench_frozen",
)


def _run_module(name: str, quick: bool) -> list[Row]:
    """One module in a fresh process; its rows come back as JSON."""
    code = (
        "import json, sys, dataclasses; sys.path.insert(0, sys.argv[1]);"
        f"import {name} as m; rows = m.run({quick!r});"
        "print('@@ROWS@@' + json.dumps([dataclasses.asdict(r) for r in rows]))"
    )
    proc = subprocess.run([PYTHON, "-c", code, str(HERE)], env=offscreen_env(), capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("@@ROWS@@"):
            return [Row(**d) for d in json.loads(line[len("@@ROWS@@") :])]
    tail = (proc.stderr or proc.stdout)[-1500:]
    return [Row(name, "failed", "", "", "", False, [f"exit {proc.returncode}: {tail}"])]


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    rows: list[Row] = []
    for name in MODULES:
        start = time.perf_counter()
        print(f"running {name}...", file=sys.stderr, flush=True)
        rows.extend(_run_module(name, quick))
        print(f"  {name}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    cpu = platform.processor() or platform.machine()
    head = (
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.system()} {cpu}, "
        f"Python {platform.python_version()}, {'quick' if quick else 'full'} run."
    )
    notes = [f"- {r.figure}: {n}" for r in rows for n in r.notes]
    text = "\n".join([head, "", table(rows), "", *notes, ""])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.md").write_text(text, encoding="utf-8")
    (OUT / "results.json").write_text(json.dumps([asdict(r) for r in rows], indent=2), encoding="utf-8")
    print(text)
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
