"""The briefing's static charts (PNG), in the app's look: the focus colour, the Okabe-Ito palette, rank 1 at the top.

Drawn with matplotlib's Agg backend (no browser, no display); its own DejaVu Sans has every Danish letter.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from rankings import i18n
from rankings.briefing.content import Briefing, Ranking
from rankings.charts import FOCUS, PALETTE, with_gaps

COUNTERPART = PALETTE[0]  # blue: the counterpart, as the app draws the first other country
GRID = "#E5E8EB"
DPI = 200
plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 9, "axes.titlesize": 10})


def _png(fig: plt.Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return out.getvalue()


def _style(ax: plt.Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(True, color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def charted(briefing: Briefing) -> list[Ranking]:
    """The rankings with a history to draw: two or more stored editions for either country."""
    return [r for r in briefing.rankings if any(len(h.dropna(subset=["rank"])) > 1 for h in r.histories.values())]


def rank_histories(briefing: Briefing, width: float = 7.0) -> bytes | None:
    """One panel per ranking with a history: both countries' ranks over editions; None when none has one."""
    rankings = charted(briefing)
    if not rankings:
        return None
    cols = min(3, len(rankings))
    rows = -(-len(rankings) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width, 2.3 * rows + 0.4), squeeze=False)
    colours = {briefing.focus: FOCUS, briefing.counterpart: COUNTERPART}
    names = {briefing.focus: briefing.focus_name, briefing.counterpart: briefing.counterpart_name}
    for ax, ranking in zip(axes.flat, rankings, strict=False):
        shown: list[int] = []
        for iso3 in (briefing.focus, briefing.counterpart):
            history = ranking.histories.get(iso3)
            if history is None or history.empty:
                continue
            data = with_gaps(history, ranking.editions)
            stored = data.dropna(subset=["rank"])
            shown += stored["edition"].astype(int).tolist()
            ax.plot(
                data["edition"],
                data["rank"].astype(float),
                color=colours[iso3],
                linewidth=2.2 if iso3 == briefing.focus else 1.6,
                label=names[iso3],
            )
            official = stored["rank_official"].fillna(True).astype(bool)
            for is_official in (True, False):
                sel = stored[official == is_official]
                ax.scatter(
                    sel["edition"],
                    sel["rank"].astype(float),
                    s=28,
                    color=colours[iso3] if is_official else "white",
                    edgecolors=colours[iso3],
                    linewidths=1.5,
                    zorder=3,
                )
        ax.set_title(f"{ranking.title}", loc="left", wrap=True)
        ax.invert_yaxis()  # rank 1 at the top
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        ax.set_yticks([t for t in ax.get_yticks() if 1 <= t <= ax.get_ylim()[0]])  # no rank 0
        ticks = sorted(set(shown))
        step = 1 if len(ticks) <= 6 else 2  # every other year where many editions would overlap
        labels = [str(e) if (len(ticks) - 1 - i) % step == 0 else "" for i, e in enumerate(ticks)]
        ax.set_xticks(ticks, labels, rotation=45 if len(ticks) > 4 else 0, fontsize=7.5)
        ax.set_ylabel(i18n.t("chart.rank_axis", briefing.lang))
        _style(ax)
    for ax in list(axes.flat)[len(rankings) :]:
        ax.set_visible(False)
    # Both countries in the legend, whichever panel draws them (a country may be absent from the first).
    handles = [Line2D([], [], color=colours[c], linewidth=2, label=names[c]) for c in colours]
    fig.legend(handles=handles, loc="lower center", ncol=2, frameon=False, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return _png(fig)


def sub_index_profiles(briefing: Briefing, width: float = 7.0) -> bytes | None:
    """Grouped horizontal bars per sub-index, one panel per profile (latest UN and EU editions); None without any."""
    if not briefing.profiles:
        return None
    lang = briefing.lang
    heights = [max(1.2, 0.45 * len(p.parts) + 0.6) for p in briefing.profiles]
    fig, axes = plt.subplots(1, len(briefing.profiles), figsize=(width, max(heights) + 0.6), squeeze=False)
    for ax, prof in zip(axes.flat, briefing.profiles, strict=True):
        parts = prof.parts.iloc[::-1]  # the first part at the top
        y = range(len(parts))
        bar = 0.38
        for offset, column, colour, name in (
            (bar / 2, "focus", FOCUS, briefing.focus_name),
            (-bar / 2, "counterpart", COUNTERPART, briefing.counterpart_name),
        ):
            values = parts[column].astype(float)
            ax.barh([v + offset for v in y], values.fillna(0), height=bar, color=colour, label=name)
            for yy, v in zip(y, values, strict=True):
                label = i18n.number(v, lang, prof.decimals) if not pd.isna(v) else i18n.MISSING
                ax.text((0 if pd.isna(v) else v), yy + offset, " " + label, va="center", fontsize=7)
        ax.set_yticks(list(y), [str(s) for s in parts["short"]])
        ax.set_title(f"{prof.title} {prof.edition}", loc="left")
        top = float(pd.concat([parts["focus"], parts["counterpart"]]).max())
        ax.set_xlim(0, top * 1.22 if top > 0 else 1)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: i18n.plain(round(v, 6), lang)))
        ax.set_xlabel(i18n.t("chart.score_axis", lang))
        _style(ax)
        ax.grid(False, axis="y")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return _png(fig)
