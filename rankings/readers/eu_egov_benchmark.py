"""EU eGovernment Benchmark: the report's data workbook ("Source Data" / "Final Results", 2021 report onward).

Quirks handled here (see the tests for each):
- the scores are in the sheet named like ``1. Scores <year>`` (found by that pattern; the year in the name is not
  always the data year, so years come from the column headers);
- column A is empty, a title and a sparse group-header row sit above the real header row, found by content
  (``Country``, ``Scoring``, ``Biennial average ...``);
- one row per country and indicator; indicators are matched by their label text (``1.1 Online availability``),
  with the label history kept in the indicator metadata, so a renamed indicator (``3.3 Authentic sources`` ->
  ``3.3 Pre-filled forms``) keeps its id;
- EU country codes (``EL``, ``UK``) and aggregate rows (``AVERAGE_EU27``, ``EU27+``), kept apart and never ranked;
- missing values as text (``.``, ``. ``, ``#DIV/0!``) or as error cells;
- header cells with line breaks, varying capitals and year pairs in either order (``Biennial Average 2019 + 2018``);
- the headline is the biennial average of the two latest measurement years; the older years, single-year averages
  and life-event scores are stored as separate series (own indicator ids, see the indicator metadata);
- the ``7. DESI ...`` sheet, when present: the DESI indicators the benchmark team derives from the benchmark;
- the Commission publishes no ranks: competition ranks among countries are computed and marked so.

The machine-readable long file of the same release is read by :mod:`rankings.readers.eu_egov_benchmark_mrf`,
which shares this module's series naming and the finishing steps in :func:`finish`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from rankings import countries, metadata
from rankings.layouts import is_desi_sheet as _is_desi_sheet
from rankings.layouts import is_scores_sheet as _is_scores_sheet
from rankings.rawfile import Cell, RawFile, normalise_header
from rankings.readers.common import (
    Detection,
    find_header,
    group_codes,
    map_distinct,
    parse_number,
    per_value,
    statuses_and_ranks,
)

SOURCE = "eu_egov_benchmark"
LAYOUT = "EU eGovernment Benchmark report workbook (sheet '1. Scores <year>')"

# Other sheets of the report workbook: a workbook with these but no scores sheet is told what is missing.
BENCHMARK_SHEETS = re.compile(r"(services|portals)\s*-\s*(results|data)|indicator graphs|benchlearning", re.I)

COLUMNS: dict[str, tuple[str, ...]] = {
    "country": ("Country",),
    "scoring": ("Scoring",),
    "headline": ("Biennial average",),
}
DESI_COLUMNS: dict[str, tuple[str, ...]] = {
    "country": ("Country",),
    "desi_indicator": ("Indicator - as used for DESI",),
    "desi_score": ("DESI score",),
}

# Life events by a stable id; the names the reports used for each. A renamed life event keeps its id, as the
# Commission's machine-readable file does (one code for "Owning and driving a car" and "Transport").
LIFE_EVENTS: dict[str, tuple[str, ...]] = {
    "regular_business_operations": ("Regular business operations",),
    "moving": ("Moving",),
    "transport": ("Transport", "Owning and driving a car"),
    "justice": ("Justice", "Starting a small claims procedure"),
    "health": ("Health",),
    "business_start_up": ("Business start-up", "Business start up", "Business startup"),
    "family": ("Family",),
    "career": ("Career", "Losing and finding a job"),
    "studying": ("Studying",),
}
GOVERNMENT_LEVELS = {"central", "regional", "local"}  # not stored (see the source metadata)

_PAIR = r"\(?\s*(\d{4})\s*(?:\+|/|&|,|and)\s*(\d{4})\s*\)?"
BIENNIAL = re.compile(rf"^bi\w*\s+av\w*\s*{_PAIR}$")
BUSINESS_CITIZEN = re.compile(rf"^(business|citizen)\s+life\s*events?\s*{_PAIR}$")
SINGLE_YEAR = re.compile(r"^av\w*\s*\(\s*(\d{4})\s*\)$")
LIFE_EVENT = re.compile(r"^(.+?)\s*\(\s*(\d{4})\s*\)$")
DESI_PERIOD = re.compile(rf"^bi\w*\s+av\w*\s*{_PAIR}$")
# Numbering in front of a label: "0.", "1.1", "2.x", "4a2".
_NUMBERING = re.compile(r"^(\d+(\.[0-9x]+)*\.?|\d+[a-z]\d*)\s+")


@dataclass(frozen=True)
class Column:
    """One value column of the scores sheet: which series it is and for which reference period."""

    position: int
    header: str
    suffix: str  # appended to the indicator id: "" for the headline, "__year", "__le_moving", ...
    period: str  # "2021+2022" or "2022"


@cache
def header_quirks() -> dict[str, str]:
    """The reviewed quirks (``reference/layouts/eu_egov_benchmark.yaml``): published header -> what it stands for,
    both normalised."""
    return {normalise_header(k): normalise_header(v) for k, v in metadata.header_quirks(SOURCE).items()}


def _prefix_match(header: str, alias: str) -> bool:
    header = header_quirks().get(header, header)
    if alias == "biennial average" and BIENNIAL.match(header):
        return True  # also when misspelt ("Biennal avarage 2021 + 2022")
    return header == alias or header.startswith(alias + " ")


def detect(raw: RawFile) -> Detection:
    found = find_header(raw, COLUMNS, sheet_filter=_is_scores_sheet, match=_prefix_match)
    no_scores_sheet = not any(_is_scores_sheet(n) for n in raw.sheet_names)
    if no_scores_sheet and any(n is not None and BENCHMARK_SHEETS.search(n) for n in raw.sheet_names):
        # Another sheet of the report workbook: say what is missing rather than "no supported layout".
        return Detection(
            score=0.5, missing=["a sheet named '1. Scores <year>' (the workbook has other sheets of the report)"]
        )
    return found


def sheets_with_header(raw: RawFile, headers: set[str], max_rows: int = 40) -> set[str | None]:
    """Sheets with a cell among their first rows that reads as one of ``headers`` (normalised).

    A cheap pre-filter for :func:`find_header`, which compares every cell with every alias: it keeps detection
    fast on the many large sheets of a report workbook.
    """
    found: set[str | None] = set()
    for name in raw.sheet_names:
        rows = raw.sheet(name).rows[:max_rows]
        if any(isinstance(c, str) and normalise_header(c) in headers for row in rows for c in row):
            found.add(name)
    return found


def label_key(label: object) -> str:
    """A label as matched: lower case, no numbering in front, no remarks in brackets."""
    text = normalise_header(label)
    text = _NUMBERING.sub("", text)
    text = re.sub(r"\s*\([^)]*\)", "", text)
    return " ".join(text.split())


@cache
def indicator_labels(series: str) -> dict[str, str]:
    """Label key -> indicator id, from the ``labels`` of the indicator metadata of one series."""
    out: dict[str, str] = {}
    for ind in metadata.indicators().values():
        if ind.source != SOURCE or ind.extra.get("series") != series:
            continue
        for entry in ind.extra.get("labels") or ():
            out[label_key(entry["label"])] = ind.id
    return out


@cache
def life_event_names() -> dict[str, str]:
    return {label_key(name): le for le, names in LIFE_EVENTS.items() for name in names}


def _pair(raw: RawFile, header: str, first: str, second: str) -> str:
    a, b = sorted((int(first), int(second)))
    if b - a != 1:
        raise raw.fail(f"column {header!r} is a biennial average of {a} and {b}, which are not consecutive years")
    return f"{a}+{b}"


def _classify(raw: RawFile, found: Detection, header_row: list[Cell]) -> list[Column]:
    skip = {found.columns["country"], found.columns["scoring"]}
    columns: list[Column] = []
    unknown: list[str] = []
    for pos, cell in enumerate(header_row):
        text = normalise_header(cell)
        text = header_quirks().get(text, text)
        if pos in skip or not text or text in GOVERNMENT_LEVELS:
            continue
        shown = " ".join(str(cell).split())
        if m := BIENNIAL.match(text):
            columns.append(Column(pos, shown, "__biennial", _pair(raw, shown, m[1], m[2])))
        elif m := BUSINESS_CITIZEN.match(text):
            columns.append(Column(pos, shown, f"__{m[1]}", _pair(raw, shown, m[2], m[3])))
        elif m := SINGLE_YEAR.match(text):
            columns.append(Column(pos, shown, "__year", m[1]))
        elif m := LIFE_EVENT.match(text):
            event = life_event_names().get(label_key(m[1]))
            if event is None:
                unknown.append(shown)
            else:
                columns.append(Column(pos, shown, f"__le_{event}", m[2]))
        else:
            unknown.append(shown)
    if unknown:
        known = ", ".join(n[0] for n in LIFE_EVENTS.values())
        entries = "; ".join(_quirk_entry(u) for u in unknown)
        raise raw.fail(
            f"sheet {found.sheet!r} has columns this reader does not know: {', '.join(repr(u) for u in unknown)}. "
            f"Known columns are biennial averages, 'Average (<year>)', Central/Regional/Local and the life events "
            f"{known} as '<life event> (<year>)'. If the header is the publisher's variant of one of these, add "
            f"under 'headers:' in {_LAYOUTS} (with a comment naming the edition and the file): {entries}"
        )
    biennials = [c for c in columns if c.suffix == "__biennial"]
    latest = max(biennials, key=lambda c: c.period)
    if sum(c.period == latest.period for c in biennials) > 1:
        raise raw.fail(f"sheet {found.sheet!r} has more than one column 'Biennial average {latest.period}'")
    return [Column(c.position, c.header, "", c.period) if c == latest else c for c in columns]


_LAYOUTS = metadata.layouts_path(SOURCE).relative_to(metadata.REFERENCE.parents[1]).as_posix()
_LOOSE_PAIR = re.compile(r"^(bi\w*\s+av\w*)\s*\(?\s*(\d{4})\d*\s*(?:\+|/|&|,|and)\s*(\d{4})\d*\s*\)?$")


def _quirk_entry(header: str) -> str:
    """The YAML entry that would accept ``header``: its meaning guessed where the header nearly reads as a
    biennial average (a year typed with an extra digit), else a placeholder to fill in."""
    m = _LOOSE_PAIR.match(normalise_header(header))
    meaning = f"Biennial average {m[2]} + {m[3]}" if m else "<the header it stands for>"
    return f"{json.dumps(header, ensure_ascii=False)}: {json.dumps(meaning, ensure_ascii=False)}"


def _text(cell: Cell) -> str:
    return countries.clean_name("" if cell is None else cell)


def _has_number(cells: list[Cell]) -> bool:
    return any(isinstance(c, int | float) and not isinstance(c, bool) for c in cells)


def read(raw: RawFile, found: Detection) -> pd.DataFrame:
    sheet = raw.sheet(found.sheet)
    rows = sheet.rows
    columns = _classify(raw, found, rows[found.header_row])
    headline = next(c for c in columns if c.suffix == "")
    edition = int(headline.period.split("+")[1]) + 1  # the report year follows its latest measurement year
    labels = indicator_labels("headline")
    country_pos, label_pos = found.columns["country"], found.columns["scoring"]
    width = max([c.position for c in columns] + [country_pos, label_pos]) + 1
    # Row by row for the labels (a few hundred rows); the cells' numbers by column, once per distinct value.
    row_names: list[str] = []
    row_indicators: list[str] = []
    row_lines: list[int] = []
    cells: list[Cell] = []  # the value cells of the rows kept, row by row
    unknown: dict[str, int] = {}
    stop: str | None = None  # a problem in a row: reported unless a number in a row before it is wrong
    for index in range(found.header_row + 1, len(rows)):
        line = index + 1  # 1-based, as the spreadsheet shows it
        row = list(rows[index]) + [None] * (width - len(rows[index]))
        name, label = _text(row[country_pos]), _text(row[label_pos])
        value_cells = [row[c.position] for c in columns]
        if not label:
            if _has_number(value_cells):
                stop = f"sheet {found.sheet!r} row {line} has scores but no indicator in the Scoring column"
                break
            continue  # empty row or a note under the table
        if not name:
            stop = f"sheet {found.sheet!r} row {line}: indicator {label!r} has no country"
            break
        indicator = labels.get(label_key(label))
        if indicator is None:
            unknown.setdefault(label, line)
            continue
        row_names.append(name)
        row_indicators.append(indicator)
        row_lines.append(line)
        cells.extend(value_cells)
    numbers = map_distinct(cells, parse_number)
    if (bad := numbers.first_error()) is not None:
        at, exc = bad
        line, col = row_lines[at // len(columns)], columns[at % len(columns)]
        raise raw.fail(f"sheet {found.sheet!r} row {line}, column {col.header!r}: {exc}")
    if stop is not None:
        raise raw.fail(stop)
    if unknown:
        shown = ", ".join(f"{label!r} (row {line})" for label, line in list(unknown.items())[:10])
        raise raw.fail(
            f"sheet {found.sheet!r} has indicators this reader does not know: {shown}. If one is a renamed "
            f"indicator, add its label to `labels` in rankings/reference/indicators/{SOURCE}.yaml"
        )
    if not row_names:
        raise raw.fail(f"sheet {found.sheet!r} has the scores header but no country rows")
    n = len(columns)
    parsed = numbers.values()
    scores = pd.DataFrame(
        {
            "name": np.repeat(np.array(row_names, dtype=object), n),
            "indicator": np.repeat(np.array(row_indicators, dtype=object), n)
            + np.tile(np.array([c.suffix for c in columns], dtype=object), len(row_names)),
            "reference_period": np.tile(np.array([c.period for c in columns], dtype=object), len(row_names)),
            "value": np.array([np.nan if v is None else v for v, _ in parsed], dtype="float64"),
            "decimals": pd.array([d for _, d in parsed], dtype="Int8"),
            "sheet": found.sheet,
            "source_row": np.repeat(np.array(row_lines, dtype="int64"), n),
        }
    )
    desi = _read_desi_sheet(raw, headline.period)
    df = pd.concat([scores, pd.DataFrame.from_records(desi)], ignore_index=True) if desi else scores
    df["edition"] = edition
    return finish(raw, df)


def _read_desi_sheet(raw: RawFile, headline_period: str) -> list[dict]:
    """The DESI indicators on the ``7. DESI ...`` sheet; nothing when the workbook has no such sheet."""
    # The table sits below a chart and its data (row 60 or so), deeper than find_header's default.
    found = find_header(raw, DESI_COLUMNS, sheet_filter=_is_desi_sheet, match=_prefix_match, max_rows=200)
    if not found.complete:
        return []  # no DESI sheet in this report (or not in the layout we know): the scores stand alone
    rows = raw.sheet(found.sheet).rows
    col = found.columns
    labels = indicator_labels("desi")
    period: str | None = None
    records: list[dict] = []
    for index in range(found.header_row + 1, len(rows)):
        line = index + 1
        row = list(rows[index]) + [None] * (max(col.values()) + 1 - len(rows[index]))
        score_text = normalise_header(row[col["desi_score"]]) if isinstance(row[col["desi_score"]], str) else ""
        if m := DESI_PERIOD.match(score_text):
            period = _pair(raw, str(row[col["desi_score"]]), m[1], m[2])
            continue
        name, label = _text(row[col["country"]]), _text(row[col["desi_indicator"]])
        if not name or not label:
            continue  # block titles, sub-headers, empty rows
        indicator = labels.get(label_key(label))
        if indicator is None:
            raise raw.fail(
                f"sheet {found.sheet!r} row {line}: DESI indicator {label!r} is not known; add its label to "
                f"`labels` of a desi_* indicator in rankings/reference/indicators/{SOURCE}.yaml"
            )
        if period is None:
            raise raw.fail(f"sheet {found.sheet!r} row {line}: no 'Biennial average <years>' above this DESI block")
        try:
            value, decimals = parse_number(row[col["desi_score"]])
        except ValueError as exc:
            raise raw.fail(f"sheet {found.sheet!r} row {line}, column 'DESI score': {exc}") from None
        records.append(
            {
                "name": name,
                "indicator": indicator,
                "reference_period": period,
                "value": value,
                "decimals": decimals,
                "sheet": found.sheet,
                "source_row": line,
            }
        )
    return records


def series_of(indicator: str) -> str:
    return indicator.split("__", 1)[1] if "__" in indicator else ""


def base_of(indicator: str) -> str:
    return indicator.split("__", 1)[0]


def finish(raw: RawFile, df: pd.DataFrame) -> pd.DataFrame:
    """Harmonise the EU codes, tell missing from not assessed, check ranges and compute ranks among countries.

    ``df`` has the columns name, edition, indicator, reference_period, value, decimals, sheet, source_row.
    Computed on plain arrays: a frame operation per step costs more than the step on a large report.
    """
    entities = countries.harmonise(df["name"].unique(), SOURCE, raw.display, codes="ISO2")
    df["iso3"] = per_value(df["name"], lambda n: entities[countries.clean_name(n)].iso3)
    df["entity"] = per_value(df["name"], lambda n: entities[countries.clean_name(n)].entity)
    df["is_aggregate"] = df["iso3"].isna()
    df["source"] = SOURCE
    value = df["value"].to_numpy(dtype="float64", na_value=np.nan)
    indicator = df["indicator"].to_numpy(dtype=object)
    period = df["reference_period"].to_numpy(dtype=object)
    _check_plausible(raw, df, indicator, value)
    # A country is not assessed in a column (a series and period) in which it has no value at all.
    series = np.asarray(per_value(df["indicator"], series_of), dtype=object)
    statuses_and_ranks(df, value, indicator, period, group_codes(df["name"].to_numpy(dtype=object), period, series))
    return df.drop(columns=["name"])


def _check_plausible(raw: RawFile, df: pd.DataFrame, indicator: np.ndarray, value: np.ndarray) -> None:
    bases = np.asarray(per_value(df["indicator"], base_of), dtype=object)
    for base in sorted(set(bases[~np.isnan(value)])):  # by id: a file with several always names the same
        lo, hi = metadata.indicator(SOURCE, base).plausible
        bad = np.flatnonzero((bases == base) & ((value < lo - 1e-9) | (value > hi + 1e-9)))
        if len(bad):
            first = df.iloc[bad[0]]
            where = f"row {first['source_row']}"
            if first["sheet"]:
                where = f"sheet {first['sheet']!r} {where}"
            raise raw.fail(
                f"{where}: {first['indicator']} of {first['name']} is {first['value']}, outside the score range "
                f"{lo}-{hi} ({len(bad)} such values)"
            )
