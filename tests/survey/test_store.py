"""The survey store: the survey folder mirrored into Parquet, readable through DuckDB; uploads checked first."""

from __future__ import annotations

import os

import pytest

from rankings import db
from rankings.demo import survey_demo_folder, write_demo
from rankings.errors import InputError
from rankings.ingest import scan
from rankings.survey.store import SurveyStore, cycle_key
from survey.conftest import CLEAN_ANSWERS, sheets_of, with_answer, write_xlsx


@pytest.fixture
def folders(tmp_path):
    return tmp_path / "surveys", tmp_path / "processed"


def touch_later(path, seconds: int = 10) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 10**9))


def test_sync_stores_normalised_parts_and_is_idempotent(folders, workbook):
    surveys, processed = folders
    workbook("draft.xlsx", folder=surveys)
    store = SurveyStore(processed)
    report = store.sync(surveys)
    assert report.stored == ["draft.xlsx"] and report.flagged == ["test-survey_2025_dnk"]
    assert list((processed / "surveys" / "parts").rglob("*.parquet"))
    generation = store.load_manifest().generation
    again = store.sync(surveys)
    assert again.stored == [] and again.flagged == [] and store.load_manifest().generation == generation
    sub = store.load("test-survey_2025_dnk")
    assert len(sub.answers) == len(CLEAN_ANSWERS) and store.flags("test-survey_2025_dnk") == []


def test_the_survey_views_in_duckdb(folders, workbook):
    surveys, processed = folders
    workbook("draft.xlsx", folder=surveys, answers=with_answer("Q6", answer="many"))
    store = SurveyStore(processed)
    store.sync(surveys)
    q = lambda sql: db.query(sql, processed=processed)  # noqa: E731
    assert q("SELECT count(*) AS n FROM questions")["n"][0] == 9
    assert q("SELECT answer FROM answers WHERE question_id = 'Q6'")["answer"][0] == "many"
    flags = q("SELECT question_id, rule, severity FROM survey_flags")
    assert flags.to_dict("records") == [{"question_id": "Q6", "rule": "invalid_answer", "severity": "error"}]
    subs = q("SELECT submission_id, country, is_current, errors FROM submissions")
    assert subs.to_dict("records") == [
        {"submission_id": "test-survey_2025_dnk", "country": "DNK", "is_current": True, "errors": 1}
    ]
    assert q("SELECT count(*) AS n FROM decisions WHERE kind = 'decision'")["n"][0] == 0
    sub = store.load("test-survey_2025_dnk")
    store.decisions.record(sub.submission_id, "Q6", sub.fingerprints()["Q6"], "needs_change", "Bo Holm", "Digits")
    # a decision changes the views at once (the connection is rebuilt when the survey store changes)
    assert q("SELECT person FROM decisions WHERE kind = 'decision'")["person"].tolist() == ["Bo Holm"]


def test_empty_survey_views(tmp_path):
    for view in ("submissions", "questions", "answers", "survey_flags", "decisions"):
        assert db.query(f"SELECT * FROM {view}", processed=tmp_path / "empty").empty


def test_a_changed_workbook_is_a_new_version_and_a_broken_one_keeps_the_last_good(folders, workbook):
    surveys, processed = folders
    path = workbook("draft.xlsx", folder=surveys)
    store = SurveyStore(processed)
    store.sync(surveys)
    workbook("draft.xlsx", folder=surveys, answers=with_answer("Q1", answer="TBD"))
    touch_later(path)
    report = store.sync(surveys)
    assert report.stored == ["draft.xlsx"]
    assert [f.rule for f in store.flags("test-survey_2025_dnk")] == ["placeholder"]
    path.write_bytes(b"not a workbook at all")
    touch_later(path, 20)
    report = store.sync(surveys)
    assert report.failed and "is named .xlsx but is not an Excel workbook" in report.failed[0][1]
    table = store.submissions()
    assert table["status"].tolist() == ["failed"] and "last good version is kept" in table["message"][0]
    assert store.load("test-survey_2025_dnk").answers[0].answer == "TBD"  # the last good version
    path.unlink()
    assert store.sync(surveys).removed == ["draft.xlsx"]
    assert store.submissions().empty and store.current() == {}
    assert not list((processed / "surveys" / "parts").rglob("*.parquet"))  # unreferenced parts are deleted


def test_a_workbook_that_never_was_good_is_listed_with_its_message(folders):
    surveys, processed = folders
    sheets = sheets_of()
    del sheets["Answers"]
    write_xlsx(surveys / "incomplete.xlsx", sheets)
    (surveys / "~$draft.xlsx").write_bytes(b"office lock file")
    (surveys / "notes.txt").write_text("not a workbook")
    report = SurveyStore(processed).sync(surveys)
    assert [r for r, _ in report.failed] == ["incomplete.xlsx"]
    assert "lacks the sheet 'Answers'" in report.failed[0][1]


def test_the_newest_workbook_of_a_submission_is_current(folders, workbook):
    surveys, processed = folders
    workbook("v1.xlsx", folder=surveys, answers=with_answer("Q1", answer="No"))
    newer = workbook("v2.xlsx", folder=surveys)
    touch_later(newer)
    store = SurveyStore(processed)
    report = store.sync(surveys)
    assert report.superseded == ["v1.xlsx"]
    assert store.current()["test-survey_2025_dnk"].path == "v2.xlsx"
    assert store.submissions().set_index("file")["is_current"].to_dict() == {"v1.xlsx": False, "v2.xlsx": True}


def test_the_previous_cycle_is_found_by_survey_and_country(folders, workbook):
    surveys, processed = folders
    workbook("2025.xlsx", folder=surveys, meta={"survey": "Test survey 2025"}, answers=with_answer("Q1", answer="No"))
    workbook("2023.xlsx", folder=surveys, meta={"survey": "Test survey 2023", "cycle": "2023"})
    workbook("2021.xlsx", folder=surveys, meta={"survey": "Test survey", "cycle": "2021"})
    workbook("sweden.xlsx", folder=surveys, meta={"country": "SWE", "cycle": "2024"})
    workbook("other.xlsx", folder=surveys, meta={"survey": "Another survey", "cycle": "2024"})
    store = SurveyStore(processed)
    store.sync(surveys)
    draft = "test-survey-2025_2025_dnk"
    previous = store.previous(draft)
    assert previous is not None and previous.meta.cycle == "2023"
    rules = {f.rule for f in store.flags(draft) if f.question_id == "Q1"}
    assert {"changed_since_previous", "regression"} <= rules
    assert store.previous("test-survey_2021_dnk") is None


def test_cycles_sort_naturally():
    assert sorted(["2025", "2023-2024", "2023", "9"], key=cycle_key) == ["9", "2023", "2023-2024", "2025"]


def test_an_upload_is_checked_before_it_is_stored(folders, workbook, tmp_path):
    surveys, processed = folders
    store = SurveyStore(processed)
    good = workbook("mine.xlsx").read_bytes()
    for data, name, message in (
        (good, "draft.csv", "is not an .xlsx workbook"),
        (b"", "draft.xlsx", "is empty"),
        (b"PK\x03\x04 broken", "draft.xlsx", "damaged or truncated"),
        (b"<html>login page</html>", "draft.xlsx", "its content is an HTML page"),
        (b"x" * (21 * 1024 * 1024), "big.xlsx", "uploads over 20 MB are refused"),
    ):
        with pytest.raises(InputError) as err:
            store.save_upload(data, name, surveys)
        assert message in err.value.message
    assert not [p for p in surveys.rglob("*") if p.is_file()]  # nothing was kept
    sub = store.save_upload(good, "../../mine.xlsx", surveys)
    assert (surveys / "uploads" / "test-survey_2025_dnk.xlsx").is_file()
    assert store.current()[sub.submission_id].path == "uploads/test-survey_2025_dnk.xlsx"
    # a new upload of the same submission replaces the earlier one
    changed = write_xlsx(tmp_path / "v2.xlsx", sheets_of(answers=with_answer("Q1", answer="No")))
    store.save_upload(changed.read_bytes(), "v2.xlsx", surveys)
    assert store.load(sub.submission_id).answers[0].answer == "No"
    assert len(list((surveys / "uploads").iterdir())) == 1


def test_an_uploaded_previous_cycle_must_match_the_draft(folders, workbook):
    surveys, processed = folders
    store = SurveyStore(processed)
    draft = store.save_upload(workbook("d.xlsx").read_bytes(), "d.xlsx", surveys)
    sweden = workbook("s.xlsx", meta={"country": "Sweden", "cycle": "2023"}).read_bytes()
    with pytest.raises(InputError, match="is the submission of Sweden"):
        store.save_upload(sweden, "s.xlsx", surveys, previous_of=draft)
    later = workbook("l.xlsx", meta={"cycle": "2027"}).read_bytes()
    with pytest.raises(InputError, match="not a cycle before the draft's"):
        store.save_upload(later, "l.xlsx", surveys, previous_of=draft)
    earlier = workbook("e.xlsx", meta={"cycle": "2023"}).read_bytes()
    store.save_upload(earlier, "e.xlsx", surveys, previous_of=draft)
    assert store.previous(draft.submission_id).meta.cycle == "2023"


def test_the_demo_writes_surveys_beside_the_raw_folder_and_ingest_ignores_them(tmp_path):
    write_demo(tmp_path / "raw")
    folder = survey_demo_folder(tmp_path / "raw")
    assert folder == (tmp_path / "surveys" / "demo").resolve()
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["demo-survey-2024-submitted.xlsx", "demo-survey-2026-draft.xlsx"]
    data_files, _ = scan(tmp_path / "raw")
    assert not [p for p in data_files if "survey" in p.name]
    store = SurveyStore(tmp_path / "processed")
    report = store.sync(tmp_path / "surveys")
    assert len(report.stored) == 2 and not report.failed
