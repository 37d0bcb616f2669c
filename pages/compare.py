"""Compare: one edition of one ranking across a peer group, with the focus country highlighted."""

from __future__ import annotations

import streamlit as st

from rankings import charts, compare, metadata, selection, ui

ui.page()

iso3, name = ui.focus()
st.title("Compare")
ui.demo_notice()
if ui.empty_store_notice():
    st.stop()

catalogue = ui.data("catalogue")
sources = list(dict.fromkeys(catalogue["source"]))
titles = {s: metadata.source(s).title if s in metadata.sources() else s for s in sources}
row1 = st.columns([2, 1, 2])
source = ui.url_choice(
    "Ranking", sources, key="source", default="un_egov", format_func=lambda s: titles[s], container=row1[0]
)
src = metadata.source(source) if source in metadata.sources() else None
cat = catalogue[catalogue["source"] == source]
editions = sorted({int(e) for eds in cat["editions"] for e in eds}, reverse=True)
edition = int(
    ui.url_choice("Edition", [str(e) for e in editions], key="edition", default=str(editions[0]), container=row1[1])
)
main = cat[~cat["indicator"].str.contains("__")]
names = dict(zip(main["indicator"], main["title"], strict=True))
headline = src.headline_indicator if src and src.headline_indicator in names else next(iter(names))
indicator = ui.url_choice(
    "Indicator", list(names), key="cind", default=headline, format_func=lambda i: names[i], container=row1[2]
)

groups = selection.group_options()
row2 = st.columns([1, 2])
group = ui.url_choice(
    "Peer group",
    list(groups),
    key="group",
    default="nordic_baltic",
    format_func=lambda g: groups[g],
    container=row2[0],
    help="Reviewed groups count their members as of the edition (e.g. EU28 before February 2020, EU27 after).",
)


def _context(source: str, edition: int, indicator: str, group: str) -> dict[str, object] | None:
    """The edition's rows, its countries and the group's members; once per store version (see ui.memo)."""
    rows = ui.data("edition", source, edition)
    if rows.empty:
        return None
    reference_period = str(rows.loc[rows["indicator"] == indicator, "reference_period"].iloc[0])
    head_rows = rows[rows["indicator"] == indicator]
    country_names = dict(zip(rows["iso3"].dropna(), rows.loc[rows["iso3"].notna(), "entity"], strict=True))
    members = (
        None
        if group == selection.CUSTOM
        else selection.members(group, source, edition, head_rows, reference_period=reference_period)
    )
    return {"rows": rows, "reference_period": reference_period, "country_names": country_names, "members": members}


def _analysis(
    source: str, edition: int, indicator: str, group: str, members: tuple[str, ...], iso3: str, name: str
) -> dict[str, object]:
    """The group view and every figure but the map; once per store version and choice (see ui.memo)."""
    ctx = ui.memo("compare.context", _context, source, edition, indicator, group)
    rows, country_names = ctx["rows"], ctx["country_names"]
    view = compare.group_view(rows, indicator, list(members), group_title=groups[group])
    out: dict[str, object] = {"view": view}
    if view.rows.empty:
        return out
    first = view.rows["value_text"].iloc[0]
    out["decimals"] = decimals = (
        int(view.rows["value_text"].str.split(".").str[-1].str.len().max()) if "." in first else 0
    )
    out["bars"] = view.rows[
        ["entity", "iso3", "value", "value_text", "rank", "rank_official", "group_rank", "group_count", "rank_label"]
    ]
    out["bars_figure"] = charts.ranked_bars(
        view.rows,
        focus=iso3,
        title=f"{groups[group]}: ranked (rank within the group is computed)",
        decimals=decimals,
        average=view.average,
        average_label="group average",
    )
    out["table"] = view.rows[["group_rank", "entity", "value_text", "rank", "rank_official", "tie_note"]].rename(
        columns={
            "group_rank": "rank in group (computed)",
            "entity": "country",
            "value_text": "value",
            "rank": "rank overall",
            "rank_official": "overall rank published by the publisher",
            "tie_note": "note",
        }
    )
    out["parts"] = parts = compare.sub_indicators(source, indicator, set(rows["indicator"]))
    if parts and iso3 in set(view.rows["iso3"]):
        leader_name = country_names.get(view.leader_iso3, view.leader_iso3)
        prof = compare.profile(rows, parts, list(view.rows["iso3"]), iso3, view.leader_iso3)
        out["profile"] = prof
        out["profile_figure"] = charts.profile(
            prof, focus_name=name, leader_name=leader_name, title=f"Sub-indices: {name}, the group's leader and average"
        )
    if parts:
        text, ranks = compare.matrix(rows, [indicator, *parts], list(view.rows["iso3"]))
        if not text.empty:
            out["heatmap"] = text.reset_index(names="country")
            out["heatmap_figure"] = charts.heatmap(
                text, ranks, focus_name=name, title="Colour: rank within the group (computed); text: published value"
            )
    out["scope"] = compare.map_scope(list(view.rows["iso3"]))
    return out


def _map(key: tuple[object, ...], scope: str, title: str) -> object:
    analysis = ui.memo("compare.analysis", _analysis, *key)
    view, decimals = analysis["view"], analysis["decimals"]
    return charts.choropleth(view.rows, focus=key[5], scope=scope, title=title, decimals=decimals)


ctx = ui.memo("compare.context", _context, source, edition, indicator, group)
if ctx is None:
    st.info(f"The {titles[source]} {edition} is not stored.")
    st.stop()
reference_period = ctx["reference_period"]
country_names = ctx["country_names"]
if group == selection.CUSTOM:
    members = ui.url_choices(
        "Countries",
        sorted(country_names, key=country_names.get),
        key="members",
        default=[iso3],
        format_func=lambda c: country_names.get(c, c),
        container=row2[1],
    )
else:
    members = ctx["members"]
    row2[1].caption(
        f"{groups[group]} as of the {titles[source]} {edition} (reference period {reference_period}): "
        f"{len(members)} countries."
    )
key = (source, edition, indicator, group, tuple(members), iso3, name)
analysis = ui.memo("compare.analysis", _analysis, *key)
view = analysis["view"]
if view.rows.empty:
    st.info(f"No member of {groups[group]} has a published value for {names[indicator]} in {edition}.")
    st.stop()
if iso3 not in set(view.rows["iso3"]):
    st.warning(f"{name} is not among the group's countries with a value in this edition; it is not highlighted.")

st.subheader(f"{names[indicator]}, {titles[source]} {edition}")
ui.chart_with_data(
    analysis["bars_figure"], analysis["bars"], f"compare-{source}-{edition}-{indicator}-{group}", key="bars"
)
if view.not_assessed:
    st.caption(f"No published value in {edition}: {', '.join(view.not_assessed)}.")
if src and src.ranked_among:
    st.caption(
        f"The publisher ranks {src.ranked_among.rstrip('.')}. Ranks within a peer group are computed by this tool."
    )

st.subheader("Rank within the group")
st.dataframe(analysis["table"], hide_index=True, width="stretch")

parts = analysis["parts"]
if "profile" in analysis:
    st.subheader(f"{name}'s profile")
    ui.chart_with_data(
        analysis["profile_figure"], analysis["profile"], f"profile-{source}-{edition}-{iso3}", key="profile"
    )
    if (
        metadata.indicators().get((source, parts[0]))
        and "contribution" in metadata.indicator(source, parts[0]).title.lower()
    ):
        st.caption("These are weighted contributions to the composite as published, not dimension scores.")

if "heatmap" in analysis:
    st.subheader("Countries by indicators")
    ui.chart_with_data(
        analysis["heatmap_figure"], analysis["heatmap"], f"heatmap-{source}-{edition}-{group}", key="heatmap"
    )

st.subheader("Map")
scope = ui.url_choice(
    "Map",
    ["europe", "world"],
    key="map",
    default=analysis["scope"],
    format_func=str.capitalize,
    container=st.columns(4)[0],
)
ui.chart_with_data(
    ui.memo("compare.map", _map, key, scope, f"{names[indicator]}, {edition}"),
    view.rows[["entity", "iso3", "value_text", "group_rank"]],
    f"map-{source}-{edition}-{indicator}",
    key="map",
    topojson=True,
)
st.caption(f"Source: {src.cite(edition) if src else source}. Licence: {src.licence if src else 'see the file'}.")
