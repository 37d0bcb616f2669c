"""The briefing as a PowerPoint deck (python-pptx): 4-8 slides of editable text, native tables, charts as pictures.

Slides: title; the headlines of each country; the latest editions (a native table); the rank histories; the
sub-index profiles; the sources. The demo mark sits on every slide when the store holds demo data.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from rankings import i18n
from rankings.briefing import charts
from rankings.briefing.content import Briefing

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
INK = RGBColor(0x21, 0x25, 0x29)
MUTED = RGBColor(0x5A, 0x62, 0x6A)
FOCUS = RGBColor(0xD5, 0x5E, 0x00)
COUNTERPART = RGBColor(0x00, 0x72, 0xB2)
DEMO = RGBColor(0xB0, 0x00, 0x20)
BLANK = 6  # the default template's blank layout
FOOT = Inches(0.6)  # room kept at the foot of a slide (the footer)


def _text(slide, left, top, width, height, paragraphs, size=14, bold=False, colour=INK):  # type: ignore[no-untyped-def]
    """A text box of ``paragraphs`` (each a string, or (string, size, bold, colour))."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, item in enumerate(paragraphs):
        text, s, b, c = item if isinstance(item, tuple) else (item, size, bold, colour)
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.space_after = Pt(4)
        run = para.add_run()
        run.text = text
        run.font.size, run.font.bold, run.font.color.rgb = Pt(s), b, c
    return box


def _slide(deck, b: Briefing, title: str):  # type: ignore[no-untyped-def]
    slide = deck.slides.add_slide(deck.slide_layouts[BLANK])
    _text(slide, MARGIN, Inches(0.35), WIDTH - 2 * MARGIN - Inches(3.2), Inches(0.8), [title], size=26, bold=True)
    if b.demo:
        box = _text(
            slide,
            WIDTH - MARGIN - Inches(3.1),
            Inches(0.4),
            Inches(3.1),
            Inches(0.5),
            [b.t("briefing.demo")],
            size=14,
            bold=True,
            colour=DEMO,
        )
        box.line.color.rgb = DEMO
    _text(slide, MARGIN, HEIGHT - Inches(0.45), WIDTH - 2 * MARGIN, Inches(0.3), [b.title], size=9, colour=MUTED)
    return slide


def _picture(slide, png: bytes, top: Emu, bottom: Emu = FOOT) -> None:  # type: ignore[no-untyped-def]
    """The chart, as large as the slide allows between ``top`` and ``bottom`` (from the foot), centred."""
    from PIL import Image

    w, h = Image.open(io.BytesIO(png)).size
    room_w, room_h = WIDTH - 2 * MARGIN, HEIGHT - top - bottom
    scale = min(room_w / w, room_h / h)
    pic_w, pic_h = int(w * scale), int(h * scale)
    slide.shapes.add_picture(io.BytesIO(png), int((WIDTH - pic_w) / 2), top, pic_w, pic_h)


def render(b: Briefing) -> bytes:
    """The deck's bytes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = b.title
    deck.core_properties.language = b.lang

    slide = _slide(deck, b, b.title)
    _text(
        slide,
        MARGIN,
        Inches(2.4),
        WIDTH - 2 * MARGIN,
        Inches(2.5),
        [
            (b.t("briefing.subtitle", date=i18n.date(b.made_on, b.lang)), 20, False, INK),
            (b.data_as_of, 14, False, MUTED),
        ],
    )

    for iso3, name, colour in ((b.focus, b.focus_name, FOCUS), (b.counterpart, b.counterpart_name, COUNTERPART)):
        slide = _slide(deck, b, f"{b.t('briefing.headlines')}: {name}")
        sentences = b.headlines.get(iso3) or [b.t("briefing.no_figures")]
        _text(slide, MARGIN, Inches(1.3), WIDTH - 2 * MARGIN, Inches(5.6), ["• " + s for s in sentences], size=15)
        slide.shapes[0].text_frame.paragraphs[0].runs[0].font.color.rgb = colour

    slide = _slide(deck, b, b.t("briefing.table"))
    rows = 1 + 3 * len(b.rankings)
    shape = slide.shapes.add_table(rows, 4, MARGIN, Inches(1.25), WIDTH - 2 * MARGIN, Inches(0.3) * rows)
    table = shape.table
    for i, w in enumerate((2.6, 3.6, 1.9, 4.233)):
        table.columns[i].width = Inches(w)
    size = Pt(11 if rows <= 19 else 9)

    def put(r: int, c: int, text: str, bold: bool = False) -> None:
        cell = table.cell(r, c)
        cell.text = text
        cell.margin_top = cell.margin_bottom = Pt(1)
        for para in cell.text_frame.paragraphs:
            for run in para.runs:
                run.font.size, run.font.bold = size, bold

    for c, key in enumerate(("country", "rank", "score", "change")):
        put(0, c, b.t(f"briefing.column.{key}"), bold=True)
    r = 1
    for ranking in b.rankings:
        table.cell(r, 0).merge(table.cell(r, 3))
        put(r, 0, f"{ranking.title} {ranking.edition}: {ranking.indicator}", bold=True)
        for k, p in enumerate(ranking.positions, start=1):
            for c, text in enumerate((p.name, p.rank, p.score, p.change)):
                put(r + k, c, text)
        r += 3  # the title row and the two countries
    for row in table.rows:
        row.height = Inches(0.3)

    history = charts.rank_histories(b, width=11.0)
    if history is not None:
        slide = _slide(deck, b, b.t("briefing.histories"))
        _picture(slide, history, Inches(1.2), Inches(0.95))
        _text(
            slide,
            MARGIN,
            HEIGHT - Inches(0.8),
            WIDTH - 2 * MARGIN,
            Inches(0.3),
            [b.t("briefing.histories.note")],
            size=10,
            colour=MUTED,
        )
    profiles = charts.sub_index_profiles(b, width=11.0)
    if profiles is not None:
        slide = _slide(deck, b, b.t("briefing.profiles"))
        _picture(slide, profiles, Inches(1.2))

    slide = _slide(deck, b, b.t("briefing.sources"))
    lines = [b.t("briefing.source", citation=s.citation, licence=s.licence, url=s.url) for s in b.sources]
    if b.revised:
        lines.append(b.t("revision.caption", figures="; ".join(b.revised)))
    _text(slide, MARGIN, Inches(1.3), WIDTH - 2 * MARGIN, Inches(5.6), lines, size=11)

    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
