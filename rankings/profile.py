"""The country profile's tables: the latest edition per ranking, every stored figure, and the citations."""

from __future__ import annotations

import pandas as pd

from rankings import metadata, peer_groups
from rankings.overview import format_value

SHOWN_GROUPS = ("nordic_baltic", "eu", "oecd")


def memberships(iso3: str) -> list[str]:
    """Titles of the reviewed peer groups the country belongs to today."""
    from datetime import date

    out = []
    for gid in SHOWN_GROUPS:
        if gid in peer_groups.groups() and iso3 in peer_groups.members_on(gid, date.today()):
            out.append(peer_groups.group(gid).title)
    return out


def _value_text(row: pd.Series) -> str:
    if row["value_status"] == "not_assessed":
        return "not assessed"
    if row["value_status"] == "missing":
        return "no value published"
    try:
        fallback = metadata.indicator(row["source"], row["indicator"]).decimals
    except KeyError:
        fallback = 2
    return format_value(row["value"], row["decimals"], fallback)


def _rank_text(row: pd.Series) -> str:
    if pd.isna(row["rank"]):
        return ""
    return f"{int(row['rank'])}" + ("" if row["rank_official"] else " (computed)")


def latest_table(observations: pd.DataFrame, source: str, edition: int) -> pd.DataFrame:
    """The main indicators of one edition (no breakdown series), with value and rank as text."""
    rows = observations[(observations["source"] == source) & (observations["edition"] == edition)]
    rows = rows[~rows["indicator"].str.contains("__")]
    if rows.empty:
        return pd.DataFrame(columns=["indicator", "value", "rank"])
    # The headline period of each indicator: the widest or latest label, as the store's headline view does.
    rows = rows.sort_values(["indicator", "reference_period"]).groupby("indicator").tail(1)
    return pd.DataFrame(
        {
            "indicator": rows["indicator_title"].fillna(rows["indicator"]),
            "value": [_value_text(r) for _, r in rows.iterrows()],
            "rank": [_rank_text(r) for _, r in rows.iterrows()],
        }
    )


def all_figures(observations: pd.DataFrame) -> pd.DataFrame:
    """Every stored figure of the country, readable: ranking, edition, period, indicator, value, rank, file."""
    if observations.empty:
        return pd.DataFrame()
    titles = {s.id: s.title for s in metadata.sources().values()}
    return pd.DataFrame(
        {
            "ranking": observations["source"].map(lambda s: titles.get(s, s)),
            "edition": observations["edition"],
            "reference period": observations["reference_period"],
            "indicator": observations["indicator_title"].fillna(observations["indicator"]),
            "value": [_value_text(r) for _, r in observations.iterrows()],
            "rank": [_rank_text(r) for _, r in observations.iterrows()],
            "source file": observations["source_file"],
        }
    )


def citations(figures: pd.DataFrame) -> pd.DataFrame:
    """One citation per ranking and edition shown."""
    by_title = {s.title: s for s in metadata.sources().values()}
    rows = []
    if figures.empty:
        return pd.DataFrame(columns=["ranking", "edition", "citation", "licence", "url"])
    for (title, edition), _ in figures.groupby(["ranking", "edition"]):
        src = by_title.get(title)
        rows.append(
            {
                "ranking": title,
                "edition": edition,
                "citation": src.cite(int(edition)) if src else "",
                "licence": src.licence if src else "",
                "url": src.url if src else "",
            }
        )
    return pd.DataFrame(rows)
