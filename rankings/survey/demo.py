"""A demo submission for Denmark (fictitious answers) and its previous cycle, exercising most rules.

Written by ``python -m rankings demo`` into the survey folder's ``demo/`` sub-folder, beside (never inside) the
raw folder: ``data/raw`` -> ``data/surveys/demo/``. The survey is called "Digital Government Survey (DEMO,
fictitious answers)" so that nobody mistakes it for the country's real answers. The draft's deadline is set
40 days after the day it is written, so that the page's countdown means something.
"""

# ruff: noqa: E501  (tables of example rows read best one row per line)
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rankings.survey.template import write_workbook

SURVEY = "Digital Government Survey (DEMO, fictitious answers)"
DRAFT_FILE = "demo-survey-2026-draft.xlsx"
PREVIOUS_FILE = "demo-survey-2024-submitted.xlsx"
ANNA, MIKKEL = "Anna Jensen", "Mikkel Sørensen"


def _q(qid: str, section: str, question: str, answer_type: str, **extra: Any) -> dict[str, Any]:
    return {"question_id": qid, "section": section, "question": question, "answer_type": answer_type, **extra}


QUESTIONS = [
    _q("S1", "Strategy", "Does the country have a national digital government strategy in force?", "yes_no", evidence_required="yes"),
    _q("S2", "Strategy", "Link to the strategy document", "url", depends_on="S1 = Yes"),
    _q("S3", "Strategy", "Date of the latest monitoring report on the strategy", "date", depends_on="S1 = Yes"),
    _q("S4", "Strategy", "Describe how the implementation of the strategy is monitored.", "text", min_text_length=80),
    _q("I1", "Identity and services", "Is there a national eID scheme for citizens?", "yes_no", evidence_required="yes"),
    _q("I2", "Identity and services", "Share of public services for citizens available fully online (percent)", "percent", evidence_required="yes"),
    _q("I3", "Identity and services", "Which channels offer digital public services?", "multi_choice", options="Web portal; Mobile app; Digital mailbox; Chatbot; Video meeting"),
    _q("I4", "Identity and services", "Number of services on the national portal", "number"),
    _q("I5", "Identity and services", "Is there a digital mailbox (digital post) for citizens and businesses?", "yes_no"),
    _q("P1", "Participation", "Does the national portal offer online consultations (e-participation) on draft legislation?", "yes_no", evidence_required="yes"),
    _q("P2", "Participation", "Describe the consultation platform and how input is used.", "text", depends_on="P1 = Yes", min_text_length=40),
    _q("D1", "Data", "Is there a national open government data portal?", "yes_no", evidence_required="yes"),
    _q("D2", "Data", "Who publishes the national data catalogue?", "single_choice", options="Ministry; Agency; Municipalities; Other"),
    _q("D3", "Data", "Share of high-value datasets published as open data (percent)", "percent"),
    _q("D4", "Data", "Are the datasets published under an open licence?", "yes_no", evidence_required="yes"),
    _q("G1", "Governance", "Who coordinates digital government?", "single_choice", options="Ministry; Agency; Centre of government; Other"),
    _q("G2", "Governance", "Describe cooperation between the levels of government.", "text", min_text_length=40),
]  # fmt: skip


def _a(qid: str, answer: Any, by: str = ANNA, on: dt.date = dt.date(2026, 10, 5), **extra: Any) -> dict[str, Any]:
    return {"question_id": qid, "answer": answer, "answered_by": by, "answered_on": on, **extra}


DRAFT_ANSWERS = [
    _a("S1", "Yes", evidence_url="https://www.example.dk/digital-strategy"),
    _a("S2", "https://www.example.dk/digital-strategy"),
    _a("S3", dt.date(2024, 11, 30), comment="Check whether the 2025 report is out"),  # outside the period
    _a("S4", "Annual status report."),  # too short
    _a("I1", "Yes", by=MIKKEL, evidence_note="National eID in use since 2021; agency's annual figures"),
    _a("I2", 88, by=MIKKEL, evidence_url="http://www.example.dk/services-statistics"),  # not https; down from 93
    _a("I3", "Web portal; Digital mailbox", by=MIKKEL),  # fewer than last cycle
    _a("I4", "2,150", by=MIKKEL),  # thousands separator: not a number
    _a("I5", "Yes", by=MIKKEL),
    _a("P1", "No", evidence_note="Consultation portal under review"),  # contradicts the UN EPI; was Yes
    _a("P2", "A central consultation portal lists every draft bill; responses are published."),  # P1 = No
    _a("D1", "Yes", evidence_url="TBD"),  # placeholder
    _a("D2", "The agency"),  # not an option
    _a("D3", ""),  # missing
    _a("D4", "Yes"),  # evidence missing
    _a("G1", "Agency"),
    _a("G1", "Ministry", by=MIKKEL),  # a second answer
    _a("G2", "TODO: ask the association of municipalities"),  # placeholder
    _a("G9", "Yes", comment="Question from last cycle's draft"),  # not a question
]

PREVIOUS_ANSWERS = [
    _a("S1", "Yes", on=dt.date(2024, 4, 2), evidence_url="https://www.example.dk/digital-strategy"),
    _a("S2", "https://www.example.dk/digital-strategy", on=dt.date(2024, 4, 2)),
    _a("S3", dt.date(2023, 9, 30), on=dt.date(2024, 4, 2)),
    _a("S4", "An annual status report to the steering board measures each initiative against its milestones and indicators.", on=dt.date(2024, 4, 2)),
    _a("I1", "Yes", by=MIKKEL, on=dt.date(2024, 4, 3), evidence_note="National eID statistics"),
    _a("I2", 93, by=MIKKEL, on=dt.date(2024, 4, 3), evidence_url="https://www.example.dk/services-statistics"),
    _a("I3", "Web portal; Mobile app; Digital mailbox", by=MIKKEL, on=dt.date(2024, 4, 3)),
    _a("I4", 2040, by=MIKKEL, on=dt.date(2024, 4, 3)),
    _a("I5", "Yes", by=MIKKEL, on=dt.date(2024, 4, 3)),
    _a("P1", "Yes", on=dt.date(2024, 4, 4), evidence_url="https://www.example.dk/consultations"),
    _a("P2", "A central consultation portal lists every draft bill; responses are published.", on=dt.date(2024, 4, 4)),
    _a("D1", "Yes", on=dt.date(2024, 4, 4), evidence_url="https://www.example.dk/open-data"),
    _a("D2", "Agency", on=dt.date(2024, 4, 4)),
    _a("D3", 61, on=dt.date(2024, 4, 4)),
    _a("D4", "Yes", on=dt.date(2024, 4, 4), evidence_note="Licence policy of the data portal"),
    _a("G1", "Agency", on=dt.date(2024, 4, 5)),
    _a("G2", "A joint board of state, regions and municipalities agrees common strategies and shared components.", on=dt.date(2024, 4, 5)),
]  # fmt: skip


def write(folder: Path | str, today: dt.date | None = None) -> list[Path]:
    """Write the demo draft and its previous cycle into ``folder``; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    today = today or dt.date.today()
    draft_meta = {
        "survey": SURVEY,
        "cycle": "2026",
        "country": "DNK",
        "reference_period_start": dt.date(2025, 1, 1),
        "reference_period_end": dt.date(2025, 12, 31),
        "deadline": today + dt.timedelta(days=40),
    }
    previous_meta = {
        **draft_meta,
        "cycle": "2024",
        "reference_period_start": dt.date(2023, 1, 1),
        "reference_period_end": dt.date(2023, 12, 31),
        "deadline": dt.date(2024, 6, 30),
    }
    draft, previous = folder / DRAFT_FILE, folder / PREVIOUS_FILE
    write_workbook(previous, previous_meta, QUESTIONS, PREVIOUS_ANSWERS)
    write_workbook(draft, draft_meta, QUESTIONS, DRAFT_ANSWERS)
    return [draft, previous]
