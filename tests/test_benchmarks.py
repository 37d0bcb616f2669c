"""The benchmark runs in its quickest mode on a tiny raw folder and writes every section (no timing assertions:
the benchmark itself checks the targets)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import scale
from benchmarks.__main__ import TARGETS
from benchmarks.app import dashboard_pages
from conftest import ROOT, UN_HEADER

COUNTRIES = [("Denmark", 1), ("Estonia", 2), ("Finland", 3), ("Sweden", 4), ("Norway", 5)]


def tiny_raw(folder: Path) -> Path:
    """Two UN E-Government Survey editions of five countries."""
    for year in (2022, 2024):
        lines = [UN_HEADER]
        for name, rank in COUNTRIES:
            score = 0.99 - rank / 100
            lines.append(f"{year},{name},{rank},{score:.4f},{score:.4f},{score:.4f},{score:.4f},{score:.4f}")
        path = folder / f"EGOV_DATA_{year}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_quick_benchmark_writes_every_section(tmp_path):
    raw = tiny_raw(tmp_path / "raw")
    out = tmp_path / "results"
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--samples", "2", "--raw", str(raw), "--out", str(out),
         "--only", "ingest,pages,scale"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    [json_file] = out.glob("bench-*.json")
    [md_file] = out.glob("bench-*.md")
    results = json.loads(json_file.read_text())
    assert {"machine", "settings", "ingest", "pages", "scale", "targets"} <= set(results)
    assert results["ingest"]["cold_s"]["n"] == 1 and results["ingest"]["bare_read_s"]["n"] == 1
    assert results["ingest"]["statuses"] == {"stored": 2}
    assert results["ingest"]["csv_files_read"] == 2
    assert set(results["pages"]["pages"]["pages"]) == set(dashboard_pages())
    assert all(not r["exception"] for r in results["pages"]["pages"]["pages"].values())
    assert set(results["pages"]["queries"]["pages"]) == set(dashboard_pages())
    assert set(results["scale"]) == {"1x"}
    assert results["scale"]["1x"]["store"]["rows"] == len(COUNTRIES) * 5 * 2
    targets = {t["id"]: t for t in results["targets"]}
    assert set(targets) == {t.id for t in TARGETS}
    assert targets["ingest"]["pass"] is not None and targets["pages_1x"]["pass"] is not None
    assert targets["browser"]["measured"] is None and targets["briefing"]["measured"] is None  # not run
    text = md_file.read_text()
    for heading in ("| target |", "## Ingest", "## Pages"):
        assert heading in text
    assert "| target |" in run.stdout


def test_unknown_section_is_a_usage_error():
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--only", "ingest,nothing"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 2
    assert "unknown sections nothing" in run.stderr


@pytest.mark.parametrize(
    ("factor", "expected"),
    [(1, (1, 1, 1.0)), (10, (2, 2, 2.5)), (100, (5, 4, 5.0))],
)
def test_scale_axes_grow_editions_indicators_and_countries(factor, expected):
    assert scale.scale_axes(factor) == expected


def test_synthetic_store_holds_factor_times_the_rows(tmp_path):
    from rankings import db, ingest

    raw = tiny_raw(tmp_path / "raw")
    ingest.ingest(raw, tmp_path / "store")
    info = scale.synthetic_store(tmp_path / "store", tmp_path / "x8", 8)  # 2 x 2 x 2
    rows = len(COUNTRIES) * 5 * 2
    assert info["rows"] == rows * 8
    counts = db.query(
        "SELECT count(*) AS n, count(DISTINCT edition) AS e, count(DISTINCT indicator) AS i, "
        "count(DISTINCT iso3) AS c FROM observations",
        processed=tmp_path / "x8",
    ).iloc[0]
    assert int(counts["n"]) == rows * 8
    assert (int(counts["e"]), int(counts["i"])) == (4, 10)
    assert int(counts["c"]) == len(COUNTRIES) * 2
    # unique keys, as in a real store
    dupes = db.query(
        "SELECT count(*) AS n FROM (SELECT source, edition, reference_period, entity, indicator FROM observations "
        "GROUP BY ALL HAVING count(*) > 1)",
        processed=tmp_path / "x8",
    )
    assert int(dupes["n"].iloc[0]) == 0
