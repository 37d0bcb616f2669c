"""The readers' shared column-wise helpers: exact by value and type, blank rows dropped, ranks with ties."""

from __future__ import annotations

import numpy as np

from rankings.rawfile import Formula
from rankings.readers.common import (
    any_in_group,
    distinct,
    group_codes,
    map_distinct,
    parse_number,
    ranks_in_groups,
)


def test_distinct_keeps_values_of_different_types_apart():
    column = [1.0, True, "=1+1", Formula("=1+1"), 1.0, None, "x", True]
    codes, uniques = distinct(column)
    assert [uniques[c] for c in codes] == column
    assert [type(uniques[c]) for c in codes] == [type(c) for c in column]
    assert len(uniques) == 6


def test_map_distinct_evaluates_once_per_value_and_finds_the_first_error():
    calls: list[object] = []

    def parse(cell: object) -> tuple[float | None, int | None]:
        calls.append(cell)
        return parse_number(cell)

    mapped = map_distinct(["1.5", "x", "1.5", "2", "x", True], parse)
    assert sorted(map(str, calls)) == ["1.5", "2", "True", "x"]
    assert mapped.first_error() is not None and mapped.first_error()[0] == 1
    assert mapped.first_error(within=np.array([False, False, False, False, False, True]))[0] == 5
    assert mapped.values()[0] == (1.5, 1)


def test_groups_any_and_competition_ranks_with_ties():
    a = np.array(["x", "x", "y", "y", "x"], dtype=object)
    b = np.array([1, 2, 1, 1, 1])
    groups = group_codes(a, b)
    assert groups[0] == groups[4] and len(set(groups.tolist())) == 3
    assert any_in_group(np.array([False, False, True, False, False]), groups).tolist() == [
        False, False, True, True, False,
    ]  # fmt: skip
    values = np.array([90.0, 80.0, 90.0, 70.0, np.nan, 90.0])
    ranks = ranks_in_groups(values, np.zeros(6, dtype=np.int64), ~np.isnan(values))
    assert ranks[~np.isnan(values)].tolist() == [1.0, 4.0, 1.0, 5.0, 1.0]
    assert np.isnan(ranks[4])
    assert ranks_in_groups(values, np.zeros(6, dtype=np.int64), ~np.isnan(values), higher_is_better=False)[3] == 1


def test_numbers_too_large_are_refused():
    import pytest

    from rankings.readers.common import parse_int

    for text in ("1e400", "-1e400", "9" * 400):
        with pytest.raises(ValueError, match="not a finite number"):
            parse_number(text)
    with pytest.raises(ValueError, match="too large"):
        parse_int("3000000000")
    assert parse_int("2147483647") == 2147483647
