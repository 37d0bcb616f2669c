"""Overview: the focus country's position in every ranking's latest edition, at a glance."""

from __future__ import annotations

import streamlit as st

from rankings import charts, i18n, metadata, overview, ui
from rankings.text import inert

ui.page()

lang = ui.lang()
t = ui.t
iso3, name = ui.focus()
st.title(t("overview.title", country=name))
ui.demo_notice()
if ui.empty_store_notice():
    st.stop()


def _cards(iso3: str, lang: str) -> tuple[list[overview.Card], dict[str, object]]:
    """The cards and their rank sparklines; built once per store version, country and language (see ui.memo)."""
    cards = overview.build_cards(ui.data("headline_series", iso3), iso3, lang)
    sparks = {
        c.source: charts.rank_sparkline(c.history, list(metadata.source(c.source).editions), lang=lang)
        for c in cards
        if len(c.history) > 1
    }
    return cards, sparks


cards, sparklines = ui.memo("overview.cards", _cards, iso3, lang)
if not cards:
    st.info(t("overview.none", country=name))
    st.stop()

st.subheader(t("overview.headlines"))
st.markdown("\n".join(f"- {inert(card.headline)}" for card in cards))

for start in range(0, len(cards), 2):
    columns = st.columns(2)
    for card, column in zip(cards[start : start + 2], columns, strict=False):
        source = metadata.source(card.source)
        decimals = metadata.indicator(card.source, card.indicator).decimals
        with column.container(border=True):
            st.markdown(f"#### {card.title} {card.edition}")
            st.caption(t("overview.card.caption", indicator=card.indicator_title, period=card.reference_period))
            left, right = st.columns(2)
            if card.rank is not None:
                joint = "=" if card.tied_with else ""
                left.metric(
                    t("overview.rank") if card.rank_official else t("overview.rank.computed"),
                    t(
                        "overview.rank.value",
                        joint=joint,
                        ordinal=overview.ordinal(card.rank, lang),
                        assessed=i18n.integer(card.assessed, lang),
                    ),
                    delta=None if card.rank_change is None else overview.places(card.rank_change, lang),
                    delta_color="off" if card.rank_change == 0 else "normal",
                    delta_arrow="off" if card.rank_change == 0 else "auto",
                    delta_description=t("overview.since", edition=card.previous_edition)
                    if card.previous_edition
                    else None,
                    help=t("overview.rank.help"),
                )
            else:
                left.metric(
                    t("overview.rank"),
                    t("status.not_assessed") if card.status == "not_assessed" else t("overview.not_ranked"),
                )
            right.metric(
                t("overview.score"),
                card.value_text,
                delta=None if card.value_change is None else i18n.signed(card.value_change, lang, decimals),
            )
            if card.revision:
                st.caption(f"{i18n.REVISED} {card.revision[:1].upper()}{card.revision[1:]}")
            gaps = overview.gap_sentence(card, decimals, lang)
            if gaps:
                st.markdown(gaps)
            if card.source in sparklines:
                st.plotly_chart(
                    sparklines[card.source],
                    width="stretch",
                    key=f"spark-{card.source}",
                    config={"displayModeBar": False},
                )
            st.caption(t("source.cite", citation=source.cite(card.edition), licence=source.licence))
