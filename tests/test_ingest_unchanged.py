"""An ingest that finds nothing changed reads no raw file and imports none of the heavy libraries."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT
from rankings import ingest
from rankings.store import Store

DK = ["2024", '"Denmark "', "1", "0.98470", "1.00000", "0.99800", "0.95760", "0.99850"]
EE = ["2024", '"Estonia "', "2", "0.97270", "0.98630", "1.00000", "0.92900", "0.98910"]


def test_unchanged_files_are_not_read_again(un_csv, tmp_path, monkeypatch):
    path = un_csv([DK, EE])
    processed = tmp_path / "processed"
    ingest.ingest(path.parent, processed)
    hashed: list[str] = []
    original = ingest.sha256_of
    monkeypatch.setattr(ingest, "sha256_of", lambda p: hashed.append(p.name) or original(p))

    report = ingest.ingest(path.parent, processed)
    assert [r.status for r in report.results] == ["unchanged"] and hashed == []

    # Touched but the same: read to be sure, still unchanged, and its new time noted (not read the next time).
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    report = ingest.ingest(path.parent, processed)
    assert [r.status for r in report.results] == ["unchanged"] and hashed == [path.name]
    assert Store(processed).load_manifest().files[path.name].mtime_ns == path.stat().st_mtime_ns
    ingest.ingest(path.parent, processed)
    assert hashed == [path.name]

    # Changed, same size: a new modification time, so it is read and stored again.
    path.write_bytes(path.read_bytes().replace(b"0.97270", b"0.97271"))
    report = ingest.ingest(path.parent, processed)
    assert [r.status for r in report.results] == ["stored"]

    # --force reads every file.
    hashed.clear()
    ingest.ingest(path.parent, processed, force=True)
    assert hashed == [path.name]


def test_an_unchanged_run_imports_neither_pandas_nor_pyarrow(un_csv, tmp_path):
    path = un_csv([DK, EE])
    processed = tmp_path / "processed"
    ingest.ingest(path.parent, processed)
    code = (
        "import json, sys\nfrom rankings.cli import main\n"
        f"main(['ingest', '--raw', {str(path.parent)!r}, '--processed', {str(processed)!r}, '--quiet'])\n"
        "print(json.dumps(sorted(m for m in ('pandas', 'pyarrow', 'numpy', 'duckdb') if m in sys.modules)))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(run.stdout.strip().splitlines()[-1]) == []
