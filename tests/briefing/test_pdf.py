"""The PDF: one or two A4 pages whose text (read with pypdf) holds the published figures in the language's format."""

from __future__ import annotations

import pytest

from briefing.documents import pdf_pages
from rankings import briefing, overview, queries

DEMO = {"en": "Demo data, fictitious values", "da": "Demodata, fiktive værdier"}
NAMES = {"en": ("Denmark", "Estonia"), "da": ("Danmark", "Estland")}


@pytest.mark.parametrize("lang", ["en", "da"])
def test_pages_figures_names_and_demo_mark(demo_store, lang):
    pages = pdf_pages(briefing.build(demo_store, "EST", "DNK", lang, "pdf"))
    assert 1 <= len(pages) <= 2
    text = "\n".join(pages)
    assert all(DEMO[lang] in page for page in pages)
    for name in NAMES[lang]:
        assert name in text
    for iso3 in ("DNK", "EST"):
        for card in overview.build_cards(queries.headline_series(iso3, demo_store), iso3, lang):
            assert card.value_text in text, (card.source, card.value_text)
    if lang == "da":
        assert "Denmark" not in text and "Estonia" not in text


def test_a4(demo_store):
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(briefing.build(demo_store, "EST", "DNK", "en", "pdf")))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)


@pytest.mark.realdata
@pytest.mark.parametrize(("lang", "egdi"), [("en", "0.9758"), ("da", "0,9758")])
def test_golden_denmarks_egdi_2020_on_the_real_files(real_store, lang, egdi):
    pages = pdf_pages(briefing.build(real_store, "EST", "DNK", lang, "pdf"))
    text = "\n".join(pages)
    assert 1 <= len(pages) <= 2
    assert egdi in text
    assert not any(DEMO[lang] in page for page in pages)
    if lang == "da":
        assert "Danmark" in text and "Estland" in text
        assert "Denmark" not in text and "Estonia" not in text
