"""Digital Economy and Society Index (DESI): the Commission's long-format dataset (``DESI.csv``).

Header ``observation, time_period, ref_area, indicator, breakdown, unit_measure, value, flag, note``. What is
stored: the overall DESI, the five dimension scores and the indicators of the digital public services dimension
(e-government users, pre-filled forms, online service completion, digital public services for businesses, open
data). The other indicators of the file are outside this project's scope and not read.

Quirks handled here (see the tests for each):
- the overall DESI is not a row of the file: it is the sum of the weighted dimension breakdowns of indicator
  ``desi`` (computed here in decimal arithmetic, so it has exactly the published digits);
- the dimension scores are the ``desi_sliders`` breakdowns (0-100);
- e-government users (``pc_ind_form``) and open data (``od_score``) are published as fractions 0-1 and stored
  in percent 0-100, the unit the indicator metadata declares; other values are 0-100 scores as published;
- indicator codes carry the dimension number, which changed between editions (``desi_5a1_egovu`` in DESI 2020):
  they are matched by their name part;
- empty values are missing; a value missing for every country in a year (open data before 2020) is not assessed;
- codes ``EL``, ``UK`` and the aggregate ``EU``, kept apart and never ranked; ranks are computed among countries;
- the edition is the file's latest year: DESI recalculates every year with each edition's method and weights.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from rankings import countries, metadata
from rankings.rawfile import RawFile
from rankings.readers.common import (
    Detection,
    Mapped,
    find_header,
    first_true,
    group_codes,
    map_distinct,
    parse_int,
    parse_number,
    per_value,
    statuses_and_ranks,
)
from rankings.readers.eu_egov_benchmark import sheets_with_header

SOURCE = "eu_desi"
LAYOUT = "DESI dataset, long format (time_period, ref_area, indicator, breakdown, unit_measure, value)"

COLUMNS: dict[str, tuple[str, ...]] = {
    "time_period": ("time_period",),
    "ref_area": ("ref_area",),
    "indicator": ("indicator",),
    "breakdown": ("breakdown",),
    "unit_measure": ("unit_measure",),
    "value": ("value",),
}

OVERALL = "desi"  # the overall index: sum of the weighted dimension breakdowns of indicator "desi"
DIMENSION_SCORES = "desi_sliders"  # the dimension scores, one breakdown per dimension
_DIMENSION = re.compile(r"^desi_\d+_([a-z]+)$")
_DPS_INDICATOR = re.compile(r"^desi_\d+a\d+_([a-z]+)$")
DIMENSIONS = {
    "conn": "connectivity",
    "hc": "human_capital",
    "ui": "internet_use",
    "idt": "integration_digital_technology",
    "dps": "digital_public_services",
}
DPS_INDICATORS = {
    "egovu": "egov_users",
    "prefform": "prefilled_forms",
    "osercomp": "online_service_completion",
    "psb": "dps_businesses",
    "opendata": "open_data",
}
# unit_measure -> factor to the unit of the indicator metadata (fractions 0-1 become percent 0-100).
UNIT_FACTORS = {"egov_score": 1, "pc_desi_sliders": 1, "pc_ind_form": 100, "od_score": 100}
FRACTION_UNITS = {u for u, f in UNIT_FACTORS.items() if f == 100}


def detect(raw: RawFile) -> Detection:
    candidates = sheets_with_header(raw, {"ref_area", "unit_measure"})
    return find_header(raw, COLUMNS, sheet_filter=lambda name: name in candidates)


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None


def _cell_texts(rows: list, first: int, position: int) -> list[str]:
    return ["" if position >= len(r) or r[position] is None else str(r[position]) for r in rows[first:]]


def _relevant(codes: Mapped, breakdowns: Mapped) -> np.ndarray:
    """Rows this reader stores: the overall index, the dimension scores it knows, the public-services indicators."""
    code, breakdown = codes.array(), breakdowns.array()
    dimension_rows = code == DIMENSION_SCORES
    known_dimensions = [b for b in breakdowns.results if (m := _DIMENSION.match(b)) and m[1] in DIMENSIONS]
    dps = [c for c in codes.results if (m := _DPS_INDICATOR.match(c)) and m[1] in DPS_INDICATORS]
    return (code == OVERALL) | (dimension_rows & np.isin(breakdown, known_dimensions)) | np.isin(code, dps)


def read(raw: RawFile, found: Detection) -> pd.DataFrame:
    rows = raw.sheet(found.sheet).rows
    col = found.columns
    width = max(col.values()) + 1
    first = found.header_row + 1
    # Every row's year is checked, the rest only in the rows this reader stores (a few thousand of the file's
    # rows): the checks by column, once per distinct value; the rows stored one by one, in order.
    years = map_distinct(_cell_texts(rows, first, col["time_period"]), parse_int)
    year_of = years.array()
    bad_year = years.first_error()
    no_year = first_true(
        np.array([y is None or not 2000 <= y <= 2100 for y in years.results], dtype=bool)[years.codes]
        & ~np.isin(years.codes, list(years.errors))
    )
    year_problem = min((i for i in (bad_year[0] if bad_year else None, no_year) if i is not None), default=None)
    codes = map_distinct(_cell_texts(rows, first, col["indicator"]), lambda t: t.strip().lower())
    breakdowns = map_distinct(_cell_texts(rows, first, col["breakdown"]), lambda t: t.strip().lower())
    candidates = np.flatnonzero(_relevant(codes, breakdowns)).tolist()
    if year_problem is not None:
        candidates = sorted({*(i for i in candidates if i < year_problem), year_problem})
    records: list[dict] = []
    parts: dict[tuple[str, int], list[tuple[str, Decimal | None, int | None, int]]] = {}
    for offset in candidates:
        index = first + offset
        line = index + 1
        row = [("" if c is None else str(c)) for c in rows[index]] + [""] * (width - len(rows[index]))
        where = f"row {line}"
        try:
            year = parse_int(row[col["time_period"]])
        except ValueError as exc:
            raise raw.fail(f"{where}: time_period {exc}") from None
        if year is None or not 2000 <= year <= 2100:
            raise raw.fail(f"{where}: time_period {row[col['time_period']]!r} is not a year")
        code = row[col["indicator"]].strip().lower()
        breakdown = row[col["breakdown"]].strip().lower()
        if code == OVERALL:
            indicator = None
        elif code == DIMENSION_SCORES:
            m = _DIMENSION.match(breakdown)
            indicator = DIMENSIONS.get(m[1]) if m else None
            if indicator is None:
                continue  # a dimension this project does not store
        elif (m := _DPS_INDICATOR.match(code)) and m[1] in DPS_INDICATORS:
            indicator = DPS_INDICATORS[m[1]]
        else:
            continue  # outside the digital public services dimension: not read
        name = countries.clean_name(row[col["ref_area"]])
        if not name:
            raise raw.fail(f"{where}: ref_area is empty")
        unit = row[col["unit_measure"]].strip().lower()
        if unit not in UNIT_FACTORS:
            raise raw.fail(
                f"{where}: unit_measure {unit!r} of {code} is not a unit this reader knows "
                f"({', '.join(sorted(UNIT_FACTORS))})"
            )
        text = row[col["value"]].strip()
        try:
            value, decimals = parse_number(text)
            exact = _decimal(text) if value is not None else None
        except ValueError as exc:
            raise raw.fail(f"{where}: value of {code} {exc}") from None
        if indicator is None:  # a weighted dimension of the overall index: summed below
            parts.setdefault((name, year), []).append((breakdown, exact, decimals, line))
            continue
        if exact is not None and unit in FRACTION_UNITS:
            if not 0 <= exact <= 1:
                raise raw.fail(
                    f"{where}: {code} is {text} in unit {unit}, which the Commission publishes as a fraction "
                    "between 0 and 1"
                )
            exact *= UNIT_FACTORS[unit]
            value = float(exact)
            decimals = max(0, decimals - 2) if decimals is not None else None
        records.append(_record(name, year, indicator, value, decimals, line))
    records += _overall(parts)
    if not records:
        raise raw.fail(f"has the {LAYOUT} header but no DESI or digital public services rows")
    df = pd.DataFrame.from_records(records)
    df["edition"] = int(max(year_of))
    return _finish(raw, df)


def _record(name: str, year: int, indicator: str, value: float | None, decimals: int | None, line: int) -> dict:
    return {
        "name": name,
        "reference_period": str(year),
        "indicator": indicator,
        "value": value,
        "decimals": decimals if value is not None else None,
        "source_row": line,
    }


def _overall(parts: dict[tuple[str, int], list[tuple[str, Decimal | None, int | None, int]]]) -> list[dict]:
    """The overall DESI per country and year: the exact sum of its weighted dimensions, when all are published."""
    dimensions_of_year: dict[int, set[str]] = {}
    for (_, year), items in parts.items():
        dimensions_of_year.setdefault(year, set()).update(b for b, *_ in items)
    records = []
    for (name, year), items in parts.items():
        complete = {b for b, v, *_ in items if v is not None} == dimensions_of_year[year] and len(items) == len(
            dimensions_of_year[year]
        )
        line = min(n for *_, n in items)
        if complete:
            total = sum((v for _, v, _, _ in items if v is not None), Decimal(0))
            digits = [d for _, _, d, _ in items if d is not None]
            records.append(_record(name, year, OVERALL, float(total), max(digits) if digits else None, line))
        else:
            records.append(_record(name, year, OVERALL, None, None, line))
    return records


def _finish(raw: RawFile, df: pd.DataFrame) -> pd.DataFrame:
    entities = countries.harmonise(df["name"].unique(), SOURCE, raw.display, codes="ISO2")
    df["iso3"] = per_value(df["name"], lambda n: entities[n].iso3)
    df["entity"] = per_value(df["name"], lambda n: entities[n].entity)
    df["is_aggregate"] = df["iso3"].isna()
    df["source"] = SOURCE
    df["sheet"] = None
    value = df["value"].to_numpy(dtype="float64", na_value=np.nan)
    indicator = df["indicator"].to_numpy(dtype=object)
    period = df["reference_period"].to_numpy(dtype=object)
    _check_plausible(raw, df, indicator, value)
    statuses_and_ranks(df, value, indicator, period, group_codes(df["name"].to_numpy(dtype=object), period))
    return df.drop(columns=["name"])


def _check_plausible(raw: RawFile, df: pd.DataFrame, indicator: np.ndarray, value: np.ndarray) -> None:
    for ind in sorted(set(indicator[~np.isnan(value)])):  # by id: a file with several always names the same
        lo, hi = metadata.indicator(SOURCE, str(ind)).plausible
        bad = np.flatnonzero((indicator == ind) & ((value < lo) | (value > hi)))
        if len(bad):
            first = df.iloc[bad[0]]
            raise raw.fail(
                f"row {first['source_row']}: {ind} of {first['name']} in {first['reference_period']} is "
                f"{first['value']}, outside the range {lo}-{hi} ({len(bad)} such values)"
            )
