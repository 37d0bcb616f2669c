"""Helpers every reader shares: finding a header row by content, parsing published numbers, computed ranks."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from rankings.rawfile import Cell, Formula, RawFile, normalise_header

T = TypeVar("T")

MISSING_MARKERS = {"", ".", "..", ":", "-", "–", "n/a", "na", "#div/0!", "#n/a", "#value!", "#ref!"}


@dataclass
class Detection:
    """Where in a file a layout's table sits, and how completely its columns were found."""

    score: float = 0.0
    found: int = 0
    missing: list[str] = field(default_factory=list)
    sheet: str | None = None
    header_row: int = -1  # index into the sheet's rows
    columns: dict[str, int] = field(default_factory=dict)  # column id -> position

    @property
    def complete(self) -> bool:
        return self.header_row >= 0 and not self.missing


def _equal(header: str, alias: str) -> bool:
    return header == alias


def find_header(
    raw: RawFile,
    columns: Mapping[str, Sequence[str]],
    *,
    sheet_filter: Callable[[str | None], bool] = lambda _: True,
    max_rows: int = 40,
    match: Callable[[str, str], bool] | None = None,
) -> Detection:
    """Scan the first ``max_rows`` rows of each sheet for the row that holds most of ``columns``.

    ``columns`` maps a column id to the header texts it may appear as (compared after
    :func:`normalise_header`). The first column id is the one a row must contain to count at all. ``match``
    compares a header with an alias (default: equality, looked up in a dictionary of the row's headers).
    """
    match = match or _equal
    best = Detection(missing=list(columns))
    wanted = {col_id: [normalise_header(a) for a in aliases] for col_id, aliases in columns.items()}
    exact = match is _equal
    for name in raw.sheet_names:
        if not sheet_filter(name):
            continue
        sheet = raw.sheet(name)
        for i, row in enumerate(sheet.rows[:max_rows]):
            headers = [normalise_header(c) if c is not None else "" for c in row]
            if exact:
                first: dict[str, int] = {}
                for pos, header in enumerate(headers):
                    if header and header not in first:
                        first[header] = pos
                positions = {
                    col_id: min(first[a] for a in aliases if a in first)
                    for col_id, aliases in wanted.items()
                    if any(a in first for a in aliases)
                }
            else:
                positions = {}
                for col_id, aliases in wanted.items():
                    for pos, header in enumerate(headers):
                        if header and any(match(header, a) for a in aliases):
                            positions[col_id] = pos
                            break
            if len(positions) > best.found:
                missing = [c for c in columns if c not in positions]
                best = Detection(
                    score=len(positions) / len(columns),
                    found=len(positions),
                    missing=[columns[c][0] for c in missing],
                    sheet=name,
                    header_row=i,
                    columns=positions,
                )
    return best


_INFINITE = (math.inf, -math.inf)
MAX_WHOLE = 2**31 - 1  # ranks and editions are stored as 32-bit integers
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def parse_number(cell: Cell) -> tuple[float | None, int | None]:
    """A published number and the decimals it was printed with; (None, None) for a missing-value marker.

    Raises ValueError for text that is neither a number nor a known missing-value marker.
    """
    kind = type(cell)
    if kind is float:  # the common cases first: a workbook's number, a CSV's text
        if cell != cell:  # NaN
            return None, None
        if cell in _INFINITE:
            raise ValueError(f"{cell!r} is not a finite number")
        return cell, None  # type: ignore[return-value]
    if kind is str:
        return _parse_text(cell)  # type: ignore[arg-type]
    if cell is None:
        return None, None
    if isinstance(cell, bool):
        raise ValueError(f"{cell!r} is not a number")
    if isinstance(cell, int | float):
        value = float(cell)
        if math.isnan(value):
            return None, None
        if math.isinf(value):
            raise ValueError(f"{cell!r} is not a finite number")
        return value, None
    if isinstance(cell, datetime | date):
        raise ValueError(f"{cell!r} is a date, not a number")
    if isinstance(cell, Formula):
        raise ValueError(
            f"{str(cell)!r} is a formula whose result the workbook does not store (open the file in Excel and save "
            "it, so that it stores the results)"
        )
    return _parse_text(str(cell))


_EXPONENT = re.compile(r"[eE]")


@lru_cache(maxsize=1 << 16)
def _parse_text(cell: str) -> tuple[float | None, int | None]:
    # Cached by the text: a file repeats its years, ranks and many of its values.
    text = cell.strip().replace("\u00a0", "")
    if text.lower() in MISSING_MARKERS:
        return None, None
    if not _NUMBER_TEXT.match(text):
        raise ValueError(f"{text!r} is not a number")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # decimal comma
    mantissa = _EXPONENT.split(text, maxsplit=1)[0]
    decimals = len(mantissa.split(".", 1)[1]) if "." in mantissa else 0
    value = float(text)
    if not math.isfinite(value):  # 1e400
        raise ValueError(f"{text!r} is not a finite number")
    return value, decimals


def parse_int(cell: Cell) -> int | None:
    """A published rank or year; None when empty. Raises ValueError for anything that is not a whole number."""
    value, _ = parse_number(cell)
    if value is None:
        return None
    if value != int(value):
        raise ValueError(f"{cell!r} is not a whole number")
    if abs(value) > MAX_WHOLE:
        raise ValueError(f"{cell!r} is too large for a rank or a year")
    return int(value)


def per_value(column: pd.Series, fn: Callable[[Any], T]) -> list[T]:
    """``[fn(v) for v in column]``, calling ``fn`` once per distinct value: a file repeats a few hundred names,
    codes and indicator ids over tens of thousands of rows."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    results = [fn(u) for u in uniques]
    return [results[c] for c in codes]


def cell_text(cell: Cell) -> str:
    return "" if cell is None else str(cell)


# --------------------------------------------------------------------------------------------------------------
# Column-wise reading: a table's cells taken as columns, each function evaluated once per distinct cell value.
# A published table repeats a few hundred names, codes, years and labels over tens of thousands of rows; a loop
# that parses every cell of every row is most of what reading a large file costs.


def distinct(column: Sequence[Cell]) -> tuple[np.ndarray, list[Cell]]:
    """``codes, uniques`` with ``column[i] == uniques[codes[i]]``, of the same type: a cell True and a cell 1.0,
    or a formula and its text, are kept apart (they read differently)."""
    kinds = set(map(type, column))
    typed = bool in kinds or Formula in kinds
    keys: Sequence[Any] = list(zip(map(type, column), column, strict=True)) if typed else column
    # dict.fromkeys, a dict's __getitem__ and map run in C: no Python frame per cell
    index = {key: code for code, key in enumerate(dict.fromkeys(keys))}
    codes = np.fromiter(map(index.__getitem__, keys), dtype=np.intp, count=len(keys))
    return codes, [k[1] for k in index] if typed else list(index)


@dataclass
class Mapped:
    """``fn`` applied to every cell of a column, once per distinct value."""

    codes: np.ndarray
    results: list[Any]  # per distinct value; None where fn raised
    errors: dict[int, Exception]  # distinct value's code -> what fn raised

    def values(self) -> list[Any]:
        return [self.results[c] for c in self.codes]

    def array(self, dtype: Any = object) -> np.ndarray:
        return np.asarray(self.results, dtype=dtype)[self.codes] if len(self.codes) else np.empty(0, dtype=dtype)

    def first_error(self, within: np.ndarray | None = None) -> tuple[int, Exception] | None:
        """The first row (index) where fn raised, among the rows ``within`` (a boolean mask) when given."""
        if not self.errors:
            return None
        bad = np.isin(self.codes, list(self.errors))
        if within is not None:
            bad &= within
        rows = np.flatnonzero(bad)
        return (int(rows[0]), self.errors[int(self.codes[rows[0]])]) if len(rows) else None


def map_distinct(
    column: Sequence[Cell], fn: Callable[[Cell], Any], errors: tuple[type[Exception], ...] = (ValueError,)
) -> Mapped:
    """``fn`` of every cell of a column, evaluated once per distinct value."""
    codes, uniques = distinct(column)
    return _mapped(codes, uniques, fn, errors)


def _mapped(
    codes: np.ndarray, uniques: list[Cell], fn: Callable[[Cell], Any], errors: tuple[type[Exception], ...]
) -> Mapped:
    results: list[Any] = []
    failed: dict[int, Exception] = {}
    for code, cell in enumerate(uniques):
        try:
            results.append(fn(cell))
        except errors as exc:
            results.append(None)
            failed[code] = exc
    return Mapped(codes, results, failed)


def first_true(mask: np.ndarray) -> int | None:
    rows = np.flatnonzero(mask)
    return int(rows[0]) if len(rows) else None


def group_codes(*keys: Sequence[Any]) -> np.ndarray:
    """One integer per row naming its combination of ``keys`` (columns of equal length): rows with equal keys
    get equal codes."""
    combined: np.ndarray | None = None
    for key in keys:
        codes, uniques = distinct(list(key) if isinstance(key, np.ndarray) else key)
        if combined is None:
            combined = codes.astype(np.int64)
        else:
            combined = np.unique(combined * len(uniques) + codes, return_inverse=True)[1].astype(np.int64)
    assert combined is not None
    return combined


def any_in_group(mask: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Per row: whether any row of its group has ``mask`` set."""
    if not len(groups):
        return np.zeros(0, dtype=bool)
    return (np.bincount(groups, weights=mask.astype(np.float64)) > 0)[groups]


def ranks_in_groups(
    values: np.ndarray, groups: np.ndarray, rankable: np.ndarray, *, higher_is_better: bool = True
) -> np.ndarray:
    """Competition ("1224") ranks of ``values`` within each group, among the ``rankable`` rows (NaN elsewhere)."""
    ranks = np.full(len(values), np.nan)
    if rankable.any():
        series = pd.Series(values[rankable])
        ranks[rankable] = series.groupby(groups[rankable]).rank(method="min", ascending=not higher_is_better)
    return ranks


def int_array(values: np.ndarray, dtype: str = "Int32") -> pd.api.extensions.ExtensionArray:
    """Whole numbers held as floats (NaN for none) as a nullable integer array."""
    return pd.array(values, dtype="Float64").astype(dtype)


def bool_array(values: np.ndarray, known: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """A nullable boolean array: ``values`` where ``known``, null elsewhere."""
    return pd.arrays.BooleanArray(values.astype(bool), ~known.astype(bool))


def statuses_and_ranks(
    df: pd.DataFrame, value: np.ndarray, indicator: np.ndarray, period: np.ndarray, country_groups: np.ndarray
) -> None:
    """Set ``value_status``, ``rank`` and ``rank_official`` of a table whose publisher prints no ranks (the EU's).

    Not assessed: a country with no value at all in its group (``country_groups``: it was not in that measurement),
    or an indicator no country has in a period (not measured then); any other gap is a missing value. Ranks are
    competition ranks ("1224") among countries, per edition, period and indicator, marked computed.
    """
    published = ~np.isnan(value)
    country_has_any = any_in_group(published, country_groups)
    indicator_has_any = any_in_group(published, group_codes(indicator, period))
    df["value_status"] = np.where(
        published, "published", np.where(country_has_any & indicator_has_any, "missing", "not_assessed")
    )
    rankable = published & ~df["is_aggregate"].to_numpy(dtype=bool)
    groups = group_codes(df["edition"].to_numpy(), period, indicator)
    df["rank"] = int_array(ranks_in_groups(value, groups, rankable))
    df["rank_official"] = bool_array(np.zeros(len(df), dtype=bool), rankable)
