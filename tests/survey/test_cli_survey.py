"""``python -m rankings survey check|sync``: output formats and exit codes (0 no error flag, 1 errors, 2 unreadable)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from rankings.cli import main
from survey.conftest import CLEAN_ANSWERS, sheets_of, with_answer, write_xlsx


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["survey", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_submission_exits_0(capsys, workbook, tmp_path):
    code, out, err = run(capsys, "check", str(workbook()), "--processed", str(tmp_path / "none"))
    assert code == 0 and err == ""
    assert out.splitlines()[-1] == "Test survey 2025, Denmark: 0 errors, 0 warnings, 0 info"


def test_errors_exit_1_and_the_table_lists_every_flag(capsys, workbook, tmp_path):
    answers = with_answer("Q1", answer="TBD")
    answers = with_answer("Q8", answers, answer="Short")
    code, out, _ = run(capsys, "check", str(workbook(answers=answers)), "--processed", str(tmp_path / "none"))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split() == ["question", "severity", "rule", "message"]
    assert any(line.startswith("Q1") and "error" in line and "placeholder" in line for line in lines)
    assert any(line.startswith("Q8") and "warning" in line and "text_too_short" in line for line in lines)
    assert lines[-1].endswith("1 errors, 1 warnings, 0 info")


def test_warnings_alone_exit_0(capsys, workbook, tmp_path):
    answers = with_answer("Q1", evidence_url="http://example.org/strategy")
    code, out, _ = run(capsys, "check", str(workbook(answers=answers)), "--processed", str(tmp_path / "none"))
    assert code == 0 and "invalid_evidence_url" in out


def test_json_output_with_a_previous_cycle(capsys, workbook, tmp_path):
    draft = workbook(answers=with_answer("Q5", answer=80))
    previous = workbook("previous.xlsx", meta={"cycle": "2023"})
    code, out, _ = run(
        capsys, "check", str(draft), "--previous", str(previous), "--format", "json", "--processed", str(tmp_path)
    )
    assert code == 0
    flags = json.loads(out)
    assert all(set(f) == {"question_id", "rule", "severity", "message"} for f in flags)
    assert {(f["question_id"], f["rule"], f["severity"]) for f in flags} == {
        ("Q5", "changed_since_previous", "info"),
        ("Q5", "regression", "warning"),
    }


def test_json_output_is_an_empty_list_when_clean(capsys, workbook, tmp_path):
    code, out, _ = run(capsys, "check", str(workbook()), "--format", "json", "--processed", str(tmp_path))
    assert code == 0 and json.loads(out) == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "absent.xlsx", "absent.xlsx: does not exist"),
        (lambda tmp: (tmp / "notes.csv").write_text("a,b") and tmp / "notes.csv", "is not an Excel workbook (.xlsx)"),
        (
            lambda tmp: write_xlsx(tmp / "partial.xlsx", {"Submission": sheets_of()["Submission"]}),
            "lacks the sheets 'Questions', 'Answers'",
        ),
        (
            lambda tmp: write_xlsx(
                tmp / "cols.xlsx",
                {**sheets_of(), "Answers": [["question_id", "answer"], ["Q1", "Yes"]]},
            ),
            "lacks the columns evidence_url, evidence_note, answered_by, answered_on, comment",
        ),
    ],
)
def test_unreadable_input_exits_2_with_one_line(capsys, tmp_path, make, message):
    path = make(tmp_path)
    code, out, err = run(capsys, "check", str(path))
    assert code == 2 and out == ""
    assert err.startswith(f"error: {path}") and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_previous_cycle_of_another_country_exits_2(capsys, workbook):
    previous = workbook("previous.xlsx", meta={"cycle": "2023", "country": "SWE"})
    code, _, err = run(capsys, "check", str(workbook()), "--previous", str(previous))
    assert code == 2 and "is the submission of Sweden, not of Denmark" in err


def test_terminal_control_characters_in_answers_are_not_printed(capsys, tmp_path):
    from rankings.survey.template import write_workbook
    from survey.conftest import META, QUESTIONS

    path = tmp_path / "esc.xlsx"
    write_workbook(path, META, QUESTIONS, [*CLEAN_ANSWERS, {"question_id": "Q\u009b2J", "answer": "x"}])
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1 and "\x1b" not in out and "\u009b" not in out


def test_sync(capsys, workbook, tmp_path):
    surveys = tmp_path / "surveys"
    workbook("draft.xlsx", folder=surveys, answers=with_answer("Q1", answer="TBD"))
    code, out, err = run(capsys, "sync", "--surveys", str(surveys), "--processed", str(tmp_path / "processed"))
    assert code == 0 and err == ""
    assert "stored: draft.xlsx" in out and "test-survey_2025_dnk: 1 errors, 0 warnings (draft.xlsx)" in out
    (surveys / "broken.xlsx").write_bytes(b"nope")
    code, _, err = run(capsys, "sync", "--surveys", str(surveys), "--processed", str(tmp_path / "processed"))
    assert code == 1 and "failed: broken.xlsx" in err
    code, _, err = run(capsys, "sync", "--surveys", str(tmp_path / "absent"))
    assert code == 2 and "does not exist" in err


def test_the_real_entry_point(workbook, tmp_path):
    """``python -m rankings survey check`` in a fresh process: exit status and JSON on stdout."""
    path = workbook(answers=with_answer("Q6", answer="lots"))
    cmd = [sys.executable, "-m", "rankings", "survey", "check", str(path), "--format", "json"]
    done = subprocess.run([*cmd, "--processed", str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)[0]["rule"] == "invalid_answer"
    usage = subprocess.run([sys.executable, "-m", "rankings", "survey"], cwd=ROOT, capture_output=True, text=True)
    assert usage.returncode == 2 and "check" in usage.stderr
