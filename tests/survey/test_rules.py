"""Every survey rule, on generated workbooks, with and without a previous cycle; clean answers raise nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from rankings.survey import demo, rules
from rankings.survey.rules import RULES, check, placeholder_in
from rankings.survey.workbook import read_submission
from survey.conftest import CLEAN_ANSWERS, QUESTIONS, fake_lookup, with_answer

ISSUE_RULES = {
    "missing_answer": "error",
    "invalid_answer": "error",
    "missing_evidence": "error",
    "invalid_evidence_url": "warning",
    "placeholder": "error",
    "text_too_short": "warning",
    "dependency_conflict": "warning",
    "changed_since_previous": "info",
    "regression": "warning",
    "outside_reference_period": "warning",
    "unknown_question": "error",
    "duplicate_answer": "error",
    "contradicts_published": "warning",
}


def flags_of(workbook, answers=None, previous=None, questions=None, lookup=None, meta=None):
    sub = read_submission(workbook(answers=answers, questions=questions, meta=meta))
    prev = read_submission(workbook("previous.xlsx", answers=previous, meta={"cycle": "2023"})) if previous else None
    return check(sub, prev, lookup)


def pairs(flags):
    return {(f.question_id, f.rule) for f in flags}


def test_the_registry_holds_every_rule_of_the_issue_with_its_severity():
    assert {r.id: r.severity for r in RULES.values()} == ISSUE_RULES


def test_clean_answers_raise_no_flag(workbook):
    lookup = fake_lookup({("eu_egov_benchmark", "eid"): 95.0, ("un_egov", "epi"): 0.9})
    assert flags_of(workbook, lookup=lookup) == []
    assert flags_of(workbook, previous=CLEAN_ANSWERS, lookup=lookup) == []


def test_the_template_raises_no_flag(tmp_path):
    from rankings.survey.template import template_bytes

    path = tmp_path / "t.xlsx"
    path.write_bytes(template_bytes())
    sub = read_submission(path)
    assert check(sub, sub, fake_lookup({})) == []


# --- one case per rule: the answers, and exactly the flags expected ---------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected", "words"),
    [
        pytest.param(
            [a for a in CLEAN_ANSWERS if a["question_id"] != "Q6"],
            {("Q6", "missing_answer")},
            "has no answer",
            id="missing",
        ),
        pytest.param(
            with_answer("Q6", answer=None), {("Q6", "missing_answer")}, "applies to every", id="missing-blank"
        ),
        pytest.param(
            with_answer("Q2", answer=None),
            {("Q2", "missing_answer")},
            "because 'Q1 = Yes' holds",
            id="missing-dependent",
        ),
        pytest.param(with_answer("Q1", answer="Maybe"), {("Q1", "invalid_answer")}, "not Yes or No", id="yes-no"),
        pytest.param(
            with_answer("Q7", answer="Council"), {("Q7", "invalid_answer")}, "not one of the options", id="choice"
        ),
        pytest.param(with_answer("Q4", answer="Web; Fax"), {("Q4", "invalid_answer")}, "'Fax', not among", id="multi"),
        pytest.param(
            with_answer("Q4", answer="Web; web"), {("Q4", "invalid_answer")}, "an option twice", id="multi-twice"
        ),
        pytest.param(with_answer("Q6", answer="2,150"), {("Q6", "invalid_answer")}, "not a number", id="number"),
        pytest.param(with_answer("Q5", answer=120), {("Q5", "invalid_answer")}, "outside 0-100", id="percent-range"),
        pytest.param(
            with_answer("Q5", answer="-1%"), {("Q5", "invalid_answer")}, "outside 0-100", id="percent-negative"
        ),
        pytest.param(with_answer("Q3", answer="last spring"), {("Q3", "invalid_answer")}, "not a date", id="date"),
        pytest.param(
            with_answer("Q2", answer="www.example"), {("Q2", "invalid_answer")}, "not a web address", id="url"
        ),
        pytest.param(
            with_answer("Q2", answer="https://exa mple.org"), {("Q2", "invalid_answer")}, "spaces", id="url-sp"
        ),
        pytest.param(
            with_answer("Q1", evidence_url=None), {("Q1", "missing_evidence")}, "requires evidence", id="evidence"
        ),
        pytest.param(
            with_answer("Q1", evidence_url="http://example.org/s"),
            {("Q1", "invalid_evidence_url")},
            "is not https",
            id="evidence-http",
        ),
        pytest.param(
            with_answer("Q1", evidence_url="see the annual report"),
            {("Q1", "invalid_evidence_url")},
            "contains spaces",
            id="evidence-malformed",
        ),
        pytest.param(with_answer("Q8", answer="TBD"), {("Q8", "placeholder")}, "answer contains 'TBD'", id="tbd"),
        pytest.param(
            with_answer("Q5", evidence_note="TODO find source"), {("Q5", "placeholder")}, "evidence note", id="note"
        ),
        pytest.param(with_answer("Q1", evidence_url="xx"), {("Q1", "placeholder")}, "evidence URL", id="url-xx"),
        pytest.param(with_answer("Q8", answer="Too short."), {("Q8", "text_too_short")}, "10 characters", id="short"),
        pytest.param(
            [*CLEAN_ANSWERS, {"question_id": "Q9", "answer": "The council"}],
            {("Q9", "dependency_conflict")},
            "'Q7 = Other' does not hold (Q7 is 'Agency')",
            id="dependency",
        ),
        pytest.param(
            with_answer("Q3", answer=dt.date(2023, 12, 31)),
            {("Q3", "outside_reference_period")},
            "before the reference period 2024-01-01 to 2024-12-31",
            id="before-period",
        ),
        pytest.param(
            with_answer("Q3", answer="2025-01-15"),
            {("Q3", "outside_reference_period")},
            "after the reference period",
            id="after-period",
        ),
        pytest.param(
            [*CLEAN_ANSWERS, {"question_id": "Q99", "answer": "Yes"}],
            {("Q99", "unknown_question")},
            "'Q99' is not a question",
            id="unknown",
        ),
        pytest.param(
            [*CLEAN_ANSWERS, {"question_id": None, "answer": "Yes"}],
            {("", "unknown_question")},
            "has no question_id",
            id="no-id",
        ),
        pytest.param(
            [*CLEAN_ANSWERS, {"question_id": "Q7", "answer": "Ministry"}],
            {("Q7", "duplicate_answer")},
            "rows 8 and 10 of Answers",
            id="duplicate",
        ),
    ],
)
def test_each_rule(workbook, answers, expected, words):
    flags = flags_of(workbook, answers=answers)
    assert pairs(flags) == expected
    assert any(words in f.message for f in flags), [f.message for f in flags]
    for f in flags:
        assert f.severity == ISSUE_RULES[f.rule]
        assert f.section == next((q["section"] for q in QUESTIONS if q["question_id"] == f.question_id), "")


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        pytest.param({"Q1": "Yes"}, {"Q1": "No"}, {"changed_since_previous", "regression"}, id="yes-to-no"),
        pytest.param({"Q1": "No"}, {"Q1": "Yes"}, {"changed_since_previous"}, id="no-to-yes"),
        pytest.param({"Q5": 95}, {"Q5": 90}, {"changed_since_previous", "regression"}, id="percent-down"),
        pytest.param({"Q6": 1000}, {"Q6": 2150}, {"changed_since_previous"}, id="number-up"),
        pytest.param({"Q6": 3000}, {"Q6": 2150}, {"changed_since_previous", "regression"}, id="number-down"),
        pytest.param({"Q4": "Web; App; Mailbox"}, {"Q4": "Web; Mailbox"}, {"changed_since_previous", "regression"}),
        pytest.param({"Q4": "Web"}, {"Q4": "Web; Mailbox"}, {"changed_since_previous"}, id="more-options"),
        pytest.param({"Q7": "Ministry"}, {"Q7": "Agency"}, {"changed_since_previous"}, id="choice"),
        pytest.param({"Q7": "agency"}, {"Q7": "Agency"}, set(), id="same-choice-other-case"),
        pytest.param({"Q6": "2150.0"}, {"Q6": 2150}, set(), id="same-number"),
        pytest.param({"Q4": "Mailbox; Web"}, {"Q4": "Web; Mailbox"}, set(), id="same-options-other-order"),
        pytest.param({"Q8": "A joint board agrees the common components."}, {}, set(), id="same-text"),
    ],
)
def test_against_the_previous_cycle(workbook, before, now, expected):
    previous, current = CLEAN_ANSWERS, CLEAN_ANSWERS
    for qid, value in before.items():
        previous = with_answer(qid, previous, answer=value)
    for qid, value in now.items():
        current = with_answer(qid, current, answer=value)
    flags = flags_of(workbook, answers=current, previous=previous)
    qid = next(iter(before))
    assert {f.rule for f in flags if f.question_id == qid} == expected
    compared = [f for f in flags if f.rule in {"changed_since_previous", "regression"}]
    assert {f.question_id for f in compared} <= {qid}
    for f in compared:
        assert "cycle 2023" in f.message


def test_a_question_answered_now_but_not_before_is_a_change_not_a_regression(workbook):
    previous = with_answer("Q6", answer=None)
    flags = flags_of(workbook, previous=previous)
    assert pairs(flags) == {("Q6", "changed_since_previous")}
    assert "was unanswered" in flags[0].message


def test_without_a_previous_cycle_no_comparison_is_made(workbook):
    flags = flags_of(workbook, answers=with_answer("Q1", answer="No"))
    assert not {f.rule for f in flags} & {"changed_since_previous", "regression"}


def test_a_question_that_does_not_apply_needs_no_answer(workbook):
    answers = [a for a in with_answer("Q1", answer="No") if a["question_id"] not in {"Q2", "Q3"}]
    assert flags_of(workbook, answers=answers) == []


def test_a_dependency_on_an_unanswered_question_is_not_guessed(workbook):
    """Q2 and Q3 depend on Q1: with Q1 missing, only Q1 is flagged."""
    answers = [a for a in CLEAN_ANSWERS if a["question_id"] not in {"Q1", "Q2", "Q3"}]
    assert pairs(flags_of(workbook, answers=answers)) == {("Q1", "missing_answer")}


def test_a_dependency_on_an_invalid_answer_is_not_guessed(workbook):
    answers = [a for a in with_answer("Q1", answer="Perhaps") if a["question_id"] not in {"Q2", "Q3"}]
    assert pairs(flags_of(workbook, answers=answers)) == {("Q1", "invalid_answer")}


@pytest.mark.parametrize(
    ("condition", "q4_answer", "applies"),
    [
        ("Q4 = Mailbox", "Web; Mailbox", True),
        ("Q4 = App", "Web; Mailbox", False),
        ("Q4 != App", "Web; Mailbox", True),
        ("Q4 in App; Mailbox", "Web; Mailbox", True),
        ("Q6 > 2000", None, True),
        ("Q6 <= 2000", None, False),
        ("Q3 >= 2024-07-01", None, False),
        ("Q8 answered", None, True),
        ("Q8 not answered", None, False),
        ("Q7 in Ministry; Agency", None, True),
    ],
)
def test_conditions(workbook, condition, q4_answer, applies):
    questions = [*QUESTIONS, {"question_id": "Q10", "section": "X", "question": "Follow-up", "answer_type": "text"}]
    questions[-1]["depends_on"] = condition
    answers = CLEAN_ANSWERS if q4_answer is None else with_answer("Q4", answer=q4_answer)
    flags = flags_of(workbook, answers=answers, questions=questions)
    assert (("Q10", "missing_answer") in pairs(flags)) is applies


@pytest.mark.parametrize(
    "text",
    ["TBD", "tbc", "TODO: check", "to be confirmed", "xx", "XXX", "20XX", "?", "???", "...", "…", "-",
     "Lorem ipsum dolor", "[insert link]", "<insert URL>", "We plan to...", "placeholder", "Figures are ?? for now"],
)  # fmt: skip
def test_placeholders_are_found(text):
    assert placeholder_in(text)


@pytest.mark.parametrize(
    "text",
    ["Yes", "No", "N/A", "Denmark's strategy 2022-2025", "https://example.org/xx-report-2024", "Is it online? Yes.",
     "A, B, and C.", "Exxon", "Box", "to do list for citizens", "0", "-5"],
)  # fmt: skip
def test_legitimate_text_is_not_a_placeholder(text):
    assert not placeholder_in(text)


def test_every_flag_says_what_to_check_and_names_its_question(workbook):
    answers = [
        *with_answer("Q1", answer="Maybe", evidence_url=None),
        {"question_id": "Q99", "answer": "?"},
    ]
    for f in flags_of(workbook, answers=answers):
        assert f.question_id in f.message and len(f.message) > 30


def test_answers_to_unknown_questions_come_last_and_flags_follow_the_questionnaire(workbook):
    answers = [
        {"question_id": "Q99", "answer": "x"},
        *with_answer("Q8", answer="TBD"),
        *with_answer("Q1", answer="")[:1],
    ]
    flags = flags_of(workbook, answers=answers)
    order = [f.question_id for f in flags]
    assert order.index("Q1") < order.index("Q8") < order.index("Q99")


# --- contradicts_published -----------------------------------------------------------------------------------------

EID_QUESTION = {
    "question_id": "E1",
    "section": "eID",
    "question": "Is there a national eID scheme?",
    "answer_type": "yes_no",
}


@pytest.mark.parametrize(
    ("answer", "score", "flagged"),
    [("No", 93.1, True), ("Yes", 93.1, False), ("No", 40.0, False)],
)
def test_an_answer_that_contradicts_a_published_figure(workbook, answer, score, flagged):
    lookup = fake_lookup({("eu_egov_benchmark", "eid"): score})
    flags = flags_of(
        workbook, questions=[EID_QUESTION], answers=[{"question_id": "E1", "answer": answer}], lookup=lookup
    )
    assert (("E1", "contradicts_published") in pairs(flags)) is flagged
    if flagged:
        message = flags[0].message
        assert "EU eGovernment Benchmark 2024 gives Denmark eID 93.1" in message and "mapping national_eid" in message


def test_no_published_figure_no_flag(workbook):
    flags = flags_of(
        workbook, questions=[EID_QUESTION], answers=[{"question_id": "E1", "answer": "No"}], lookup=fake_lookup({})
    )
    assert flags == []


def test_the_cross_border_question_is_not_read_as_the_national_eid(workbook):
    question = {**EID_QUESTION, "question": "Can users from other EU countries log in with their own national eID?"}
    lookup = fake_lookup({("eu_egov_benchmark", "eid"): 95.0, ("eu_egov_benchmark", "cross_border_eid"): 39.3})
    assert (
        flags_of(workbook, questions=[question], answers=[{"question_id": "E1", "answer": "No"}], lookup=lookup) == []
    )


def test_a_number_far_from_the_published_figure(workbook):
    question = {
        "question_id": "U1",
        "section": "Use",
        "question": "Share of internet users who submitted forms to public authorities online",
        "answer_type": "percent",
    }
    lookup = fake_lookup({("eu_desi", "egov_users"): 91.2})
    for answer, flagged in ((50, True), (85, False)):
        flags = flags_of(
            workbook, questions=[question], answers=[{"question_id": "U1", "answer": answer}], lookup=lookup
        )
        assert bool(flags) is flagged


# --- the demo --------------------------------------------------------------------------------------------------------


def test_the_demo_submission_exercises_every_rule(tmp_path):
    draft, previous = demo.write(tmp_path, today=dt.date(2026, 11, 1))
    lookup = fake_lookup({("un_egov", "epi"): 0.95})
    flags = check(read_submission(draft), read_submission(previous), lookup)
    assert {f.rule for f in flags} == set(ISSUE_RULES)
    clean = {"S1", "S2", "I1", "I5"}
    assert not clean & {f.question_id for f in flags}
    assert rules.has_errors(flags) and rules.counts(flags)["error"] == 8
