"""Does each reading shortcut pay its way? Each pair reads the same input both ways and checks the answers agree.

- raw CSV: the standard library's ``csv`` module (the app's) against pandas and pyarrow, as the rows of strings
  the readers take;
- the ranking template: the column-wise reader (each cell function once per distinct value) against the
  row-by-row reference reader of its tests;
- ``per_value`` (a function once per distinct value of a column) against a plain comprehension.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from types import ModuleType

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from rankings import countries
from rankings.rawfile import RawFile
from rankings.readers import template
from rankings.readers.common import per_value


def _stdlib(text: str) -> list[list[str]]:
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]


def _pandas(text: str) -> list[list[str]]:
    frame = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, na_filter=False)
    return frame.to_numpy().tolist()


def _pyarrow(text: str) -> list[list[str]]:
    table = pacsv.read_csv(
        pa.py_buffer(text.encode()),
        read_options=pacsv.ReadOptions(autogenerate_column_names=True),
        convert_options=pacsv.ConvertOptions(column_types={}, strings_can_be_null=False),
    )
    return [list(r) for r in zip(*(c.to_pylist() for c in table.columns), strict=True)]


@pytest.mark.parametrize("reader", [_stdlib, _pandas, _pyarrow], ids=["stdlib-csv (app)", "pandas", "pyarrow"])
def test_csv_rows(benchmark, template_csv: Path, reader) -> None:
    benchmark.group = "raw CSV -> rows of strings (30,000 rows)"
    text = template_csv.read_text(encoding="utf-8")
    rows = benchmark(reader, text)
    assert rows == _stdlib(text)


@pytest.mark.parametrize("kind", ["column-wise (app)", "row by row"])
def test_template_reader(benchmark, template_csv: Path, template_tests: ModuleType, kind: str) -> None:
    benchmark.group = "ranking template reader (30,000 rows)"
    raw = RawFile(template_csv, template_csv.name)
    found = template.detect(raw)
    read = template.read if kind.startswith("column") else template_tests.rowwise_read
    table = benchmark(read, raw, found)
    pd.testing.assert_frame_equal(table, template_tests.rowwise_read(raw, found), check_exact=True)


@pytest.mark.parametrize("kind", ["per_value (app)", "plain comprehension"])
def test_per_value(benchmark, kind: str) -> None:
    benchmark.group = "a country-name function over a 30,000-row column of 200 names"
    names = pd.Series([f"  Country {i % 200}  " for i in range(30_000)])

    def fn(name: str) -> str:
        return countries.clean_name(name).upper()

    def plain(column: pd.Series, f):
        return [f(v) for v in column]

    mapped = benchmark(per_value if kind.startswith("per_value") else plain, names, fn)
    assert mapped == [fn(v) for v in names]
