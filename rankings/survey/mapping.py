"""Reviewed mappings from survey questions to published indicators (``rankings/reference/survey_mappings.yaml``).

The rule ``contradicts_published`` asks :func:`contradictions` whether an answer contradicts a published figure
of the same country: e.g. "has a national eID: No" while the EU eGovernment Benchmark scores the country's eID
at 93 of 100. The figures come from the store through :func:`published_lookup` (the ``headline`` view: the edition's
headline reference period, the latest edition with a published value unless a mapping names an edition).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rankings import metadata
from rankings.survey.workbook import Meta, Question, parse_yes_no, show

MAPPINGS_PATH = Path(__file__).resolve().parents[1] / "reference" / "survey_mappings.yaml"

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}
ANSWER_CONDITIONS = ("equals", "below", "above", "differs_from_published_by_more_than")


@dataclass(frozen=True)
class Published:
    """One published figure of a country."""

    source: str
    indicator: str
    edition: int
    reference_period: str
    value: float
    entity: str
    is_demo: bool = False
    # The figure as it stands now; when the publisher revised it after it was first stored, when and from what.
    revised_at: str | None = None
    was_value: float | None = None


Lookup = Callable[[str, str, str, int | None], Published | None]  # (source, indicator, iso3, edition) -> figure


@dataclass(frozen=True)
class Mapping:
    id: str
    title: str
    text: re.Pattern[str] | None
    qid: re.Pattern[str] | None
    exclude: re.Pattern[str] | None
    answer_types: tuple[str, ...]
    answer_condition: str
    answer_value: Any
    source: str
    indicator: str
    edition: int | None  # None = latest
    published_op: str | None
    published_threshold: float | None
    why: str

    def matches(self, q: Question) -> bool:
        if q.answer_type not in self.answer_types:
            return False
        hit = bool(self.text and self.text.search(q.question)) or bool(self.qid and self.qid.search(q.question_id))
        return hit and not (self.exclude and self.exclude.search(q.question))

    def answer_holds(self, q: Question, value: Any, published: float) -> bool:
        c, wanted = self.answer_condition, self.answer_value
        if c == "equals":
            if q.answer_type == "yes_no":
                return value is parse_yes_no(str(wanted))
            if isinstance(value, tuple):
                return str(wanted).casefold() in {v.casefold() for v in value}
            return str(value).casefold() == str(wanted).casefold()
        if not isinstance(value, int | float) or isinstance(value, bool):
            return False
        if c == "below":
            return value < float(wanted)
        if c == "above":
            return value > float(wanted)
        return abs(value - published) > float(wanted)

    def published_holds(self, value: float) -> bool:
        if self.published_op is None or self.published_threshold is None:
            return True
        return _OPS[self.published_op](value, self.published_threshold)


def _compile(pattern: object, where: str) -> re.Pattern[str] | None:
    if pattern in (None, ""):
        return None
    try:
        return re.compile(str(pattern), re.I)
    except re.error as exc:
        raise ValueError(f"{where}: the pattern {pattern!r} is not a regular expression ({exc})") from None


def _parse(spec: dict[str, Any], path: Path) -> Mapping:
    mid = str(spec.get("id", ""))
    where = f"{path.name}: mapping {mid or '(no id)'}"
    question = spec.get("question") or {}
    answer = spec.get("answer") or {}
    published = spec.get("published") or {}
    if not mid or not question or len(answer) != 1 or not published:
        raise ValueError(f"{where}: needs id, question, one answer condition and published")
    condition, wanted = next(iter(answer.items()))
    if condition not in ANSWER_CONDITIONS:
        raise ValueError(f"{where}: answer condition {condition!r} is not one of {', '.join(ANSWER_CONDITIONS)}")
    source, indicator = str(published.get("source")), str(published.get("indicator"))
    if (source, indicator) not in metadata.indicators():
        raise ValueError(f"{where}: {source}/{indicator} is not an indicator in rankings/reference/indicators/")
    op = threshold = None
    if published.get("value") is not None:
        m = re.fullmatch(r"\s*(>=|<=|>|<)\s*([-+]?\d+(\.\d+)?)\s*", str(published["value"]))
        if not m:
            raise ValueError(f"{where}: published value {published['value']!r} is not like '>= 75'")
        op, threshold = m[1], float(m[2])
    elif condition != "differs_from_published_by_more_than":
        raise ValueError(f"{where}: published needs a value condition such as '>= 75'")
    edition = published.get("edition", "latest")
    types = tuple(spec.get("answer_types") or ())
    if not types:
        raise ValueError(f"{where}: answer_types is empty")
    text, qid = _compile(question.get("text"), where), _compile(question.get("id"), where)
    if text is None and qid is None:
        raise ValueError(f"{where}: question needs a text or an id pattern")
    return Mapping(
        id=mid,
        title=str(spec.get("title", mid)),
        text=text,
        qid=qid,
        exclude=_compile(question.get("exclude"), where),
        answer_types=types,
        answer_condition=condition,
        answer_value=wanted,
        source=source,
        indicator=indicator,
        edition=None if edition == "latest" else int(edition),
        published_op=op,
        published_threshold=threshold,
        why=" ".join(str(spec.get("why", "")).split()),
    )


@cache
def mappings(path: Path = MAPPINGS_PATH) -> tuple[Mapping, ...]:
    """The reviewed mappings (reference data: a malformed file is a bug, raised as ValueError)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = tuple(_parse(spec, path) for spec in raw.get("mappings") or ())
    ids = [m.id for m in out]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path.name}: a mapping id is used twice")
    return out


def _format(value: float, source: str, indicator: str) -> str:
    ind = metadata.indicators().get((source, indicator))
    decimals = ind.decimals if ind else 2
    return f"{value:.{decimals}f}"


def contradictions(q: Question, value: Any, meta: Meta, lookup: Lookup) -> list[str]:
    """Messages for every mapping by which the answer ``value`` to ``q`` contradicts a published figure."""
    out = []
    for m in mappings():
        if not m.matches(q):
            continue
        figure = lookup(m.source, m.indicator, meta.country, m.edition)
        if figure is None or not m.published_holds(figure.value) or not m.answer_holds(q, value, figure.value):
            continue
        source = metadata.sources().get(m.source)
        ind = metadata.indicators().get((m.source, m.indicator))
        title = source.title if source else m.source
        demo = " (demo data: a fictitious figure)" if figure.is_demo else ""
        revised = ""
        if figure.revised_at:
            was = "no value" if figure.was_value is None else _format(figure.was_value, m.source, m.indicator)
            revised = f"; the publisher revised this figure, stored {figure.revised_at[:10]} (previously {was})"
        out.append(
            f"{q.question_id} answers {show(value)!r}, but the {title} {figure.edition} gives {meta.country_name} "
            f"{ind.short if ind else m.indicator} {_format(figure.value, m.source, m.indicator)} "
            f"({ind.unit if ind else ''}, reference period {figure.reference_period}{revised}){demo}: {m.why}. "
            f"Check which is right (mapping {m.id})"
        )
    return out


def published_lookup(processed: Path | str) -> Lookup:
    """A lookup of published figures in the store at ``processed`` (memoised for one check)."""
    import pandas as pd

    from rankings import db

    @cache
    def lookup(source: str, indicator: str, iso3: str, edition: int | None) -> Published | None:
        df = db.query(
            """
            SELECT h.edition, h.reference_period, h.value, h.entity, coalesce(m.is_demo, false) AS is_demo,
                   h.revised_at, h.was_value
            FROM headline h LEFT JOIN manifest m ON m.path = h.source_file
            WHERE h.source = ? AND h.indicator = ? AND h.iso3 = ? AND h.value IS NOT NULL
              AND (CAST(? AS INTEGER) IS NULL OR h.edition = CAST(? AS INTEGER))
            ORDER BY h.edition DESC, h.source_file
            LIMIT 1
            """,
            [source, indicator, iso3, edition, edition],
            processed=processed,
        )
        if df.empty:
            return None
        r = df.iloc[0]
        return Published(
            source,
            indicator,
            int(r["edition"]),
            str(r["reference_period"]),
            float(r["value"]),
            str(r["entity"]),
            bool(r["is_demo"]),
            None if pd.isna(r["revised_at"]) else str(r["revised_at"]),
            None if pd.isna(r["was_value"]) else float(r["was_value"]),
        )

    return lookup
