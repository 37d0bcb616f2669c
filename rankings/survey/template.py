"""The submission workbook template (downloadable from the Survey check page) and the writer behind it.

:func:`write_workbook` writes any submission (the template, the demo, test fixtures) in the format that
:func:`rankings.survey.workbook.read_submission` reads. The template's example rows use every answer type and
are clean: checking the template raises no flag.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter

from rankings.survey.workbook import ANSWER_COLUMNS, ANSWER_TYPES, QUESTION_COLUMNS, SUBMISSION_KEYS

INSTRUCTIONS = [
    ("Submission workbook", ""),
    (
        "What it is",
        "The country's draft answers to an international survey, checked by the Survey check page (or "
        "`python -m rankings survey check FILE.xlsx`) before the answers are submitted.",
    ),
    ("Sheet Submission", "One key/value row each: " + ", ".join(SUBMISSION_KEYS) + ". Dates as dates or 2025-03-31."),
    ("  survey", "The survey's name, e.g. OECD Digital Government Index survey."),
    ("  cycle", "The survey round, e.g. 2025. A later cycle of the same survey and country is compared with this one."),
    ("  country", "ISO 3166 code (DNK) or English name."),
    ("  reference_period_start/_end", "The period the survey covers; date answers outside it are flagged."),
    ("  deadline", "The submission deadline (the page counts the days left)."),
    ("Sheet Questions", "One row per question: " + ", ".join(QUESTION_COLUMNS) + "."),
    ("  question_id", "Unique id, e.g. Q1 or EID-2."),
    ("  answer_type", "One of " + ", ".join(ANSWER_TYPES) + "."),
    ("  options", "For single_choice and multi_choice: the options, separated by ';'."),
    ("  evidence_required", "yes or no: the answer must come with an evidence URL or an evidence note."),
    (
        "  depends_on",
        "Empty, or a condition on another question: 'Q3 = Yes', 'Q3 != No', 'Q5 > 0', 'Q6 in A; B', "
        "'Q7 answered'. For a multi_choice question, 'Q8 = A' holds when A is chosen.",
    ),
    ("  min_text_length", "For text answers: the fewest characters the survey expects."),
    ("Sheet Answers", "One row per answer: " + ", ".join(ANSWER_COLUMNS) + "."),
    (
        "  answer",
        "yes_no: Yes or No; single_choice: one option; multi_choice: options separated by ';'; number: digits "
        "with a decimal point, no thousands separator; percent: 0-100; url: https://...; date: 2025-03-31.",
    ),
    ("  evidence_url / evidence_note", "Where the answer can be checked: a https link, or a note on the source."),
    ("  answered_by / answered_on", "Who answered and when; that person cannot verify their own answer."),
    ("Flags", "See docs/survey-check.md for every rule (missing answer, placeholder, regression, ...)."),
    ("Replace the example rows", "Keep the sheet and column names; extra columns and sheets are ignored."),
]

TEMPLATE_META: dict[str, Any] = {
    "survey": "Example survey (replace with the survey's name)",
    "cycle": "2025",
    "country": "DNK",
    "reference_period_start": dt.date(2024, 1, 1),
    "reference_period_end": dt.date(2024, 12, 31),
    "deadline": dt.date(2025, 6, 30),
}

TEMPLATE_QUESTIONS: list[dict[str, Any]] = [
    {
        "question_id": "Q1",
        "section": "Strategy",
        "question": "Does the country have a national digital government strategy in force?",
        "answer_type": "yes_no",
        "evidence_required": "yes",
    },
    {
        "question_id": "Q2",
        "section": "Strategy",
        "question": "Link to the strategy document",
        "answer_type": "url",
        "depends_on": "Q1 = Yes",
    },
    {
        "question_id": "Q3",
        "section": "Strategy",
        "question": "Date the strategy was last updated",
        "answer_type": "date",
        "depends_on": "Q1 = Yes",
    },
    {
        "question_id": "Q4",
        "section": "Services",
        "question": "Which channels offer digital services?",
        "answer_type": "multi_choice",
        "options": "Web portal; Mobile app; Digital mailbox; Chatbot",
    },
    {
        "question_id": "Q5",
        "section": "Services",
        "question": "Share of public services available fully online (percent)",
        "answer_type": "percent",
        "evidence_required": "yes",
    },
    {
        "question_id": "Q6",
        "section": "Services",
        "question": "Number of services on the national portal",
        "answer_type": "number",
    },
    {
        "question_id": "Q7",
        "section": "Governance",
        "question": "Who coordinates digital government?",
        "answer_type": "single_choice",
        "options": "Ministry; Agency; Centre of government; Other",
    },
    {
        "question_id": "Q8",
        "section": "Governance",
        "question": "Describe how digital government is coordinated across levels of government.",
        "answer_type": "text",
        "min_text_length": 40,
    },
]

TEMPLATE_ANSWERS: list[dict[str, Any]] = [
    {
        "question_id": "Q1",
        "answer": "Yes",
        "evidence_url": "https://example.org/strategy",
        "answered_by": "Anne Example",
        "answered_on": dt.date(2025, 3, 3),
    },
    {
        "question_id": "Q2",
        "answer": "https://example.org/strategy",
        "answered_by": "Anne Example",
        "answered_on": dt.date(2025, 3, 3),
    },
    {
        "question_id": "Q3",
        "answer": dt.date(2024, 5, 15),
        "answered_by": "Anne Example",
        "answered_on": dt.date(2025, 3, 3),
    },
    {
        "question_id": "Q4",
        "answer": "Web portal; Mobile app; Digital mailbox",
        "answered_by": "Bo Example",
        "answered_on": dt.date(2025, 3, 4),
    },
    {
        "question_id": "Q5",
        "answer": 92,
        "evidence_note": "Service catalogue, extract of 2024-12-31",
        "answered_by": "Bo Example",
        "answered_on": dt.date(2025, 3, 4),
    },
    {"question_id": "Q6", "answer": 2150, "answered_by": "Bo Example", "answered_on": dt.date(2025, 3, 4)},
    {"question_id": "Q7", "answer": "Agency", "answered_by": "Anne Example", "answered_on": dt.date(2025, 3, 5)},
    {
        "question_id": "Q8",
        "answer": "A joint board of state, regions and municipalities agrees a common strategy and shared components.",
        "answered_by": "Anne Example",
        "answered_on": dt.date(2025, 3, 5),
        "comment": "Wording agreed with the board secretariat",
    },
]


def write_workbook(
    target: Path | str | BinaryIO,
    meta: dict[str, Any],
    questions: list[dict[str, Any]],
    answers: list[dict[str, Any]],
    *,
    instructions: bool = False,
) -> None:
    """Write a submission workbook. Cells are written as values (text never becomes a formula)."""
    book = xlsxwriter.Workbook(
        target if not isinstance(target, Path) else str(target),
        {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True},
    )
    bold = book.add_format({"bold": True, "bg_color": "#DDE5F0", "border": 1})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})

    def put(ws: Any, r: int, c: int, value: Any) -> None:
        if isinstance(value, dt.date):
            ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
        elif value is None:
            ws.write_blank(r, c, None)
        elif isinstance(value, str):
            ws.write_string(r, c, value)
        else:
            ws.write(r, c, value)

    if instructions:
        ws = book.add_worksheet("Instructions")
        ws.set_column(0, 0, 30)
        ws.set_column(1, 1, 110, wrap)
        for r, (a, b) in enumerate(INSTRUCTIONS):
            ws.write_string(r, 0, a, bold if r == 0 or not a.startswith(" ") else None)
            ws.write_string(r, 1, b)

    ws = book.add_worksheet("Submission")
    ws.write_row(0, 0, ["key", "value"], bold)
    for r, key in enumerate(meta, start=1):
        ws.write_string(r, 0, key)
        put(ws, r, 1, meta[key])
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 50)

    for name, columns, rows in (("Questions", QUESTION_COLUMNS, questions), ("Answers", ANSWER_COLUMNS, answers)):
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, list(columns), bold)
        ws.freeze_panes(1, 0)
        for r, row in enumerate(rows, start=1):
            for c, col in enumerate(columns):
                put(ws, r, c, row.get(col))
        for c, col in enumerate(columns):
            width = {"question": 60, "answer": 40, "evidence_url": 36, "evidence_note": 36, "comment": 30}.get(col, 16)
            ws.set_column(c, c, width)
        if name == "Questions":
            ws.data_validation(1, 3, 1000, 3, {"validate": "list", "source": list(ANSWER_TYPES)})
            ws.data_validation(1, 5, 1000, 5, {"validate": "list", "source": ["yes", "no"]})
    book.close()


def template_bytes() -> bytes:
    """The template workbook: instructions plus example rows of every answer type."""
    buffer = io.BytesIO()
    write_workbook(buffer, TEMPLATE_META, TEMPLATE_QUESTIONS, TEMPLATE_ANSWERS, instructions=True)
    return buffer.getvalue()
