"""``python -m rankings``: ingest raw files, query the store, write demo data.

Exit codes: 0 success; 1 when a file failed (ingest) or a query failed; 2 for usage errors and unreadable input.
Bad input is reported as one line per file, never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rankings.errors import InputError, StoreError
from rankings.survey import cli as survey_cli

DEFAULT_RAW = Path("data/raw")
DEFAULT_PROCESSED = Path("data/processed")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rankings",
        description="Digital-government rankings: ingest published files and survey answers, query the store.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "ingest",
        help="read every raw file into the Parquet store",
        description="Find every file under the raw folder, detect its source and edition from its content, "
        "validate it and store it. Unchanged files are skipped by checksum.",
    )
    p.add_argument("--raw", type=Path, default=DEFAULT_RAW, help="raw folder (default: %(default)s)")
    p.add_argument("--processed", type=Path, default=DEFAULT_PROCESSED, help="store folder (default: %(default)s)")
    p.add_argument("--force", action="store_true", help="re-read files even when their checksum is unchanged")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser(
        "revisions",
        help="list the figures publishers revised (corrected files that replaced stored ones), newest first",
        description="Every figure a corrected file changed, added or removed when it replaced a stored version of "
        "the same edition: country, indicator, old and new value (as published), rank, the two files and when.",
    )
    p.add_argument("--processed", type=Path, default=DEFAULT_PROCESSED, help="store folder (default: %(default)s)")
    p.add_argument("--source", metavar="ID", help="only this source, e.g. un_egov")
    p.add_argument("--edition", type=int, metavar="N", help="only this edition, e.g. 2022")
    p.add_argument("--country", metavar="ISO3", help="only this country, e.g. DNK")
    p.add_argument("--csv", action="store_true", help="print the whole records as CSV")

    p = sub.add_parser(
        "query",
        help="run SQL on the store's DuckDB views and print CSV",
        description="Run one SQL statement on the views observations, manifest, indicators and sources; "
        "the result is printed as CSV.",
    )
    p.add_argument("sql", help="e.g. \"SELECT * FROM observations WHERE iso3 = 'DNK'\"")
    p.add_argument("--processed", type=Path, default=DEFAULT_PROCESSED, help="store folder (default: %(default)s)")

    p = sub.add_parser(
        "demo",
        help="write the demo raw files (fictitious values in the publishers' layouts)",
        description="Write the generated demo files under RAW/demo/. They are never stored beside official "
        "files: once an official file is in the raw folder, ingest skips them.",
    )
    p.add_argument("--raw", type=Path, default=DEFAULT_RAW, help="raw folder (default: %(default)s)")
    p.add_argument(
        "--if-empty",
        action="store_true",
        help="only when the raw folder holds no data file yet (used by the first start)",
    )
    survey_cli.add_parser(sub)

    p = sub.add_parser(
        "fetch",
        help="download the publishers' current files into the raw folder, then ingest the changed ones",
        description="Download the files the sources metadata declares (all sources, or the ones named) into "
        "RAW/<source>/ under their published names; unchanged files are not downloaded again. Sources without a "
        "direct link are reported as manual downloads. Exit 1 when a file failed.",
    )
    p.add_argument("sources", nargs="*", metavar="SOURCE", help="source ids, e.g. un_egov (default: all)")
    p.add_argument("--dry-run", action="store_true", help="say what would be fetched (URL -> path), write nothing")
    p.add_argument("--raw", type=Path, default=DEFAULT_RAW, help="raw folder (default: %(default)s)")
    p.add_argument("--processed", type=Path, default=DEFAULT_PROCESSED, help="store folder (default: %(default)s)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the server (default: 60)")
    p.add_argument("--retries", type=int, default=3, help="retries after a connection error or 5xx (default: 3)")

    p = sub.add_parser(
        "briefing",
        help="write a briefing (PDF or PowerPoint): the focus country beside a visitor's, in every ranking",
        description="The focus country (default DNK) beside COUNTRY across every ranking's latest stored edition: "
        "headline sentences, ranks and scores, charts and sources. FILE is written whole or not at all.",
    )
    p.add_argument("--country", required=True, help="the counterpart: ISO3 code or name (English or Danish)")
    p.add_argument("--focus", default="DNK", help="the focus country (default: %(default)s)")
    p.add_argument("--language", choices=["en", "da"], default=None, help="default: the app's configured language")
    p.add_argument("--format", choices=["pdf", "pptx"], default=None, help="default: from FILE's suffix")
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="the file to write (.pdf or .pptx)")
    p.add_argument("--processed", type=Path, default=DEFAULT_PROCESSED, help="store folder (default: %(default)s)")

    return parser


def _fmt_editions(editions: Sequence[int]) -> str:
    if not editions:
        return ""
    if len(editions) > 3:
        return f"{editions[0]}-{editions[-1]} ({len(editions)})"
    return ", ".join(str(e) for e in editions)


def cmd_ingest(args: argparse.Namespace) -> int:
    from rankings.ingest import ingest

    if not args.raw.is_dir():
        print(f"error: raw folder {args.raw} does not exist", file=sys.stderr)
        return 2
    bar = None
    progress = None
    if not args.quiet and sys.stderr.isatty():
        from tqdm import tqdm

        def progress(done: int, total: int, name: str) -> None:
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, unit="file", file=sys.stderr, leave=False)
            bar.n = done
            bar.set_postfix_str(name[-40:])
            bar.refresh()

    report = ingest(args.raw, args.processed, force=args.force, progress=progress)
    if bar is not None:
        bar.close()
    rows = [("file", "source", "edition", "rows", "status")]
    for r in report.results:
        rows.append((r.path, r.source or "", _fmt_editions(r.editions), str(r.rows) if r.rows else "", r.status))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    for r in report.results:
        for warning in r.warnings:
            print(f"warning: {r.path}: {warning}", file=sys.stderr)
        if r.status in {"failed", "skipped"}:
            stream = sys.stderr if r.status == "failed" else sys.stdout
            print(
                f"{r.status}: {r.message}" if r.status == "failed" else f"skipped: {r.path}: {r.message}", file=stream
            )
    counts: dict[str, int] = {}
    for r in report.results:
        counts[r.status] = counts.get(r.status, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in counts.items()) or "no data files"
    if report.ignored:
        summary += f"; {len(report.ignored)} non-data files ignored"
    print(summary)
    for revision in report.revisions:
        print(revision.line())
    return 1 if report.failed else 0


def cmd_revisions(args: argparse.Namespace) -> int:
    from rankings import metadata, queries, revisions

    if args.source is not None and args.source not in metadata.sources():
        print(f"error: unknown source {args.source!r}; one of {', '.join(sorted(metadata.sources()))}", file=sys.stderr)
        return 2
    country = None if args.country is None else args.country.strip().upper()
    if country is not None and (len(country) != 3 or not country.isalpha()):
        print(f"error: --country {args.country!r} is not an ISO3 code such as DNK", file=sys.stderr)
        return 2
    import duckdb

    try:
        log = queries.revisions(args.source, args.edition, country, processed=args.processed)
    except duckdb.Error as exc:  # a log part damaged or removed by hand
        first = str(exc).strip().splitlines()[0]
        print(f"error: {args.processed}: the revision log cannot be read ({first})", file=sys.stderr)
        return 1
    if args.csv:
        log.to_csv(sys.stdout, index=False)
        return 0
    if log.empty:
        asked = [f"{k} {v}" for k, v in (("source", args.source), ("edition", args.edition), ("country", country)) if v]
        print("No revised figures" + (f" for {', '.join(asked)}" if asked else "") + " in the store.")
        return 0
    for (_, source, edition, new_file), group in log.groupby(
        ["generation", "source", "edition", "new_file"], sort=False
    ):
        first = group.iloc[0]
        title = metadata.sources()[source].title if source in metadata.sources() else source
        print(
            f"{title} {edition}, revised {first['revised_at']}: {first['old_file']} ({first['old_sha256'][:12]}) "
            f"-> {new_file} ({first['new_sha256'][:12]})"
        )
        for _, record in group.iterrows():
            print(f"  {revisions.describe(record)}")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    import duckdb

    from rankings import db

    try:
        df = db.query(args.sql, processed=args.processed)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        print(f"error: query failed: {first}", file=sys.stderr)
        return 1
    df.to_csv(sys.stdout, index=False)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from rankings import demo

    if args.if_empty and demo.has_data_files(args.raw):
        print(f"{args.raw} already holds data files; no demo data written")
        return 0
    written = demo.write_demo(args.raw)
    print(f"wrote {len(written)} demo files under {args.raw / demo.DEMO_FOLDER} (fictitious values)")
    print(f"wrote the demo survey submission under {demo.survey_demo_folder(args.raw)} (fictitious answers)")
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from rankings import fetch

    if args.timeout <= 0 or args.retries < 0:
        print("error: --timeout must be more than 0 seconds and --retries 0 or more", file=sys.stderr)
        return 2
    try:
        report = fetch.fetch(
            args.sources,
            args.raw,
            dry_run=args.dry_run,
            timeout=(min(10.0, args.timeout), args.timeout),
            retries=args.retries,
            progress=sys.stderr.isatty(),
        )
    except fetch.UnknownSource as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # the sources metadata declares something fetch cannot do
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for outcome in report.outcomes:
        print(outcome.line(), file=sys.stderr if outcome.status == "failed" else sys.stdout)
    failed = len(report.failed)
    if report.changed and not args.dry_run:  # ingest prints its lines (and the revisions it finds)
        ingest_args = build_parser().parse_args(["ingest", "--raw", str(args.raw), "--processed", str(args.processed)])
        ingested = cmd_ingest(ingest_args)
        failed += ingested != 0
    return 1 if failed else 0


def cmd_briefing(args: argparse.Namespace) -> int:
    from rankings.briefing import write_briefing

    path = write_briefing(args.out, args.processed, args.country, args.focus, args.language, args.format)
    print(f"wrote {path}")
    return 0


COMMANDS = {
    "ingest": cmd_ingest,
    "revisions": cmd_revisions,
    "query": cmd_query,
    "demo": cmd_demo,
    "survey": survey_cli.run,
    "briefing": cmd_briefing,
    "fetch": cmd_fetch,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the store holds what was committed before", file=sys.stderr)
        return 130
