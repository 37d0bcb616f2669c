"""UN E-Government Survey: the Data Center download (``EGOV_DATA_<year>.csv``, or the same table as .xlsx).

Quirks handled here (see the tests for each):
- country names with a trailing space, quoted; UTF-8 non-ASCII names; CRLF or LF;
- countries not assessed in an edition: empty rank and every index ``0.00000`` -> not assessed, never a score;
- genuine zero components with a rank are kept as published;
- ranks as published, ties included; the UN ranks only the EGDI, sub-index ranks are computed and marked so;
- the survey year column is the edition; a file may hold one or several editions.
"""

from __future__ import annotations

import pandas as pd

from rankings import countries, metadata
from rankings.rawfile import RawFile
from rankings.readers.common import Detection, competition_rank, find_header, parse_int, parse_number, per_value

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
    records: list[dict] = []
    names: list[str] = []
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
        values: dict[str, tuple[float | None, int | None]] = {}
        for ind in INDICATORS:
            try:
                values[ind] = parse_number(cells[col[ind]])
            except ValueError as exc:
                raise raw.fail(f"{where}: {COLUMNS[ind][0]} {exc}") from None
        # Not assessed: no rank and nothing but zeros (or blanks). A zero with a rank is a published zero.
        not_assessed = rank is None and all((v or 0.0) == 0.0 for v, _ in values.values())
        names.append(name)
        for ind in INDICATORS:
            value, decimals = values[ind]
            status = "not_assessed" if not_assessed else ("published" if value is not None else "missing")
            records.append(
                {
                    "edition": edition,
                    "name": name,
                    "indicator": ind,
                    "value": value if status == "published" else None,
                    "value_status": status,
                    "decimals": decimals if status == "published" else None,
                    "rank": rank if ind == "egdi" else None,
                    "source_row": line,
                }
            )
    if not records:
        raise raw.fail(f"has the {LAYOUT} header but no data rows")
    df = pd.DataFrame.from_records(records)
    _check_plausible(raw, df)
    entities = countries.harmonise(names, SOURCE, raw.display)
    df["iso3"] = per_value(df["name"], lambda n: entities[n].iso3)
    df["entity"] = per_value(df["name"], lambda n: entities[n].entity)
    df["is_aggregate"] = False
    df["source"] = SOURCE
    df["reference_period"] = df["edition"].astype(str)
    df["sheet"] = found.sheet
    df["rank"] = df["rank"].astype("Int32")
    df["rank_official"] = pd.array([None] * len(df), dtype="boolean")
    egdi = df["indicator"] == "egdi"
    df.loc[egdi & df["rank"].notna(), "rank_official"] = True
    # The UN ranks the EGDI only; sub-index ranks are computed among the countries assessed, and marked so.
    sub = ~egdi & (df["value_status"] == "published")
    if sub.any():
        computed = df[sub].groupby(["edition", "indicator"])["value"].transform(competition_rank)
        df.loc[sub, "rank"] = computed.astype("Int32")
        df.loc[sub, "rank_official"] = False
    return df.drop(columns=["name"])


def _check_plausible(raw: RawFile, df: pd.DataFrame) -> None:
    for ind in INDICATORS:
        lo, hi = metadata.indicator(SOURCE, ind).plausible
        sel = df[(df["indicator"] == ind) & df["value"].notna()]
        bad = sel[(sel["value"] < lo) | (sel["value"] > hi)]
        if not bad.empty:
            first = bad.iloc[0]
            raise raw.fail(
                f"row {first['source_row']}: {COLUMNS[ind][0]} of {first['name']} is {first['value']}, "
                f"outside the index's range {lo}-{hi} ({len(bad)} such values)"
            )
