"""Bounded time and memory: the bombs of the corpus, files over the size limit and a CSV of millions of cells are
refused in a separate process whose peak memory is measured (the readers' native code allocates outside
Python, where tracemalloc cannot see). The bounds are safety bounds, not performance targets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_ingest import count, store_bytes

from conftest import ROOT
from hostile.corpus import LAYOUT, corpus, survey_variants, write_very_large
from rankings import db, ingest, rawfile

SECONDS = 10
PEAK_BYTES = 500 * 1024 * 1024
HEAVY = {"zip_bomb", "gigabyte_bomb", "lying_bomb", "sparse_bomb", "far_cell", "huge_field", "corrupt", "truncated"}

WORKER = """
import json, resource, sys, time
from pathlib import Path
from rankings.errors import InputError
from rankings.ingest import read_file
from rankings.survey.workbook import read_submission

for arg in sys.argv[1:]:
    path = Path(arg)
    print(json.dumps({"start": path.name}), flush=True)
    started = time.monotonic()
    try:
        read_submission(path) if path.parent.name == "survey" else read_file(path, path.name, "x")
        outcome = "read"
    except InputError as exc:
        outcome = exc.message
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"file": path.name, "seconds": seconds, "peak": peak, "outcome": outcome}), flush=True)
"""


def run_worker(files: list[Path]) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", WORKER, *map(str, files)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    started = [line["start"] for line in lines if "start" in line]
    last = started[-1] if started else "?"
    assert done.returncode == 0, f"the reader process died reading {last}: {done.stderr[-2000:]}"
    return [line for line in lines if "file" in line]


def test_bombs_and_oversized_files_are_refused_in_bounded_time_and_memory(tmp_path):
    files: list[Path] = []
    warm_up = tmp_path / "warm" / LAYOUT["un_xlsx"].filename
    warm_up.parent.mkdir()
    warm_up.write_bytes(LAYOUT["un_xlsx"].build(tmp_path / "scratch"))
    files.append(warm_up)
    expected: dict[str, str] = {}
    for variant in [*corpus(tmp_path / "corpus"), *survey_variants(tmp_path / "survey-corpus")]:
        if variant.name in HEAVY:
            path = tmp_path / ("survey" if variant.layout == "survey" else "files") / f"{variant.id}-{variant.filename}"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(variant.data)
            files.append(path)
            expected[path.name] = variant.expect or ""
    for suffix, head in ((".csv", b"Survey Year,Country Name\n"), (".xlsx", b"PK\x03\x04")):
        path = write_very_large(tmp_path / "files" / f"very_large{suffix}", head)
        files.append(path)
        expected[path.name] = "is 210 MB; files over 210 MB are not read"
    cells = tmp_path / "files" / "millions_of_cells.csv"  # 60 MB of "1,": 30 million cells, under the size limit
    with cells.open("wb") as fh:
        fh.write(b"Survey Year,Country Name\n")
        for _ in range(60):
            fh.write(b"1," * (1 << 19))
    files.append(cells)
    expected[cells.name] = "has about 31 million cells; files over 10 million cells are not read"

    results = run_worker(files)
    assert [r["file"] for r in results] == [f.name for f in files]
    baseline = results[0]["peak"]
    for r in results[1:]:
        assert expected[r["file"]] in r["outcome"], r
        assert r["seconds"] < SECONDS, r
        assert r["peak"] - baseline < PEAK_BYTES, r
    assert len(results) > 60


def test_a_file_over_the_size_limit_fails_alone_and_leaves_the_store_unchanged(tmp_path):
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    raw.mkdir()
    (raw / "EGOV_DATA_2024.csv").write_bytes(LAYOUT["un_csv"].build(tmp_path))
    ingest.ingest(raw, processed)
    before, rows = store_bytes(processed), count(processed)
    write_very_large(raw / "big" / "DESI.csv", b"time_period,ref_area\n")
    report = ingest.ingest(raw, processed)
    db.reset()
    statuses = {r.path: (r.status, r.message) for r in report.results}
    assert statuses["big/DESI.csv"] == ("failed", "big/DESI.csv: is 210 MB; files over 210 MB are not read")
    assert statuses["EGOV_DATA_2024.csv"][0] == "unchanged"
    after = store_bytes(processed)
    assert {k: v for k, v in after.items() if k != "manifest.json"} == {
        k: v for k, v in before.items() if k != "manifest.json"
    }
    assert count(processed) == rows


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_size_limit_is_checked_before_the_file_is_read(tmp_path, suffix, monkeypatch):
    path = write_very_large(tmp_path / f"big{suffix}", b"x")

    def never(*_a, **_k):
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", never)
    with pytest.raises(ingest.InputError, match="files over 210 MB are not read"):
        rawfile.RawFile(path, path.name).sheets()
