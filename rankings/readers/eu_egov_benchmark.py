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

import pandas as pd

from rankings import countries, metadata
from rankings.rawfile import Cell, RawFile, normalise_header
from rankings.readers.common import Detection, find_header, parse_number, per_value

SOURCE = "eu_egov_benchmark"
LAYOUT = "EU eGovernment Benchmark report workbook (sheet '1. Scores <year>')"

SCORES_SHEET = re.compile(r"^\s*\d*\s*\.?\s*scores\b", re.IGNORECASE)
DESI_SHEET = re.compile(r"^\s*\d*\s*\.?\s*desi\b", re.IGNORECASE)
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


def _is_scores_sheet(name: str | None) -> bool:
    return name is not None and bool(SCORES_SHEET.match(name))


def _is_desi_sheet(name: str | None) -> bool:
    return name is not None and bool(DESI_SHEET.match(name))


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
    records: list[dict] = []
    unknown: dict[str, int] = {}
    for index in range(found.header_row + 1, len(rows)):
        line = index + 1  # 1-based, as the spreadsheet shows it
        row = list(rows[index]) + [None] * (width - len(rows[index]))
        name, label = _text(row[country_pos]), _text(row[label_pos])
        value_cells = [row[c.position] for c in columns]
        if not label:
            if _has_number(value_cells):
                raise raw.fail(f"sheet {found.sheet!r} row {line} has scores but no indicator in the Scoring column")
            continue  # empty row or a note under the table
        if not name:
            raise raw.fail(f"sheet {found.sheet!r} row {line}: indicator {label!r} has no country")
        indicator = labels.get(label_key(label))
        if indicator is None:
            unknown.setdefault(label, line)
            continue
        for col in columns:
            try:
                value, decimals = parse_number(row[col.position])
            except ValueError as exc:
                raise raw.fail(f"sheet {found.sheet!r} row {line}, column {col.header!r}: {exc}") from None
            records.append(
                {
                    "name": name,
                    "indicator": indicator + col.suffix,
                    "reference_period": col.period,
                    "value": value,
                    "decimals": decimals,
                    "sheet": found.sheet,
                    "source_row": line,
                }
            )
    if unknown:
        shown = ", ".join(f"{label!r} (row {line})" for label, line in list(unknown.items())[:10])
        raise raw.fail(
            f"sheet {found.sheet!r} has indicators this reader does not know: {shown}. If one is a renamed "
            f"indicator, add its label to `labels` in rankings/reference/indicators/{SOURCE}.yaml"
        )
    if not records:
        raise raw.fail(f"sheet {found.sheet!r} has the scores header but no country rows")
    records += _read_desi_sheet(raw, headline.period)
    df = pd.DataFrame.from_records(records)
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
    """
    entities = countries.harmonise(df["name"].unique(), SOURCE, raw.display, codes="ISO2")
    df["iso3"] = per_value(df["name"], lambda n: entities[countries.clean_name(n)].iso3)
    df["entity"] = per_value(df["name"], lambda n: entities[countries.clean_name(n)].entity)
    df["is_aggregate"] = df["iso3"].isna()
    df["source"] = SOURCE
    _check_plausible(raw, df)
    published = df["value"].notna()
    df["value_status"] = "published"
    # Not assessed: a country with no value at all in a column (it was not in that year's measurement), or an
    # indicator no country has in a column (not measured that year). Any other gap is a missing value.
    series = pd.Series(per_value(df["indicator"], series_of), index=df.index)
    country_has_any = published.groupby([df["name"], df["reference_period"], series]).transform("any")
    indicator_has_any = published.groupby([df["indicator"], df["reference_period"]]).transform("any")
    df.loc[~published, "value_status"] = "missing"
    df.loc[~published & (~country_has_any | ~indicator_has_any), "value_status"] = "not_assessed"
    df["rank"] = pd.array([None] * len(df), dtype="Int32")
    df["rank_official"] = pd.array([None] * len(df), dtype="boolean")
    rankable = published & ~df["is_aggregate"]
    if rankable.any():
        # Competition ranks ("1224", as common.competition_rank), vectorised over the many groups.
        groups = df[rankable].groupby(["edition", "reference_period", "indicator"])["value"]
        df.loc[rankable, "rank"] = groups.rank(method="min", ascending=False).round().astype("Int32")
        df.loc[rankable, "rank_official"] = False
    return df.drop(columns=["name"])


def _check_plausible(raw: RawFile, df: pd.DataFrame) -> None:
    bases = pd.Series(per_value(df["indicator"], base_of), index=df.index)
    for base, rows in df[df["value"].notna()].groupby(bases):
        lo, hi = metadata.indicator(SOURCE, base).plausible
        bad = rows[(rows["value"] < lo - 1e-9) | (rows["value"] > hi + 1e-9)]
        if not bad.empty:
            first = bad.iloc[0]
            where = f"row {first['source_row']}"
            if first["sheet"]:
                where = f"sheet {first['sheet']!r} {where}"
            raise raw.fail(
                f"{where}: {first['indicator']} of {first['name']} is {first['value']}, outside the score range "
                f"{lo}-{hi} ({len(bad)} such values)"
            )
