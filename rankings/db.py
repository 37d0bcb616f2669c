"""The one module that talks to DuckDB.

One in-memory DuckDB connection per store, cached and rebuilt only when the store's manifest changes; every
query runs on its own cursor (DuckDB cursors are separate connections to the same database, so threads never
share one). The views:

- ``observations``: every live Parquet part of the store (the tidy data contract);
- ``manifest``: the ingested raw files;
- ``indicators``, ``sources``: the reviewed metadata;
- ``headline``: ``observations`` with one reference period per source, edition and indicator, the edition's
  headline one (an edition may also carry other periods, e.g. DESI recalculates earlier years); which period that
  is, is worked out once per store version into the table ``headline_periods``. Its rows carry the marker of a
  revised figure (``revised_at``, ``was_value``, ``was_value_status``, ``was_decimals``: null unless revised);
- ``marked``: ``observations`` with those markers;
- ``revisions``: the revision log (:mod:`rankings.revisions`), and ``revised``: per figure its latest revision
  (``changed`` records only), which the marker comes from when the figure still has the value it was revised to;
- ``submissions``, ``questions``, ``answers``, ``survey_flags``, ``decisions``: the survey store
  (:mod:`rankings.survey.files`; questions, answers and flags of the current version of each submission).

A query may also name *derived tables* (``tables=``): summaries defined by a SELECT on the views, computed the
first time a query needs them and kept with the connection, so until the next ingest they cost one scan of the
store, not one per query (pages ask for the same summaries on every rerun).

Parquet footers are cached for every cursor (a global setting: a session setting would hold for the connection that
set it only). A query that returns thousands of rows asks for ``arrow=True``: the result comes through Arrow into the
frame ``.df()`` would give, in half the time (``.df()`` first builds a Python object per string).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from rankings import metadata, model, revisions
from rankings.store import Store
from rankings.survey.files import SurveyFiles

DEFAULT_PROCESSED = Path("data/processed")

_DUCK_TYPES = {
    "string": "VARCHAR",
    "int32": "INTEGER",
    "int8": "TINYINT",
    "double": "DOUBLE",
    "bool": "BOOLEAN",
}


@dataclass
class _Connection:
    stamp: tuple[int, ...]
    con: duckdb.DuckDBPyConnection
    derived: set[str] = field(default_factory=set)  # derived tables created in this connection


# Result columns of these types can be fetched as Arrow and converted to the frame ``.df()`` would give (same
# dtypes), without DuckDB building a Python object per string first (half the time of a large result); other types
# use ``.df()`` itself.
_INTEGERS = {
    "TINYINT": pd.Int8Dtype(),
    "SMALLINT": pd.Int16Dtype(),
    "INTEGER": pd.Int32Dtype(),
    "BIGINT": pd.Int64Dtype(),
    "UTINYINT": pd.UInt8Dtype(),
    "USMALLINT": pd.UInt16Dtype(),
    "UINTEGER": pd.UInt32Dtype(),
    "UBIGINT": pd.UInt64Dtype(),
    "BOOLEAN": pd.BooleanDtype(),
}
_ARROW_FETCHED = {"VARCHAR", "FLOAT", "DOUBLE", *_INTEGERS}

_lock = threading.Lock()
_derive_lock = threading.Lock()  # creating a derived table can take a while at scale: not under _lock
_connections: dict[Path, _Connection] = {}


def manifest_stamp(root: Path) -> tuple[int, int]:
    """Changes whenever the store does: the manifest's and its journal's modification times and sizes."""
    stamps = []
    for name in ("manifest.json", "manifest.journal"):
        try:
            st = (root / name).stat()
        except FileNotFoundError:
            continue
        stamps.append((st.st_mtime_ns, st.st_size))
    if not stamps:
        return (0, 0)
    return (max(m for m, _ in stamps), sum(n for _, n in stamps))


def _empty_observations_sql() -> str:
    cols = ", ".join(f"CAST(NULL AS {_DUCK_TYPES[str(f.type)]}) AS {f.name}" for f in model.SCHEMA)
    return f"SELECT {cols} WHERE false"


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _build(root: Path) -> duckdb.DuckDBPyConnection:
    store = Store(root)
    manifest = store.load_manifest()
    con = duckdb.connect(":memory:")
    con.execute("SET threads TO 2")
    # A part is never rewritten (new data get new file names), so its Parquet footer can be cached safely.
    con.execute("SET GLOBAL parquet_metadata_cache = true")
    parts = [root / p for p in manifest.live_parts()]
    if parts:
        files = ", ".join(_quote(p.resolve()) for p in parts)
        select = ", ".join(f.name for f in model.SCHEMA)
        con.execute(f"CREATE VIEW observations AS SELECT {select} FROM read_parquet([{files}], union_by_name = true)")
    else:
        con.execute(f"CREATE VIEW observations AS {_empty_observations_sql()}")
    if manifest.revisions:
        files = ", ".join(_quote((root / p).resolve()) for p in manifest.revisions)
        con.execute(f"CREATE VIEW revisions AS SELECT * FROM read_parquet([{files}], union_by_name = true)")
    else:
        con.register("_revisions_df", revisions.to_arrow(revisions.empty()))
        con.execute("CREATE TABLE revisions AS SELECT * FROM _revisions_df")
        con.unregister("_revisions_df")
    con.execute(
        """
        CREATE TABLE revised AS
        SELECT source, edition, reference_period, entity, indicator, new_value, new_value_status, revised_at,
               old_value AS was_value, old_value_status AS was_value_status, old_decimals AS was_decimals
        FROM revisions WHERE change = 'changed'
        QUALIFY row_number() OVER (
            PARTITION BY source, edition, reference_period, entity, indicator ORDER BY generation DESC) = 1
        """
    )
    for name, frame in (
        ("manifest", manifest.to_frame()),
        ("indicators", metadata.indicators_frame()),
        ("sources", metadata.sources_frame()),
    ):
        con.register(f"_{name}_df", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _{name}_df")
        con.unregister(f"_{name}_df")
    # One reference period per source, edition and indicator: the edition's headline (see Source in metadata).
    # Chosen once per store version (a table), not by every query on the view.
    con.execute(
        """
        CREATE TABLE headline_periods AS
        SELECT o.source, o.edition, o.indicator,
               CASE WHEN any_value(s.headline_reference_period) = 'widest'
                    THEN arg_max(o.reference_period, length(o.reference_period))
                    ELSE max(o.reference_period) END AS reference_period
        FROM observations o LEFT JOIN sources s USING (source)
        GROUP BY o.source, o.edition, o.indicator
        """
    )
    con.execute(f"CREATE VIEW marked AS SELECT o.*, {MARKER} FROM observations o {REVISED_JOIN}")
    con.execute(
        """
        CREATE VIEW headline AS
        SELECT m.* FROM marked m JOIN headline_periods USING (source, edition, indicator, reference_period)
        """
    )
    _survey_views(con, root)
    return con


# A figure's revision marker: the columns, and the join that finds them (on ``observations o``).
MARKER = "r.revised_at, r.was_value, r.was_value_status, r.was_decimals"
REVISED_JOIN = """
    LEFT JOIN revised r ON r.source = o.source AND r.edition = o.edition AND r.reference_period = o.reference_period
        AND r.entity = o.entity AND r.indicator = o.indicator
        AND r.new_value_status = o.value_status AND r.new_value IS NOT DISTINCT FROM o.value
"""


def _survey_views(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    for name, (files, frame) in SurveyFiles(root).duckdb_sources().items():
        if files:
            listed = ", ".join(_quote(p.resolve()) for p in files)
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{listed}], union_by_name = true)")
        else:
            con.register(f"_{name}_df", frame)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM _{name}_df")
            con.unregister(f"_{name}_df")


def _stamp(root: Path) -> tuple[int, ...]:
    """The ranking manifest's stamp and the survey store's (manifest and decisions)."""
    return manifest_stamp(root) + SurveyFiles(root).stamp()


def _connection(processed: Path | str) -> _Connection:
    root = Path(processed).resolve()
    stamp = _stamp(root)
    with _lock:
        cached = _connections.get(root)
        if cached is not None and cached.stamp == stamp:
            return cached
        con = _build(root)
        if cached is not None:
            cached.con.close()
        _connections[root] = _Connection(stamp, con)
        return _connections[root]


def connection(processed: Path | str = DEFAULT_PROCESSED) -> duckdb.DuckDBPyConnection:
    """The cached connection for a store, rebuilt when its manifest changed since it was built."""
    return _connection(processed).con


def _derive(cached: _Connection, tables: Mapping[str, str]) -> None:
    """Create the derived tables this connection does not hold yet (one thread at a time)."""
    missing = [name for name in tables if name not in cached.derived]
    if not missing:
        return
    with _derive_lock:
        for name in missing:
            if name not in cached.derived:
                cur = cached.con.cursor()
                try:
                    cur.execute(f"CREATE OR REPLACE TABLE {name} AS {tables[name]}")
                finally:
                    cur.close()
                cached.derived.add(name)


def query(
    sql: str,
    params: list[Any] | dict[str, Any] | None = None,
    processed: Path | str = DEFAULT_PROCESSED,
    register: dict[str, pd.DataFrame] | None = None,
    tables: Mapping[str, str] | None = None,
    *,
    arrow: bool = False,
) -> pd.DataFrame:
    """Run ``sql`` on its own cursor and return a DataFrame.

    ``register`` makes DataFrames visible to this one query under the given names. ``tables`` names the derived
    tables ``sql`` reads (name -> the SELECT that defines it); each is computed once per store version. ``arrow``
    fetches the result through Arrow (:func:`_frame`, the same frame): for results of thousands of rows, where it
    takes half the time; a result of a few rows costs about a millisecond more that way.
    """
    for attempt in (1, 2):
        try:
            cached = _connection(processed)
            _derive(cached, tables or {})
        except duckdb.IOException:
            # The store changed while the connection or a derived table was being built: build again, once.
            if attempt == 2:
                raise
            reset(processed)
            continue
        cur = cached.con.cursor()
        try:
            for name, frame in (register or {}).items():
                cur.register(name, frame)
            return _frame(cur.sql(sql, params=params)) if arrow else cur.execute(sql, params).df()
        except duckdb.IOException:
            # A part was removed by an ingest that finished after our connection was built: rebuild once.
            if attempt == 2:
                raise
            reset(processed)
        finally:
            cur.close()
    raise AssertionError("unreachable")


def _frame(result: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    """The result of a query as ``.df()`` gives it, fetched through Arrow where its column types allow.

    As ``.df()`` does: an integer or boolean column with a null becomes a nullable (masked) column, without one a
    NumPy column; a text column is pandas' string dtype, or object (``None``) when it holds no string at all.
    """
    names, kinds = result.columns, [str(t) for t in result.types]
    if len(set(names)) < len(names) or any(kind not in _ARROW_FETCHED for kind in kinds):
        return result.df()
    table = result.to_arrow_table()
    frame = table.to_pandas()
    for name, kind, column in zip(names, kinds, table.columns, strict=True):
        if kind == "VARCHAR" and column.null_count == len(column):  # no string at all (or no row)
            frame[name] = pd.Series([None] * len(column), dtype=object)
        elif kind in _INTEGERS and column.null_count:
            masked = _INTEGERS[kind]
            frame[name] = column.to_pandas(types_mapper=lambda _, masked=masked: masked)
    return frame


def reset(processed: Path | str | None = None) -> None:
    """Forget cached connections (all, or one store's)."""
    with _lock:
        keys = list(_connections) if processed is None else [Path(processed).resolve()]
        for key in keys:
            cached = _connections.pop(key, None)
            if cached is not None:
                cached.con.close()
