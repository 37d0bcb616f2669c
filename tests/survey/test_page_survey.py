"""The Survey check page (Streamlit AppTest): readiness, filters, decisions with four eyes, stale decisions,
persistence across sessions, user text never interpreted as Markdown."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from rankings import ingest
from rankings.demo import write_demo
from rankings.survey import demo
from rankings.survey.store import SurveyStore
from rankings.survey.template import template_bytes, write_workbook
from survey.conftest import CLEAN_ANSWERS, META, QUESTIONS, write_xlsx

DRAFT_ID = "digital-government-survey-demo-fictitious-answers_2026_dnk"
PREVIOUS_ID = "digital-government-survey-demo-fictitious-answers_2024_dnk"


@pytest.fixture(scope="module")
def ranking_store(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("rankings")
    write_demo(tmp / "raw")
    ingest.ingest(tmp / "raw", tmp / "processed")
    shutil.rmtree(tmp / "processed" / "surveys", ignore_errors=True)
    return tmp / "processed"


@pytest.fixture
def env(tmp_path, ranking_store, monkeypatch) -> tuple[Path, Path]:
    """A copy of the demo ranking store and an empty survey folder, for this test alone."""
    processed, surveys = tmp_path / "processed", tmp_path / "surveys"
    shutil.copytree(ranking_store, processed)
    surveys.mkdir()
    monkeypatch.setenv("RANKINGS_PROCESSED", str(processed))
    monkeypatch.setenv("RANKINGS_SURVEYS", str(surveys))
    monkeypatch.chdir(ROOT)
    return processed, surveys


def open_page(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/survey.py")
    at.run()
    assert not at.exception, at.exception
    return at


def with_demo(surveys: Path) -> None:
    demo.write(surveys / "demo", today=dt.date.today())


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def decide(at: AppTest, qid: str, person: str, status: str = "Verified", comment: str = "") -> AppTest:
    at.selectbox(key="decide_question").select(qid).run()
    at.text_input(key="decide_person").input(person)
    at.radio(key="decide_status").set_value({"Verified": "verified", "Needs change": "needs_change"}[status])
    at.text_area(key="decide_comment").input(comment)
    button(at, "Record decision").click().run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def flag_rows(at: AppTest):
    return next(df.value for df in at.dataframe if "rule" in df.value.columns and "message" in df.value.columns)


def test_without_submissions_the_page_explains_what_to_do(env):
    at = open_page()
    assert at.title[0].value == "Survey check"
    assert any("No submission is stored yet" in i.value for i in at.info)
    assert not at.metric


def test_the_demo_submission(env):
    _, surveys = env
    with_demo(surveys)
    at = open_page()
    assert any("Demo submission" in w.value for w in at.warning)
    assert metrics(at) == {"Errors": "8", "Warnings": "8", "Verified": "0%", "Deadline": "40 days"}
    rows = flag_rows(at)
    assert len(rows) == 25
    assert set(rows["rule"]) >= {"contradicts_published", "regression", "placeholder", "unknown_question"}
    assert set(rows["status"]) == {"open"}
    assert any("compared with cycle 2024" in c.value for c in at.caption)


def test_filters(env):
    _, surveys = env
    with_demo(surveys)
    at = open_page()
    at.multiselect[0].set_value(["error"]).run()
    assert set(flag_rows(at)["severity"]) == {"error"} and len(flag_rows(at)) == 8
    at.multiselect[2].set_value(["Data"]).run()
    assert set(flag_rows(at)["question_id"]) == {"D1", "D2", "D3", "D4"}
    assert any("4 of 25 flags" in c.value for c in at.caption)


def test_a_decision_is_recorded_kept_across_sessions_and_shown_in_the_trail(env):
    _, surveys = env
    with_demo(surveys)
    at = decide(open_page(), "I2", "Anna Jensen", "Verified", "Checked against the catalogue")
    assert any("Recorded: I2 verified" in s.value.replace("\\", "") for s in at.success)
    rows = flag_rows(at)
    assert set(rows[rows["question_id"] == "I2"]["status"]) == {"verified"}
    assert at.text_area(key="decide_comment").value == ""
    again = open_page()  # a new session, as after a restart
    assert metrics(again)["Verified"] == "7%"  # 1 of 14 flagged answers
    trail = [df.value for df in again.dataframe if "kind" in df.value.columns][-1]  # the whole submission's
    assert "decision" in set(trail["kind"])


def test_four_eyes_on_the_page(env):
    _, surveys = env
    with_demo(surveys)
    at = decide(open_page(), "I2", "mikkel sørensen")  # I2 was answered by Mikkel Sørensen
    assert any("cannot verify their own answer" in e.value for e in at.error)
    assert set(flag_rows(at).query("question_id == 'I2'")["status"]) == {"open"}


def test_needs_change_needs_a_comment(env):
    _, surveys = env
    with_demo(surveys)
    at = decide(open_page(), "D3", "Sofie Holm", "Needs change", "")
    assert any("a comment is required" in e.value for e in at.error)
    at = decide(at, "D3", "Sofie Holm", "Needs change", "Ask the data office for the share")
    assert set(flag_rows(at).query("question_id == 'D3'")["status"]) == {"needs change"}


def test_a_decision_on_an_answer_changed_meanwhile_is_refused(env):
    processed, surveys = env
    with_demo(surveys)
    at = open_page()
    at.selectbox(key="decide_question").select("I2").run()
    # meanwhile another coordinator stores a new version of the draft in which I2 changed
    draft = surveys / "demo" / demo.DRAFT_FILE
    answers = [({**a, "answer": 91} if a["question_id"] == "I2" else a) for a in demo.DRAFT_ANSWERS]
    meta = {**META, "survey": demo.SURVEY, "cycle": "2026", "reference_period_start": dt.date(2025, 1, 1)}
    meta["reference_period_end"] = dt.date(2025, 12, 31)
    write_workbook(draft, meta, demo.QUESTIONS, answers)
    SurveyStore(processed).sync(surveys)
    at.text_input(key="decide_person").input("Anna Jensen")
    button(at, "Record decision").click().run()
    assert any("changed after this decision was prepared" in e.value for e in at.error)
    assert "Answer: 91" in [t.value for t in at.text]  # the page now shows the answer as it is


def test_the_submission_comes_from_the_url(env):
    _, surveys = env
    with_demo(surveys)
    at = open_page(submission=PREVIOUS_ID)
    assert "cycle 2024" in at.subheader[0].value.replace("\\", "")
    assert metrics(at)["Errors"] == "0"


def test_text_from_the_workbook_is_never_markdown(env):
    _, surveys = env
    meta = {**META, "survey": "**Loud** :red[alarm] [click](https://evil.example) $x$"}
    answers = [*CLEAN_ANSWERS, {"question_id": "Q99", "answer": "<b>**bold**</b>", "answered_by": "_Eve_"}]
    write_workbook(surveys / "hostile.xlsx", meta, QUESTIONS, answers)
    at = open_page()
    heading = at.subheader[0].value
    assert "\\*\\*Loud\\*\\*" in heading and "\\:red\\[alarm\\]" in heading and "\\$x\\$" in heading
    at.selectbox(key="decide_question").select("Q99").run()
    texts = [t.value for t in at.text]
    assert "Answer: <b>**bold**</b>" in texts and "Answered by: _Eve_" in texts


def test_workbooks_that_cannot_be_read_are_listed(env):
    _, surveys = env
    write_xlsx(surveys / "half.xlsx", {"Submission": [["survey", "x"]]})
    at = open_page()
    assert any("1 workbook(s) in the survey folder cannot be read" in e.label for e in at.expander)


def test_the_report_and_the_template_can_be_downloaded(env):
    _, surveys = env
    with_demo(surveys)
    at = open_page()
    labels = [b.label for b in at.get("download_button")]
    assert "Download the template" in labels and "Download the report (Excel)" in labels


def test_a_clean_submission_past_its_deadline(env):
    _, surveys = env
    (surveys / "template.xlsx").write_bytes(template_bytes())  # clean, deadline 2025-06-30
    at = open_page()
    assert metrics(at) == {"Errors": "0", "Warnings": "0", "Verified": "—", "Deadline": "Overdue"}
    assert at.metric[3].delta.endswith("days")
    assert any("No flags" in s.value for s in at.success)
    assert any("Nothing to verify" in i.value for i in at.info)
