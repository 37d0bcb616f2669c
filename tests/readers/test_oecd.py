"""The OECD Data Explorer reader (DGI and OURdata): every quirk on generated files, then golden tests on the real
export. The generated values are fictitious."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from conftest import realdata_dir
from rankings import metadata, peer_groups, readers
from rankings.errors import InputError
from rankings.ingest import ingest, read_file
from rankings.rawfile import RawFile, sha256_of
from rankings.readers import oecd

LABELLED = [
    "STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "FREQ", "Frequency of observation", "REF_AREA",
    "Reference area", "MEASURE", "Measure", "UNIT_MEASURE", "Unit of measure", "SECTOR", "Institutional sector",
    "EDITION", "Edition", "CATEGORY", "Category", "TIME_PERIOD", "Time period", "OBS_VALUE", "Observation value",
    "OBS_STATUS", "Observation status", "UNIT_MULT", "Unit multiplier", "PRICE_BASE", "Price base", "BASE_PER",
    "Base period",
]  # fmt: skip
CODES_ONLY = [
    "STRUCTURE", "STRUCTURE_ID", "ACTION", "FREQ", "REF_AREA", "MEASURE", "UNIT_MEASURE", "SECTOR", "EDITION",
    "CATEGORY", "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS", "UNIT_MULT", "PRICE_BASE", "BASE_PER",
]  # fmt: skip
DG_PARTS = ["DG_D", "DG_DD", "DG_PL", "DG_OD", "DG_UD", "DG_PR"]
OUR_PARTS = ["OUR_DAV", "OUR_DAC", "OUR_GSR"]

# Fictitious values, consistent as the OECD's are: contributions add up to the composite (2 decimals).
DATA: dict[str, dict[str, list[str]]] = {
    "DNK": {"DG": ["0.8", "0.14", "0.13", "0.15", "0.12", "0.13", "0.13"], "OUR": ["0.6", "0.2", "0.22", "0.18"]},
    "EST": {"DG": ["0.7", "0.12", "0.12", "0.12", "0.11", "0.12", "0.11"], "OUR": ["0.7", "0.24", "0.24", "0.22"]},
    "KOR": {"DG": ["0.9", "0.15", "0.15", "0.15", "0.15", "0.15", "0.15"], "OUR": ["0.9", "0.3", "0.3", "0.3"]},
    "COL": {"DG": ["0.7", "0.11", "0.12", "0.12", "0.12", "0.12", "0.11"], "OUR": ["0.4", "0.2", "0.2", "0"]},
    "BRA": {"DG": ["0.95", "0.16", "0.16", "0.16", "0.16", "0.16", "0.15"], "OUR": ["0.4", "0.1", "0.2", "0.1"]},
    "OECD_REP": {
        "DG": ["0.75", "0.12", "0.13", "0.12", "0.13", "0.12", "0.13"], "OUR": ["0.65", "0.22", "0.22", "0.21"]
    },
}  # fmt: skip
LABELS = {"DNK": "Denmark", "EST": "Estonia", "KOR": "Korea", "COL": "Colombia", "BRA": "Brazil"}


def rows_of(data: dict[str, dict[str, list[str]]], time: str = "2022") -> list[tuple[str, str, str, str]]:
    out = []
    for area, by in data.items():
        for composite, values in by.items():
            codes = [composite, *(DG_PARTS if composite == "DG" else OUR_PARTS)]
            out += [(area, code, time, value) for code, value in zip(codes, values, strict=True)]
    return out


def sdmx(path: Path, rows: list[tuple[str, str, str, str]], *, labels: bool = True, unit: str = "IX") -> Path:
    """An SDMX-CSV export as the OECD Data Explorer writes it, with or without label columns."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(LABELLED if labels else CODES_ONLY)
    for area, measure, time, value in rows:
        cells = {
            "STRUCTURE": "DATAFLOW",
            "STRUCTURE_ID": "OECD.GOV.GIP:DSD_GOV@DF_GOV_DGOGD_2025(1.0)",
            "STRUCTURE_NAME": "Digital government and open government data indexes, 2025 edition",
            "ACTION": "I",
            "FREQ": "A",
            "Frequency of observation": "Annual",
            "REF_AREA": area,
            "Reference area": "OECD average country" if area == "OECD_REP" else LABELS.get(area, area),
            "MEASURE": measure,
            "Measure": f"label of {measure}",
            "UNIT_MEASURE": unit,
            "Unit of measure": "Index",
            "SECTOR": "_Z",
            "Institutional sector": "Not applicable",
            "EDITION": "2025",
            "Edition": "2025",
            "CATEGORY": "DGOGD",
            "Category": "Digital government and open government data",
            "TIME_PERIOD": time,
            "OBS_VALUE": value,
            "OBS_STATUS": "A",
            "Observation status": "Normal value",
            "UNIT_MULT": "0",
            "Unit multiplier": "Units",
            "PRICE_BASE": "_Z",
            "Price base": "Not applicable",
        }
        writer.writerow([cells.get(h, "") for h in (LABELLED if labels else CODES_ONLY)])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def read(path: Path) -> pd.DataFrame:
    source, _layout, obs = read_file(path, path.name, sha256_of(path))
    assert source == ",".join(sorted(obs["source"].unique()))
    return obs


def value(obs: pd.DataFrame, entity: str, indicator: str) -> pd.Series:
    sel = obs[(obs["entity"] == entity) & (obs["indicator"] == indicator)]
    assert len(sel) == 1, sel
    return sel.iloc[0]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return sdmx(tmp_path / "raw" / "oecd.csv", rows_of(DATA))


def test_labelled_and_codes_only_exports_read_the_same(tmp_path: Path, export: Path) -> None:
    plain = read(sdmx(tmp_path / "raw" / "codes.csv", rows_of(DATA), labels=False))
    labelled = read(export)
    cols = ["source", "edition", "reference_period", "entity", "indicator", "value", "decimals", "rank"]
    assert labelled[cols].equals(plain[cols])
    assert len(labelled) == 6 * 11


def test_one_file_two_sources(export: Path) -> None:
    obs = read(export)
    assert set(obs["source"]) == {"oecd_dgi", "oecd_ourdata"}
    assert set(obs.loc[obs["source"] == "oecd_dgi", "indicator"]) == {
        "dgi",
        "dgi_design_contribution",
        "dgi_data_driven_contribution",
        "dgi_platform_contribution",
        "dgi_open_contribution",
        "dgi_user_driven_contribution",
        "dgi_proactive_contribution",
    }
    assert set(obs.loc[obs["source"] == "oecd_ourdata", "indicator"]) == {
        "ourdata",
        "ourdata_availability_contribution",
        "ourdata_accessibility_contribution",
        "ourdata_reuse_support_contribution",
    }


def test_dimensions_are_stored_as_published_contributions_never_as_scores(export: Path) -> None:
    obs = read(export)
    assert value(obs, "Denmark", "dgi_platform_contribution")["value"] == 0.15  # not 0.90, the score
    assert value(obs, "Denmark", "ourdata_availability_contribution")["value"] == 0.2  # not 0.60
    for (source, iid), ind in metadata.indicators().items():
        if source in oecd.SOURCES and not ind.composite:
            assert iid.endswith("_contribution")
            assert "contribution" in ind.title.lower() and "contribution" in ind.short.lower()
            assert ind.extra["weight"] in {"1/6", "1/3"} and ind.extra["contribution_of"]
            assert ind.parent in {"dgi", "ourdata"} and ind.rank == "computed"


def test_edition_is_the_index_edition_not_the_reference_year_nor_the_gaag_edition(export: Path) -> None:
    obs = read(export)
    assert set(obs["edition"]) == {2023}  # TIME_PERIOD 2022 = DGI 2023 / OURdata 2023; EDITION 2025 ignored
    assert set(obs["reference_period"]) == {"2022"}


def test_reference_year_without_a_reviewed_edition_fails(tmp_path: Path) -> None:
    path = sdmx(tmp_path / "raw" / "old.csv", rows_of({"DNK": DATA["DNK"]}, time="2018"))
    with pytest.raises(InputError, match=r"reference year 2018 \(TIME_PERIOD\) of OECD Digital Government Index") as e:
        read(path)
    assert "edition_of_reference_year of `dgi` in rankings/reference/indicators/oecd_dgi.yaml" in e.value.message
    assert "EDITION column (the Government at a Glance edition)" in e.value.message


def test_oecd_average_is_an_aggregate_and_partners_are_kept_unranked(export: Path) -> None:
    obs = read(export)
    avg = value(obs, "OECD average", "dgi")
    assert avg["is_aggregate"] and pd.isna(avg["iso3"]) and pd.isna(avg["rank"])
    brazil = value(obs, "Brazil", "dgi")
    assert brazil["value"] == 0.95 and pd.isna(brazil["rank"]) and pd.isna(brazil["rank_official"])


def test_ranks_are_computed_among_members_with_ties(export: Path) -> None:
    obs = read(export)
    dgi = obs[obs["indicator"] == "dgi"].set_index("entity")
    # Brazil (0.95) is a partner: Korea is first. Estonia and Colombia tie at 0.7 (rounded values).
    assert dgi["rank"].dropna().to_dict() == {"Denmark": 2, "Estonia": 3, "South Korea": 1, "Colombia": 3}
    assert dgi["rank_official"].dropna().eq(False).all()
    ranked = obs[obs["rank"].notna()]
    assert set(ranked["iso3"]) == {"DNK", "EST", "KOR", "COL"}
    assert "rounded to 2 decimals" in metadata.indicator("oecd_dgi", "dgi").extra["rank_note"]


def test_membership_is_taken_as_of_the_reference_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Were there an edition referring to 2018, Colombia (member from 28 April 2020) would not be ranked in it.
    monkeypatch.setattr(oecd, "_edition_table", lambda: {"oecd_dgi": {2018: 2019}, "oecd_ourdata": {2018: 2019}})
    obs = read(sdmx(tmp_path / "raw" / "x.csv", rows_of(DATA, time="2018")))
    assert pd.isna(value(obs, "Colombia", "dgi")["rank"])
    assert value(obs, "Estonia", "dgi")["rank"] == 3
    assert "COL" in peer_groups.members("oecd", 2023, "oecd_dgi")


def test_decimals_are_the_files_precision_though_trailing_zeros_are_dropped(export: Path) -> None:
    obs = read(export)
    assert value(obs, "Denmark", "dgi")[["value", "decimals"]].tolist() == [0.8, 2]  # printed "0.8"
    zero = value(obs, "Colombia", "ourdata_reuse_support_contribution")  # printed "0"
    assert zero["value"] == 0.0 and zero["decimals"] == 2 and zero["value_status"] == "published"


def test_empty_value_is_missing_and_not_ranked(tmp_path: Path) -> None:
    rows = [r if (r[0], r[1]) != ("EST", "DG") else (*r[:3], "") for r in rows_of(DATA)]
    obs = read(sdmx(tmp_path / "raw" / "x.csv", rows))
    est = value(obs, "Estonia", "dgi")
    assert est["value_status"] == "missing" and pd.isna(est["value"]) and pd.isna(est["rank"])
    assert value(obs, "Colombia", "dgi")["rank"] == 3


def test_dimension_scores_instead_of_contributions_fail(tmp_path: Path) -> None:
    scores = {"DNK": {"DG": ["0.8", "0.84", "0.78", "0.9", "0.72", "0.78", "0.78"]}}
    with pytest.raises(InputError, match="is a dimension score, not the weighted contribution"):
        read(sdmx(tmp_path / "raw" / "x.csv", rows_of(scores)))


def test_contributions_that_do_not_add_up_fail(tmp_path: Path) -> None:
    bad = {"DNK": {"DG": ["0.3", "0.14", "0.13", "0.15", "0.12", "0.13", "0.13"]}}
    with pytest.raises(InputError, match=r"dimension values of DNK add up to 0\.800, not to the composite 0\.3"):
        read(sdmx(tmp_path / "raw" / "x.csv", rows_of(bad)))


def test_rounding_gaps_between_contributions_and_composite_are_accepted(tmp_path: Path) -> None:
    # Six contributions rounded to 2 decimals can miss the rounded composite by up to 0.035.
    ok = {"DNK": {"DG": ["0.6", "0.1", "0.1", "0.1", "0.1", "0.1", "0.13"]}}
    assert len(read(sdmx(tmp_path / "raw" / "x.csv", rows_of(ok)))) == 7


def test_unknown_measure_fails(tmp_path: Path) -> None:
    rows = [*rows_of({"DNK": DATA["DNK"]}), ("DNK", "DG_AI", "2022", "0.1")]
    with pytest.raises(InputError, match=r"MEASURE codes this reader does not know: 'DG_AI' \(row 13\)"):
        read(sdmx(tmp_path / "raw" / "x.csv", rows))


def test_non_numeric_value_fails(tmp_path: Path) -> None:
    rows = [*rows_of({"DNK": DATA["DNK"]})]
    rows[0] = (*rows[0][:3], "0,8x")
    with pytest.raises(InputError, match=r"row 2: OBS_VALUE '0,8x' is not a number"):
        read(sdmx(tmp_path / "raw" / "x.csv", rows))


def test_unknown_area_fails_listing_it(tmp_path: Path) -> None:
    rows = rows_of({"DNK": DATA["DNK"], "EU27X": DATA["DNK"]})
    with pytest.raises(InputError, match=r"1 ISO3 codes cannot be matched to a country: 'EU27X'.*oecd_dgi\.yaml"):
        read(sdmx(tmp_path / "raw" / "x.csv", rows))


def test_other_units_fail(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="UNIT_MEASURE is 'PT_B1GQ', not the index unit IX"):
        read(sdmx(tmp_path / "raw" / "x.csv", rows_of({"DNK": DATA["DNK"]}), unit="PT_B1GQ"))


def test_another_oecd_dataflow_is_not_this_layout(tmp_path: Path) -> None:
    path = sdmx(tmp_path / "raw" / "gdp.csv", [("DNK", "B1GQ", "2022", "3.1")])
    with pytest.raises(InputError, match="MEASURE codes of the Digital Government Index or OURdata"):
        readers.detect(RawFile(path, path.name))


def manifest(processed: Path) -> dict:
    return json.loads((processed / "manifest.json").read_text(encoding="utf-8"))["files"]


def test_ingest_stores_each_source_and_checks_conflicts_per_source(tmp_path: Path) -> None:
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    dg_only = [r for r in rows_of(DATA) if r[1].startswith("DG")]
    our_only = [r for r in rows_of(DATA) if r[1].startswith("OUR")]
    sdmx(raw / "a_dgi.csv", dg_only, labels=False)
    sdmx(raw / "b_ourdata.csv", our_only)
    report = ingest(raw, processed)
    assert [(r.path, r.status, r.source) for r in report.results] == [
        ("a_dgi.csv", "stored", "oecd_dgi"),
        ("b_ourdata.csv", "stored", "oecd_ourdata"),
    ]
    sdmx(raw / "c_both.csv", rows_of(DATA))
    report = ingest(raw, processed)
    failed = {r.path: r.message for r in report.results if r.status == "failed"}
    assert list(failed) == ["c_both.csv"]
    assert "observations are already stored from a_dgi.csv" in failed["c_both.csv"]
    (raw / "a_dgi.csv").unlink()
    (raw / "b_ourdata.csv").unlink()
    report = ingest(raw, processed)
    entry = manifest(processed)["c_both.csv"]
    assert entry["source"] == "oecd_dgi,oecd_ourdata" and entry["status"] == "stored"
    assert sorted(p.split("/")[1] for p in entry["parts"]) == ["source=oecd_dgi", "source=oecd_ourdata"]


# --- golden tests on the real OECD Data Explorer export (../shared/realdata/oecd) ---------------------------------


@pytest.fixture(scope="module")
def real() -> tuple[Path, pd.DataFrame]:
    path = realdata_dir("oecd") / "oecd_dgi_full.csv"
    source, layout, obs = read_file(path, path.name, sha256_of(path))
    assert source == "oecd_dgi,oecd_ourdata" and layout == oecd.LAYOUT
    return path, obs


@pytest.mark.realdata
def test_real_every_stored_value_is_the_published_one(real: tuple[Path, pd.DataFrame]) -> None:
    path, obs = real
    with path.open(encoding="utf-8", newline="") as fh:
        published = list(csv.DictReader(fh))
    measures = oecd.measures()
    assert len(obs) == len(published) == 437
    stored = obs.set_index("source_row")
    for line, row in enumerate(published, start=2):
        got = stored.loc[line]
        assert got["value"] == float(row["OBS_VALUE"]), line
        assert got["indicator"] == measures[row["MEASURE"]].indicator
        assert got["reference_period"] == row["TIME_PERIOD"] == "2022"
        assert got["edition"] == 2023  # not row["EDITION"] (2025, Government at a Glance)
    assert obs["decimals"].eq(2).all()


@pytest.mark.realdata
def test_real_denmark(real: tuple[Path, pd.DataFrame]) -> None:
    _, obs = real
    dnk = obs[obs["iso3"] == "DNK"].set_index("indicator")
    assert dnk["value"].to_dict() == {
        "dgi": 0.81,
        "dgi_design_contribution": 0.14,
        "dgi_data_driven_contribution": 0.14,
        "dgi_platform_contribution": 0.15,
        "dgi_open_contribution": 0.13,
        "dgi_user_driven_contribution": 0.12,
        "dgi_proactive_contribution": 0.13,
        "ourdata": 0.66,
        "ourdata_availability_contribution": 0.24,
        "ourdata_accessibility_contribution": 0.23,
        "ourdata_reuse_support_contribution": 0.19,
    }
    # Computed among OECD members: 2nd of 33 in the DGI (after Korea), 8th of 36 in OURdata (tied with Sweden).
    assert dnk.loc["dgi", "rank"] == 2 and dnk.loc["ourdata", "rank"] == 8
    assert not dnk["rank_official"].any()
    assert set(dnk["edition"]) == {2023} and set(dnk["reference_period"]) == {"2022"}


@pytest.mark.realdata
def test_real_ranks_are_among_members_only(real: tuple[Path, pd.DataFrame]) -> None:
    _, obs = real
    members = set(peer_groups.members("oecd", 2023, "oecd_dgi"))
    dgi = obs[obs["indicator"] == "dgi"]
    ranked = dgi[dgi["rank"].notna()]
    assert len(ranked) == 33 and set(ranked["iso3"]) <= members
    assert set(dgi.loc[dgi["rank"].isna() & dgi["iso3"].notna(), "iso3"]) == {"ARG", "BRA", "HRV", "PER", "ROU"}
    assert ranked.set_index("iso3")["rank"][["KOR", "GBR", "NOR"]].tolist() == [1, 3, 4]
    our = obs[(obs["indicator"] == "ourdata") & obs["rank"].notna()]
    assert len(our) == 36 and our.set_index("iso3")["rank"]["KOR"] == 1
    assert {"CRI", "COL"} <= set(ranked["iso3"])  # members by 2022 (2021 and 2020)


@pytest.mark.realdata
def test_real_oecd_average_is_an_aggregate(real: tuple[Path, pd.DataFrame]) -> None:
    _, obs = real
    avg = obs[obs["is_aggregate"]]
    assert set(avg["entity"]) == {"OECD average"} and len(avg) == 11
    assert avg.set_index("indicator")["value"][["dgi", "ourdata"]].tolist() == [0.61, 0.48]
    assert avg["rank"].isna().all()
