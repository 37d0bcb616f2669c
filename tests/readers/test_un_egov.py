"""The UN E-Government Survey reader: every quirk on generated files, then golden tests on the real downloads."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from conftest import UN_HEADER, realdata_dir
from rankings import countries, model
from rankings.errors import InputError
from rankings.ingest import read_file
from rankings.rawfile import sha256_of


def read(path: Path) -> pd.DataFrame:
    source, _layout, obs = read_file(path, path.name, sha256_of(path))
    assert source == "un_egov"
    return obs


def egdi(obs: pd.DataFrame) -> pd.DataFrame:
    return obs[obs["indicator"] == "egdi"].set_index("entity")


ROWS = [
    ["2024", '"Denmark "', "1", "0.98470", "1.00000", "0.99800", "0.95760", "0.99850"],
    ["2024", '"Estonia "', "2", "0.97270", "0.98630", "1.00000", "0.92900", "0.98910"],
    ["2024", '"Singapore "', "2", "0.97270", "0.95890", "0.98210", "0.94010", "0.99600"],
    ["2024", '"Republic of Korea "', "4", "0.96790", "1.00000", "0.99800", "0.95200", "0.95370"],
    ["2024", "Türkiye", "5", "0.84010", "0.78080", "0.86540", "0.85250", "0.80240"],
    ["2024", "South Sudan", "", "0.00000", "0.00000", "0.00000", "0.00000", "0.00000"],
    ["2024", '"Côte d\'Ivoire "', "6", "0.10000", "0.00000", "0.00000", "0.20000", "0.10000"],
]


def test_reads_published_values_ranks_and_decimals(un_csv):
    obs = read(un_csv(ROWS))
    e = egdi(obs)
    assert e.loc["Denmark", "value"] == 0.9847
    assert e.loc["Denmark", "rank"] == 1
    assert bool(e.loc["Denmark", "rank_official"]) is True
    assert e.loc["Denmark", "decimals"] == 5
    assert e.loc["Denmark", "iso3"] == "DNK"
    assert set(obs["indicator"]) == {"egdi", "osi", "hci", "tii", "epi"}
    assert (obs["edition"] == 2024).all()
    assert (obs["reference_period"] == "2024").all()
    assert (obs["source"] == "un_egov").all()


def test_tied_ranks_are_kept_as_published(un_csv):
    e = egdi(read(un_csv(ROWS)))
    assert e.loc["Estonia", "rank"] == 2
    assert e.loc["Singapore", "rank"] == 2
    assert e.loc["South Korea", "rank"] == 4


def test_not_assessed_is_not_a_score_of_zero(un_csv):
    obs = read(un_csv(ROWS))
    ssd = obs[obs["iso3"] == "SSD"]
    assert len(ssd) == 5
    assert (ssd["value_status"] == "not_assessed").all()
    assert ssd["value"].isna().all()
    assert ssd["rank"].isna().all()


def test_genuine_zero_with_a_rank_is_kept(un_csv):
    obs = read(un_csv(ROWS))
    civ = obs[(obs["iso3"] == "CIV")].set_index("indicator")
    assert civ.loc["epi", "value"] == 0.0
    assert civ.loc["epi", "value_status"] == "published"
    assert civ.loc["egdi", "rank"] == 6


def test_sub_index_ranks_are_computed_and_marked(un_csv):
    obs = read(un_csv(ROWS))
    osi = obs[obs["indicator"] == "osi"].set_index("entity")
    assert osi.loc["Estonia", "rank"] == 1
    assert bool(osi.loc["Estonia", "rank_official"]) is False
    # Denmark and Korea tie on 0.998: competition ranking gives both 2.
    assert osi.loc["Denmark", "rank"] == 2 and osi.loc["South Korea", "rank"] == 2
    assert osi.loc["Türkiye", "rank"] == 5
    assert pd.isna(osi.loc["South Sudan", "rank"])


def test_trailing_spaces_quotes_and_non_ascii_names(un_csv):
    obs = read(un_csv(ROWS))
    assert {"Denmark", "South Korea", "Türkiye", "Côte d'Ivoire"} <= set(obs["entity"])
    assert obs.loc[obs["entity"] == "Türkiye", "iso3"].iloc[0] == "TUR"


@pytest.mark.parametrize("crlf", [True, False])
def test_crlf_and_lf_give_the_same_observations(un_csv, crlf):
    obs = read(un_csv(ROWS, crlf=crlf))
    assert len(obs) == len(ROWS) * 5


def test_workbook_version_of_the_same_table(tmp_path):
    rows = [r for r in csv.reader([UN_HEADER, *(",".join(r) for r in ROWS)])]
    header, data = rows[0], rows[1:]
    df = pd.DataFrame(data, columns=header)
    for col in header[2:]:
        df[col] = pd.to_numeric(df[col])
    df["Survey Year"] = df["Survey Year"].astype(int)
    df["Country Name"] = df["Country Name"].str.strip('"')
    path = tmp_path / "egov.xlsx"
    df.to_excel(path, index=False, sheet_name="Data")
    obs = read(path)
    e = egdi(obs)
    assert e.loc["Denmark", "value"] == 0.9847 and e.loc["Denmark", "rank"] == 1
    assert e.loc["Singapore", "rank"] == 2
    assert (obs.loc[obs["iso3"] == "SSD", "value_status"] == "not_assessed").all()
    assert obs["sheet"].iloc[0] == "Data"


def test_recognised_by_content_not_by_name(un_csv):
    obs = read(un_csv(ROWS, name="my download (3).csv"))
    assert len(obs) == len(ROWS) * 5


def test_several_editions_in_one_file(un_csv):
    rows = [*ROWS, ["2022", '"Denmark "', "1", "0.97170", "1.00000", "0.97970", "0.95010", "0.98540"]]
    obs = read(un_csv(rows))
    assert sorted(obs["edition"].unique()) == [2022, 2024]


def test_unknown_country_fails_and_lists_the_names(un_csv):
    rows = [*ROWS, ["2024", "Atlantis", "7", "0.5", "0.5", "0.5", "0.5", "0.5"]]
    rows.append(["2024", "Freedonia", "8", "0.4", "0.5", "0.5", "0.5", "0.5"])
    with pytest.raises(InputError, match=r"2 country names cannot be matched.*'Atlantis', 'Freedonia'"):
        read(un_csv(rows))


def test_duplicate_country_fails_the_file(un_csv):
    with pytest.raises(InputError, match="Denmark / egdi / edition 2024 appears more than once"):
        read(un_csv([*ROWS, ROWS[0]]))


@pytest.mark.parametrize(
    ("cell_index", "cell", "message"),
    [
        (2, "first", r"row 2: E-Government Rank 'first' is not a number"),
        (3, "high", r"row 2: E-Government Index 'high' is not a number"),
        (3, "7", r"row 2: E-Government Index of Denmark is 7.0, outside the index's range 0-1"),
        (2, "-3", r"row 2: E-Government Rank -3 is not a rank"),
        (0, "1850", r"row 2: Survey Year '1850' is not a survey year"),
    ],
)
def test_bad_cells_fail_with_row_and_column(un_csv, cell_index, cell, message):
    rows = [list(r) for r in ROWS]
    rows[0][cell_index] = cell
    with pytest.raises(InputError, match=message):
        read(un_csv(rows))


def test_header_without_rows_fails(un_csv):
    with pytest.raises(InputError, match="header but no data rows"):
        read(un_csv([]))


# Every UN spelling of 2003-2024 (the survey applies current names retroactively; older downloads and reports
# carry the older ones).
UN_SPELLINGS = {
    "Bolivia (Plurinational State of)": "BOL",
    "Venezuela (Bolivarian Republic of)": "VEN",
    "Netherlands (Kingdom of the)": "NLD",
    "Netherlands": "NLD",
    "Türkiye": "TUR",
    "Turkey": "TUR",
    "Czechia": "CZE",
    "Czech Republic": "CZE",
    "Eswatini": "SWZ",
    "Swaziland": "SWZ",
    "North Macedonia": "MKD",
    "The former Yugoslav Republic of Macedonia": "MKD",
    "Cabo Verde": "CPV",
    "Cape Verde": "CPV",
    "Georgia (Country)": "GEO",
    "Micronesia (Federated States of)": "FSM",
    "Democratic People's Republic of Korea": "PRK",
    "Republic of Korea": "KOR",
    "Lao People's Democratic Republic": "LAO",
    "Iran (Islamic Republic of)": "IRN",
    "United Kingdom of Great Britain and Northern Ireland": "GBR",
    "United Republic of Tanzania": "TZA",
    "Côte d'Ivoire": "CIV",
    "Cote d'Ivoire": "CIV",
    "Sao Tome and Principe": "STP",
    "Libyan Arab Jamahiriya": "LBY",
    "Libya": "LBY",
    "Brunei Darussalam": "BRN",
    "Timor-Leste": "TLS",
    "Namibia": "NAM",
    "Congo": "COG",
    "Democratic Republic of the Congo": "COD",
}


def test_every_un_spelling_harmonises():
    found = countries.harmonise(UN_SPELLINGS, "un_egov", "test")
    assert {name: e.iso3 for name, e in found.items()} == UN_SPELLINGS


def test_every_un_member_in_the_demo_spelling_harmonises():
    from rankings.demo.un_egov import un_egov_tables

    names = un_egov_tables()[2024]["Country Name"]
    found = countries.harmonise(names, "un_egov", "demo")
    assert len({e.iso3 for e in found.values()}) == 193


# --- golden tests on the UN's own downloads ---------------------------------------------------------------

# Denmark as published in each edition's Data Center download (rank, EGDI).
DENMARK = {
    2003: (4, 0.82046),
    2005: (2, 0.90576),
    2010: (7, 0.78722),
    2014: (16, 0.81620),
    2018: (1, 0.91500),
    2020: (1, 0.97580),
}


@pytest.fixture(scope="module")
def real_un() -> dict[int, tuple[Path, pd.DataFrame]]:
    folder = realdata_dir("un-egov")
    out = {}
    for path in sorted(folder.glob("*.csv")):
        obs = read(path)
        out[int(obs["edition"].iloc[0])] = (path, obs)
    return out


@pytest.mark.realdata
def test_real_every_edition_has_193_harmonised_countries(real_un):
    assert set(real_un) == set(DENMARK)
    for edition, (_path, obs) in real_un.items():
        e = obs[obs["indicator"] == "egdi"]
        assert len(e) == 193, edition
        assert e["iso3"].notna().all() and e["iso3"].nunique() == 193, edition
        assert not e["is_aggregate"].any()


@pytest.mark.realdata
@pytest.mark.parametrize("edition", sorted(DENMARK))
def test_real_denmark_rank_and_egdi_as_published(real_un, edition):
    _path, obs = real_un[edition]
    dk = obs[(obs["iso3"] == "DNK") & (obs["indicator"] == "egdi")].iloc[0]
    assert (dk["rank"], dk["value"]) == DENMARK[edition]
    assert bool(dk["rank_official"]) is True


@pytest.mark.realdata
def test_real_values_and_ranks_equal_the_file_cell_by_cell(real_un):
    """Every published EGDI value and rank is stored exactly as the file prints it."""
    for edition, (path, obs) in real_un.items():
        with path.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        e = obs[obs["indicator"] == "egdi"].set_index("source_row")
        for line, row in enumerate(rows, start=2):
            stored = e.loc[line]
            if row["E-Government Rank"].strip():
                assert stored["rank"] == int(row["E-Government Rank"]), (edition, line)
                assert stored["value"] == float(row["E-Government Index"]), (edition, line)
            else:
                assert stored["value_status"] == "not_assessed", (edition, line)


@pytest.mark.realdata
def test_real_ties_kept_as_published(real_un):
    _path, obs = real_un[2018]
    e = obs[(obs["indicator"] == "egdi")]
    assert (e["rank"] == 49).sum() == 2
    assert (e["rank"] == 155).sum() == 2
    _path, obs = real_un[2003]
    assert ((obs["indicator"] == "egdi") & (obs["rank"] == 174)).sum() == 18


@pytest.mark.realdata
def test_real_not_assessed_rows(real_un):
    _path, obs = real_un[2003]
    na = obs[(obs["indicator"] == "egdi") & (obs["value_status"] == "not_assessed")]
    assert set(na["iso3"]) == {"SSD", "MNE"}
    assert na["value"].isna().all()
    # Iraq 2003: EGDI 0 with a published rank is a genuine published zero.
    irq = obs[(obs["iso3"] == "IRQ") & (obs["indicator"] == "egdi")].iloc[0]
    assert irq["value_status"] == "published" and irq["value"] == 0.0 and irq["rank"] == 174


@pytest.mark.realdata
def test_real_files_validate_against_the_contract(real_un):
    for _edition, (path, obs) in real_un.items():
        model.validate(obs, path.name)
