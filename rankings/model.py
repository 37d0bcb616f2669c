"""The tidy observation table: the project's public data contract.

One row per source, edition, reference period, entity and indicator. Every reader returns a DataFrame with
exactly these columns (in this order) and :func:`validate` checks it before anything is stored.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd
import pyarrow as pa

from rankings.errors import InputError

SCHEMA = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("edition", pa.int32(), nullable=False),
        pa.field("reference_period", pa.string(), nullable=False),
        pa.field("iso3", pa.string()),
        pa.field("entity", pa.string(), nullable=False),
        pa.field("is_aggregate", pa.bool_(), nullable=False),
        pa.field("indicator", pa.string(), nullable=False),
        pa.field("value", pa.float64()),
        # Why a value is null: "published" when it is not, else "not_assessed" or "missing".
        pa.field("value_status", pa.string(), nullable=False),
        # Decimals as printed by the publisher (null when the file stores binary numbers).
        pa.field("decimals", pa.int8()),
        pa.field("rank", pa.int32()),
        pa.field("rank_official", pa.bool_()),
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("sheet", pa.string()),
        pa.field("source_row", pa.int32()),
        pa.field("file_sha256", pa.string(), nullable=False),
    ]
)

COLUMNS: list[str] = SCHEMA.names
KEY: list[str] = ["source", "edition", "reference_period", "entity", "indicator"]

VALUE_STATUSES = ("published", "not_assessed", "missing")

_PANDAS_DTYPES: dict[str, str] = {
    "source": "string",
    "edition": "Int32",
    "reference_period": "string",
    "iso3": "string",
    "entity": "string",
    "is_aggregate": "boolean",
    "indicator": "string",
    "value": "Float64",
    "value_status": "string",
    "decimals": "Int8",
    "rank": "Int32",
    "rank_official": "boolean",
    "source_file": "string",
    "sheet": "string",
    "source_row": "Int32",
    "file_sha256": "string",
}


def empty() -> pd.DataFrame:
    """An observation table with no rows."""
    return conform(pd.DataFrame({c: [] for c in COLUMNS}))


@cache
def _dtypes() -> dict[str, Any]:
    return {col: pd.api.types.pandas_dtype(name) for col, name in _PANDAS_DTYPES.items()}


def conform(df: pd.DataFrame) -> pd.DataFrame:
    """Order and type the columns of ``df`` as the contract says (missing optional columns become null)."""
    dtypes = _dtypes()
    columns = {}
    for col in COLUMNS:
        series = df[col] if col in df.columns else pd.Series(pd.NA, index=df.index, dtype=object)
        # A column of the contract's type is taken as it is (a table conformed already costs nothing).
        columns[col] = (series if series.dtype == dtypes[col] else series.astype(dtypes[col])).array
    return pd.DataFrame(columns, index=pd.RangeIndex(len(df)))  # built in one go: a column at a time is slower


def to_arrow(df: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(conform(df), schema=SCHEMA, preserve_index=False)


def validate(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """Check the contract; raise :class:`InputError` naming ``file`` on the first breach."""
    df = conform(df)
    for col in ("source", "edition", "reference_period", "entity", "indicator", "value_status"):
        if df[col].isna().any():
            rows = df.loc[df[col].isna(), "source_row"].dropna().astype(int).tolist()[:5]
            raise InputError(file, f"column {col!r} is empty in rows {rows}")
    bad_status = set(df["value_status"].unique()) - set(VALUE_STATUSES)
    if bad_status:
        raise InputError(file, f"unknown value status {sorted(bad_status)}")
    published = df["value_status"] == "published"
    if df.loc[published, "value"].isna().any():
        raise InputError(file, "a value marked as published is empty")
    if df.loc[~published, "value"].notna().any():
        raise InputError(file, "a value marked as not published has a number")
    if (df["rank"].dropna() < 1).any():
        raise InputError(file, "a rank is below 1")
    if (df["is_aggregate"] & df["iso3"].notna()).any():
        raise InputError(file, "an aggregate row has an ISO3 code")
    if (~df["is_aggregate"] & df["iso3"].isna()).any():
        raise InputError(file, "a country row has no ISO3 code")
    dupes = df[df.duplicated(KEY, keep=False)]
    if not dupes.empty:
        first = dupes.iloc[0]
        rows = dupes.loc[
            (dupes["entity"] == first["entity"]) & (dupes["indicator"] == first["indicator"]), "source_row"
        ].tolist()
        raise InputError(
            file,
            f"{len(dupes)} rows share a key: {first['entity']} / {first['indicator']} / edition "
            f"{first['edition']} appears more than once (rows {rows})",
        )
    return df


def competition_rank(values: pd.Series, *, higher_is_better: bool = True) -> pd.Series:
    """Competition ("1224") ranks of ``values``, null where the value is null."""
    ranks = values.astype("Float64").rank(method="min", ascending=not higher_is_better, na_option="keep")
    return ranks.round().astype("Int32")
