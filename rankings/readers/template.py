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

import itertools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rankings import countries, metadata, peer_groups
from rankings.errors import InputError
from rankings.rawfile import RawFile, normalise_header, scan
from rankings.readers.common import Detection, cell_text, find_header, parse_int, parse_number

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
    parsed = _parse(raw, sheet.rows, found.header_row + 1, col)
    if parsed is None:
        raise raw.fail(f"has the {LAYOUT} header but no data rows")
    # Each check runs over the codes of the distinct values; only when it finds a problem is the table built for
    # the check that words the message (it finds the very rows it always named).
    if parsed.inconsistent():
        _check_consistent(raw, parsed.frame())
    if parsed.has_known_source():
        _check_known_sources(raw, parsed.frame())
    entity = _harmonise(raw, parsed)
    if parsed.has_duplicates(entity):
        _check_duplicates(raw, parsed.frame())
    warnings = _rank(parsed)
    parsed.columns["sheet"] = _texts([found.sheet], np.zeros(len(parsed.value), dtype=np.intp))
    out = parsed.frame(OUTPUT)
    if ignored:
        warnings.insert(0, f"ignored columns the template does not define: {', '.join(repr(c) for c in ignored)}")
    if warnings:
        out.attrs["warnings"] = warnings
    return out


OUTPUT = (
    "source",
    "edition",
    "reference_period",
    "indicator",
    "value",
    "value_status",
    "decimals",
    "rank",
    "source_row",
    "iso3",
    "entity",
    "is_aggregate",
    "rank_official",
    "sheet",
)

# --- the rows, column by column ---------------------------------------------------------------------------------
#
# A file repeats a few hundred sources, editions, periods, countries, indicators, units and citations over tens of
# thousands of rows, so each cell function runs once per distinct cell, and the columns are taken from the distinct
# values by each row's code. A row with a cell these functions refuse is read again by :func:`_parse_row`, the
# row-by-row reading that words the message: the first such row in file order fails the file, as it always did.


class _Invalid(Exception):
    """A cell :func:`_parse_row` refuses (it words the message)."""


def _source_cell(cell: object) -> str:
    text = _text(cell)
    if not _SOURCE_ID.match(text):
        raise _Invalid
    return text


def _edition_cell(cell: object) -> int:
    edition = parse_int(cell)
    if edition is None or not 1990 <= edition <= 2100:
        raise _Invalid
    return edition


def _period_cell(cell: object) -> str:
    text = _text(cell)  # empty: the edition year, always a valid period
    if text:
        peer_groups.period_end(text)
    return text


def _filled_cell(cell: object) -> str:
    text = _text(cell)
    if not text:
        raise _Invalid
    return text


def _indicator_cell(cell: object) -> str:
    text = _text(cell)
    if not _INDICATOR_ID.match(text):
        raise _Invalid
    return text


_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.([0-9]*))?")


def _value_cell(cell: object) -> tuple[float | None, int | None]:
    """:func:`parse_number`, with a short way for a number written plainly (``87.30``, ``-2``, ``5.``)."""
    if type(cell) is str and (plain := _PLAIN_NUMBER.fullmatch(cell)) and len(cell) <= 40:
        return float(cell), len(plain[1] or "")  # 40 digits or fewer: always finite
    return parse_number(cell)


def _rank_cell(cell: object) -> int | None:
    rank = parse_int(cell)
    if rank is not None and rank < 1:
        raise _Invalid
    return rank


def _bool_cell(cell: object) -> bool:
    hib = _bool(cell)
    if hib is None:
        raise _Invalid
    return hib


_CELLS: dict[str, Callable[[object], object]] = {
    "source": _source_cell,
    "edition": _edition_cell,
    "reference_period": _period_cell,
    "country": _filled_cell,
    "indicator": _indicator_cell,
    "value": _value_cell,
    "rank": _rank_cell,
    "unit": _filled_cell,
    "higher_is_better": _bool_cell,
    "citation": _filled_cell,
    "source_title": _text,
    "indicator_title": _text,
    "note": _text,
}


def _blank(cell: object) -> bool:
    return cell is None or str(cell).strip() == ""


def _columns(rows: list[list[object]], positions: dict[str, int]) -> dict[str, np.ndarray]:
    """Each column's cells as an object array (None past the end of a short row)."""
    lengths = set(map(len, rows))
    width = lengths.pop()
    if not lengths and width > max(positions.values()):  # a rectangle (a CSV file): one pass over the cells
        grid = np.fromiter(itertools.chain.from_iterable(rows), dtype=object, count=len(rows) * width)
        grid = grid.reshape(len(rows), width)
        return {cid: grid[:, pos] for cid, pos in positions.items()}
    out = {}
    for cid, pos in positions.items():
        column = np.empty(len(rows), dtype=object)
        column[:] = [r[pos] if pos < len(r) else None for r in rows]
        out[cid] = column
    return out


def _distinct(cells: np.ndarray, texts: bool) -> tuple[np.ndarray, list[object]]:
    """Each cell's code and the distinct cells. A cell's type is part of it: a workbook's 1, 1.0, True and "1" are
    four cells (a rank of True is refused, a rank of 1 is not). ``texts``: the cells are known to be text or None."""
    n = len(cells)
    if texts and n < _SMALL:
        seen: dict[object, int] = {}
        codes = np.array([seen.setdefault(c, len(seen)) for c in cells.tolist()], dtype=np.intp)
        return codes, list(seen)
    if texts or set(map(type, cells)) <= {str, type(None)}:
        # A column repeats its cell row after row (a file's source, edition, unit and citation, a country's rows):
        # where it does, only the first cell of each run is hashed.
        sample = cells[:256]
        if np.count_nonzero(sample[1:] != sample[:-1]) * 4 < len(sample):
            starts = np.ones(n, dtype=bool)
            np.not_equal(cells[1:], cells[:-1], out=starts[1:])
            heads = np.flatnonzero(starts)
            codes, uniques = pd.factorize(cells[heads])
            codes = np.repeat(codes, np.diff(heads, append=n))
        else:
            codes, uniques = pd.factorize(cells)
        values: list[object] = uniques.tolist()
        missing = codes < 0  # None (factorize's missing value)
        if missing.any():
            codes[missing] = len(values)
            values.append(None)
        return codes, values
    index: dict[tuple[type, object], int] = {}
    codes = np.fromiter((index.setdefault((type(c), c), len(index)) for c in cells), dtype=np.intp, count=n)
    return codes, [cell for _, cell in index]


def _each(uniques: list[object], fn: Callable[[object], object]) -> tuple[list[object], np.ndarray]:
    """``fn`` of each distinct cell, and whether it took it (any exception: :func:`_parse_row` raises it again)."""
    out: list[object] = []
    ok = np.ones(len(uniques), dtype=bool)
    for k, cell in enumerate(uniques):
        try:
            out.append(fn(cell))
        except Exception:
            out.append(None)
            ok[k] = False
    return out, ok


def _recode(values: list[object], codes: np.ndarray) -> tuple[np.ndarray, list[object]]:
    """Codes over the distinct parsed values (cells ``" 2024"`` and ``2024`` are one edition)."""
    index: dict[object, int] = {}
    remap = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.intp, count=len(values))
    return remap[codes], list(index)


_INT64_MAX = int(np.iinfo(np.int64).max)
_SMALL = 256  # rows: below this, plain Python beats the fixed cost of a call into pandas or Arrow


def _factorize(keys: np.ndarray, *, sort: bool = False) -> tuple[np.ndarray, int]:
    """Each key's code and the number of distinct keys (codes in order of appearance, or of the keys when
    ``sort``)."""
    if len(keys) < _SMALL:
        seen = keys.tolist()
        index = {k: i for i, k in enumerate(sorted(set(seen)) if sort else dict.fromkeys(seen))}
        return np.array([index[k] for k in seen], dtype=np.intp), len(index)
    codes, uniques = pd.factorize(keys, sort=sort)
    return codes, len(uniques)


def _combine(*parts: tuple[np.ndarray, int], sort: bool = False) -> tuple[np.ndarray, int]:
    """A code per distinct combination of the parts' codes (numbered in the parts' order when ``sort``)."""
    if math.prod(n for _, n in parts) < 2**62:  # one number per combination (mixed radix), factorised once
        key = parts[0][0].astype(np.int64)
        for other, n in parts[1:]:
            key = key * n + other
        return _factorize(key, sort=sort)
    code, size = parts[0]
    for other, n in parts[1:]:
        code, size = _factorize(code.astype(np.int64) * n + other, sort=sort)
    return code, size


def _texts(values: list[object], codes: np.ndarray) -> object:
    """A text column as a table built from the rows holds it: str (None missing), or None objects when it holds no
    text at all; taken from the distinct values in Arrow."""
    if all(v is None for v in values):
        return np.full(len(codes), None, dtype=object)
    if len(codes) < _SMALL:
        texts = pa.array([values[c] for c in codes.tolist()], type=pa.large_string())
    else:
        texts = pa.array(values, type=pa.large_string()).take(codes)
    return pd.arrays.ArrowStringArray(texts, dtype=_STR)


_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default for text ("str")


def _numbers(values: list[object], codes: np.ndarray) -> np.ndarray:
    """A number column as a table built from the rows holds ints, floats and None: int64 (all ints), float64 (NaN
    for None) or None objects (all None)."""
    present = np.array([v is not None for v in values], dtype=bool)[codes]
    if not present.any():
        return np.full(len(codes), None, dtype=object)
    if any(type(v) is int and v > _INT64_MAX for v in values):  # as the rows make of such a number
        return pd.DataFrame.from_records([{"x": v} for v in values])["x"].to_numpy()[codes]
    if present.all() and all(type(v) is int for v in values):
        return np.array(values, dtype=np.int64)[codes]
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)[codes]


def _value_arrays(
    numbers: list[tuple[float | None, int | None] | None], codes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's value (NaN: none) and decimals (-1: none, for a missing value or a number a workbook stores) from
    the distinct cells' (value, decimals)."""
    pairs = [(None, None) if p is None else p for p in numbers]
    value = np.fromiter((np.nan if v is None else v for v, _ in pairs), dtype=np.float64, count=len(pairs))
    decimals = np.fromiter((-1 if v is None or d is None else d for v, d in pairs), np.int64, len(pairs))
    return value[codes], decimals[codes]


_PLAIN_NUMBER_RE2 = r"^-?[0-9]+(\.[0-9]*)?$"  # _PLAIN_NUMBER, in Arrow's regular expressions


def _values_in_bulk(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_value_cell` of a column of text cells as :func:`_value_arrays` gives it, and whether each cell was
    taken. Most values in a file are distinct, and most are written plainly (``87.30``): Arrow parses those (to the
    same double as ``float``; at most 40 characters), the others are parsed once per distinct cell."""
    n = len(cells)
    value = np.full(n, np.nan)
    decimals = np.full(n, -1, dtype=np.int64)
    ok = np.ones(n, dtype=bool)
    text = pa.array(cells, type=pa.large_string())
    plain = pc.and_(pc.match_substring_regex(text, _PLAIN_NUMBER_RE2), pc.less_equal(pc.binary_length(text), 40))
    plain = plain.fill_null(False).to_numpy(zero_copy_only=False)
    if plain.any():
        chosen = text.filter(pa.array(plain))
        value[plain] = pc.cast(chosen, pa.float64()).to_numpy()
        dot = pc.find_substring(chosen, ".").to_numpy()
        decimals[plain] = np.where(dot >= 0, pc.binary_length(chosen).to_numpy() - dot - 1, 0)
    other = np.flatnonzero(~plain)
    if len(other):
        codes, uniques = _distinct(cells[other], True)
        numbers, taken = _each(uniques, _value_cell)
        value[other], decimals[other] = _value_arrays(numbers, codes)  # type: ignore[arg-type]
        ok[other] = taken[codes]
    return value, decimals, ok


def _whole_numbers(numbers: np.ndarray) -> np.ndarray:
    """:func:`_numbers` of whole numbers 0 or more, -1 for None."""
    present = numbers >= 0
    if present.all():
        return numbers
    if not present.any():
        return np.full(len(numbers), None, dtype=object)
    return np.where(present, numbers, np.nan)


class _Later(NamedTuple):
    """A text column the table needs only for a message (country, unit, citation): taken when it is built."""

    values: list[object]
    codes: np.ndarray


@dataclass
class _Parsed:
    """The data rows: each column's distinct parsed values and each row's code, and the table's columns."""

    keys: dict[str, tuple[np.ndarray, list[object]]]  # key column -> (each row's code, the distinct values)
    columns: dict[str, object]  # the columns of the table, in its order
    value: np.ndarray  # float64, NaN where no value is published
    published: np.ndarray
    higher: np.ndarray

    def frame(self, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The table (as the rows built it); ``columns``: only these."""
        chosen = {c: self.columns[c] for c in (columns or self.columns)}
        return pd.DataFrame({c: _texts(*v) if isinstance(v, _Later) else v for c, v in chosen.items()}, copy=False)

    def code(self, column: str) -> tuple[np.ndarray, int]:
        codes, values = self.keys[column]
        return codes, len(values)

    def inconsistent(self) -> bool:
        """Whether a unit or direction differs within an indicator, or a citation within an edition."""
        for keys, column in (
            (("source", "indicator"), "unit"),
            (("source", "indicator"), "higher_is_better"),
            (("source", "edition"), "citation"),
        ):
            key = _combine(*(self.code(k) for k in keys))
            if _combine(key, self.code(column))[1] > key[1]:
                return True
        return False

    def has_known_source(self) -> bool:
        known = set(metadata.sources())
        return any(s in known for s in self.keys["source"][1])

    def has_duplicates(self, entity: tuple[np.ndarray, int]) -> bool:
        parts = [self.code(c) for c in ("source", "edition", "reference_period")] + [entity, self.code("indicator")]
        return _combine(*parts)[1] < len(self.value)

    def groups(self) -> np.ndarray:
        """Each row's group (source, edition, reference period, indicator), numbered in the groups' sort order."""
        parts = []
        for column in ("source", "edition", "reference_period", "indicator"):
            codes, values = self.keys[column]
            order = np.empty(len(values), dtype=np.intp)
            order[sorted(range(len(values)), key=values.__getitem__)] = np.arange(len(values))
            parts.append((order[codes], len(values)))
        return _combine(*parts, sort=True)[0]


def _parse(
    raw: RawFile, sheet_rows: list[list[object]], first_row: int, col: dict[str, int], *, titles: bool = False
) -> _Parsed | None:
    """The data rows, as :func:`_parse_row` reads them one by one (None: there are none)."""
    rows = sheet_rows[first_row:]
    if not rows:
        return None
    positions = {cid: pos for cid, pos in col.items() if cid in COLUMNS or titles}
    cells = _columns(rows, positions)
    texts = raw.kind == "csv"  # a CSV file's cells are text (None past the end of a short row)
    bulk = texts and len(rows) >= _SMALL  # values: each cell parsed in Arrow (see _values_in_bulk)
    distinct = {cid: _distinct(c, texts) for cid, c in cells.items() if not (bulk and cid == "value")}
    lines = np.arange(first_row + 1, first_row + 1 + len(rows), dtype=np.int64)
    maybe_blank = np.ones(len(rows), dtype=bool)
    for codes, uniques in sorted(distinct.values(), key=lambda d: len(d[1])):
        maybe_blank &= np.array([_blank(u) for u in uniques], dtype=bool)[codes]
        if not maybe_blank.any():
            break
    if maybe_blank.any():  # blank in the template's columns; a row blank in every column is skipped
        blank = [i for i in np.flatnonzero(maybe_blank).tolist() if all(_blank(c) for c in rows[i])]
        if blank:
            keep = np.ones(len(rows), dtype=bool)
            keep[blank] = False
            if not keep.any():
                return None
            cells = {cid: c[keep] for cid, c in cells.items()}
            distinct = {cid: _distinct(cells[cid], texts) for cid in distinct}
            lines = lines[keep]
    n = len(lines)
    parsed: dict[str, list[object]] = {}
    bad = np.zeros(n, dtype=bool)
    for cid, (codes, uniques) in distinct.items():
        parsed[cid], ok = _each(uniques, _CELLS[cid])
        if not ok.all():
            bad |= ~ok[codes]
    if bulk:
        value, decimals, ok = _values_in_bulk(cells["value"])
        bad |= ~ok
    if bad.any():
        for i in np.flatnonzero(bad).tolist():
            _parse_row(raw, int(lines[i]), {cid: c[i] for cid, c in cells.items()})  # raises
        raise AssertionError("a cell was refused that the row-by-row reading takes")

    def code(cid: str) -> np.ndarray:
        return distinct[cid][0]

    keys = {cid: _recode(parsed[cid], code(cid)) for cid in ("source", "edition", "country", "indicator")}
    keys |= {cid: _recode(parsed[cid], code(cid)) for cid in ("unit", "higher_is_better", "citation")}
    # An empty reference period is the edition year: one period per distinct pair of period and edition cells.
    editions = parsed["edition"]
    pair, pairs = pd.factorize(code("reference_period").astype(np.int64) * len(editions) + code("edition"))
    periods = [parsed["reference_period"][p // len(editions)] or str(editions[p % len(editions)]) for p in pairs]
    keys["reference_period"] = _recode(periods, pair)
    if not bulk:
        value, decimals = _value_arrays(parsed["value"], code("value"))  # type: ignore[arg-type]
    published = ~np.isnan(value)  # a published value is a number (parse_number gives None, never NaN)
    higher = np.array(parsed["higher_is_better"], dtype=bool)[code("higher_is_better")]
    columns: dict[str, object] = {
        "source": _texts(parsed["source"], code("source")),
        "edition": np.array(keys["edition"][1], dtype=np.int64)[keys["edition"][0]],
        "reference_period": _texts(periods, pair),
        "country": _Later(parsed["country"], code("country")),
        "indicator": _texts(parsed["indicator"], code("indicator")),
        "value": value if published.any() else np.full(n, None, dtype=object),
        "value_status": _texts(["missing", "published"], published.astype(np.intp)),
        "decimals": _whole_numbers(decimals),
        "rank": _numbers(parsed["rank"], code("rank")),
        "unit": _Later(parsed["unit"], code("unit")),
        "higher_is_better": higher,
        "citation": _Later(parsed["citation"], code("citation")),
    }
    if titles:  # an optional column the file does not have is empty text
        for cid in OPTIONAL:
            columns[cid] = _Later(parsed[cid], code(cid)) if cid in parsed else _Later([""], np.zeros(n, np.intp))
    columns["source_row"] = lines
    return _Parsed(keys, columns, value, published, higher)


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
    except ValueError as exc:
        problem = "is too large" if "too large" in str(exc) else "is not a whole number"
        raise raw.fail(f"{where}: rank {_text(cells['rank'])!r} {problem}") from None
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
    """One unit and direction per indicator, one citation per edition; the message names the difference that comes
    first in the file (the row where a cell first differs from its group's first row)."""
    checks = [
        (["source", "indicator"], "unit", "indicator"),
        (["source", "indicator"], "higher_is_better", "indicator"),
        (["source", "edition"], "citation", "edition"),
    ]
    first: tuple[int, list[str], str, str, tuple[object, object]] | None = None
    for keys, column, what in checks:
        differs = df[df[column].ne(df.groupby(keys, sort=False)[column].transform("first")).fillna(False)]
        if differs.empty:
            continue
        at = differs.loc[differs["source_row"].idxmin()]
        if first is None or int(at["source_row"]) < first[0]:
            first = (int(at["source_row"]), keys, column, what, (at[keys[0]], at[keys[1]]))
    if first is None:
        return
    _, keys, column, what, key = first
    rows = df[(df[keys[0]] == key[0]) & (df[keys[1]] == key[1])].sort_values("source_row", kind="stable")
    variants = rows.drop_duplicates(column)
    shown = "; ".join(f"{v[column]!r} ({_rows_text([v['source_row']])})" for _, v in variants.iterrows())
    raise raw.fail(
        f"{column} differs between the rows of {what} {key[1]} of {key[0]}: {shown}; one {what} has one {column}"
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


def _harmonise(raw: RawFile, parsed: _Parsed) -> tuple[np.ndarray, int]:
    """Countries as ISO3 codes, ISO2 codes or names; every one that cannot be placed fails the file, all listed.

    Each distinct (source, country) pair is placed once; returns each row's entity code."""
    source_codes, sources = parsed.keys["source"]
    name_codes, names = parsed.keys["country"]
    pair, pairs = pd.factorize(source_codes.astype(np.int64) * len(names) + name_codes)  # in order of appearance
    pair_source, pair_name = (pairs // len(names)).tolist(), (pairs % len(names)).tolist()
    entities: list[countries.Entity] = [countries.Entity(None, "")] * len(pairs)
    for s in sorted(set(pair_source), key=sources.__getitem__):
        source = str(sources[s])
        kinds: dict[str | None, list[int]] = {"ISO3": [], "ISO2": [], None: []}
        for k in [k for k, ps in enumerate(pair_source) if ps == s]:
            name = str(names[pair_name[k]])
            if re.fullmatch(r"[A-Z]{3}", name) and countries.is_iso3(name):
                kinds["ISO3"].append(k)
            elif re.fullmatch(r"[A-Z]{2}", name):
                kinds["ISO2"].append(k)
            else:
                kinds[None].append(k)
        unmatched: list[str] = []
        for codes, placed in kinds.items():
            for k in placed:
                name = str(names[pair_name[k]])
                try:
                    found = countries.harmonise([name], source, raw.display, codes=codes)
                except InputError:
                    unmatched.append(f"{name!r}" + (f" (as an {codes} code)" if codes else ""))
                    continue
                entities[k] = found[countries.clean_name(name)]
        if unmatched:
            raise raw.fail(
                f"source {source}: {len(unmatched)} countries cannot be matched: {', '.join(unmatched[:20])}"
                f"{' ...' if len(unmatched) > 20 else ''}. Write ISO3 codes (DNK), ISO2 codes (DK) or English "
                f"names (Denmark); for a spelling that is right but unknown, or an aggregate, add it to "
                f"rankings/reference/countries/{source}.yaml"
            )
    entity_codes, entity_names = _recode([e.entity for e in entities], pair)
    parsed.columns["iso3"] = _texts([e.iso3 for e in entities], pair)
    parsed.columns["entity"] = _texts(entity_names, entity_codes)
    parsed.columns["is_aggregate"] = np.array([e.is_aggregate for e in entities], dtype=bool)[pair]
    return entity_codes, len(entity_names)


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


def _rank(parsed: _Parsed) -> list[str]:
    """Typed ranks are published; an indicator typed with no rank at all is ranked here (computed)."""
    warnings: list[str] = []
    typed_ranks = _int32(parsed.columns["rank"])
    parsed.columns["rank"] = typed_ranks
    typed = ~typed_ranks.isna()
    ranks = typed_ranks.to_numpy(dtype="float64", na_value=np.nan)
    values, published, higher = parsed.value, parsed.published, parsed.higher
    official = np.where(typed, 1, -1).astype(np.int8)  # 1 published rank, 0 computed here, -1 none
    # Groups numbered in their sort order (source, edition, reference_period, indicator); the direction is one per
    # indicator (checked before). Within a group, rows sorted best value first: ties are runs of equal values.
    group = parsed.groups()
    better_first = np.where(higher, -values, values)
    untyped_group = np.bincount(group[typed], minlength=group.max() + 1) == 0
    computed = np.flatnonzero(published & untyped_group[group])
    if len(computed):  # competition ("1224") ranks: 1 + the rows of the group with a better value
        order = _sorted(computed, group, better_first)
        new_group, new_tie = _runs(group[order], better_first[order])
        position = np.arange(len(order))
        tie_start = np.maximum.accumulate(np.where(new_tie, position, 0))
        group_start = np.maximum.accumulate(np.where(new_group, position, 0))
        ranks[order] = tie_start - group_start + 1
        official[order] = 0
    checked = np.flatnonzero(published & typed)
    if len(checked):  # typed ranks that contradict the values: a better value with a worse rank in one group
        order = _sorted(checked, group, better_first)
        g, r = group[order], ranks[order].astype(np.int64)
        new_group, new_tie = _runs(g, better_first[order])
        starts = np.flatnonzero(new_tie)
        worst = np.maximum.reduceat(r, starts)  # the worst rank of each run of equal values
        run_group = g[starts].astype(np.int64)
        span = int(r.max()) + 1  # the worst rank so far of each group's runs: one running maximum, groups apart
        so_far = np.maximum.accumulate(run_group * span + worst) - run_group * span
        before = np.concatenate([[0], so_far[:-1]])  # of the runs with a better value (ranks start at 1)
        before[new_group[starts]] = 0
        clashing = np.unique(g[before[np.cumsum(new_tie) - 1] > r])
        if len(clashing):
            df = parsed.frame()
            by_group = np.argsort(group, kind="stable")
            bounds = np.searchsorted(group[by_group], np.stack([clashing, clashing + 1]))
            for start, stop in bounds.T.tolist():
                warnings.append(_clash_warning(df, by_group[start:stop], values, ranks, published, typed, higher))
    parsed.columns["rank"] = pd.arrays.IntegerArray(np.nan_to_num(ranks).astype(np.int32), np.isnan(ranks))
    parsed.columns["rank_official"] = pd.arrays.BooleanArray(official == 1, official < 0)
    return warnings


def _int32(column: np.ndarray) -> pd.arrays.IntegerArray:
    """``Series(column).astype("Int32")`` of the rank column (pandas itself, and its error, for a rank that does
    not fit)."""
    if column.dtype == object:
        if all(v is None for v in column):
            return pd.arrays.IntegerArray(np.zeros(len(column), dtype=np.int32), np.ones(len(column), dtype=bool))
    else:
        missing = np.isnan(column) if column.dtype == np.float64 else np.zeros(len(column), dtype=bool)
        if column[~missing].max() <= np.iinfo(np.int32).max:
            return pd.arrays.IntegerArray(np.where(missing, 0, column).astype(np.int32), missing)
    return pd.Series(column).astype("Int32").array


def _sorted(rows: np.ndarray, group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """``rows`` sorted by group, then key (rows with equal keys in any order): one sort of a whole number."""
    position = np.empty(len(rows), dtype=np.int64)
    position[np.argsort(key[rows])] = np.arange(len(rows))
    return rows[np.argsort(group[rows].astype(np.int64) * len(rows) + position)]


def _runs(group: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """In rows sorted by group and key: where a group starts, and where a run of equal keys starts."""
    new_group = np.ones(len(group), dtype=bool)
    new_group[1:] = group[1:] != group[:-1]
    new_tie = new_group.copy()
    new_tie[1:] |= key[1:] != key[:-1]
    return new_group, new_tie


def _clash_warning(
    df: pd.DataFrame,
    positions: np.ndarray,
    values: np.ndarray,
    ranks: np.ndarray,
    published: np.ndarray,
    typed: np.ndarray,
    higher: np.ndarray,
) -> str:
    """The warning of one group (its rows, in file order) whose typed ranks contradict its values."""
    first = df.iloc[positions[0]]
    scored = positions[published[positions]]
    both = scored[typed[scored]]
    v, r = values[both], ranks[both]
    better = v[:, None] > v[None, :] if higher[positions[0]] else v[:, None] < v[None, :]
    clashes = np.argwhere(better & (r[:, None] > r[None, :]))
    i, j = clashes[0]
    a, b = df.iloc[both[i]], df.iloc[both[j]]
    return (
        f"{first['source']} {first['edition']} {first['indicator']}: ranks and values disagree in {len(clashes)} "
        f"pairs, e.g. {a['entity']} (row {a['source_row']}, value {a['value']}, rank {a['rank']}) has a better value "
        f"but a worse rank than {b['entity']} (row {b['source_row']}, value {b['value']}, rank "
        f"{b['rank']}); check for typing errors"
    )


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
    parsed = _parse(raw, sheet.rows, found.header_row + 1, col, titles=True)
    if parsed is None:  # a header and no rows: nothing to describe
        return metadata.sources_frame().iloc[0:0], metadata.indicators_frame().iloc[0:0]
    df = parsed.frame()
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
