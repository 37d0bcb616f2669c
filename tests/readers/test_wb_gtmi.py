"""The World Bank GTMI reader: every quirk on generated files, then golden tests on the real stacked group file.
The generated values are fictitious."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from conftest import realdata_dir
from rankings import cli, metadata
from rankings.errors import InputError
from rankings.ingest import ingest, read_file
from rankings.rawfile import sha256_of
from rankings.readers import wb_gtmi

HEADER = ["year", "country_code", "country_name", "grp", "gtmi", "cgsi", "psdi", "dcei", "gtei"]
ROWS: list[list[object]] = [
    [2020, "DNK", "Denmark", "A", 0.9012345678, 0.91, 0.92, 0.87, 0.9049382712],
    [2020, "ROM", "Romania", "B", 0.6, 0.55, 0.65, 0.6, 0.6],
    [2020, "KSV", "Kosovo", "C", 0.45, 0.4, 0.5, 0.45, 0.45],
    [2020, "WBG", "Palestine", "C", 0.3, 0.3, 0.3, 0.3, 0.3],
    [2020, "ZAR", "Congo, Dem. Rep.", "D", 0.2, 0.2, 0.2, 0.2, 0.2],
    [2022, "DNK", "Denmark", "A", 0.8, 0.8, 0.8, 0.8, 0.8],
    [2022, "ROU", "Romania", "B", 0.8, 0.7, 0.9, 0.8, 0.8],
    [2022, "WBG", "West Bank and Gaza", "C", 0.4, 0.4, 0.4, 0.4, 0.4],
    [2025, "DNK", "Denmark", "A", 0.95, 1, 0.9, 0.95, 0.95],
    [2025, "KSV", "Kosovo", "A", 0.85, 0.85, 0.85, 0.85, 0.85],
]
JUNK: list[list[object]] = [
    [2025, "0.75", "A", "80", 0.41, None, None, None, None],
    [2025, "0.5", "B", "42", 0.21, None, None, None, 0.0],
    [2025, "0.6571522578", None, None, 648.5, None, None, None, 6.0],
]


def workbook(path: Path, rows: list[list[object]], header: list[str] = HEADER, sheet: str = "Sheet1") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def read(path: Path) -> pd.DataFrame:
    source, _layout, obs = read_file(path, path.name, sha256_of(path))
    assert source == "wb_gtmi"
    return obs


def cell(obs: pd.DataFrame, edition: int, iso3: str, indicator: str) -> pd.Series:
    sel = obs[(obs["edition"] == edition) & (obs["iso3"] == iso3) & (obs["indicator"] == indicator)]
    assert len(sel) == 1
    return sel.iloc[0]


@pytest.fixture
def stacked(tmp_path: Path) -> Path:
    return workbook(tmp_path / "raw" / "groups_data.xlsx", ROWS + JUNK)


def test_values_are_stored_exactly_as_the_workbook_stores_them(stacked: Path) -> None:
    obs = read(stacked)
    assert cell(obs, 2020, "DNK", "gtmi")["value"] == 0.9012345678
    assert cell(obs, 2020, "DNK", "gtei")["value"] == 0.9049382712
    assert pd.isna(cell(obs, 2020, "DNK", "gtmi")["decimals"])  # binary numbers: no printed precision
    assert set(obs["edition"]) == {2020, 2022, 2025}
    assert (obs["reference_period"] == obs["edition"].astype(str)).all()
    assert len(obs) == len(ROWS) * 6


def test_world_bank_codes_are_harmonised(stacked: Path) -> None:
    obs = read(stacked)
    names = obs.drop_duplicates(["edition", "iso3"]).set_index(["edition", "iso3"])["entity"]
    assert names[(2020, "ROU")] == names[(2022, "ROU")] == "Romania"  # ROM in 2020, ROU later
    assert names[(2020, "XKX")] == "Kosovo"  # KSV
    assert names[(2020, "PSE")] == names[(2022, "PSE")]  # WBG, named "Palestine" in 2020 only
    assert names[(2020, "COD")]  # ZAR
    assert not obs["is_aggregate"].any()


def test_summary_rows_at_the_end_are_skipped_with_a_warning(stacked: Path) -> None:
    obs = read(stacked)
    assert obs.attrs["warnings"] == [
        "skipped 3 summary rows at the end of the table (rows 12-14, country_code '0.75', '0.5', "
        "'0.6571522578'): not countries, not stored"
    ]
    assert obs["source_row"].max() == 11 and obs.loc[obs["indicator"] != "gtmi_group", "value"].max() <= 1


def test_no_warning_without_summary_rows(tmp_path: Path) -> None:
    assert not read(workbook(tmp_path / "raw" / "g.xlsx", ROWS)).attrs.get("warnings")


def test_a_summary_row_between_countries_fails(tmp_path: Path) -> None:
    path = workbook(tmp_path / "raw" / "g.xlsx", [*ROWS[:3], JUNK[0], *ROWS[3:]])
    with pytest.raises(InputError, match=r"row 5: country_code '0.75' is not a country code, and rows after it"):
        read(path)


def test_group_is_stored_as_a_number_with_the_mapping_in_the_metadata(stacked: Path) -> None:
    obs = read(stacked)
    group = obs[obs["indicator"] == "gtmi_group"].set_index(["edition", "iso3"])["value"]
    assert group[(2020, "DNK")] == 4 and group[(2020, "ROU")] == 3 and group[(2020, "PSE")] == 2
    assert group[(2020, "COD")] == 1
    meta = metadata.indicator("wb_gtmi", "gtmi_group")
    assert meta.extra["categories"] == {"A": 4, "B": 3, "C": 2, "D": 1} and meta.rank == "none"
    assert obs.loc[obs["indicator"] == "gtmi_group", "rank"].isna().all()


def test_empty_group_is_missing_and_other_letters_fail(tmp_path: Path) -> None:
    rows = [[*ROWS[0][:3], "", *ROWS[0][4:]], *ROWS[1:]]
    obs = read(workbook(tmp_path / "raw" / "g.xlsx", rows))
    assert cell(obs, 2020, "DNK", "gtmi_group")["value_status"] == "missing"
    rows = [[*ROWS[0][:3], "E", *ROWS[0][4:]], *ROWS[1:]]
    with pytest.raises(InputError, match=r"row 2 \(DNK\): grp 'E' is not a GTMI group \(A, B, C, D\)"):
        read(workbook(tmp_path / "raw" / "g2.xlsx", rows))


def test_ranks_are_computed_per_edition(stacked: Path) -> None:
    obs = read(stacked)
    gtmi = obs[(obs["indicator"] == "gtmi") & (obs["edition"] == 2022)].set_index("iso3")
    assert gtmi["rank"].to_dict() == {"DNK": 1, "ROU": 1, "PSE": 3}  # a tie: 0.8 and 0.8
    assert obs.loc[obs["rank"].notna(), "rank_official"].eq(False).all()
    assert "does not rank" in metadata.indicator("wb_gtmi", "gtmi").extra["rank_note"]


def test_out_of_range_and_non_numeric_values_fail(tmp_path: Path) -> None:
    rows = [[*ROWS[0][:5], 1.5, *ROWS[0][6:]], *ROWS[1:]]
    with pytest.raises(InputError, match=r"row 2 \(DNK\): cgsi is 1.5, outside the index's range 0-1"):
        read(workbook(tmp_path / "raw" / "g.xlsx", rows))
    rows = [[*ROWS[0][:6], "n.a.", *ROWS[0][7:]], *ROWS[1:]]
    with pytest.raises(InputError, match=r"row 2 \(DNK\): psdi 'n.a.' is not a number"):
        read(workbook(tmp_path / "raw" / "g2.xlsx", rows))


def test_missing_value_marker_is_missing(tmp_path: Path) -> None:
    rows = [[*ROWS[0][:6], "..", *ROWS[0][7:]], *ROWS[1:]]
    got = cell(read(workbook(tmp_path / "raw" / "g.xlsx", rows)), 2020, "DNK", "psdi")
    assert got["value_status"] == "missing" and pd.isna(got["rank"])


def test_unknown_code_fails_listing_it(tmp_path: Path) -> None:
    rows = [*ROWS, [2025, "XYZ", "Nowhere", "A", 0.9, 0.9, 0.9, 0.9, 0.9]]
    with pytest.raises(InputError, match=r"1 ISO3 codes cannot be matched to a country: 'XYZ'.*wb_gtmi\.yaml"):
        read(workbook(tmp_path / "raw" / "g.xlsx", rows))


def test_same_country_twice_in_an_edition_fails(tmp_path: Path) -> None:
    rows = [*ROWS, [2020, "ROU", "Romania", "B", 0.6, 0.55, 0.65, 0.6, 0.6]]  # ROM and ROU in 2020
    with pytest.raises(InputError, match="share a key: Romania"):
        read(workbook(tmp_path / "raw" / "g.xlsx", rows))


def test_govtech_dataset_group_sheet(tmp_path: Path) -> None:
    # The dataset workbook's group sheet: its own column names (CEI in 2020), among other sheets and columns.
    header = ["Code", "Economy", "Level", "Reg", "Grp", "GTMI", "CGSI", "PSDI", "CEI", "GTEI", "Year"]
    path = tmp_path / "raw" / "govtech.xlsx"
    path.parent.mkdir(parents=True)
    wb = openpyxl.Workbook()
    wb.active.title = "Read Me"
    wb.active.append(["GovTech dataset (fictitious test copy)"])
    ws = wb.create_sheet("GTMI")
    ws.append(header)
    ws.append(["DNK", "Denmark", "HIC", "ECA", "A", 0.9, 0.9, 0.9, 0.9, 0.9, 2020])
    ws.append(["KSV", "Kosovo", "UMC", "ECA", "B", 0.6, 0.6, 0.6, 0.6, 0.6, 2020])
    wb.save(path)
    obs = read(path)
    assert set(obs["sheet"]) == {"GTMI"}
    assert cell(obs, 2020, "XKX", "dcei")["value"] == 0.6


def test_group_sheet_without_year_says_how_to_fix_it(tmp_path: Path) -> None:
    header = ["Code", "Economy", "Grp", "GTMI", "CGSI", "PSDI", "DCEI", "GTEI"]
    path = workbook(tmp_path / "raw" / "g.xlsx", [["DNK", "Denmark", "A", 0.9, 0.9, 0.9, 0.9, 0.9]], header, "GTMI")
    with pytest.raises(InputError, match=r"has no year column.*Add a column `year` holding the edition"):
        read(path)


def test_stacked_file_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "raw" / "g.csv"
    path.parent.mkdir(parents=True)
    path.write_text(",".join(HEADER) + "\n2022,DNK,Denmark,A,0.812,0.8,0.8,0.85,0.8\n", encoding="utf-8")
    got = cell(read(path), 2022, "DNK", "gtmi")
    assert got["value"] == 0.812 and got["decimals"] == 3


def test_ingest_and_cli_report_the_skipped_rows(stacked: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw, processed = stacked.parent, stacked.parent.parent / "processed"
    report = ingest(raw, processed)
    (result,) = report.results
    assert result.status == "stored" and result.warnings and "skipped 3 summary rows" in result.warnings[0]
    entry = json.loads((processed / "manifest.json").read_text(encoding="utf-8"))["files"]["groups_data.xlsx"]
    assert entry["message"].startswith("warning: skipped 3 summary rows")
    capsys.readouterr()
    assert cli.main(["ingest", "--raw", str(raw), "--processed", str(processed), "--force", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "warning: groups_data.xlsx: skipped 3 summary rows at the end of the table (rows 12-14" in err


# --- golden tests on the real stacked group file (../shared/realdata/wb-gtmi) -------------------------------------


@pytest.fixture(scope="module")
def real() -> tuple[Path, pd.DataFrame]:
    path = realdata_dir("wb-gtmi") / "groups_data.xlsx"
    source, layout, obs = read_file(path, path.name, sha256_of(path))
    assert source == "wb_gtmi" and layout == wb_gtmi.LAYOUT
    return path, obs


@pytest.mark.realdata
def test_real_denmark_per_edition(real: tuple[Path, pd.DataFrame]) -> None:
    path, obs = real
    sheet = openpyxl.load_workbook(path, read_only=True).active
    published = {
        int(r[0]): dict(zip(HEADER, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
        if r[1] == "DNK"
    }
    assert sorted(published) == [2020, 2022, 2025]
    dnk = obs[obs["iso3"] == "DNK"]
    for edition, row in published.items():
        got = dnk[dnk["edition"] == edition].set_index("indicator")
        for ind in ("gtmi", "cgsi", "psdi", "dcei", "gtei"):
            assert got.loc[ind, "value"] == row[ind], (edition, ind)
        assert row["grp"] == "A" and got.loc["gtmi_group", "value"] == 4
    gtmi = dnk[dnk["indicator"] == "gtmi"].set_index("edition")
    assert gtmi["value"].round(4).to_dict() == {2020: 0.9295, 2022: 0.8737, 2025: 0.9276}
    assert gtmi["rank"].to_dict() == {2020: 4, 2022: 17, 2025: 17}  # computed among all economies
    assert not gtmi["rank_official"].any()


@pytest.mark.realdata
def test_real_every_stored_value_is_the_published_one(real: tuple[Path, pd.DataFrame]) -> None:
    path, obs = real
    sheet = openpyxl.load_workbook(path, read_only=True).active
    stored = obs.set_index(["source_row", "indicator"])["value"]
    categories = {"A": 4, "B": 3, "C": 2, "D": 1}
    checked = 0
    for line, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if line > 594:
            break  # the summary rows
        record = dict(zip(HEADER, row, strict=True))
        for ind in ("gtmi", "cgsi", "psdi", "dcei", "gtei"):
            assert stored[(line, ind)] == record[ind], (line, ind)
        assert stored[(line, "gtmi_group")] == categories[record["grp"]]
        checked += 1
    assert checked == 593 and len(obs) == 593 * 6


@pytest.mark.realdata
def test_real_codes_harmonised_and_junk_skipped(real: tuple[Path, pd.DataFrame]) -> None:
    _, obs = real
    rows = obs.drop_duplicates(["edition", "iso3"])
    assert rows.groupby("edition").size().to_dict() == {2020: 198, 2022: 198, 2025: 197}
    by_row = rows.set_index("source_row")["iso3"]
    assert by_row[91] == "ROU"  # ROM
    assert {"XKX", "PSE", "AND", "TLS", "COD"} <= set(rows.loc[rows["edition"] == 2020, "iso3"])
    assert set(rows.loc[rows["edition"] == 2025, "iso3"]) >= {"XKX", "PSE"}
    assert obs.attrs["warnings"] == [
        "skipped 5 summary rows at the end of the table (rows 595-599, country_code '0.75', '0.5', '0.25', "
        "'0.65715225784495757', '0.4739137063540888'): not countries, not stored"
    ]
    assert obs["value"].max() <= 4 and obs.loc[obs["indicator"] != "gtmi_group", "value"].max() <= 1
