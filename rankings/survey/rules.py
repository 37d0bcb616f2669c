"""The survey rules: each a small function over a checked submission, registered with its id and severity.

``check(submission, previous, published)`` runs every rule and returns the flags in questionnaire order. A flag
says which question, which rule, how severe, and what to check; it never changes the answer. Rules read the
submission only through :class:`Context`, which also works out once what every rule needs: the answer each
question counts with (the first row that answers it), whether the question applies (its ``depends_on`` holds),
and the parsed value of each answer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from rankings.survey.workbook import (
    Answer,
    Condition,
    Question,
    Submission,
    one_line,
    parse_date,
    parse_number,
    parse_yes_no,
    show,
    split_options,
)

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Flag:
    question_id: str
    rule: str
    severity: str
    message: str
    section: str = ""
    row: int | None = None  # the row of the Answers sheet (or of Questions for an unanswered question)

    def as_json(self) -> dict[str, str]:
        return {"question_id": self.question_id, "rule": self.rule, "severity": self.severity, "message": self.message}


@dataclass(frozen=True)
class Finding:
    """What a rule function yields: the registry adds rule id, severity and section."""

    question_id: str
    message: str
    row: int | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    check: Callable[[Context], Iterator[Finding]]


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, title: str) -> Callable[[Callable[[Context], Iterator[Finding]]], Any]:
    """Register a rule function under ``rule_id``."""
    assert severity in SEVERITIES

    def register(fn: Callable[[Context], Iterator[Finding]]) -> Callable[[Context], Iterator[Finding]]:
        RULES[rule_id] = Rule(rule_id, severity, title, fn)
        return fn

    return register


# ---------------------------------------------------------------------------------------------------------------
# Answers read


@dataclass(frozen=True)
class Parsed:
    """An answer read according to its question's type: ``ok`` and ``value``, or the ``problem``."""

    ok: bool
    value: Any = None
    problem: str = ""


_URL_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$|^localhost$", re.I)


def url_problem(text: str) -> str:
    """Why ``text`` is not a well-formed web address ('' when it is one)."""
    if any(c.isspace() for c in text):
        return "contains spaces"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return "is not a web address"
    del port
    if parts.scheme.lower() not in {"http", "https"}:
        return "does not start with https://"
    host = parts.hostname or ""
    if not _URL_HOST.match(host):
        return "has no valid host name"
    return ""


def parse_answer(question: Question, text: str) -> Parsed:
    """Read ``text`` as an answer to ``question``."""
    t = question.answer_type
    if t == "yes_no":
        yes = parse_yes_no(text)
        return Parsed(False, problem="is not Yes or No") if yes is None else Parsed(True, yes)
    if t == "single_choice":
        for option in question.options:
            if text.strip().casefold() == option.casefold():
                return Parsed(True, option)
        return Parsed(False, problem=f"is not one of the options ({'; '.join(question.options)})")
    if t == "multi_choice":
        chosen = split_options(text)
        known = {o.casefold(): o for o in question.options}
        unknown = [c for c in chosen if c.casefold() not in known]
        if unknown:
            return Parsed(
                False,
                problem=f"lists {', '.join(repr(one_line(u, 40)) for u in unknown)}, not among the options "
                f"({'; '.join(question.options)}); separate the chosen options with ';'",
            )
        if len({c.casefold() for c in chosen}) != len(chosen):
            return Parsed(False, problem="lists an option twice")
        return Parsed(True, tuple(o for o in question.options if o.casefold() in {c.casefold() for c in chosen}))
    if t in {"number", "percent"}:
        cleaned = text.strip()
        if t == "percent" and cleaned.endswith("%"):
            cleaned = cleaned[:-1]
        value = parse_number(cleaned)
        if value is None:
            return Parsed(False, problem="is not a number (write digits with a decimal point, no thousands separator)")
        if t == "percent" and not 0 <= value <= 100:
            return Parsed(False, problem="is a percent outside 0-100")
        return Parsed(True, value)
    if t == "url":
        problem = url_problem(text.strip())
        return Parsed(False, problem=f"is not a web address: it {problem}") if problem else Parsed(True, text.strip())
    if t == "date":
        value = parse_date(text)
        return Parsed(False, problem="is not a date (write 2025-03-31)") if value is None else Parsed(True, value)
    return Parsed(True, text)


# Whole-value placeholders, and placeholder words anywhere in a text.
_PLACEHOLDER_WHOLE = re.compile(
    r"^\s*(\?+|\.{2,}|…+|-+|—|–|_+|x|n/?a\s*\?|\(?blank\)?|none yet|same as last (year|time|cycle))\s*$", re.I
)
_PLACEHOLDER_WORDS = re.compile(
    r"\b(tbd|tbc|tba|todo|fixme|to be (confirmed|decided|defined|determined|completed|added|updated|provided))\b"
    r"|lorem ipsum|\?\?|(\.\.\.|…)\s*$|\[(insert|add|fill|link|url|tbd|todo)[^\]]*\]|<(insert|add|fill|link|url)[^>]*>"
    r"|(?<![a-z/_-])x{2,}(?![a-z/_-])|\bplaceholder\b|\bdummy\b|\bfill (in|me)\b|\binsert (here|link|url|text)\b",
    re.I,
)


def placeholder_in(text: str) -> str:
    """The placeholder in ``text`` (such as TBD, TODO, xx, ?, ..., lorem ipsum), or '' when there is none."""
    if not text.strip():
        return ""
    if _PLACEHOLDER_WHOLE.match(text):
        return text.strip()
    m = _PLACEHOLDER_WORDS.search(text)
    return m.group(0) if m else ""


# ---------------------------------------------------------------------------------------------------------------
# Context


# (source, indicator, iso3, edition or None for the latest) -> mapping.Published | None; see mapping.published_lookup
PublishedLookup = Callable[[str, str, str, "int | None"], Any]


@dataclass
class Context:
    sub: Submission
    previous: Submission | None = None
    published: PublishedLookup | None = None
    _applies: dict[str, bool | None] = field(default_factory=dict, repr=False)

    @cached_property
    def by_id(self) -> dict[str, Question]:
        return {q.question_id: q for q in self.sub.questions}

    @cached_property
    def by_casefold(self) -> dict[str, Question]:
        return {q.question_id.casefold(): q for q in self.sub.questions}

    @cached_property
    def effective(self) -> dict[str, Answer]:
        """The answer each known question counts with: its first row in Answers."""
        out: dict[str, Answer] = {}
        for a in self.sub.answers:
            if a.question_id in self.by_id and a.question_id not in out:
                out[a.question_id] = a
        return out

    def answer(self, q: Question) -> str:
        a = self.effective.get(q.question_id)
        return a.answer if a else ""

    def row(self, q: Question) -> int:
        a = self.effective.get(q.question_id)
        return a.row if a else q.row

    def parsed(self, q: Question) -> Parsed | None:
        """The parsed answer; None when blank or a placeholder (those are other rules' business)."""
        text = self.answer(q)
        if not text or placeholder_in(text):
            return None
        return parse_answer(q, text)

    def applies(self, q: Question, _visiting: frozenset[str] = frozenset()) -> bool | None:
        """Whether the question applies: True, False, or None when that cannot be told (the answer it depends
        on is missing, a placeholder or invalid; that answer is flagged itself)."""
        if q.question_id in self._applies:
            return self._applies[q.question_id]
        if q.condition is None:
            result: bool | None = True
        elif q.question_id in _visiting:
            result = None
        else:
            result = self.holds(q.condition, _visiting | {q.question_id})
        self._applies[q.question_id] = result
        return result

    def holds(self, c: Condition, _visiting: frozenset[str] = frozenset()) -> bool | None:
        target = self.by_casefold.get(c.question_id.casefold())
        if target is None:
            return None
        target_applies = self.applies(target, _visiting)
        if target_applies is None:
            return None
        text = self.answer(target) if target_applies else ""
        if c.op == "answered":
            return bool(text)
        if c.op == "not_answered":
            return not text
        if not text:
            return False if not target_applies else None
        parsed = self.parsed(target)
        if parsed is None or not parsed.ok:
            return None
        return _compare(target, parsed.value, c)

    @cached_property
    def previous_context(self) -> Context | None:
        return Context(self.previous) if self.previous is not None else None


def _compare(target: Question, value: Any, c: Condition) -> bool | None:
    wanted = split_options(c.value) if c.op == "in" else [c.value]
    parsed = [parse_answer(target, w) for w in wanted]
    if not all(p.ok for p in parsed):
        return None
    values = [p.value for p in parsed]
    if target.answer_type == "multi_choice":
        chosen = set(value)
        hit = any(v and v[0] in chosen for v in values)
        return {"=": hit, "in": hit, "!=": not hit}.get(c.op)
    if c.op in {"=", "in"}:
        return value in values
    if c.op == "!=":
        return value not in values
    try:
        return {">": value > values[0], ">=": value >= values[0], "<": value < values[0], "<=": value <= values[0]}[
            c.op
        ]
    except (TypeError, KeyError):
        return None


def _qtext(q: Question) -> str:
    return f"{q.question_id} ({one_line(q.question, 60)!r})" if q.question else q.question_id


# ---------------------------------------------------------------------------------------------------------------
# The rules, in the order their flags are listed for one question


@rule("unknown_question", "error", "An answer to a question that is not in the questionnaire")
def unknown_question(ctx: Context) -> Iterator[Finding]:
    for a in ctx.sub.answers:
        if a.question_id in ctx.by_id:
            continue
        if not a.question_id:
            yield Finding("", f"Answers row {a.row} has no question_id; say which question it answers", a.row)
        else:
            yield Finding(
                a.question_id,
                f"Answers row {a.row}: {a.question_id!r} is not a question of the Questions sheet; "
                "check the id for a typo or add the question",
                a.row,
            )


@rule("duplicate_answer", "error", "Two answers to one question")
def duplicate_answer(ctx: Context) -> Iterator[Finding]:
    for q in ctx.sub.questions:
        rows = [a.row for a in ctx.sub.answers_to(q.question_id)]
        if len(rows) > 1:
            listed = ", ".join(str(r) for r in rows[:-1]) + f" and {rows[-1]}"
            yield Finding(
                q.question_id,
                f"{q.question_id} is answered in rows {listed} of Answers; keep one row per question "
                f"(the checks use row {rows[0]})",
                rows[0],
            )


@rule("missing_answer", "error", "A question that applies has no answer")
def missing_answer(ctx: Context) -> Iterator[Finding]:
    for q in ctx.sub.questions:
        if ctx.applies(q) is True and not ctx.answer(q):
            why = f"it applies because {q.depends_on!r} holds" if q.condition else "it applies to every respondent"
            yield Finding(q.question_id, f"{_qtext(q)} has no answer; {why}", ctx.row(q))


@rule("invalid_answer", "error", "An answer of the wrong kind for its question")
def invalid_answer(ctx: Context) -> Iterator[Finding]:
    for q in ctx.sub.questions:
        parsed = ctx.parsed(q)
        if parsed is not None and not parsed.ok:
            yield Finding(
                q.question_id,
                f"{q.question_id}: the answer {one_line(ctx.answer(q))!r} {parsed.problem}; "
                f"the question expects {q.answer_type.replace('_', ' ')}",
                ctx.row(q),
            )


@rule("missing_evidence", "error", "Evidence is required but neither URL nor note is given")
def missing_evidence(ctx: Context) -> Iterator[Finding]:
    for q in ctx.sub.questions:
        a = ctx.effective.get(q.question_id)
        if q.evidence_required and a and a.answer and not a.evidence_url and not a.evidence_note:
            yield Finding(
                q.question_id,
                f"{q.question_id} requires evidence: give an evidence URL (the published source) or an evidence "
                "note (where the answer comes from)",
                a.row,
            )


@rule("invalid_evidence_url", "warning", "The evidence URL is malformed or not https")
def invalid_evidence_url(ctx: Context) -> Iterator[Finding]:
    for q in ctx.sub.questions:
        a = ctx.effective.get(q.question_id)
        if not a or not a.evidence_url or placeholder_in(a.evidence_url):
            continue
        url = a.evidence_url.strip()
        problem = url_problem(url)
        if problem:
            yield Finding(q.question_id, f"{q.question_id}: the evidence URL {one_line(url)!r} {problem}", a.row)
        elif urlsplit(url).scheme.lower() != "https":
            yield Finding(
                q.question_id,
                f"{q.question_id}: the evidence URL {one_line(url)!r} is not https; link the https address "
                "(reviewers' browsers may refuse plain http)",
                a.row,
            )


@rule("placeholder", "error", "A placeholder instead of the final text")
def placeholder(ctx: Context) -> Iterator[Finding]:
    for q in ctx.sub.questions:
        a = ctx.effective.get(q.question_id)
        if not a:
            continue
        found = [
            f"the {label} contains {hit!r}"
            for label, text in zip(("answer", "evidence URL", "evidence note"), a.decided_fields, strict=True)
            if (hit := placeholder_in(text))
        ]
        if found:
            yield Finding(
                q.question_id,
                f"{q.question_id}: {' and '.join(found)}, a placeholder; replace it with the final text",
                a.row,
            )


@rule("text_too_short", "warning", "A text answer shorter than the survey asks for")
def text_too_short(ctx: Context) -> Iterator[Finding]:
    for q in ctx.sub.questions:
        parsed = ctx.parsed(q)
        if q.answer_type != "text" or not q.min_text_length or parsed is None:
            continue
        length = len(ctx.answer(q))
        if length < q.min_text_length:
            yield Finding(
                q.question_id,
                f"{q.question_id}: the answer has {length} characters; the survey asks for at least "
                f"{q.min_text_length} (check that it is complete)",
                ctx.row(q),
            )


@rule("dependency_conflict", "warning", "An answer to a question whose condition does not hold")
def dependency_conflict(ctx: Context) -> Iterator[Finding]:
    for q in ctx.sub.questions:
        if q.condition is None or not ctx.answer(q) or ctx.applies(q) is not False:
            continue
        target = ctx.by_casefold.get(q.condition.question_id.casefold())
        now = ""
        if target and ctx.answer(target):
            now = f" ({target.question_id} is {one_line(ctx.answer(target), 40)!r})"
        yield Finding(
            q.question_id,
            f"{q.question_id} is answered although its condition {q.depends_on!r} does not hold{now}; "
            f"remove the answer or check {q.condition.question_id}",
            ctx.row(q),
        )


def _previous_pairs(ctx: Context) -> Iterator[tuple[Question, Question, str, str]]:
    prev = ctx.previous_context
    if prev is None:
        return
    for q in ctx.sub.questions:
        pq = prev.by_id.get(q.question_id) or prev.by_casefold.get(q.question_id.casefold())
        if pq is not None:
            yield q, pq, ctx.answer(q), prev.answer(pq)


@rule("changed_since_previous", "info", "The answer differs from the previous cycle's")
def changed_since_previous(ctx: Context) -> Iterator[Finding]:
    cycle = ctx.previous.meta.cycle if ctx.previous else ""
    for q, pq, now, before in _previous_pairs(ctx):
        if not now and not before:
            continue
        p_now, p_before = parse_answer(q, now) if now else None, parse_answer(q, before) if before else None
        if p_now and p_before and p_now.ok and p_before.ok and q.answer_type == pq.answer_type:
            same = p_now.value == p_before.value
        else:
            same = " ".join(now.casefold().split()) == " ".join(before.casefold().split())
        if not same:
            was = repr(one_line(before, 60)) if before else "unanswered"
            is_ = repr(one_line(now, 60)) if now else "no answer"
            yield Finding(
                q.question_id,
                f"{q.question_id} changed since cycle {cycle}: was {was}, now {is_}; check that the change is intended",
                ctx.row(q),
            )


@rule("regression", "warning", "A change for the worse against the previous cycle")
def regression(ctx: Context) -> Iterator[Finding]:
    cycle = ctx.previous.meta.cycle if ctx.previous else ""
    for q, pq, now, before in _previous_pairs(ctx):
        if not now or not before or q.answer_type != pq.answer_type or placeholder_in(now):
            continue
        p_now, p_before = parse_answer(q, now), parse_answer(q, before)
        if not (p_now.ok and p_before.ok):
            continue
        t = q.answer_type
        worse = ""
        if t == "yes_no" and p_before.value is True and p_now.value is False:
            worse = f"changed from Yes in cycle {cycle} to No"
        elif t in {"number", "percent"} and p_now.value < p_before.value:
            unit = "%" if t == "percent" else ""
            worse = f"is down from {show(p_before.value)}{unit} in cycle {cycle} to {show(p_now.value)}{unit}"
        elif t == "multi_choice" and len(p_now.value) < len(p_before.value):
            lost = [o for o in p_before.value if o not in p_now.value]
            worse = (
                f"has fewer options chosen than in cycle {cycle} ({len(p_before.value)} to {len(p_now.value)}; "
                f"no longer: {'; '.join(lost)})"
            )
        if worse:
            yield Finding(
                q.question_id,
                f"{q.question_id} {worse}; it will read as a step back: confirm it is "
                "real and not a misunderstanding of the question",
                ctx.row(q),
            )


@rule("outside_reference_period", "warning", "A date answer outside the reference period")
def outside_reference_period(ctx: Context) -> Iterator[Finding]:
    start, end = ctx.sub.meta.reference_period_start, ctx.sub.meta.reference_period_end
    for q in ctx.sub.questions:
        parsed = ctx.parsed(q)
        if q.answer_type != "date" or parsed is None or not parsed.ok:
            continue
        day: dt.date = parsed.value
        if day < start or day > end:
            where = "before" if day < start else "after"
            yield Finding(
                q.question_id,
                f"{q.question_id}: {day.isoformat()} is {where} the reference period {start.isoformat()} to "
                f"{end.isoformat()} that the survey covers; check that it is the right (latest) date",
                ctx.row(q),
            )


@rule("contradicts_published", "warning", "An answer that contradicts a published figure for the country")
def contradicts_published(ctx: Context) -> Iterator[Finding]:
    if ctx.published is None:
        return
    from rankings.survey import mapping

    for q in ctx.sub.questions:
        parsed = ctx.parsed(q)
        if parsed is None or not parsed.ok:
            continue
        for message in mapping.contradictions(q, parsed.value, ctx.sub.meta, ctx.published):
            yield Finding(q.question_id, message, ctx.row(q))


# ---------------------------------------------------------------------------------------------------------------


def check(
    submission: Submission,
    previous: Submission | None = None,
    published: PublishedLookup | None = None,
) -> list[Flag]:
    """Every flag of ``submission`` (against ``previous`` and published figures when given), in questionnaire
    order: question by question, rules in registry order; answers to unknown questions last."""
    ctx = Context(submission, previous, published)
    order = {q.question_id: i for i, q in enumerate(submission.questions)}
    sections = {q.question_id: q.section for q in submission.questions}
    rule_order = {rid: i for i, rid in enumerate(RULES)}
    flags = [
        Flag(f.question_id, r.id, r.severity, f.message, sections.get(f.question_id, ""), f.row)
        for r in RULES.values()
        for f in r.check(ctx)
    ]
    return sorted(flags, key=lambda f: (order.get(f.question_id, len(order)), f.row or 0, rule_order[f.rule]))


def has_errors(flags: list[Flag]) -> bool:
    return any(f.severity == "error" for f in flags)


def counts(flags: list[Flag]) -> dict[str, int]:
    return {s: sum(f.severity == s for f in flags) for s in SEVERITIES}
