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

import pandas as pd

from rankings import countries, metadata
from rankings.rawfile import RawFile
from rankings.readers.common import Detection, find_header, parse_int, parse_number
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


def read(raw: RawFile, found: Detection) -> pd.DataFrame:
    rows = raw.sheet(found.sheet).rows
    col = found.columns
    width = max(col.values()) + 1
    codes = variable_codes()
    records: list[dict] = []
    years: set[int] = set()
    unlabelled: dict[int, int] = {}  # measurement year -> rows without a variable code
    unknown_variables: dict[str, int] = {}
    unknown_breakdowns: dict[str, int] = {}
    for index in range(found.header_row + 1, len(rows)):
        line = index + 1
        row = list(rows[index]) + [None] * (width - len(rows[index]))
        if all(c is None or str(c).strip() == "" for c in row):
            continue
        where = f"row {line}"
        try:
            year = parse_int(row[col["year"]])
        except ValueError as exc:
            raise raw.fail(f"{where}: year {exc}") from None
        if year is None or not 2000 <= year <= 2100:
            raise raw.fail(f"{where}: year {row[col['year']]!r} is not a measurement year")
        years.add(year)
        name = countries.clean_name(row[col["country"]] or "")
        if not name:
            raise raw.fail(f"{where}: Country is empty")
        unit = str(row[col["unit"]] or "").strip()
        if unit.lower() != UNIT:
            raise raw.fail(f"{where}: unit {unit!r} is not {UNIT!r}, the only unit of this layout")
        variable = str(row[col["variable"]] or "").strip().lower()
        if not variable:
            unlabelled[year] = unlabelled.get(year, 0) + 1  # before 2020: the file does not say which indicator
            continue
        breakdown = str(row[col["brkdown"]] or "").strip().lower()
        indicator = codes.get(variable)
        if indicator is None:
            unknown_variables.setdefault(str(row[col["variable"]]).strip(), line)
            continue
        if breakdown == BIENNIAL_BREAKDOWN:
            indicator, period = f"{indicator}__mrf_biennial", f"{year - 1}+{year}"
        elif breakdown in LIFE_EVENT_CODES:
            indicator, period = f"{indicator}__mrf_le_{LIFE_EVENT_CODES[breakdown]}", str(year)
        else:
            unknown_breakdowns.setdefault(str(row[col["brkdown"]]).strip(), line)
            continue
        try:
            value, decimals = parse_number(row[col["value"]])
        except ValueError as exc:
            raise raw.fail(f"{where}: Value {exc}") from None
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
    if unknown_variables:
        shown = ", ".join(f"{v!r} (row {n})" for v, n in list(unknown_variables.items())[:10])
        raise raw.fail(
            f"has variable codes this reader does not know: {shown}. If one is a new or renamed indicator, set "
            f"`mrf_code` in rankings/reference/indicators/{SOURCE}.yaml"
        )
    if unknown_breakdowns:
        shown = ", ".join(f"{v!r} (row {n})" for v, n in list(unknown_breakdowns.items())[:10])
        known = ", ".join(["EGOV_LIFE_EVENTS", *(c.replace("e_gov_events", "e_gov_EVENTS") for c in LIFE_EVENT_CODES)])
        raise raw.fail(f"has brkdown codes this reader does not know: {shown} (known: {known})")
    if not records:
        raise raw.fail(
            f"has the {LAYOUT} header but none of its {sum(unlabelled.values())} rows carries a variable code, "
            "so no value can be attributed to an indicator"
        )
    df = pd.DataFrame.from_records(records)
    df["edition"] = max(years) + 1  # the release (report year) follows its latest measurement year
    obs = finish(raw, df)
    if unlabelled:
        obs.attrs["warnings"] = [
            f"{sum(unlabelled.values())} rows (measurement years {min(unlabelled)}-{max(unlabelled)}) carry no "
            "variable code, so the indicator they measure is unknown: not stored (the report workbooks hold "
            "these years with their labels)"
        ]
    return obs
