"""UN E-Government Survey: the Data Center download (``EGOV_DATA_<year>.csv``, or the same table as .xlsx).

Quirks handled here (see the tests for each):
- country names with a trailing space, quoted; UTF-8 non-ASCII names; CRLF or LF;
- countries not assessed in an edition: empty rank and every index ``0.00000`` -> not assessed, never a score;
- genuine zero components with a rank are kept as published;
- ranks as published, ties included; the UN ranks only the EGDI, sub-index ranks are computed and marked so;
- the survey year column is the edition; a file may hold one or several editions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rankings import countries, metadata
from rankings.rawfile import RawFile
from rankings.readers.common import (
    Detection,
    bool_array,
    find_header,
    int_array,
    parse_int,
    parse_number,
    per_value,
)

SOURCE = "un_egov"
LAYOUT = "UN E-Government Survey data-center download"

COLUMNS: dict[str, tuple[str, ...]] = {
    "year": ("Survey Year",),
    "country": ("Country Name",),
    "rank": ("E-Government Rank",),
    "egdi": ("E-Government Index", "E-Government Development Index"),
    "epi": ("E-Participation Index",),
    "osi": ("Online Service Index",),
    "hci": ("Human Capital Index",),
    "tii": ("Telecommunication Infrastructure Index",),
}
INDICATORS = ("egdi", "osi", "hci", "tii", "epi")


def detect(raw: RawFile) -> Detection:
    return find_header(raw, COLUMNS)


def read(raw: RawFile, found: Detection) -> pd.DataFrame:
    sheet = raw.sheet(found.sheet)
    col = found.columns
    editions: list[int] = []
    names: list[str] = []
    ranks: list[int | None] = []
    values: list[float | None] = []  # row-major: the row's INDICATORS in order
    decimals: list[int | None] = []
    lines: list[int] = []
    first_row = found.header_row + 1
    for offset, row in enumerate(sheet.rows[first_row:]):
        line = first_row + offset + 1  # 1-based, as a spreadsheet or editor shows it
        cells = list(row) + [None] * (max(col.values()) + 1 - len(row))
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        where = f"row {line}"
        try:
            edition = parse_int(cells[col["year"]])
        except ValueError as exc:
            raise raw.fail(f"{where}: Survey Year {exc}") from None
        if edition is None or not 2001 <= edition <= 2100:
            raise raw.fail(f"{where}: Survey Year {cells[col['year']]!r} is not a survey year")
        name = countries.clean_name(cells[col["country"]] or "")
        if not name:
            raise raw.fail(f"{where}: Country Name is empty")
        try:
            rank = parse_int(cells[col["rank"]])
        except ValueError as exc:
            raise raw.fail(f"{where}: E-Government Rank {exc}") from None
        if rank is not None and rank < 1:
            raise raw.fail(f"{where}: E-Government Rank {rank} is not a rank (ranks start at 1)")
        for ind in INDICATORS:
            try:
                value, digits = parse_number(cells[col[ind]])
            except ValueError as exc:
                raise raw.fail(f"{where}: {COLUMNS[ind][0]} {exc}") from None
            values.append(value)
            decimals.append(digits)
        editions.append(edition)
        names.append(name)
        ranks.append(rank)
        lines.append(line)
    if not names:
        raise raw.fail(f"has the {LAYOUT} header but no data rows")
    return _table(raw, found, editions, names, ranks, values, decimals, lines)


def _table(
    raw: RawFile,
    found: Detection,
    editions: list[int],
    names: list[str],
    ranks: list[int | None],
    values: list[float | None],
    decimals: list[int | None],
    lines: list[int],
) -> pd.DataFrame:
    """One observation per row and index, built column by column (numpy, not a frame operation per step)."""
    k = len(INDICATORS)
    n = len(names) * k
    value = np.array([np.nan if v is None else v for v in values], dtype="float64").reshape(-1, k)
    # Not assessed: no rank and nothing but zeros (or blanks). A zero with a rank is a published zero.
    no_rank = np.array([r is None for r in ranks])
    not_assessed = np.repeat(no_rank & (np.nan_to_num(value) == 0.0).all(axis=1), k)
    value = value.reshape(-1)
    published = ~not_assessed & ~np.isnan(value)
    status = np.where(not_assessed, "not_assessed", np.where(published, "published", "missing"))
    value[~published] = np.nan
    digits = np.array([np.nan if d is None else d for d in decimals], dtype="float64")
    digits[~published] = np.nan
    indicator = np.tile(np.array(INDICATORS, dtype=object), len(names))
    name = np.repeat(np.array(names, dtype=object), k)
    edition = np.repeat(np.array(editions, dtype="int64"), k)
    line = np.repeat(np.array(lines, dtype="int64"), k)
    _check_plausible(raw, indicator, value, name, line)
    # The UN ranks the EGDI only; sub-index ranks are computed among the countries assessed, and marked so.
    rank = np.full(n, np.nan)
    official = np.full(n, np.nan)  # 1 published, 0 computed, nan none
    egdi = indicator == "egdi"
    published_rank = np.array([np.nan if r is None else r for r in ranks], dtype="float64")
    rank[egdi] = published_rank
    official[egdi & ~np.isnan(rank)] = 1
    sub = ~egdi & published
    if sub.any():
        groups = [edition[sub], indicator[sub]]
        computed = pd.Series(value[sub]).groupby(groups).rank(method="min", ascending=False)
        rank[sub] = computed.to_numpy()
        official[sub] = 0
    entities = countries.harmonise(names, SOURCE, raw.display)
    iso3 = per_value(pd.Series(name), lambda x: entities[x].iso3)
    entity = per_value(pd.Series(name), lambda x: entities[x].entity)
    return pd.DataFrame(
        {
            "source": SOURCE,
            "edition": edition,
            "reference_period": edition.astype(str),
            "iso3": iso3,
            "entity": entity,
            "is_aggregate": False,
            "indicator": indicator,
            "value": value,
            "value_status": status,
            "decimals": int_array(digits, "Int8"),
            "rank": int_array(rank),
            "rank_official": bool_array(official == 1, ~np.isnan(official)),
            "sheet": found.sheet,
            "source_row": line,
        }
    )


def _check_plausible(
    raw: RawFile, indicator: np.ndarray, value: np.ndarray, name: np.ndarray, line: np.ndarray
) -> None:
    for ind in INDICATORS:
        lo, hi = metadata.indicator(SOURCE, ind).plausible
        bad = np.flatnonzero((indicator == ind) & ~np.isnan(value) & ((value < lo) | (value > hi)))
        if len(bad):
            first = bad[0]
            raise raw.fail(
                f"row {line[first]}: {COLUMNS[ind][0]} of {name[first]} is {value[first]}, "
                f"outside the index's range {lo}-{hi} ({len(bad)} such values)"
            )
