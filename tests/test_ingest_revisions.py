"""Revisions through the ingest: a corrected file is compared with the stored version and logged in the same
commit as its parts; a file that fails changes nothing, the log included."""

from __future__ import annotations

import pytest
from test_ingest import DK, EE, store_bytes

from rankings import db, ingest, queries
from rankings.demo import write_demo
from rankings.store import REVISIONS, Store

DK_REVISED = [*DK[:3], "0.98510", *DK[4:]]  # EGDI 0.98470 -> 0.98510
EE_REVISED = [*EE[:5], "0.99990", *EE[6:]]  # OSI 1.00000 -> 0.99990
LINE = "UN E-Government Survey 2024 revised: {n} figures changed, 0 added, 0 removed (python -m rankings revisions)"


def headline(processed, iso3: str, indicator: str = "egdi"):
    return db.query(
        "SELECT value, revised_at, was_value, was_value_status, was_decimals FROM headline "
        "WHERE iso3 = ? AND indicator = ?",
        [iso3, indicator],
        processed=processed,
    ).iloc[0]


def test_the_same_file_with_new_figures_is_a_revision_logged_and_marked(un_csv, tmp_path):
    path = un_csv([DK, EE])
    processed = tmp_path / "processed"
    first = ingest.ingest(path.parent, processed)
    assert first.revisions == []
    un_csv([DK_REVISED, EE_REVISED])
    report = ingest.ingest(path.parent, processed)
    assert [r.line() for r in report.revisions] == [LINE.format(n=2)]

    log = queries.revisions(processed=processed)
    assert sorted(zip(log["iso3"], log["indicator"], log["old_value"], log["new_value"], strict=True)) == [
        ("DNK", "egdi", 0.9847, 0.9851),
        ("EST", "osi", 1.0, 0.9999),
    ]
    manifest = Store(processed).load_manifest()
    entry = manifest.files["EGOV_DATA_2024.csv"]
    assert set(log["new_sha256"]) == {entry.stored_sha256}
    assert set(log["old_file"]) == {"EGOV_DATA_2024.csv"} and set(log["old_sha256"]) != {entry.stored_sha256}
    assert len(manifest.revisions) == 1 and manifest.revisions[0].startswith(f"{REVISIONS}/")

    dk = headline(processed, "DNK")
    assert (dk["value"], dk["was_value"], dk["was_value_status"], dk["was_decimals"]) == (
        0.9851,
        0.9847,
        "published",
        5,
    )
    assert str(dk["revised_at"]) == log["revised_at"].iloc[0]
    assert headline(processed, "EST")["revised_at"] is None or str(headline(processed, "EST")["revised_at"]) == "nan"

    # Nothing new: no second revision; the same figures again later do not repeat the log.
    again = ingest.ingest(path.parent, processed)
    assert again.revisions == [] and len(queries.revisions(processed=processed)) == 2


def test_a_revised_figure_revised_back_is_logged_twice_and_marked_with_the_latest(un_csv, tmp_path):
    path = un_csv([DK, EE])
    processed = tmp_path / "processed"
    ingest.ingest(path.parent, processed)
    un_csv([DK_REVISED, EE])
    ingest.ingest(path.parent, processed)
    un_csv([DK, EE])
    report = ingest.ingest(path.parent, processed)
    assert [r.line() for r in report.revisions] == [LINE.format(n=1).replace("figures", "figure")]
    log = queries.revisions(processed=processed)
    assert list(zip(log["old_value"], log["new_value"], strict=True)) == [(0.9851, 0.9847), (0.9847, 0.9851)]
    dk = headline(processed, "DNK")
    assert (dk["value"], dk["was_value"]) == (0.9847, 0.9851)


def test_a_new_file_in_place_of_a_removed_one_with_the_same_edition_is_a_revision(un_csv, tmp_path):
    path = un_csv([DK, EE])
    processed = tmp_path / "processed"
    ingest.ingest(path.parent, processed)
    path.unlink()
    un_csv([DK_REVISED, EE], name="EGOV_DATA_2024_corrected.csv")
    report = ingest.ingest(path.parent, processed)
    assert [(r.path, r.status) for r in report.results] == [
        ("EGOV_DATA_2024.csv", "removed"),
        ("EGOV_DATA_2024_corrected.csv", "stored"),
    ]
    assert [r.line() for r in report.revisions] == [LINE.format(n=1).replace("figures", "figure")]
    log = queries.revisions(processed=processed)
    assert list(zip(log["old_file"], log["new_file"], log["iso3"], strict=True)) == [
        ("EGOV_DATA_2024.csv", "EGOV_DATA_2024_corrected.csv", "DNK")
    ]
    assert set(Store(processed).load_manifest().files) == {"EGOV_DATA_2024_corrected.csv"}
    assert headline(processed, "DNK")["was_value"] == 0.9847


def test_a_file_for_another_edition_is_not_a_revision_of_a_removed_one(un_csv, tmp_path):
    path = un_csv([DK, EE])
    processed = tmp_path / "processed"
    ingest.ingest(path.parent, processed)
    path.unlink()
    un_csv([[("2022" if i == 0 else c) for i, c in enumerate(DK_REVISED)]], name="EGOV_DATA_2022.csv")
    report = ingest.ingest(path.parent, processed)
    assert report.revisions == [] and queries.revisions(processed=processed).empty


def test_a_file_that_fails_changes_nothing_the_log_included(un_csv, tmp_path):
    path = un_csv([DK, EE])
    processed = tmp_path / "processed"
    ingest.ingest(path.parent, processed)
    un_csv([DK_REVISED, EE])
    ingest.ingest(path.parent, processed)
    before = store_bytes(processed)
    log_before = queries.revisions(processed=processed)
    un_csv([DK_REVISED, EE, [*EE[:3], "1.50000", *EE[4:]]])  # Estonia twice: the file fails validation
    report = ingest.ingest(path.parent, processed)
    assert [r.status for r in report.results] == ["failed"] and report.revisions == []
    after = store_bytes(processed)
    assert {k: v for k, v in after.items() if k != "manifest.json"} == {
        k: v for k, v in before.items() if k != "manifest.json"
    }  # parts and the revision log untouched (the manifest records the failure)
    db.reset()
    assert queries.revisions(processed=processed).equals(log_before)
    assert headline(processed, "DNK")["value"] == 0.9851


def test_rereading_the_same_file_is_not_a_revision(un_csv, tmp_path):
    path = un_csv([DK, EE])
    processed = tmp_path / "processed"
    ingest.ingest(path.parent, processed)
    report = ingest.ingest(path.parent, processed, force=True)
    assert report.revisions == [] and queries.revisions(processed=processed).empty


def test_regenerated_demo_data_is_never_a_revision(tmp_path):
    raw = tmp_path / "raw"
    write_demo(raw)
    ingest.ingest(raw, tmp_path / "processed")
    demo_csv = raw / "demo" / "un_egov" / "DEMO_EGOV_DATA_2022.csv"
    lines = demo_csv.read_bytes().split(b"\n")
    cells = lines[1].split(b",")
    cells[3] = b"0.12345"  # the first country's EGDI
    demo_csv.write_bytes(b"\n".join([lines[0], b",".join(cells), *lines[2:]]))
    report = ingest.ingest(raw, tmp_path / "processed")
    rel = demo_csv.relative_to(raw).as_posix()
    assert [r.status for r in report.results if r.path == rel] == ["stored"]
    assert report.revisions == []


def test_a_crash_after_the_log_is_written_but_before_the_commit_leaves_neither(un_csv, tmp_path, monkeypatch):
    path = un_csv([DK, EE])
    processed = tmp_path / "processed"
    ingest.ingest(path.parent, processed)
    before = store_bytes(processed)
    un_csv([DK_REVISED, EE])
    written = []
    real = Store.write_revisions

    def write_then_die(self, log):
        written.append(real(self, log))
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "write_revisions", write_then_die)
    with pytest.raises(KeyboardInterrupt):
        ingest.ingest(path.parent, processed)
    monkeypatch.undo()
    assert written and (processed / written[0]).exists()  # an orphan log part, which nothing references
    db.reset()
    assert queries.revisions(processed=processed).empty
    assert headline(processed, "DNK")["value"] == 0.9847
    assert store_bytes(processed)["manifest.json"] == before["manifest.json"]

    report = ingest.ingest(path.parent, processed)  # the next run cleans up and records the revision once
    assert not (processed / written[0]).exists()
    assert [r.line() for r in report.revisions] == [LINE.format(n=1).replace("figures", "figure")]
    assert len(queries.revisions(processed=processed)) == 1


def test_a_new_file_sharing_no_figure_with_a_removed_one_is_not_its_replacement(un_csv, tmp_path):
    # Same source and edition, other figures (as the EU benchmark's report and machine-readable file hold).
    path = un_csv([DK])
    processed = tmp_path / "processed"
    ingest.ingest(path.parent, processed)
    path.unlink()
    un_csv([EE], name="EGOV_DATA_2024_estonia.csv")
    report = ingest.ingest(path.parent, processed)
    assert report.revisions == [] and queries.revisions(processed=processed).empty
    assert sorted((r.path, r.status) for r in report.results) == [
        ("EGOV_DATA_2024.csv", "removed"),
        ("EGOV_DATA_2024_estonia.csv", "stored"),
    ]
