"""A briefing marks a figure the publisher revised after it was first stored, with its previous value."""

from __future__ import annotations

import pytest

from briefing.documents import deck_slides, pdf_pages
from conftest import UN_HEADER
from rankings import briefing, ingest
from rankings.briefing import content

DK = '2024,"Denmark ",1,{egdi},1.00000,0.99800,0.95760,0.99850'
EE = '2024,"Estonia ",2,0.97270,0.98630,1.00000,0.92900,0.98910'


@pytest.fixture
def revised_store(tmp_path):
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    raw.mkdir()
    csv = raw / "EGOV_DATA_2024.csv"
    csv.write_text(f"{UN_HEADER}\n{DK.format(egdi='0.98470')}\n{EE}\n")
    ingest.ingest(raw, processed)
    csv.write_text(f"{UN_HEADER}\n{DK.format(egdi='0.98510')}\n{EE}\n")
    assert ingest.ingest(raw, processed).revisions
    return processed


@pytest.mark.parametrize(
    ("lang", "now", "was"), [("en", "0.98510", "previously 0.98470"), ("da", "0,98510", "tidligere 0,98470")]
)
def test_the_revised_figure_is_marked_in_the_table_and_noted_with_its_previous_value(revised_store, lang, now, was):
    b = content.gather(revised_store, "EST", "DNK", lang)
    scores = {p.iso3: p.score for r in b.rankings for p in r.positions}
    assert scores == {"DNK": f"{now} ✎", "EST": "0.97270" if lang == "en" else "0,97270"}
    assert len(b.revised) == 1 and was in b.revised[0]
    pdf = "\n".join(pdf_pages(briefing.build(revised_store, "EST", "DNK", lang, "pdf")))
    assert f"{now} ✎" in pdf and was in " ".join(pdf.split())
    deck = " ".join(" ".join(deck_slides(briefing.build(revised_store, "EST", "DNK", lang, "pptx"))).split())
    assert was in deck
