"""``python -m rankings bench``: how fast the tool is at today's size and at ten and a hundred times it.

Every figure is a median (and, where it matters, a 95th percentile) over repeated runs, side by side with the
baseline it is judged against:

1. **Ingest** of the raw folder (``../shared/realdata`` when present, else the demo files), cold and unchanged, as
   whole processes (``python -m rankings ingest``), against whole processes that only read the same sheets
   (the sheets the readers touch, found by instrumenting :meth:`rankings.rawfile.RawFile.sheet`) with
   ``pandas.read_excel(engine="openpyxl")`` / ``pandas.read_csv`` and with the fastest reader (python-calamine
   for workbooks; for CSV files the app's own reader, :func:`rankings.rawfile._read_csv`, calamine reads no CSV),
   and against a process that only imports the libraries the ingest imports. An audit hook counts the raw files
   an unchanged re-ingest opens.
2. **Queries** behind each page: the calls a page makes to :mod:`rankings.queries` (recorded while the page runs),
   replayed on DuckDB over the Parquet store (p50, p95), against the same answers computed with pandas, from the
   raw files (read with the readers, the only way to tidy the publishers' layouts) and from the tidy table in
   memory; the row counts and value sums of both answers are compared.
3. **Page reruns** in Streamlit's AppTest (``dashboard.py`` with ``switch_page``), a rerun with nothing changed
   after a warm-up, against a rerun of a one-line app (the floor).
4. **Scale**: synthetic stores of 1x, 10x and 100x the real store (more editions, indicators and countries,
   generated with pyarrow from the real observations and written through :class:`rankings.store.Store`), with
   time and peak memory (RSS) of queries and page reruns per store; and the ingest of a raw folder that holds
   the real files plus ranking-template CSV files with (scale - 1) times their observations under other source ids
   (the publishers' own layouts cannot be grown without inventing files in their formats; more rankings in the
   template layout is how the raw folder grows in practice).
5. **Browser** (when Chromium is present): opening the overview page of a warm server until every chart is drawn,
   the cold first visit of a fresh server, and the peak RSS of a real ``streamlit run`` after every page was
   opened on the largest store.

Results go to ``bench-results/bench-<timestamp>.json`` and ``.md`` (``--out``). Internal workers run as
``python -m rankings.bench --worker <kind> <spec.json> <result.json>`` so that each store and each kind of
measurement gets a fresh process (peak memory is per process).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
DASHBOARD = ROOT / "dashboard.py"
CHROMIUM = os.environ.get("RANKINGS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
FLOOR_APP = "import streamlit as st\n\nst.write('floor')\n"
CHARTS_DRAWN_JS = """
(expected) => {
  const charts = document.querySelectorAll("[data-testid='stPlotlyChart']");
  if (charts.length === 0 || charts.length < expected) return false;
  if (document.querySelector("[data-testid^='stStatusWidgetRunning']")) return false;
  for (const chart of charts) { if (!chart.querySelector('.main-svg')) return false; }
  return true;
}
"""


# --------------------------------------------------------------------------------------------------------------
# Targets


@dataclass(frozen=True)
class Target:
    id: str
    what: str
    limit: float
    unit: str  # "x" for ratios, "ms", "s", "MB", "files"


TARGETS: list[Target] = [
    Target("ingest_cold", "cold full ingest / fastest reader reading the same sheets (whole processes)", 1.5, "x"),
    Target("ingest_unchanged", "unchanged re-ingest / process importing the same libraries", 1.5, "x"),
    Target("ingest_unchanged_files", "raw files an unchanged re-ingest opens", 0, "files"),
    Target("queries_1x", "p95 of each page's queries, real size", 50, "ms"),
    Target("queries_100x", "p95 of each page's queries, 100x", 250, "ms"),
    Target("pages_1x", "page rerun (median), every page, real size", 150, "ms"),
    Target("pages_100x", "page rerun (median), every page, 100x", 500, "ms"),
    Target("memory_100x", "peak memory of the app at 100x", 500, "MB"),
    Target("browser", "overview charts drawn after opening the page (warm server, median)", 2000, "ms"),
]


# --------------------------------------------------------------------------------------------------------------
# Small helpers


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0-100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: Sequence[float]) -> dict[str, float]:
    """Median, p95, min and max of a sample, and its size."""
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p95": percentile(values, 95),
        "min": min(values),
        "max": max(values),
    }


@dataclass
class ProcessRun:
    wall_s: float
    cpu_s: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


# Measured processes are started by a small launcher process: a child forked from this (large) process would
# count this process's memory in its peak RSS (Linux keeps the high-water mark across exec).
_LAUNCHER = """
import json, os, subprocess, sys, time
cmd, result = json.loads(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
proc = subprocess.Popen(cmd)
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - start
proc.returncode = os.waitstatus_to_exitcode(status)
with open(result, "w") as fh:
    json.dump({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss, "rc": proc.returncode}, fh)
"""


def run_process(cmd: Sequence[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> ProcessRun:
    """Run a whole process; wall time, CPU time (user + system) and peak RSS of that process alone."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        launcher = [sys.executable, "-c", _LAUNCHER, json.dumps(list(cmd)), str(result)]
        subprocess.run(launcher, stdout=out, stderr=err, cwd=cwd, env={**os.environ, **(env or {})}, check=False)
        out.seek(0)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        if not result.exists():
            raise RuntimeError(f"could not run {' '.join(cmd)[:200]}: {stderr[-1000:]}")
        measured = json.loads(result.read_text())
        return ProcessRun(
            wall_s=measured["wall"],
            cpu_s=measured["cpu"],
            peak_mb=measured["rss"] / 1024,
            returncode=measured["rc"],
            stdout=out.read().decode(errors="replace"),
            stderr=stderr,
        )


def repeat_process(cmd: Sequence[str], repeat: int, before: Callable[[int], None] | None = None) -> dict[str, Any]:
    """``cmd`` run ``repeat`` times (``before(i)`` ahead of each run, untimed): wall, CPU and peak-memory figures."""
    runs: list[ProcessRun] = []
    for i in range(repeat):
        if before:
            before(i)
        runs.append(run_process(cmd))
    failed = [r for r in runs if r.returncode != 0]
    return {
        "wall_s": summary([r.wall_s for r in runs]),
        "cpu_s": summary([r.cpu_s for r in runs]),
        "peak_mb": max(r.peak_mb for r in runs),
        "returncode": runs[-1].returncode,
        "error": (failed[0].stderr.strip().splitlines() or [""])[-1][:300] if failed else "",
    }


def python_code(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def machine() -> dict[str, Any]:
    """What the figures were measured on (the load average says how busy the machine was)."""
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        memory = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    commit = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": round(memory, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else [],
        "commit": commit,
    }


# --------------------------------------------------------------------------------------------------------------
# 1. Ingest


def touched_sheets(raw: Path, store: Path) -> tuple[dict[str, list[str | None]], dict[str, Any]]:
    """Ingest ``raw`` into ``store`` in this process, noting every sheet a reader reads (``None`` for a CSV file).

    Also returns the ingest's result counts and the functions that took the most time (a profile of the run).
    """
    import cProfile
    import pstats

    from rankings import ingest, rawfile

    touched: dict[str, list[str | None]] = {}
    original = rawfile.RawFile.sheet

    def sheet(self: rawfile.RawFile, name: str | None) -> rawfile.Sheet:
        names = touched.setdefault(str(self.path), [])
        if name not in names:
            names.append(name)
        return original(self, name)

    rawfile.RawFile.sheet = sheet  # type: ignore[method-assign]
    profiler = cProfile.Profile()
    try:
        start = time.perf_counter()
        profiler.enable()
        report = ingest.ingest(raw, store)
        profiler.disable()
        seconds = time.perf_counter() - start
    finally:
        rawfile.RawFile.sheet = original  # type: ignore[method-assign]
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, name), (_, _, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append({"function": f"{Path(filename).name}:{line}({name})", "own_s": tottime, "cumulative_s": cumtime})
    top_own = sorted(rows, key=lambda r: -r["own_s"])[:15]
    statuses: dict[str, int] = {}
    for r in report.results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    info = {
        "in_process_s": seconds,
        "statuses": statuses,
        "observations": sum(r.rows for r in report.results if r.status == "stored"),
        "profile_top_own_time": top_own,
    }
    return touched, info


def _reader_script(touched: dict[str, list[str | None]], kind: str) -> str:
    """A script that only reads the touched sheets: ``kind`` "pandas" (openpyxl, read_csv) or "fastest"."""
    spec = json.dumps({path: sheets for path, sheets in sorted(touched.items())})
    if kind == "pandas":
        return (
            "import json\nimport pandas as pd\n"
            f"spec = json.loads({spec!r})\n"
            "for path, sheets in spec.items():\n"
            "    if sheets == [None]:\n"
            "        pd.read_csv(path, header=None, dtype=str, encoding_errors='replace')\n"
            "    else:\n"
            "        pd.read_excel(path, sheet_name=sheets, header=None, engine='openpyxl')\n"
        )
    return (
        "import json\nfrom pathlib import Path\nfrom python_calamine import CalamineWorkbook\n"
        "from rankings.rawfile import RawFile, _read_csv\n"
        f"spec = json.loads({spec!r})\n"
        "for path, sheets in spec.items():\n"
        "    if sheets == [None]:\n"
        "        _read_csv(RawFile(Path(path), path))\n"
        "    else:\n"
        "        book = CalamineWorkbook.from_path(path)\n"
        "        for name in sheets:\n"
        "            book.get_sheet_by_name(name).to_python(skip_empty_area=False)\n"
    )


def _imported_libraries(raw: Path, store: Path) -> list[str]:
    """Third-party top-level packages a full ingest (``python -m rankings ingest``) imports."""
    code = (
        "import json, sys\nfrom rankings.cli import main\n"
        f"main(['ingest', '--raw', {str(raw)!r}, '--processed', {str(store)!r}, '--quiet', '--force'])\n"
        "names = set()\n"
        "for name, mod in list(sys.modules.items()):\n"
        "    top = name.split('.')[0]\n"
        "    where = getattr(mod, '__file__', None) or ''\n"
        "    if top not in sys.stdlib_module_names and top != 'rankings' and 'site-packages' in where:\n"
        "        names.add(top)\n"
        "sys.stderr.write('LIBS=' + json.dumps(sorted(names)) + '\\n')\n"
    )
    run = run_process(python_code(code))
    for line in run.stderr.splitlines():
        if line.startswith("LIBS="):
            return [n for n in json.loads(line[5:]) if not n.startswith("_")]
    raise RuntimeError(f"could not list the ingest's libraries: {run.stderr[-500:]}")


def _opened_files(raw: Path, store: Path) -> list[str]:
    """Raw files an ingest of an unchanged folder opens (an audit hook sees every open() of the process)."""
    code = (
        "import json, sys\n"
        f"raw = {str(raw.resolve())!r}\n"
        "opened = set()\n"
        "def hook(event, args):\n"
        "    if event == 'open' and isinstance(args[0], str) and args[0].startswith(raw):\n"
        "        opened.add(args[0])\n"
        "    elif event == 'open' and hasattr(args[0], '__fspath__') and str(args[0]).startswith(raw):\n"
        "        opened.add(str(args[0]))\n"
        "sys.addaudithook(hook)\n"
        "from rankings.cli import main\n"
        f"main(['ingest', '--raw', raw, '--processed', {str(store)!r}, '--quiet'])\n"
        "sys.stderr.write('OPENED=' + json.dumps(sorted(opened)) + '\\n')\n"
    )
    run = run_process(python_code(code))
    for line in run.stderr.splitlines():
        if line.startswith("OPENED="):
            return json.loads(line[7:])
    raise RuntimeError(f"could not count the files an unchanged ingest opens: {run.stderr[-500:]}")


def bench_ingest(raw: Path, work: Path, repeat: int) -> dict[str, Any]:
    probe = work / "ingest-probe"
    touched, info = touched_sheets(raw, probe)
    ingest_cmd = [sys.executable, "-m", "rankings", "ingest", "--raw", str(raw), "--quiet", "--processed"]
    stores = work / "ingest-cold"

    def fresh(i: int) -> None:
        shutil.rmtree(stores, ignore_errors=True)

    cold = repeat_process([*ingest_cmd, str(stores)], repeat, before=fresh)
    unchanged = repeat_process([*ingest_cmd, str(stores)], repeat)
    libraries = _imported_libraries(raw, probe)
    imports = f"import importlib\nfor name in {libraries!r}:\n    try:\n        importlib.import_module(name)\n"
    imports += "    except Exception:\n        pass\n"
    floor = repeat_process(python_code(imports), repeat)
    bare = repeat_process(python_code("pass"), repeat)
    pandas_read = repeat_process(python_code(_reader_script(touched, "pandas")), repeat)
    fastest_read = repeat_process(python_code(_reader_script(touched, "fastest")), repeat)
    opened = _opened_files(raw, stores)
    workbooks = {p: s for p, s in touched.items() if s != [None]}
    return {
        "raw": str(raw),
        "files": sum(info["statuses"].values()),
        "observations": info["observations"],
        "statuses": info["statuses"],
        "sheets_read": {Path(p).relative_to(raw.resolve()).as_posix(): s for p, s in sorted(workbooks.items())},
        "csv_files_read": len(touched) - len(workbooks),
        "cold": cold,
        "unchanged": unchanged,
        "import_floor": floor,
        "import_floor_libraries": libraries,
        "python_bare": bare,
        "read_pandas_openpyxl": pandas_read,
        "read_fastest": fastest_read,
        "unchanged_files_opened": opened,
        "profile_top_own_time": info["profile_top_own_time"],
        "ratio_cold_to_fastest": cold["wall_s"]["median"] / fastest_read["wall_s"]["median"],
        "ratio_cold_to_pandas": cold["wall_s"]["median"] / pandas_read["wall_s"]["median"],
        "ratio_unchanged_to_floor": unchanged["wall_s"]["median"] / floor["wall_s"]["median"],
        "ratio_cold_to_fastest_cpu": cold["cpu_s"]["median"] / fastest_read["cpu_s"]["median"],
        "ratio_unchanged_to_floor_cpu": unchanged["cpu_s"]["median"] / floor["cpu_s"]["median"],
    }


# --------------------------------------------------------------------------------------------------------------
# Synthetic stores and raw folders


def scale_axes(factor: float) -> tuple[int, int, float]:
    """How a store grows ``factor`` times: (edition copies, indicator copies, country copies, maybe fractional)."""
    if factor <= 1:
        return 1, 1, 1.0
    editions = max(1, round(factor ** (1 / 3)))
    indicators = max(1, round(math.sqrt(factor / editions)))
    return editions, indicators, factor / (editions * indicators)


def _remap(column: Any, fn: Callable[[str], str]) -> Any:
    """A string column with ``fn`` applied to each distinct value (nulls stay null), without a loop over rows."""
    import pyarrow as pa

    encoded = column.combine_chunks().dictionary_encode() if hasattr(column, "combine_chunks") else column
    encoded = encoded if isinstance(encoded, pa.DictionaryArray) else encoded.dictionary_encode()
    values = pa.array([fn(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return pa.DictionaryArray.from_arrays(encoded.indices, values).cast(pa.string())


_YEAR = re.compile(r"\d{4}")


def _shift_years(text: str, years: int) -> str:
    return _YEAR.sub(lambda m: str(int(m.group()) + years), text)


def _replace(table: Any, name: str, column: Any) -> Any:
    """``table`` with column ``name`` replaced (same field: name, type and nullability)."""
    index = table.schema.get_field_index(name)
    return table.set_column(index, table.schema.field(index), column)


def _grow(table: Any, indicator_copies: int, country_copies: float, country_order: list[str]) -> Any:
    """``table`` with its indicators copied (``<id>_x<i>``) and its countries copied (``<ISO3><c>``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    full = math.floor(country_copies)
    partial = country_copies - full
    pieces = []
    for c in range(math.ceil(country_copies - 1e-9)):
        if c == 0:
            sub = table
        else:
            if c >= full and partial > 0:
                keep = pa.array(country_order[: round(partial * len(country_order))], pa.string())
                sub = table.filter(pc.is_in(table["iso3"], value_set=keep))
            else:
                sub = table
            sub = _replace(sub, "iso3", _remap(sub["iso3"], lambda v, c=c: f"{v}{c}"))
            sub = _replace(sub, "entity", _remap(sub["entity"], lambda v, c=c: f"{v} ({c + 1})"))
        for i in range(indicator_copies):
            if i == 0:
                pieces.append(sub)
                continue

            def rename(v: str, i: int = i) -> str:
                base, sep, series = v.partition("__")
                return f"{base}_x{i}{sep}{series}"

            pieces.append(_replace(sub, "indicator", _remap(sub["indicator"], rename)))
    return pa.concat_tables(pieces)


def synthetic_store(base: Path, dest: Path, factor: float) -> dict[str, Any]:
    """A store ``factor`` times the size of ``base``: more editions, indicators and countries, same layout.

    Generated from the real observations with pyarrow (editions shifted by a hundred years per copy, indicator
    ids suffixed ``_x<i>``, countries ``<ISO3><c>``) and written through :class:`rankings.store.Store`: one
    synthetic raw file per real file and edition copy, its parts, and the manifest.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from rankings import model
    from rankings.store import FileEntry, Manifest, Store

    start = time.perf_counter()
    editions, indicators, country_copies = scale_axes(factor)
    source = Store(base)
    manifest = source.load_manifest()
    shutil.rmtree(dest, ignore_errors=True)
    out_store, out = Store(dest), Manifest()
    tables = {
        rel: pa.concat_tables([pq.read_table(base / p, schema=model.SCHEMA) for p in entry.parts])
        for rel, entry in sorted(manifest.files.items())
        if entry.status in {"stored", "failed"} and entry.parts
    }
    countries = sorted({c for t in tables.values() for c in t["iso3"].drop_null().unique().to_pylist()})
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    dtypes = {
        pa.string(): pd.StringDtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int8(): pd.Int8Dtype(),
        pa.float64(): pd.Float64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }
    rows = 0
    for rel, table in tables.items():
        entry = manifest.files[rel]
        grown = _grow(table, indicators, country_copies, countries)
        for j in range(editions):
            path = rel if j == 0 else f"synthetic/e{j}/{rel}"
            sha = hashlib.sha256(f"{path}:{factor}".encode()).hexdigest()
            t = grown
            if j:
                t = _replace(t, "edition", pc.add(t["edition"], pa.scalar(100 * j, pa.int32())))
                t = _replace(
                    t, "reference_period", _remap(t["reference_period"], lambda v, j=j: _shift_years(v, 100 * j))
                )
            t = _replace(t, "source_file", pa.repeat(pa.scalar(path, pa.string()), len(t)))
            t = _replace(t, "file_sha256", pa.repeat(pa.scalar(sha, pa.string()), len(t)))
            frame = t.to_pandas(types_mapper=dtypes.get)
            parts = out_store.write_parts(frame)
            rows += len(t)
            out.files[path] = FileEntry(
                path=path,
                sha256=sha,
                size=entry.size,
                status="stored",
                message="synthetic (benchmark)",
                source=entry.source,
                layout=entry.layout,
                editions=sorted(int(e) for e in pc.unique(t["edition"]).to_pylist()),
                reference_periods=sorted(pc.unique(t["reference_period"]).to_pylist()),
                rows=len(t),
                ingested_at=now,
                is_demo=entry.is_demo,
                parts=parts,
                stored_sha256=sha,
                stored_at=now,
                fingerprint="synthetic",
            )
    out_store.save_manifest(out)
    return {
        "factor": factor,
        "edition_copies": editions,
        "indicator_copies": indicators,
        "country_copies": round(country_copies, 3),
        "rows": rows,
        "files": len(out.files),
        "parts": len(out.live_parts()),
        "store_mb": folder_mb(dest),
        "generated_s": time.perf_counter() - start,
    }


def _template_id(indicator: str) -> str:
    """An indicator id the ranking template accepts (lower case, at most 60 characters, still unique)."""
    text = indicator.lower()
    return text if len(text) <= 60 else f"{text[:51]}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"


def synthetic_raw(raw: Path, base_store: Path, dest: Path, factor: float) -> dict[str, Any]:
    """A raw folder ``factor`` times the real one: the real files, plus (factor - 1) times their observations as
    ranking-template CSV files under source ids ``s<j>_<source>`` (one file per copy and real file)."""
    import pandas as pd

    from rankings.store import Store

    start = time.perf_counter()
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for path in raw.rglob("*"):
        if path.is_file():
            target = dest / "real" / path.relative_to(raw)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    store = Store(base_store)
    manifest = store.load_manifest()
    copies = max(0, round(factor) - 1)
    rows = 0
    files = 0
    for rel, entry in sorted(manifest.files.items()):
        if entry.status != "stored" or not entry.parts:
            continue
        obs = store.read_parts(entry.parts)
        obs = obs[~obs["is_aggregate"]]
        template = pd.DataFrame(
            {
                "edition": obs["edition"].astype(int),
                "reference_period": obs["reference_period"],
                "country": obs["iso3"],
                "indicator": obs["indicator"].map(_template_id),
                "value": obs["value"].astype("float64"),
                "rank": obs["rank"],
                "unit": "score",
                "higher_is_better": "true",
            }
        )
        for j in range(1, copies + 1):
            for source, part in template.groupby(obs["source"]):
                frame = part.copy()
                frame.insert(0, "source", f"s{j}_{source}")
                frame["citation"] = f"Synthetic copy {j} of {rel} (benchmark)"
                target = dest / "synthetic" / f"copy{j:03d}" / f"{Path(rel).stem}-{source}.csv"
                target.parent.mkdir(parents=True, exist_ok=True)
                frame.to_csv(target, index=False)
                rows += len(frame)
                files += 1
    return {
        "factor": factor,
        "template_files": files,
        "template_rows": rows,
        "raw_mb": folder_mb(dest),
        "generated_s": time.perf_counter() - start,
    }


# --------------------------------------------------------------------------------------------------------------
# Workers (run in their own process)


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _replayable(args: list[Any]) -> tuple[Any, ...]:
    return tuple(tuple(a) if isinstance(a, list) else a for a in args)


def _call(fn: Callable[..., Any], call: list[Any], **extra: Any) -> Any:
    """Replay a recorded call ``[name, args, keyword arguments]`` on ``fn``."""
    options = {k: tuple(v) if isinstance(v, list) else v for k, v in (call[2] if len(call) > 2 else {}).items()}
    return fn(*_replayable(call[1]), **options, **extra)


def dashboard_pages() -> list[str]:
    """Every page file dashboard.py registers, in its order."""
    return list(dict.fromkeys(re.findall(r'"(pages/[a-z_]+\.py)"', DASHBOARD.read_text(encoding="utf-8"))))


def _rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    current = peak = 0.0
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return current, peak


def worker_pages(spec: dict[str, Any]) -> dict[str, Any]:
    """Rerun every page in AppTest: first visit, warm reruns, the queries each page makes; and the floor app."""
    os.environ["RANKINGS_PROCESSED"] = spec["store"]
    if spec.get("surveys"):
        os.environ["RANKINGS_SURVEYS"] = spec["surveys"]
    os.chdir(ROOT)
    start = time.perf_counter()
    import streamlit.testing.v1.app_test as app_test
    import streamlit.testing.v1.local_script_runner as local_script_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import AppTest

    from rankings import queries, ui

    imported_s = time.perf_counter() - start
    # A server compiles each page script once and keeps the bytecode; AppTest compiles them anew on every run
    # (20-50 ms a rerun here). Share one cache, as `streamlit run` does, so a rerun costs what it costs there.
    shared_cache = ScriptCache()
    local_script_runner.ScriptCache = lambda: shared_cache  # type: ignore[assignment,misc]
    app_test.ScriptCache = lambda: shared_cache  # type: ignore[assignment,misc]
    recording: list[list[Any]] | None = None

    def wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            if recording is not None:
                options = {k: _jsonable(v) for k, v in kwargs.items() if k != "processed"}
                recording.append([name, _jsonable(list(args)), options])
            return fn(*args, **kwargs)

        return recorded

    for name, fn in list(vars(queries).items()):
        if callable(fn) and getattr(fn, "__module__", None) == queries.__name__ and not name.startswith("_"):
            setattr(queries, name, wrap(name, fn))

    samples = int(spec["samples"])
    results: dict[str, Any] = {}
    first_app_run_s = None
    for page in spec["pages"]:
        at = AppTest.from_file(str(DASHBOARD), default_timeout=300)
        t0 = time.perf_counter()
        at.run()
        if first_app_run_s is None:
            first_app_run_s = time.perf_counter() - t0
        ui.forget_cached_data()
        at.switch_page(page)
        recording = []
        t0 = time.perf_counter()
        at.run()
        first_visit = time.perf_counter() - t0
        calls, recording = recording, None
        at.run()  # warm-up
        times = []
        for _ in range(samples):
            t0 = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - t0) * 1000)
        results[page] = {
            "first_visit_ms": first_visit * 1000,
            "rerun_ms": summary(times),
            "samples_ms": times,
            "charts": len(at.get("plotly_chart")),
            "exception": [str(e.message)[:300] for e in at.exception],
            "queries": calls,
        }
    floor = AppTest.from_string(FLOOR_APP, default_timeout=60)
    floor.run()
    floor.run()
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        floor.run()
        times.append((time.perf_counter() - t0) * 1000)
    current, peak = _rss_mb()
    return {
        "imports_s": imported_s,
        "first_app_run_s": first_app_run_s,
        "pages": results,
        "floor_ms": summary(times),
        "rss_mb": current,
        "peak_rss_mb": peak,
    }


def _pandas_answers(obs: Any, manifest: Any, indicators: Any, sources: Any) -> dict[str, Callable[..., Any]]:
    """The questions of :mod:`rankings.queries`, answered with pandas from a tidy table in memory (no store)."""
    import pandas as pd

    titles = indicators[["source", "indicator", "title", "short", "parent", "composite", "higher_is_better"]]

    def headline() -> pd.DataFrame:
        widest = set(sources.loc[sources["headline_reference_period"] == "widest", "source"])
        keys = ["source", "edition", "indicator"]
        periods = obs[[*keys, "reference_period"]].drop_duplicates()
        periods = periods.assign(_len=periods["reference_period"].str.len(), _wide=periods["source"].isin(widest))
        periods = periods.sort_values([*keys, "reference_period"])
        latest = periods.groupby(keys, as_index=False).last()
        longest = periods.sort_values([*keys, "_len", "reference_period"]).groupby(keys, as_index=False).last()
        chosen = pd.concat([latest[~latest["_wide"]], longest[longest["_wide"]]])[[*keys, "reference_period"]]
        return obs.merge(chosen, on=[*keys, "reference_period"])

    def with_titles(df: pd.DataFrame) -> pd.DataFrame:
        out = df.merge(titles, on=["source", "indicator"], how="left")
        out["indicator_title"] = out["title"].fillna(out["indicator"])
        return out

    def stored_files() -> pd.DataFrame:
        return manifest.sort_values("path")

    def shows_demo_data() -> bool:
        return bool((manifest["is_demo"] & (manifest["rows"] > 0) & (manifest["parts"] > 0)).any())

    def coverage() -> pd.DataFrame:
        g = obs.groupby(["source", "edition"])
        return pd.DataFrame(
            {
                "reference_periods": g["reference_period"].agg(lambda s: ", ".join(sorted(set(s)))),
                "indicators": g["indicator"].nunique(),
                "countries": g["iso3"].nunique(),
                "rows": g.size(),
            }
        ).reset_index()

    def countries() -> pd.DataFrame:
        c = obs[~obs["is_aggregate"]].groupby("iso3", as_index=False)["entity"].first()
        return c.sort_values("entity")

    def headline_series(focus: str | None = None) -> pd.DataFrame:
        heads = sources[["source", "headline_indicator"]].rename(columns={"headline_indicator": "indicator"})
        h = headline().merge(heads, on=["source", "indicator"])
        h = h[~h["is_aggregate"]].copy()
        h["assessed"] = h.groupby(["source", "edition"])["rank"].transform("count")
        if focus is not None:
            h = h[(h["iso3"] == focus) | (h["edition"] == h.groupby("source")["edition"].transform("max"))]
        return h.sort_values(["source", "edition", "rank", "entity"], na_position="last")

    def catalogue() -> pd.DataFrame:
        h = with_titles(headline())
        g = h.groupby(["source", "indicator"], dropna=False)
        out = pd.DataFrame(
            {
                "editions": g["edition"].agg(lambda s: sorted(set(s))),
                "countries": g["iso3"].nunique(),
                "title": g["indicator_title"].first(),
            }
        ).reset_index()
        return out.sort_values(["source", "indicator"])

    def trend(source: str, inds: tuple[str, ...], iso3s: tuple[str, ...]) -> pd.DataFrame:
        h = headline()
        h = h[h["source"] == source]
        assessed = h[~h["is_aggregate"]].groupby(["edition", "indicator"])["rank"].count().rename("assessed")
        sel = h[h["indicator"].isin(inds) & h["iso3"].isin(iso3s)]
        sel = with_titles(sel).join(assessed, on=["edition", "indicator"])
        return sel.sort_values(["indicator", "iso3", "edition"])

    def edition(source: str, edition_: int, indicators: tuple[str, ...] | None = None) -> pd.DataFrame:
        h = headline()
        h = h[(h["source"] == source) & (h["edition"] == edition_)]
        if indicators is not None:
            h = h[h["indicator"].isin(indicators)]
        return with_titles(h).sort_values(["indicator", "rank", "entity"], na_position="last")

    def editions(source: str, editions_: tuple[int, ...], indicators: tuple[str, ...] | None = None) -> pd.DataFrame:
        h = headline()
        h = h[(h["source"] == source) & h["edition"].isin(editions_)]
        if indicators is not None:
            h = h[h["indicator"].isin(indicators)]
        return with_titles(h).sort_values(["edition", "indicator", "rank", "entity"], na_position="last")

    def rank_change_rows(
        source: str, indicator: str, parts: tuple[str, ...], iso3: str, editions_: tuple[int, ...]
    ) -> pd.DataFrame:
        h = headline()
        h = h[(h["source"] == source) & h["edition"].isin(editions_)]
        h = h[(h["indicator"] == indicator) | ((h["iso3"] == iso3) & h["indicator"].isin(parts))]
        return with_titles(h).sort_values(["edition", "indicator", "rank", "entity"], na_position="last")

    def periods_within_edition(source: str, edition_: int) -> pd.DataFrame:
        sel = obs[(obs["source"] == source) & (obs["edition"] == edition_)]
        return with_titles(sel).sort_values(["indicator", "iso3", "reference_period"])

    def country_observations(iso3: str) -> pd.DataFrame:
        return with_titles(obs[obs["iso3"] == iso3]).sort_values(["source", "indicator", "edition"])

    def observations() -> pd.DataFrame:
        return obs.sort_values(["source", "edition", "indicator", "entity"])

    def indicator_metadata() -> pd.DataFrame:
        return indicators.sort_values(["source", "indicator"])

    def source_metadata() -> pd.DataFrame:
        return sources.sort_values("source")

    return {f.__name__: f for f in (
        stored_files, shows_demo_data, coverage, countries, headline_series, catalogue, trend, edition, editions,
        rank_change_rows, periods_within_edition, country_observations, observations, indicator_metadata,
        source_metadata,
    )}  # fmt: skip


def _fingerprint(answer: Any) -> list[float]:
    """Rows, and the sums of value and rank where present: two answers to one question should agree on these."""
    import pandas as pd

    if not isinstance(answer, pd.DataFrame):
        return [float(bool(answer))]
    out = [float(len(answer))]
    for column in ("value", "rank"):
        if column in answer.columns:
            out.append(round(float(pd.to_numeric(answer[column], errors="coerce").sum()), 6))
    return out


def _read_raw(raw: Path, manifest: Any) -> Any:
    """Every stored raw file read with the readers (pandas), as one tidy table: the naive app's first step."""
    import pandas as pd

    from rankings import ingest

    frames = []
    for row in manifest.itertuples():
        if row.status == "stored" and (raw / row.path).is_file():
            frames.append(ingest.read_file(raw / row.path, row.path, row.sha256)[2])
    return pd.concat(frames, ignore_index=True)


def worker_queries(spec: dict[str, Any]) -> dict[str, Any]:
    """Replay each page's queries on DuckDB (cold and warm, p50/p95) and, optionally, answer them with pandas."""
    store = Path(spec["store"])
    samples = int(spec["samples"])
    calls: dict[str, list[list[Any]]] = spec["calls"]
    from rankings import db, metadata, queries

    def run_page(page: str) -> list[Any]:
        return [_call(getattr(queries, call[0]), call, processed=store) for call in calls[page]]

    db.reset()
    t0 = time.perf_counter()
    db.connection(store)
    build_ms = (time.perf_counter() - t0) * 1000
    results: dict[str, Any] = {}
    answers: dict[str, list[Any]] = {}
    for page in calls:
        db.reset()
        t0 = time.perf_counter()
        answers[page] = run_page(page)
        cold = (time.perf_counter() - t0) * 1000
        run_page(page)  # warm-up
        times = []
        for _ in range(samples):
            t0 = time.perf_counter()
            run_page(page)
            times.append((time.perf_counter() - t0) * 1000)
        results[page] = {"calls": len(calls[page]), "cold_ms": cold, "duckdb_ms": summary(times)}
    out: dict[str, Any] = {"connection_build_ms": build_ms, "pages": results}
    if spec.get("pandas"):
        manifest = db.query("SELECT * FROM manifest", processed=store)
        tidy = db.query("SELECT * FROM observations", processed=store)
        ind, src = metadata.indicators_frame(), metadata.sources_frame()
        answer = _pandas_answers(tidy, manifest, ind, src)
        for page, page_calls in calls.items():
            known = [c for c in page_calls if c[0] in answer]
            times = []
            for _ in range(max(3, samples // 2)):
                t0 = time.perf_counter()
                mine = [_call(answer[c[0]], c) for c in known]
                times.append((time.perf_counter() - t0) * 1000)
            duck = [a for c, a in zip(page_calls, answers[page], strict=True) if c[0] in answer]
            mismatched = [c[0] for c, x, y in zip(known, mine, duck, strict=True) if _fingerprint(x) != _fingerprint(y)]
            results[page]["pandas_memory_ms"] = summary(times)
            results[page]["pandas_answers_match"] = not mismatched
            results[page]["pandas_mismatched"] = mismatched
            results[page]["pandas_unanswered"] = [c[0] for c in page_calls if c[0] not in answer]
        if spec.get("raw"):
            raw = Path(spec["raw"])
            reads = []
            for _ in range(int(spec.get("raw_samples", 1))):
                t0 = time.perf_counter()
                from_raw = _read_raw(raw, manifest)
                reads.append((time.perf_counter() - t0) * 1000)
            answer_raw = _pandas_answers(from_raw, manifest, ind, src)
            for page, page_calls in calls.items():
                t0 = time.perf_counter()
                for c in page_calls:
                    if c[0] in answer_raw:
                        _call(answer_raw[c[0]], c)
                compute = (time.perf_counter() - t0) * 1000
                results[page]["pandas_from_raw_ms"] = statistics.median(reads) + compute
            out["raw_read_ms"] = summary(reads)
            out["raw_rows"] = len(from_raw)
    out["peak_rss_mb"] = _rss_mb()[1]
    return out


WORKERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {"pages": worker_pages, "queries": worker_queries}


def run_worker(kind: str, spec: dict[str, Any], work: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a worker in a fresh process and return its result (with the process's wall time and peak memory)."""
    work.mkdir(parents=True, exist_ok=True)
    tag = f"{kind}-{hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:10]}"
    spec_path, out_path = work / f"{tag}.spec.json", work / f"{tag}.out.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    run = run_process([sys.executable, "-m", "rankings.bench", "--worker", kind, str(spec_path), str(out_path)], env)
    if run.returncode != 0 or not out_path.exists():
        raise RuntimeError(f"benchmark worker {kind} failed:\n{run.stderr[-3000:]}")
    result = json.loads(out_path.read_text(encoding="utf-8"))
    result["process"] = {"wall_s": run.wall_s, "cpu_s": run.cpu_s, "peak_mb": run.peak_mb}
    return result


# --------------------------------------------------------------------------------------------------------------
# 5. Browser


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def streamlit_server(
    store: Path, surveys: Path | None, log: Path, script: Path = DASHBOARD
) -> Iterator[tuple[str, int]]:
    """A real ``streamlit run dashboard.py`` on the store; yields (url, pid) once it answers its health check."""
    port = _free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    env = {**os.environ, "RANKINGS_PROCESSED": str(store)}
    if surveys:
        env["RANKINGS_SURVEYS"] = str(surveys)
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _process_memory_mb(pid: int) -> tuple[float, float]:
    current = peak = 0.0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return current, peak


def _time_to_charts(context: Any, url: str, expected: int) -> float:
    """From opening ``url`` in a new tab to ``expected`` Plotly charts drawn (0: to the page's title shown)."""
    page = context.new_page()
    try:
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit")
        if expected:
            page.wait_for_function(CHARTS_DRAWN_JS, arg=expected, polling="raf", timeout=120_000)
        else:
            page.wait_for_selector("h1", timeout=120_000)
        return (time.perf_counter() - t0) * 1000
    finally:
        page.close()


# Floors for the browser: what Streamlit's page itself costs, without the app (a title), and with one Plotly chart.
FLOOR_PAGES = {
    "title": "import streamlit as st\n\nst.title('floor')\n",
    "one_chart": (
        "import plotly.graph_objects as go\nimport streamlit as st\n\nst.title('floor')\n"
        "st.plotly_chart(go.Figure(go.Scatter(x=[2020, 2022, 2024], y=[3, 2, 1])))\n"
    ),
}


def _browser_floors(browser: Any, samples: int, work: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, code in FLOOR_PAGES.items():
        script = work / f"floor_{name}.py"
        script.write_text(code, encoding="utf-8")
        expected = 1 if name == "one_chart" else 0
        with streamlit_server(work, None, work / f"streamlit-floor-{name}.log", script=script) as (url, _):
            context = browser.new_context()
            _time_to_charts(context, url + "/", expected)
            out[name] = summary([_time_to_charts(context, url + "/", expected) for _ in range(samples)])
            context.close()
    return out


def _settle(page: Any, timeout_s: float = 120) -> None:
    """Wait until the app's run is over and every chart on the page is drawn."""
    page.wait_for_selector("h1", timeout=timeout_s * 1000)
    deadline, quiet = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline and quiet < 8:
        running = page.locator("[data-testid^='stStatusWidgetRunning']").count() > 0
        quiet = 0 if running else quiet + 1
        page.wait_for_timeout(250)
    with contextlib.suppress(Exception):
        page.wait_for_function(CHARTS_DRAWN_JS, arg=1, polling=250, timeout=10_000)


def bench_browser(store: Path, surveys: Path | None, samples: int, expected: int, work: Path) -> dict[str, Any]:
    """Time from opening the overview to all its charts drawn: cold (fresh server) and warm (median)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with streamlit_server(store, surveys, work / "streamlit-browser.log") as (url, pid):
                cold = _time_to_charts(browser.new_context(), url + "/", expected)
                context = browser.new_context()
                _time_to_charts(context, url + "/", expected)  # warm-up of this browser context
                warm = [_time_to_charts(context, url + "/", expected) for _ in range(samples)]
                current, peak = _process_memory_mb(pid)
            floors = _browser_floors(browser, samples, work)
        finally:
            browser.close()
    return {
        "expected_charts": expected,
        "cold_first_visit_ms": cold,
        "warm_ms": summary(warm),
        "floor_title_ms": floors["title"],
        "floor_one_chart_ms": floors["one_chart"],
        "server_rss_mb": current,
        "server_peak_rss_mb": peak,
    }


def app_memory(store: Path, surveys: Path | None, pages: list[str], work: Path) -> dict[str, Any]:
    """Peak RSS of a real ``streamlit run`` after every page was opened in Chromium (one session per page)."""
    from playwright.sync_api import sync_playwright

    visited: dict[str, float] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with streamlit_server(store, surveys, work / "streamlit-memory.log") as (url, pid):
                context = browser.new_context()
                for page_file in pages:
                    slug = Path(page_file).stem
                    page = context.new_page()
                    t0 = time.perf_counter()
                    page.goto(f"{url}/{slug}", wait_until="commit")
                    _settle(page)
                    visited[slug] = (time.perf_counter() - t0) * 1000
                    page.close()
                current, peak = _process_memory_mb(pid)
        finally:
            browser.close()
    return {"server_rss_mb": current, "server_peak_rss_mb": peak, "page_open_ms": visited}


# --------------------------------------------------------------------------------------------------------------
# Orchestration


@dataclass
class Options:
    raw: Path | None = None
    out: Path = Path("bench-results")
    repeat: int = 5
    samples: int = 20
    scales: list[float] = field(default_factory=lambda: [1.0, 10.0, 100.0])
    ingest_scales: list[float] | None = None
    browser: bool = True
    quick: bool = False
    sections: set[str] = field(default_factory=lambda: {"ingest", "queries", "pages", "scale", "browser"})
    work: Path | None = None
    keep: bool = False
    log: Callable[[str], None] = print


def _default_raw(work: Path) -> tuple[Path, str]:
    if REALDATA.is_dir() and any(REALDATA.rglob("*.csv")):
        return REALDATA, "real"
    from rankings import demo

    demo.write_demo(work / "demo-raw")
    return work / "demo-raw", "demo"


def _page_queries(pages: dict[str, Any]) -> dict[str, list[list[Any]]]:
    return {page: result["queries"] for page, result in pages["pages"].items()}


def run(opts: Options) -> dict[str, Any]:
    """Run the benchmark; return every figure and the targets' verdicts (also written to ``opts.out``)."""
    started = datetime.now(UTC)
    work = opts.work or Path(tempfile.mkdtemp(prefix="rankings-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    log = opts.log
    results: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {
            "repeat": opts.repeat,
            "samples": opts.samples,
            "scales": opts.scales,
            "quick": opts.quick,
        },
    }
    try:
        if opts.raw is None:
            raw, kind = _default_raw(work)
        else:
            raw, kind = opts.raw.resolve(), "given"
        results["raw"] = {"folder": str(raw), "kind": kind}
        surveys = work / "surveys"
        from rankings.survey import demo as survey_demo

        survey_demo.write(surveys)
        pages = dashboard_pages()
        results["settings"]["pages"] = pages

        from rankings import ingest as ingest_module

        real_store = work / "store-real"
        log(f"ingesting {raw} into the benchmark's store")
        ingest_module.ingest(raw, real_store)

        if "ingest" in opts.sections:
            log("1/5 ingest: cold, unchanged, readers, import floor (whole processes)")
            results["ingest"] = bench_ingest(raw, work, opts.repeat)

        page_results = None
        if "pages" in opts.sections or "queries" in opts.sections:
            log("3/5 page reruns (AppTest) on the real store")
            page_results = run_worker(
                "pages",
                {"store": str(real_store), "surveys": str(surveys), "pages": pages, "samples": opts.samples},
                work / "workers",
            )
            results["pages"] = page_results
        if "queries" in opts.sections and page_results is not None:
            log("2/5 queries per page: DuckDB over Parquet against pandas")
            results["queries"] = run_worker(
                "queries",
                {
                    "store": str(real_store),
                    "calls": _page_queries(page_results),
                    "samples": opts.samples,
                    "pandas": True,
                    "raw": str(raw),
                    "raw_samples": max(1, min(3, opts.repeat)),
                },
                work / "workers",
            )

        if "scale" in opts.sections:
            results["scale"] = {}
            ingest_scales = opts.ingest_scales if opts.ingest_scales is not None else opts.scales
            for factor in opts.scales:
                label = f"{factor:g}x"
                log(f"4/5 scale {label}: synthetic store, queries, page reruns")
                store = work / f"store-{label}"
                entry: dict[str, Any] = {"store": synthetic_store(real_store, store, factor)}
                pages_at = run_worker(
                    "pages",
                    {"store": str(store), "surveys": str(surveys), "pages": pages, "samples": opts.samples},
                    work / "workers",
                )
                entry["pages"] = pages_at
                entry["queries"] = run_worker(
                    "queries",
                    {"store": str(store), "calls": _page_queries(pages_at), "samples": opts.samples},
                    work / "workers",
                )
                if factor in ingest_scales:
                    log(f"4/5 scale {label}: ingest of a synthetic raw folder")
                    folder = work / f"raw-{label}"
                    entry["raw"] = synthetic_raw(raw, real_store, folder, factor)
                    target = work / f"ingested-{label}"
                    reps = opts.repeat if factor <= 1 else 1

                    def fresh(i: int, target: Path = target) -> None:
                        shutil.rmtree(target, ignore_errors=True)

                    cmd = [sys.executable, "-m", "rankings", "ingest", "--raw", str(folder), "--quiet"]
                    entry["ingest_cold"] = repeat_process([*cmd, "--processed", str(target)], reps, before=fresh)
                    entry["ingest_unchanged"] = repeat_process([*cmd, "--processed", str(target)], opts.repeat)
                    shutil.rmtree(folder, ignore_errors=True)
                    shutil.rmtree(target, ignore_errors=True)
                results["scale"][label] = entry
                if not opts.keep and factor != max(opts.scales):
                    shutil.rmtree(store, ignore_errors=True)

        if "browser" in opts.sections:
            if not opts.browser:
                results["browser"] = {"skipped": "quick mode or --no-browser"}
            elif not chromium_available():
                results["browser"] = {"skipped": f"Chromium is not installed ({CHROMIUM})"}
            else:
                try:
                    import playwright  # noqa: F401
                except ImportError:
                    results["browser"] = {"skipped": "playwright is not installed"}
                else:
                    log("5/5 browser: overview charts drawn, cold and warm; app memory at the largest scale")
                    expected = 1
                    if page_results and pages:
                        expected = max(1, page_results["pages"][pages[0]]["charts"])
                    results["browser"] = bench_browser(real_store, surveys, opts.samples // 2 or 1, expected, work)
                    biggest = max(opts.scales) if "scale" in opts.sections else None
                    store = work / f"store-{biggest:g}x" if biggest else None
                    if store is not None and store.exists():
                        results["browser"]["app_memory"] = {
                            "scale": f"{biggest:g}x",
                            **app_memory(store, surveys, pages, work),
                        }
    finally:
        results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        results["targets"] = evaluate(results)
        if not opts.keep and opts.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return results


# --------------------------------------------------------------------------------------------------------------
# Verdicts and report


def _verdict(target: Target, measured: float | None, detail: str = "", skipped: str = "not run") -> dict[str, Any]:
    if measured is None:
        return {"id": target.id, "what": target.what, "limit": target.limit, "unit": target.unit, "skipped": skipped}
    ok = measured <= target.limit
    ratio = measured / target.limit if target.limit else (0.0 if measured == 0 else math.inf)
    return {
        "id": target.id,
        "what": target.what,
        "limit": target.limit,
        "unit": target.unit,
        "measured": measured,
        "ratio_to_limit": ratio,
        "pass": ok,
        "detail": detail,
    }


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target against the figures that were measured (a target whose section did not run is skipped)."""
    by_id = {t.id: t for t in TARGETS}
    out = []
    ing = results.get("ingest")
    cold = ing and f"{ing['cold']['wall_s']['median']:.2f} s against {ing['read_fastest']['wall_s']['median']:.2f} s"
    unchanged = ing and (
        f"{ing['unchanged']['wall_s']['median']:.2f} s against {ing['import_floor']['wall_s']['median']:.2f} s"
    )
    out.append(_verdict(by_id["ingest_cold"], ing and ing["ratio_cold_to_fastest"], cold or ""))
    out.append(_verdict(by_id["ingest_unchanged"], ing and ing["ratio_unchanged_to_floor"], unchanged or ""))
    out.append(
        _verdict(by_id["ingest_unchanged_files"], None if not ing else float(len(ing["unchanged_files_opened"])))
    )

    def worst_query(q: dict[str, Any] | None) -> tuple[float | None, str]:
        if not q:
            return None, ""
        page, p95 = max(((p, r["duckdb_ms"]["p95"]) for p, r in q["pages"].items()), key=lambda x: x[1])
        return p95, f"slowest: {page}"

    def worst_page(p: dict[str, Any] | None) -> tuple[float | None, str]:
        if not p:
            return None, ""
        errors = [page for page, r in p["pages"].items() if r["exception"]]
        page, median = max(((pg, r["rerun_ms"]["median"]) for pg, r in p["pages"].items()), key=lambda x: x[1])
        return median, f"slowest: {page}" + (f"; errors on {', '.join(errors)}" if errors else "")

    scale = results.get("scale", {})
    top = scale.get("100x")
    q1, d1 = worst_query(results.get("queries"))
    out.append(_verdict(by_id["queries_1x"], q1, d1))
    q100, d100 = worst_query(top and top.get("queries"))
    out.append(_verdict(by_id["queries_100x"], q100, d100))
    p1, e1 = worst_page(results.get("pages"))
    out.append(_verdict(by_id["pages_1x"], p1, e1))
    p100, e100 = worst_page(top and top.get("pages"))
    out.append(_verdict(by_id["pages_100x"], p100, e100))
    browser = results.get("browser") or {}
    memory = browser.get("app_memory")
    if memory and memory.get("scale") == "100x":
        out.append(_verdict(by_id["memory_100x"], memory["server_peak_rss_mb"], "streamlit run, every page opened"))
    elif top:
        peak = top["pages"]["process"]["peak_mb"]
        out.append(_verdict(by_id["memory_100x"], peak, "AppTest process (no browser), every page run"))
    else:
        out.append(_verdict(by_id["memory_100x"], None, skipped="100x not run"))
    warm = browser.get("warm_ms")
    cold_visit = browser.get("cold_first_visit_ms")
    detail = f"cold first visit of a fresh server {cold_visit:,.0f} ms" if cold_visit else ""
    out.append(_verdict(by_id["browser"], warm and warm["median"], detail, browser.get("skipped", "not run")))
    return out


def _ms(x: float | None) -> str:
    return "–" if x is None else f"{x:,.0f} ms" if x >= 10 else f"{x:.1f} ms"


def _s(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f} s"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def _fmt_measured(v: dict[str, Any]) -> tuple[str, str]:
    unit = v["unit"]
    if "measured" not in v:
        return "–", "–"
    m, lim = v["measured"], v["limit"]
    if unit == "x":
        return f"{m:.2f}x", f"{lim:g}x"
    if unit == "files":
        return f"{m:.0f}", f"{lim:.0f}"
    return f"{m:,.0f} {unit}", f"{lim:g} {unit}"


def report(results: dict[str, Any]) -> str:
    """The results as Markdown tables (targets first)."""
    lines: list[str] = []
    m = results["machine"]
    lines.append(f"# Benchmark {results['started']}")
    lines.append("")
    lines.append(
        f"Machine: {m['cpu']}, {m['cpus']} CPUs, {m['memory_gb']} GB RAM, Python {m['python']}, commit "
        f"{m['commit']}; load average at start {', '.join(f'{x:.1f}' for x in m['load_average'])}. Raw folder: "
        f"{results.get('raw', {}).get('kind', '?')} ({results.get('raw', {}).get('folder', '')}). Medians of "
        f"{results['settings']['repeat']} runs (processes) or {results['settings']['samples']} samples (queries, "
        "reruns)."
    )
    lines.append("")
    lines.append("## Targets")
    lines.append("")
    rows = []
    for v in results["targets"]:
        measured, limit = _fmt_measured(v)
        if "skipped" in v:
            verdict = f"skipped ({v['skipped']})"
            ratio = "–"
        else:
            verdict = "pass" if v["pass"] else "FAIL"
            ratio = f"{v['ratio_to_limit']:.2f}" if v["limit"] else "–"
        rows.append([v["what"], limit, measured, ratio, verdict + (f" — {v['detail']}" if v.get("detail") else "")])
    lines += _table(["target", "limit", "measured", "measured / limit", "result"], rows)

    ing = results.get("ingest")
    if ing:
        lines += ["", f"## 1. Ingest ({ing['files']} files, {ing['observations']:,} observations)", ""]

        def row(name: str, r: dict[str, Any], base: dict[str, Any] | None = None) -> list[str]:
            ratio = f"{r['wall_s']['median'] / base['wall_s']['median']:.2f}x" if base else ""
            return [
                name,
                _s(r["wall_s"]["median"]),
                _s(r["wall_s"]["p95"]),
                _s(r["cpu_s"]["median"]),
                f"{r['peak_mb']:.0f} MB",
                ratio,
            ]

        fastest, floor = ing["read_fastest"], ing["import_floor"]
        lines += _table(
            ["whole process", "median", "p95", "CPU (median)", "peak RSS", "ratio"],
            [
                row("cold full ingest (vs fastest reader)", ing["cold"], fastest),
                row("read the same sheets: pandas (openpyxl, read_csv)", ing["read_pandas_openpyxl"], fastest),
                row("read the same sheets: fastest (calamine; CSV: app's reader)", fastest),
                row("unchanged re-ingest (vs import floor)", ing["unchanged"], floor),
                row("import the ingest's libraries only (floor)", floor),
                row("bare Python start", ing["python_bare"]),
            ],
        )
        lines += [
            "",
            f"Unchanged re-ingest opened {len(ing['unchanged_files_opened'])} raw files. Sheets read: "
            + "; ".join(f"{p}: {', '.join(map(str, s))}" for p, s in ing["sheets_read"].items())
            + f"; and {ing['csv_files_read']} CSV files. Libraries of the import floor: "
            + ", ".join(ing["import_floor_libraries"])
            + ".",
            "",
            "Where the cold ingest spends its time (in-process profile, own time):",
            "",
        ]
        lines += _table(
            ["function", "own time", "cumulative"],
            [[r["function"], _s(r["own_s"]), _s(r["cumulative_s"])] for r in ing["profile_top_own_time"][:10]],
        )

    q = results.get("queries")
    if q:
        lines += ["", "## 2. Queries per page (real size)", ""]
        lines.append(
            f"DuckDB connection build (views over the Parquet parts): {_ms(q['connection_build_ms'])}. "
            f"Reading the raw files with the readers (the naive app's first step): "
            f"{_ms(q.get('raw_read_ms', {}).get('median'))}."
        )
        lines.append("")
        rows = []
        for page, r in q["pages"].items():
            duck = r["duckdb_ms"]
            pm = r.get("pandas_memory_ms", {}).get("median")
            rows.append(
                [
                    page,
                    str(r["calls"]),
                    _ms(duck["median"]),
                    _ms(duck["p95"]),
                    _ms(r["cold_ms"]),
                    _ms(pm),
                    _ms(r.get("pandas_from_raw_ms")),
                    f"{r['pandas_from_raw_ms'] / duck['median']:.0f}x" if r.get("pandas_from_raw_ms") else "–",
                    "yes" if r.get("pandas_answers_match") else f"no: {', '.join(r.get('pandas_mismatched', []))}",
                ]
            )
        lines += _table(
            [
                "page",
                "queries",
                "DuckDB p50",
                "DuckDB p95",
                "cold (new connection)",
                "pandas, tidy table in memory",
                "pandas from the raw files",
                "raw / DuckDB",
                "same answers",
            ],
            rows,
        )

    p = results.get("pages")
    if p:
        floor = p["floor_ms"]["median"]
        lines += ["", "## 3. Page reruns (AppTest, real size)", ""]
        lines.append(
            f"First run of the app in a fresh process (imports, connection, first queries): "
            f"{_s(p['first_app_run_s'])}; imports of streamlit's AppTest and the app's modules {_s(p['imports_s'])}. "
            f"Floor (one-line app) rerun: {_ms(floor)}. Peak RSS of the AppTest process: {p['peak_rss_mb']:.0f} MB."
        )
        lines.append("")
        rows = []
        for page, r in p["pages"].items():
            rows.append(
                [
                    page,
                    _ms(r["first_visit_ms"]),
                    _ms(r["rerun_ms"]["median"]),
                    _ms(r["rerun_ms"]["p95"]),
                    f"{r['rerun_ms']['median'] / floor:.0f}x" if floor else "–",
                    str(r["charts"]),
                    "; ".join(r["exception"]) or "",
                ]
            )
        lines += _table(
            ["page", "first visit (cold caches)", "rerun p50", "rerun p95", "rerun / floor", "charts", "errors"],
            rows,
        )

    scale = results.get("scale")
    if scale:
        lines += ["", "## 4. Scale", ""]
        rows = []
        for label, e in scale.items():
            st_ = e["store"]
            qs = e["queries"]["pages"]
            ps = e["pages"]["pages"]
            worst_q = max(r["duckdb_ms"]["p95"] for r in qs.values())
            worst_p = max(r["rerun_ms"]["median"] for r in ps.values())
            cold = e.get("ingest_cold")
            unchanged = e.get("ingest_unchanged")
            rows.append(
                [
                    label,
                    f"{st_['rows']:,}",
                    f"{st_['edition_copies']}×{st_['indicator_copies']}×{st_['country_copies']:g}",
                    str(st_["parts"]),
                    f"{st_['store_mb']:.1f} MB",
                    _s(cold and cold["wall_s"]["median"]),
                    f"{cold['peak_mb']:.0f} MB" if cold else "–",
                    _s(unchanged and unchanged["wall_s"]["median"]),
                    _ms(e["queries"]["connection_build_ms"]),
                    _ms(worst_q),
                    f"{e['queries']['peak_rss_mb']:.0f} MB",
                    _ms(worst_p),
                    f"{e['pages']['process']['peak_mb']:.0f} MB",
                ]
            )
        lines += _table(
            [
                "scale",
                "observations",
                "editions×indicators×countries",
                "parts",
                "store",
                "ingest cold",
                "ingest peak RSS",
                "ingest unchanged",
                "connection build",
                "queries p95 (worst page)",
                "queries peak RSS",
                "page rerun p50 (worst page)",
                "app (AppTest) peak RSS",
            ],
            rows,
        )
        raw_rows = [
            [label, f"{e['raw']['template_files']}", f"{e['raw']['template_rows']:,}", f"{e['raw']['raw_mb']:.0f} MB"]
            for label, e in scale.items()
            if "raw" in e
        ]
        if raw_rows:
            lines += ["", "Synthetic raw folders for the ingest at scale (the real files plus template CSV files):", ""]
            lines += _table(["scale", "template files", "template rows", "raw folder"], raw_rows)
        lines += ["", "Per page at each scale (queries p95 / rerun p50):", ""]
        page_names = list(next(iter(scale.values()))["pages"]["pages"])
        rows = []
        for page in page_names:
            cells = [page]
            for e in scale.values():
                qp = e["queries"]["pages"].get(page)
                pp = e["pages"]["pages"].get(page)
                cells.append(
                    f"{_ms(qp and qp['duckdb_ms']['p95'])} / {_ms(pp and pp['rerun_ms']['median'])}"
                    + (" (error)" if pp and pp["exception"] else "")
                )
            rows.append(cells)
        lines += _table(["page", *scale], rows)

    b = results.get("browser")
    if b:
        lines += ["", "## 5. Browser", ""]
        if "skipped" in b:
            lines.append(f"Skipped: {b['skipped']}.")
        else:
            lines.append(
                f"Overview, from opening the page to its {b['expected_charts']} charts drawn: warm server "
                f"{_ms(b['warm_ms']['median'])} median ({_ms(b['warm_ms']['p95'])} p95); cold first visit of a fresh "
                f"server {_ms(b['cold_first_visit_ms'])}. Server RSS {b['server_rss_mb']:.0f} MB (peak "
                f"{b['server_peak_rss_mb']:.0f} MB). Floors, same browser and server settings: a Streamlit page with "
                f"only a title {_ms(b['floor_title_ms']['median'])} to the title shown; with one Plotly chart "
                f"{_ms(b['floor_one_chart_ms']['median'])} to the chart drawn."
            )
            if "app_memory" in b:
                am = b["app_memory"]
                opened = ", ".join(f"{k} {_ms(v)}" for k, v in am["page_open_ms"].items())
                lines.append("")
                lines.append(
                    f"At {am['scale']}: every page opened in Chromium ({opened}); the streamlit process's peak RSS "
                    f"{am['server_peak_rss_mb']:.0f} MB (now {am['server_rss_mb']:.0f} MB)."
                )
    lines.append("")
    return "\n".join(lines)


def write_results(results: dict[str, Any], out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    stamp = results["started"].replace(":", "").replace("-", "").replace("+0000", "")
    json_path = out / f"bench-{stamp}.json"
    md_path = out / f"bench-{stamp}.md"
    json_path.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    md_path.write_text(report(results), encoding="utf-8")
    return json_path, md_path


def cmd_bench(args: argparse.Namespace) -> int:
    quick = bool(args.quick)
    sections = {s.strip() for s in args.only.split(",") if s.strip()} or {
        "ingest",
        "queries",
        "pages",
        "scale",
        "browser",
    }
    unknown = sections - {"ingest", "queries", "pages", "scale", "browser"}
    if unknown:
        print(f"error: unknown sections {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    if args.raw is not None and not args.raw.is_dir():
        print(f"error: raw folder {args.raw} does not exist", file=sys.stderr)
        return 2
    opts = Options(
        raw=args.raw,
        out=args.out,
        repeat=args.repeat or (1 if quick else 5),
        samples=args.samples or (3 if quick else 20),
        scales=args.scales or ([1.0] if quick else [1.0, 10.0, 100.0]),
        ingest_scales=args.ingest_scales,
        browser=not (args.no_browser or quick),
        quick=quick,
        sections=sections,
        keep=args.keep,
        log=lambda msg: print(msg, file=sys.stderr, flush=True),
    )
    if args.keep:
        opts.work = Path(tempfile.mkdtemp(prefix="rankings-bench-"))
        print(f"working folder (kept): {opts.work}", file=sys.stderr)
    results = run(opts)
    json_path, md_path = write_results(results, opts.out)
    print(report(results))
    print(f"written: {json_path} and {md_path}")
    return 0


def _worker_main(argv: list[str]) -> int:
    kind, spec_path, out_path = argv
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    result = WORKERS[kind](spec)
    Path(out_path).write_text(json.dumps(result, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--worker":
        sys.exit(_worker_main(sys.argv[2:]))
    print("usage: python -m rankings bench [options]  (this module's own entry point is for its workers)")
    sys.exit(2)
