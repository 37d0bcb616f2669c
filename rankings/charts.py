"""Plotly figures. Colour-blind-safe palette (Okabe-Ito); the focus country has the same colour everywhere."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from rankings import i18n, revisions

# Every figure is drawn on plotly_white. Set as plotly's default template, it is attached to each new figure
# without being validated again; naming it in each figure's layout cost ~20 ms per figure, more than the rest
# of a small figure (the figures are the same).
pio.templates.default = "plotly_white"

FOCUS = "#D55E00"  # vermillion: the focus country, on every chart
OTHERS = "#9AA5B1"  # grey: every other country where only the focus matters
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

_LAYOUT = {
    "font": {"family": "Source Sans Pro, Arial, sans-serif", "size": 13},
    "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
    "hoverlabel": {"namelength": -1},
}


def _layout(lang: str) -> dict[str, object]:
    """The shared layout, with the language's decimal and thousands separators (CLDR's, via Babel)."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return {**_LAYOUT, "separators": get_decimal_symbol(lang) + get_group_symbol(lang)}


def rank_axis(fig: go.Figure, *, title: str | None = None, worst: float | None = None, lang: str = "en") -> None:
    """Ranks: lower is better, so the axis runs with 1 at the top and says so."""
    title = title or i18n.t("chart.rank_axis", lang)
    if worst is None or pd.isna(worst):
        fig.update_yaxes(autorange="reversed", title_text=title, zeroline=False)
    else:
        pad = max(1.0, worst * 0.05)
        fig.update_yaxes(range=[worst + pad, 1 - pad / 2], title_text=title, zeroline=False)


def with_gaps(history: pd.DataFrame, editions: list[int]) -> pd.DataFrame:
    """``history`` re-indexed on every published edition: a missing edition becomes a gap, not a line."""
    full = pd.DataFrame({"edition": sorted(set(editions) | set(history["edition"].astype(int)))})
    return full.merge(history.assign(edition=history["edition"].astype(int)), on="edition", how="left")


def rank_sparkline(history: pd.DataFrame, editions: list[int], *, height: int = 90, lang: str = "en") -> go.Figure:
    """The small rank history of an overview card."""
    data = with_gaps(history, editions)
    t = i18n.t
    fig = go.Figure(
        go.Scatter(
            x=data["edition"],
            y=data["rank"],
            mode="lines+markers",
            line={"color": FOCUS, "width": 2},
            marker={"size": 5, "color": FOCUS},
            connectgaps=False,
            customdata=data[["reference_period"]].fillna(t("chart.not_stored", lang)),
            hovertemplate=t("chart.hover.rank", lang) + "<extra></extra>",
        )
    )
    fig.update_layout(**{**_layout(lang), "margin": {"l": 0, "r": 0, "t": 4, "b": 0}}, height=height, showlegend=False)
    shown = data.dropna(subset=["rank"])
    ticks = sorted({int(shown["edition"].iloc[0]), int(shown["edition"].iloc[-1])}) if not shown.empty else []
    fig.update_xaxes(showgrid=False, tickfont={"size": 10}, tickmode="array", tickvals=ticks)
    best, worst = (int(shown["rank"].min()), int(shown["rank"].max())) if not shown.empty else (1, 1)
    fig.update_yaxes(
        autorange="reversed", showgrid=False, tickfont={"size": 10}, tickmode="array", tickvals=[best, worst]
    )
    return fig


def rank_history(history: pd.DataFrame, editions: list[int], *, entity: str, title: str, lang: str = "en") -> go.Figure:
    """Rank over editions for one country, with gaps where an edition is missing."""
    data = with_gaps(history, editions)
    t = i18n.t
    official = data["rank_official"].fillna(True).astype(bool)
    fig = go.Figure(
        go.Scatter(
            x=data["edition"],
            y=data["rank"],
            name=entity,
            mode="lines+markers",
            connectgaps=False,
            line={"color": FOCUS, "width": 3},
            marker={
                "size": 9,
                "color": [FOCUS if o else "white" for o in official],
                "line": {"color": FOCUS, "width": 2},
            },
            customdata=data[["reference_period"]].fillna(t("chart.not_stored", lang)),
            hovertemplate=f"{entity}<br>" + t("chart.hover.rank", lang) + "<extra></extra>",
        )
    )
    fig.update_layout(**_layout(lang), title=title, height=360, showlegend=False)
    fig.update_xaxes(title_text=t("chart.edition", lang), tickmode="array", tickvals=data["edition"].tolist())
    rank_axis(fig, worst=data["rank"].max(), lang=lang)
    return fig


def _colours(iso3s: list[str], focus: str) -> dict[str, str]:
    """The focus country in its colour; the others in the palette, in a stable order."""
    out, i = {}, 0
    for code in iso3s:
        if code == focus:
            out[code] = FOCUS
        else:
            out[code] = PALETTE[i % len(PALETTE)]
            i += 1
    return out


DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]


def _trend_customdata(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per point: reference period, countries assessed, and the revision note of a revised figure (else "")."""
    out = rows[["reference_period"]].copy()
    out["assessed"] = rows["assessed"] if "assessed" in rows.columns else None
    out = out.astype(object).fillna("–")
    notes = []
    for _, row in rows.iterrows():
        text = revisions.note(row, lang=lang) if "revised_at" in rows.columns else None
        notes.append(f"<br>{i18n.REVISED} {text}" if text else "")
    out["revision"] = notes
    return out


def trend(
    data: pd.DataFrame,
    *,
    measure: str,
    focus: str,
    editions: list[int],
    notes: list[tuple[int, str]],
    title: str,
    x: str = "edition",
    lang: str = "en",
) -> go.Figure:
    """Rank or score over editions: one line per country and indicator, gaps where an edition is missing,
    dotted markers where the publisher changed its methodology, open markers for computed ranks."""
    t = i18n.t
    x_title = t("chart.edition", lang) if x == "edition" else t(f"column.{x}", lang)
    y_word = t("chart.rank", lang) if measure == "rank" else t("chart.score", lang)
    fig = go.Figure()
    iso3s = list(dict.fromkeys([focus, *data["iso3"].dropna().unique().tolist()]))
    colours = _colours(iso3s, focus)
    indicators = list(dict.fromkeys(data["indicator"]))
    for (ind, iso3), rows in data.groupby(["indicator", "iso3"], sort=False):
        rows = rows.sort_values(x)
        if x == "edition":
            rows = with_gaps(rows, editions)
        label = rows["entity"].dropna().iloc[0]
        title_ind = rows["indicator_title"].dropna().iloc[0]
        name = label if len(indicators) == 1 else f"{label} – {title_ind}"
        computed = ~rows["rank_official"].fillna(True).astype(bool)
        symbols = ["circle-open" if c and measure == "rank" else "circle" for c in computed]
        is_focus = iso3 == focus
        fig.add_trace(
            go.Scatter(
                x=rows[x],
                y=rows[measure],
                name=name,
                mode="lines+markers",
                connectgaps=False,
                line={
                    "color": colours[iso3],
                    "width": 4 if is_focus else 2,
                    "dash": DASHES[indicators.index(ind) % len(DASHES)],
                },
                marker={"size": 9 if is_focus else 7, "symbol": symbols, "color": colours[iso3]},
                customdata=_trend_customdata(rows, lang),
                hovertemplate=f"<b>{name}</b><br>{x_title} %{{x}}<br>{y_word} %{{y}}<br>"
                + t("chart.hover.period_assessed", lang)
                + "%{customdata[2]}<extra></extra>",
            )
        )
    for edition, note in notes:
        fig.add_vline(x=edition, line={"color": "#666", "width": 1, "dash": "dot"})
        fig.add_annotation(
            x=edition,
            y=1.0,
            yref="paper",
            text=t("chart.methodology", lang),
            hovertext=note,
            showarrow=False,
            yanchor="bottom",
            font={"size": 10, "color": "#444"},
        )
    fig.update_layout(
        **_layout(lang),
        title=title,
        height=460,
        legend={"orientation": "h", "yanchor": "top", "y": -0.15},
    )
    ticks = sorted(set(data[x].unique()) | (set(editions) if x == "edition" else set()))
    fig.update_xaxes(title_text=x_title.capitalize(), tickmode="array", tickvals=ticks)
    if measure == "rank":
        rank_axis(fig, title=t("chart.rank_axis.computed", lang), worst=data["rank"].max(), lang=lang)
    else:
        fig.update_yaxes(title_text=t("chart.score_axis", lang))
    return fig


def ranked_bars(
    rows: pd.DataFrame,
    *,
    focus: str,
    title: str,
    decimals: int,
    average: float | None,
    average_label: str,
    lang: str = "en",
) -> go.Figure:
    """One edition across a group: best at the top, the focus country highlighted, the group average marked."""
    rows = rows.sort_values("value", ascending=True)
    colours = [FOCUS if c == focus else "#4C78A8" for c in rows["iso3"]]
    text = [i18n.number(v, lang, decimals) for v in rows["value"]]
    if "revised_at" in rows.columns:  # a figure the publisher revised carries the mark
        text = revisions.mark(text, rows["revised_at"])
    fig = go.Figure(
        go.Bar(
            x=rows["value"],
            y=rows["entity"],
            orientation="h",
            marker={"color": colours},
            text=text,
            textposition="outside",
            cliponaxis=False,  # the label of the longest bar stays whole
            customdata=rows[["rank_label"]],
            hovertemplate="<b>%{y}</b><br>" + i18n.t("chart.score", lang) + " %{x}<br>%{customdata[0]}<extra></extra>",
        )
    )
    if average is not None:
        fig.add_vline(x=average, line={"color": "#333", "dash": "dash"})
        fig.add_annotation(x=average, y=1.0, yref="paper", text=average_label, showarrow=False, yanchor="bottom")
    fig.update_layout(**_layout(lang), title=title, height=max(320, 26 * len(rows) + 120), showlegend=False)
    fig.update_layout(margin_r=70)  # room for the longest bar's label
    fig.update_xaxes(title_text=i18n.t("chart.score_axis", lang))
    return fig


def profile(rows: pd.DataFrame, *, focus_name: str, leader_name: str, title: str, lang: str = "en") -> go.Figure:
    """Sub-index profile: the focus country against the leader and the group average (grouped bars)."""
    fig = go.Figure()
    for column, name, colour in (
        ("focus", focus_name, FOCUS),
        ("leader", i18n.t("chart.leader", lang, name=leader_name), "#0072B2"),
        ("average", i18n.t("chart.group_average", lang), "#9AA5B1"),
    ):
        fig.add_trace(
            go.Bar(
                y=rows["short"],
                x=rows[column],
                name=name,
                orientation="h",
                marker={"color": colour},
                hovertemplate=f"{name}<br>%{{y}}: %{{x}}<extra></extra>",
            )
        )
    fig.update_layout(
        **_layout(lang),
        title=title,
        barmode="group",
        height=max(300, 70 * len(rows) + 120),
        legend={"orientation": "h", "yanchor": "top", "y": -0.2},
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=i18n.t("chart.score_axis", lang))
    return fig


def heatmap(matrix: pd.DataFrame, ranks: pd.DataFrame, *, focus_name: str, title: str, lang: str = "en") -> go.Figure:
    """Countries by indicators: colour by rank within the group (darker = better), text = the published value."""
    labels = [f"<b>{n}</b>" if n == focus_name else n for n in matrix.index]
    fig = go.Figure(
        go.Heatmap(
            z=ranks.to_numpy(dtype=float),
            x=list(matrix.columns),
            y=labels,
            text=matrix.to_numpy(),
            texttemplate="%{text}",
            colorscale="Blues_r",
            colorbar={"title": i18n.t("chart.heatmap.colorbar", lang)},
            hovertemplate="%{y}<br>%{x}<br>" + i18n.t("chart.heatmap.hover", lang) + "<extra></extra>",
        )
    )
    fig.update_layout(**_layout(lang), title=title, height=max(320, 28 * len(matrix) + 160))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", tickangle=-30)
    return fig


TOPOJSON_URL = "/app/static/topojson/"


def choropleth(rows: pd.DataFrame, *, focus: str, scope: str, title: str, decimals: int, lang: str = "en") -> go.Figure:
    """A map of one indicator; outlines are served by the app itself (no internet needed)."""
    fig = go.Figure(
        go.Choropleth(
            locations=rows["iso3"],
            z=rows["value"],
            locationmode="ISO-3",
            colorscale="Viridis",
            marker={"line": {"color": "white", "width": 0.5}},
            text=rows["entity"],
            customdata=rows[["value_text"]],
            hovertemplate="<b>%{text}</b><br>%{customdata[0]}<extra></extra>",
            colorbar={"title": i18n.t("chart.score", lang)},
        )
    )
    focus_rows = rows[rows["iso3"] == focus]
    if not focus_rows.empty:
        fig.add_trace(
            go.Choropleth(
                locations=focus_rows["iso3"],
                z=[1],
                locationmode="ISO-3",
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                showscale=False,
                marker={"line": {"color": FOCUS, "width": 3}},
                hoverinfo="skip",
            )
        )
    geo = {"scope": scope, "showframe": False, "showcoastlines": False, "projection": {"type": "natural earth"}}
    if scope == "europe":
        geo.update(
            {
                "resolution": 50,
                "projection": {"type": "mercator"},
                "lataxis": {"range": [34, 72]},
                "lonaxis": {"range": [-25, 45]},
            }
        )
    fig.update_layout(
        **{**_layout(lang), "margin": {"l": 0, "r": 0, "t": 40, "b": 0}}, title=title, height=520, geo=geo
    )
    return fig


def rank_change_parts(parts: dict[str, int], *, title: str, lang: str = "en") -> go.Figure:
    """The explanation of a rank change as a waterfall: places gained (+) or lost (-) by cause."""
    names = list(parts)
    fig = go.Figure(
        go.Waterfall(
            x=[*names, i18n.t("chart.total", lang)],
            y=[*parts.values(), 0],
            measure=["relative"] * len(names) + ["total"],
            increasing={"marker": {"color": "#009E73"}},
            decreasing={"marker": {"color": "#D55E00"}},
            totals={"marker": {"color": "#0072B2"}},
            text=[f"{v:+d}" for v in parts.values()] + [f"{sum(parts.values()):+d}"],
            textposition="outside",
            cliponaxis=False,  # the label of the longest bar stays whole
        )
    )
    fig.update_layout(**_layout(lang), title=title, height=360, showlegend=False)
    fig.update_yaxes(title_text=i18n.t("chart.places_axis", lang))
    return fig
