"""Parts are sorted by country in small row groups, so a one-country query can skip the others."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from rankings import store as store_mod
from rankings.ingest import ingest
from rankings.store import Store


def test_parts_sorted_by_country_in_row_groups(tmp_path: Path, un_csv, monkeypatch) -> None:
    # Countries deliberately out of order in the file.
    names = ["Sweden", "Denmark", "Finland", "Estonia", "Norway", "Iceland"]
    rows = [["2024", n, str(i + 1), f"0.9{i}", "0.8", "0.7", "0.6", "0.5"] for i, n in enumerate(names)]
    un_csv(rows)
    raw = tmp_path / "raw"
    monkeypatch.setattr(store_mod, "ROW_GROUP_ROWS", 8)
    processed = tmp_path / "processed"
    ingest(raw, processed)
    manifest = Store(processed).load_manifest()
    parts = manifest.live_parts()
    assert parts
    for part in parts:
        pf = pq.ParquetFile(processed / part)
        iso3 = [c for c in pf.read(columns=["iso3"]).column("iso3").to_pylist() if c is not None]
        assert iso3 == sorted(iso3)
        if pf.metadata.num_rows > 8:
            assert pf.metadata.num_row_groups > 1
        assert all(pf.metadata.row_group(i).num_rows <= 8 for i in range(pf.metadata.num_row_groups))
