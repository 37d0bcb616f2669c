"""The one module that talks to DuckDB.

One in-memory DuckDB connection per store, cached and rebuilt only when the store's manifest changes; every
query runs on its own cursor (DuckDB cursors are separate connections to the same database, so threads never
share one). The views:

- ``observations``: every live Parquet part of the store (the tidy data contract);
- ``manifest``: the ingested raw files;
- ``indicators``, ``sources``: the reviewed metadata;
- ``headline``: ``observations`` with one reference period per source, edition and indicator, the edition's
  headline one (an edition may also carry other periods, e.g. DESI recalculates earlier years);
- ``submissions``, ``questions``, ``answers``, ``survey_flags``, ``decisions``: the survey store
  (:mod:`rankings.survey.store`; questions, answers and flags of the current version of each submission).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from rankings import metadata, model
from rankings.store import Store

DEFAULT_PROCESSED = Path("data/processed")

_DUCK_TYPES = {
    "string": "VARCHAR",
    "int32": "INTEGER",
    "int8": "TINYINT",
    "double": "DOUBLE",
    "bool": "BOOLEAN",
}

_lock = threading.Lock()
_connections: dict[Path, tuple[tuple[int, ...], duckdb.DuckDBPyConnection]] = {}


def manifest_stamp(root: Path) -> tuple[int, int]:
    try:
        st = (root / "manifest.json").stat()
    except FileNotFoundError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


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
    parts = [root / p for p in manifest.live_parts()]
    if parts:
        files = ", ".join(_quote(p.resolve()) for p in parts)
        select = ", ".join(f.name for f in model.SCHEMA)
        con.execute(f"CREATE VIEW observations AS SELECT {select} FROM read_parquet([{files}], union_by_name = true)")
    else:
        con.execute(f"CREATE VIEW observations AS {_empty_observations_sql()}")
    for name, frame in (
        ("manifest", manifest.to_frame()),
        ("indicators", metadata.indicators_frame()),
        ("sources", metadata.sources_frame()),
    ):
        con.register(f"_{name}_df", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _{name}_df")
        con.unregister(f"_{name}_df")
    # One reference period per source, edition and indicator: the edition's headline (see Source in metadata).
    con.execute(
        """
        CREATE VIEW headline AS
        WITH chosen AS (
          SELECT o.source, o.edition, o.indicator,
                 CASE WHEN any_value(s.headline_reference_period) = 'widest'
                      THEN arg_max(o.reference_period, length(o.reference_period))
                      ELSE max(o.reference_period) END AS reference_period
          FROM observations o LEFT JOIN sources s USING (source)
          GROUP BY o.source, o.edition, o.indicator
        )
        SELECT o.* FROM observations o JOIN chosen USING (source, edition, indicator, reference_period)
        """
    )
    _survey_views(con, root)
    return con


def _survey_views(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    from rankings.survey.store import SurveyStore

    for name, (files, frame) in SurveyStore(root).duckdb_sources().items():
        if files:
            listed = ", ".join(_quote(p.resolve()) for p in files)
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{listed}], union_by_name = true)")
        else:
            con.register(f"_{name}_df", frame)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM _{name}_df")
            con.unregister(f"_{name}_df")


def _stamp(root: Path) -> tuple[int, ...]:
    """The ranking manifest's stamp and the survey store's (manifest and decisions)."""
    from rankings.survey.store import SurveyStore

    return manifest_stamp(root) + SurveyStore(root).stamp()


def connection(processed: Path | str = DEFAULT_PROCESSED) -> duckdb.DuckDBPyConnection:
    """The cached connection for a store, rebuilt when its manifest changed since it was built."""
    root = Path(processed).resolve()
    stamp = _stamp(root)
    with _lock:
        cached = _connections.get(root)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        con = _build(root)
        if cached is not None:
            cached[1].close()
        _connections[root] = (stamp, con)
        return con


def query(
    sql: str,
    params: list[Any] | dict[str, Any] | None = None,
    processed: Path | str = DEFAULT_PROCESSED,
    register: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Run ``sql`` on its own cursor and return a DataFrame.

    ``register`` makes DataFrames visible to this one query under the given names.
    """
    for attempt in (1, 2):
        cur = connection(processed).cursor()
        try:
            for name, frame in (register or {}).items():
                cur.register(name, frame)
            return cur.execute(sql, params).df()
        except duckdb.IOException:
            # A part was removed by an ingest that finished after our connection was built: rebuild once.
            if attempt == 2:
                raise
            reset(processed)
        finally:
            cur.close()
    raise AssertionError("unreachable")


def reset(processed: Path | str | None = None) -> None:
    """Forget cached connections (all, or one store's)."""
    with _lock:
        keys = list(_connections) if processed is None else [Path(processed).resolve()]
        for key in keys:
            cached = _connections.pop(key, None)
            if cached is not None:
                cached[1].close()
