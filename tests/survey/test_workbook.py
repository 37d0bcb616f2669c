"""Reading the submission workbook: what is read, and every structural problem named in one clear message."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from rankings.errors import InputError
from rankings.survey import template
from rankings.survey.workbook import (
    Condition,
    Submission,
    cell_text,
    fingerprint,
    parse_date,
    parse_number,
    people,
    person_key,
    read_submission,
)
from survey.conftest import CLEAN_ANSWERS, QUESTIONS, sheets_of, write_xlsx


def test_a_clean_workbook_is_read_into_tidy_records(workbook):
    sub = read_submission(workbook())
    assert sub.meta.survey == "Test survey" and sub.meta.cycle == "2025"
    assert (sub.meta.country, sub.meta.country_name) == ("DNK", "Denmark")
    assert sub.meta.reference_period_start == dt.date(2024, 1, 1)
    assert sub.meta.deadline == dt.date(2025, 6, 30)
    assert [q.question_id for q in sub.questions] == [q["question_id"] for q in QUESTIONS]
    q4 = sub.question("Q4")
    assert q4 is not None and q4.options == ("Web", "App", "Mailbox") and q4.answer_type == "multi_choice"
    assert sub.question("Q1").evidence_required and not sub.question("Q4").evidence_required
    assert sub.question("Q8").min_text_length == 20
    assert sub.question("Q2").condition == Condition("Q1", "=", "Yes", "Q1 = Yes")
    answers = {a.question_id: a for a in sub.answers}
    assert answers["Q3"].answer == "2024-06-01"  # a date cell reads as an ISO date
    assert answers["Q5"].answer == "90"  # a number cell without a spurious .0
    assert answers["Q1"].row == 2 and len(sub.sha256) == 64
    assert sub.submission_id == "test-survey_2025_dnk"


def test_frames_round_trip(workbook):
    sub = read_submission(workbook())
    back = Submission.from_frames(sub.frames())
    assert back.meta == sub.meta
    assert back.questions == sub.questions
    assert back.answers == sub.answers
    assert back.fingerprints() == sub.fingerprints()
    assert [q.condition for q in back.questions] == [q.condition for q in sub.questions]


def test_the_template_is_a_valid_submission(tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(template.template_bytes())
    sub = read_submission(path)
    assert {q.answer_type for q in sub.questions} == {
        "yes_no",
        "single_choice",
        "multi_choice",
        "number",
        "percent",
        "text",
        "url",
        "date",
    }


def test_missing_sheets_are_named(tmp_path):
    sheets = sheets_of()
    del sheets["Questions"], sheets["Answers"]
    with pytest.raises(InputError) as err:
        read_submission(write_xlsx(tmp_path / "a.xlsx", sheets))
    assert "'Questions', 'Answers'" in err.value.problem and "Submission" in err.value.problem


@pytest.mark.parametrize(
    ("sheet", "drop", "expected"),
    [
        ("Questions", ["options", "depends_on"], "lacks the columns options, depends_on"),
        ("Answers", ["evidence_note"], "lacks the column evidence_note"),
        ("Answers", ["question_id"], "lacks the column question_id"),
    ],
)
def test_missing_columns_are_named(tmp_path, sheet, drop, expected):
    sheets = sheets_of()
    header = sheets[sheet][0]
    keep = [i for i, c in enumerate(header) if c not in drop]
    sheets[sheet] = [[row[i] for i in keep] for row in sheets[sheet]]
    with pytest.raises(InputError) as err:
        read_submission(write_xlsx(tmp_path / "a.xlsx", sheets))
    assert f"sheet {sheet!r} {expected}" in err.value.problem


def test_missing_submission_keys_are_named(tmp_path):
    sheets = sheets_of()
    sheets["Submission"] = [r for r in sheets["Submission"] if r[0] not in {"deadline", "country"}]
    with pytest.raises(InputError, match="lacks country, deadline"):
        read_submission(write_xlsx(tmp_path / "a.xlsx", sheets))


def test_headers_and_sheet_names_are_matched_loosely_and_extras_ignored(tmp_path):
    sheets = sheets_of()
    sheets["Questions"][0] = [c.replace("_", " ").title() for c in sheets["Questions"][0]]  # "Question Id"
    sheets["Answers"][0] = [*sheets["Answers"][0], "internal note"]
    renamed = {"submission": sheets["Submission"], "QUESTIONS ": sheets["Questions"], "answers": sheets["Answers"]}
    renamed["Instructions"] = [["read me"]]
    sub = read_submission(write_xlsx(tmp_path / "a.xlsx", renamed))
    assert len(sub.questions) == len(QUESTIONS) and len(sub.answers) == len(CLEAN_ANSWERS)


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"deadline": "soon"}, "deadline 'soon' is not a date"),
        ({"reference_period_start": dt.date(2025, 1, 1)}, "is after reference_period_end"),
        ({"country": "Atlantis"}, "country 'Atlantis' is not a country"),
        ({"survey": None}, "lacks survey"),
    ],
)
def test_bad_submission_values(workbook, meta, expected):
    with pytest.raises(InputError, match=expected):
        read_submission(workbook(meta=meta))


@pytest.mark.parametrize(("country", "iso3"), [("Denmark", "DNK"), ("dk", "DNK"), ("dnk", "DNK"), ("Sweden", "SWE")])
def test_country_by_name_or_code(workbook, country, iso3):
    assert read_submission(workbook(meta={"country": country})).meta.country == iso3


def test_dates_in_text_are_read(workbook):
    sub = read_submission(workbook(meta={"deadline": "30.06.2025", "reference_period_start": "2024-01-01"}))
    assert sub.meta.deadline == dt.date(2025, 6, 30)


def _q(**fields):
    return [{**QUESTIONS[0], **fields}]


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        (_q(answer_type="boolean"), "answer_type 'boolean' is not one of yes_no"),
        (_q(answer_type="single_choice", options=None), "needs its options"),
        (_q(question_id=None), "row 2 has no question_id"),
        ([QUESTIONS[0], QUESTIONS[0]], "question_id 'Q1' is already used in row 2"),
        (_q(evidence_required="maybe"), "evidence_required 'maybe' is not yes or no"),
        (_q(min_text_length="long"), "min_text_length 'long' is not a whole number"),
        (_q(depends_on="if Q0 is good"), "depends_on 'if Q0 is good' cannot be read"),
        (_q(depends_on="Q0 = Yes"), "depends_on names 'Q0', not a question"),
        (_q(depends_on="Q1 = Yes"), "depends_on names the question itself"),
        ([QUESTIONS[0], {**QUESTIONS[6], "depends_on": "Q1 = Perhaps"}], "'Perhaps' is not yes or no"),
        ([QUESTIONS[6], {**QUESTIONS[0], "depends_on": "Q7 = Council"}], "'Council' is not one of the options"),
        ([QUESTIONS[0], {**QUESTIONS[1], "depends_on": "Q1 > 3"}], "only numbers and dates compare"),
        (
            [{**QUESTIONS[0], "depends_on": "Q2 answered"}, {**QUESTIONS[1], "depends_on": "Q1 = Yes"}],
            "forms a cycle: Q1 -> Q2 -> Q1",
        ),
        ([], "it lists no question"),
    ],
)
def test_structural_problems_of_questions_are_named(workbook, questions, expected):
    with pytest.raises(InputError) as err:
        read_submission(workbook(questions=questions, answers=[]))
    assert expected in err.value.problem
    assert "sheet 'Questions'" in err.value.problem


def test_many_problems_are_reported_together(workbook):
    questions = [{**QUESTIONS[0], "question_id": f"Q{i}", "answer_type": "bad"} for i in range(15)]
    with pytest.raises(InputError) as err:
        read_submission(workbook(questions=questions, answers=[]))
    assert "row 2 (Q0)" in err.value.problem and "and 5 more" in err.value.problem


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("draft.csv", b"a,b\n", "is not an Excel workbook (.xlsx)"),
        ("draft.xlsx", b"%PDF-1.4 not a workbook", "is not an Excel workbook: its content is a PDF document"),
        ("draft.xlsx", b"", "is empty"),
    ],
)
def test_files_that_are_not_workbooks(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_submission(path)
    assert expected in err.value.problem


def test_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "draft.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match="not an Excel workbook"):
        read_submission(path)


def test_a_missing_file(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_submission(tmp_path / "nope.xlsx")


def test_answers_are_kept_as_written_and_blank_rows_skipped(workbook):
    answers = [
        *CLEAN_ANSWERS,
        {},  # an empty row
        {"question_id": None, "answer": "orphan"},  # an answer without a question id is kept (and flagged)
        {"question_id": "q7", "answer": "Agency"},  # the id is matched regardless of case
    ]
    sub = read_submission(workbook(answers=answers))
    assert len(sub.answers) == len(CLEAN_ANSWERS) + 2
    assert sub.answers[-2].question_id == "" and sub.answers[-1].question_id == "Q7"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (12.0, "12"),
        (12.5, "12.5"),
        (True, "Yes"),
        (dt.datetime(2024, 5, 1), "2024-05-01"),
        (dt.date(2024, 5, 1), "2024-05-01"),
        ("  a\x1b[31mb\x00 ", "a[31mb"),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12.0), ("-3.5", -3.5), (" 1 000 ", 1000.0), ("1e3", 1000.0), ("1,234", None), ("12,5", None), ("", None)],
)
def test_parse_number_refuses_separators_it_would_have_to_guess(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2025-03-31", dt.date(2025, 3, 31)),
        ("31-03-2025", dt.date(2025, 3, 31)),
        ("31.03.2025", dt.date(2025, 3, 31)),
        ("31/03/2025", dt.date(2025, 3, 31)),
        ("2025-03-31 00:00:00", dt.date(2025, 3, 31)),
        ("31 March 2025", None),
        ("2025-02-30", None),
    ],
)
def test_parse_date(text, value):
    assert parse_date(text) == value


def test_fingerprint_covers_answer_and_evidence_only():
    base = fingerprint([("Yes", "https://a.dk", "note")])
    assert base == fingerprint([("Yes", "https://a.dk", "note")])
    assert base != fingerprint([("No", "https://a.dk", "note")])
    assert base != fingerprint([("Yes", "https://b.dk", "note")])
    assert base != fingerprint([("Yes", "https://a.dk", "other")])
    assert base != fingerprint([("Yes", "https://a.dk", "note"), ("Yes", "https://a.dk", "note")])


def test_people_are_compared_without_case_accents_or_spacing():
    assert person_key("  Mikkel   SØRENSEN ") == person_key("mikkel sørensen")
    assert person_key("José") == person_key("Jose")
    assert people("Anna Jensen; Bo Holm") == {"anna jensen", "bo holm"}
