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


def _view(iso3: str, name: str) -> dict[str, object]:
    """Everything the page derives from the data; built once per store version and country (see ui.memo)."""
    cards = overview.build_cards(ui.data("headline_series", iso3), iso3)
    observations = ui.data("country_observations", iso3)
    table = profile.all_figures(observations)
    return {
        "groups": profile.memberships(iso3),
        "cards": cards,
        "histories": {
            c.source: charts.rank_history(
                c.history, list(metadata.source(c.source).editions), entity=name, title=f"{c.indicator_title}: rank"
            )
            for c in cards
        },
        "latest": {c.source: profile.latest_table(observations, c.source, c.edition) for c in cards},
        "table": table,
        "citations": profile.citations(table),
    }


view = ui.memo("profile.view", _view, iso3, name)
groups = view["groups"]
st.caption(f"ISO code {iso3}." + (f" Member of: {', '.join(groups)} (today)." if groups else ""))

cards = view["cards"]
if not cards:
    st.info(f"No stored ranking assesses {name}. Choose another country in the sidebar.")
    st.stop()
st.subheader("In one paragraph")
st.markdown("\n".join(f"- {inert(card.headline)}" for card in cards))

for card in cards:
    source = metadata.source(card.source)
    st.subheader(f"{source.title}")
    left, right = st.columns([3, 2])
    with left:
        ui.chart_with_data(
            view["histories"][card.source],
            card.history,
            f"profile-{iso3}-{card.source}",
            key=f"history-{card.source}",
        )
    with right:
        latest = view["latest"][card.source]
        st.markdown(f"**{card.edition} edition** (reference period {card.reference_period})")
        st.dataframe(latest, hide_index=True, width="stretch")
    st.caption(f"Source: {source.cite(card.edition)} Licence: {source.licence}.")

st.subheader("Every stored figure")
table = view["table"]
st.dataframe(table, hide_index=True, width="stretch")
left, right = st.columns(2)
left.download_button(
    "Download CSV", lambda: export.to_csv_bytes(table), f"profile-{iso3}.csv", "text/csv", key="profile-csv"
)
right.download_button(
    "Download Excel",
    lambda: export.to_excel_bytes({"figures": table, "sources": view["citations"]}),
    f"profile-{iso3}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="profile-xlsx",
)
st.subheader("Citations")
st.dataframe(view["citations"], hide_index=True, width="stretch")
