"""Country profile: one country across every ranking and edition, for a briefing, with citations."""

from __future__ import annotations

import streamlit as st

from rankings import charts, i18n, metadata, overview, profile, ui
from rankings.briefing import content
from rankings.text import inert

ui.page()

lang = ui.lang()
t = ui.t
iso3, name = ui.focus()
st.title(t("profile.title", country=name))
ui.demo_notice()
if ui.empty_store_notice():
    st.stop()


def _view(iso3: str, name: str, lang: str) -> dict[str, object]:
    """Everything the page derives from the data; built once per store version, country and language."""
    cards = overview.build_cards(ui.data("headline_series", iso3), iso3, lang)
    observations = ui.data("country_observations", iso3)
    return {
        "groups": profile.memberships(iso3, lang),
        "cards": cards,
        "histories": {
            c.source: charts.rank_history(
                c.history,
                list(metadata.source(c.source).editions),
                entity=name,
                title=t("profile.history", indicator=c.indicator_title),
                lang=lang,
            )
            for c in cards
        },
        "latest": {c.source: profile.latest_table(observations, c.source, c.edition, lang) for c in cards},
        "table": profile.all_figures(observations, lang),
        "download": profile.figures_for_download(observations, lang),
        "citations": profile.citations(observations, lang),
        "revised": overview.revised_figures(observations.assign(iso3=iso3, entity=name), lang),
        "latest_revised": {
            c.source: overview.revised_figures(
                observations[(observations["source"] == c.source) & (observations["edition"] == c.edition)].assign(
                    iso3=iso3, entity=name
                ),
                lang,
            )
            for c in cards
        },
    }


view = ui.memo("profile.view", _view, iso3, name, lang)
groups = view["groups"]
caption = t("profile.iso", iso3=iso3)
if groups:
    caption += " " + t("profile.member_of", groups=", ".join(groups))
st.caption(caption)

cards = view["cards"]
if not cards:
    st.info(t("profile.none", country=name))
    st.stop()
st.subheader(t("profile.paragraph"))
st.markdown("\n".join(f"- {inert(card.headline)}" for card in cards))

# A visitor's country beside the focus country (``?vs=EST``), and the briefing of the two.
others = ui.data("countries")
other_names = {c: ui.country_name(c, e) for c, e in zip(others["iso3"], others["entity"], strict=True) if c != iso3}
vs = ui.url_choice(
    t("profile.counterpart"),
    ["", *sorted(other_names, key=lambda c: i18n.sort_key(other_names[c], lang))],
    key="vs",
    default="",
    format_func=lambda c: other_names.get(c, t("profile.counterpart.none")),
    container=st.columns(3)[0],
    help=t("profile.counterpart.help"),
)
if vs:
    pair = ui.memo("profile.pair", lambda a, b, c: content.gather(ui.processed_dir(), b, a, c), iso3, vs, lang)
    st.subheader(t("profile.side_by_side", focus=name, counterpart=pair.counterpart_name))
    st.dataframe(content.side_by_side(pair), hide_index=True, width="stretch")
    st.markdown("\n".join(f"- {inert(sentence)}" for sentence in pair.headlines[vs]))
    ui.briefing_downloads(iso3, vs, key="profile")

for card in cards:
    source = metadata.source(card.source)
    st.subheader(card.title)
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
        st.markdown(t("profile.edition", edition=card.edition, period=card.reference_period))
        st.dataframe(latest, hide_index=True, width="stretch")
        if view["latest_revised"][card.source]:
            st.caption(view["latest_revised"][card.source])
    st.caption(t("source.cite", citation=source.cite(card.edition), licence=source.licence))

st.subheader(t("profile.every_figure"))
if view["revised"]:
    st.caption(view["revised"])
st.dataframe(view["table"], hide_index=True, width="stretch")
ui.downloads({"figures": view["download"], "sources": view["citations"]}, f"profile-{iso3}", key="profile")
st.subheader(t("profile.citations"))
st.dataframe(view["citations"], hide_index=True, width="stretch")
