"""The command line, run as users run it: exit codes, per-file summary, one-line messages, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, UN_HEADER

DK = '2024,"Denmark ",1,0.98470,1.00000,0.99800,0.95760,0.99850'


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "rankings", *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_ingest_good_folder_exits_0_with_summary(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "un.csv").write_text(f"{UN_HEADER}\n{DK}\n")
    (raw / "README.md").write_text("about these files")
    done = run("ingest", "--raw", str(raw), "--processed", str(tmp_path / "p"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["file", "source", "edition", "rows", "status"]
    assert lines[1].split() == ["un.csv", "un_egov", "2024", "5", "stored"]
    assert lines[-1] == "1 stored; 1 non-data files ignored"
    assert "Traceback" not in done.stderr

    again = run("ingest", "--raw", str(raw), "--processed", str(tmp_path / "p"))
    assert again.returncode == 0
    assert again.stdout.splitlines()[1].split()[-1] == "unchanged"


def test_unknown_layout_and_broken_file_exit_1_with_one_line_each(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "un.csv").write_text(f"{UN_HEADER}\n{DK}\n")
    (raw / "other.csv").write_text("Country,Score\nDenmark,1\n")
    (raw / "half.csv").write_text("Survey Year,Country Name,E-Government Rank\n2024,Denmark,1\n")
    (raw / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not really a zip")
    done = run("ingest", "--raw", str(raw), "--processed", str(tmp_path / "p"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("failed:")]
    assert len(errors) == 3
    by_file = {line.split(":")[1].strip(): line for line in errors}
    assert "no supported layout" in by_file["other.csv"]
    assert "closest is the UN E-Government Survey data-center download (3 of 8 columns found)" in by_file["half.csv"]
    assert "'E-Government Index'" in by_file["half.csv"]
    assert "damaged or truncated workbook" in by_file["broken.xlsx"]
    # The good file was still stored.
    assert ["un.csv", "un_egov", "2024", "5", "stored"] in [line.split() for line in done.stdout.splitlines()]


def test_usage_errors_exit_2(tmp_path):
    assert run("ingest", "--raw", str(tmp_path / "missing")).returncode == 2
    done = run("frobnicate")
    assert done.returncode == 2 and "invalid choice" in done.stderr
    assert run("ingest", "--bogus").returncode == 2


def test_query_prints_csv(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "un.csv").write_text(f"{UN_HEADER}\n{DK}\n")
    assert run("ingest", "--raw", str(raw), "--processed", str(tmp_path / "p")).returncode == 0
    done = run(
        "query",
        "--processed",
        str(tmp_path / "p"),
        "SELECT entity, rank, value FROM observations WHERE indicator = 'egdi'",
    )
    assert done.returncode == 0
    assert done.stdout.splitlines() == ["entity,rank,value", "Denmark,1,0.9847"]


def test_query_error_is_one_line(tmp_path):
    done = run("query", "--processed", str(tmp_path / "p"), "SELECT nope FROM observations")
    assert done.returncode == 1
    assert done.stderr.startswith("error: query failed:") and len(done.stderr.splitlines()) == 1


def test_query_on_an_empty_store_has_the_contract_columns(tmp_path):
    done = run("query", "--processed", str(tmp_path / "p"), "SELECT * FROM observations")
    assert done.returncode == 0
    assert done.stdout.splitlines()[0].startswith("source,edition,reference_period,iso3,entity,is_aggregate")


def test_demo_if_empty_does_not_write_beside_data(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "un.csv").write_text(f"{UN_HEADER}\n{DK}\n")
    done = run("demo", "--raw", str(raw), "--if-empty")
    assert done.returncode == 0 and "no demo data written" in done.stdout
    assert not (raw / "demo").exists()
    done = run("demo", "--raw", str(tmp_path / "fresh"), "--if-empty")
    assert done.returncode == 0 and "wrote" in done.stdout
    assert list((tmp_path / "fresh" / "demo").rglob("*.csv"))
