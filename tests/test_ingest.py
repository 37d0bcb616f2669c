"""Ingest and store together: atomic per file, mirrors the raw folder, idempotent, never damages stored data."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, realdata_dir
from rankings import db, ingest
from rankings.demo import write_demo
from rankings.store import Store

DK = ["2024", '"Denmark "', "1", "0.98470", "1.00000", "0.99800", "0.95760", "0.99850"]
EE = ["2024", '"Estonia "', "2", "0.97270", "0.98630", "1.00000", "0.92900", "0.98910"]


def store_bytes(processed: Path) -> dict[str, str]:
    """Checksums of every file of a store, to prove a run left it byte-for-byte unchanged."""
    return {
        p.relative_to(processed).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(processed.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def count(processed: Path, where: str = "true") -> int:
    return int(db.query(f"SELECT count(*) AS n FROM observations WHERE {where}", processed=processed)["n"][0])


def test_good_folder_is_stored_and_queryable(un_csv, tmp_path):
    path = un_csv([DK, EE])
    processed = tmp_path / "processed"
    report = ingest.ingest(path.parent, processed)
    assert [(r.path, r.status, r.source, r.editions, r.rows) for r in report.results] == [
        ("EGOV_DATA_2024.csv", "stored", "un_egov", [2024], 10)
    ]
    assert count(processed) == 10
    manifest = json.loads((processed / "manifest.json").read_text())
    entry = manifest["files"]["EGOV_DATA_2024.csv"]
    assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert entry["size"] == path.stat().st_size
    assert (entry["source"], entry["editions"], entry["rows"], entry["status"]) == ("un_egov", [2024], 10, "stored")
    assert entry["ingested_at"].endswith("Z")
    assert all(p.startswith("observations/source=un_egov/edition=2024/") for p in entry["parts"])


def test_reingest_is_idempotent_and_rereads_nothing(un_csv, tmp_path, monkeypatch):
    path = un_csv([DK, EE])
    processed = tmp_path / "processed"
    ingest.ingest(path.parent, processed)
    before = store_bytes(processed)

    def fail(*_a, **_k):
        raise AssertionError("an unchanged file was read again")

    monkeypatch.setattr(ingest, "read_file", fail)
    report = ingest.ingest(path.parent, processed)
    assert [r.status for r in report.results] == ["unchanged"]
    assert store_bytes(processed) == before


def test_force_rereads_unchanged_files(un_csv, tmp_path):
    path = un_csv([DK, EE])
    processed = tmp_path / "processed"
    ingest.ingest(path.parent, processed)
    report = ingest.ingest(path.parent, processed, force=True)
    assert [r.status for r in report.results] == ["stored"]
    assert count(processed) == 10


def test_changed_reference_data_rereads_stored_files(un_csv, tmp_path, monkeypatch):
    path = un_csv([DK])
    processed = tmp_path / "processed"
    ingest.ingest(path.parent, processed)
    monkeypatch.setattr(ingest, "code_fingerprint", lambda: "something-else")
    assert [r.status for r in ingest.ingest(path.parent, processed).results] == ["stored"]


def test_a_failing_file_leaves_stored_data_unchanged(un_csv, tmp_path):
    path = un_csv([DK, EE])
    processed = tmp_path / "processed"
    ingest.ingest(path.parent, processed)
    parts_before = {k: v for k, v in store_bytes(processed).items() if k.startswith("observations/")}
    # The same file is replaced by a broken version: an unknown country.
    un_csv([DK, EE, ["2024", "Atlantis", "3", "0.9", "0.9", "0.9", "0.9", "0.9"]])
    report = ingest.ingest(path.parent, processed)
    assert report.results[0].status == "failed"
    assert "Atlantis" in report.results[0].message
    parts_after = {k: v for k, v in store_bytes(processed).items() if k.startswith("observations/")}
    assert parts_after == parts_before
    assert count(processed) == 10
    entry = Store(processed).load_manifest().files["EGOV_DATA_2024.csv"]
    assert entry.status == "failed" and "previously stored version" in entry.message


def test_one_bad_file_does_not_stop_the_others(un_csv, tmp_path):
    good = un_csv([DK, EE])
    (good.parent / "broken.xlsx").write_text("not a workbook")
    report = ingest.ingest(good.parent, tmp_path / "processed")
    statuses = {r.path: r.status for r in report.results}
    assert statuses == {"EGOV_DATA_2024.csv": "stored", "broken.xlsx": "failed"}
    assert count(tmp_path / "processed") == 10


def test_removing_a_raw_file_removes_its_observations(un_csv, tmp_path):
    path = un_csv([DK, EE])
    other = un_csv([["2022", '"Denmark "', "1", "0.97170", "1.0", "0.9797", "0.9501", "0.9854"]], name="2022.csv")
    processed = tmp_path / "processed"
    ingest.ingest(path.parent, processed)
    assert count(processed, "edition = 2022") == 5
    other.unlink()
    report = ingest.ingest(path.parent, processed)
    assert ("2022.csv", "removed") in [(r.path, r.status) for r in report.results]
    assert count(processed, "edition = 2022") == 0
    assert count(processed) == 10
    assert not list((processed / "observations" / "source=un_egov").glob("edition=2022"))


def test_the_same_observations_from_two_files_fail_the_later_file(un_csv, tmp_path):
    path = un_csv([DK, EE])
    shutil.copy(path, path.parent / "zz_copy.csv")
    report = ingest.ingest(path.parent, tmp_path / "processed")
    statuses = {r.path: r for r in report.results}
    assert statuses["EGOV_DATA_2024.csv"].status == "stored"
    assert statuses["zz_copy.csv"].status == "failed"
    assert "already stored from EGOV_DATA_2024.csv" in statuses["zz_copy.csv"].message


def test_non_data_files_are_ignored(un_csv, tmp_path):
    path = un_csv([DK])
    (path.parent / "README.md").write_text("notes")
    (path.parent / "notes.txt").write_text("notes")
    (path.parent / "~$EGOV.xlsx").write_text("excel lock file")
    report = ingest.ingest(path.parent, tmp_path / "processed")
    assert [r.status for r in report.results] == ["stored"]
    assert sorted(report.ignored) == ["README.md", "notes.txt"]


def test_a_crash_between_parts_and_manifest_keeps_the_old_data(un_csv, tmp_path, monkeypatch):
    path = un_csv([DK, EE])
    processed = tmp_path / "processed"
    ingest.ingest(path.parent, processed)
    before = store_bytes(processed)
    un_csv([DK])  # a changed file whose new parts get written, then the run dies before committing

    def crash(self, manifest, changes, revisions=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "commit", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest.ingest(path.parent, processed)
    monkeypatch.undo()
    db.reset()
    assert count(processed) == 10  # the old version, fully
    assert store_bytes(processed)["manifest.json"] == before["manifest.json"]
    report = ingest.ingest(path.parent, processed)
    assert [r.status for r in report.results] == ["stored"]
    assert count(processed) == 5
    # The orphaned parts of the dead run are gone.
    live = set(Store(processed).load_manifest().live_parts())
    on_disk = {p.relative_to(processed).as_posix() for p in (processed / "observations").rglob("*.parquet")}
    assert on_disk == live


def test_a_failed_commit_stops_the_run_and_the_manifest_lists_only_what_was_written(un_csv, tmp_path, monkeypatch):
    # Files are committed in a second thread while the next is read: a commit that fails (a full disk) must stop
    # the run with its error, and no later file may be listed, as when the run committed one file at a time.
    rows = {"EGOV_DATA_2022.csv": [DK], "EGOV_DATA_2023.csv": [DK, EE], "EGOV_DATA_2024.csv": [EE]}
    for name, data in rows.items():
        path = un_csv([[r[0].replace("2024", name[10:14]), *r[1:]] for r in data], name=name)
    processed = tmp_path / "processed"
    original = Store.write_parts
    calls: list[int] = []

    def full_disk(self, observations):
        calls.append(len(observations))
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return original(self, observations)

    monkeypatch.setattr(Store, "write_parts", full_disk)
    with pytest.raises(OSError, match="No space left"):
        ingest.ingest(path.parent, processed)
    monkeypatch.undo()
    assert list(Store(processed).load_manifest().files) == ["EGOV_DATA_2022.csv"]
    assert len(calls) == 2  # the third file's commit never ran
    report = ingest.ingest(path.parent, processed)
    assert [r.status for r in report.results] == ["unchanged", "stored", "stored"]
    live = set(Store(processed).load_manifest().live_parts())
    on_disk = {p.relative_to(processed).as_posix() for p in (processed / "observations").rglob("*.parquet")}
    assert on_disk == live


def test_sigkill_during_ingest_leaves_a_readable_store(tmp_path):
    """Kill a real ingest process part-way: every file is either fully stored or not at all."""
    raw = tmp_path / "raw"
    write_demo(raw)
    processed = tmp_path / "processed"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "rankings", "ingest", "--raw", str(raw), "--processed", str(processed), "--quiet"]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (processed / "manifest.json").exists():
        time.sleep(0.01)
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    manifest = Store(processed).load_manifest()
    for entry in manifest.files.values():
        n = count(processed, f"source_file = '{entry.path}'")
        assert n == entry.rows, entry.path
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    db.reset()
    assert count(processed) == sum(e.rows for e in Store(processed).load_manifest().files.values()) > 0


def test_demo_data_is_never_stored_beside_official_data(un_csv, tmp_path):
    path = un_csv([DK, EE])
    raw = path.parent
    write_demo(raw)
    processed = tmp_path / "processed"
    report = ingest.ingest(raw, processed)
    skipped = [r for r in report.results if r.status == "skipped"]
    assert len(skipped) == len(report.results) - 1
    assert all("demo" in r.message for r in skipped)
    assert count(processed) == 10
    assert not db.query("SELECT * FROM manifest WHERE is_demo AND status = 'stored'", processed=processed).shape[0]


def test_demo_data_alone_is_stored_and_marked(tmp_path):
    raw = tmp_path / "raw"
    write_demo(raw)
    processed = tmp_path / "processed"
    report = ingest.ingest(raw, processed)
    assert report.results and all(r.status == "stored" for r in report.results)
    flags = db.query("SELECT DISTINCT is_demo FROM manifest", processed=processed)["is_demo"].tolist()
    assert flags == [True]
    # Then official data arrive: the demo observations disappear.
    official = raw / "official"
    official.mkdir()
    (official / "egov.csv").write_text(
        "Survey Year,Country Name,E-Government Rank,E-Government Index,E-Participation Index,"
        "Online Service Index,Human Capital Index,Telecommunication Infrastructure Index\n" + ",".join(DK) + "\n"
    )
    ingest.ingest(raw, processed)
    assert count(processed) == 5


def test_missing_raw_folder_is_an_input_error(tmp_path):
    with pytest.raises(ingest.InputError, match="is not a folder"):
        ingest.ingest(tmp_path / "nope", tmp_path / "processed")


@pytest.mark.realdata
def test_real_un_folder_ingests_every_edition(tmp_path):
    folder = realdata_dir("un-egov")
    report = ingest.ingest(folder, tmp_path / "processed")
    assert {r.status for r in report.results} == {"stored"}
    editions = db.query(
        "SELECT edition, count(*) AS n FROM observations WHERE indicator = 'egdi' GROUP BY 1 ORDER BY 1",
        processed=tmp_path / "processed",
    )
    assert editions["edition"].tolist() == [2003, 2005, 2010, 2014, 2018, 2020]
    assert (editions["n"] == 193).all()
