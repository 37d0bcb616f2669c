"""One edition of one ranking across a peer group: ranks within the group, the focus country's profile, a matrix."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from rankings import countries, i18n, metadata, revisions
from rankings.model import competition_rank
from rankings.overview import entity_name, format_value, ordinal


@dataclass
class GroupView:
    rows: pd.DataFrame  # one row per member with a value: entity, iso3, value, value_text, rank, group_rank, ...
    average: float | None
    not_assessed: list[str]  # members without a published value in this edition, by name
    leader_iso3: str | None
    members: int = 0  # the group's members as of the edition, assessed or not


def decimals_of(source: str, indicator: str, rows: pd.DataFrame) -> int:
    """The decimals the values are shown with: the most the publisher printed, else the metadata's."""
    return _decimals(source, indicator, rows)


def _decimals(source: str, indicator: str, rows: pd.DataFrame) -> int:
    printed = rows["decimals"].dropna() if "decimals" in rows.columns else pd.Series(dtype=float)
    if len(printed):
        return int(printed.max())
    try:
        return metadata.indicator(source, indicator).decimals
    except KeyError:
        return 2


def group_view(
    edition_rows: pd.DataFrame, indicator: str, members: list[str], *, group_title: str, lang: str = "en"
) -> GroupView:
    """The group's members in one edition and indicator, ranked within the group (computed, and labelled so).

    Country names, values and labels are in ``lang``."""
    rows = edition_rows[(edition_rows["indicator"] == indicator) & ~edition_rows["is_aggregate"].astype(bool)]
    rows = rows[rows["iso3"].isin(members)].copy()
    rows["entity"] = [entity_name(c, e, lang) for c, e in zip(rows["iso3"], rows["entity"], strict=True)]
    scored = rows[rows["value_status"] == "published"].copy()
    absent = sorted(set(members) - set(scored["iso3"]))
    names = dict(zip(rows["iso3"], rows["entity"], strict=True))
    # Members the edition does not hold at all (the Faroe Islands, say) are named too, never dropped.
    absent_names = sorted(
        (names.get(c) or entity_name(c, countries.display_name(c), lang) for c in absent),
        key=lambda n: i18n.sort_key(n, lang),
    )
    if scored.empty:
        return GroupView(scored, None, absent_names, None, len(set(members)))
    source = str(scored["source"].iloc[0])
    try:
        higher = metadata.indicator(source, indicator).higher_is_better
    except KeyError:
        higher = True
    decimals = _decimals(source, indicator, scored)
    scored["group_rank"] = competition_rank(scored["value"], higher_is_better=higher)
    scored["group_count"] = len(scored)
    tied = scored["group_rank"].duplicated(keep=False)
    scored["value_text"] = [format_value(v, None, decimals, lang=lang) for v in scored["value"]]
    if "revised_at" in scored.columns:  # a figure the publisher revised carries the mark
        scored["value_text"] = revisions.mark(list(scored["value_text"]), scored["revised_at"])
    tie_note = i18n.t("compare.tied", lang, decimals=decimals)

    def label(row: pd.Series, is_tied: bool) -> str:
        if pd.isna(row["rank"]):
            overall = i18n.t("compare.overall.none", lang)
        else:
            key = "compare.overall.published" if row["rank_official"] else "compare.overall.computed"
            overall = i18n.t(key, lang, ordinal=ordinal(int(row["rank"]), lang))
        return i18n.t(
            "compare.rank_label",
            lang,
            ordinal=ordinal(int(row["group_rank"]), lang),
            count=i18n.integer(len(scored), lang),
            tie=f" ({tie_note})" if is_tied else "",
            overall=overall,
        )

    scored["rank_label"] = [label(r, t) for (_, r), t in zip(scored.iterrows(), tied, strict=True)]
    scored["tie_note"] = [tie_note if t else "" for t in tied]
    scored["_order"] = [i18n.sort_key(n, lang) for n in scored["entity"]]
    scored = scored.sort_values(["group_rank", "_order"]).drop(columns="_order").reset_index(drop=True)
    return GroupView(
        rows=scored,
        average=float(scored["value"].mean()),
        not_assessed=absent_names,
        leader_iso3=str(scored["iso3"].iloc[0]),
        members=len(set(members)),
    )


def sub_indicators(source: str, indicator: str, available: set[str]) -> list[str]:
    """The indicator's parts (metadata ``parent``), in metadata order, that the edition holds."""
    return [
        i.id
        for i in metadata.indicators().values()
        if i.source == source and i.parent == indicator and i.id in available
    ]


def profile(edition_rows: pd.DataFrame, parts: list[str], members: list[str], focus: str, leader: str) -> pd.DataFrame:
    """Per part: the focus country's value, the leader's and the group average."""
    rows = edition_rows[edition_rows["indicator"].isin(parts) & edition_rows["iso3"].isin(members)]
    rows = rows[rows["value_status"] == "published"]
    out = []
    for part in parts:
        sel = rows[rows["indicator"] == part]
        if sel.empty:
            continue
        by = sel.set_index("iso3")["value"]
        out.append(
            {
                "indicator": part,
                "short": str(sel["short"].iloc[0]) if "short" in sel.columns else part,
                "focus": by.get(focus),
                "leader": by.get(leader),
                "average": float(by.mean()),
            }
        )
    return pd.DataFrame(out, columns=["indicator", "short", "focus", "leader", "average"])


def matrix(
    edition_rows: pd.DataFrame, indicators: list[str], members: list[str], lang: str = "en"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Countries by indicators: published values as text (publisher's precision) and ranks within the group."""
    rows = edition_rows[
        edition_rows["indicator"].isin(indicators)
        & edition_rows["iso3"].isin(members)
        & (edition_rows["value_status"] == "published")
    ].copy()
    if rows.empty:
        return pd.DataFrame(), pd.DataFrame()
    rows["entity"] = [entity_name(c, e, lang) for c, e in zip(rows["iso3"], rows["entity"], strict=True)]
    source = str(rows["source"].iloc[0])
    shorts = rows.drop_duplicates("indicator").set_index("indicator")["short"].to_dict() if "short" in rows else {}
    texts, ranks = {}, {}
    for ind in indicators:
        sel = rows[rows["indicator"] == ind]
        if sel.empty:
            continue
        try:
            higher = metadata.indicator(source, ind).higher_is_better
        except KeyError:
            higher = True
        decimals = _decimals(source, ind, sel)
        col = shorts.get(ind, ind)
        shown = [format_value(v, None, decimals, lang=lang) for v in sel["value"]]
        if "revised_at" in sel.columns:  # a figure the publisher revised carries the mark
            shown = revisions.mark(shown, sel["revised_at"])
        texts[col] = pd.Series(shown, index=sel["entity"])
        ranks[col] = pd.Series(competition_rank(sel["value"], higher_is_better=higher).to_numpy(), index=sel["entity"])
    text, rank = pd.DataFrame(texts), pd.DataFrame(ranks)
    order = rank.iloc[:, 0].sort_values().index
    return text.loc[order].fillna(i18n.MISSING), rank.loc[order]


def map_scope(iso3s: list[str]) -> str:
    """Europe when every country shown is European, else the world."""
    from rankings.countries import country_table

    table = country_table().set_index("ISO3")
    # Cyprus is an EU member that country_converter files under Asia; it sits inside the Europe map.
    continents = {"Europe" if c == "CYP" else table["continent"].get(c) for c in iso3s}
    return "europe" if continents and continents <= {"Europe"} else "world"
