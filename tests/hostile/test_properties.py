"""Property-based tests: no input makes the readers or the survey rules raise anything but the project's own
:class:`~rankings.errors.InputError` (and what they return is well-formed).

The examples are derandomised, so the suite is the same on every run; ``HYPOTHESIS_PROFILE=explore`` runs ten
times as many random ones (``HYPOTHESIS_PROFILE=explore .venv/bin/python -m pytest tests/hostile/test_properties.py``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import readers.test_eu_desi as desi_tests
import readers.test_eu_egov_benchmark as eu_tests
import readers.test_oecd as oecd_tests
import readers.test_template as template_tests
import readers.test_wb_gtmi as wb_tests
import survey.conftest as survey_tests
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from conftest import UN_HEADER
from hostile.corpus import LAYOUT, sheet_part, zip_rewrite
from rankings import ingest, model
from rankings.errors import InputError
from rankings.survey import rules
from rankings.survey.mapping import Published
from rankings.survey.workbook import ANSWER_COLUMNS, ANSWER_TYPES, QUESTION_COLUMNS, read_submission

_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
_HEALTH += [HealthCheck.filter_too_much]
settings.register_profile("default", max_examples=100, deadline=None, derandomize=True, database=None)
settings.register_profile("explore", max_examples=1500, deadline=None, database=None)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
FUZZ = settings(PROFILE, suppress_health_check=_HEALTH)
FUZZ_WORKBOOKS = settings(FUZZ, max_examples=PROFILE.max_examples // 2)  # each example writes and reads a workbook


def reads_or_refuses(path: Path) -> None:
    """The property: an :class:`InputError` naming the file, or observations that pass the data contract."""
    try:
        _source, _layout, obs = ingest.read_file(path, path.name, "0" * 64)
    except InputError as exc:
        assert exc.file == path.name and exc.problem and "Traceback" not in exc.message
        return
    assert list(obs.columns) == model.COLUMNS
    model.validate(obs, path.name)


# ---------------------------------------------------------------------------------------------------- bytes

VALID = {suffix: LAYOUT[key].build for suffix, key in ((".csv", "un_csv"), (".xlsx", "un_xlsx"))}


@cache
def valid_file(key: str) -> bytes:
    """The valid file of a corpus layout (built once)."""
    return LAYOUT[key].build(Path(tempfile.mkdtemp(prefix="rankings-valid-")))


HEADS = [b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xd0\xcf\x11\xe0", UN_HEADER.encode() + b"\n"]


@FUZZ
@given(
    suffix=st.sampled_from([".csv", ".tsv", ".xlsx", ".xlsm", ".xls"]),
    head=st.sampled_from(HEADS),
    body=st.binary(max_size=2048),
)
def test_arbitrary_bytes_are_read_or_refused(tmp_path, suffix, head, body):
    path = tmp_path / f"file{suffix}"
    path.write_bytes(head + body)
    reads_or_refuses(path)


@FUZZ
@given(
    layout=st.sampled_from(sorted(LAYOUT)),
    changes=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=8)), max_size=6),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_a_valid_file_with_bytes_overwritten_or_cut_is_read_or_refused(tmp_path, layout, changes, cut):
    """Every layout's valid file (UN, EU workbook and machine-readable file, DESI, OECD, GTMI, template)."""
    suffix = LAYOUT[layout].suffix
    data = bytearray(valid_file(layout))
    for where, new in changes:
        at = int(where * len(data))
        data[at : at + len(new)] = new
    if cut is not None:
        data = data[: int(cut * len(data))]
    path = tmp_path / f"file{suffix}"
    path.write_bytes(bytes(data))
    reads_or_refuses(path)


_XML_PIECES = [
    '<row r="{n}">', "</row>", '<c r="{ref}">', '<c r="{ref}" t="s">', '<c r="{ref}" t="inlineStr"><is><t>x</t></is>',
    "<c>", "<c/>", "</c>", "<v>{n}</v>", "<v/>", "<f>1+1</f>", '<f t="shared" si="0"/>', "<v>a</v>", '<c t="e">',
    '<c r = "{ref}">', "<c r='{ref}'>", '<c s="1" r="{ref}">', "&amp;", "<x:c>", "\n",
]  # fmt: skip


@FUZZ
@given(
    pieces=st.lists(
        st.tuples(
            st.sampled_from(_XML_PIECES),
            st.integers(0, 2_000_000),
            st.sampled_from(["A", "B", "Z", "AA", "XFD", "ZZZ", "a", "", "$A$"]),
        ),
        max_size=30,
    ),
    junk=st.text(max_size=40),
    layout=st.sampled_from(sorted(k for k, v in LAYOUT.items() if not v.is_csv)),
)
def test_a_workbook_with_arbitrary_sheet_xml_is_read_or_refused(tmp_path, layout, pieces, junk):
    """Cells placed anywhere (far rows and columns, with and without references), formulas, junk."""
    xml = "".join(p.format(n=n, ref=f"{col}{n}") for p, n, col in pieces) + junk
    valid = valid_file(layout)
    part = sheet_part(valid, LAYOUT[layout].sheet or "")

    def change(name: str, data: bytes) -> bytes:
        return (
            data.replace(b"</sheetData>", xml.encode("utf-8", "surrogatepass") + b"</sheetData>")
            if name == part
            else data
        )

    path = tmp_path / "file.xlsx"
    path.write_bytes(zip_rewrite(valid, change))
    reads_or_refuses(path)


# ---------------------------------------------------------------------------------------------------- structured

NASTY = [
    "", " ", "..", ".", "-", "n/a", "NaN", "nan", "inf", "-inf", "Infinity", "1e308", "1e309", "-1e308", "1e-320",
    "0", "-0", "0,5", "1,234", "1.234,5", "7", "-3", "2024", "99999999999999999999", "0.98470", '"', '""', "'",
    "\n", "\r\n", "a\nb", "=1+1", "+1", "@SUM(A1)", "<script>alert(1)</script>", "Denmark", "DNK", "DK", "Türkiye",
    "Côte d'Ivoire", "\u00a0", "\ufeff", "🙂", "x" * 300, "None", "True", "EU27", "OECD_REP",
]  # fmt: skip


def cells(extra: list[str] | None = None) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY + (extra or [])),
        st.text(max_size=20),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers(-(10**20), 10**20).map(str),
        st.decimals(allow_nan=False, allow_infinity=False, places=5).map(str),
    )


def csv_file(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def rows_of(width: int, extra: list[str] | None = None) -> st.SearchStrategy[list[list[str]]]:
    return st.lists(st.lists(cells(extra), min_size=width, max_size=width), min_size=1, max_size=6)


UN_COLUMNS = UN_HEADER.split(",")
OECD_CODES = ["DG", "DG_D", "OUR", "OUR_DAV", "DNK", "EST", "OECD_REP", "IX", "2022", "2023", "0", "A"]
TEMPLATE_WORDS = ["test_ranking", "un_egov", "egdi", "overall", "2024", "2023", "true", "false", "score", "x y"]


@FUZZ
@given(rows=rows_of(len(UN_COLUMNS), ["2024", "1", "0.5"]), delimiter=st.sampled_from([",", ";", "\t"]))
def test_un_tables_with_arbitrary_cells_are_read_or_refused(tmp_path, rows, delimiter):
    reads_or_refuses(csv_file(tmp_path / "un.csv", UN_COLUMNS, rows, delimiter))


@FUZZ
@given(rows=rows_of(len(oecd_tests.CODES_ONLY), OECD_CODES), labels=st.booleans())
def test_oecd_exports_with_arbitrary_cells_are_read_or_refused(tmp_path, rows, labels):
    header = oecd_tests.LABELLED if labels else oecd_tests.CODES_ONLY
    width = len(header)
    rows = [(r * 2)[:width] for r in rows]
    reads_or_refuses(csv_file(tmp_path / "oecd.csv", header, rows))


@FUZZ
@given(rows=rows_of(len(template_tests.HEADER), TEMPLATE_WORDS), as_workbook=st.booleans())
def test_template_files_with_arbitrary_cells_are_read_or_refused(tmp_path, rows, as_workbook):
    header = template_tests.HEADER
    if not as_workbook:
        reads_or_refuses(csv_file(tmp_path / "t.csv", header, rows))
        return
    path = tmp_path / "t.xlsx"
    write_workbook(path, {"Ranking": [header, *([typed(c) for c in r] for r in rows)]})
    reads_or_refuses(path)


DESI_HEADER = next(csv.reader([desi_tests.HEADER]))
DESI_WORDS = ["desi", "desi_sliders", "desi_1_conn", "desi_5a1_egovu", "egov_score", "pc_ind_form", "od_score", "DK"]
GTMI_WORDS = ["DNK", "ROM", "KSV", "A", "B", "E", "2020", "2022", "0.5"]
MRF_WORDS = ["e_gov_0_score", "EGOV_LIFE_EVENTS", "e_gov_EVENTS_3", "eGov_score", "DK", "EU", "2022", "2021"]


@FUZZ
@given(
    desi=rows_of(len(DESI_HEADER), DESI_WORDS),
    gtmi=rows_of(len(wb_tests.HEADER), GTMI_WORDS),
    mrf=rows_of(len(eu_tests.MRF_HEADER), MRF_WORDS),
    which=st.sampled_from(["desi", "gtmi", "mrf"]),
)
def test_desi_gtmi_and_benchmark_tables_with_arbitrary_cells_are_read_or_refused(tmp_path, desi, gtmi, mrf, which):
    if which == "desi":
        reads_or_refuses(csv_file(tmp_path / "DESI.csv", DESI_HEADER, desi))
        return
    header, rows = (wb_tests.HEADER, gtmi) if which == "gtmi" else (eu_tests.MRF_HEADER, mrf)
    path = tmp_path / f"{which}.xlsx"
    write_workbook(path, {"Sheet1": [header, *([typed(c) for c in r] for r in rows)]})
    reads_or_refuses(path)


def typed(cell: str) -> object:
    """A cell as a workbook would hold it: a number where the text is one, else the text."""
    try:
        number = float(cell)
    except ValueError:
        return cell
    return number if number == number and abs(number) != float("inf") else cell


def write_workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    """The sheets as a workbook; characters a workbook cannot hold (control characters) are left out."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    try:
        for name, rows in sheets.items():
            ws = book.create_sheet(name)
            for row in rows:
                ws.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    except (ValueError, TypeError):
        assume(False)  # openpyxl cannot write this cell: not an input the readers can be given
    book.save(path)


# ---------------------------------------------------------------------------------------------------- survey

QIDS = ["Q1", "Q2", "Q3", "q1", "Q 4", "", "Q1.a"]
TEXTS = [
    "Is there a national eID?", "Share of services online (percent)", "Digital post", "Describe it", "",
    "Do you publish open data?", "Number of services",
]  # fmt: skip
ANSWERS = ["Yes", "No", "yes", "ja", "", "TBD", "xx", "?", "...", "Web", "Web; App", "App;App", "50", "50%", "-1"]
ANSWERS += ["101", "1,5", "2025-03-31", "31.03.2025", "https://example.org", "http://x", "ftp://x", "lorem ipsum"]
ANSWERS += ["=1+1", "<script>alert(1)</script>", "\n", "🙂"]


def any_cell(words: list[str]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(words),
        st.text(max_size=30),
        st.integers(-(10**6), 10**6),
        st.floats(allow_nan=False, allow_infinity=False),
        st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
        st.booleans(),
        st.none(),
    )


def conditions() -> st.SearchStrategy[Any]:
    ops = st.sampled_from(["=", "!=", "<>", ">", ">=", "<", "<=", "==", " in ", " answered", " not answered", " "])
    template = st.builds(lambda q, op, v: f"{q}{op}{v}", st.sampled_from(QIDS), ops, st.sampled_from(ANSWERS))
    return st.one_of(st.none(), template, st.text(max_size=20))


questions = st.lists(
    st.fixed_dictionaries(
        {
            "question_id": any_cell(QIDS),
            "section": any_cell(["A", "B"]),
            "question": any_cell(TEXTS),
            "answer_type": st.one_of(st.sampled_from(ANSWER_TYPES), any_cell(["Number", "choice", "yes/no"])),
            "options": any_cell(["Web; App; Mailbox", "A;B", ";", "A; a"]),
            "evidence_required": any_cell(["yes", "no", "maybe"]),
            "depends_on": conditions(),
            "min_text_length": any_cell(["5", "-1", "1.5", "ten"]),
        }
    ),
    min_size=1,
    max_size=6,
)
answers = st.lists(
    st.fixed_dictionaries(
        {
            "question_id": any_cell(QIDS),
            "answer": any_cell(ANSWERS),
            "evidence_url": any_cell(["https://example.org/x", "", "TBD", "not a url"]),
            "evidence_note": any_cell(["note", ""]),
            "answered_by": any_cell(["Anna Jensen", "Bo Holm; Anna Jensen", ""]),
            "answered_on": any_cell(["2025-01-01"]),
            "comment": any_cell(["", "see above"]),
        }
    ),
    max_size=8,
)
meta = st.fixed_dictionaries(
    {
        "survey": any_cell(["Test survey"]),
        "cycle": any_cell(["2025", "2024", "2023-2024"]),
        "country": any_cell(["DNK", "Denmark", "DK", "Atlantis"]),
        "reference_period_start": any_cell(["2024-01-01"]),
        "reference_period_end": any_cell(["2024-12-31"]),
        "deadline": any_cell(["2025-06-30", "soon"]),
    }
)


def submission_file(path: Path, m: dict, qs: list[dict], ans: list[dict]) -> Path:
    sheets = {
        "Submission": [["key", "value"], *([k, v] for k, v in m.items())],
        "Questions": [list(QUESTION_COLUMNS), *([q.get(c) for c in QUESTION_COLUMNS] for q in qs)],
        "Answers": [list(ANSWER_COLUMNS), *([a.get(c) for c in ANSWER_COLUMNS] for a in ans)],
    }
    write_workbook(path, sheets)
    return path


def lookup(value: float) -> Any:
    def published(source: str, indicator: str, iso3: str, edition: int | None) -> Published:
        return Published(source, indicator, 2024, "2024", value, "Denmark")

    return published


@FUZZ_WORKBOOKS
@given(
    m=meta,
    qs=questions,
    ans=answers,
    previous=st.one_of(st.none(), st.tuples(questions, answers)),
    figure=st.one_of(st.none(), st.floats(-1e6, 1e6)),
)
def test_survey_workbooks_and_rules_raise_nothing_but_input_errors(tmp_path, m, qs, ans, previous, figure):
    path = submission_file(tmp_path / "draft.xlsx", m, qs, ans)
    try:
        submission = read_submission(path)
        before = None
        if previous is not None:
            older = {**m, "cycle": "1999"}
            before = read_submission(submission_file(tmp_path / "previous.xlsx", older, *previous))
    except InputError as exc:
        assert exc.file in ("draft.xlsx", "previous.xlsx") and exc.problem
        return
    flags = rules.check(submission, before, lookup(figure) if figure is not None else None)
    for flag in flags:
        assert flag.rule in rules.RULES and flag.severity == rules.RULES[flag.rule].severity
        assert flag.severity in ("error", "warning", "info")
        assert flag.message.strip()
    assert rules.counts(flags) == {s: sum(f.severity == s for f in flags) for s in rules.SEVERITIES}


@FUZZ_WORKBOOKS
@given(m=meta, qs=questions, ans=answers)
def test_a_stored_submission_reads_back_the_same(tmp_path, m, qs, ans):
    """What is stored (the frames) gives back the submission that was read, so flags are the same from either."""
    try:
        submission = read_submission(submission_file(tmp_path / "draft.xlsx", m, qs, ans))
    except InputError:
        return
    again = type(submission).from_frames(submission.frames())
    assert again.meta == submission.meta and again.answers == submission.answers
    assert [q.question_id for q in again.questions] == [q.question_id for q in submission.questions]
    assert rules.check(again) == rules.check(submission)


def test_the_corpus_helpers_build_a_readable_workbook(tmp_path):
    """The fuzzed workbooks start from a valid one: a failure above is the change, not the builder."""
    path = tmp_path / "file.xlsx"
    path.write_bytes(VALID[".xlsx"](tmp_path))
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
        assert "xl/workbook.xml" in zf.namelist()
    reads_or_refuses(path)
    path = submission_file(
        tmp_path / "draft.xlsx", survey_tests.META, survey_tests.QUESTIONS, survey_tests.CLEAN_ANSWERS
    )
    assert rules.check(read_submission(path)) == []
