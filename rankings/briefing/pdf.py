"""The briefing as a PDF of one or two A4 pages (fpdf2, with matplotlib's DejaVu Sans embedded for æøå and "…").

Page 1: title, data as of, the headline sentences of both countries and the table of latest editions.
Page 2: the rank histories, the sub-index profiles and the sources. The demo mark heads every page when the
store holds demo data.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace

from rankings import i18n
from rankings.briefing import charts
from rankings.briefing.content import Briefing

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
INK = (33, 37, 41)
MUTED = (90, 98, 106)
FOCUS_RGB = (213, 94, 0)  # charts.FOCUS
DEMO_RGB = (176, 0, 32)


class _Document(FPDF):
    def __init__(self, briefing: Briefing) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.briefing = briefing
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font(FONT, "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
        self.set_margins(15, 14, 15)
        self.set_auto_page_break(True, margin=14)
        self.set_title(briefing.title)
        self.set_lang(briefing.lang)

    def header(self) -> None:
        if self.briefing.demo:
            self.set_font(FONT, "B", 10)
            self.set_text_color(*DEMO_RGB)
            self.set_draw_color(*DEMO_RGB)
            self.cell(0, 7, self.briefing.t("briefing.demo"), border=1, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(2)
            self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, "", 7)
        self.set_text_color(*MUTED)
        page = self.briefing.t("briefing.page", n=self.page_no(), total="{nb}")
        self.cell(0, 5, f"{self.briefing.title} · {page}", align="R")
        self.set_text_color(*INK)

    def heading(self, text: str, size: float = 12) -> None:
        self.set_font(FONT, "B", size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def paragraph(self, text: str, size: float = 9, style: str = "", colour: tuple[int, int, int] = INK) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.48, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)


def _headlines(doc: _Document, b: Briefing) -> None:
    doc.heading(b.t("briefing.headlines"))
    for iso3, name in ((b.focus, b.focus_name), (b.counterpart, b.counterpart_name)):
        doc.set_font(FONT, "B", 9.5)
        doc.set_text_color(*(FOCUS_RGB if iso3 == b.focus else (0, 114, 178)))
        doc.cell(0, 5.5, name, new_x="LMARGIN", new_y="NEXT")
        doc.set_text_color(*INK)
        for sentence in b.headlines.get(iso3, []):
            doc.set_x(doc.l_margin + 2)
            doc.set_font(FONT, "", 8)
            doc.multi_cell(0, 3.9, "• " + sentence, align="L", new_x="LMARGIN", new_y="NEXT")
        doc.ln(1.5)


def _table(doc: _Document, b: Briefing) -> None:
    """One block per ranking (its title row, then both countries), under one heading row: compact enough that
    the headlines and every ranking fit on the first page."""
    doc.heading(b.t("briefing.table"))
    head = FontFace(family=FONT, emphasis="BOLD", size_pt=8, fill_color=(238, 240, 242))
    title = FontFace(family=FONT, emphasis="BOLD", size_pt=8)
    doc.set_font(FONT, "", 8)
    with doc.table(
        col_widths=(22, 30, 16, 32),
        text_align=("LEFT", "LEFT", "RIGHT", "LEFT"),
        headings_style=head,
        line_height=4.2,
        padding=(0.5, 1.2),
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        row = table.row()
        for c in ("country", "rank", "score", "change"):
            row.cell(b.t(f"briefing.column.{c}"))
        for ranking in b.rankings:
            caption = b.t(
                "briefing.table.caption",
                title=ranking.title,
                edition=ranking.edition,
                indicator=ranking.indicator,
                period=ranking.reference_period,
            )
            table.row().cell(caption, colspan=4, style=title)
            for p in ranking.positions:
                row = table.row()
                for cell in (p.name, p.rank, p.score, p.change):
                    row.cell(cell)
    doc.ln(1.5)


def _image(doc: _Document, png: bytes | None, width: float) -> None:
    if png is None:
        return
    doc.image(io.BytesIO(png), x=doc.l_margin, w=width)
    doc.ln(2)


def render(b: Briefing) -> bytes:
    """The PDF's bytes."""
    doc = _Document(b)
    doc.add_page()
    doc.set_text_color(*INK)
    doc.set_font(FONT, "B", 18)
    doc.multi_cell(0, 9, b.title, align="L", new_x="LMARGIN", new_y="NEXT")
    doc.paragraph(b.t("briefing.subtitle", date=i18n.date(b.made_on, b.lang)), size=10)
    doc.paragraph(b.data_as_of, size=9, colour=MUTED)
    doc.ln(3)
    _headlines(doc, b)
    _table(doc, b)
    if b.revised:
        doc.ln(2)
        doc.paragraph(b.t("revision.caption", figures="; ".join(b.revised)), size=7.5, colour=MUTED)

    doc.add_page()
    width = doc.w - doc.l_margin - doc.r_margin
    history = charts.rank_histories(b)
    if history is not None:
        doc.heading(b.t("briefing.histories"))
        _image(doc, history, width)
        doc.paragraph(b.t("briefing.histories.note"), size=7.5, colour=MUTED)
        doc.ln(2)
    profiles = charts.sub_index_profiles(b)
    if profiles is not None:
        doc.heading(b.t("briefing.profiles"))
        _image(doc, profiles, width)
    doc.heading(b.t("briefing.sources"), size=11)
    for s in b.sources:
        doc.paragraph(b.t("briefing.source", citation=s.citation, licence=s.licence, url=s.url), size=7.5)
        doc.ln(0.8)
    return bytes(doc.output())
