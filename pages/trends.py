"""Trends: rank or score over editions for chosen countries and indicators, and why a rank changed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rankings import charts, explain, metadata, overview, selection, ui
from rankings.text import inert

ui.page()

iso3, name = ui.focus()
st.title("Trends")
ui.demo_notice()
if ui.empty_store_notice():
    st.stop()

catalogue = ui.data("catalogue")
sources = list(dict.fromkeys(catalogue["source"]))
titles = {s: metadata.source(s).title if s in metadata.sources() else s for s in sources}
top = st.columns([2, 1, 1])
source = ui.url_choice(
    "Ranking", sources, key="source", default="un_egov", format_func=lambda s: titles[s], container=top[0]
)
src = metadata.source(source) if source in metadata.sources() else None
measure = ui.url_choice(
    "Show",
    ["rank", "value"],
    key="measure",
    default="rank",
    format_func=lambda m: "Rank (1 = best)" if m == "rank" else "Score",
    container=top[1],
)
show_all = top[2].toggle(
    "Show breakdowns",
    key="breakdowns",
    help="Life events, single measurement years and other series beside the headline indicators.",
)
cat = catalogue[catalogue["source"] == source]
if not show_all:
    cat = cat[~cat["indicator"].str.contains("__")]
names = dict(zip(cat["indicator"], cat["title"], strict=True))
default_indicator = src.headline_indicator if src else cat["indicator"].iloc[0]
indicators = ui.url_choices(
    "Indicators",
    list(names),
    key="ind",
    default=[default_indicator],
    format_func=lambda i: names.get(i, i),
    help="The composite and its sub-indices.",
    max_selections=6,
)

country_names = dict(zip(ui.data("countries")["iso3"], ui.data("countries")["entity"], strict=True))
editions = sorted({int(e) for eds in cat["editions"] for e in eds})
latest = editions[-1] if editions else None

shortcuts = st.columns(len(selection.group_options()) - 1)
options = {k: v for k, v in selection.group_options().items() if k != selection.CUSTOM}
for column, (gid, label) in zip(shortcuts, options.items(), strict=True):
    if column.button(label, key=f"group-{gid}", width="stretch") and latest is not None:
        rows = ui.data("edition", source, latest)
        head = rows[rows["indicator"] == (src.headline_indicator if src else indicators[0])]
        members = [c for c in selection.members(gid, source, latest, head) if c in country_names]
        st.session_state["countries"] = list(dict.fromkeys([iso3, *members]))
countries = ui.url_choices(
    "Countries",
    list(country_names),
    key="countries",
    default=[iso3],
    format_func=lambda c: country_names.get(c, c),
    help="The shortcuts above fill this with a peer group's members as of the latest edition.",
)
if not indicators or not countries:
    st.info("Choose at least one indicator and one country.")
    st.stop()

data = ui.data("trend", source, tuple(indicators), tuple(countries))
if data.empty:
    st.info("None of the chosen countries has a value for these indicators. Choose others, or load more editions.")
    st.stop()
published = [e for e in (src.editions if src else ()) if editions and editions[0] <= e <= editions[-1]]
notes = metadata.methodology_notes(source, indicators, editions)
label = "rank" if measure == "rank" else "value"
fig = ui.memo(
    "trends.figure",
    lambda *_: charts.trend(
        data,
        measure=label,
        focus=iso3,
        editions=sorted(set(published) | set(editions)),
        notes=notes,
        title=f"{titles[source]}: {'rank' if measure == 'rank' else 'score'} over editions",
    ),
    source,
    tuple(indicators),
    tuple(countries),
    label,
    iso3,
    tuple(editions),
    titles[source],
)  # built once per store version and choice: a rerun with nothing changed reuses it
ui.chart_with_data(fig, data, f"trend-{source}-{measure}", key="trend")
missing = [e for e in published if e not in editions]
if missing:
    st.caption(f"Editions not loaded (gaps in the lines): {', '.join(map(str, missing))}.")
if notes:
    st.markdown("**Methodology changes** (dotted lines):")
    st.markdown("\n".join(f"- {e}: {n}" for e, n in notes))
if src and src.reference_period_note:
    st.caption(src.reference_period_note)

st.subheader(f"Why did {name}'s rank change?")
focus_editions = sorted(
    int(e) for e in data[(data["iso3"] == iso3) & (data["value_status"] == "published")]["edition"].unique()
)
indicator = indicators[0]
if len(focus_editions) < 2:
    st.info(f"{name} needs published values in two editions of {names.get(indicator, indicator)} for an explanation.")
    st.stop()
pick = st.columns(3)
edition_labels = [str(e) for e in focus_editions]
before = int(
    ui.url_choice("From edition", edition_labels[:-1], key="from", default=edition_labels[-2], container=pick[0])
)
after_options = [e for e in edition_labels if int(e) > before]
after = int(ui.url_choice("To edition", after_options, key="to", default=after_options[-1], container=pick[1]))
ind_for_change = pick[2].selectbox(
    "Indicator", indicators, format_func=lambda i: names.get(i, i), key="explain-indicator"
)
change = ui.memo("trends.change", explain.between, source, ind_for_change, iso3, before, after, str(ui.processed_dir()))
if change is None:
    st.info(f"{name} has no published value for this indicator in one of the two editions.")
    st.stop()
st.markdown("\n".join(f"- {inert(s)}" for s in change.sentences()))
parts = {"Own score": change.own_score, "Other countries": change.others}
if change.entrants or change.leavers:
    parts.update({"New entrants": change.entrants, "No longer assessed": change.leavers})
table = {
    "edition": [before, after],
    "rank": [change.before_rank, change.after_rank],
    "assessed": [change.before_assessed, change.after_assessed],
    "value": [change.before_value, change.after_value],
}
ui.chart_with_data(
    ui.memo(
        "trends.waterfall",
        lambda *_: charts.rank_change_parts(parts, title=f"{name}: {before} → {after}, places gained or lost by cause"),
        source,
        ind_for_change,
        iso3,
        name,
        before,
        after,
    ),
    pd.DataFrame({"cause": list(parts), "places": list(parts.values())}),
    f"rank-change-{source}-{before}-{after}",
    key="waterfall",
)
left, right = st.columns(2)
left.dataframe(pd.DataFrame(table), hide_index=True)
if change.sub_indices:
    right.dataframe(
        pd.DataFrame(
            [
                {"sub-index": m.title, str(before): m.before, str(after): m.after, "change": m.change}
                for m in change.sub_indices
            ]
        ),
        hide_index=True,
    )
if change.overtook:
    st.caption(f"Overtook {name}: {', '.join(change.overtook)}.")
if change.fell_behind:
    st.caption(
        f"Fell behind {name}: {', '.join(change.fell_behind[:15])}{' …' if len(change.fell_behind) > 15 else ''}."
    )
st.caption(
    "Ranks in the decomposition are recomputed from the published scores (competition ranking) so the parts add "
    f"up; the published ranks are {overview.ordinal(change.before_rank)} and {overview.ordinal(change.after_rank)}."
)
