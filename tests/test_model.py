"""The observation contract and its validation."""

from __future__ import annotations

import pandas as pd
import pytest

from rankings import model
from rankings.errors import InputError


def row(**over):
    base = {
        "source": "un_egov",
        "edition": 2024,
        "reference_period": "2024",
        "iso3": "DNK",
        "entity": "Denmark",
        "is_aggregate": False,
        "indicator": "egdi",
        "value": 0.98,
        "value_status": "published",
        "decimals": 4,
        "rank": 1,
        "rank_official": True,
        "source_file": "f.csv",
        "sheet": None,
        "source_row": 2,
        "file_sha256": "x",
    }
    return {**base, **over}


def test_conform_orders_and_types_columns():
    df = model.conform(pd.DataFrame([row()]).iloc[:, ::-1])
    assert list(df.columns) == model.COLUMNS
    assert str(df["edition"].dtype) == "Int32"
    table = model.to_arrow(df)
    assert table.schema.equals(model.SCHEMA)


def test_valid_rows_pass():
    assert len(model.validate(pd.DataFrame([row(), row(indicator="osi", rank_official=False)]), "f")) == 2


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([row(), row()], "Denmark / egdi / edition 2024 appears more than once"),
        ([row(value=None)], "marked as published is empty"),
        ([row(value_status="not_assessed")], "not published has a number"),
        ([row(value_status="weird")], "unknown value status"),
        ([row(rank=0)], "rank is below 1"),
        ([row(iso3=None)], "country row has no ISO3"),
        ([row(is_aggregate=True)], "aggregate row has an ISO3"),
        ([row(entity=None)], "column 'entity' is empty"),
    ],
)
def test_breaches_fail_the_file(rows, message):
    with pytest.raises(InputError, match=message) as err:
        model.validate(pd.DataFrame(rows), "f.csv")
    assert err.value.file == "f.csv"


def test_empty_table_has_the_contract():
    assert list(model.empty().columns) == model.COLUMNS
