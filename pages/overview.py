"""Overview: the focus country's position in every ranking's latest edition, at a glance."""

from __future__ import annotations

import streamlit as st

from rankings import charts, metadata, overview, ui
from rankings.text import inert

ui.page()

iso3, name = ui.focus()
st.title(f"{name} in the digital-government rankings")
ui.demo_notice()
if ui.empty_store_notice():
    st.stop()


def _cards(iso3: str) -> tuple[list[overview.Card], dict[str, object]]:
    """The cards and their rank sparklines; built once per store version and country (see ui.memo)."""
    cards = overview.build_cards(ui.data("headline_series", iso3), iso3)
    sparks = {
        c.source: charts.rank_sparkline(c.history, list(metadata.source(c.source).editions))
        for c in cards
        if len(c.history) > 1
    }
    return cards, sparks


cards, sparklines = ui.memo("overview.cards", _cards, iso3)
if not cards:
    st.info(f"No stored ranking assesses {name}. Choose another focus country in the sidebar.")
    st.stop()

st.subheader("Headlines")
st.markdown("\n".join(f"- {inert(card.headline)}" for card in cards))

for start in range(0, len(cards), 2):
    columns = st.columns(2)
    for card, column in zip(cards[start : start + 2], columns, strict=False):
        source = metadata.source(card.source)
        with column.container(border=True):
            st.markdown(f"#### {card.title} {card.edition}")
            st.caption(f"{card.indicator_title} · reference period {card.reference_period}")
            left, right = st.columns(2)
            if card.rank is not None:
                joint = "=" if card.tied_with else ""
                computed = "" if card.rank_official else " (computed)"
                left.metric(
                    f"Rank{computed}",
                    f"{joint}{overview.ordinal(card.rank)} of {card.assessed}",
                    delta=None if card.rank_change is None else overview.places(card.rank_change),
                    delta_color="off" if card.rank_change == 0 else "normal",
                    delta_arrow="off" if card.rank_change == 0 else "auto",
                    delta_description=f"since {card.previous_edition}" if card.previous_edition else None,
                    help="Positive = moved up. '=' marks a rank shared with another country.",
                )
            else:
                left.metric("Rank", "not assessed" if card.status == "not_assessed" else "not ranked")
            right.metric(
                "Score",
                card.value_text,
                delta=None
                if card.value_change is None
                else overview.format_value(
                    card.value_change, None, metadata.indicator(card.source, card.indicator).decimals
                ),
            )
            decimals = metadata.indicator(card.source, card.indicator).decimals
            gaps = overview.gap_sentence(card, decimals)
            if gaps:
                st.markdown(gaps)
            if card.source in sparklines:
                st.plotly_chart(
                    sparklines[card.source],
                    width="stretch",
                    key=f"spark-{card.source}",
                    config={"displayModeBar": False},
                )
            st.caption(f"Source: {source.cite(card.edition)} Licence: {source.licence}.")
