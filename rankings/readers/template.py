"""The ranking template: any other ranking (IMD, Waseda, a national index) as a tidy CSV or XLSX, no code needed.

One row per country, indicator and edition, with these columns (``docs/ranking-template.csv`` is an example):

``source, edition, reference_period, country, indicator, value, rank, unit, higher_is_better, citation``

and optionally ``source_title``, ``indicator_title`` and ``note``. The source id is taken from each row's
``source`` column, so one template file may hold several rankings; a source the project has no metadata for is
allowed, because the template carries the unit, the direction and the citation itself (see :func:`metadata_of`).
A row for a source the project does know must use that source's indicator ids and direction.

Validated like every other input; each of these fails the file with a message naming the row:
missing columns, unknown countries, duplicate keys, non-numeric values, ranks below 1, a unit, direction or
citation that differs between rows of one indicator or edition. Ranks typed in are published ranks
(``rank_official`` True); an indicator typed without any rank is ranked by this tool (marked computed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from rankings import countries, metadata, peer_groups
from rankings.errors import InputError
from rankings.rawfile import RawFile, normalise_header
from rankings.readers.common import Detection, cell_text, competition_rank, find_header, parse_int, parse_number

SOURCE = "template"
LAYOUT = "ranking template (docs/ranking-template.csv)"

COLUMNS: dict[str, tuple[str, ...]] = {
    "source": ("source",),
    "edition": ("edition",),
    "reference_period": ("reference_period", "reference period"),
    "country": ("country",),
    "indicator": ("indicator",),
    "value": ("value",),
    "rank": ("rank",),
    "unit": ("unit",),
    "higher_is_better": ("higher_is_better", "higher is better"),
    "citation": ("citation", "source_citation", "source citation"),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    "source_title": ("source_title", "source title"),
    "indicator_title": ("indicator_title", "indicator title"),
    "note": ("note", "notes"),
}
_SOURCE_ID = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_INDICATOR_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,59}$")
_TRUE = {"true", "yes", "y", "1", "higher"}
_FALSE = {"false", "no", "n", "0", "lower"}


def detect(raw: RawFile) -> Detection:
    return find_header(raw, COLUMNS)


def _text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # a year typed into a workbook cell comes back as 2024.0
    return cell_text(cell).strip()


def _bool(cell: object) -> bool | None:
    if isinstance(cell, bool):
        return cell
    text = _text(cell).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def _rows_text(lines: Iterable[int]) -> str:
    lines = sorted(lines)
    shown = ", ".join(str(n) for n in lines[:6]) + (", ..." if len(lines) > 6 else "")
    return f"row {shown}" if len(lines) == 1 else f"rows {shown}"


def _positions(raw: RawFile, found: Detection) -> tuple[dict[str, int], list[str]]:
    header = raw.sheet(found.sheet).rows[found.header_row]
    col = dict(found.columns)
    texts = [normalise_header(c) for c in header]
    for cid, aliases in OPTIONAL.items():
        for pos, text in enumerate(texts):
            if text in {normalise_header(a) for a in aliases}:
                col[cid] = pos
                break
    used = set(col.values())
    ignored = [cell_text(header[p]).strip() for p, t in enumerate(texts) if t and p not in used]
    return col, ignored


def read(raw: RawFile, found: Detection) -> pd.DataFrame:
    sheet = raw.sheet(found.sheet)
    col, ignored = _positions(raw, found)
    width = max(col.values()) + 1
    first_row = found.header_row + 1
    records: list[dict] = []
    for offset, row in enumerate(sheet.rows[first_row:]):
        line = first_row + offset + 1
        cells = list(row) + [None] * (width - len(row))
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        records.append(_parse_row(raw, line, {cid: cells[pos] for cid, pos in col.items()}))
    if not records:
        raise raw.fail(f"has the {LAYOUT} header but no data rows")
    df = pd.DataFrame.from_records(records)
    _check_consistent(raw, df)
    _check_known_sources(raw, df)
    _harmonise(raw, df)
    _check_duplicates(raw, df)
    warnings = _rank(df)
    df["sheet"] = found.sheet
    out = df.drop(
        columns=["country", "unit", "higher_is_better", "citation", "source_title", "indicator_title", "note"]
    )
    if ignored:
        warnings.insert(0, f"ignored columns the template does not define: {', '.join(repr(c) for c in ignored)}")
    if warnings:
        out.attrs["warnings"] = warnings
    return out


def _parse_row(raw: RawFile, line: int, cells: dict[str, object]) -> dict:
    where = f"row {line}"
    source = _text(cells["source"])
    if not _SOURCE_ID.match(source):
        suggestion = re.sub(r"[^a-z0-9]+", "_", source.lower()).strip("_") or "imd_wdc"
        raise raw.fail(
            f"{where}: source {source!r} is not a source id; use 2-40 lower-case letters, digits and _ "
            f"(e.g. {suggestion!r}), and put the ranking's name in a source_title column"
        )
    try:
        edition = parse_int(cells["edition"])
    except ValueError:
        edition = None
    if edition is None or not 1990 <= edition <= 2100:
        raise raw.fail(f"{where}: edition {_text(cells['edition'])!r} is not an edition year (e.g. 2024)")
    period = _text(cells["reference_period"]) or str(edition)
    try:
        peer_groups.period_end(period)
    except InputError:
        raise raw.fail(
            f"{where}: reference_period {period!r} is not a year (2023), a range of years (2022-2023), a month "
            "(2023-06) or a date (2023-06-30); leave it empty when it is the edition year"
        ) from None
    country = _text(cells["country"])
    if not country:
        raise raw.fail(f"{where}: country is empty")
    indicator = _text(cells["indicator"])
    if not _INDICATOR_ID.match(indicator):
        suggestion = re.sub(r"[^a-z0-9.]+", "_", indicator.lower()).strip("_") or "overall"
        raise raw.fail(
            f"{where}: indicator {indicator!r} is not an indicator id; use lower-case letters, digits, _ . - "
            f"(e.g. {suggestion!r}), and put its name in an indicator_title column"
        )
    try:
        value, decimals = parse_number(cells["value"])
    except ValueError as exc:
        raise raw.fail(f"{where}: value {exc}; type the number as printed (e.g. 87.3), or leave it empty") from None
    try:
        rank = parse_int(cells["rank"])
    except ValueError:
        raise raw.fail(f"{where}: rank {_text(cells['rank'])!r} is not a whole number") from None
    if rank is not None and rank < 1:
        raise raw.fail(f"{where}: rank {rank} is below 1 (ranks start at 1)")
    unit = _text(cells["unit"])
    if not unit:
        raise raw.fail(f"{where}: unit is empty (e.g. 'score 0-100', 'index 0-1', 'rank')")
    hib = _bool(cells["higher_is_better"])
    if hib is None:
        raise raw.fail(f"{where}: higher_is_better {_text(cells['higher_is_better'])!r} is not true or false")
    citation = _text(cells["citation"])
    if not citation:
        raise raw.fail(f"{where}: citation is empty; say who published the figures, where and when")
    return {
        "source": source,
        "edition": edition,
        "reference_period": period,
        "country": country,
        "indicator": indicator,
        "value": value,
        "value_status": "published" if value is not None else "missing",
        "decimals": decimals if value is not None else None,
        "rank": rank,
        "unit": unit,
        "higher_is_better": hib,
        "citation": citation,
        "source_title": _text(cells.get("source_title")),
        "indicator_title": _text(cells.get("indicator_title")),
        "note": _text(cells.get("note")),
        "source_row": line,
    }


def _check_consistent(raw: RawFile, df: pd.DataFrame) -> None:
    checks = [
        (["source", "indicator"], "unit", "indicator"),
        (["source", "indicator"], "higher_is_better", "indicator"),
        (["source", "edition"], "citation", "edition"),
    ]
    for keys, column, what in checks:
        counts = df.groupby(keys)[column].nunique()
        if (counts > 1).any():
            key = counts[counts > 1].index[0]
            rows = df[(df[keys[0]] == key[0]) & (df[keys[1]] == key[1])]
            variants = rows.drop_duplicates(column)
            shown = "; ".join(f"{v[column]!r} ({_rows_text([v['source_row']])})" for _, v in variants.iterrows())
            raise raw.fail(
                f"{column} differs between the rows of {what} {key[1]} of {key[0]}: {shown}; "
                f"one {what} has one {column}"
            )


def _check_known_sources(raw: RawFile, df: pd.DataFrame) -> None:
    """A source the project knows: use its indicator ids and direction."""
    known = metadata.sources()
    rows = df[df["source"].isin(list(known))]
    for (source, indicator), part in rows.groupby(["source", "indicator"]):
        try:
            ind = metadata.indicator(source, indicator)
        except KeyError:
            ids = sorted(i for s, i in metadata.indicators() if s == source)
            raise raw.fail(
                f"{_rows_text(part['source_row'])}: {source} is a source this project reads; its indicators are "
                f"{', '.join(ids)}, not {indicator!r} (use another source id for another ranking)"
            ) from None
        if bool(part["higher_is_better"].iloc[0]) != ind.higher_is_better:
            raise raw.fail(
                f"{_rows_text(part['source_row'])}: higher_is_better of {source} / {indicator} is "
                f"{ind.higher_is_better} in the project's metadata"
            )
        lo, hi = ind.plausible
        bad = part[part["value"].notna() & ((part["value"] < lo) | (part["value"] > hi))]
        if not bad.empty:
            raise raw.fail(
                f"{_rows_text(bad['source_row'])}: {source} / {indicator} of {bad['country'].iloc[0]} is "
                f"{bad['value'].iloc[0]}, outside the indicator's range {lo}-{hi} ({len(bad)} such values)"
            )


def _harmonise(raw: RawFile, df: pd.DataFrame) -> None:
    """Countries as ISO3 codes, ISO2 codes or names; every one that cannot be placed fails the file, all listed."""
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


def _check_duplicates(raw: RawFile, df: pd.DataFrame) -> None:
    key = ["source", "edition", "reference_period", "entity", "indicator"]
    dupes = df[df.duplicated(key, keep=False)]
    if dupes.empty:
        return
    first = dupes.iloc[0]
    same = dupes[(dupes[key] == first[key]).all(axis=1)]
    spelled = " / ".join(sorted(set(same["country"])))
    raise raw.fail(
        f"{_rows_text(same['source_row'])} give the same observation twice: {first['source']} edition "
        f"{first['edition']} ({first['reference_period']}), {first['entity']} ({spelled}), {first['indicator']} "
        f"({len(dupes)} duplicated rows in all)"
    )


def _rank(df: pd.DataFrame) -> list[str]:
    """Typed ranks are published; an indicator typed with no rank at all is ranked here (computed)."""
    warnings: list[str] = []
    df["rank"] = df["rank"].astype("Int32")
    typed = df["rank"].notna().to_numpy()
    ranks = df["rank"].to_numpy(dtype="float64", na_value=np.nan)
    values = pd.to_numeric(df["value"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    published = (df["value_status"] == "published").to_numpy()
    higher = df["higher_is_better"].to_numpy()
    official = np.where(typed, 1, -1)  # 1 published rank, 0 computed here, -1 none
    # Plain arrays and the groups' row positions: a loop over sub-frames costs a millisecond per group, and a file
    # holds thousands of groups (editions x periods x indicators).
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


def metadata_of(raw: RawFile) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The source and indicator metadata a template file carries, as tables with the columns of
    :func:`rankings.metadata.sources_frame` and :func:`rankings.metadata.indicators_frame`.

    Sources and indicators the project's reviewed metadata already describes are left out: the reviewed
    metadata wins.
    """
    found = detect(raw)
    if not found.complete:
        raise raw.fail(f"is not a {LAYOUT}")
    sheet = raw.sheet(found.sheet)
    col, _ = _positions(raw, found)
    width = max(col.values()) + 1
    rows = []
    for offset, row in enumerate(sheet.rows[found.header_row + 1 :]):
        cells = list(row) + [None] * (width - len(row))
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        line = found.header_row + offset + 2
        rows.append(_parse_row(raw, line, {cid: cells[pos] for cid, pos in col.items()}))
    df = pd.DataFrame.from_records(rows)
    known = set(metadata.sources())
    new = df[~df["source"].isin(known)]
    sources = (
        new.sort_values("edition")
        .groupby("source", as_index=False)
        .agg(title=("source_title", "last"), citation=("citation", "last"), headline=("indicator", "first"))
    )
    sources_frame = pd.DataFrame(
        {
            "source": sources["source"],
            "title": [t or s for t, s in zip(sources["title"], sources["source"], strict=True)],
            "short": [t or s for t, s in zip(sources["title"], sources["source"], strict=True)],
            "publisher": "",
            "url": "",
            "licence": "",
            "citation": sources["citation"],
            "headline_indicator": sources["headline"],
            "ranked_among": "as typed into the ranking template (" + raw.display + ")",
        }
    )
    inds = new.groupby(["source", "indicator"], as_index=False).agg(
        title=("indicator_title", "last"), unit=("unit", "first"), hib=("higher_is_better", "first")
    )
    indicators_frame = pd.DataFrame(
        {
            "source": inds["source"],
            "indicator": inds["indicator"],
            "title": [t or i for t, i in zip(inds["title"], inds["indicator"], strict=True)],
            "short": [t or i for t, i in zip(inds["title"], inds["indicator"], strict=True)],
            "unit": inds["unit"],
            "scale_min": float("nan"),
            "scale_max": float("nan"),
            "higher_is_better": inds["hib"],
            "decimals": pd.NA,
            "rank": "published or computed (see rank_official)",
            "composite": False,
            "parent": None,
            "description": "Typed into the ranking template from the publisher's figures (" + raw.display + ").",
            "methodology": "",
        }
    )
    return sources_frame.reset_index(drop=True), indicators_frame.reset_index(drop=True)


def metadata_frames(raw_dir: Path | str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`metadata_of` for every template file in a raw folder, concatenated (files that fail are left out:
    the ingest reports them)."""
    from rankings.ingest import scan

    root = Path(raw_dir)
    sources, indicators = [], []
    for path in scan(root)[0]:
        raw = RawFile(path, path.relative_to(root).as_posix())
        try:
            if not detect(raw).complete:
                continue
            s, i = metadata_of(raw)
        except InputError:
            continue
        sources.append(s)
        indicators.append(i)
    if not sources:
        return metadata.sources_frame().iloc[0:0], metadata.indicators_frame().iloc[0:0]
    return (
        pd.concat(sources).drop_duplicates("source", keep="last").reset_index(drop=True),
        pd.concat(indicators).drop_duplicates(["source", "indicator"], keep="last").reset_index(drop=True),
    )
