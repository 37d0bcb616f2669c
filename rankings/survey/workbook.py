"""Read and validate a submission workbook into a :class:`Submission` (tidy records, convertible to frames).

The workbook (see ``docs/survey-check.md``) has three sheets:

- ``Submission``: key/value rows ``survey``, ``cycle``, ``country``, ``reference_period_start``,
  ``reference_period_end``, ``deadline`` (a header row ``key | value`` is optional);
- ``Questions``: ``question_id``, ``section``, ``question``, ``answer_type``, ``options``, ``evidence_required``,
  ``depends_on``, ``min_text_length``;
- ``Answers``: ``question_id``, ``answer``, ``evidence_url``, ``evidence_note``, ``answered_by``,
  ``answered_on``, ``comment``.

Nothing is silently accepted: a missing sheet, key or column, a question without an id, an unknown answer
type, a choice question without options or a ``depends_on`` that cannot be read fails the whole workbook with an
:class:`~rankings.errors.InputError` that names what is wrong and where. Problems of the *answers* are not
errors of the workbook: they are what the rules (:mod:`rankings.survey.rules`) flag.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rankings.errors import InputError
from rankings.rawfile import RawFile, normalise_header, sha256_of

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
MAX_ROWS = 5000  # per sheet: a questionnaire has tens or hundreds of questions, not thousands
MAX_CELL_CHARS = 32767  # Excel's own limit for one cell

ANSWER_TYPES = ("yes_no", "single_choice", "multi_choice", "number", "percent", "text", "url", "date")
CHOICE_TYPES = {"single_choice", "multi_choice"}
SUBMISSION_KEYS = ("survey", "cycle", "country", "reference_period_start", "reference_period_end", "deadline")
QUESTION_COLUMNS = (
    "question_id",
    "section",
    "question",
    "answer_type",
    "options",
    "evidence_required",
    "depends_on",
    "min_text_length",
)
ANSWER_COLUMNS = (
    "question_id",
    "answer",
    "evidence_url",
    "evidence_note",
    "answered_by",
    "answered_on",
    "comment",
)
SHEETS = ("Submission", "Questions", "Answers")

_YES = {"yes", "y", "true", "1", "ja"}
_NO = {"no", "n", "false", "0", "nej"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# ---------------------------------------------------------------------------------------------------------------
# Cell values


def cell_text(value: object) -> str:
    """A cell as the text a person typed: numbers without a spurious ``.0``, dates as ISO, booleans as Yes/No.

    Control characters (other than line breaks and tabs) are removed; Unicode is NFC-normalised.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    text = unicodedata.normalize("NFC", str(value))
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()[:MAX_CELL_CHARS]


def one_line(text: str, limit: int = 80) -> str:
    """User text shortened to one line, for messages."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%Y.%m.%d")


def parse_date(value: object) -> dt.date | None:
    """A date from a date cell or text (ISO ``2025-03-31``, or day first: ``31-03-2025``, ``31.03.2025``,
    ``31/03/2025``); None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]00:00(:00)?", text):
        text = text[:10]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_number(text: str) -> float | None:
    """A number written with a decimal point and no thousands separator (``1234.5``); None otherwise.

    A decimal comma or a thousands separator is refused rather than guessed: ``1,234`` could be either.
    """
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if not _NUMBER.fullmatch(cleaned):
        return None
    value = float(cleaned)
    return value if value == value and abs(value) != float("inf") else None


def parse_yes_no(text: str) -> bool | None:
    key = text.strip().casefold()
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def split_options(text: str) -> list[str]:
    """``a; b;c`` -> ``["a", "b", "c"]`` (empty parts dropped)."""
    return [part.strip() for part in text.split(";") if part.strip()]


def fingerprint(rows: list[tuple[str, str, str]]) -> str:
    """Hash of what a decision is about: answer, evidence URL and evidence note of every row that answers a
    question (normally one). Any change to them reopens the decision."""
    payload = json.dumps([list(r) for r in rows], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def person_key(name: str) -> str:
    """A person's name as compared by the four-eyes rule: case, accents and spacing folded."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def people(names: str) -> set[str]:
    """The people named in ``answered_by`` (several may be separated by ``;``, ``,``, ``/`` or ``&``)."""
    return {person_key(p) for p in re.split(r"[;,/&]| and ", names) if person_key(p)}


# ---------------------------------------------------------------------------------------------------------------
# Conditions (``depends_on``)

_OPS = ("!=", "<>", ">=", "<=", "==", "=", ">", "<")
_COMPARISON = re.compile(r"^\s*(?P<qid>[^\s=!<>]+)\s*(?P<op>!=|<>|>=|<=|==|=|>|<)\s*(?P<value>.*?)\s*$", re.S)
_IN = re.compile(r"^\s*(?P<qid>\S+)\s+in\s+(?P<value>.+?)\s*$", re.I | re.S)
_ANSWERED = re.compile(r"^\s*(?P<qid>\S+)\s+(?P<neg>is\s+not\s+|not\s+)?answered\s*$", re.I)


@dataclass(frozen=True)
class Condition:
    """``depends_on`` read: ``question_id op value``.

    ``op`` is one of ``=``, ``!=``, ``>``, ``>=``, ``<``, ``<=``, ``in`` (value: ``a; b``), ``answered`` or
    ``not_answered``. For a multi-choice question, ``= X`` holds when X is among the chosen options.
    """

    question_id: str
    op: str
    value: str
    text: str

    @classmethod
    def parse(cls, text: str) -> Condition | None:
        """The condition in ``text``; None when ``text`` is not in any of the forms (the caller says where)."""
        if m := _ANSWERED.match(text):
            return cls(m["qid"], "not_answered" if m["neg"] else "answered", "", text.strip())
        if m := _IN.match(text):
            return cls(m["qid"], "in", m["value"], text.strip())
        if m := _COMPARISON.match(text):
            if not m["value"]:
                return None
            op = {"==": "=", "<>": "!="}.get(m["op"], m["op"])
            return cls(m["qid"], op, m["value"].strip(), text.strip())
        return None


# ---------------------------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Meta:
    survey: str
    cycle: str
    country: str  # ISO3
    country_name: str
    reference_period_start: dt.date
    reference_period_end: dt.date
    deadline: dt.date

    @property
    def submission_id(self) -> str:
        """Stable id of a submission (survey, cycle, country): a new version of a draft keeps it."""
        return f"{slug(self.survey)}_{slug(self.cycle)}_{self.country}".lower()


@dataclass(frozen=True)
class Question:
    question_id: str
    section: str
    question: str
    answer_type: str
    options: tuple[str, ...]
    evidence_required: bool
    depends_on: str
    min_text_length: int | None
    row: int
    condition: Condition | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Answer:
    question_id: str
    answer: str
    evidence_url: str
    evidence_note: str
    answered_by: str
    answered_on: str
    comment: str
    row: int

    @property
    def decided_fields(self) -> tuple[str, str, str]:
        return (self.answer, self.evidence_url, self.evidence_note)

    @property
    def is_blank(self) -> bool:
        return not any((self.answer, self.evidence_url, self.evidence_note, self.answered_by, self.comment))


@dataclass
class Submission:
    meta: Meta
    questions: list[Question]
    answers: list[Answer]
    file: str  # as shown to the user
    sha256: str

    @property
    def submission_id(self) -> str:
        return self.meta.submission_id

    def question(self, question_id: str) -> Question | None:
        return self._questions_by_id().get(question_id)

    def _questions_by_id(self) -> dict[str, Question]:
        return {q.question_id: q for q in self.questions}

    def answers_to(self, question_id: str) -> list[Answer]:
        return [a for a in self.answers if a.question_id == question_id]

    def fingerprints(self) -> dict[str, str]:
        """Fingerprint of the answer(s) to every question and every answered question id (known or not)."""
        ids = [q.question_id for q in self.questions] + [a.question_id for a in self.answers]
        return {qid: fingerprint([a.decided_fields for a in self.answers_to(qid)]) for qid in dict.fromkeys(ids)}

    def answered_by(self, question_id: str) -> str:
        return "; ".join(dict.fromkeys(a.answered_by for a in self.answers_to(question_id) if a.answered_by))

    # --- frames (the normalised form stored as Parquet) ---

    def frames(self) -> dict[str, pd.DataFrame]:
        sid = self.submission_id
        meta = asdict(self.meta)
        submission = pd.DataFrame(
            [
                {
                    "submission_id": sid,
                    **{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in meta.items()},
                    "file": self.file,
                    "sha256": self.sha256,
                }
            ]
        )
        questions = pd.DataFrame(
            [
                {
                    "submission_id": sid,
                    "question_id": q.question_id,
                    "section": q.section,
                    "question": q.question,
                    "answer_type": q.answer_type,
                    "options": "; ".join(q.options),
                    "evidence_required": q.evidence_required,
                    "depends_on": q.depends_on,
                    "min_text_length": q.min_text_length,
                    "source_row": q.row,
                }
                for q in self.questions
            ],
            columns=["submission_id", *QUESTION_COLUMNS, "source_row"],
        )
        questions["min_text_length"] = questions["min_text_length"].astype("Int64")
        prints = self.fingerprints()
        answers = pd.DataFrame(
            [{"submission_id": sid, **asdict(a), "fingerprint": prints[a.question_id]} for a in self.answers],
            columns=["submission_id", *ANSWER_COLUMNS, "row", "fingerprint"],
        ).rename(columns={"row": "source_row"})
        for frame in (submission, questions, answers):
            for col in frame.columns:
                if frame[col].dtype == object:
                    frame[col] = frame[col].astype("string")
        return {"submission": submission, "questions": questions, "answers": answers}

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame]) -> Submission:
        """The submission back from its stored frames (the inverse of :meth:`frames`)."""
        s = frames["submission"].iloc[0]
        meta = Meta(
            survey=str(s["survey"]),
            cycle=str(s["cycle"]),
            country=str(s["country"]),
            country_name=str(s["country_name"]),
            reference_period_start=dt.date.fromisoformat(str(s["reference_period_start"])),
            reference_period_end=dt.date.fromisoformat(str(s["reference_period_end"])),
            deadline=dt.date.fromisoformat(str(s["deadline"])),
        )

        def text(v: object) -> str:
            return "" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)

        questions = []
        for r in frames["questions"].to_dict("records"):
            mtl = r["min_text_length"]
            questions.append(
                Question(
                    question_id=text(r["question_id"]),
                    section=text(r["section"]),
                    question=text(r["question"]),
                    answer_type=text(r["answer_type"]),
                    options=tuple(split_options(text(r["options"]))),
                    evidence_required=bool(r["evidence_required"]),
                    depends_on=text(r["depends_on"]),
                    min_text_length=None if mtl is None or mtl is pd.NA else int(mtl),
                    row=int(r["source_row"]),
                    condition=Condition.parse(text(r["depends_on"])) if text(r["depends_on"]) else None,
                )
            )
        answers = [
            Answer(**{c: text(r[c]) for c in ANSWER_COLUMNS}, row=int(r["source_row"]))
            for r in frames["answers"].to_dict("records")
        ]
        return cls(meta, questions, answers, text(s["file"]), text(s["sha256"]))


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:60] or "x"


# ---------------------------------------------------------------------------------------------------------------
# Reading


def _key(cell: object) -> str:
    """A header or key cell compared: ``Question ID`` -> ``question_id``."""
    return re.sub(r"[\s\-]+", "_", normalise_header(cell))


def _find_sheets(raw: RawFile) -> dict[str, str]:
    names = {str(n).strip().casefold(): str(n) for n in raw.sheet_names if n is not None}
    missing = [s for s in SHEETS if s.casefold() not in names]
    if missing:
        present = ", ".join(repr(str(n)) for n in raw.sheet_names) or "none"
        raise raw.fail(
            f"is not a submission workbook: it lacks the sheet{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(m) for m in missing)} (sheets present: {present}). "
            "Start from the template (docs/survey-check.md)."
        )
    return {s: names[s.casefold()] for s in SHEETS}


def _rows(raw: RawFile, sheet: str) -> list[tuple[int, list[object]]]:
    """Non-empty rows of a sheet with their 1-based row number."""
    rows = raw.sheet(sheet).rows
    out = [(i + 1, r) for i, r in enumerate(rows) if any(cell_text(c) for c in r)]
    if len(out) > MAX_ROWS + 1:
        raise raw.fail(f"sheet {sheet!r} has {len(out)} rows; more than {MAX_ROWS} are not read")
    return out


def _table(raw: RawFile, sheet: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, object]]]:
    """A sheet with a header row: its records keyed by the required column names."""
    rows = _rows(raw, sheet)
    if not rows:
        raise raw.fail(f"sheet {sheet!r} is empty; it needs a header row with the columns {', '.join(required)}")
    header_row, header = rows[0]
    keys = [_key(c) for c in header]
    missing = [c for c in required if c not in keys]
    if missing:
        raise raw.fail(
            f"sheet {sheet!r} lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(header in row {header_row})"
        )
    doubled = sorted({k for k in keys if k in required and keys.count(k) > 1})
    if doubled:
        raise raw.fail(f"sheet {sheet!r} has the column{'s' if len(doubled) > 1 else ''} {', '.join(doubled)} twice")
    where = {c: keys.index(c) for c in required}
    return [(n, {c: (r[i] if i < len(r) else None) for c, i in where.items()}) for n, r in rows[1:]]


def _meta(raw: RawFile, sheet: str) -> Meta:
    values: dict[str, tuple[int, object]] = {}
    rows = _rows(raw, sheet)
    for n, row in rows:
        key = _key(row[0]) if row else ""
        if not key or (n == rows[0][0] and key in {"key", "field", "name", "item"}):
            continue
        if key in values and key in SUBMISSION_KEYS:
            raise raw.fail(f"sheet {sheet!r} gives {key} twice (rows {values[key][0]} and {n})")
        values[key] = (n, row[1] if len(row) > 1 else None)
    missing = [k for k in SUBMISSION_KEYS if not cell_text(values.get(k, (0, None))[1])]
    if missing:
        raise raw.fail(
            f"sheet {sheet!r} lacks {', '.join(missing)} (one key/value row each: the key in column A, "
            "the value in column B)"
        )

    def date_of(key: str) -> dt.date:
        n, v = values[key]
        parsed = parse_date(v if not isinstance(v, str) else v.strip())
        if parsed is None:
            raise raw.fail(
                f"sheet {sheet!r} row {n}: {key} {one_line(cell_text(v))!r} is not a date (write 2025-03-31)"
            )
        return parsed

    start, end, deadline = date_of("reference_period_start"), date_of("reference_period_end"), date_of("deadline")
    if start > end:
        raise raw.fail(f"sheet {sheet!r}: reference_period_start {start} is after reference_period_end {end}")
    iso3, name = _country(raw, sheet, *values["country"])
    return Meta(
        survey=one_line(cell_text(values["survey"][1]), 200),
        cycle=one_line(cell_text(values["cycle"][1]), 40),
        country=iso3,
        country_name=name,
        reference_period_start=start,
        reference_period_end=end,
        deadline=deadline,
    )


def _country(raw: RawFile, sheet: str, row: int, value: object) -> tuple[str, str]:
    from rankings import countries

    text = countries.clean_name(cell_text(value))
    try:
        if len(text) == 3 and countries.is_iso3(text.upper()):
            iso3 = text.upper()
        else:
            codes = "ISO2" if len(text) == 2 else None
            iso3 = countries.harmonise([text], "survey", raw.display, codes=codes)[text].iso3 or ""
    except InputError:
        iso3 = ""
    if not iso3:
        raise raw.fail(
            f"sheet {sheet!r} row {row}: country {one_line(text)!r} is not a country "
            "(write its ISO 3166 code, e.g. DNK, or its English name)"
        )
    return iso3, countries.display_name(iso3)


def _questions(raw: RawFile, sheet: str) -> list[Question]:
    problems: list[str] = []
    out: list[Question] = []
    seen: dict[str, int] = {}
    for n, rec in _table(raw, sheet, QUESTION_COLUMNS):
        qid = one_line(cell_text(rec["question_id"]), 60)
        atype = _key(rec["answer_type"])
        if not qid:
            problems.append(f"row {n} has no question_id")
            continue
        if qid.casefold() in seen:
            problems.append(f"row {n}: question_id {qid!r} is already used in row {seen[qid.casefold()]}")
            continue
        seen[qid.casefold()] = n
        if atype not in ANSWER_TYPES:
            problems.append(
                f"row {n} ({qid}): answer_type {one_line(cell_text(rec['answer_type']), 30)!r} is not one of "
                + ", ".join(ANSWER_TYPES)
            )
            continue
        options = tuple(split_options(cell_text(rec["options"])))
        if atype in CHOICE_TYPES and not options:
            problems.append(f"row {n} ({qid}): a {atype} question needs its options, separated by ';'")
        if len({o.casefold() for o in options}) != len(options):
            problems.append(f"row {n} ({qid}): an option is listed twice")
        evidence_text = cell_text(rec["evidence_required"])
        evidence = parse_yes_no(evidence_text) if evidence_text else False
        if evidence is None:
            problems.append(f"row {n} ({qid}): evidence_required {one_line(evidence_text, 30)!r} is not yes or no")
        mtl_text = cell_text(rec["min_text_length"])
        mtl: int | None = None
        if mtl_text:
            number = parse_number(mtl_text)
            if number is None or number < 0 or not float(number).is_integer():
                problems.append(f"row {n} ({qid}): min_text_length {one_line(mtl_text, 30)!r} is not a whole number")
            else:
                mtl = int(number)
        depends_on = one_line(cell_text(rec["depends_on"]), 200)
        condition = Condition.parse(depends_on) if depends_on else None
        if depends_on and condition is None:
            problems.append(
                f"row {n} ({qid}): depends_on {depends_on!r} cannot be read "
                "(write e.g. 'Q3 = Yes', 'Q4 != No', 'Q5 > 0', 'Q6 in A; B' or 'Q7 answered')"
            )
        out.append(
            Question(
                question_id=qid,
                section=one_line(cell_text(rec["section"]), 120),
                question=cell_text(rec["question"]),
                answer_type=atype,
                options=options,
                evidence_required=bool(evidence),
                depends_on=depends_on,
                min_text_length=mtl,
                row=n,
                condition=condition,
            )
        )
    if not out and not problems:
        problems.append("it lists no question")
    problems += _check_conditions(out)
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise raw.fail(f"sheet {sheet!r}: {shown}")
    return out


def _check_conditions(questions: list[Question]) -> list[str]:
    """Every condition names a known, other question and a value that question can take; no cycles."""
    by_id = {q.question_id.casefold(): q for q in questions}
    problems = []
    for q in questions:
        c = q.condition
        if c is None:
            continue
        target = by_id.get(c.question_id.casefold())
        if target is None:
            problems.append(f"row {q.row} ({q.question_id}): depends_on names {c.question_id!r}, not a question")
            continue
        if target is q:
            problems.append(f"row {q.row} ({q.question_id}): depends_on names the question itself")
            continue
        problem = _value_problem(c, target)
        if problem:
            problems.append(f"row {q.row} ({q.question_id}): depends_on {c.text!r}: {problem}")
    # cycles: follow each chain of conditions
    for q in questions:
        seen = [q.question_id]
        current = q
        while current.condition is not None:
            nxt = by_id.get(current.condition.question_id.casefold())
            if nxt is None or nxt is current:
                break
            if nxt.question_id in seen:
                chain = " -> ".join([*seen, nxt.question_id])
                problems.append(f"row {q.row} ({q.question_id}): depends_on forms a cycle: {chain}")
                break
            seen.append(nxt.question_id)
            current = nxt
    return problems


def _value_problem(c: Condition, target: Question) -> str:
    if c.op in {"answered", "not_answered"}:
        return ""
    values = split_options(c.value) if c.op == "in" else [c.value]
    if not values:
        return "no value to compare with"
    t = target.answer_type
    if c.op in {">", ">=", "<", "<="}:
        if t in {"number", "percent"}:
            return "" if parse_number(c.value) is not None else f"{c.value!r} is not a number"
        if t == "date":
            return "" if parse_date(c.value) is not None else f"{c.value!r} is not a date"
        return f"{target.question_id} is a {t} question; only numbers and dates compare with {c.op}"
    for v in values:
        if t == "yes_no" and parse_yes_no(v) is None:
            return f"{v!r} is not yes or no"
        if t in CHOICE_TYPES and v.casefold() not in {o.casefold() for o in target.options}:
            return f"{v!r} is not one of the options of {target.question_id}"
        if t in {"number", "percent"} and parse_number(v) is None:
            return f"{v!r} is not a number"
        if t == "date" and parse_date(v) is None:
            return f"{v!r} is not a date"
    return ""


def _answers(raw: RawFile, sheet: str, questions: list[Question]) -> list[Answer]:
    canonical = {q.question_id.casefold(): q.question_id for q in questions}
    out = []
    for n, rec in _table(raw, sheet, ANSWER_COLUMNS):
        texts = {c: cell_text(rec[c]) for c in ANSWER_COLUMNS}
        if not any(texts.values()):
            continue
        qid = one_line(texts["question_id"], 60)
        texts["question_id"] = canonical.get(qid.casefold(), qid)
        if isinstance(rec["answered_on"], dt.date):
            texts["answered_on"] = parse_date(rec["answered_on"]).isoformat()  # type: ignore[union-attr]
        out.append(Answer(**texts, row=n))
    return out


def read_submission(path: Path | str, display: str | None = None) -> Submission:
    """Read and validate a submission workbook; :class:`InputError` names every structural problem."""
    path = Path(path)
    shown = display or path.name
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        kind = path.suffix or "a file without extension"
        raise InputError(shown, f"is not an Excel workbook (.xlsx): a submission is a workbook, not {kind}")
    if not path.is_file():
        raise InputError(shown, "does not exist")
    raw = RawFile(path, shown)
    sheets = _find_sheets(raw)
    meta = _meta(raw, sheets["Submission"])
    questions = _questions(raw, sheets["Questions"])
    answers = _answers(raw, sheets["Answers"], questions)
    return Submission(meta, questions, answers, shown, sha256_of(path))


def show(value: Any) -> str:
    """A parsed value as people write it."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    if isinstance(value, tuple):
        return "; ".join(value) if value else "(none)"
    if isinstance(value, dt.date):
        return value.isoformat()
    return one_line(str(value))
