"""What coordinators review: the flagged answers with their decision status, and the readiness summary.

Used by the Survey check page and the Excel report, so both show the same table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from rankings import i18n
from rankings.survey.decisions import STATUS_LABELS
from rankings.survey.rules import SEVERITIES, Flag
from rankings.survey.workbook import Submission
from rankings.text import inert

TABLE_COLUMNS = [
    "question_id",
    "section",
    "question",
    "answer",
    "evidence_url",
    "evidence_note",
    "answered_by",
    "severity",
    "rule",
    "message",
    "status",
    "decided_by",
    "decided_at",
    "decision_comment",
    "fingerprint",
]


@dataclass(frozen=True)
class Readiness:
    errors: int
    warnings: int
    infos: int
    flagged_answers: int
    verified: int
    needs_change: int
    open: int  # open or reopened
    days_to_deadline: int

    @property
    def verified_share(self) -> float:
        return self.verified / self.flagged_answers if self.flagged_answers else 1.0

    @property
    def ready(self) -> bool:
        return self.errors == 0 and self.verified == self.flagged_answers

    def deadline_text(self, lang: str = "en") -> str:
        d = self.days_to_deadline
        if d == 0:
            return i18n.t("survey.deadline.today", lang)
        days = i18n.t("survey.days.one" if abs(d) == 1 else "survey.days.other", lang, n=i18n.integer(abs(d), lang))
        return days if d > 0 else i18n.t("survey.deadline.overdue_by", lang, days=days)


def status_label(state: str, lang: str = "en") -> str:
    """A decision status as the interface says it (the report's English labels are :data:`STATUS_LABELS`)."""
    if lang == "en" or state not in STATUS_LABELS:
        return STATUS_LABELS.get(state, state)
    return i18n.t(f"survey.status.{state}", lang)


def flag_table(submission: Submission, flags: list[Flag], status: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """One row per flag, with the question, the answer as it stands and the decision on it."""
    by_question = status.set_index("question_id").to_dict("index") if not status.empty else {}
    rows = []
    for f in flags:
        q = submission.question(f.question_id)
        answers = submission.answers_to(f.question_id)
        decision = by_question.get(f.question_id, {})
        state = str(decision.get("status", "open"))
        rows.append(
            {
                "question_id": f.question_id,
                "section": f.section,
                "question": q.question if q else "",
                "answer": " | ".join(a.answer for a in answers),
                "evidence_url": " | ".join(a.evidence_url for a in answers if a.evidence_url),
                "evidence_note": " | ".join(a.evidence_note for a in answers if a.evidence_note),
                "answered_by": submission.answered_by(f.question_id),
                "severity": f.severity,
                "rule": f.rule,
                "message": f.message,
                "status": status_label(state, lang),
                "decided_by": str(decision.get("decided_by", "")),
                "decided_at": str(decision.get("decided_at", ""))[:19].replace("T", " "),
                "decision_comment": str(decision.get("comment", "")),
                "fingerprint": str(decision.get("fingerprint", "")),
            }
        )
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def readiness(
    submission: Submission, flags: list[Flag], status: pd.DataFrame, today: dt.date | None = None
) -> Readiness:
    today = today or dt.date.today()
    counts = {s: sum(f.severity == s for f in flags) for s in SEVERITIES}
    flagged = {f.question_id for f in flags}
    states = dict(zip(status["question_id"], status["status"], strict=True)) if not status.empty else {}
    decided = [states.get(q, "open") for q in flagged]
    return Readiness(
        errors=counts["error"],
        warnings=counts["warning"],
        infos=counts["info"],
        flagged_answers=len(flagged),
        verified=decided.count("verified"),
        needs_change=decided.count("needs_change"),
        open=sum(s in {"open", "reopened"} for s in decided),
        days_to_deadline=(submission.meta.deadline - today).days,
    )


def md(text: str) -> str:
    """User text made inert for Streamlit Markdown (see :func:`rankings.text.inert`)."""
    return inert(text)
