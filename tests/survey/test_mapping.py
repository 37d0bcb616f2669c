"""The reviewed question-to-indicator mappings: valid reference data, and right on the published figures."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from conftest import REALDATA, ROOT
from rankings import ingest, metadata
from rankings.cli import build_parser
from rankings.survey import mapping
from rankings.survey.rules import RULES, check
from rankings.survey.workbook import read_submission

DOC = (ROOT / "docs" / "survey-check.md").read_text(encoding="utf-8")

QUESTIONS = {
    "national_eid": ("Is there a national eID scheme for citizens?", "yes_no"),
    "cross_border_eid": ("Can users from other EU countries log in with their own national eID?", "yes_no"),
    "digital_post": ("Is there a digital mailbox (digital post) for citizens?", "yes_no"),
    "prefilled_forms": ("Are online forms pre-filled with data the administration holds (once only)?", "yes_no"),
    "edocuments": ("Can citizens submit documents electronically to the administration?", "yes_no"),
    "e_participation": ("Does the portal offer online consultations (e-participation)?", "yes_no"),
    "open_data_portal": ("Is there a national open government data portal?", "yes_no"),
    "egov_users": ("Share of internet users who submitted forms to public authorities online", "percent"),
}


def test_every_mapping_is_valid_and_points_at_a_real_indicator():
    found = mapping.mappings()
    assert {m.id for m in found} == set(QUESTIONS)
    for m in found:
        assert (m.source, m.indicator) in metadata.indicators(), m.id
        assert m.why and m.title


def test_each_question_is_matched_by_its_own_mapping_only():
    from rankings.survey.workbook import Question

    for mid, (text, atype) in QUESTIONS.items():
        q = Question("X1", "s", text, atype, (), False, "", None, 2)
        assert [m.id for m in mapping.mappings() if m.matches(q)] == [mid], text


def test_a_malformed_mapping_file_is_refused(tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_text(
        "mappings:\n  - {id: x, question: {text: 'eid'}, answer_types: [yes_no], answer: {equals: 'No'},\n"
        "     published: {source: un_egov, indicator: nonexistent, value: '>= 1'}}\n"
    )
    with pytest.raises(ValueError, match="un_egov/nonexistent is not an indicator"):
        mapping.mappings(bad)


@pytest.fixture(scope="module")
def real_store(tmp_path_factory) -> Path:
    if not REALDATA.is_dir():
        pytest.skip(f"real published files not available ({REALDATA} is absent)")
    processed = tmp_path_factory.mktemp("real") / "processed"
    ingest.ingest(REALDATA, processed)
    return processed


@pytest.mark.realdata
def test_denmarks_published_figures(real_store, workbook):
    """Denmark answering 'No' everywhere (and 50% e-government users) against the real published files."""
    questions = [
        {"question_id": mid, "section": "s", "question": text, "answer_type": atype}
        for mid, (text, atype) in QUESTIONS.items()
    ]
    answers = [
        {"question_id": mid, "answer": "No" if atype == "yes_no" else 50} for mid, (_, atype) in QUESTIONS.items()
    ]
    sub = read_submission(workbook(questions=questions, answers=answers))
    flags = check(sub, None, mapping.published_lookup(real_store))
    assert {f.question_id for f in flags if f.rule == "contradicts_published"} == set(QUESTIONS) - {"cross_border_eid"}
    eid = next(f for f in flags if f.question_id == "national_eid")
    assert "EU eGovernment Benchmark 2023 gives Denmark eID 93.1" in eid.message
    assert "reference period 2021+2022" in eid.message and "demo" not in eid.message
    yes = [{**a, "answer": "Yes"} if a["answer"] == "No" else {**a, "answer": 90} for a in answers]
    sub = read_submission(workbook("yes.xlsx", questions=questions, answers=yes))
    assert check(sub, None, mapping.published_lookup(real_store)) == []


def test_the_documentation_covers_every_rule_mapping_and_option():
    for rule in RULES.values():
        assert f"| `{rule.id}` | {rule.severity} |" in DOC, rule.id
    for m in mapping.mappings():
        assert f"`{m.id}`" in DOC, m.id
    parser = build_parser()
    survey = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices["survey"]
    for name, sub in next(a for a in survey._actions if isinstance(a, argparse._SubParsersAction)).choices.items():
        assert f"python -m rankings survey {name}" in DOC
        for action in sub._actions:
            for flag in action.option_strings:
                if flag not in {"-h", "--help"}:
                    assert flag in DOC, f"survey {name} {flag}"
    for view in ("submissions", "questions", "answers", "survey_flags", "decisions"):
        assert f"| `{view}` |" in DOC


def test_a_revised_figure_is_checked_as_it_stands_now_and_the_flag_says_it_was_revised(tmp_path, workbook):
    """The store's current figure counts; the flag names the revision and the value it replaced."""
    from conftest import UN_HEADER

    raw, processed = tmp_path / "raw", tmp_path / "processed"
    raw.mkdir()
    csv = raw / "EGOV_DATA_2024.csv"
    dk = '2024,"Denmark ",1,0.98470,{epi},0.99800,0.95760,0.99850\n'
    csv.write_text(UN_HEADER + "\n" + dk.format(epi="0.70000"))
    ingest.ingest(raw, processed)
    question = {
        "question_id": "P1",
        "section": "s",
        "question": QUESTIONS["e_participation"][0],
        "answer_type": "yes_no",
    }
    sub = read_submission(workbook(questions=[question], answers=[{"question_id": "P1", "answer": "No"}]))
    assert check(sub, None, mapping.published_lookup(processed)) == []  # 0.70: below the mapping's 0.75

    csv.write_text(UN_HEADER + "\n" + dk.format(epi="0.80000"))  # the publisher's correction
    assert ingest.ingest(raw, processed).revisions
    flags = [f for f in check(sub, None, mapping.published_lookup(processed)) if f.rule == "contradicts_published"]
    assert len(flags) == 1
    message = flags[0].message
    assert "gives Denmark EPI 0.8000 (index, reference period 2024; the publisher revised this figure, stored 20" in (
        message
    )
    assert "(previously 0.7000))" in message
