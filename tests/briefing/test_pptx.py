"""The deck: 4-8 slides of editable text, with the published figures, the demo mark and the language's names."""

from __future__ import annotations

import io

import pytest

from briefing.documents import deck_slides
from rankings import briefing, overview, queries

DEMO = {"en": "Demo data, fictitious values", "da": "Demodata, fiktive værdier"}


@pytest.mark.parametrize("lang", ["en", "da"])
def test_slides_figures_and_demo_mark(demo_store, lang):
    slides = deck_slides(briefing.build(demo_store, "EST", "DNK", lang, "pptx"))
    assert 4 <= len(slides) <= 8
    assert all(DEMO[lang] in s for s in slides)
    text = "\n".join(slides)
    for iso3 in ("DNK", "EST"):
        for card in overview.build_cards(queries.headline_series(iso3, demo_store), iso3, lang):
            assert card.value_text in text
            assert card.headline in text  # the sentence, as one editable paragraph
    if lang == "da":
        assert "Danmark" in text and "Estland" in text
        assert "Denmark" not in text and "Estonia" not in text


def test_charts_are_pictures_and_the_table_is_native(demo_store):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    deck = Presentation(io.BytesIO(briefing.build(demo_store, "EST", "DNK", "en", "pptx")))
    kinds = [shape.shape_type for slide in deck.slides for shape in slide.shapes]
    assert kinds.count(MSO_SHAPE_TYPE.PICTURE) == 2
    assert kinds.count(MSO_SHAPE_TYPE.TABLE) == 1


@pytest.mark.realdata
def test_golden_real_files_in_danish(real_store):
    text = "\n".join(deck_slides(briefing.build(real_store, "EST", "DNK", "da", "pptx")))
    assert "0,9758" in text and "Estland" in text
    assert "Denmark" not in text and "Estonia" not in text and DEMO["da"] not in text
