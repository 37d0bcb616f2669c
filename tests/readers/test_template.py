"""The ranking template: any other ranking typed in as a tidy CSV or XLSX. Values here are fictitious."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from rankings import countries, metadata, readers
from rankings.errors import InputError
from rankings.ingest import ingest, read_file
from rankings.model import competition_rank
from rankings.rawfile import RawFile, sha256_of
from rankings.readers import template
from rankings.readers.common import Detection

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


def test_the_first_difference_in_file_order_is_named(tmp_path: Path) -> None:
    rows = [
        row("DNK", indicator="online_services"),
        row("FIN", indicator="online_services", citation="other"),  # row 3: the first difference in the file
        row("DNK", indicator="another"),
        row("FIN", indicator="another", unit="rank"),  # row 5: a unit, and an indicator sorted first
    ]
    message = fails(csv_file(tmp_path, rows), "citation differs between the rows of edition 2024 of test_ranking")
    assert "unit" not in message
    later = [rows[2], rows[3], rows[0], rows[1]]  # now the unit's difference comes first
    fails(csv_file(tmp_path, later), "unit differs between the rows of indicator another of test_ranking")


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


# --- the column-wise reading gives what the row-by-row reading gave ------------------------------------------------
#
# The reader parses each distinct cell once and checks over codes; the first offending row in file order still
# fails the file with the message it always had. The reference below is the row-by-row reader it replaced (its
# message-wording checks are the reader's own), kept here to compare the two on generated files.


def rowwise_read(raw: RawFile, found: Detection) -> pd.DataFrame:
    sheet = raw.sheet(found.sheet)
    col, ignored = template._positions(raw, found)
    width = max(col.values()) + 1
    first_row = found.header_row + 1
    records: list[dict] = []
    for offset, cells_row in enumerate(sheet.rows[first_row:]):
        line = first_row + offset + 1
        cells = list(cells_row) + [None] * (width - len(cells_row))
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        records.append(template._parse_row(raw, line, {cid: cells[pos] for cid, pos in col.items()}))
    if not records:
        raise raw.fail(f"has the {template.LAYOUT} header but no data rows")
    df = pd.DataFrame.from_records(records)
    template._check_consistent(raw, df)
    template._check_known_sources(raw, df)
    _rowwise_harmonise(raw, df)
    template._check_duplicates(raw, df)
    warnings = _rowwise_rank(df)
    df["sheet"] = found.sheet
    out = df.drop(
        columns=["country", "unit", "higher_is_better", "citation", "source_title", "indicator_title", "note"]
    )
    if ignored:
        warnings.insert(0, f"ignored columns the template does not define: {', '.join(repr(c) for c in ignored)}")
    if warnings:
        out.attrs["warnings"] = warnings
    return out


def _rowwise_harmonise(raw: RawFile, df: pd.DataFrame) -> None:
    entities: dict[tuple[str, str], countries.Entity] = {}
    for source, part in df.groupby("source"):
        kinds: dict[str | None, list[str]] = {"ISO3": [], "ISO2": [], None: []}
        for name in dict.fromkeys(part["country"]):
            if re.fullmatch(r"[A-Z]{3}", name) and countries.is_iso3(name):
                kinds["ISO3"].append(name)
            elif re.fullmatch(r"[A-Z]{2}", name):
                kinds["ISO2"].append(name)
            else:
                kinds[None].append(name)
        unmatched: list[str] = []
        for codes, names in kinds.items():
            for name in names:
                try:
                    found = countries.harmonise([name], str(source), raw.display, codes=codes)
                except InputError:
                    unmatched.append(f"{name!r}" + (f" (as an {codes} code)" if codes else ""))
                    continue
                entities[(str(source), name)] = found[countries.clean_name(name)]
        if unmatched:
            raise raw.fail(
                f"source {source}: {len(unmatched)} countries cannot be matched: {', '.join(unmatched[:20])}"
                f"{' ...' if len(unmatched) > 20 else ''}. Write ISO3 codes (DNK), ISO2 codes (DK) or English "
                f"names (Denmark); for a spelling that is right but unknown, or an aggregate, add it to "
                f"rankings/reference/countries/{source}.yaml"
            )
    keys = list(zip(df["source"], df["country"], strict=True))
    df["iso3"] = [entities[k].iso3 for k in keys]
    df["entity"] = [entities[k].entity for k in keys]
    df["is_aggregate"] = [entities[k].is_aggregate for k in keys]


def _rowwise_rank(df: pd.DataFrame) -> list[str]:
    warnings: list[str] = []
    df["rank"] = df["rank"].astype("Int32")
    typed = df["rank"].notna().to_numpy()
    ranks = df["rank"].to_numpy(dtype="float64", na_value=np.nan)
    values = pd.to_numeric(df["value"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    published = (df["value_status"] == "published").to_numpy()
    higher = df["higher_is_better"].to_numpy()
    official = np.where(typed, 1, -1)
    groups = df.groupby(["source", "edition", "reference_period", "indicator"], sort=True).indices
    for (source, edition, _period, indicator), positions in sorted(groups.items()):
        hib = bool(higher[positions[0]])
        scored = positions[published[positions]]
        if not typed[positions].any():
            if len(scored):
                computed = competition_rank(pd.Series(values[scored]), higher_is_better=hib)
                ranks[scored] = computed.to_numpy(dtype="float64", na_value=np.nan)
                official[scored] = 0
            continue
        both = scored[typed[scored]]
        v, r = values[both], ranks[both]
        better = v[:, None] > v[None, :] if hib else v[:, None] < v[None, :]
        clashes = np.argwhere(better & (r[:, None] > r[None, :]))
        if len(clashes):
            i, j = clashes[0]
            a, b = df.iloc[both[i]], df.iloc[both[j]]
            warnings.append(
                f"{source} {edition} {indicator}: ranks and values disagree in {len(clashes)} pairs, e.g. "
                f"{a['entity']} (row {a['source_row']}, value {a['value']}, rank {a['rank']}) has a better value "
                f"but a worse rank than {b['entity']} (row {b['source_row']}, value {b['value']}, rank "
                f"{b['rank']}); check for typing errors"
            )
    df["rank"] = pd.array([None if np.isnan(x) else int(x) for x in ranks], dtype="Int32")
    df["rank_official"] = pd.array([None if o < 0 else bool(o) for o in official], dtype="boolean")
    return warnings


def _outcome(read_fn: Callable[[RawFile, Detection], pd.DataFrame], path: Path) -> pd.DataFrame | str:
    raw = RawFile(path, path.name)
    found = template.detect(raw)
    try:
        return read_fn(raw, found)
    except Exception as exc:  # the project's InputError, or whatever else a cell makes the reading raise
        return f"{type(exc).__name__}: {exc}"


def assert_reads_as_rowwise(path: Path) -> pd.DataFrame | str:
    """The reader and the row-by-row reference give the same table (dtypes, warnings) or the same error."""
    expected, got = _outcome(rowwise_read, path), _outcome(template.read, path)
    if isinstance(expected, str) or isinstance(got, str):
        assert got == expected
        return got
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.attrs == expected.attrs
    return got


NAMES = [
    "DNK", "FIN", "Estonia", "SE", "NO", "Germany", "FRA", "Latvia", "LT", "Republic of Korea", "NA", "Poland ",
    "ITA", "ES", "Portugal", "AUT", "BE", "Netherlands", "IRL", "HU", "CZE", "SVK", "SVN", "HRV", "ROU", "BGR",
    "CYP", "MLT", "LUX", "ISL", "CHE", "GBR", "USA", "CAN", "MEX", "JPN", "AUS", "NZL", "CHL", "COL",
]  # fmt: skip


def generated_rows(seed: int, n: int) -> list[list[str]]:
    """Valid-looking rows: several sources, editions and periods (typed or empty), countries as ISO3, ISO2 and
    names, missing values, indicators typed with ranks (some contradicting the values) and without."""
    rng = random.Random(seed)
    rows, seen = [], set()
    for _ in range(n):
        source = rng.choice(["test_ranking", "other_one", "un_egov"])
        indicator = rng.choice(["egdi", "osi"] if source == "un_egov" else ["overall", "pillar.a", "pillar.b", "x-1"])
        edition = rng.choice(["2022", "2023", "2024"])
        period = rng.choice(["", edition, "2021-2022", "2023-06"])
        country = rng.choice(NAMES)
        key = (source, edition, period or edition, country.strip(), indicator)
        if key in seen:
            continue
        seen.add(key)
        unit = "index 0-1" if source == "un_egov" else f"unit of {indicator}"
        value = rng.choice(["0.5", "0.25", "0.75", "", "n/a", "1", "0.50"] if source == "un_egov" else
                           ["80.5", "70", "", "90.25", "70", " 65.0 ", "1,5", "3e1"])  # fmt: skip
        typed = indicator in ("egdi", "overall") or (indicator == "pillar.a" and edition == "2024")
        rank = rng.choice(["1", "2", "3", "10", ""]) if typed else ""
        hib = "false" if indicator == "pillar.b" else rng.choice(["true", "TRUE", "yes"])
        cells = {"source": source, "edition": edition, "reference_period": period, "indicator": indicator}
        cells |= {"unit": unit, "higher_is_better": hib, "citation": f"Cite {source} {edition}"}
        rows.append(row(country, value, rank, **cells))
    return rows


@pytest.mark.parametrize(("seed", "size"), [(1, 150), (2, 1500), (3, 6000)])
def test_generated_files_read_as_row_by_row(tmp_path: Path, seed: int, size: int) -> None:
    rows = generated_rows(seed, size)  # small files are read in plain Python, large ones in bulk
    obs = assert_reads_as_rowwise(csv_file(tmp_path, rows))
    assert isinstance(obs, pd.DataFrame) and len(obs) == len(rows)
    assert obs["rank_official"].isna().any() and (~obs["rank_official"].fillna(True)).any()  # computed ranks too
    assert any("ranks and values disagree" in w for w in obs.attrs["warnings"])


def test_a_generated_workbook_with_typed_cells_and_blank_rows_reads_as_row_by_row(tmp_path: Path) -> None:
    path = tmp_path / "raw" / "t.xlsx"
    path.parent.mkdir(parents=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ranking"
    ws.append(["Typed from the PDF"])
    ws.append([*HEADER, "note", "comment"])
    for k, cells in enumerate(generated_rows(4, 400)):
        if k % 97 == 5:
            ws.append([None, " ", None])  # a blank row: skipped, the rows after it keep their numbers
        typed: list[object] = [None if c == "" else c for c in cells]
        typed[1] = int(cells[1]) if k % 2 else cells[1]  # edition 2024 and "2024"
        typed[5] = float(cells[5]) if k % 3 == 0 and cells[5] in ("80.5", "0.25", "70") else typed[5]
        typed[6] = int(cells[6]) if k % 5 == 0 and cells[6] else typed[6]
        typed[8] = cells[8].lower() == "true" if k % 4 == 0 and cells[8].lower() == "true" else typed[8]
        ws.append([*typed, "a note", "x"])
    wb.save(path)
    obs = assert_reads_as_rowwise(path)
    assert isinstance(obs, pd.DataFrame) and set(obs["sheet"]) == {"Ranking"}
    assert obs.attrs["warnings"][0] == "ignored columns the template does not define: 'comment'"


BROKEN = [
    ("value", "eighty"),
    ("value", "1.2.3"),
    ("rank", "0"),
    ("rank", "2.5"),
    ("edition", "24"),
    ("reference_period", "spring 2023"),
    ("source", "IMD World"),
    ("indicator", "Overall Score"),
    ("country", ""),
    ("unit", ""),
    ("higher_is_better", "maybe"),
    ("citation", ""),
    ("country", "Atlantis"),
    ("country", "XX"),
    ("unit", "another unit"),
    ("higher_is_better", "false"),
    ("citation", "another citation"),
]


@pytest.mark.parametrize("size", [150, 5000])
@pytest.mark.parametrize(("column", "bad"), BROKEN)
def test_broken_files_fail_as_row_by_row(tmp_path: Path, column: str, bad: str, size: int) -> None:
    rows = generated_rows(5, size)
    for k in (len(rows) // 2, len(rows) * 2 // 3, len(rows) * 4 // 5):  # the same bad cell thrice, past row 1
        rows[k][HEADER.index(column)] = bad
    message = assert_reads_as_rowwise(csv_file(tmp_path, rows))
    assert isinstance(message, str) and message.startswith("InputError: t.csv")


def test_duplicates_and_a_known_source_out_of_range_fail_as_row_by_row(tmp_path: Path) -> None:
    rows = generated_rows(6, 5000)
    rows[800] = list(rows[300])
    rows[800][3] = {"DNK": "Denmark", "SE": "SWE"}.get(rows[300][3], rows[300][3])  # the same country, spelt anew
    message = assert_reads_as_rowwise(csv_file(tmp_path, rows))
    assert "give the same observation twice" in message
    rows = generated_rows(6, 5000)
    k = next(k for k, r in enumerate(rows) if r[0] == "un_egov" and k > 600)
    rows[k][5] = "7"
    message = assert_reads_as_rowwise(csv_file(tmp_path, rows, name="u.csv"))
    assert f"row {k + 2}: un_egov / " in message and "outside the indicator's range 0-1" in message


def test_the_first_bad_row_in_file_order_fails_the_file(tmp_path: Path) -> None:
    rows = [row("DNK", "80", indicator=f"ind{k}") for k in range(3000)]
    rows[2000][6] = "0"  # rank 0 in row 2002
    rows[2500][5] = "eighty"
    rows[2600][6] = "0"
    fails(csv_file(tmp_path, rows), r"^t.csv: row 2002: rank 0 is below 1")
    rows[1500][5] = "eighty"  # an earlier row, a later column: the earlier row wins
    fails(csv_file(tmp_path, rows), r"^t.csv: row 1502: value 'eighty' is not a number")
    rows[1500][7] = ""  # in one row the columns are checked in the template's order: value before unit
    fails(csv_file(tmp_path, rows), r"^t.csv: row 1502: value 'eighty'")
    rows[1500][4] = "Bad Indicator"
    fails(csv_file(tmp_path, rows), r"^t.csv: row 1502: indicator 'Bad Indicator' is not an indicator id")


def test_mixed_iso3_iso2_and_names_over_many_rows(tmp_path: Path) -> None:
    spellings = {"DNK": "DNK", "DK": "DNK", "Denmark": "DNK", "FI": "FIN", "Finland": "FIN", "EST": "EST", "NA": "NAM"}
    rows = [  # one spelling per reference period: no observation twice
        row(name, str(k % 90), indicator=f"i{k}", reference_period=str(2010 + j))
        for k in range(600)
        for j, name in enumerate(spellings)
    ]
    obs = read(csv_file(tmp_path, rows))
    assert len(obs) == len(rows)
    assert (obs["iso3"].to_numpy() == [spellings[r[3]] for r in rows]).all()
    assert obs.set_index("iso3")["entity"].to_dict() == {
        "DNK": "Denmark", "FIN": "Finland", "EST": "Estonia", "NAM": "Namibia"
    }  # fmt: skip
    unknown = csv_file(tmp_path, [*rows[:20], row("XX"), row("Atlantis"), row("QQQ"), row("XX")], name="u.csv")
    fails(unknown, r"source test_ranking: 3 countries cannot be matched: 'XX' \(as an ISO2 code\), 'Atlantis', 'QQQ'")
    assert_reads_as_rowwise(unknown)


def test_computed_ranks_tie_and_respect_direction_per_group(tmp_path: Path) -> None:
    rows = [row(c, v, indicator="a") for c, v in (("DNK", "3"), ("FIN", "5"), ("EST", "5"), ("SWE", ""))]
    rows += [row(c, v, indicator="b", higher_is_better="false", unit="u") for c, v in (("DNK", "3"), ("FIN", "1"))]
    rows += [row(c, v, indicator="a", edition="2023", citation="c") for c, v in (("DNK", "1"), ("FIN", "2"))]
    obs = read(csv_file(tmp_path, rows))
    got = {(r.edition, r.indicator, r.iso3): (r.rank, r.rank_official) for r in obs.itertuples()}
    assert got == {
        (2024, "a", "DNK"): (3, False), (2024, "a", "FIN"): (1, False), (2024, "a", "EST"): (1, False),
        (2024, "a", "SWE"): (pd.NA, pd.NA), (2024, "b", "DNK"): (2, False), (2024, "b", "FIN"): (1, False),
        (2023, "a", "DNK"): (2, False), (2023, "a", "FIN"): (1, False),
    }  # fmt: skip


# Found while making the reader column-wise: these crashed with a traceback (or stored an infinite value).
@pytest.mark.parametrize(
    ("over", "pattern"),
    [
        ({"reference_period": "2023-13"}, r"reference_period '2023-13' is not a year"),
        ({"reference_period": "0000"}, r"reference_period '0000' is not a year"),
        ({"rank": "3000000000"}, r"rank '3000000000' is too large"),
        ({"rank": "1e400"}, r"rank '1e400' is not a whole number"),
        ({"edition": "1e400"}, r"edition '1e400' is not an edition year"),
        ({"value": "1e400"}, r"value '1e400' is not a finite number"),
        ({"value": "-" + "9" * 400}, r"value .-9+. is not a finite number"),
    ],
)
@pytest.mark.parametrize("size", [1, 300])  # small files are read in plain Python, large ones partly in Arrow
def test_impossible_numbers_and_dates_fail_with_a_message(
    tmp_path: Path, over: dict[str, str], pattern: str, size: int
):
    rows = [row("SWE", reference_period=str(1700 + i)) for i in range(size)]
    rows[-1] = row("NOR", **over)
    fails(csv_file(tmp_path, rows), rf"row {size + 1}: " + pattern)


def test_metadata_of_a_template_with_a_header_and_no_rows(tmp_path: Path) -> None:
    path = csv_file(tmp_path, [])
    sources, indicators = template.metadata_of(RawFile(path, path.name))
    assert sources.empty and indicators.empty
    assert list(sources.columns) == list(metadata.sources_frame().columns)
