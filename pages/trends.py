"""Trends: rank or score over editions for chosen countries and indicators, and why a rank changed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rankings import charts, explain, i18n, metadata, overview, selection, ui
from rankings.text import inert

ui.page()

lang = ui.lang()
t = ui.t
iso3, name = ui.focus()
st.title(t("trends.title"))
ui.demo_notice()
if ui.empty_store_notice():
    st.stop()

catalogue = ui.data("catalogue")
sources = list(dict.fromkeys(catalogue["source"]))
titles = {s: metadata.source(s).title_in(lang) if s in metadata.sources() else s for s in sources}
top = st.columns([2, 1, 1])
source = ui.url_choice(
    t("field.ranking"), sources, key="source", default="un_egov", format_func=lambda s: titles[s], container=top[0]
)
src = metadata.source(source) if source in metadata.sources() else None
measure = ui.url_choice(
    t("trends.show"),
    ["rank", "value"],
    key="measure",
    default="rank",
    format_func=lambda m: t("chart.rank_axis") if m == "rank" else t("chart.score"),
    container=top[1],
)
show_all = top[2].toggle(t("trends.breakdowns"), key="breakdowns", help=t("trends.breakdowns.help"))
cat = catalogue[catalogue["source"] == source]
if not show_all:
    cat = cat[~cat["indicator"].str.contains("__")]
names = dict(zip(cat["indicator"], cat["title"], strict=True))
default_indicator = src.headline_indicator if src else cat["indicator"].iloc[0]
indicators = ui.url_choices(
    t("trends.indicators"),
    list(names),
    key="ind",
    default=[default_indicator],
    format_func=lambda i: names.get(i, i),
    help=t("trends.indicators.help"),
    max_selections=6,
    placeholder=t("field.choose"),
)

country_names = {
    c: ui.country_name(c, e) for c, e in zip(ui.data("countries")["iso3"], ui.data("countries")["entity"], strict=True)
}
editions = sorted({int(e) for eds in cat["editions"] for e in eds})
latest = editions[-1] if editions else None

shortcuts = st.columns(len(selection.group_options(lang)) - 1)
options = {k: v for k, v in selection.group_options(lang).items() if k != selection.CUSTOM}
for column, (gid, label) in zip(shortcuts, options.items(), strict=True):
    if column.button(label, key=f"group-{gid}", width="stretch") and latest is not None:
        rows = ui.data("edition", source, latest)
        head = rows[rows["indicator"] == (src.headline_indicator if src else indicators[0])]
        members = [c for c in selection.members(gid, source, latest, head) if c in country_names]
        st.session_state["countries"] = list(dict.fromkeys([iso3, *members]))
countries = ui.url_choices(
    t("trends.countries"),
    sorted(country_names, key=lambda c: i18n.sort_key(country_names[c], lang)),
    key="countries",
    default=[iso3],
    format_func=lambda c: country_names.get(c, c),
    help=t("trends.countries.help"),
    placeholder=t("field.choose"),
)
if not indicators or not countries:
    st.info(t("trends.choose"))
    st.stop()

data = ui.localise_entities(ui.data("trend", source, tuple(indicators), tuple(countries)))
if data.empty:
    st.info(t("trends.no_values"))
    st.stop()
published = [e for e in (src.editions if src else ()) if editions and editions[0] <= e <= editions[-1]]
notes = metadata.methodology_notes(source, indicators, editions, lang)
label = "rank" if measure == "rank" else "value"
fig = ui.memo(
    "trends.figure",
    lambda *_: charts.trend(
        data,
        measure=label,
        focus=iso3,
        editions=sorted(set(published) | set(editions)),
        notes=notes,
        title=t("trends.chart.rank" if measure == "rank" else "trends.chart.score", title=titles[source]),
        lang=lang,
    ),
    source,
    tuple(indicators),
    tuple(countries),
    label,
    iso3,
    tuple(editions),
    titles[source],
    lang,
)  # built once per store version and choice: a rerun with nothing changed reuses it
ui.chart_with_data(fig, data, f"trend-{source}-{measure}", key="trend")
revised = overview.revised_figures(data, lang)
if revised:
    st.caption(revised)
missing = [e for e in published if e not in editions]
if missing:
    st.caption(t("trends.not_loaded", editions=", ".join(map(str, missing))))
if notes:
    st.markdown(t("trends.methodology"))
    st.markdown("\n".join(f"- {e}: {n}" for e, n in notes))
if src and src.reference_period_note_in(lang):
    st.caption(src.reference_period_note_in(lang))

st.subheader(t("trends.why", country=name))
focus_editions = sorted(
    int(e) for e in data[(data["iso3"] == iso3) & (data["value_status"] == "published")]["edition"].unique()
)
indicator = indicators[0]
if len(focus_editions) < 2:
    st.info(t("trends.why.two_editions", country=name, indicator=names.get(indicator, indicator)))
    st.stop()
pick = st.columns(3)
edition_labels = [str(e) for e in focus_editions]
before = int(
    ui.url_choice(t("trends.from"), edition_labels[:-1], key="from", default=edition_labels[-2], container=pick[0])
)
after_options = [e for e in edition_labels if int(e) > before]
after = int(ui.url_choice(t("trends.to"), after_options, key="to", default=after_options[-1], container=pick[1]))
ind_for_change = pick[2].selectbox(
    t("field.indicator"), indicators, format_func=lambda i: names.get(i, i), key="explain-indicator"
)
change = ui.memo(
    "trends.change", explain.between, source, ind_for_change, iso3, before, after, str(ui.processed_dir()), lang
)
if change is None:
    st.info(t("trends.why.no_value", country=name))
    st.stop()
st.markdown("\n".join(f"- {inert(s)}" for s in change.sentences(lang)))
parts = {t("trends.part.own"): change.own_score, t("trends.part.others"): change.others}
if change.entrants or change.leavers:
    parts.update({t("trends.part.entrants"): change.entrants, t("trends.part.leavers"): change.leavers})
table = {
    "edition": [before, after],
    "rank": [change.before_rank, change.after_rank],
    "assessed": [change.before_assessed, change.after_assessed],
    "value": [change.before_value, change.after_value],
}
ui.chart_with_data(
    ui.memo(
        "trends.waterfall",
        lambda *_: charts.rank_change_parts(
            parts, title=t("trends.waterfall", country=name, before=before, after=after), lang=lang
        ),
        source,
        ind_for_change,
        iso3,
        name,
        before,
        after,
        lang,
    ),
    pd.DataFrame({"cause": list(parts), "places": list(parts.values())}),
    f"rank-change-{source}-{before}-{after}",
    key="waterfall",
)
left, right = st.columns(2)
left.dataframe(ui.table(pd.DataFrame(table)), hide_index=True)
if change.sub_indices:
    right.dataframe(
        ui.table(
            pd.DataFrame(
                [
                    {"sub-index": m.title, str(before): m.before, str(after): m.after, "change": m.change}
                    for m in change.sub_indices
                ]
            )
        ),
        hide_index=True,
    )
if change.overtook:
    st.caption(t("trends.overtook", country=name, names=", ".join(change.overtook)))
if change.fell_behind:
    more = " …" if len(change.fell_behind) > 15 else ""
    st.caption(t("trends.fell_behind", country=name, names=", ".join(change.fell_behind[:15]) + more))
st.caption(
    t(
        "trends.recomputed",
        before=overview.ordinal(change.before_rank, lang),
        after=overview.ordinal(change.after_rank, lang),
    )
)
