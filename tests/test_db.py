"""The DuckDB module: views over the live parts, one cursor per query, refreshed when the store changes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from conftest import UN_HEADER
from rankings import db, ingest, model

DK = '2024,"Denmark ",1,0.98470,1.00000,0.99800,0.95760,0.99850'
EE = '2024,"Estonia ",2,0.97270,0.98630,1.00000,0.92900,0.98910'


def make_store(tmp_path, *rows: str):
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    (raw / "un.csv").write_text("\n".join([UN_HEADER, *rows]) + "\n")
    ingest.ingest(raw, tmp_path / "p")
    return tmp_path / "p"


def test_views_exist_on_an_empty_store(tmp_path):
    for view in ("observations", "manifest", "indicators", "sources"):
        db.query(f"SELECT * FROM {view}", processed=tmp_path / "empty")
    cols = db.query("SELECT * FROM observations", processed=tmp_path / "empty").columns.tolist()
    assert cols == model.COLUMNS


def test_the_view_follows_a_new_ingest_without_a_restart(tmp_path):
    processed = make_store(tmp_path, DK)
    assert len(db.query("SELECT * FROM observations", processed=processed)) == 5
    make_store(tmp_path, DK, EE)
    assert len(db.query("SELECT * FROM observations", processed=processed)) == 10


def test_parameters_and_registered_frames(tmp_path):
    import pandas as pd

    processed = make_store(tmp_path, DK, EE)
    got = db.query("SELECT entity FROM observations WHERE iso3 = ? AND indicator = 'egdi'", ["EST"], processed)
    assert got["entity"].tolist() == ["Estonia"]
    wanted = pd.DataFrame({"iso3": ["DNK"]})
    got = db.query(
        "SELECT count(*) AS n FROM observations JOIN wanted USING (iso3)",
        processed=processed,
        register={"wanted": wanted},
    )
    assert got["n"][0] == 5


def test_concurrent_queries_from_threads(tmp_path):
    processed = make_store(tmp_path, DK, EE)

    def ask(i: int) -> int:
        return len(db.query("SELECT * FROM observations WHERE rank <= ?", [1 + i % 2], processed))

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(ask, range(64)))
    # Ranks 1 (published for the EGDI, computed for the sub-indices): four Danish, one Estonian (OSI).
    assert set(results) == {5, 10}


def test_results_are_the_frames_duckdb_gives():
    """Results fetched through Arrow have the values and dtypes of DuckDB's own ``.df()`` (nulls, no rows)."""
    import duckdb
    import pandas as pd

    con = duckdb.connect()
    select = (
        "SELECT * FROM (VALUES (1::INTEGER, 's', true, 1::TINYINT, 1.5::DOUBLE, 2::BIGINT, 1::UTINYINT, NULL::VARCHAR),"
        " (NULL, NULL, NULL, NULL, NULL, 3, 2, NULL)) t(i, s, b, ti, d, big, u, none)"
    )
    for sql in (select, select + " WHERE i = 1", select + " WHERE false", "SELECT [1, 2] AS l, 'x' AS s"):
        got, want = db._frame(con.sql(sql)), con.sql(sql).df()
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert got.dtypes.tolist() == want.dtypes.tolist()
