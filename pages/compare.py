"""Compare: one edition of one ranking across a peer group, with the focus country highlighted."""

from __future__ import annotations

import streamlit as st

from rankings import charts, compare, i18n, metadata, overview, selection, ui

ui.page()

lang = ui.lang()
t = ui.t
iso3, name = ui.focus()
st.title(t("compare.title"))
ui.demo_notice()
if ui.empty_store_notice():
    st.stop()

catalogue = ui.data("catalogue")
sources = list(dict.fromkeys(catalogue["source"]))
titles = {s: metadata.source(s).title_in(lang) if s in metadata.sources() else s for s in sources}
row1 = st.columns([2, 1, 2])
source = ui.url_choice(
    t("field.ranking"), sources, key="source", default="un_egov", format_func=lambda s: titles[s], container=row1[0]
)
src = metadata.source(source) if source in metadata.sources() else None
cat = catalogue[catalogue["source"] == source]
editions = sorted({int(e) for eds in cat["editions"] for e in eds}, reverse=True)
edition = int(
    ui.url_choice(
        t("field.edition"), [str(e) for e in editions], key="edition", default=str(editions[0]), container=row1[1]
    )
)
main = cat[~cat["indicator"].str.contains("__")]
names = dict(zip(main["indicator"], main["title"], strict=True))
headline = src.headline_indicator if src and src.headline_indicator in names else next(iter(names))
indicator = ui.url_choice(
    t("field.indicator"), list(names), key="cind", default=headline, format_func=lambda i: names[i], container=row1[2]
)

groups = selection.group_options(lang)
row2 = st.columns([1, 2])
group = ui.url_choice(
    t("compare.group"),
    list(groups),
    key="group",
    default="nordic_baltic",
    format_func=lambda g: groups[g],
    container=row2[0],
    help=t("compare.group.help"),
)


def _context(source: str, edition: int, indicator: str, group: str, lang: str) -> dict[str, object] | None:
    """The edition's rows, its countries and the group's members; once per store version (see ui.memo)."""
    rows = ui.data("edition", source, edition)
    if rows.empty:
        return None
    reference_period = str(rows.loc[rows["indicator"] == indicator, "reference_period"].iloc[0])
    head_rows = rows[rows["indicator"] == indicator]
    country_names = {
        c: ui.country_name(c, e)
        for c, e in zip(rows["iso3"].dropna(), rows.loc[rows["iso3"].notna(), "entity"], strict=True)
    }
    members = (
        None
        if group == selection.CUSTOM
        else selection.members(group, source, edition, head_rows, reference_period=reference_period)
    )
    return {"rows": rows, "reference_period": reference_period, "country_names": country_names, "members": members}


def _analysis(
    source: str,
    edition: int,
    indicator: str,
    group: str,
    members: tuple[str, ...],
    iso3: str,
    name: str,
    lang: str,
) -> dict[str, object]:
    """The group view and every figure but the map; once per store version and choice (see ui.memo)."""
    ctx = ui.memo("compare.context", _context, source, edition, indicator, group, lang)
    rows, country_names = ctx["rows"], ctx["country_names"]
    view = compare.group_view(rows, indicator, list(members), group_title=groups[group], lang=lang)
    out: dict[str, object] = {"view": view}
    if view.rows.empty:
        return out
    out["decimals"] = decimals = compare.decimals_of(source, indicator, view.rows)
    out["bars"] = view.rows[
        ["entity", "iso3", "value", "value_text", "rank", "rank_official", "group_rank", "group_count", "rank_label"]
    ]
    out["bars_figure"] = charts.ranked_bars(
        view.rows,
        focus=iso3,
        title=t("compare.bars.title", group=groups[group]),
        decimals=decimals,
        average=view.average,
        average_label=t("compare.average"),
        lang=lang,
    )
    out["table"] = view.rows[["group_rank", "entity", "value_text", "rank", "rank_official", "tie_note"]].rename(
        columns={
            "group_rank": t("column.group_rank"),
            "entity": t("column.country"),
            "value_text": t("column.value"),
            "rank": t("compare.column.rank_overall"),
            "rank_official": t("compare.column.rank_published"),
            "tie_note": t("column.tie_note"),
        }
    )
    notes = overview.revision_notes(view.rows, lang)
    if (notes != "").any():
        out["table"][t("revision.column")] = notes.to_numpy()
    out["revised"] = overview.revised_figures(view.rows, lang)
    out["parts"] = parts = compare.sub_indicators(source, indicator, set(rows["indicator"]))
    if parts and iso3 in set(view.rows["iso3"]):
        leader_name = country_names.get(view.leader_iso3, view.leader_iso3)
        prof = compare.profile(rows, parts, list(view.rows["iso3"]), iso3, view.leader_iso3)
        out["profile"] = prof
        out["profile_figure"] = charts.profile(
            prof,
            focus_name=name,
            leader_name=leader_name,
            title=t("compare.profile.title", country=name),
            lang=lang,
        )
    if parts:
        text, ranks = compare.matrix(rows, [indicator, *parts], list(view.rows["iso3"]), lang)
        if not text.empty:
            out["heatmap"] = text.reset_index(names=t("column.country"))
            out["heatmap_figure"] = charts.heatmap(
                text, ranks, focus_name=name, title=t("compare.heatmap.title"), lang=lang
            )
    out["scope"] = compare.map_scope(list(view.rows["iso3"]))
    return out


def _map(key: tuple[object, ...], scope: str, title: str) -> object:
    analysis = ui.memo("compare.analysis", _analysis, *key)
    view, decimals = analysis["view"], analysis["decimals"]
    return charts.choropleth(view.rows, focus=key[5], scope=scope, title=title, decimals=decimals, lang=key[7])


ctx = ui.memo("compare.context", _context, source, edition, indicator, group, lang)
if ctx is None:
    st.info(t("compare.not_stored", title=titles[source], edition=edition))
    st.stop()
reference_period = ctx["reference_period"]
country_names = ctx["country_names"]
if group == selection.CUSTOM:
    members = ui.url_choices(
        t("trends.countries"),
        sorted(country_names, key=lambda c: i18n.sort_key(country_names[c], lang)),
        key="members",
        default=[iso3],
        format_func=lambda c: country_names.get(c, c),
        container=row2[1],
    )
else:
    members = ctx["members"]
    row2[1].caption(
        t(
            "compare.members",
            group=groups[group],
            title=titles[source],
            edition=edition,
            period=reference_period,
            n=i18n.integer(len(members), lang),
        )
    )
key = (source, edition, indicator, group, tuple(members), iso3, name, lang)
analysis = ui.memo("compare.analysis", _analysis, *key)
view = analysis["view"]
if view.rows.empty:
    st.info(t("compare.no_values", group=groups[group], indicator=names[indicator], edition=edition))
    st.stop()
if iso3 not in set(view.rows["iso3"]):
    st.warning(t("compare.focus_absent", country=name))

st.subheader(f"{names[indicator]}, {titles[source]} {edition}")
ui.chart_with_data(
    analysis["bars_figure"], analysis["bars"], f"compare-{source}-{edition}-{indicator}-{group}", key="bars"
)
if view.not_assessed:
    st.caption(
        t(
            "compare.not_assessed",
            edition=edition,
            assessed=i18n.integer(view.members - len(view.not_assessed), lang),
            members=i18n.integer(view.members, lang),
            names=i18n.join(view.not_assessed, lang),
        )
    )
if src and src.ranked_among:
    st.caption(t("compare.ranked_among", among=src.ranked_among_in(lang).rstrip(".")))
if analysis.get("revised"):
    st.caption(analysis["revised"])

st.subheader(t("compare.rank_in_group"))
st.dataframe(analysis["table"], hide_index=True, width="stretch")

# The briefing of the focus country beside one of the countries shown (``?vs=EST``; the group's leader at first).
shown = [c for c in view.rows["iso3"] if c != iso3]
if shown:
    shown_names = dict(zip(view.rows["iso3"], view.rows["entity"], strict=True))
    row3 = st.columns([1, 2])
    vs = ui.url_choice(
        t("profile.counterpart"),
        shown,
        key="vs",
        default=shown[0],
        format_func=lambda c: shown_names.get(c, c),
        container=row3[0],
        help=t("profile.counterpart.help"),
    )
    with row3[1]:
        ui.briefing_downloads(iso3, vs, key="compare")

parts = analysis["parts"]
if "profile" in analysis:
    st.subheader(t("compare.profile", country=name))
    ui.chart_with_data(
        analysis["profile_figure"], analysis["profile"], f"profile-{source}-{edition}-{iso3}", key="profile"
    )
    if (
        metadata.indicators().get((source, parts[0]))
        and "contribution" in metadata.indicator(source, parts[0]).title.lower()
    ):
        st.caption(t("compare.contributions"))

if "heatmap" in analysis:
    st.subheader(t("compare.heatmap"))
    ui.chart_with_data(
        analysis["heatmap_figure"], analysis["heatmap"], f"heatmap-{source}-{edition}-{group}", key="heatmap"
    )

st.subheader(t("compare.map"))
scope = ui.url_choice(
    t("compare.map"),
    ["europe", "world"],
    key="map",
    default=analysis["scope"],
    format_func=lambda s: t(f"compare.map.{s}"),
    container=st.columns(4)[0],
)
ui.chart_with_data(
    ui.memo("compare.map", _map, key, scope, f"{names[indicator]}, {edition}"),
    view.rows[["entity", "iso3", "value", "value_text", "group_rank"]],
    f"map-{source}-{edition}-{indicator}",
    key="map",
    topojson=True,
)
st.caption(
    t("source.cite", citation=src.cite(edition), licence=src.licence) if src else t("source.file", source=source)
)
