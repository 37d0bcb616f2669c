"""Plotly figures. Colour-blind-safe palette (Okabe-Ito); the focus country has the same colour everywhere."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

FOCUS = "#D55E00"  # vermillion: the focus country, on every chart
OTHERS = "#9AA5B1"  # grey: every other country where only the focus matters
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
COMPUTED_NOTE = "open marker = rank computed from published scores"

_LAYOUT = {
    "template": "plotly_white",
    "font": {"family": "Source Sans Pro, Arial, sans-serif", "size": 13},
    "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
    "hoverlabel": {"namelength": -1},
}


def rank_axis(fig: go.Figure, *, title: str = "Rank (1 = best)") -> None:
    """Ranks: lower is better, so the axis runs with 1 at the top and says so."""
    fig.update_yaxes(autorange="reversed", title_text=title, rangemode="tozero", zeroline=False)


def with_gaps(history: pd.DataFrame, editions: list[int]) -> pd.DataFrame:
    """``history`` re-indexed on every published edition: a missing edition becomes a gap, not a line."""
    full = pd.DataFrame({"edition": sorted(set(editions) | set(history["edition"].astype(int)))})
    return full.merge(history.assign(edition=history["edition"].astype(int)), on="edition", how="left")


def rank_sparkline(history: pd.DataFrame, editions: list[int], *, height: int = 90) -> go.Figure:
    """The small rank history of an overview card."""
    data = with_gaps(history, editions)
    fig = go.Figure(
        go.Scatter(
            x=data["edition"],
            y=data["rank"],
            mode="lines+markers",
            line={"color": FOCUS, "width": 2},
            marker={"size": 5, "color": FOCUS},
            connectgaps=False,
            customdata=data[["reference_period"]].fillna("not in the store"),
            hovertemplate="Edition %{x}<br>Rank %{y}<br>Reference period %{customdata[0]}<extra></extra>",
        )
    )
    fig.update_layout(**{**_LAYOUT, "margin": {"l": 0, "r": 0, "t": 4, "b": 0}}, height=height, showlegend=False)
    shown = data.dropna(subset=["rank"])
    ticks = sorted({int(shown["edition"].iloc[0]), int(shown["edition"].iloc[-1])}) if not shown.empty else []
    fig.update_xaxes(showgrid=False, tickfont={"size": 10}, tickmode="array", tickvals=ticks)
    best, worst = (int(shown["rank"].min()), int(shown["rank"].max())) if not shown.empty else (1, 1)
    fig.update_yaxes(
        autorange="reversed", showgrid=False, tickfont={"size": 10}, tickmode="array", tickvals=[best, worst]
    )
    return fig


def rank_history(history: pd.DataFrame, editions: list[int], *, entity: str, title: str) -> go.Figure:
    """Rank over editions for one country, with gaps where an edition is missing."""
    data = with_gaps(history, editions)
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
            customdata=data[["reference_period"]].fillna("not in the store"),
            hovertemplate=f"{entity}<br>Edition %{{x}}<br>Rank %{{y}}<br>Reference period %{{customdata[0]}}"
            "<extra></extra>",
        )
    )
    fig.update_layout(**_LAYOUT, title=title, height=360, showlegend=False)
    fig.update_xaxes(title_text="Edition", tickmode="array", tickvals=data["edition"].tolist())
    rank_axis(fig)
    return fig
