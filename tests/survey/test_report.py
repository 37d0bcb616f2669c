"""The Excel report: summary, flags with decisions, audit trail; formulas typed into a draft stay text."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl

from rankings.survey.decisions import DecisionStore
from rankings.survey.report import excel_report
from rankings.survey.review import flag_table, md, readiness
from rankings.survey.rules import check
from rankings.survey.template import write_workbook
from rankings.survey.workbook import read_submission
from survey.conftest import META, QUESTIONS, with_answer


def test_the_report_holds_flags_decisions_and_the_trail(tmp_path, workbook):
    answers = with_answer("Q8", answer='=HYPERLINK("http://evil.example","TBD")', answered_by="@Anna")
    answers = with_answer("Q6", answers, answer="-2,150", comment="+45 12 34 56 78")
    path = tmp_path / "formulas.xlsx"
    write_workbook(path, META, QUESTIONS, answers)  # xlsxwriter keeps "=..." as text, as a person may type it
    sub = read_submission(path)
    assert sub.answers[7].answer.startswith("=HYPERLINK")
    flags = check(sub)
    store = DecisionStore(tmp_path / "d.sqlite")
    store.sync_answers(sub)
    store.record(sub.submission_id, "Q6", sub.fingerprints()["Q6"], "needs_change", "Bo Holm", "-> write 2150")
    data = excel_report(sub, flags, store.status(sub.submission_id), store.trail(sub.submission_id), None)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Summary", "Flags", "Audit trail"]
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(min_row=3, values_only=True)}
    assert summary["Errors"] == 2 and summary["Needs change"] == 1 and summary["Survey"] == "Test survey"
    rows = list(book["Flags"].iter_rows(values_only=True))
    header = rows[0]
    records = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    q6 = next(r for r in records if r["question_id"] == "Q6")
    assert q6["rule"] == "invalid_answer" and q6["status"] == "needs change" and q6["decided_by"] == "Bo Holm"
    assert q6["answer"] == "'-2,150"  # neutralised: a spreadsheet shows it as text
    q8 = next(r for r in records if r["question_id"] == "Q8")
    assert q8["answer"].startswith("'=HYPERLINK") and q8["answered_by"] == "'@Anna"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    trail = list(book["Audit trail"].iter_rows(values_only=True))
    assert "decision" in [r[trail[0].index("kind")] for r in trail[1:]]


def test_readiness(workbook, tmp_path):
    sub = read_submission(workbook(answers=with_answer("Q6", answer="many"), meta={"deadline": dt.date(2025, 6, 30)}))
    flags = check(sub)
    store = DecisionStore(tmp_path / "d.sqlite")
    store.sync_answers(sub)
    r = readiness(sub, flags, store.status(sub.submission_id), today=dt.date(2025, 6, 1))
    assert (r.errors, r.warnings, r.flagged_answers, r.verified, r.open) == (1, 0, 1, 0, 1)
    assert r.days_to_deadline == 29 and r.deadline_text() == "29 days" and not r.ready
    assert (
        readiness(sub, flags, store.status(sub.submission_id), dt.date(2025, 7, 2)).deadline_text() == "2 days overdue"
    )
    store.record(sub.submission_id, "Q6", sub.fingerprints()["Q6"], "verified", "Someone Else")
    r = readiness(sub, flags, store.status(sub.submission_id), today=dt.date(2025, 6, 1))
    assert r.verified_share == 1.0 and not r.ready  # an error remains
    table = flag_table(sub, flags, store.status(sub.submission_id))
    assert table.loc[0, "status"] == "verified" and table.loc[0, "answer"] == "many"


def test_markdown_is_made_inert():
    text = "**bold** [link](https://x) :red[alarm] $x^2$ <b>html</b> # head\nline"
    out = md(text)
    assert not re.search(r"(?<!\\)[*\[\]()$<>#:]", out)
    assert "\n" not in out and out.replace("\\", "") == " ".join(text.split())
