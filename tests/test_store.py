"""Parts are sorted by country in small row groups, so a one-country query can skip the others."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from rankings import store as store_mod
from rankings.errors import StoreError
from rankings.ingest import ingest
from rankings.store import Store


def test_parts_sorted_by_country_in_row_groups(tmp_path: Path, un_csv, monkeypatch) -> None:
    # Countries deliberately out of order in the file.
    names = ["Sweden", "Denmark", "Finland", "Estonia", "Norway", "Iceland"]
    rows = [["2024", n, str(i + 1), f"0.9{i}", "0.8", "0.7", "0.6", "0.5"] for i, n in enumerate(names)]
    un_csv(rows)
    raw = tmp_path / "raw"
    monkeypatch.setattr(store_mod, "ROW_GROUP_ROWS", 8)
    processed = tmp_path / "processed"
    ingest(raw, processed)
    manifest = Store(processed).load_manifest()
    parts = manifest.live_parts()
    assert parts
    for part in parts:
        pf = pq.ParquetFile(processed / part)
        iso3 = [c for c in pf.read(columns=["iso3"]).column("iso3").to_pylist() if c is not None]
        assert iso3 == sorted(iso3)
        if pf.metadata.num_rows > 8:
            assert pf.metadata.num_row_groups > 1
        assert all(pf.metadata.row_group(i).num_rows <= 8 for i in range(pf.metadata.num_row_groups))


# --- The manifest's journal (issue 13: no rewrite of the whole manifest per file) --------------------------------
def _entry(path: str, rows: int) -> store_mod.FileEntry:
    return store_mod.FileEntry(path=path, sha256="0" * 64, size=1, status="stored", rows=rows)


def test_commits_append_to_the_journal_and_the_run_folds_them_in(tmp_path: Path) -> None:
    store = Store(tmp_path)
    manifest = store.load_manifest()
    store.commit_entry(manifest, "a.csv", _entry("a.csv", 1))
    store.commit_entry(manifest, "b.csv", _entry("b.csv", 2))
    assert not store.manifest_path.exists()  # nothing rewritten per file
    assert len(store.journal_path.read_text().splitlines()) == 2
    seen = store.load_manifest()  # a reader sees every committed entry
    assert {p: e.rows for p, e in seen.files.items()} == {"a.csv": 1, "b.csv": 2}
    store.commit_entry(manifest, "a.csv", None)
    assert set(store.load_manifest().files) == {"b.csv"}

    store.save_manifest(manifest)
    assert not store.journal_path.exists()
    assert set(store.load_manifest().files) == {"b.csv"}


def test_a_torn_last_line_is_ignored_and_lines_already_folded_in_are_not_replayed(tmp_path: Path) -> None:
    store = Store(tmp_path)
    manifest = store.load_manifest()
    store.commit_entry(manifest, "a.csv", _entry("a.csv", 1))
    store.save_manifest(manifest)  # generation 2: holds a.csv
    # A run killed between the rewrite and the journal's removal, then a line torn mid-append.
    store.journal_path.write_text(
        '{"generation": 1, "path": "a.csv", "entry": null}\n{"generation": 3, "path": "b.csv", "ent'
    )
    seen = store.load_manifest()
    assert set(seen.files) == {"a.csv"}  # the old removal is not replayed, the torn line not read
    assert seen.generation == 2


def test_a_damaged_journal_line_is_a_clear_error(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.journal_path.write_text('not json\n{"generation": 1, "path": "a.csv", "entry": null}\n')
    with pytest.raises(StoreError, match=r"manifest\.journal: line 1 cannot be read"):
        store.load_manifest()


def test_an_ingest_leaves_one_manifest_and_no_journal(tmp_path: Path, un_csv) -> None:
    un_csv([["2024", "Denmark", "1", "0.98", "0.9", "0.9", "0.9", "0.9"]])
    un_csv([["2022", "Denmark", "1", "0.97", "0.9", "0.9", "0.9", "0.9"]], name="EGOV_DATA_2022.csv")
    ingest(tmp_path / "raw", tmp_path / "processed")
    processed = Store(tmp_path / "processed")
    assert processed.manifest_path.exists() and not processed.journal_path.exists()
    assert {e.status for e in processed.load_manifest().files.values()} == {"stored"}


# --- The revision log: committed with the parts it belongs to (issue 15) ----------------------------------------
def test_one_commit_sets_and_removes_entries_and_adds_log_parts_together(tmp_path: Path) -> None:
    store = Store(tmp_path)
    manifest = store.load_manifest()
    store.commit_entry(manifest, "old.csv", _entry("old.csv", 1))
    store.commit(manifest, {"new.csv": _entry("new.csv", 2), "old.csv": None}, ["revisions/r1.parquet"])
    assert len(store.journal_path.read_text().splitlines()) == 2  # one line for the three changes
    seen = store.load_manifest()
    assert set(seen.files) == {"new.csv"} and seen.revisions == ["revisions/r1.parquet"]
    store.save_manifest(manifest)
    store.commit(manifest, {"new.csv": _entry("new.csv", 3)}, ["revisions/r2.parquet"])
    seen = store.load_manifest()  # the manifest's log parts, then the journal's
    assert seen.revisions == ["revisions/r1.parquet", "revisions/r2.parquet"] and seen.files["new.csv"].rows == 3


def test_a_torn_commit_adds_neither_its_entry_nor_its_log_part(tmp_path: Path) -> None:
    store = Store(tmp_path)
    manifest = store.load_manifest()
    store.commit_entry(manifest, "a.csv", _entry("a.csv", 1))
    whole = store.journal_path.read_bytes()
    store.commit(manifest, {"a.csv": _entry("a.csv", 2)}, ["revisions/r1.parquet"])
    line = store.journal_path.read_bytes()[len(whole) :]
    for cut in (1, len(line) // 2, len(line) - 1):  # a kill at any byte of the append
        store.journal_path.write_bytes(whole + line[:cut])
        seen = store.load_manifest()
        assert (seen.files["a.csv"].rows, seen.revisions) == (1, [])


def test_unreferenced_log_parts_are_collected_and_referenced_ones_kept(tmp_path: Path) -> None:
    store = Store(tmp_path)
    (tmp_path / "revisions").mkdir()
    for name in ("kept.parquet", "orphan.parquet", ".half.parquet.tmp"):
        (tmp_path / "revisions" / name).write_bytes(b"x")
    manifest = store_mod.Manifest(revisions=["revisions/kept.parquet"])
    assert store.collect_garbage(manifest) == 2
    assert [p.name for p in (tmp_path / "revisions").iterdir()] == ["kept.parquet"]
