"""OECD Data Explorer SDMX-CSV export of the Digital Government Index and the OURdata Index.

One file holds two sources: rows with a ``DG*`` measure are ``oecd_dgi``, rows with an ``OUR*`` measure are
``oecd_ourdata`` (the ``source`` column of each row says which; the ingest stores by it).

Quirks handled here (see tests/readers/test_oecd.py for each):
- code and label columns in pairs (``MEASURE,Measure,...``), or codes only: both exports read the same; where a
  code and a label header differ only in letter case (``MEASURE``/``Measure``), the upper-case one is the code;
- the dimension values are weighted contributions (dimension score / 6, pillar score / 3) that add up to the
  composite: they are stored as published under indicators named ``..._contribution``, never as dimension scores,
  and a file whose dimension values do not add up to the composite (within rounding) fails;
- values are rounded to 2 decimals and the CSV drops trailing zeros (``0.1``, ``0``): ``decimals`` is the
  precision of the measure across the file;
- ``TIME_PERIOD`` is the reference year; the index edition comes from the reviewed mapping
  ``edition_of_reference_year`` of the composite indicator (2022 -> DGI 2023); the ``EDITION`` column is the
  Government at a Glance edition and is ignored for the index edition;
- ``OECD_REP`` is the OECD average (an aggregate); partner countries are kept, and the ranks (computed, as the
  dataflow publishes none) are among OECD members as of the membership date of the edition only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rankings import countries, metadata, peer_groups
from rankings.rawfile import RawFile, Row, normalise_header
from rankings.readers.common import (
    Detection,
    bool_array,
    cell_text,
    find_header,
    int_array,
    parse_int,
    parse_number,
    per_value,
)

SOURCE = "oecd_dgi"
SOURCES = ("oecd_dgi", "oecd_ourdata")
LAYOUT = "OECD Data Explorer SDMX-CSV export (Digital Government Index, OURdata Index)"
PEER_GROUP = "oecd"

COLUMNS: dict[str, tuple[str, ...]] = {
    "area": ("REF_AREA",),
    "measure": ("MEASURE",),
    "time": ("TIME_PERIOD",),
    "value": ("OBS_VALUE",),
}
OPTIONAL: dict[str, str] = {"unit": "UNIT_MEASURE", "unit_mult": "UNIT_MULT"}
INDEX_UNIT = "IX"


@dataclass(frozen=True)
class Measure:
    code: str
    source: str
    indicator: str
    composite: bool
    parent: str | None


def measures() -> dict[str, Measure]:
    """MEASURE code -> (source, indicator), from the ``measure`` key of the indicator metadata."""
    out: dict[str, Measure] = {}
    for (source, iid), ind in metadata.indicators().items():
        code = ind.extra.get("measure")
        if source in SOURCES and code:
            out[str(code)] = Measure(str(code), source, iid, ind.composite, ind.parent)
    return out


def _position(header: Row, code: str) -> int | None:
    """Where the code column ``code`` is: the exact (upper-case) header first, then any letter case."""
    texts = [cell_text(c).replace("\ufeff", "").strip() for c in header]
    for pos, text in enumerate(texts):
        if text == code or text.split(":")[0].strip() == code:
            return pos
    wanted = normalise_header(code)
    for pos, text in enumerate(texts):
        if normalise_header(text) == wanted:
            return pos
    return None


def _code(cell: object) -> str:
    """A code cell; ``DNK: Denmark`` (codes and labels in one cell) gives ``DNK``."""
    return cell_text(cell).split(": ", 1)[0].strip()


def detect(raw: RawFile) -> Detection:
    found = find_header(raw, COLUMNS)
    if not found.complete:
        return found
    rows = raw.sheet(found.sheet).rows
    pos = _position(rows[found.header_row], "MEASURE")
    seen = {_code(r[pos]) for r in rows[found.header_row + 1 :] if pos is not None and len(r) > pos}
    if not seen & set(measures()):
        # Another OECD dataflow: same SDMX-CSV columns, other measures.
        return Detection(
            score=found.score * 0.8,
            found=found.found,
            missing=["MEASURE codes of the Digital Government Index or OURdata (DG, DG_D, ..., OUR, ...)"],
            sheet=found.sheet,
            header_row=found.header_row,
            columns=found.columns,
        )
    return found


def _edition_table() -> dict[str, dict[int, int]]:
    """Per source: reference year -> index edition (reviewed, in the composite indicator's metadata)."""
    out: dict[str, dict[int, int]] = {}
    for m in measures().values():
        if m.composite:
            mapping = metadata.indicator(m.source, m.indicator).extra.get("edition_of_reference_year") or {}
            out[m.source] = {int(k): int(v) for k, v in mapping.items()}
    return out


def read(raw: RawFile, found: Detection) -> pd.DataFrame:
    sheet = raw.sheet(found.sheet)
    header = sheet.rows[found.header_row]
    col: dict[str, int] = {}
    for cid, (name, *_) in COLUMNS.items():
        pos = _position(header, name)
        if pos is None:  # pragma: no cover - detection found it
            raise raw.fail(f"has no {name} column")
        col[cid] = pos
    for cid, name in OPTIONAL.items():
        pos = _position(header, name)
        if pos is not None:
            col[cid] = pos
    known = measures()
    editions = _edition_table()
    width = max(col.values()) + 1
    records: list[dict] = []
    unknown: dict[str, int] = {}
    unmapped: dict[tuple[str, int], int] = {}
    first_row = found.header_row + 1
    for offset, row in enumerate(sheet.rows[first_row:]):
        line = first_row + offset + 1
        cells = list(row) + [None] * (width - len(row))
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        where = f"row {line}"
        code = _code(cells[col["measure"]])
        if code not in known:
            unknown.setdefault(code, line)
            continue
        m = known[code]
        area = _code(cells[col["area"]])
        if not area:
            raise raw.fail(f"{where}: REF_AREA is empty")
        try:
            year = parse_int(cells[col["time"]])
        except ValueError:
            year = None
        if year is None or not 1990 <= year <= 2100:
            raise raw.fail(f"{where}: TIME_PERIOD {cells[col['time']]!r} is not a reference year")
        if year not in editions.get(m.source, {}):
            unmapped.setdefault((m.source, year), line)
            continue
        if "unit" in col and _code(cells[col["unit"]]) not in ("", INDEX_UNIT):
            raise raw.fail(
                f"{where}: UNIT_MEASURE is {cells[col['unit']]!r}, not the index unit {INDEX_UNIT}; "
                "this reader reads the index values only"
            )
        if "unit_mult" in col and _code(cells[col["unit_mult"]]) not in ("", "0"):
            raise raw.fail(
                f"{where}: UNIT_MULT is {cells[col['unit_mult']]!r}; index values are published in units (0)"
            )
        try:
            value, decimals = parse_number(cells[col["value"]])
        except ValueError as exc:
            raise raw.fail(f"{where}: OBS_VALUE {exc}") from None
        records.append(
            {
                "source": m.source,
                "edition": editions[m.source][year],
                "reference_period": str(year),
                "code": area,
                "measure": code,
                "indicator": m.indicator,
                "value": value,
                "value_status": "published" if value is not None else "missing",
                "printed": decimals,
                "source_row": line,
            }
        )
    if unknown:
        listed = ", ".join(f"{c!r} (row {r})" for c, r in sorted(unknown.items(), key=lambda kv: kv[1])[:10])
        raise raw.fail(
            f"has MEASURE codes this reader does not know: {listed}. Known: {', '.join(sorted(known))} "
            "(the `measure` keys in rankings/reference/indicators/oecd_*.yaml)"
        )
    if unmapped:
        (source, year), line = min(unmapped.items(), key=lambda kv: kv[1])
        composite = next(m.indicator for m in known.values() if m.source == source and m.composite)
        raise raw.fail(
            f"row {line}: reference year {year} (TIME_PERIOD) of {metadata.source(source).title} has no reviewed "
            f"index edition. The index edition is not the reference year (2022 is the DGI 2023) nor the EDITION "
            f"column (the Government at a Glance edition): check the OECD's publication and add "
            f"`{year}: <edition>` to edition_of_reference_year of `{composite}` in "
            f"rankings/reference/indicators/{source}.yaml"
        )
    if not records:
        raise raw.fail(f"has the {LAYOUT} header but no data rows")
    df = pd.DataFrame.from_records(records)
    # Precision of a measure across the file: the export drops trailing zeros (0.10 is printed 0.1).
    precision = df.groupby(["source", "edition", "indicator"])["printed"].transform("max")
    df["decimals"] = precision.where(df["value_status"] == "published").astype("Int8")
    _check_plausible(raw, df)
    _check_contributions(raw, df)
    entities = countries.harmonise(df["code"], SOURCE, raw.display, codes="ISO3")
    df["iso3"] = per_value(df["code"], lambda c: entities[c].iso3)
    df["entity"] = per_value(df["code"], lambda c: entities[c].entity)
    df["is_aggregate"] = per_value(df["code"], lambda c: entities[c].is_aggregate)
    df["sheet"] = found.sheet
    _rank_among_members(df)
    return df.drop(columns=["code", "measure", "printed"])


def _check_plausible(raw: RawFile, df: pd.DataFrame) -> None:
    value = df["value"].to_numpy(dtype="float64", na_value=np.nan)
    source, indicator = df["source"].to_numpy(dtype=object), df["indicator"].to_numpy(dtype=object)
    scored = ~np.isnan(value)
    for src, ind in sorted(set(zip(source[scored], indicator[scored], strict=True))):  # by id, as before
        lo, hi = metadata.indicator(src, ind).plausible
        bad = np.flatnonzero((source == src) & (indicator == ind) & ((value < lo) | (value > hi)))
        if len(bad):
            first = df.iloc[bad[0]]
            hint = (
                "; a dimension value that large is a dimension score, not the weighted contribution this "
                "dataflow publishes"
                if ind.endswith("_contribution")
                else ""
            )
            raise raw.fail(
                f"row {first['source_row']}: {first['measure']} of {first['code']} is {first['value']}, "
                f"outside {lo}-{hi} ({len(bad)} such values){hint}"
            )


def _check_contributions(raw: RawFile, df: pd.DataFrame) -> None:
    """The published contributions add up to the composite, within the rounding of every published value."""
    by_parent: dict[tuple[str, str], list[str]] = {}
    for m in measures().values():
        if m.parent:
            by_parent.setdefault((m.source, m.parent), []).append(m.indicator)
    published = df[df["value_status"] == "published"]
    for (source, parent), children in by_parent.items():
        sel = published[published["source"] == source]
        if sel.empty:
            continue
        table = sel.pivot_table(
            index=["edition", "code"], columns="indicator", values="value", aggfunc="first"
        ).reindex(columns=[parent, *children])
        complete = table.dropna()
        if complete.empty:
            continue
        decimals = int(sel["decimals"].max()) if sel["decimals"].notna().any() else 2
        tolerance = (len(children) + 1) * 0.5 * 10.0**-decimals + 1e-9
        gap = (complete[children].sum(axis=1) - complete[parent]).abs()
        bad = gap[gap > tolerance]
        if not bad.empty:
            edition, code = bad.index[0]
            total = complete.loc[(edition, code), children].sum()
            row = sel[(sel["code"] == code) & (sel["indicator"] == parent)]["source_row"].iloc[0]
            raise raw.fail(
                f"row {row}: the {len(children)} dimension values of {code} add up to {total:.3f}, not to the "
                f"composite {complete.loc[(edition, code), parent]} within rounding ({len(bad)} countries so). "
                "This dataflow publishes dimensions as weighted contributions that add up to the composite; "
                "these look like dimension scores, a layout this reader does not read"
            )


def _rank_among_members(df: pd.DataFrame) -> None:
    """Competition ranks among the OECD members of each edition; partners and aggregates get none."""
    rank = np.full(len(df), np.nan)
    ranked = np.zeros(len(df), dtype=bool)
    iso3 = df["iso3"].to_numpy(dtype=object)
    value = df["value"].to_numpy(dtype="float64", na_value=np.nan)
    published = (df["value_status"] == "published").to_numpy(dtype=bool)
    groups = df.groupby(["source", "edition", "reference_period", "indicator"]).indices
    for (source, edition, period, indicator), positions in groups.items():
        members = list(peer_groups.members(PEER_GROUP, int(edition), source, reference_period=str(period)))
        rows = positions[np.isin(iso3[positions], members) & published[positions]]
        if not len(rows):
            continue
        hib = metadata.indicator(source, indicator).higher_is_better
        rank[rows] = pd.Series(value[rows]).rank(method="min", ascending=not hib).to_numpy()
        ranked[rows] = True
    df["rank"] = int_array(rank)
    df["rank_official"] = bool_array(np.zeros(len(df), dtype=bool), ranked)
