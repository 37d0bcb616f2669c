"""Helpers every reader shares: finding a header row by content, parsing published numbers, computed ranks."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVar

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


_NUMBER_TEXT = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def parse_number(cell: Cell) -> tuple[float | None, int | None]:
    """A published number and the decimals it was printed with; (None, None) for a missing-value marker.

    Raises ValueError for text that is neither a number nor a known missing-value marker.
    """
    if cell is None:
        return None, None
    if type(cell) is str:
        return _parse_text(cell)
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
    return float(text), decimals


def parse_int(cell: Cell) -> int | None:
    """A published rank or year; None when empty. Raises ValueError for anything that is not a whole number."""
    value, _ = parse_number(cell)
    if value is None:
        return None
    if value != int(value):
        raise ValueError(f"{cell!r} is not a whole number")
    return int(value)


def competition_rank(values: pd.Series, *, higher_is_better: bool = True) -> pd.Series:
    """Competition ("1224") ranks of ``values``, null where the value is null."""
    ranks = values.astype("Float64").rank(method="min", ascending=not higher_is_better, na_option="keep")
    return ranks.round().astype("Int32")


def per_value(column: pd.Series, fn: Callable[[Any], T]) -> list[T]:
    """``[fn(v) for v in column]``, calling ``fn`` once per distinct value: a file repeats a few hundred names,
    codes and indicator ids over tens of thousands of rows."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    results = [fn(u) for u in uniques]
    return [results[c] for c in codes]


def cell_text(cell: Cell) -> str:
    return "" if cell is None else str(cell)
