"""Country profile: one country across every ranking and edition, for a briefing, with citations."""

from __future__ import annotations

import streamlit as st

from rankings import charts, export, metadata, overview, profile, ui
from rankings.text import inert

ui.page()

iso3, name = ui.focus()
st.title(f"Country profile: {name}")
ui.demo_notice()
if ui.empty_store_notice():
    st.stop()

groups = profile.memberships(iso3)
st.caption(f"ISO code {iso3}." + (f" Member of: {', '.join(groups)} (today)." if groups else ""))

cards = overview.build_cards(ui.data("headline_series"), iso3)
if not cards:
    st.info(f"No stored ranking assesses {name}. Choose another country in the sidebar.")
    st.stop()
st.subheader("In one paragraph")
st.markdown("\n".join(f"- {inert(card.headline)}" for card in cards))

observations = ui.data("country_observations", iso3)
for card in cards:
    source = metadata.source(card.source)
    st.subheader(f"{source.title}")
    left, right = st.columns([3, 2])
    with left:
        ui.chart_with_data(
            charts.rank_history(
                card.history, list(source.editions), entity=name, title=f"{card.indicator_title}: rank"
            ),
            card.history,
            f"profile-{iso3}-{card.source}",
            key=f"history-{card.source}",
        )
    with right:
        latest = profile.latest_table(observations, card.source, card.edition)
        st.markdown(f"**{card.edition} edition** (reference period {card.reference_period})")
        st.dataframe(latest, hide_index=True, width="stretch")
    st.caption(f"Source: {source.cite(card.edition)} Licence: {source.licence}.")

st.subheader("Every stored figure")
table = profile.all_figures(observations)
st.dataframe(table, hide_index=True, width="stretch")
left, right = st.columns(2)
left.download_button(
    "Download CSV", lambda: export.to_csv_bytes(table), f"profile-{iso3}.csv", "text/csv", key="profile-csv"
)
right.download_button(
    "Download Excel",
    lambda: export.to_excel_bytes({"figures": table, "sources": profile.citations(table)}),
    f"profile-{iso3}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="profile-xlsx",
)
st.subheader("Citations")
st.dataframe(profile.citations(table), hide_index=True, width="stretch")
