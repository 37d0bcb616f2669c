"""World Bank GovTech Maturity Index: the GovTech dataset's GTMI group table, one edition or several stacked.

Layouts read (the header is found by content, anywhere in the first rows of any sheet):
- the stacked group file: ``year, country_code, country_name, grp, gtmi, cgsi, psdi, dcei, gtei``;
- the GovTech dataset workbook's group sheet: ``Code, Economy, Grp, GTMI, CGSI, PSDI, DCEI (CEI in 2020), GTEI``,
  which needs a ``Year`` column (the sheet does not say which edition it holds, and the file name is never used).

Quirks handled here (see tests/readers/test_wb_gtmi.py for each):
- World Bank codes that are not ISO 3166 (``ROM``, ``KSV``, ``WBG``, ``ADO``, ``TMP``, ``ZAR``) are harmonised
  through the reviewed overrides in ``rankings/reference/countries/wb_gtmi.yaml``;
- summary rows at the end of the table (a code that is not a country code, e.g. the group thresholds ``0.75``
  with a count and a share) are skipped with a warning that lists them; such a row anywhere else fails the file;
- the maturity group (A-D) is stored as the indicator ``gtmi_group`` with A = 4, B = 3, C = 2, D = 1 (the
  mapping is in the indicator metadata, ``categories``); it gets no rank;
- the World Bank publishes no ranks: ranks of the GTMI and its components are computed among all economies of
  the edition and marked as computed; values are stored exactly as the workbook stores them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from rankings import countries, metadata
from rankings.rawfile import RawFile
from rankings.readers.common import (
    Detection,
    bool_array,
    cell_text,
    find_header,
    group_codes,
    int_array,
    parse_int,
    parse_number,
    per_value,
    ranks_in_groups,
)

SOURCE = "wb_gtmi"
LAYOUT = "World Bank GovTech Maturity Index group table (GovTech dataset GTMI group sheet, or editions stacked)"
GROUP = "gtmi_group"
SCORES = ("gtmi", "cgsi", "psdi", "dcei", "gtei")

COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("country_code", "Code"),
    "grp": ("grp",),
    "gtmi": ("gtmi",),
    "cgsi": ("cgsi",),
    "psdi": ("psdi",),
    "dcei": ("dcei", "cei"),
    "gtei": ("gtei",),
    "year": ("year",),
    "name": ("country_name", "Economy"),
}
OPTIONAL = {"year", "name"}
_CODE = re.compile(r"^[A-Za-z]{3}$")


def detect(raw: RawFile) -> Detection:
    found = find_header(raw, COLUMNS)
    found.missing = [m for m in found.missing if m not in {COLUMNS[c][0] for c in OPTIONAL}]
    if found.header_row >= 0 and found.found >= len(COLUMNS) - len(OPTIONAL):
        found.score = min(1.0, found.found / (len(COLUMNS) - len(OPTIONAL)))
    return found


def _categories() -> dict[str, int]:
    cats = metadata.indicator(SOURCE, GROUP).extra.get("categories") or {}
    return {str(k).upper(): int(v) for k, v in cats.items()}


def read(raw: RawFile, found: Detection) -> pd.DataFrame:
    sheet = raw.sheet(found.sheet)
    col = found.columns
    if "year" not in col:
        raise raw.fail(
            f"the GTMI table{'' if found.sheet is None else f' in sheet {found.sheet!r}'} has no year column, and "
            "its content does not say which GTMI edition it holds (the file name is never used for that). Add a "
            "column `year` holding the edition (2020, 2022 or 2025) to every row; the published values stay as "
            "they are"
        )
    categories = _categories()
    width = max(col.values()) + 1
    first_row = found.header_row + 1
    records: list[dict] = []
    codes: list[str] = []
    junk: list[tuple[int, str]] = []
    for offset, row in enumerate(sheet.rows[first_row:]):
        line = first_row + offset + 1
        cells = list(row) + [None] * (width - len(row))
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        code = cell_text(cells[col["code"]]).strip()
        if not _CODE.match(code):
            junk.append((line, code))
            continue
        if junk:
            first_line, first_code = junk[0]
            raise raw.fail(
                f"row {first_line}: country_code {first_code!r} is not a country code, and rows after it (row "
                f"{line}, {code}) hold countries again; only summary rows at the end of the table are skipped"
            )
        where = f"row {line} ({code})"
        try:
            edition = parse_int(cells[col["year"]])
        except ValueError as exc:
            raise raw.fail(f"{where}: year {exc}") from None
        if edition is None or not 2015 <= edition <= 2100:
            raise raw.fail(f"{where}: year {cells[col['year']]!r} is not a GTMI edition year")
        codes.append(code)
        for ind in SCORES:
            try:
                value, decimals = parse_number(cells[col[ind]])
            except ValueError as exc:
                raise raw.fail(f"{where}: {ind} {exc}") from None
            records.append(_record(edition, code, ind, value, decimals, line))
        letter = cell_text(cells[col["grp"]]).strip().upper()
        if letter and letter not in categories:
            raise raw.fail(f"{where}: grp {cells[col['grp']]!r} is not a GTMI group ({', '.join(sorted(categories))})")
        records.append(_record(edition, code, GROUP, categories.get(letter), 0 if letter else None, line))
    if not records:
        raise raw.fail(f"has the {LAYOUT} header but no country rows")
    df = pd.DataFrame.from_records(records)
    _check_plausible(raw, df)
    entities = countries.harmonise(codes, SOURCE, raw.display, codes="ISO3")
    df["iso3"] = per_value(df["code"], lambda c: entities[c].iso3)
    df["entity"] = per_value(df["code"], lambda c: entities[c].entity)
    df["is_aggregate"] = per_value(df["code"], lambda c: entities[c].is_aggregate)
    df["source"] = SOURCE
    df["reference_period"] = df["edition"].astype(str)
    df["sheet"] = found.sheet
    # Competition ranks ("1224") among the economies scored, per edition and index; none for the group letter.
    indicator = df["indicator"].to_numpy(dtype=object)
    value = df["value"].to_numpy(dtype="float64", na_value=np.nan)
    scored = np.isin(indicator, SCORES) & ~np.isnan(value) & ~df["is_aggregate"].to_numpy(dtype=bool)
    groups = group_codes(df["edition"].to_numpy(), indicator)
    df["rank"] = int_array(ranks_in_groups(value, groups, scored))
    df["rank_official"] = bool_array(np.zeros(len(df), dtype=bool), scored)
    out = df.drop(columns=["code"])
    if junk:
        shown = ", ".join(repr(c) for _, c in junk[:10]) + (" ..." if len(junk) > 10 else "")
        lines = f"row {junk[0][0]}" if len(junk) == 1 else f"rows {junk[0][0]}-{junk[-1][0]}"
        out.attrs["warnings"] = [
            f"skipped {len(junk)} summary row{'s' if len(junk) > 1 else ''} at the end of the table ({lines}, "
            f"country_code {shown}): not countries, not stored"
        ]
    return out


def _record(edition: int, code: str, ind: str, value: float | None, decimals: int | None, line: int) -> dict:
    return {
        "edition": edition,
        "code": code,
        "indicator": ind,
        "value": value,
        "value_status": "published" if value is not None else "missing",
        "decimals": decimals if value is not None else None,
        "source_row": line,
    }


def _check_plausible(raw: RawFile, df: pd.DataFrame) -> None:
    indicator = df["indicator"].to_numpy(dtype=object)
    value = df["value"].to_numpy(dtype="float64", na_value=np.nan)
    for ind in SCORES:
        lo, hi = metadata.indicator(SOURCE, ind).plausible
        bad = np.flatnonzero((indicator == ind) & ((value < lo) | (value > hi)))
        if len(bad):
            first = df.iloc[bad[0]]
            raise raw.fail(
                f"row {first['source_row']} ({first['code']}): {ind} is {first['value']}, outside the index's "
                f"range {lo}-{hi} ({len(bad)} such values)"
            )
