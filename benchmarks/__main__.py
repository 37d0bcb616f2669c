"""``python -m benchmarks`` (``make bench``): how fast the tool is, beside what it is judged against.

Sections (``--only``): ``ingest`` (cold ingest against a bare pandas read of the same files, and an unchanged
re-ingest), ``pages`` (every page's rerun and the queries behind it, on the real store), ``scale`` (the same on
synthetic stores of 10x and 100x, and the ingest of a grown raw folder), ``browser`` (the home page's first paint
against a bare one-chart Streamlit page, and the app's peak memory at the largest scale) and ``briefing`` (the
briefing command, PDF and PowerPoint). Prints one table of targets, then a table per section, and writes both as
JSON and Markdown to ``bench-results/``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import browser, harness, ingest, scale
from benchmarks.app import dashboard_pages
from benchmarks.harness import REALDATA, chromium_available, repeat_process, run_worker

SECTIONS = ("ingest", "pages", "scale", "browser", "briefing")


@dataclass(frozen=True)
class Target:
    id: str
    what: str
    limit: float
    unit: str  # "x" for ratios, "ms", "s", "MB"


TARGETS = [
    Target("ingest", "cold ingest of the raw folder / bare pandas (calamine) read of the same files", 2.5, "x"),
    Target("pages_1x", "page rerun (median), slowest page, real size", 150, "ms"),
    Target("queries_100x", "queries p95, slowest page, 100x", 250, "ms"),
    Target("pages_100x", "page rerun (median), slowest page, 100x", 500, "ms"),
    Target("memory_100x", "app's peak memory, every page opened, 100x", 500, "MB"),
    Target("browser", "home page first paint / bare one-chart Streamlit page", 1.2, "x"),
    Target("briefing", "briefing command (whole process), slower of PDF and PowerPoint", 5, "s"),
]


def _default_raw(work: Path) -> tuple[Path, str]:
    if REALDATA.is_dir() and any(REALDATA.rglob("*.csv")):
        return REALDATA, "real"
    from rankings import demo

    demo.write_demo(work / "demo-raw")
    return work / "demo-raw", "demo"


def _pages_and_queries(store: Path, surveys: Path, pages: list[str], samples: int, work: Path) -> dict[str, Any]:
    reruns = run_worker(
        "pages", {"store": str(store), "surveys": str(surveys), "pages": pages, "samples": samples}, work
    )
    calls = {page: r["queries"] for page, r in reruns["pages"].items()}
    replay = run_worker("queries", {"store": str(store), "calls": calls, "samples": samples}, work)
    return {"pages": reruns, "queries": replay}


def bench_briefing(store: Path, work: Path, repeat: int) -> dict[str, Any]:
    from rankings import db

    countries = db.query("SELECT DISTINCT iso3 FROM observations WHERE NOT is_aggregate", processed=store)["iso3"]
    counterpart = "EST" if "EST" in set(countries) else sorted(c for c in countries if c != "DNK")[0]
    out: dict[str, Any] = {"counterpart": counterpart}
    for fmt in ("pdf", "pptx"):
        target = work / f"briefing.{fmt}"
        cmd = [sys.executable, "-m", "rankings", "briefing", "--country", counterpart, "--language", "da"]
        run = repeat_process([*cmd, "--format", fmt, "--out", str(target), "--processed", str(store)], repeat)
        if run["returncode"] != 0:
            raise RuntimeError(f"the briefing command failed: {run['error']}")
        out[fmt] = {**run, "bytes": target.stat().st_size}
    return out


def run(args: argparse.Namespace, log: Any) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="rankings-bench-"))
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": harness.machine(),
        "settings": {"repeat": args.repeat, "samples": args.samples, "scales": args.scales},
    }
    try:
        raw, kind = (args.raw.resolve(), "given") if args.raw else _default_raw(work)
        results["raw"] = {"folder": str(raw), "kind": kind}
        from rankings import ingest as ingest_module
        from rankings.survey import demo as survey_demo

        surveys = work / "surveys"
        survey_demo.write(surveys)
        pages = dashboard_pages()
        real_store = work / "store-real"
        log(f"ingesting {raw} into the benchmark's store")
        ingest_module.ingest(raw, real_store)
        if "ingest" in args.only:
            log("ingest: cold ingest and bare read, in turn; unchanged re-ingest")
            results["ingest"] = ingest.bench_ingest(raw, work, args.repeat)
        if "pages" in args.only:
            log("pages: reruns and queries on the real store")
            results["pages"] = _pages_and_queries(real_store, surveys, pages, args.samples, work / "workers")
        if "scale" in args.only:
            results["scale"] = {}
            for factor in args.scales:
                label = f"{factor:g}x"
                log(f"scale {label}: synthetic store, reruns and queries")
                store = work / f"store-{label}"
                entry = {"store": scale.synthetic_store(real_store, store, factor)}
                entry |= _pages_and_queries(store, surveys, pages, args.samples, work / "workers")
                if factor in args.ingest_scales:
                    log(f"scale {label}: ingest of a grown raw folder")
                    folder, target = work / f"raw-{label}", work / f"ingested-{label}"
                    entry["raw"] = scale.synthetic_raw(raw, real_store, folder, factor)
                    cmd = [sys.executable, "-m", "rankings", "ingest", "--raw", str(folder), "--quiet"]
                    cmd += ["--processed", str(target)]
                    entry["ingest_cold"] = repeat_process(cmd, 1)
                    entry["ingest_unchanged"] = repeat_process(cmd, 1)
                    shutil.rmtree(folder, ignore_errors=True)
                    shutil.rmtree(target, ignore_errors=True)
                results["scale"][label] = entry
        if "browser" in args.only:
            if not chromium_available():
                results["browser"] = {"skipped": f"Chromium is not installed ({harness.CHROMIUM})"}
            else:
                log("browser: first paint of the home page and of a bare page, in turn")
                results["browser"] = browser.first_paint(real_store, surveys, args.samples, work)
                biggest = work / f"store-{max(args.scales):g}x"
                if "scale" in args.only and biggest.exists():
                    log("browser: every page opened at the largest scale, the app's peak memory")
                    memory = browser.app_memory(biggest, surveys, pages, work)
                    results["browser"]["app_memory"] = {"scale": f"{max(args.scales):g}x", **memory}
        if "briefing" in args.only:
            log("briefing: the command, PDF and PowerPoint")
            results["briefing"] = bench_briefing(real_store, work, args.repeat)
    finally:
        results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        results["targets"] = evaluate(results)
        shutil.rmtree(work, ignore_errors=True)
    return results


def _slowest(section: dict[str, Any] | None, kind: str, stat: str) -> tuple[float | None, str]:
    if not section:
        return None, ""
    figures = {p: r["rerun_ms" if kind == "pages" else "duckdb_ms"][stat] for p, r in section[kind]["pages"].items()}
    page = max(figures, key=lambda p: figures[p])
    errors = [p for p, r in section["pages"]["pages"].items() if r["exception"]]
    return figures[page], f"{page}" + (f"; errors on {', '.join(errors)}" if errors else "")


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target against its figure (None when its section did not run)."""
    top = results.get("scale", {}).get("100x")
    ing, br, bf = results.get("ingest"), results.get("browser") or {}, results.get("briefing")
    memory = br.get("app_memory", {})
    measured: dict[str, tuple[float | None, str]] = {
        "ingest": (
            ing and ing["ratio_cold_to_bare"],
            ing and f"{ing['cold_s']['median']:.2f} s against {ing['bare_read_s']['median']:.2f} s",
        ),
        "pages_1x": _slowest(results.get("pages"), "pages", "median"),
        "queries_100x": _slowest(top, "queries", "p95"),
        "pages_100x": _slowest(top, "pages", "median"),
        "memory_100x": (
            memory.get("server_peak_rss_mb") if memory.get("scale") == "100x" else None,
            "streamlit run, every page opened in Chromium",
        ),
        "browser": (
            br.get("ratio"),
            br.get("ratio") and f"{br['home_ms']['median']:,.0f} ms against {br['bare_ms']['median']:,.0f} ms",
        ),
        "briefing": (
            bf and max(bf[f]["wall_s"]["median"] for f in ("pdf", "pptx")),
            bf and f"PDF {bf['pdf']['wall_s']['median']:.2f} s, PowerPoint {bf['pptx']['wall_s']['median']:.2f} s",
        ),
    }
    out = []
    for t in TARGETS:
        value, detail = measured[t.id]
        row: dict[str, Any] = {"id": t.id, "what": t.what, "limit": t.limit, "unit": t.unit, "measured": value}
        row["pass"] = None if value is None else value <= t.limit
        row["detail"] = detail or br.get("skipped", "")
        out.append(row)
    return out


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}x" if unit == "x" else f"{value:.2f} s" if unit == "s" else f"{value:,.0f} {unit}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def report(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"# Benchmark {results['started']}",
        "",
        f"{m['cpu']}, {m['cpus']} CPUs, {m['memory_gb']} GB, Python {m['python']}, commit {m['commit']}, load "
        f"{', '.join(f'{x:.1f}' for x in m['load_average'])}. Raw folder: {results.get('raw', {}).get('kind')}. "
        f"Medians of {results['settings']['repeat']} processes or {results['settings']['samples']} samples.",
        "",
    ]
    rows = []
    for t in results["targets"]:
        verdict = "not run" if t["pass"] is None else "pass" if t["pass"] else "FAIL"
        rows.append([t["what"], _fmt(t["limit"], t["unit"]), _fmt(t["measured"], t["unit"]), verdict, t["detail"]])
    lines += _table(["target", "limit", "measured", "result", "detail"], rows)
    if ing := results.get("ingest"):
        lines += ["", f"## Ingest ({ing['files']} files; statuses {ing['statuses']})", ""]
        lines += _table(
            ["whole process", "median", "p95", "peak RSS"],
            [
                ["cold ingest", _fmt(ing["cold_s"]["median"], "s"), _fmt(ing["cold_s"]["p95"], "s"),
                 f"{ing['cold_peak_mb']:.0f} MB"],
                ["bare read, pandas + calamine", _fmt(ing["bare_read_s"]["median"], "s"),
                 _fmt(ing["bare_read_s"]["p95"], "s"), ""],
                ["unchanged re-ingest", _fmt(ing["unchanged_s"]["median"], "s"), _fmt(ing["unchanged_s"]["p95"], "s"),
                 ""],
            ],
        )  # fmt: skip
    stores = {"real": results["pages"]} if results.get("pages") else {}
    stores |= results.get("scale", {})
    if stores:
        lines += ["", "## Pages: rerun p50 / p95 and their queries' p95 (AppTest; DuckDB replay)", ""]
        pages = list(next(iter(stores.values()))["pages"]["pages"])
        rows = []
        for page in pages:
            cells = [page]
            for e in stores.values():
                r, q = e["pages"]["pages"][page], e["queries"]["pages"][page]
                cells.append(
                    f"{r['rerun_ms']['median']:.0f} / {r['rerun_ms']['p95']:.0f} ms; "
                    f"queries {q['duckdb_ms']['p95']:.0f} ms" + (" (error)" if r["exception"] else "")
                )
            rows.append(cells)
        rows.append(
            ["AppTest process peak RSS", *(f"{e['pages']['process']['peak_mb']:.0f} MB" for e in stores.values())]
        )
        lines += _table(["page", *stores], rows)
    for label, e in results.get("scale", {}).items():
        s = e["store"]
        text = f"{label}: {s['rows']:,} observations in {s['parts']} parts, {s['store_mb']:.1f} MB"
        if "ingest_cold" in e:
            text += (
                f"; ingest of {e['raw']['template_files']} more template files ({e['raw']['template_rows']:,} rows): "
                f"cold {e['ingest_cold']['wall_s']['median']:.1f} s, "
                f"unchanged {e['ingest_unchanged']['wall_s']['median']:.1f} s"
            )
        lines += ["", text + "."]
    if (b := results.get("browser")) and "skipped" not in b:
        lines += ["", "## Browser", "", f"First paint: home {b['home_ms']['median']:,.0f} ms (p95 "
                  f"{b['home_ms']['p95']:,.0f}), bare one-chart page {b['bare_ms']['median']:,.0f} ms (p95 "
                  f"{b['bare_ms']['p95']:,.0f})."]  # fmt: skip
        if am := b.get("app_memory"):
            opened = ", ".join(f"{k} {v:,.0f} ms" for k, v in am["page_open_ms"].items())
            lines.append(f"At {am['scale']}, every page opened ({opened}): peak RSS {am['server_peak_rss_mb']:.0f} MB.")
    if bf := results.get("briefing"):
        lines += ["", f"## Briefing (Denmark and {bf['counterpart']}, Danish)", ""]
        lines += _table(
            ["format", "median", "peak RSS", "size"],
            [[f, _fmt(bf[f]["wall_s"]["median"], "s"), f"{bf[f]['peak_mb']:.0f} MB", f"{bf[f]['bytes'] / 1024:.0f} KB"]
             for f in ("pdf", "pptx")],
        )  # fmt: skip
    return "\n".join(lines) + "\n"


def _scales(text: str) -> list[float]:
    try:
        scales = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of numbers") from None
    if not scales or any(s < 1 for s in scales):
        raise argparse.ArgumentTypeError("scales are numbers of at least 1, e.g. 1,10,100")
    return scales


def _sections(text: str) -> set[str]:
    chosen = {s.strip() for s in text.split(",") if s.strip()}
    if unknown := chosen - set(SECTIONS):
        raise argparse.ArgumentTypeError(f"unknown sections {', '.join(sorted(unknown))}; choose from {SECTIONS}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", type=Path, help="raw folder (default: ../shared/realdata, else the demo files)")
    parser.add_argument("--out", type=Path, default=Path("bench-results"), help="results folder")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each whole process (default 5)")
    parser.add_argument("--samples", type=int, default=20, help="samples of each rerun, query and visit")
    parser.add_argument("--scales", type=_scales, default=[1.0, 10.0, 100.0], help="synthetic store sizes")
    parser.add_argument("--ingest-scales", type=_scales, default=[100.0], help="scales at which to time the ingest")
    parser.add_argument("--only", type=_sections, default=set(SECTIONS), help=f"sections, from {', '.join(SECTIONS)}")
    parser.add_argument("--quick", action="store_true", help="one run, three samples, 1x only, no browser (~1 min)")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat, args.samples, args.scales, args.ingest_scales = 1, 3, [1.0], [1.0]
        args.only = args.only - {"browser"}
    if args.raw is not None and not args.raw.is_dir():
        parser.error(f"raw folder {args.raw} does not exist")
    results = run(args, lambda msg: print(msg, file=sys.stderr, flush=True))
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = results["started"].replace(":", "").replace("-", "").replace("+0000", "")
    (args.out / f"bench-{stamp}.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    (args.out / f"bench-{stamp}.md").write_text(report(results), encoding="utf-8")
    print(report(results))
    print(f"written: {args.out}/bench-{stamp}.json and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
