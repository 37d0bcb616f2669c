"""Which countries a view shows: reviewed peer groups (membership as of the edition), the top N, or a custom list."""

from __future__ import annotations

import pandas as pd

from rankings import i18n, peer_groups

TOP = {"top10": 10, "top20": 20}
CUSTOM = "custom"


def group_options(lang: str = "en") -> dict[str, str]:
    """Group id -> label, reviewed groups first, then the top N of the ranking and a custom choice."""
    options = {gid: g.title_in(lang) for gid, g in peer_groups.groups().items()}
    options.update({key: i18n.t(f"group.{key}", lang) for key in (*TOP, CUSTOM)})
    return options


def members(
    group: str, source: str, edition: int, rows: pd.DataFrame, *, reference_period: str | None = None
) -> list[str]:
    """ISO3 codes in ``group`` for an edition of a source; ``rows`` (that edition's headline rows of one
    indicator) decide the top N. A custom group has no members of its own."""
    if group in TOP:
        ranked = rows[rows["rank"].notna() & ~rows["is_aggregate"].astype(bool)].sort_values("rank")
        cutoff = ranked["rank"].iloc[TOP[group] - 1] if len(ranked) >= TOP[group] else None
        chosen = ranked if cutoff is None else ranked[ranked["rank"] <= cutoff]  # ties at the cut-off stay in
        return chosen["iso3"].tolist()
    if group == CUSTOM:
        return []
    return peer_groups.members(group, edition, source, reference_period=reference_period)
