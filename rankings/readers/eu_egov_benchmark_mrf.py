"""EU eGovernment Benchmark: the release's "Machine readable format" workbook (one long sheet).

Header ``year, Country, variable, brkdown, unit, Value``. Quirks handled here (see the tests for each):
- ``year`` is the measurement year; the release's edition is the latest year + 1 (the report year), as in the
  report workbook of the same release;
- ``variable`` codes vary in letter case between years (``e_gov_1b_uc_mf`` / ``e_gov_1b_UC_MF``); they are
  matched in lower case against ``mrf_code`` in the indicator metadata;
- ``variable`` is empty for the measurement years before 2020: those rows cannot be told apart by indicator and
  are not stored (the report workbooks carry those years with labels); the source metadata says so;
- ``brkdown`` ``EGOV_LIFE_EVENTS`` is, despite its name, the biennial average of the row's year and the year
  before (the values equal the report workbook's biennial averages), stored as ``<id>__mrf_biennial`` with
  period ``Y-1+Y``; ``e_gov_EVENTS_<n>`` are single-year life-event scores, stored as ``<id>__mrf_le_<event>``;
- ``Value`` mixes numbers and ``.`` (missing); codes ``EL``, ``UK`` and aggregates ``EU``, ``EUplus``.

Its own indicator ids keep it from clashing with the report workbook of the same release, which carries many of
the same numbers: both files can be stored side by side.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from rankings import countries, metadata
from rankings.rawfile import RawFile
from rankings.readers.common import (
    Detection,
    FirstProblem,
    body,
    find_header,
    first_true,
    parse_int,
    parse_number,
)
from rankings.readers.eu_egov_benchmark import SOURCE, finish, sheets_with_header

LAYOUT = "EU eGovernment Benchmark machine-readable format (year, Country, variable, brkdown, unit, Value)"

COLUMNS: dict[str, tuple[str, ...]] = {
    "year": ("year",),
    "country": ("Country",),
    "variable": ("variable",),
    "brkdown": ("brkdown", "breakdown"),
    "unit": ("unit",),
    "value": ("Value",),
}
UNIT = "egov_score"
BIENNIAL_BREAKDOWN = "egov_life_events"
# The Commission's life-event codes, checked against the report workbook's life-event columns.
LIFE_EVENT_CODES: dict[str, str] = {
    "e_gov_events_1": "regular_business_operations",
    "e_gov_events_2": "moving",
    "e_gov_events_3": "transport",
    "e_gov_events_4": "justice",
    "e_gov_events_5": "business_start_up",
    "e_gov_events_6": "family",
    "e_gov_events_7": "career",
    "e_gov_events_8": "studying",
    "e_gov_events_9": "health",
}


def detect(raw: RawFile) -> Detection:
    candidates = sheets_with_header(raw, {"brkdown", "breakdown"})
    return find_header(raw, COLUMNS, sheet_filter=lambda name: name in candidates)


@cache
def variable_codes() -> dict[str, str]:
    """Variable code (lower case) -> indicator id, from ``mrf_code`` in the indicator metadata."""
    return {
        str(ind.extra["mrf_code"]).lower(): ind.id
        for ind in metadata.indicators().values()
        if ind.source == SOURCE and ind.extra.get("mrf_code")
    }


def _year(cell: object) -> int | None:
    year = parse_int(cell)
    return year if year is not None and 2000 <= year <= 2100 else None


def _stripped(cell: object) -> str:
    return str(cell or "").strip()


def read(raw: RawFile, found: Detection) -> pd.DataFrame:
    """Column by column: each check runs once per distinct cell value, and the first problem in row order is the
    one reported (as a row-by-row reading would)."""
    col = found.columns
    table = body(raw.sheet(found.sheet).rows, found.header_row + 1, max(col.values()) + 1)
    columns, lines = table.columns, table.lines
    codes = variable_codes()
    problem = FirstProblem()

    def at(i: int) -> str:
        return f"row {lines[i]}"

    year_cells = columns[col["year"]]
    years = table.map(col["year"], _year)
    if (bad := years.first_error()) is not None:
        i, exc = bad
        problem.note(i, 0, lambda: f"{at(i)}: year {exc}")
    year = years.array(dtype=object)
    no_year = first_true(np.equal(year, None) & ~np.isin(years.codes, list(years.errors)))
    problem.note(no_year, 0, lambda: f"{at(no_year)}: year {year_cells[no_year]!r} is not a measurement year")
    names = table.map(col["country"], lambda c: countries.clean_name(c or ""))
    name = names.array()
    empty_name = first_true(name == "")
    problem.note(empty_name, 1, lambda: f"{at(empty_name)}: Country is empty")
    units = table.map(col["unit"], _stripped)
    unit = units.array()
    wrong_units = [u for u in units.results if u.lower() != UNIT]
    wrong_unit = first_true(np.isin(unit, wrong_units)) if wrong_units else None
    problem.note(
        wrong_unit,
        2,
        lambda: f"{at(wrong_unit)}: unit {unit[wrong_unit]!r} is not {UNIT!r}, the only unit of this layout",
    )
    variables = table.map(col["variable"], lambda c: _stripped(c).lower())
    variable = variables.array()
    labelled = variable != ""
    indicator_of = {v: codes.get(v) for v in variables.results}
    known = labelled & np.isin(variable, [v for v, ind in indicator_of.items() if ind is not None])
    breakdowns = table.map(col["brkdown"], lambda c: _stripped(c).lower())
    breakdown = breakdowns.array()
    biennial = breakdown == BIENNIAL_BREAKDOWN
    life_event = np.isin(breakdown, list(LIFE_EVENT_CODES))
    stored = known & (biennial | life_event)
    values = table.map(col["value"], parse_number)
    if (bad := values.first_error(within=stored)) is not None:
        j, error = bad
        problem.note(j, 3, lambda: f"{at(j)}: Value {error}")
    problem.raise_first(raw)

    raw_variables = columns[col["variable"]]
    unknown_variables: dict[str, int] = {}
    for i in np.flatnonzero(labelled & ~known):
        unknown_variables.setdefault(str(raw_variables[i]).strip(), int(lines[i]))
    if unknown_variables:
        shown = ", ".join(f"{v!r} (row {n})" for v, n in list(unknown_variables.items())[:10])
        raise raw.fail(
            f"has variable codes this reader does not know: {shown}. If one is a new or renamed indicator, set "
            f"`mrf_code` in rankings/reference/indicators/{SOURCE}.yaml"
        )
    raw_breakdowns = columns[col["brkdown"]]
    unknown_breakdowns: dict[str, int] = {}
    for i in np.flatnonzero(known & ~stored):
        unknown_breakdowns.setdefault(str(raw_breakdowns[i]).strip(), int(lines[i]))
    if unknown_breakdowns:
        shown = ", ".join(f"{v!r} (row {n})" for v, n in list(unknown_breakdowns.items())[:10])
        known_codes = ", ".join(
            ["EGOV_LIFE_EVENTS", *(c.replace("e_gov_events", "e_gov_EVENTS") for c in LIFE_EVENT_CODES)]
        )
        raise raw.fail(f"has brkdown codes this reader does not know: {shown} (known: {known_codes})")
    unlabelled: dict[int, int] = {}  # measurement year -> rows without a variable code
    for y, count in zip(*np.unique(year[~labelled].astype("int64"), return_counts=True), strict=True):
        unlabelled[int(y)] = int(count)
    if not stored.any():
        raise raw.fail(
            f"has the {LAYOUT} header but none of its {sum(unlabelled.values())} rows carries a variable code, "
            "so no value can be attributed to an indicator"
        )
    rows = np.flatnonzero(stored)
    row_year = year[rows].astype("int64")
    base = np.array([indicator_of[v] for v in variable[rows]], dtype=object)
    event = np.array([LIFE_EVENT_CODES.get(b, "") for b in breakdown[rows]], dtype=object)
    is_biennial = biennial[rows]
    indicator = np.where(is_biennial, base + "__mrf_biennial", base + "__mrf_le_" + event)
    period = np.where(
        is_biennial,
        (row_year - 1).astype(str).astype(object) + "+" + row_year.astype(str).astype(object),
        row_year.astype(str).astype(object),
    )
    parsed = values.array()[rows]
    df = pd.DataFrame(
        {
            "name": name[rows],
            "indicator": indicator,
            "reference_period": period,
            "value": np.array([np.nan if p[0] is None else p[0] for p in parsed], dtype="float64"),
            "decimals": pd.array([p[1] for p in parsed], dtype="Int8"),
            "sheet": found.sheet,
            "source_row": lines[rows],
        }
    )
    df["edition"] = int(year.astype("int64").max()) + 1  # the release (report year) follows its latest year
    obs = finish(raw, df)
    if unlabelled:
        obs.attrs["warnings"] = [
            f"{sum(unlabelled.values())} rows (measurement years {min(unlabelled)}-{max(unlabelled)}) carry no "
            "variable code, so the indicator they measure is unknown: not stored (the report workbooks hold "
            "these years with their labels)"
        ]
    return obs
