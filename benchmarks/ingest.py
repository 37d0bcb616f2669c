"""Ingest: a cold ingest of the raw folder against a bare read of the same files, and an unchanged re-ingest.

The bare read is what any script must do to get at the numbers: pandas reading the sheets the readers read (found
by watching :meth:`rankings.rawfile.RawFile.sheet` during one ingest) with the calamine engine, and the CSV files
with ``pandas.read_csv``, imports included. Both are whole processes, run in turn in the same loop so that a busy
machine slows both alike; the guard is their ratio (at most 2.5x).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from benchmarks.harness import repeat_process, run_process, summary


def touched_sheets(raw: Path, store: Path) -> tuple[dict[str, list[str | None]], dict[str, int]]:
    """Ingest ``raw`` into ``store`` here, noting every sheet a reader reads (``None`` for a CSV file); and the
    files' statuses."""
    from rankings import ingest, rawfile

    touched: dict[str, list[str | None]] = {}
    original = rawfile.RawFile.sheet

    def sheet(self: rawfile.RawFile, name: str | None) -> rawfile.Sheet:
        names = touched.setdefault(str(self.path), [])
        if name not in names:
            names.append(name)
        return original(self, name)

    rawfile.RawFile.sheet = sheet  # type: ignore[method-assign]
    try:
        report = ingest.ingest(raw, store)
    finally:
        rawfile.RawFile.sheet = original  # type: ignore[method-assign]
    statuses: dict[str, int] = {}
    for r in report.results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    return touched, statuses


def bare_read_script(touched: dict[str, list[str | None]]) -> str:
    """A script that only reads the touched sheets and CSV files with pandas (calamine for workbooks)."""
    spec = json.dumps(dict(sorted(touched.items())))
    return (
        "import json\nimport pandas as pd\n"
        f"spec = json.loads({spec!r})\n"
        "for path, sheets in spec.items():\n"
        "    if sheets == [None]:\n"
        "        pd.read_csv(path, header=None, dtype=str, encoding_errors='replace')\n"
        "    else:\n"
        "        pd.read_excel(path, sheet_name=sheets, header=None, engine='calamine')\n"
    )


def bench_ingest(raw: Path, work: Path, repeat: int) -> dict[str, Any]:
    touched, statuses = touched_sheets(raw, work / "ingest-probe")
    store = work / "ingest-cold"
    ingest_cmd = [sys.executable, "-m", "rankings", "ingest", "--raw", str(raw), "--quiet", "--processed", str(store)]
    bare_cmd = [sys.executable, "-c", bare_read_script(touched)]
    cold, bare = [], []
    for _ in range(repeat):  # interleaved: cold ingest, then the bare read, then again
        shutil.rmtree(store, ignore_errors=True)
        cold.append(run_process(ingest_cmd))
        bare.append(run_process(bare_cmd))
    failed = [r for r in cold + bare if r.returncode != 0]
    if failed:
        raise RuntimeError(f"the ingest benchmark's process failed: {failed[0].stderr[-2000:]}")
    unchanged = repeat_process(ingest_cmd, repeat)
    cold_s, bare_s = summary([r.wall_s for r in cold]), summary([r.wall_s for r in bare])
    workbooks = {p: s for p, s in touched.items() if s != [None]}
    return {
        "files": sum(statuses.values()),
        "statuses": statuses,
        "sheets_read": {Path(p).name: s for p, s in sorted(workbooks.items())},
        "csv_files_read": len(touched) - len(workbooks),
        "cold_s": cold_s,
        "cold_peak_mb": max(r.peak_mb for r in cold),
        "bare_read_s": bare_s,
        "unchanged_s": unchanged["wall_s"],
        "ratio_cold_to_bare": cold_s["median"] / bare_s["median"],
    }
