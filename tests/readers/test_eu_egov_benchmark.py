"""EU eGovernment Benchmark readers (report workbook and machine-readable file): every quirk on generated
workbooks, then golden tests on the Commission's real files (skipped when ../shared/realdata is absent)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from conftest import realdata_dir
from rankings import ingest, metadata, readers
from rankings.errors import InputError
from rankings.ingest import read_file
from rankings.rawfile import RawFile, sha256_of
from rankings.readers import eu_egov_benchmark, eu_egov_benchmark_mrf
from rankings.store import Store

SOURCE = "eu_egov_benchmark"
Value = float | str | None

# ---------------------------------------------------------------- generated report workbooks


HEADER = [
    "Biennial average 2021 + 2022",
    "Business life events 2021 + 2022",
    "Citizen life events 2021 + 2022",
    "Average (2022)",
    "Business Start-up (2022)",
    "Family\n(2022)",
    "Central",
    "Regional",
    "Local",
    "Biennial Average 2021 + 2020",  # capital A and the years in reverse order, as in the real files
    "Average (2021)",
    "Owning and driving a car (2021)",
    "Justice (2021)",
]
# Group header over the real header: sparse, as in the Commission's workbooks.
GROUPS = {0: "Overall Score", 1: "Business vs Citizens", 3: "2022 Data collection", 6: "Government level"}


def row(country: str, label: str, values: Sequence[Value]) -> tuple[str, str, list[Value]]:
    return (country, label, list(values))


def full(country: str, base: float) -> list[tuple[str, str, list[Value]]]:
    """One country's rows for the overall score and the four dimensions, all values present."""
    labels = [
        "0. OVERALL SCORE",
        "1. User centricity",
        "2. Transparency",
        "3. Key Enablers",
        "4. Cross-border services",
    ]
    return [row(country, lab, [base + i + k / 10 for k in range(len(HEADER))]) for i, lab in enumerate(labels)]


def write_workbook(
    path: Path,
    rows: list[tuple[str, str, list[Value]]],
    *,
    header: Sequence[str] = HEADER,
    sheet: str = "1. Scores 2022",
    other_sheets: Sequence[str] = ("Cover", "2a. Services EU27+", "3a. Nat. Services - Results"),
    desi: list[list[Value]] | None = None,
    with_scores_header: bool = True,
) -> Path:
    """A report workbook in the Commission's layout: empty column A, a title, a sparse group header, then the
    header row (row 6) and one row per country and indicator. ``"#ERR"`` writes an Excel error cell."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(path)
    for name in other_sheets[:1]:
        ws = wb.add_worksheet(name)
        ws.write(2, 1, "eGovernment Benchmark results for the 2023 Reports")
        ws.write(4, 1, "Country")  # a stray header word elsewhere must not be taken for the table
    ws = wb.add_worksheet(sheet)
    ws.write(2, 1, "1. Overall eGovernment Benchmark scores")
    for pos, text in GROUPS.items():
        ws.write(4, 3 + pos, text)
    if with_scores_header:
        ws.write(5, 1, "Country")
        ws.write(5, 2, "Scoring")
    for pos, text in enumerate(header):
        ws.write(5, 3 + pos, text)
    for i, (country, label, values) in enumerate(rows):
        ws.write(6 + i, 1, country)
        ws.write(6 + i, 2, label)
        for pos, value in enumerate(values):
            if value == "#ERR":
                ws.write_formula(6 + i, 3 + pos, "=1/0", None, "#DIV/0!")
            elif value is not None:
                ws.write(6 + i, 3 + pos, value)
    for name in other_sheets[1:]:
        wb.add_worksheet(name).write(0, 0, "Question")
    if desi is not None:
        ws = wb.add_worksheet("7. DESI Indicators")
        ws.write(2, 1, "7. DESI INDICATORS")
        ws.write_row(15, 1, ["Country", "DESI"])  # the chart data above the table: not read
        ws.write_row(16, 1, ["DK", 99.0])
        ws.write_row(59, 1, ["Country", "Indicator - as used for eGov benchmark", "Indicator - as used for DESI"])
        ws.write(59, 4, "DESI score")
        for i, cells in enumerate(desi):
            ws.write_row(60 + i, 1, cells)
    wb.close()
    return path


@pytest.fixture
def workbook(tmp_path: Path) -> Callable[..., Path]:
    def make(rows: list[tuple[str, str, list[Value]]], name: str = "results.xlsx", **kwargs: object) -> Path:
        return write_workbook(tmp_path / "raw" / name, rows, **kwargs)  # type: ignore[arg-type]

    return make


def read(path: Path) -> pd.DataFrame:
    source, _layout, obs = read_file(path, path.name, sha256_of(path))
    assert source == SOURCE
    return obs


def value(obs: pd.DataFrame, entity: str, indicator: str, period: str | None = None) -> pd.Series:
    sel = obs[(obs["entity"] == entity) & (obs["indicator"] == indicator)]
    if period is not None:
        sel = sel[sel["reference_period"] == period]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def fails(path: Path, *fragments: str) -> str:
    with pytest.raises(InputError) as err:
        read_file(path, path.name, sha256_of(path))
    message = err.value.message
    assert message.startswith(path.name + ": ")
    for fragment in fragments:
        assert fragment in message, message
    return message


BASIC = [*full("DK", 80.0), *full("EE", 85.0), *full("EL", 60.0), *full("AVERAGE_EU27", 70.0), *full("EU27+", 69.0)]


def test_headline_is_the_biennial_average_of_the_latest_two_years(workbook):
    obs = read(workbook(BASIC))
    dk = value(obs, "Denmark", "overall")
    assert dk["value"] == 80.0
    assert dk["edition"] == 2023  # the report year follows its latest measurement year
    assert dk["reference_period"] == "2021+2022"
    assert dk["sheet"] == "1. Scores 2022" and dk["source_row"] == 7
    assert pd.isna(dk["decimals"])  # binary numbers in a workbook: no printed decimals
    # One row per indicator id and period: the headline ids carry only the headline period.
    headline = obs[~obs["indicator"].str.contains("__")]
    assert set(headline["reference_period"]) == {"2021+2022"}
    assert set(headline["indicator"]) == {"overall", "user_centricity", "transparency", "key_enablers", "cross_border"}


def test_the_sheet_year_is_not_the_data_year(workbook):
    obs = read(workbook(BASIC, sheet="1. Scores 2020"))
    assert set(obs["edition"]) == {2023}


def test_the_other_columns_are_separate_series(workbook):
    obs = read(workbook(BASIC))
    # Same numbers as in the fixture's columns, each with its own id and period.
    assert value(obs, "Denmark", "overall__business")["value"] == 80.1
    assert value(obs, "Denmark", "overall__business")["reference_period"] == "2021+2022"
    assert value(obs, "Denmark", "overall__citizen")["value"] == 80.2
    assert value(obs, "Denmark", "overall__year", "2022")["value"] == 80.3
    assert value(obs, "Denmark", "overall__le_business_start_up", "2022")["value"] == 80.4
    assert value(obs, "Denmark", "overall__le_family", "2022")["value"] == 80.5  # header "Family\n(2022)"
    assert value(obs, "Denmark", "overall__biennial", "2020+2021")["value"] == 80.9
    assert value(obs, "Denmark", "overall__year", "2021")["value"] == 81.0
    # A renamed life event keeps its id: "Owning and driving a car" is the later "Transport".
    assert value(obs, "Denmark", "overall__le_transport", "2021")["value"] == 81.1
    assert value(obs, "Denmark", "overall__le_justice", "2021")["value"] == 81.2
    # Government-level columns are not stored; every stored id has metadata.
    assert not obs["indicator"].str.contains("central|regional|local").any()
    assert all((SOURCE, i) in metadata.indicators() for i in obs["indicator"].unique())


def test_header_row_is_found_by_content_below_title_and_group_header(workbook):
    path = workbook(BASIC)
    found = eu_egov_benchmark.detect(RawFile(path, path.name))
    assert found.complete and found.sheet == "1. Scores 2022"
    assert found.header_row == 5
    assert found.columns == {"country": 1, "scoring": 2, "headline": 3}
    reader, _ = readers.detect(RawFile(path, path.name))
    assert reader is eu_egov_benchmark


@pytest.mark.parametrize(
    "headline", ["Biennal Avarage 2021 + 2022", "Biennial average\n2022 + 2021", "BIENNIAL AVERAGE (2021/2022)"]
)
def test_misspelt_and_broken_headline_headers(workbook, headline):
    header = [headline, *(h for h in HEADER[1:] if not h.startswith("Biennial"))]  # the only biennial column
    obs = read(workbook([row(c, lab, [v[0], *v[1:9], *v[10:]]) for c, lab, v in BASIC], header=header))
    assert value(obs, "Denmark", "overall")["reference_period"] == "2021+2022"
    assert set(obs["edition"]) == {2023}


def test_eu_codes_and_aggregates(workbook):
    obs = read(workbook([*BASIC, *full("UK", 75.0)]))
    assert value(obs, "Greece", "overall")["iso3"] == "GRC"
    assert value(obs, "United Kingdom", "overall")["iso3"] == "GBR"
    aggregates = obs[obs["is_aggregate"]]
    assert set(aggregates["entity"]) == {"EU27 average", "EU27+ average"}
    assert aggregates["iso3"].isna().all()
    assert aggregates["rank"].isna().all()  # aggregates are never ranked
    assert value(obs, "EU27 average", "overall")["value"] == 70.0


def test_ranks_are_computed_among_countries_with_ties(workbook):
    rows = [*full("DK", 80.0), *full("EE", 85.0), *full("FI", 80.0), *full("EL", 60.0), *full("AVERAGE_EU27", 90.0)]
    obs = read(workbook(rows))
    ranks = {e: value(obs, e, "overall")["rank"] for e in ("Estonia", "Denmark", "Finland", "Greece")}
    assert ranks == {"Estonia": 1, "Denmark": 2, "Finland": 2, "Greece": 4}  # the EU average above all is not ranked
    assert not obs.loc[obs["rank"].notna(), "rank_official"].any()
    # Ranked per edition, period and indicator: the single-year series has its own ranking.
    assert value(obs, "Estonia", "overall__year", "2021")["rank"] == 1


@pytest.mark.parametrize("marker", [".", ". ", "#DIV/0!", "#ERR"])
def test_missing_value_markers(workbook, marker):
    rows = [*full("DK", 80.0), *full("EE", 85.0)]
    rows[0][2][0] = marker  # Denmark's headline overall score
    obs = read(workbook(rows))
    dk = value(obs, "Denmark", "overall")
    assert pd.isna(dk["value"]) and pd.isna(dk["rank"])
    assert dk["value_status"] == "missing"


def test_not_assessed_country_year_and_indicator(workbook):
    rows = [*full("DK", 80.0), *full("EE", 85.0), *full("AL", 50.0)]
    for _country, _label, values in rows:
        if _country == "AL":
            values[10] = "."  # Albania not in the 2021 measurement
        values[12] = "."  # "Justice (2021)" measured for nobody
    rows[1][2][10] = "."  # Denmark: one gap in 2021, a missing value
    obs = read(workbook(rows))
    assert value(obs, "Albania", "overall__year", "2021")["value_status"] == "not_assessed"
    assert value(obs, "Denmark", "user_centricity__year", "2021")["value_status"] == "missing"
    assert value(obs, "Denmark", "overall__le_justice", "2021")["value_status"] == "not_assessed"
    assert value(obs, "Denmark", "overall__year", "2021")["value_status"] == "published"


def test_renamed_indicator_keeps_its_id_and_labels_are_matched_without_numbers(workbook):
    old = read(workbook([row("DK", "3.3 Authentic sources", [70.0] * len(HEADER))], name="old.xlsx"))
    new = read(workbook([row("DK", "3.3 Pre-filled forms", [71.0] * len(HEADER))], name="new.xlsx"))
    assert value(old, "Denmark", "prefilled_forms")["value"] == 70.0
    assert value(new, "Denmark", "prefilled_forms")["value"] == 71.0
    labels = [entry["label"] for entry in metadata.indicator(SOURCE, "prefilled_forms").extra["labels"]]
    assert labels == ["3.3 Authentic sources", "3.3 Pre-filled forms"]
    odd = read(workbook([row("DK", "2.x Transparency of public organisations (old indicator)", [1.0] * 13)]))
    assert value(odd, "Denmark", "transparency_public_organisations")["value"] == 1.0


def test_notes_and_empty_rows_below_the_table_are_ignored(workbook):
    rows = [*full("DK", 80.0), row("", "", []), row("Source: European Commission", "", [])]
    obs = read(workbook(rows))
    assert set(obs["entity"]) == {"Denmark"}


def test_desi_sheet_is_read_when_present(workbook):
    desi = [
        ["The DESI Pre-filled forms indicator measures ...", "", "", "Biennial average 2021/2022"],
        ["DK", "3.3 Pre-filled forms", "4a4 Pre-filled forms", 87.3],
        ["EE", "3.3 Pre-filled forms", "4a4 Pre-filled forms", 87.5],
        ["The DESI Digital public services for citizens ...", "", "", "Biennial average 2021/2022"],
        ["", "", "", "", "1.1 Online availability", "4.1 Cross-border online availability"],
        ["DK", "(Crosss-border) Online availability", "4a2 Digital public services for citizens", 84.0, 99.5, 68.6],
        ["AVERAGE_EU27", "(Crosss-border) Online availability", "4a2 Digital public services for citizens", 77.0],
    ]
    obs = read(workbook(BASIC, desi=desi))
    pf = value(obs, "Denmark", "desi_prefilled_forms")
    assert (pf["value"], pf["reference_period"], pf["rank"], pf["sheet"]) == (
        87.3,
        "2021+2022",
        2,
        "7. DESI Indicators",
    )
    assert value(obs, "Denmark", "desi_dps_citizens")["value"] == 84.0
    assert value(obs, "EU27 average", "desi_dps_citizens")["is_aggregate"]
    assert "desi_dps_citizens" not in set(read(workbook(BASIC, name="nodesi.xlsx"))["indicator"])


def test_desi_sheet_with_an_unknown_indicator_fails_with_the_label(workbook):
    desi = [["x", "", "", "Biennial average 2021/2022"], ["DK", "x", "4a9 Quantum readiness", 50.0]]
    fails(workbook(BASIC, desi=desi), "7. DESI Indicators", "'4a9 Quantum readiness'", "labels")


# ---------------------------------------------------------------- bad report workbooks


def test_workbook_without_scores_sheet(workbook):
    path = workbook(BASIC, sheet="Results", other_sheets=("Cover", "3a. Nat. Services - Results"))
    fails(path, "no supported layout", "EU eGovernment Benchmark report workbook", "'1. Scores <year>'")


def test_scores_sheet_without_header(workbook):
    fails(workbook(BASIC, with_scores_header=False), "closest is the EU eGovernment Benchmark", "'Country'")


def test_unknown_country_code_fails_listing_it(workbook):
    fails(workbook([*BASIC, *full("XX", 50.0)]), "cannot be matched", "'XX'", "eu_egov_benchmark.yaml")


def test_non_numeric_value_names_row_and_column(workbook):
    rows = [*full("DK", 80.0)]
    rows[2][2][3] = "n.a. (see note)"
    fails(workbook(rows), "row 9, column 'Average (2022)'", "'n.a. (see note)' is not a number")


def test_unknown_indicator_label_fails(workbook):
    fails(workbook([row("DK", "5. Quantum readiness", [1.0] * 13)]), "'5. Quantum readiness' (row 7)", "labels")


def test_unknown_column_fails(workbook):
    fails(workbook(BASIC, header=[*HEADER, "Teleportation (2022)"]), "'Teleportation (2022)'", "life events")


def test_biennial_of_non_consecutive_years_fails(workbook):
    header = ["Biennial average 2019 + 2022", *HEADER[1:]]
    fails(workbook(BASIC, header=header), "2019 and 2022, which are not consecutive")


def test_score_out_of_range_fails(workbook):
    rows = [*full("DK", 80.0)]
    rows[0][2][0] = 180.0
    fails(workbook(rows), "row 7", "overall of DK is 180.0, outside the score range")


def test_country_without_indicator_and_indicator_without_country(workbook):
    fails(workbook([*full("DK", 80.0), row("EE", "", [1.0])]), "row 12 has scores but no indicator")
    fails(workbook([row("", "0. OVERALL SCORE", [1.0] * 13)], name="b.xlsx"), "'0. OVERALL SCORE' has no country")


def test_duplicate_rows_fail(workbook):
    fails(workbook([*full("DK", 80.0), *full("DK", 81.0)]), "share a key", "Denmark")


def test_failed_file_leaves_stored_data_untouched(workbook, tmp_path):
    path = workbook(BASIC)
    processed = tmp_path / "processed"
    assert [r.status for r in ingest.ingest(path.parent, processed).results] == ["stored"]
    parts = sorted(p.name for p in (processed / "observations").rglob("*.parquet"))
    write_workbook(path, [*BASIC, *full("XX", 50.0)])  # the same file replaced by a broken version
    report = ingest.ingest(path.parent, processed)
    assert [r.status for r in report.results] == ["failed"]
    assert report.results[0].message.count("\n") == 0 and "'XX'" in report.results[0].message
    assert sorted(p.name for p in (processed / "observations").rglob("*.parquet")) == parts
    assert Store(processed).load_manifest().files["results.xlsx"].rows > 0


# ---------------------------------------------------------------- generated machine-readable files

MRF_HEADER = ["year", "Country", "variable", "brkdown", "unit", "Value"]


def write_mrf(path: Path, rows: list[list[Value]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Machine Readable Format")
    ws.write_row(0, 0, MRF_HEADER)
    for i, cells in enumerate(rows):
        ws.write_row(1 + i, 0, cells)
    wb.close()
    return path


MRF_ROWS: list[list[Value]] = [
    [2019.0, "DK", "", "EGOV_LIFE_EVENTS", "eGov_score", 97.25],  # before 2020: no variable code
    [2019.0, "DK", "", "e_gov_EVENTS_1", "eGov_score", 100.0],
    [2021.0, "DK", "e_gov_0_score", "EGOV_LIFE_EVENTS", "eGov_score", 84.3],
    [2021.0, "DK", "e_gov_1b_uc_mf", "e_gov_EVENTS_3", "eGov_score", 98.4],
    [2022.0, "DK", "e_gov_0_score", "EGOV_LIFE_EVENTS", "eGov_score", 85.1],
    [2022.0, "DK", "e_gov_1b_UC_MF", "e_gov_EVENTS_5", "eGov_score", 100.0],
    [2022.0, "DK", "e_gov_3c_KE_AS", "e_gov_EVENTS_6", "eGov_score", "."],
    [2022.0, "EE", "e_gov_0_score", "EGOV_LIFE_EVENTS", "eGov_score", 91.8],
    [2022.0, "EL", "e_gov_0_score", "EGOV_LIFE_EVENTS", "eGov_score", 60.0],
    [2022.0, "EU", "e_gov_0_score", "EGOV_LIFE_EVENTS", "eGov_score", 99.0],
    [2022.0, "EUplus", "e_gov_0_score", "EGOV_LIFE_EVENTS", "eGov_score", 98.0],
]


def test_mrf_series_periods_and_edition(tmp_path):
    path = write_mrf(tmp_path / "mrf.xlsx", MRF_ROWS)
    obs = read(path)
    assert set(obs["edition"]) == {2023}  # latest measurement year + 1, as the report of the same release
    # EGOV_LIFE_EVENTS is the biennial average ending in the row's year.
    dk = value(obs, "Denmark", "overall__mrf_biennial", "2021+2022")
    assert (dk["value"], dk["rank"], dk["source_row"]) == (85.1, 2, 6)
    assert value(obs, "Denmark", "overall__mrf_biennial", "2020+2021")["value"] == 84.3
    # Life-event codes are single-year scores; variable codes in either letter case are the same indicator.
    assert value(obs, "Denmark", "mobile_friendliness__mrf_le_transport", "2021")["value"] == 98.4
    assert value(obs, "Denmark", "mobile_friendliness__mrf_le_business_start_up", "2022")["value"] == 100.0
    assert value(obs, "Denmark", "prefilled_forms__mrf_le_family", "2022")["value_status"] == "not_assessed"
    assert value(obs, "EU27 average", "overall__mrf_biennial")["is_aggregate"]
    assert value(obs, "EU27+ average", "overall__mrf_biennial")["rank"] is pd.NA
    assert value(obs, "Greece", "overall__mrf_biennial")["iso3"] == "GRC"
    assert all((SOURCE, i) in metadata.indicators() for i in obs["indicator"].unique())
    # Rows without a variable code are not stored, and the reader says so.
    assert len(obs) == len(MRF_ROWS) - 2
    assert "2 rows (measurement years 2019-2019) carry no variable code" in obs.attrs["warnings"][0]


def test_mrf_is_detected_by_its_header(tmp_path):
    path = write_mrf(tmp_path / "anything.xlsx", MRF_ROWS)
    reader, found = readers.detect(RawFile(path, path.name))
    assert reader is eu_egov_benchmark_mrf and found.header_row == 0


@pytest.mark.parametrize(
    ("bad_row", "fragment"),
    [
        ([2022.0, "DK", "e_gov_9_teleport", "EGOV_LIFE_EVENTS", "eGov_score", 1.0], "'e_gov_9_teleport' (row 13)"),
        ([2022.0, "DK", "e_gov_0_score", "e_gov_EVENTS_42", "eGov_score", 1.0], "'e_gov_EVENTS_42' (row 13)"),
        ([2022.0, "DK", "e_gov_0_score", "e_gov_EVENTS_1", "percent", 1.0], "row 13: unit 'percent'"),
        ([2022.0, "XX", "e_gov_0_score", "e_gov_EVENTS_1", "eGov_score", 1.0], "'XX'"),
        ([2022.0, "DK", "e_gov_0_score", "e_gov_EVENTS_1", "eGov_score", "n/a?"], "row 13: Value 'n/a?' is not"),
        (["last year", "DK", "e_gov_0_score", "e_gov_EVENTS_1", "eGov_score", 1.0], "row 13: year"),
    ],
)
def test_mrf_bad_rows_fail_with_the_row(tmp_path, bad_row, fragment):
    fails(write_mrf(tmp_path / "mrf.xlsx", [*MRF_ROWS, bad_row]), fragment)


def test_mrf_without_any_variable_code_fails(tmp_path):
    fails(write_mrf(tmp_path / "mrf.xlsx", MRF_ROWS[:2]), "none of its 2 rows carries a variable code")


def test_workbook_and_mrf_of_one_release_are_stored_side_by_side(workbook, tmp_path):
    path = workbook(BASIC)
    write_mrf(path.parent / "mrf.xlsx", MRF_ROWS)
    report = ingest.ingest(path.parent, tmp_path / "processed")
    assert {r.path: r.status for r in report.results} == {"mrf.xlsx": "stored", "results.xlsx": "stored"}


# ---------------------------------------------------------------- golden tests on the Commission's files

REPORTS = {
    # file: (edition, headline period, scores sheet, countries assessed)
    "eGovernment_Benchmark_2021__Source_Data.xlsx": (2021, "2019+2020", "1. Scores 2020", 36),
    "6_eGovernment_Benchmark_2023__Final_Results.xlsx": (2023, "2021+2022", "1. Scores 2022", 35),
}
# Denmark's published headline scores (biennial averages), to 6 decimals, and the computed rank among countries.
DENMARK = {
    2021: {
        "overall": (85.403228, 3),
        "user_centricity": (97.790542, 3),
        "transparency": (79.370635, 6),
        "key_enablers": (92.489931, 4),
        "cross_border": (71.961806, 8),
    },
    2023: {
        "overall": (85.116677, 8),
        "user_centricity": (97.909857, 4),
        "transparency": (78.018603, 7),
        "key_enablers": (94.088514, 5),
        "cross_border": (70.449735, 10),
    },
}
DIMENSION_LABELS = {
    "overall": "0. OVERALL SCORE",
    "user_centricity": "1. User centricity",
    "transparency": "2. Transparency",
    "key_enablers": "3. Key Enablers",
    "cross_border": "4. Cross-border services",
}


@pytest.fixture(scope="module")
def real_reports() -> dict[str, pd.DataFrame]:
    folder = realdata_dir("eu-egov-benchmark")
    out = {}
    for name in REPORTS:
        path = folder / name
        if not path.exists():
            pytest.skip(f"real published file not available ({path} is absent)")
        out[name] = read(path)
    return out


def published_cells(path: Path, sheet: str, column: int = 3) -> dict[tuple[str, str], object]:
    """The headline column of a scores sheet read straight with python-calamine: (country, label) -> cell."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return {(str(r[1]).strip(), str(r[2]).strip()): r[column] for r in rows[6:] if len(r) > column and r[2]}


@pytest.mark.realdata
@pytest.mark.parametrize("name", list(REPORTS))
def test_real_report_denmark_headline_and_computed_rank(real_reports, name):
    edition, period, _sheet, _n = REPORTS[name]
    obs = real_reports[name]
    assert set(obs["edition"]) == {edition}
    for indicator, (expected, rank) in DENMARK[edition].items():
        dk = value(obs, "Denmark", indicator, period)
        assert dk["value"] == pytest.approx(expected, abs=5e-7), indicator
        assert dk["rank"] == rank and not dk["rank_official"], indicator
        assert dk["value_status"] == "published"


@pytest.mark.realdata
@pytest.mark.parametrize("name", list(REPORTS))
def test_real_report_headline_values_equal_the_workbook_cells(real_reports, name):
    _edition, period, sheet, _n = REPORTS[name]
    cells = published_cells(realdata_dir("eu-egov-benchmark") / name, sheet)
    obs = real_reports[name]
    headline = obs[~obs["indicator"].str.contains("__") & ~obs["indicator"].str.startswith("desi_")]
    assert len(headline) == len(cells)
    codes = {"Denmark": "DK", "Greece": "EL", "EU27 average": "AVERAGE_EU27", "EU27+ average": "EU27+"}
    for entity, code in codes.items():
        for indicator in DIMENSION_LABELS:
            cell = cells[(code, DIMENSION_LABELS[indicator])]
            stored = value(obs, entity, indicator, period)
            assert stored["value"] == cell, (entity, indicator)  # exactly the published binary number
    # Every published number of the headline column is stored unchanged; every marker as not published.
    numbers = sum(isinstance(c, float) for c in cells.values())
    assert int((headline["value_status"] == "published").sum()) == numbers
    assert sorted(headline["value"].dropna()) == sorted(c for c in cells.values() if isinstance(c, float))


@pytest.mark.realdata
@pytest.mark.parametrize("name", list(REPORTS))
def test_real_report_countries_harmonised_and_aggregates_apart(real_reports, name):
    _edition, period, _sheet, n_countries = REPORTS[name]
    obs = real_reports[name]
    countries = obs[~obs["is_aggregate"]]
    assert countries["iso3"].notna().all()
    assert countries["iso3"].nunique() == n_countries
    assert {"DNK", "GRC", "EST", "MLT", "ALB", "TUR", "CHE", "NOR", "ISL"} <= set(countries["iso3"])
    assert ("GBR" in set(countries["iso3"])) == (n_countries == 36)  # the UK left the benchmark after 2021
    aggregates = obs[obs["is_aggregate"]]
    assert set(aggregates["entity"]) == {"EU27 average", "EU27+ average"}
    assert aggregates["rank"].isna().all()
    # Competition ranks among countries: 1 + the number of countries with a higher score.
    headline = countries[(countries["reference_period"] == period) & countries["value"].notna()]
    for _indicator, group in headline.groupby("indicator"):
        expected = [1 + int((group["value"] > v).sum()) for v in group["value"]]
        assert group["rank"].tolist() == expected


@pytest.mark.realdata
def test_real_report_renamed_indicator_and_older_years(real_reports):
    old = real_reports["eGovernment_Benchmark_2021__Source_Data.xlsx"]
    new = real_reports["6_eGovernment_Benchmark_2023__Final_Results.xlsx"]
    # "3.3 Authentic sources" (2021) and "3.3 Pre-filled forms" (2023): one id.
    assert value(old, "Denmark", "prefilled_forms")["value"] == pytest.approx(84.375)
    assert value(new, "Denmark", "prefilled_forms")["value"] == pytest.approx(87.301587, abs=5e-7)
    # The 2023 report republishes the 2021 report's headline as an earlier biennial average, under its own id.
    assert value(new, "Denmark", "overall__biennial", "2019+2020")["value"] == value(old, "Denmark", "overall")["value"]
    assert value(new, "Denmark", "overall__year", "2022")["value"] == pytest.approx(89.147782, abs=5e-7)
    assert value(new, "Denmark", "overall__le_health", "2021")["value"] == pytest.approx(78.849206, abs=5e-7)
    # The DESI sheet: the benchmark team's DESI inputs.
    assert value(new, "Denmark", "desi_dps_citizens")["value"] == pytest.approx(84.047619, abs=5e-7)
    assert value(old, "Denmark", "desi_prefilled_forms")["value"] == pytest.approx(84.375)


@pytest.fixture(scope="module")
def real_mrf() -> pd.DataFrame:
    path = realdata_dir("eu-egov-benchmark") / "8_eGovernment_Benchmark_2023__Machine_readable_format.xlsx"
    if not path.exists():
        pytest.skip(f"real published file not available ({path} is absent)")
    return read(path)


@pytest.mark.realdata
def test_real_mrf_biennials_equal_the_report_headline(real_mrf, real_reports):
    report = real_reports["6_eGovernment_Benchmark_2023__Final_Results.xlsx"]
    assert set(real_mrf["edition"]) == {2023}
    assert "23910 rows (measurement years 2012-2019) carry no variable code" in real_mrf.attrs["warnings"][0]
    mrf = real_mrf[real_mrf["indicator"].str.endswith("__mrf_biennial") & (real_mrf["reference_period"] == "2021+2022")]
    mrf = mrf.assign(indicator=mrf["indicator"].str.replace("__mrf_biennial", "")).set_index(["entity", "indicator"])
    headline = report[report["reference_period"] == "2021+2022"].set_index(["entity", "indicator"])
    joined = mrf[["value"]].join(headline[["value"]].rename(columns={"value": "value_report"}), how="inner")
    assert len(joined) == len(mrf) == 37 * 19
    assert (joined["value"].fillna(-1) == joined["value_report"].fillna(-1)).all()
    assert value(real_mrf, "Denmark", "overall__mrf_biennial", "2021+2022")["rank"] == 8


@pytest.mark.realdata
def test_real_mrf_2022_overall_per_life_event_counts_cross_border_as_zero(real_mrf, real_reports):
    """A surprise in the Commission's machine-readable file, kept as published (the metadata warns)."""
    report = real_reports["6_eGovernment_Benchmark_2023__Final_Results.xlsx"]
    dims = ["user_centricity", "transparency", "key_enablers"]
    le = "business_start_up"
    mean_without_cb = sum(value(report, "Denmark", f"{d}__le_{le}", "2022")["value"] for d in dims) / 4
    assert value(real_mrf, "Denmark", f"overall__mrf_le_{le}", "2022")["value"] == pytest.approx(mean_without_cb)
    assert value(report, "Denmark", f"overall__le_{le}", "2022")["value"] == pytest.approx(90.869048, abs=5e-7)


@pytest.mark.realdata
def test_all_real_eu_files_ingest_into_one_store(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for folder in ("eu-egov-benchmark", "eu-desi"):
        for path in realdata_dir(folder).iterdir():
            (raw / path.name).symlink_to(path)
    report = ingest.ingest(raw, tmp_path / "processed")
    assert [r.status for r in report.results] == ["stored"] * 4, [r.message for r in report.results]


# ---------------------------------------------------------------- demo files


def test_demo_files_are_read_like_the_commissions(tmp_path):
    from rankings.demo import eu_egov_benchmark as demo

    paths = demo.write(tmp_path / "raw")
    obs = {p.name: read(p) for p in paths}
    report_2021, report_2023, mrf = obs.values()
    assert set(report_2021["edition"]) == {2021} and set(report_2023["edition"]) == {2023}
    assert set(mrf["edition"]) == {2023}
    # The quirks are there: the renamed indicator, the old transparency indicator, aggregates, missing markers.
    assert "transparency_public_organisations" in set(report_2021["indicator"])
    assert "transparency_public_organisations" not in set(report_2023["indicator"])
    assert value(report_2023, "EU27 average", "overall")["is_aggregate"]
    assert {"missing", "not_assessed"} <= set(report_2021["value_status"])
    assert "GBR" in set(report_2021["iso3"]) and "GBR" not in set(report_2023["iso3"])
    # Denmark near the top, as in the other demo rankings; the MRF agrees with the workbook of its release.
    assert value(report_2023, "Denmark", "overall")["rank"] <= 5
    same = value(mrf, "Denmark", "overall__mrf_biennial", "2021+2022")["value"]
    assert same == pytest.approx(value(report_2023, "Denmark", "overall")["value"])
    assert value(report_2023, "Denmark", "desi_dps_citizens")["value_status"] == "published"
    report = ingest.ingest(tmp_path / "raw", tmp_path / "processed")
    assert [r.status for r in report.results] == ["stored"] * 3


def test_mrf_reports_the_first_problem_in_row_order(tmp_path):
    # Read column by column, it must still report what a row-by-row reading meets first: the earliest row, and in
    # a row the first column checked (year, Country, unit, then Value).
    late_value = [2022.0, "DK", "e_gov_0_score", "e_gov_EVENTS_1", "eGov_score", "oops"]
    early_unit = [2022.0, "EE", "e_gov_0_score", "e_gov_EVENTS_1", "percent", 1.0]
    both = [2022.0, "DK", "e_gov_0_score", "e_gov_EVENTS_2", "percent", "oops"]
    fails(write_mrf(tmp_path / "a.xlsx", [*MRF_ROWS, early_unit, late_value]), "row 13: unit 'percent'")
    fails(write_mrf(tmp_path / "b.xlsx", [*MRF_ROWS, late_value, early_unit]), "row 13: Value 'oops'")
    fails(write_mrf(tmp_path / "c.xlsx", [*MRF_ROWS, both]), "row 13: unit 'percent'")
    # The same bad value twice: the first occurrence is named; a bad value in a row not stored is not checked.
    unlabelled_bad = [2019.0, "DK", "", "EGOV_LIFE_EVENTS", "eGov_score", "oops"]
    fails(write_mrf(tmp_path / "d.xlsx", [*MRF_ROWS, unlabelled_bad, late_value, late_value]), "row 14: Value 'oops'")


def test_mrf_blank_rows_are_skipped_and_rows_keep_their_numbers(tmp_path):
    rows = [*MRF_ROWS[:4], ["", "", "", "", "", ""], ["  ", None, "", "", "", ""], *MRF_ROWS[4:]]
    obs = read(write_mrf(tmp_path / "mrf.xlsx", rows))
    assert len(obs) == len(MRF_ROWS) - 2
    assert value(obs, "Denmark", "overall__mrf_biennial", "2021+2022")["source_row"] == 8


# ---------------------------------------------------------------- publisher quirks as reviewed data

# The 2022 report's background data ("eGovernment Benchmark 2022 - Source Data"): the 2021 workbook's layout one
# year on, with the publisher's typo in the previous year's biennial average.
HEADER_2022 = [
    "Biennial average 2020 + 2021",
    "Business life events 2020 + 2021",
    "Citizen life events 2020 + 2021",
    "Central",
    "Regional",
    "Local",
    "Average (2021)",
    "Regular business operations (2021)",
    "Moving (2021)",
    "Owning and driving a car (2021)",
    "Starting a small claims procedure (2021)",
    "Biennial average 2019 + 20202",
    "Average (2020)",
    "Business Start-up (2020)",
    "Family (2020)",
    "Career (2020)",
    "Studying (2020)",
]
LABELS = ["0. OVERALL SCORE", "1. User centricity", "2. Transparency", "3. Key Enablers", "4. Cross-border services"]


def rows_2022(countries: dict[str, float]) -> list[tuple[str, str, list[Value]]]:
    return [
        row(code, label, [round(base + 2 * i + k / 100, 4) for k in range(len(HEADER_2022))])  # all distinct
        for code, base in countries.items()
        for i, label in enumerate(LABELS)
    ]


def test_the_2022_report_workbook_loads_through_its_reviewed_quirk(tmp_path: Path) -> None:
    from rankings import db

    assert "Biennial average 2019 + 20202" in metadata.header_quirks(SOURCE)  # the entry, not code, accepts it
    rows = rows_2022({"DK": 80.0, "EE": 70.0, "FI": 60.0, "SE": 65.0})
    path = write_workbook(
        tmp_path / "raw" / "eGovernment Benchmark 2022 - Source Data.xlsx",
        rows,
        header=HEADER_2022,
        sheet="1. Scores 2021",
    )
    report = ingest.ingest(path.parent, tmp_path / "processed")
    assert [r.status for r in report.results] == ["stored"], [r.message for r in report.results]
    stored = db.query("SELECT * FROM observations", processed=tmp_path / "processed")
    assert set(stored["edition"]) == {2022}
    levels = {HEADER_2022.index(h) for h in ("Central", "Regional", "Local")}  # not stored (source metadata)
    expected = sorted(v for _, _, values in rows for k, v in enumerate(values) if k not in levels)
    assert sorted(stored["value"].round(4)) == expected  # every figure of the sheet, and nothing else
    overall = stored[(stored["iso3"] == "DNK") & (stored["indicator"] == "overall")]
    assert overall["value"].iloc[0] == 80.0 and overall["reference_period"].iloc[0] == "2020+2021"
    typo = stored[stored["value"] == rows[0][2][HEADER_2022.index("Biennial average 2019 + 20202")]]
    assert list(typo["reference_period"]) == ["2019+2020"]


def test_an_unknown_header_fails_the_file_and_names_the_entry_that_would_accept_it(tmp_path: Path) -> None:
    header = [h.replace("20202", "20192") if h.startswith("Biennial average 2019") else h for h in HEADER_2022]
    header = [h.replace("2019 +", "2018 +") for h in header]
    path = write_workbook(
        tmp_path / "raw" / "results.xlsx", rows_2022({"DK": 80.0}), header=header, sheet="1. Scores 2021"
    )
    report = ingest.ingest(path.parent, tmp_path / "processed")
    assert [r.status for r in report.results] == ["failed"]
    message = report.results[0].message
    assert "results.xlsx" in message and "'1. Scores 2021'" in message and "'Biennial average 2018 + 20192'" in message
    assert "rankings/reference/layouts/eu_egov_benchmark.yaml" in message
    assert '"Biennial average 2018 + 20192": "Biennial average 2018 + 2019"' in message
    assert not list((tmp_path / "processed").rglob("*.parquet"))  # nothing partial
