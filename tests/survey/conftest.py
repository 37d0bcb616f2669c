"""Fixtures of the survey tests: submission workbooks generated in code (openpyxl), a clean questionnaire that
raises no flag, and a fake lookup of published figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from rankings.survey.mapping import Published
from rankings.survey.workbook import ANSWER_COLUMNS, QUESTION_COLUMNS

META: dict[str, Any] = {
    "survey": "Test survey",
    "cycle": "2025",
    "country": "DNK",
    "reference_period_start": dt.date(2024, 1, 1),
    "reference_period_end": dt.date(2024, 12, 31),
    "deadline": dt.date(2025, 6, 30),
}


# One question of every answer type; CLEAN_ANSWERS answer them all correctly (no flag).
def _q(qid: str, section: str, question: str, answer_type: str, **extra: Any) -> dict[str, Any]:
    return {"question_id": qid, "section": section, "question": question, "answer_type": answer_type, **extra}


def _a(qid: str, answer: Any, by: str = "Anna Jensen", **extra: Any) -> dict[str, Any]:
    return {"question_id": qid, "answer": answer, "answered_by": by, **extra}


QUESTIONS: list[dict[str, Any]] = [
    _q("Q1", "Strategy", "Is there a national strategy?", "yes_no", evidence_required="yes"),
    _q("Q2", "Strategy", "Link to the strategy", "url", depends_on="Q1 = Yes"),
    _q("Q3", "Strategy", "Date of the latest monitoring report", "date", depends_on="Q1 = Yes"),
    _q("Q4", "Services", "Which channels are offered?", "multi_choice", options="Web; App; Mailbox"),
    _q("Q5", "Services", "Share of services online (percent)", "percent", evidence_required="yes"),
    _q("Q6", "Services", "Number of services on the portal", "number"),
    _q("Q7", "Governance", "Who coordinates?", "single_choice", options="Ministry; Agency; Other"),
    _q("Q8", "Governance", "Describe the coordination.", "text", min_text_length=20),
    _q("Q9", "Governance", "Name of the other coordinator", "text", depends_on="Q7 = Other"),
]

CLEAN_ANSWERS: list[dict[str, Any]] = [
    _a("Q1", "Yes", evidence_url="https://example.org/strategy"),
    _a("Q2", "https://example.org/strategy"),
    _a("Q3", dt.date(2024, 6, 1)),
    _a("Q4", "Web; Mailbox", by="Bo Holm"),
    _a("Q5", 90, by="Bo Holm", evidence_note="Service catalogue 2024"),
    _a("Q6", 2150, by="Bo Holm"),
    _a("Q7", "Agency"),
    _a("Q8", "A joint board agrees the common components."),
]


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def sheets_of(
    meta: dict[str, Any] | None = None,
    questions: list[dict[str, Any]] | None = None,
    answers: list[dict[str, Any]] | None = None,
) -> dict[str, list[list[Any]]]:
    meta = {**META, **(meta or {})}
    questions = QUESTIONS if questions is None else questions
    answers = CLEAN_ANSWERS if answers is None else answers
    return {
        "Submission": [["key", "value"], *([k, v] for k, v in meta.items())],
        "Questions": [list(QUESTION_COLUMNS), *([q.get(c) for c in QUESTION_COLUMNS] for q in questions)],
        "Answers": [list(ANSWER_COLUMNS), *([a.get(c) for c in ANSWER_COLUMNS] for a in answers)],
    }


def with_answer(qid: str, answers: list[dict[str, Any]] | None = None, **fields: Any) -> list[dict[str, Any]]:
    """CLEAN_ANSWERS (or ``answers``) with the fields of ``qid``'s answer replaced."""
    return [({**a, **fields} if a["question_id"] == qid else a) for a in (answers or CLEAN_ANSWERS)]


@pytest.fixture
def workbook(tmp_path: Path) -> Callable[..., Path]:
    """Write a submission workbook: ``workbook(name, meta=..., questions=..., answers=...)``."""

    def make(
        name: str = "draft.xlsx",
        meta: dict[str, Any] | None = None,
        questions: list[dict[str, Any]] | None = None,
        answers: list[dict[str, Any]] | None = None,
        folder: Path | None = None,
    ) -> Path:
        return write_xlsx((folder or tmp_path) / name, sheets_of(meta, questions, answers))

    return make


def fake_lookup(figures: dict[tuple[str, str], float]) -> Callable[[str, str, str, int | None], Published | None]:
    """Published figures for Denmark only: ``{(source, indicator): value}``."""

    def lookup(source: str, indicator: str, iso3: str, edition: int | None) -> Published | None:
        if iso3 != "DNK" or (source, indicator) not in figures:
            return None
        return Published(source, indicator, 2024, "2024", figures[(source, indicator)], "Denmark")

    return lookup
