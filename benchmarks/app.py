"""Page reruns and the queries behind them, each measured in a fresh process (peak memory is per process).

``python -m benchmarks.app pages|queries <spec.json> <out.json>``: ``pages`` reruns every page of ``dashboard.py``
in Streamlit's AppTest (a rerun with nothing changed, after a warm-up) and records the calls each page makes to
:mod:`rankings.queries`; ``queries`` replays those calls on DuckDB over the Parquet store.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.harness import DASHBOARD, ROOT, rss_mb, summary, worker_main


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _replayable(args: list[Any]) -> tuple[Any, ...]:
    return tuple(tuple(a) if isinstance(a, list) else a for a in args)


def _call(fn: Callable[..., Any], call: list[Any], **extra: Any) -> Any:
    """Replay a recorded call ``[name, args, keyword arguments]`` on ``fn``."""
    options = {k: tuple(v) if isinstance(v, list) else v for k, v in (call[2] if len(call) > 2 else {}).items()}
    return fn(*_replayable(call[1]), **options, **extra)


def dashboard_pages() -> list[str]:
    """Every page file dashboard.py registers, in its order."""
    return list(dict.fromkeys(re.findall(r'"(pages/[a-z_]+\.py)"', DASHBOARD.read_text(encoding="utf-8"))))


def worker_pages(spec: dict[str, Any]) -> dict[str, Any]:
    """Rerun every page in AppTest: first visit, warm reruns, the queries each page makes; and the floor app."""
    os.environ["RANKINGS_PROCESSED"] = spec["store"]
    if spec.get("surveys"):
        os.environ["RANKINGS_SURVEYS"] = spec["surveys"]
    os.chdir(ROOT)
    start = time.perf_counter()
    import streamlit.testing.v1.app_test as app_test
    import streamlit.testing.v1.local_script_runner as local_script_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import AppTest

    from rankings import queries, ui

    imported_s = time.perf_counter() - start
    # A server compiles each page script once and keeps the bytecode; AppTest compiles them anew on every run
    # (20-50 ms a rerun here). Share one cache, as `streamlit run` does, so a rerun costs what it costs there.
    shared_cache = ScriptCache()
    local_script_runner.ScriptCache = lambda: shared_cache  # type: ignore[assignment,misc]
    app_test.ScriptCache = lambda: shared_cache  # type: ignore[assignment,misc]
    recording: list[list[Any]] | None = None

    def wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            if recording is not None:
                options = {k: _jsonable(v) for k, v in kwargs.items() if k != "processed"}
                recording.append([name, _jsonable(list(args)), options])
            return fn(*args, **kwargs)

        return recorded

    for name, fn in list(vars(queries).items()):
        if callable(fn) and getattr(fn, "__module__", None) == queries.__name__ and not name.startswith("_"):
            setattr(queries, name, wrap(name, fn))

    samples = int(spec["samples"])
    results: dict[str, Any] = {}
    first_app_run_s = None
    for page in spec["pages"]:
        at = AppTest.from_file(str(DASHBOARD), default_timeout=300)
        t0 = time.perf_counter()
        at.run()
        if first_app_run_s is None:
            first_app_run_s = time.perf_counter() - t0
        ui.forget_cached_data()
        at.switch_page(page)
        recording = []
        t0 = time.perf_counter()
        at.run()
        first_visit = time.perf_counter() - t0
        calls, recording = recording, None
        at.run()  # warm-up
        times = []
        for _ in range(samples):
            t0 = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - t0) * 1000)
        results[page] = {
            "first_visit_ms": first_visit * 1000,
            "rerun_ms": summary(times),
            "samples_ms": times,
            "charts": len(at.get("plotly_chart")),
            "exception": [str(e.message)[:300] for e in at.exception],
            "queries": calls,
        }
    current, peak = rss_mb()
    return {
        "imports_s": imported_s,
        "first_app_run_s": first_app_run_s,
        "pages": results,
        "rss_mb": current,
        "peak_rss_mb": peak,
    }


def worker_queries(spec: dict[str, Any]) -> dict[str, Any]:
    """Replay each page's recorded queries on DuckDB: cold (new connection) and warm (p50/p95)."""
    store = Path(spec["store"])
    samples = int(spec["samples"])
    calls: dict[str, list[list[Any]]] = spec["calls"]
    from rankings import db, queries

    def run_page(page: str) -> list[Any]:
        return [_call(getattr(queries, call[0]), call, processed=store) for call in calls[page]]

    db.reset()
    t0 = time.perf_counter()
    db.connection(store)
    build_ms = (time.perf_counter() - t0) * 1000
    results: dict[str, Any] = {}
    answers: dict[str, list[Any]] = {}
    for page in calls:
        db.reset()
        t0 = time.perf_counter()
        answers[page] = run_page(page)
        cold = (time.perf_counter() - t0) * 1000
        run_page(page)  # warm-up
        times = []
        for _ in range(samples):
            t0 = time.perf_counter()
            run_page(page)
            times.append((time.perf_counter() - t0) * 1000)
        results[page] = {"calls": len(calls[page]), "cold_ms": cold, "duckdb_ms": summary(times)}
    out: dict[str, Any] = {"connection_build_ms": build_ms, "pages": results}
    out["peak_rss_mb"] = rss_mb()[1]
    return out


WORKERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {"pages": worker_pages, "queries": worker_queries}

if __name__ == "__main__":
    worker_main(WORKERS[sys.argv[1]])
