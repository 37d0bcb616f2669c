"""DESI dataset reader: every quirk on generated CSV files, then golden tests on the Commission's DESI 2020 file
(skipped when ../shared/realdata is absent)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from conftest import realdata_dir
from rankings import metadata, readers
from rankings.errors import InputError
from rankings.ingest import read_file
from rankings.rawfile import RawFile, sha256_of
from rankings.readers import eu_desi

SOURCE = "eu_desi"
HEADER = '"observation","time_period","ref_area","indicator","breakdown","unit_measure","value","flag","note"'
# DESI 2020 weights of the five dimensions in the overall index.
WEIGHTS = {"desi_1_conn": 0.25, "desi_2_hc": 0.25, "desi_3_ui": 0.15, "desi_4_idt": 0.2, "desi_5_dps": 0.15}


def line(year: int, area: str, indicator: str, breakdown: str, unit: str, value: str) -> str:
    """One row as the Commission writes it: every field quoted except the value."""
    uri = f"http://semantic.digital-agenda-data.eu/data/DESI/{indicator}/{breakdown}/{unit}/{area}/{year}"
    return f'"{uri}","{year}","{area}","{indicator}","{breakdown}","{unit}",{value},,'


def country_rows(year: int, area: str, dims: dict[str, str], egovu: str = "0.9", opendata: str = "0.7") -> list[str]:
    """A country-year: the weighted dimensions of ``desi``, the dimension scores and the DPS indicators."""
    rows = [line(year, area, "desi", d, "egov_score", v) for d, v in dims.items()]
    rows += [line(year, area, "desi_sliders", d, "pc_desi_sliders", "70") for d in dims]
    rows += [
        line(year, area, "desi_5a1_egovu", "ind_total", "pc_ind_form", egovu),
        line(year, area, "desi_5a2_prefform", "all_egov_le", "egov_score", "68.8571"),
        line(year, area, "desi_5a3_osercomp", "all_egov_le", "egov_score", "98.625"),
        line(year, area, "desi_5a4_psb", "all_egov_le", "egov_score", "100"),
        line(year, area, "desi_5a5_opendata", "total", "od_score", opendata),
        # Outside the digital public services dimension: not read.
        line(year, area, "desi_3b1_news", "ind_total", "pc_ind_iu3", "0.77"),
    ]
    return rows


DK_2020 = {"desi_1_conn": "16.4551", "desi_2_hc": "15.3191", "desi_3_ui": "11.273", "desi_4_idt": "13.0295"}
DK_2020 |= {"desi_5_dps": "13.0695"}  # published parts of Denmark's DESI 2020, summing to 69.1462


def flat(score: str) -> dict[str, str]:
    return dict.fromkeys(WEIGHTS, score)


@pytest.fixture
def desi_csv(tmp_path: Path) -> Callable[..., Path]:
    def make(rows: list[str], name: str = "DESI.csv", header: str = HEADER) -> Path:
        path = tmp_path / "raw" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        return path

    return make


def read(path: Path) -> pd.DataFrame:
    source, _layout, obs = read_file(path, path.name, sha256_of(path))
    assert source == SOURCE
    return obs


def value(obs: pd.DataFrame, entity: str, indicator: str, period: str = "2020") -> pd.Series:
    sel = obs[(obs["entity"] == entity) & (obs["indicator"] == indicator) & (obs["reference_period"] == period)]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def fails(path: Path, *fragments: str) -> str:
    with pytest.raises(InputError) as err:
        read_file(path, path.name, sha256_of(path))
    for fragment in fragments:
        assert fragment in err.value.message, err.value.message
    return err.value.message


BASIC = [
    *country_rows(2020, "DK", DK_2020),
    *country_rows(2020, "FI", flat("14.5")),
    *country_rows(2020, "EL", flat("7")),
    *country_rows(2020, "UK", flat("14")),
    *country_rows(2020, "EU", flat("20")),
]


def test_overall_desi_is_the_exact_sum_of_the_weighted_dimensions(desi_csv):
    obs = read(desi_csv(BASIC))
    dk = value(obs, "Denmark", "desi")
    assert dk["value"] == 69.1462  # exactly the decimal sum; a float sum would give 69.14620000000001
    assert dk["decimals"] == 4
    assert (dk["edition"], dk["reference_period"], dk["source_row"]) == (2020, "2020", 2)
    assert value(obs, "Finland", "desi")["value"] == 72.5


def test_the_weighted_parts_and_other_indicators_are_not_stored(desi_csv):
    obs = read(desi_csv(BASIC))
    assert set(obs["indicator"]) == {
        "desi",
        "connectivity",
        "human_capital",
        "internet_use",
        "integration_digital_technology",
        "digital_public_services",
        "egov_users",
        "prefilled_forms",
        "online_service_completion",
        "dps_businesses",
        "open_data",
    }
    assert all((SOURCE, i) in metadata.indicators() for i in obs["indicator"].unique())


def test_fractions_are_stored_in_percent_as_the_metadata_declares(desi_csv):
    obs = read(desi_csv([*country_rows(2020, "DK", DK_2020, egovu="0.912434", opendata="0.7784")]))
    users = value(obs, "Denmark", "egov_users")
    assert (users["value"], users["decimals"]) == (91.2434, 4)
    assert value(obs, "Denmark", "open_data")["value"] == 77.84
    assert value(obs, "Denmark", "prefilled_forms")["value"] == 68.8571  # scores are kept as published
    assert value(obs, "Denmark", "dps_businesses")["decimals"] == 0
    assert "percent" in metadata.indicator(SOURCE, "egov_users").unit
    assert "fraction" in metadata.indicator(SOURCE, "egov_users").extra["stored_as"]


def test_a_fraction_above_one_fails(desi_csv):
    path = desi_csv(country_rows(2020, "DK", DK_2020, egovu="91.2"))
    fails(path, "row 12", "desi_5a1_egovu is 91.2 in unit pc_ind_form", "fraction between 0 and 1")


def test_an_unknown_unit_fails(desi_csv):
    rows = [*BASIC, line(2020, "SE", "desi_5a2_prefform", "all_egov_le", "pc_ent", "50")]
    fails(desi_csv(rows), "unit_measure 'pc_ent' of desi_5a2_prefform")


def test_eu_codes_aggregate_and_computed_ranks(desi_csv):
    obs = read(desi_csv(BASIC))
    assert value(obs, "Greece", "desi")["iso3"] == "GRC"
    assert value(obs, "United Kingdom", "desi")["iso3"] == "GBR"
    eu = value(obs, "EU average", "desi")
    assert eu["is_aggregate"] and pd.isna(eu["iso3"]) and pd.isna(eu["rank"])
    ranks = {e: value(obs, e, "desi")["rank"] for e in ("Finland", "United Kingdom", "Denmark", "Greece")}
    assert ranks == {"Finland": 1, "United Kingdom": 2, "Denmark": 3, "Greece": 4}  # the EU at 100 is not ranked
    assert not obs.loc[obs["rank"].notna(), "rank_official"].any()
    # Ties share the best place: every country's pre-filled forms is 68.8571.
    assert set(obs.loc[(obs["indicator"] == "prefilled_forms") & ~obs["is_aggregate"], "rank"]) == {1}


def test_missing_values_and_indicators_not_assessed_in_a_year(desi_csv):
    rows = [
        *country_rows(2019, "DK", DK_2020, egovu="", opendata=""),
        *country_rows(2019, "FI", flat("14"), opendata=""),
        *country_rows(2020, "DK", DK_2020),
    ]
    obs = read(desi_csv(rows))
    assert value(obs, "Denmark", "egov_users", "2019")["value_status"] == "missing"
    assert value(obs, "Denmark", "open_data", "2019")["value_status"] == "not_assessed"  # nobody has it in 2019
    assert value(obs, "Finland", "egov_users", "2019")["value_status"] == "published"
    assert set(obs["edition"]) == {2020}  # the edition is the file's latest year; every year keeps its period
    assert set(obs["reference_period"]) == {"2019", "2020"}


def test_overall_is_missing_when_a_dimension_is_missing(desi_csv):
    rows = country_rows(2020, "DK", DK_2020)
    rows = [r for r in rows if '"desi","desi_3_ui"' not in r]  # Denmark lacks one weighted dimension
    rows += country_rows(2020, "FI", flat("14"))
    obs = read(desi_csv(rows))
    dk = value(obs, "Denmark", "desi")
    assert pd.isna(dk["value"]) and dk["value_status"] == "missing"
    blank = [r.replace(",16.4551,", ",,") for r in country_rows(2020, "DK", DK_2020)]
    obs = read(desi_csv([*blank, *country_rows(2020, "FI", flat("14"))], name="b.csv"))
    assert value(obs, "Denmark", "desi")["value_status"] == "missing"


def test_detected_by_content_whatever_the_name(desi_csv):
    path = desi_csv(BASIC, name="download (3).csv")
    reader, found = readers.detect(RawFile(path, path.name))
    assert reader is eu_desi and found.complete
    assert set(read(path)["source"]) == {SOURCE}


def test_without_observation_flag_and_note_columns(desi_csv):
    header = "time_period,ref_area,indicator,breakdown,unit_measure,value"
    rows = [",".join(r.split(",")[1:7]) for r in BASIC]
    obs = read(desi_csv(rows, header=header))
    assert value(obs, "Denmark", "desi")["value"] == 69.1462


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        (line(2020, "XX", "desi_5a2_prefform", "all_egov_le", "egov_score", "50"), "'XX'"),
        (line(2020, "SE", "desi_5a2_prefform", "all_egov_le", "egov_score", "fifty"), "row 82: value"),
        (line(2020, "SE", "desi_5a2_prefform", "all_egov_le", "egov_score", "150"), "outside the range 0-100"),
        ('"x","20x0","SE","desi","desi_1_conn","egov_score",1,,', "row 82: time_period '20x0' is not a number"),
    ],
)
def test_bad_rows_fail_with_a_clear_message(desi_csv, bad, fragment):
    fails(desi_csv([*BASIC, bad]), "DESI.csv: ", fragment)


def test_a_scoreboard_file_without_desi_rows_fails(desi_csv):
    rows = [line(2020, "DK", "desi_3b1_news", "ind_total", "pc_ind_iu3", "0.77")]
    fails(desi_csv(rows), "no DESI or digital public services rows")


# ---------------------------------------------------------------- golden tests on DESI 2020

DENMARK_2020 = {
    # indicator: (value for the year 2020 as stored, computed rank among the 28 countries)
    "desi": (69.1462, 3),
    "digital_public_services": (87.1298, 3),
    "egov_users": (91.2434, 3),
    "prefilled_forms": (68.8571, 12),
    "online_service_completion": (98.625, 2),
    "dps_businesses": (100.0, 1),
    "open_data": (77.84, 6),
}


@pytest.fixture(scope="module")
def real_desi() -> pd.DataFrame:
    path = realdata_dir("eu-desi") / "DESI.csv"
    if not path.exists():
        pytest.skip(f"real published file not available ({path} is absent)")
    return read(path)


@pytest.mark.realdata
def test_real_desi_denmark(real_desi):
    assert set(real_desi["edition"]) == {2020}
    assert set(real_desi["reference_period"]) == {str(y) for y in range(2015, 2021)}
    for indicator, (expected, rank) in DENMARK_2020.items():
        dk = value(real_desi, "Denmark", indicator)
        assert dk["value"] == expected, indicator
        assert dk["rank"] == rank and not dk["rank_official"], indicator


@pytest.mark.realdata
def test_real_desi_values_equal_the_file(real_desi):
    raw = pd.read_csv(realdata_dir("eu-desi") / "DESI.csv", dtype=str, keep_default_na=False)
    # Published scores are stored unchanged; fractions are the published digits moved two places.
    score = raw[(raw["indicator"] == "desi_5a2_prefform") & (raw["value"] != "")]
    stored = real_desi[real_desi["indicator"] == "prefilled_forms"].set_index(["iso3", "reference_period"])
    assert len(score) == 29 * 6
    users = raw[(raw["indicator"] == "desi_5a1_egovu") & (raw["value"] != "")]
    stored_users = real_desi[real_desi["indicator"] == "egov_users"]
    expected = sorted(float(Decimal(v) * 100) for v in users["value"])
    assert sorted(stored_users["value"].dropna()) == expected
    dk = score[(score["ref_area"] == "DK") & (score["time_period"] == "2020")]["value"].iloc[0]
    assert stored.loc[("DNK", "2020"), "value"] == float(dk)
    # The overall DESI equals the sum of the published weighted dimensions, for every country and year.
    parts = raw[raw["indicator"] == "desi"].assign(v=lambda d: d["value"].astype(float))
    sums = parts.groupby(["ref_area", "time_period"])["v"].sum()
    overall = real_desi[real_desi["indicator"] == "desi"]
    assert len(overall) == len(sums) == 29 * 6
    assert overall["value"].notna().all()
    assert sorted(overall["value"]) == pytest.approx(sorted(sums), abs=1e-9)


@pytest.mark.realdata
def test_real_desi_countries_harmonised_and_eu_apart(real_desi):
    countries = real_desi[~real_desi["is_aggregate"]]
    assert countries["iso3"].nunique() == 28 and {"GRC", "GBR", "DNK"} <= set(countries["iso3"])
    assert set(real_desi.loc[real_desi["is_aggregate"], "entity"]) == {"EU average"}
    assert real_desi.loc[real_desi["is_aggregate"], "rank"].isna().all()
    # Open data enters DESI in 2020: earlier years are not assessed, not missing.
    open_data = real_desi[real_desi["indicator"] == "open_data"]
    assert set(open_data.loc[open_data["reference_period"] < "2020", "value_status"]) == {"not_assessed"}
    assert value(real_desi, "Denmark", "desi", "2015")["value"] == pytest.approx(
        11.2773 + 15.1573 + 9.79622 + 9.59295 + 11.1576
    )


def test_demo_file_is_read_like_the_commissions(tmp_path):
    from rankings.demo import eu_desi as demo

    (path,) = demo.write(tmp_path)
    obs = read(path)
    assert set(obs["edition"]) == {2020}
    assert set(obs["reference_period"]) == {str(y) for y in range(2015, 2021)}
    assert value(obs, "Denmark", "desi")["rank"] <= 5
    assert value(obs, "EU average", "desi")["is_aggregate"]
    assert set(obs.loc[obs["indicator"] == "open_data", "value_status"]) == {"published", "not_assessed"}
    assert obs.loc[obs["indicator"] == "egov_users", "value"].dropna().between(0, 100).all()  # percent, not fraction
