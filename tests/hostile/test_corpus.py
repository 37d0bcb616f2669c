"""Every file of the hostile corpus, ingested into a store that already holds the layout's valid file.

A broken file fails alone, with one line that names the file and says what is wrong (no traceback), and the
stored observations stay byte for byte what they were; a file in another encoding, delimiter or decimal mark is
read exactly like the valid one. The same files through the app's upload check, and the survey workbook's
variants through the survey store.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from test_ingest import store_bytes

from hostile.corpus import (
    LAYOUT,
    LAYOUTS,
    SCRIPT,
    VARIANT_NAMES,
    Variant,
    corpus,
    survey_valid,
    survey_variants,
)
from rankings import db, ingest, uploads
from rankings.survey.store import SurveyStore

CSV_ONLY = {"workbook_renamed", "huge_field", "latin1", "utf8_bom", "utf16_tabs", "semicolons"}
XLSX_ONLY = {"csv_renamed", "zip_bomb", "gigabyte_bomb", "lying_bomb", "sparse_bomb", "far_cell"}
XLSX_ONLY |= {"formula", "formula_cached"}
CASES = [
    (layout.key, name)
    for layout in LAYOUTS
    for name in VARIANT_NAMES
    if not (name in CSV_ONLY and not layout.is_csv) and not (name in XLSX_ONLY and layout.is_csv)
]
COMPARED = ["source", "edition", "reference_period", "entity", "indicator", "value", "value_status", "decimals"]
COMPARED += ["rank", "rank_official", "iso3", "source_row"]
SECONDS = 10  # a safety bound per file, not a performance target


@pytest.fixture(scope="session")
def variants(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Variant]:
    return {(v.layout, v.name): v for v in corpus(tmp_path_factory.mktemp("corpus"))}


@pytest.fixture(scope="session")
def stored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path, pd.DataFrame]]:
    """Per layout: a raw folder with its valid file, a store holding it, and its stored observations."""
    out = {}
    for layout in LAYOUTS:
        root = tmp_path_factory.mktemp(layout.key)
        raw, processed = root / "raw", root / "processed"
        raw.mkdir()
        (raw / layout.filename).write_bytes(layout.build(root / "scratch"))
        report = ingest.ingest(raw, processed)
        assert [r.status for r in report.results] == ["stored"], report.results
        out[layout.key] = (raw, processed, observations(processed))
        db.reset()
    return out


def observations(processed: Path) -> pd.DataFrame:
    df = db.query(f"SELECT {', '.join(COMPARED)} FROM observations", processed=processed)
    return df.sort_values(COMPARED[:5]).reset_index(drop=True)


def parts(processed: Path) -> dict[str, str]:
    return {k: v for k, v in store_bytes(processed).items() if k.startswith("observations/")}


def copy_store(stored_layout: tuple[Path, Path, pd.DataFrame], tmp_path: Path) -> tuple[Path, Path]:
    raw, processed, _ = stored_layout
    shutil.copytree(raw, tmp_path / "raw")
    shutil.copytree(processed, tmp_path / "processed")
    return tmp_path / "raw", tmp_path / "processed"


@pytest.mark.parametrize(("layout", "name"), CASES, ids=[f"{k}-{n}" for k, n in CASES])
def test_a_hostile_file_fails_alone_with_one_clear_message_and_the_store_unchanged(
    layout, name, variants, stored, tmp_path
):
    variant = variants[(layout, name)]
    raw, processed = copy_store(stored[layout], tmp_path)
    before, live = parts(processed), ingest.Store(processed).load_manifest().live_parts()
    (raw / variant.filename).write_bytes(variant.data)  # replaces the stored file with the broken one

    started = time.monotonic()
    report = ingest.ingest(raw, processed)
    assert time.monotonic() - started < SECONDS
    db.reset()

    [result] = report.results
    assert result.path == variant.filename
    if variant.expect is None:  # another encoding, delimiter or decimal mark, an extra column: read the same
        assert result.status in ("stored", "unchanged"), result.message  # unchanged: an ASCII file in Latin-1
        assert_frame_equal(observations(processed), stored[layout][2])
        return
    assert result.status == "failed"
    message = result.message
    assert message.startswith(f"{variant.filename}: "), message
    assert variant.expect in message, message
    assert "Traceback" not in message and "\n" not in message and len(message) < 1500, message
    # The stored observations are byte for byte what they were, and the same parts are live (the views read
    # those); the manifest says the old version is served.
    assert parts(processed) == before
    manifest = ingest.Store(processed).load_manifest()
    assert manifest.live_parts() == live
    entry = manifest.files[variant.filename]
    assert entry.status == "failed" and entry.message.endswith(
        "(the previously stored version of this file is still used)"
    )


def assert_frame_equal(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_the_corpus_covers_every_layout_and_variant(variants):
    assert {k for k, _ in variants} == set(LAYOUT)
    assert set(variants) == set(CASES)
    assert sum(v.expect is None for v in variants.values()) >= 5 * 4  # the encodings of every CSV layout
    for variant in variants.values():
        assert variant.data or variant.name == "empty", variant.id


def test_a_country_named_with_a_script_is_shown_as_text_in_the_message(variants, stored, tmp_path):
    """The name is quoted as the file spells it: the message is text, and the pages show it as text."""
    from rankings.text import inert

    for layout in ("un_csv", "template_xlsx", "oecd_codes", "desi_csv"):
        variant = variants[(layout, "html_country")]
        raw, processed = copy_store(stored[layout], tmp_path / layout)
        (raw / variant.filename).write_bytes(variant.data)
        [result] = ingest.ingest(raw, processed).results
        assert repr(SCRIPT) in result.message
        shown = inert(result.message)
        assert "<script>" not in shown and "\\<script\\>" in shown


# ---------------------------------------------------------------------------------------------------- uploads


UPLOAD_CASES = [(k, n) for k, n in CASES if k in ("un_csv", "template_xlsx")]  # the same readers as ingest


@pytest.mark.parametrize(("layout", "name"), UPLOAD_CASES, ids=[f"{k}-{n}" for k, n in UPLOAD_CASES])
def test_an_upload_is_checked_completely_before_anything_is_written(layout, name, variants, tmp_path):
    variant = variants[(layout, name)]
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    raw.mkdir()
    result = uploads.check(variant.filename, variant.data, processed)
    assert result.ok is (variant.expect is None), result.message
    assert result.message.startswith(f"{variant.filename}: ")
    if variant.expect is not None:
        assert variant.expect in result.message
    assert not list(raw.rglob("*")) and not processed.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("report.pdf", "files of type .pdf are not accepted (.csv, .tsv, .xls, .xlsm, .xlsx)"),
        ("page.html", "files of type .html are not accepted"),
        ("setup.exe", "files of type .exe are not accepted"),
        ("data.csv.exe", "files of type .exe are not accepted"),
        ("no_suffix", "files of type (none) are not accepted"),
        ("book.xlsb", "files of type .xlsb are not accepted"),
    ],
)
def test_an_upload_of_another_type_is_refused_by_its_name(name, message, tmp_path):
    result = uploads.check(name, LAYOUT["un_csv"].build(tmp_path), tmp_path / "processed")
    assert not result.ok and result.message.startswith(f"{uploads.safe_name(name)}: {message}")
    assert not (tmp_path / "processed").exists()


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    def never(*_a, **_k):
        raise AssertionError("an upload over the limit was read")

    monkeypatch.setattr(ingest, "read_file", never)
    data = b"a" * (uploads.MAX_UPLOAD_BYTES + 1)
    result = uploads.check("big.csv", data, tmp_path / "processed")
    assert not result.ok and result.message == "big.csv: 52 MB is over the 52 MB limit"


def test_an_upload_name_cannot_leave_the_upload_folder(tmp_path):
    for name in ("../../etc/passwd.csv", "..\\..\\x.csv", "/abs/path.csv", f"{SCRIPT}.csv", "a\x00b.csv"):
        shown = uploads.safe_name(name)
        assert "/" not in shown and "\\" not in shown and "<" not in shown and "\x00" not in shown
        assert shown.endswith(".csv") and not shown.startswith(".")


def test_accept_refuses_what_check_refuses_by_type_and_size(tmp_path):
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    with pytest.raises(ingest.InputError, match=r"files of type \.pdf are not accepted"):
        uploads.accept("report.pdf", b"%PDF-1.7", raw, processed)
    with pytest.raises(ingest.InputError, match="over the 52 MB limit"):
        uploads.accept("big.csv", b"a" * (uploads.MAX_UPLOAD_BYTES + 1), raw, processed)
    assert not raw.exists() and not processed.exists()


# ---------------------------------------------------------------------------------------------------- survey


@pytest.fixture(scope="session")
def survey_corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Variant]:
    return {v.name: v for v in survey_variants(tmp_path_factory.mktemp("survey-corpus"))}


SURVEY_NAMES = [
    "empty", "pdf", "html_page", "csv_renamed", "truncated", "corrupt", "zip_bomb", "gigabyte_bomb", "lying_bomb",
    "sparse_bomb", "far_cell", "missing_sheet", "missing_column", "duplicate_question", "too_many_rows",
    "unknown_country", "html_country", "bad_date", "html_answer", "formula_answer", "out_of_range_answer",
]  # fmt: skip


def survey_store_bytes(processed: Path) -> dict[str, str]:
    return {k: v for k, v in store_bytes(processed / "surveys").items() if k.startswith("parts/")}


@pytest.mark.parametrize("name", SURVEY_NAMES)
def test_a_hostile_submission_workbook_fails_alone_and_keeps_the_last_good_version(name, survey_corpus, tmp_path):
    variant = survey_corpus[name]
    folder, processed = tmp_path / "surveys", tmp_path / "processed"
    folder.mkdir()
    path = folder / "draft.xlsx"
    path.write_bytes(survey_valid(tmp_path / "scratch"))
    store = SurveyStore(processed)
    assert store.sync(folder).stored == ["draft.xlsx"]
    sid = next(iter(store.current()))
    parts_before, trail_before = survey_store_bytes(processed), store.decisions.trail()
    path.write_bytes(variant.data)

    started = time.monotonic()
    report = store.sync(folder)
    assert time.monotonic() - started < SECONDS
    if variant.expect is None:
        assert report.stored == ["draft.xlsx"] and not report.failed
        return
    [(file, message)] = report.failed
    assert file == "draft.xlsx" and message.startswith("draft.xlsx: ") and variant.expect in message
    assert "Traceback" not in message and "\n" not in message
    assert survey_store_bytes(processed) == parts_before
    pd.testing.assert_frame_equal(store.decisions.trail(), trail_before)
    assert store.load(sid).answers  # the last good version is still the current one
    assert "(the last good version is kept)" in store.submissions().set_index("file").loc["draft.xlsx", "message"]


@pytest.mark.parametrize("name", SURVEY_NAMES)
def test_a_hostile_survey_upload_is_refused_before_anything_is_saved(name, survey_corpus, tmp_path):
    variant = survey_corpus[name]
    folder = tmp_path / "surveys"
    store = SurveyStore(tmp_path / "processed")
    if variant.expect is None:
        submission = store.save_upload(variant.data, "draft.xlsx", folder)
        assert (folder / "uploads" / f"{submission.submission_id}.xlsx").exists()
        return
    with pytest.raises(ingest.InputError) as err:
        store.save_upload(variant.data, "draft.xlsx", folder)
    assert variant.expect in err.value.message
    assert [p for p in folder.rglob("*") if p.is_file()] == []


def test_html_and_formulas_in_answers_are_carried_as_text(survey_corpus, tmp_path):
    folder, processed = tmp_path / "surveys", tmp_path / "processed"
    store = SurveyStore(processed)
    html = store.save_upload(survey_corpus["html_answer"].data, "html.xlsx", folder)
    assert {a.question_id: a.answer for a in html.answers}["Q8"] == SCRIPT + " and more"
    formula = store.save_upload(survey_corpus["formula_answer"].data, "formula.xlsx", folder)
    assert {a.question_id: a.answer for a in formula.answers}["Q6"] == "=2000+150"
    flags = store.flags(formula.submission_id)
    assert [(f.question_id, f.rule) for f in flags] == [("Q6", "invalid_answer")]
    assert "'=2000+150' is not a number" in flags[0].message
    stored = db.query("SELECT answer FROM answers WHERE question_id = 'Q6'", processed=processed)["answer"]
    assert stored.tolist() == ["=2000+150"]
