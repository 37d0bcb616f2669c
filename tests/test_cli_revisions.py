"""``python -m rankings revisions`` and the ingest's revision lines, run as users run them."""

from __future__ import annotations

import csv
import io

from test_cli import run

from conftest import UN_HEADER

DK = '2022,"Denmark ",1,0.97170,0.98860,0.97970,0.96680,0.98720'
FI = '2022,"Finland ",2,0.95330,0.96590,0.98330,0.98570,0.89200'
DK_REVISED = DK.replace("0.97170", "0.97210")
FI_REVISED = FI.replace("0.98330", "0.98350")
LINE = "UN E-Government Survey 2022 revised: 2 figures changed, 0 added, 0 removed (python -m rankings revisions)"


def revised_store(tmp_path):
    raw, processed = tmp_path / "raw", tmp_path / "p"
    raw.mkdir()
    (raw / "EGOV_DATA_2022.csv").write_text(f"{UN_HEADER}\n{DK}\n{FI}\n")
    assert run("ingest", "--raw", str(raw), "--processed", str(processed)).returncode == 0
    (raw / "EGOV_DATA_2022.csv").write_text(f"{UN_HEADER}\n{DK_REVISED}\n{FI_REVISED}\n")
    done = run("ingest", "--raw", str(raw), "--processed", str(processed))
    assert done.returncode == 0, done.stderr
    return done, processed


def test_ingest_names_the_revised_edition_and_revisions_lists_both_changes(tmp_path):
    done, processed = revised_store(tmp_path)
    assert done.stdout.splitlines()[-1] == LINE
    listed = run("revisions", "--processed", str(processed))
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("UN E-Government Survey 2022, revised 20")
    assert "EGOV_DATA_2022.csv (" in lines[0] and " -> EGOV_DATA_2022.csv (" in lines[0]
    assert lines[1:] == ["  DNK egdi 0.97170 -> 0.97210", "  FIN osi 0.98330 -> 0.98350"]


def test_filters_and_csv(tmp_path):
    _, processed = revised_store(tmp_path)
    fin = run("revisions", "--processed", str(processed), "--country", "fin")
    assert fin.stdout.splitlines()[1:] == ["  FIN osi 0.98330 -> 0.98350"]
    by_edition = run("revisions", "--processed", str(processed), "--source", "un_egov", "--edition", "2022")
    assert len(by_edition.stdout.splitlines()) == 3
    none = run("revisions", "--processed", str(processed), "--edition", "2020")
    assert (none.returncode, none.stdout.strip()) == (0, "No revised figures for edition 2020 in the store.")
    table = run("revisions", "--processed", str(processed), "--csv")
    records = list(csv.DictReader(io.StringIO(table.stdout)))
    assert [(r["iso3"], r["indicator"], r["old_value"], r["new_value"], r["change"]) for r in records] == [
        ("DNK", "egdi", "0.9717", "0.9721", "changed"),
        ("FIN", "osi", "0.9833", "0.9835", "changed"),
    ]
    assert {r["old_rank_official"] for r in records} == {"True", "False"}  # EGDI rank published, OSI computed


def test_no_revisions_says_so_and_exits_0(tmp_path):
    done = run("revisions", "--processed", str(tmp_path / "empty"))
    assert (done.returncode, done.stdout.strip()) == (0, "No revised figures in the store.")


def test_usage_errors_exit_2_with_one_line(tmp_path):
    for args, wanted in (
        (["--source", "nope"], "unknown source 'nope'"),
        (["--country", "Denmark"], "is not an ISO3 code"),
        (["--edition", "twenty"], "invalid int value"),
    ):
        done = run("revisions", "--processed", str(tmp_path), *args)
        assert done.returncode == 2 and wanted in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr


def test_a_damaged_log_part_is_one_line_not_a_traceback(tmp_path):
    _, processed = revised_store(tmp_path)
    (part,) = (processed / "revisions").glob("*.parquet")
    part.write_bytes(b"not parquet")
    done = run("revisions", "--processed", str(processed))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {processed}: the revision log cannot be read (")
