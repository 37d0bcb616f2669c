"""Synthetic stores and raw folders of ten and a hundred times today's size, grown from the real store.

A store grows in editions (shifted by a hundred years per copy), indicators (``<id>_x<i>``) and countries
(``<ISO3><c>``), generated with pyarrow and written through :class:`rankings.store.Store`. A raw folder grows by
ranking-template CSV files with (factor - 1) times the real observations under other source ids: the publishers'
own layouts cannot be grown without inventing files in their formats, and more rankings in the template layout is
how the raw folder grows in practice.
"""

from __future__ import annotations

import hashlib
import math
import re
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.harness import folder_mb


def scale_axes(factor: float) -> tuple[int, int, float]:
    """How a store grows ``factor`` times: (edition copies, indicator copies, country copies, maybe fractional)."""
    if factor <= 1:
        return 1, 1, 1.0
    editions = max(1, round(factor ** (1 / 3)))
    indicators = max(1, round(math.sqrt(factor / editions)))
    return editions, indicators, factor / (editions * indicators)


def _remap(column: Any, fn: Callable[[str], str]) -> Any:
    """A string column with ``fn`` applied to each distinct value (nulls stay null), without a loop over rows."""
    import pyarrow as pa

    encoded = column.combine_chunks().dictionary_encode() if hasattr(column, "combine_chunks") else column
    encoded = encoded if isinstance(encoded, pa.DictionaryArray) else encoded.dictionary_encode()
    values = pa.array([fn(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return pa.DictionaryArray.from_arrays(encoded.indices, values).cast(pa.string())


_YEAR = re.compile(r"\d{4}")


def _shift_years(text: str, years: int) -> str:
    return _YEAR.sub(lambda m: str(int(m.group()) + years), text)


def _replace(table: Any, name: str, column: Any) -> Any:
    """``table`` with column ``name`` replaced (same field: name, type and nullability)."""
    index = table.schema.get_field_index(name)
    return table.set_column(index, table.schema.field(index), column)


def _grow(table: Any, indicator_copies: int, country_copies: float, country_order: list[str]) -> Any:
    """``table`` with its indicators copied (``<id>_x<i>``) and its countries copied (``<ISO3><c>``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    full = math.floor(country_copies)
    partial = country_copies - full
    pieces = []
    for c in range(math.ceil(country_copies - 1e-9)):
        if c == 0:
            sub = table
        else:
            if c >= full and partial > 0:
                keep = pa.array(country_order[: round(partial * len(country_order))], pa.string())
                sub = table.filter(pc.is_in(table["iso3"], value_set=keep))
            else:
                sub = table
            sub = _replace(sub, "iso3", _remap(sub["iso3"], lambda v, c=c: f"{v}{c}"))
            sub = _replace(sub, "entity", _remap(sub["entity"], lambda v, c=c: f"{v} ({c + 1})"))
        for i in range(indicator_copies):
            if i == 0:
                pieces.append(sub)
                continue

            def rename(v: str, i: int = i) -> str:
                base, sep, series = v.partition("__")
                return f"{base}_x{i}{sep}{series}"

            pieces.append(_replace(sub, "indicator", _remap(sub["indicator"], rename)))
    return pa.concat_tables(pieces)


def synthetic_store(base: Path, dest: Path, factor: float) -> dict[str, Any]:
    """A store ``factor`` times the size of ``base``: more editions, indicators and countries, same layout.

    Generated from the real observations with pyarrow (editions shifted by a hundred years per copy, indicator
    ids suffixed ``_x<i>``, countries ``<ISO3><c>``) and written through :class:`rankings.store.Store`: one
    synthetic raw file per real file and edition copy, its parts, and the manifest.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from rankings import model
    from rankings.store import FileEntry, Manifest, Store

    start = time.perf_counter()
    editions, indicators, country_copies = scale_axes(factor)
    source = Store(base)
    manifest = source.load_manifest()
    shutil.rmtree(dest, ignore_errors=True)
    out_store, out = Store(dest), Manifest()
    tables = {
        rel: pa.concat_tables([pq.read_table(base / p, schema=model.SCHEMA) for p in entry.parts])
        for rel, entry in sorted(manifest.files.items())
        if entry.status in {"stored", "failed"} and entry.parts
    }
    countries = sorted({c for t in tables.values() for c in t["iso3"].drop_null().unique().to_pylist()})
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    dtypes = {
        pa.string(): pd.StringDtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int8(): pd.Int8Dtype(),
        pa.float64(): pd.Float64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }
    rows = 0
    for rel, table in tables.items():
        entry = manifest.files[rel]
        grown = _grow(table, indicators, country_copies, countries)
        for j in range(editions):
            path = rel if j == 0 else f"synthetic/e{j}/{rel}"
            sha = hashlib.sha256(f"{path}:{factor}".encode()).hexdigest()
            t = grown
            if j:
                t = _replace(t, "edition", pc.add(t["edition"], pa.scalar(100 * j, pa.int32())))
                t = _replace(
                    t, "reference_period", _remap(t["reference_period"], lambda v, j=j: _shift_years(v, 100 * j))
                )
            t = _replace(t, "source_file", pa.repeat(pa.scalar(path, pa.string()), len(t)))
            t = _replace(t, "file_sha256", pa.repeat(pa.scalar(sha, pa.string()), len(t)))
            frame = t.to_pandas(types_mapper=dtypes.get)
            parts = out_store.write_parts(frame)
            rows += len(t)
            out.files[path] = FileEntry(
                path=path,
                sha256=sha,
                size=entry.size,
                status="stored",
                message="synthetic (benchmark)",
                source=entry.source,
                layout=entry.layout,
                editions=sorted(int(e) for e in pc.unique(t["edition"]).to_pylist()),
                reference_periods=sorted(pc.unique(t["reference_period"]).to_pylist()),
                rows=len(t),
                ingested_at=now,
                is_demo=entry.is_demo,
                parts=parts,
                stored_sha256=sha,
                stored_at=now,
                fingerprint="synthetic",
            )
    out_store.save_manifest(out)
    return {
        "factor": factor,
        "edition_copies": editions,
        "indicator_copies": indicators,
        "country_copies": round(country_copies, 3),
        "rows": rows,
        "files": len(out.files),
        "parts": len(out.live_parts()),
        "store_mb": folder_mb(dest),
        "generated_s": time.perf_counter() - start,
    }


def _template_id(indicator: str) -> str:
    """An indicator id the ranking template accepts (lower case, at most 60 characters, still unique)."""
    text = indicator.lower()
    return text if len(text) <= 60 else f"{text[:51]}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"


def synthetic_raw(raw: Path, base_store: Path, dest: Path, factor: float) -> dict[str, Any]:
    """A raw folder ``factor`` times the real one: the real files, plus (factor - 1) times their observations as
    ranking-template CSV files under source ids ``s<j>_<source>`` (one file per copy and real file)."""
    import pandas as pd

    from rankings.store import Store

    start = time.perf_counter()
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for path in raw.rglob("*"):
        if path.is_file():
            target = dest / "real" / path.relative_to(raw)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    store = Store(base_store)
    manifest = store.load_manifest()
    copies = max(0, round(factor) - 1)
    rows = 0
    files = 0
    for rel, entry in sorted(manifest.files.items()):
        if entry.status != "stored" or not entry.parts:
            continue
        obs = store.read_parts(entry.parts)
        obs = obs[~obs["is_aggregate"]]
        template = pd.DataFrame(
            {
                "edition": obs["edition"].astype(int),
                "reference_period": obs["reference_period"],
                "country": obs["iso3"],
                "indicator": obs["indicator"].map(_template_id),
                "value": obs["value"].astype("float64"),
                "rank": obs["rank"],
                "unit": "score",
                "higher_is_better": "true",
            }
        )
        for j in range(1, copies + 1):
            for source, part in template.groupby(obs["source"]):
                frame = part.copy()
                frame.insert(0, "source", f"s{j}_{source}")
                frame["citation"] = f"Synthetic copy {j} of {rel} (benchmark)"
                target = dest / "synthetic" / f"copy{j:03d}" / f"{Path(rel).stem}-{source}.csv"
                target.parent.mkdir(parents=True, exist_ok=True)
                frame.to_csv(target, index=False)
                rows += len(frame)
                files += 1
    return {
        "factor": factor,
        "template_files": files,
        "template_rows": rows,
        "raw_mb": folder_mb(dest),
        "generated_s": time.perf_counter() - start,
    }
