"""The ranking template: any other ranking typed in as a tidy CSV or XLSX. Values here are fictitious."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from rankings import readers
from rankings.errors import InputError
from rankings.ingest import ingest, read_file
from rankings.rawfile import RawFile, sha256_of
from rankings.readers import template

ROOT = Path(__file__).resolve().parents[2]
HEADER = [
    "source", "edition", "reference_period", "country", "indicator", "value", "rank", "unit", "higher_is_better",
    "citation",
]  # fmt: skip
CITE = "Fictitious Institute, Test Ranking 2024, table 2"


def row(country: str, value: str = "80.5", rank: str = "", **over: str) -> list[str]:
    cells = {
        "source": "test_ranking",
        "edition": "2024",
        "reference_period": "2023",
        "country": country,
        "indicator": "overall",
        "value": value,
        "rank": rank,
        "unit": "score 0-100",
        "higher_is_better": "true",
        "citation": CITE,
    } | over
    return [cells[h] for h in HEADER] + [cells[k] for k in over if k not in HEADER]


def csv_file(tmp_path: Path, rows: list[list[str]], header: list[str] = HEADER, name: str = "t.csv") -> Path:
    import csv

    path = tmp_path / "raw" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read(path: Path) -> pd.DataFrame:
    _source, layout, obs = read_file(path, path.name, sha256_of(path))
    assert layout == template.LAYOUT
    return obs


def fails(path: Path, pattern: str) -> str:
    with pytest.raises(InputError, match=pattern) as info:
        read(path)
    assert info.value.file == path.name
    return info.value.message


def test_the_documented_example_reads() -> None:
    path = ROOT / "docs" / "ranking-template.csv"
    obs = read(path)
    assert set(obs["source"]) == {"example_ranking"}
    assert obs.set_index("iso3")["rank"].to_dict() == {"DNK": 2, "EST": 1}
    assert obs["rank_official"].all()
    text = path.read_text(encoding="utf-8")
    assert text.count("fictitious") >= 2 and text.count("EXAMPLE") >= 2


def test_reads_sources_editions_countries_and_published_ranks(tmp_path: Path) -> None:
    rows = [
        row("DNK", "80.5", "2"),
        row("Estonia", "91.0", "1"),
        row("SE", "75", "3"),  # ISO2
        row("DNK", "12", "", source="another_one", indicator="pillar.a", edition="2023", reference_period=""),
    ]
    obs = read(csv_file(tmp_path, rows))
    assert set(obs["source"]) == {"test_ranking", "another_one"}
    first = obs[obs["source"] == "test_ranking"].set_index("iso3")
    assert first["value"].to_dict() == {"DNK": 80.5, "EST": 91.0, "SWE": 75.0}
    assert first["decimals"].to_dict() == {"DNK": 1, "EST": 1, "SWE": 0}
    assert first["rank_official"].all() and set(first["reference_period"]) == {"2023"}
    other = obs[obs["source"] == "another_one"].iloc[0]
    assert other["reference_period"] == "2023"  # empty: the edition year
    assert other["rank"] == 1 and not other["rank_official"]  # no rank typed: computed, and marked so


def test_ranks_are_computed_when_none_typed_respecting_direction(tmp_path: Path) -> None:
    rows = [row(c, v, higher_is_better="false", unit="rank points") for c, v in (("DNK", "3"), ("NOR", "1"))]
    obs = read(csv_file(tmp_path, rows)).set_index("iso3")
    assert obs["rank"].to_dict() == {"DNK": 2, "NOR": 1}
    assert not obs["rank_official"].any()


def test_workbook_with_a_title_above_the_header(tmp_path: Path) -> None:
    path = tmp_path / "raw" / "t.xlsx"
    path.parent.mkdir(parents=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Figures typed from the PDF, table 3"])
    ws.append(HEADER)
    ws.append(["test_ranking", 2024, 2023, "Denmark", "overall", 80.25, 2, "score", True, CITE])
    ws.append(["test_ranking", 2024, None, "Finland", "overall", 81, 1, "score", True, CITE])
    wb.save(path)
    obs = read(path).set_index("iso3")
    assert obs["value"].to_dict() == {"DNK": 80.25, "FIN": 81.0}
    assert obs["reference_period"].to_dict() == {"DNK": "2023", "FIN": "2024"}


def test_missing_value_is_missing(tmp_path: Path) -> None:
    obs = read(csv_file(tmp_path, [row("DNK", "", ""), row("FIN", "n/a", "")])).set_index("iso3")
    assert obs["value_status"].eq("missing").all() and obs["rank"].isna().all()


# --- clear errors --------------------------------------------------------------------------------------------------


def test_missing_columns(tmp_path: Path) -> None:
    header = [h for h in HEADER if h not in {"unit", "citation"}]
    path = csv_file(tmp_path, [[c for h, c in zip(HEADER, row("DNK"), strict=True) if h in header]], header)
    with pytest.raises(InputError, match=r"closest is the ranking template .*8 of 10 columns.*'unit', 'citation'"):
        readers.detect(RawFile(path, path.name))


def test_unknown_country(tmp_path: Path) -> None:
    message = fails(
        csv_file(tmp_path, [row("DNK"), row("Atlantis"), row("XX")]),
        r"source test_ranking: 2 countries cannot be matched: 'XX' \(as an ISO2 code\), 'Atlantis'",
    )
    assert "rankings/reference/countries/test_ranking.yaml" in message


def test_duplicate_keys(tmp_path: Path) -> None:
    fails(
        csv_file(tmp_path, [row("DNK", "1"), row("FIN", "2"), row("Denmark", "3")]),
        r"rows 2, 4 give the same observation twice: test_ranking edition 2024 \(2023\), Denmark "
        r"\(DNK / Denmark\), overall",
    )


def test_non_numeric_value(tmp_path: Path) -> None:
    fails(csv_file(tmp_path, [row("DNK"), row("FIN", "eighty")]), r"row 3: value 'eighty' is not a number")


@pytest.mark.parametrize(
    ("rank", "pattern"),
    [("0", r"row 2: rank 0 is below 1 \(ranks start at 1\)"), ("-2", "rank -2 is below 1"), ("2.5", "not a whole")],
)
def test_bad_ranks(tmp_path: Path, rank: str, pattern: str) -> None:
    fails(csv_file(tmp_path, [row("DNK", "80", rank)]), pattern)


@pytest.mark.parametrize(
    ("over", "pattern"),
    [
        ({"source": "IMD World Digital"}, r"source 'IMD World Digital' is not a source id.*'imd_world_digital'"),
        ({"edition": "24"}, r"edition '24' is not an edition year"),
        ({"reference_period": "spring 2023"}, r"reference_period 'spring 2023' is not a year"),
        ({"indicator": "Overall Score"}, r"indicator 'Overall Score' is not an indicator id.*'overall_score'"),
        ({"unit": ""}, "unit is empty"),
        ({"higher_is_better": "maybe"}, "higher_is_better 'maybe' is not true or false"),
        ({"citation": ""}, "citation is empty"),
        ({"country": ""}, "country is empty"),
    ],
)
def test_bad_cells(tmp_path: Path, over: dict[str, str], pattern: str) -> None:
    fails(csv_file(tmp_path, [row(**({"country": "DNK"} | over))]), r"row 2: " + pattern)


def test_inconsistent_unit_direction_or_citation(tmp_path: Path) -> None:
    fails(
        csv_file(tmp_path, [row("DNK"), row("FIN", unit="rank")]),
        r"unit differs between the rows of indicator overall of test_ranking: 'score 0-100' \(row 2\); "
        r"'rank' \(row 3\)",
    )
    fails(csv_file(tmp_path, [row("DNK"), row("FIN", higher_is_better="no")]), "higher_is_better differs")
    fails(
        csv_file(tmp_path, [row("DNK"), row("FIN", citation="other")]), "citation differs between the rows of edition"
    )


def test_known_source_must_use_its_indicators_and_direction(tmp_path: Path) -> None:
    fails(
        csv_file(tmp_path, [row("DNK", "0.9", source="un_egov", indicator="overall", edition="2001")]),
        r"un_egov is a source this project reads; its indicators are egdi, epi, hci, osi, tii, not 'overall'",
    )
    fails(
        csv_file(tmp_path, [row("DNK", "0.9", source="un_egov", indicator="egdi", higher_is_better="false")]),
        "higher_is_better of un_egov / egdi is True in the project's metadata",
    )
    obs = read(csv_file(tmp_path, [row("DNK", "0.9", "1", source="un_egov", indicator="egdi", edition="2001")]))
    assert obs.iloc[0]["source"] == "un_egov"


def test_warnings_for_ignored_columns_and_ranks_that_contradict_values(tmp_path: Path) -> None:
    rows = [row("DNK", "90", "2", comment="x"), row("FIN", "80", "1", comment="y")]
    obs = read(csv_file(tmp_path, rows, [*HEADER, "comment"]))
    assert obs.attrs["warnings"][0] == "ignored columns the template does not define: 'comment'"
    assert "ranks and values disagree in 1 pairs, e.g. Denmark (row 2, value 90.0, rank 2)" in obs.attrs["warnings"][1]


def test_metadata_of_a_template_file(tmp_path: Path) -> None:
    header = [*HEADER, "source_title", "indicator_title"]
    rows = [
        row("DNK", source_title="Test Ranking", indicator_title="Overall score"),
        row("DNK", "0.9", "1", source="un_egov", indicator="egdi", edition="2001", source_title="", indicator_title=""),
    ]
    path = csv_file(tmp_path, rows, header)
    sources, indicators = template.metadata_of(RawFile(path, path.name))
    assert sources.to_dict("records")[0] | {"ranked_among": ""} == {
        "source": "test_ranking",
        "title": "Test Ranking",
        "short": "Test Ranking",
        "publisher": "",
        "url": "",
        "licence": "",
        "citation": CITE,
        "headline_indicator": "overall",
        "ranked_among": "",
    }
    assert len(sources) == 1  # un_egov keeps its reviewed metadata
    assert indicators[["source", "indicator", "title", "unit", "higher_is_better"]].to_dict("records") == [
        {
            "source": "test_ranking",
            "indicator": "overall",
            "title": "Overall score",
            "unit": "score 0-100",
            "higher_is_better": True,
        }
    ]
    frames = template.metadata_frames(path.parent)
    assert frames[0]["source"].tolist() == ["test_ranking"]


def test_ingest_stores_by_the_template_source(tmp_path: Path) -> None:
    path = csv_file(tmp_path, [row("DNK", "80", "2"), row("FIN", "81", "1")])
    report = ingest(path.parent, tmp_path / "processed")
    assert [(r.status, r.source, r.editions) for r in report.results] == [("stored", "test_ranking", [2024])]
    entry = json.loads((tmp_path / "processed" / "manifest.json").read_text(encoding="utf-8"))["files"]["t.csv"]
    assert entry["layout"] == template.LAYOUT and entry["parts"][0].startswith("observations/source=test_ranking/")


def test_a_known_source_keeps_its_plausible_range(tmp_path: Path) -> None:
    rows = [row("DNK", "0.9", "1", source="un_egov", indicator="egdi", unit="index"), row("FIN", "7", "2")]
    rows[1][:5] = ["un_egov", "2024", "2023", "FIN", "egdi"]
    rows[1][7] = "index"
    fails(csv_file(tmp_path, rows), r"row 3: un_egov / egdi of FIN is 7\.0, outside the indicator's range 0-1 \(1 such")
