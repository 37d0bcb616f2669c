"""The Excel report of a survey check: summary, flags with decisions and comments, the audit trail.

Ready to circulate: a header row with filters, frozen panes, wrapped long text, severity colours. Every text
cell goes through :func:`rankings.export.neutralise`, so a cell that starts with ``=``, ``+``, ``-`` or ``@``
(for instance an answer typed into the draft) is text in the report, never a formula.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import xlsxwriter

from rankings.export import neutralise, safe_frame
from rankings.survey.review import Readiness, flag_table, readiness
from rankings.survey.rules import Flag
from rankings.survey.workbook import Submission

WIDTHS = {
    "question_id": 11,
    "section": 16,
    "question": 40,
    "answer": 30,
    "evidence_url": 28,
    "evidence_note": 28,
    "answered_by": 16,
    "severity": 9,
    "rule": 22,
    "message": 70,
    "status": 18,
    "decided_by": 16,
    "decided_at": 18,
    "decision_comment": 36,
    "at": 26,
    "kind": 15,
    "person": 18,
    "comment": 40,
    "detail": 50,
}
SEVERITY_COLOURS = {"error": "#F8D7DA", "warning": "#FFF3CD", "info": "#DDEBF7"}


def summary_rows(submission: Submission, previous: Submission | None, r: Readiness) -> list[tuple[str, object]]:
    m = submission.meta
    return [
        ("Survey", m.survey),
        ("Cycle", m.cycle),
        ("Country", f"{m.country_name} ({m.country})"),
        ("Reference period", f"{m.reference_period_start.isoformat()} to {m.reference_period_end.isoformat()}"),
        ("Deadline", f"{m.deadline.isoformat()} ({r.deadline_text()})"),
        ("Workbook", submission.file),
        ("Workbook SHA-256", submission.sha256),
        ("Compared with", f"cycle {previous.meta.cycle} ({previous.file})" if previous else "no previous cycle"),
        ("Errors", r.errors),
        ("Warnings", r.warnings),
        ("Information", r.infos),
        ("Flagged answers", r.flagged_answers),
        ("Verified", r.verified),
        ("Needs change", r.needs_change),
        ("Open (or reopened after a change)", r.open),
        ("Verified share", f"{r.verified_share:.0%}"),
        ("Ready to submit", "yes" if r.ready else "no: errors remain or flagged answers are not verified"),
        ("Report generated", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]


def excel_report(
    submission: Submission,
    flags: list[Flag],
    status: pd.DataFrame,
    trail: pd.DataFrame,
    previous: Submission | None = None,
    today: dt.date | None = None,
) -> bytes:
    """The report workbook as bytes."""
    r = readiness(submission, flags, status, today)
    table = safe_frame(flag_table(submission, flags, status).drop(columns=["fingerprint"]))
    audit = trail.drop(columns=[c for c in ("id", "submission_id", "fingerprint") if c in trail.columns])
    audit = safe_frame(audit.astype(object).where(audit.notna(), ""))

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})
    head = book.add_format(
        {"bold": True, "bg_color": "#1F3864", "font_color": "#FFFFFF", "text_wrap": True, "valign": "top"}
    )
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    bold = book.add_format({"bold": True, "valign": "top"})
    title = book.add_format({"bold": True, "font_size": 14})

    ws = book.add_worksheet("Summary")
    ws.write_string(0, 0, "Survey check report", title)
    for i, (key, value) in enumerate(summary_rows(submission, previous, r), start=2):
        ws.write_string(i, 0, key, bold)
        if isinstance(value, int):
            ws.write_number(i, 1, value)
        else:
            ws.write_string(i, 1, str(neutralise(str(value))), wrap)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 90)

    for name, frame in (("Flags", table), ("Audit trail", audit)):
        ws = book.add_worksheet(name)
        columns = list(frame.columns)
        ws.write_row(0, 0, columns, head)
        for row, values in enumerate(frame.itertuples(index=False), start=1):
            for col, value in enumerate(values):
                ws.write_string(row, col, "" if value is None else str(value), wrap)
        for col, c in enumerate(columns):
            ws.set_column(col, col, WIDTHS.get(c, 14))
        ws.freeze_panes(1, 1)
        ws.autofilter(0, 0, max(len(frame), 1), max(len(columns) - 1, 0))
        if name == "Flags" and "severity" in columns and len(frame):
            col = columns.index("severity")
            for severity, colour in SEVERITY_COLOURS.items():
                rule = {"type": "cell", "criteria": "==", "value": f'"{severity}"'}
                rule["format"] = book.add_format({"bg_color": colour})
                ws.conditional_format(1, col, len(frame), col, rule)
    book.close()
    return buffer.getvalue()


def report_name(submission: Submission) -> str:
    return f"survey-check_{submission.submission_id}_{dt.date.today().isoformat()}.xlsx"
