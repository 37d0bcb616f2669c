"""``python -m rankings survey``: check a submission workbook; sync the survey folder into the store.

``survey check`` exits 0 when no flag is an error, 1 when one is, 2 when the input cannot be read (the
project's CLI prints ``error: <file>: <problem>`` for that, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DEFAULT_PROCESSED = Path("data/processed")
DEFAULT_SURVEYS = Path("data/surveys")


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "survey",
        help="check a country's survey answers before submission",
        description="Check the draft answers to an international survey (submission workbook, see "
        "docs/survey-check.md) before they are submitted.",
    )
    ssub = p.add_subparsers(dest="survey_command", required=True, metavar="{check,sync}")
    c = ssub.add_parser(
        "check",
        help="print every flag of a submission workbook",
        description="Read SUBMISSION.xlsx, run every survey rule (against PREVIOUS.xlsx, the previous cycle, "
        "when given, and the published figures stored in the processed folder) and print the flags. Exit "
        "status 0 when no flag is an error, 1 when one is, 2 when a workbook cannot be read.",
    )
    c.add_argument("submission", type=Path, metavar="SUBMISSION.xlsx", help="the draft submission workbook")
    c.add_argument("--previous", type=Path, metavar="PREVIOUS.xlsx", help="the previous cycle's submission workbook")
    c.add_argument("--format", choices=["table", "json"], default="table", help="output format (default: %(default)s)")
    c.add_argument(
        "--processed",
        type=Path,
        default=DEFAULT_PROCESSED,
        help="store whose published figures answers are compared with (default: %(default)s)",
    )
    s = ssub.add_parser(
        "sync",
        help="store every workbook of the survey folder (as the Survey check page does)",
        description="Normalise every submission workbook under the survey folder into the survey store "
        "(Parquet, DuckDB views submissions, questions, answers, survey_flags, decisions) and list the result.",
    )
    s.add_argument("--surveys", type=Path, default=DEFAULT_SURVEYS, help="survey folder (default: %(default)s)")
    s.add_argument("--processed", type=Path, default=DEFAULT_PROCESSED, help="store folder (default: %(default)s)")


def _printable(text: str) -> str:
    """User text for a terminal: no control characters (escape sequences could rewrite the screen)."""
    return "".join(c if c.isprintable() else " " for c in text)


def cmd_check(args: argparse.Namespace) -> int:
    from rankings.errors import InputError
    from rankings.survey import mapping, rules
    from rankings.survey.workbook import read_submission

    submission = read_submission(args.submission, str(args.submission))
    previous = read_submission(args.previous, str(args.previous)) if args.previous else None
    if previous is not None and previous.meta.country != submission.meta.country:
        raise InputError(
            str(args.previous),
            f"is the submission of {previous.meta.country_name}, not of {submission.meta.country_name}",
        )
    flags = rules.check(submission, previous, mapping.published_lookup(args.processed))
    if args.format == "json":
        json.dump([f.as_json() for f in flags], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        rows = [("question", "severity", "rule", "message")]
        rows += [(_printable(f.question_id), f.severity, f.rule, _printable(f.message)) for f in flags]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        for r in rows:
            print("  ".join(cell.ljust(w) for cell, w in zip(r[:3], widths, strict=True)) + "  " + r[3])
        counts = rules.counts(flags)
        against = f" against cycle {previous.meta.cycle}" if previous else ""
        print(
            f"{_printable(submission.meta.survey)} {_printable(submission.meta.cycle)}, "
            f"{submission.meta.country_name}{against}: {counts['error']} errors, {counts['warning']} warnings, "
            f"{counts['info']} info"
        )
    return 1 if rules.has_errors(flags) else 0


def cmd_sync(args: argparse.Namespace) -> int:
    from rankings.survey.store import SurveyStore

    if not args.surveys.is_dir():
        print(f"error: survey folder {args.surveys} does not exist", file=sys.stderr)
        return 2
    store = SurveyStore(args.processed)
    report = store.sync(args.surveys)
    for rel in report.stored:
        print(f"stored: {rel}")
    for rel in report.removed:
        print(f"removed: {rel}")
    for _rel, message in report.failed:
        print(f"failed: {_printable(message)}", file=sys.stderr)
    table = store.submissions()
    current = table[table["is_current"]]
    for r in current.itertuples():
        print(f"{r.submission_id}: {r.errors} errors, {r.warnings} warnings ({r.file})")
    return 1 if report.failed else 0


def run(args: argparse.Namespace) -> int:
    return {"check": cmd_check, "sync": cmd_sync}[args.survey_command](args)
