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


def _value_text(source: str, indicator: str, status: str, value: object, decimals: object) -> str:
    if status == "not_assessed":
        return "not assessed"
    if status == "missing":
        return "no value published"
    try:
        fallback = metadata.indicator(source, indicator).decimals
    except KeyError:
        fallback = 2
    return format_value(value, decimals, fallback)  # type: ignore[arg-type]


def _rank_text(rank: object, official: object) -> str:
    if pd.isna(rank):  # type: ignore[call-overload]
        return ""
    return f"{int(rank)}" + ("" if official else " (computed)")  # type: ignore[call-overload]


def _texts(rows: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Value and rank of each row as text (a loop over plain columns: iterrows would build a Series per row)."""
    values = [
        _value_text(*cells)
        for cells in zip(
            rows["source"], rows["indicator"], rows["value_status"], rows["value"], rows["decimals"], strict=True
        )
    ]
    ranks = [_rank_text(r, o) for r, o in zip(rows["rank"], rows["rank_official"], strict=True)]
    return values, ranks


def latest_table(observations: pd.DataFrame, source: str, edition: int) -> pd.DataFrame:
    """The main indicators of one edition (no breakdown series), with value and rank as text."""
    rows = observations[(observations["source"] == source) & (observations["edition"] == edition)]
    rows = rows[~rows["indicator"].str.contains("__")]
    if rows.empty:
        return pd.DataFrame(columns=["indicator", "value", "rank"])
    # The headline period of each indicator: the widest or latest label, as the store's headline view does.
    rows = rows.sort_values(["indicator", "reference_period"]).groupby("indicator").tail(1)
    values, ranks = _texts(rows)
    return pd.DataFrame(
        {"indicator": rows["indicator_title"].fillna(rows["indicator"]), "value": values, "rank": ranks}
    )


def all_figures(observations: pd.DataFrame) -> pd.DataFrame:
    """Every stored figure of the country, readable: ranking, edition, period, indicator, value, rank, file."""
    if observations.empty:
        return pd.DataFrame()
    titles = {s.id: s.title for s in metadata.sources().values()}
    values, ranks = _texts(observations)
    return pd.DataFrame(
        {
            "ranking": observations["source"].map(lambda s: titles.get(s, s)),
            "edition": observations["edition"],
            "reference period": observations["reference_period"],
            "indicator": observations["indicator_title"].fillna(observations["indicator"]),
            "value": values,
            "rank": ranks,
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
