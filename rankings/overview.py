"""The overview's cards: a country's position in each ranking's latest edition, and one plain headline sentence.

Every text takes the interface's language (``lang``, see :mod:`rankings.i18n`): the sentences come from the
message catalogue, numbers and country names from the CLDR locale data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from rankings import i18n, metadata, revisions


def ordinal(n: int, lang: str = "en") -> str:
    """``1st`` / ``1.`` (the bare ordinal numeral of the language)."""
    return i18n.ordinal(n, lang)


def format_value(value: float | None, decimals: int | None, fallback: int = 2, lang: str = "en") -> str:
    """A number with the publisher's precision (the decimals printed in the file, else the metadata's)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return i18n.MISSING
    places = fallback if decimals is None or pd.isna(decimals) else int(decimals)
    return i18n.number(value, lang, places)


def entity_name(iso3: object, entity: object, lang: str) -> str:
    """A row's country name in ``lang``: CLDR's name for a country, the stored label for anything else."""
    if lang != "en" and isinstance(iso3, str):
        from rankings.countries import is_iso3

        if is_iso3(iso3):
            return i18n.country(iso3, lang)
    return str(entity)


def revision_notes(rows: pd.DataFrame, lang: str = "en") -> pd.Series:
    """:func:`rankings.revisions.note` for every row ("" where the figure was not revised)."""
    if rows.empty or "revised_at" not in rows.columns or rows["revised_at"].isna().all():
        return pd.Series("", index=rows.index, dtype=object)
    out = [revisions.note(row, lang=lang) or "" for _, row in rows.iterrows()]
    return pd.Series(out, index=rows.index, dtype=object)


def revised_figures(rows: pd.DataFrame, lang: str = "en", limit: int = 12) -> str | None:
    """One caption naming the revised figures among ``rows`` (the first ``limit``), else None: ``✎ Revised by
    the publisher after it was first stored: Denmark, E-Government Index 2022: revised on ...; previously 0.97170
    (now 0.97210).``"""
    notes = revision_notes(rows, lang)
    revised = rows[notes != ""]
    if revised.empty:
        return None
    figures = []
    for (_, row), note in zip(revised.head(limit).iterrows(), notes[notes != ""].head(limit), strict=True):
        try:
            ind = metadata.indicator(str(row["source"]), str(row["indicator"]))
            title, fallback = ind.title, ind.decimals
        except KeyError:
            title, fallback = str(row["indicator"]), 2
        now = format_value(_num(row["value"]), _int(row["decimals"]), fallback, lang)
        entity = entity_name(row.get("iso3"), row["entity"], lang) if "entity" in row else ""
        figures.append(
            i18n.t("revision.figure", lang, entity=entity, indicator=title, edition=row["edition"], note=note, now=now)
        )
    more = f" … (+{len(revised) - limit})" if len(revised) > limit else ""
    return i18n.t("revision.caption", lang, figures="; ".join(figures) + more)


@dataclass
class Card:
    source: str
    title: str
    edition: int
    reference_period: str
    indicator: str
    indicator_title: str
    status: str  # "ranked", "not_assessed", "unranked"
    entity: str
    rank: int | None = None
    rank_official: bool = True
    assessed: int = 0
    tied_with: int = 0  # other countries sharing the rank
    value: float | None = None
    value_text: str = "–"
    previous_edition: int | None = None
    previous_rank: int | None = None
    previous_value: float | None = None
    rank_change: int | None = None  # positive: moved up (better)
    value_change: float | None = None
    leader: str | None = None
    gap_to_leader: float | None = None
    above: str | None = None
    gap_to_above: float | None = None
    missing_editions: list[int] = field(default_factory=list)  # published but not stored, since the previous
    methodology_note: str | None = None
    history: pd.DataFrame = field(default_factory=pd.DataFrame)
    headline: str = ""
    lang: str = "en"
    revision: str | None = None  # the latest edition's figure was revised after it was first stored


def _num(x: object) -> float | None:
    return None if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


def _int(x: object) -> int | None:
    return None if x is None or pd.isna(x) else int(x)  # type: ignore[arg-type]


def build_cards(series: pd.DataFrame, iso3: str, lang: str = "en") -> list[Card]:
    """One card per source in ``series`` (see :func:`rankings.queries.headline_series`), in ``lang``."""
    cards = []
    for source_id, src_rows in series.groupby("source", sort=True):
        source = metadata.source(str(source_id))
        indicator = metadata.indicator(source.id, source.headline_indicator)
        mine = src_rows[src_rows["iso3"] == iso3].sort_values("edition")
        if mine.empty:
            continue
        latest_edition = int(src_rows["edition"].max())
        latest = mine[mine["edition"] == latest_edition]
        row = latest.iloc[0] if not latest.empty else None
        editions_rows = src_rows[src_rows["edition"] == latest_edition]
        card = Card(
            source=source.id,
            title=source.title_in(lang),
            edition=latest_edition,
            reference_period=str(editions_rows["reference_period"].iloc[0]),
            indicator=indicator.id,
            indicator_title=indicator.title,
            status="not_assessed",
            entity=entity_name(iso3, mine["entity"].iloc[0], lang),
            assessed=int(editions_rows["assessed"].iloc[0]),
            lang=lang,
        )
        history = mine[["edition", "reference_period", "rank", "rank_official", "value", "value_status"]]
        card.history = history.reset_index(drop=True)
        notes = [m for m in indicator.methodology if m.edition == latest_edition]
        card.methodology_note = notes[0].note if notes else None
        if row is not None and row["value_status"] == "published":
            card.value = _num(row["value"])
            card.value_text = format_value(card.value, _int(row["decimals"]), indicator.decimals, lang)
            card.revision = revisions.note(row, indicator.decimals, lang)
            card.rank = _int(row["rank"])
            card.rank_official = bool(row["rank_official"]) if not pd.isna(row["rank_official"]) else True
            card.status = "ranked" if card.rank is not None else "unranked"
            if card.rank is not None:
                card.tied_with = int((editions_rows["rank"] == card.rank).sum()) - 1
            ranked = editions_rows[editions_rows["rank"].notna()].sort_values(["rank", "entity"])
            if not ranked.empty and card.value is not None:
                lead = ranked.iloc[0]
                card.leader = entity_name(lead.get("iso3"), lead["entity"], lang)
                card.gap_to_leader = _num(lead["value"]) - card.value if _num(lead["value"]) is not None else None
                if card.rank is not None:
                    better = ranked[ranked["rank"] < card.rank]
                    if not better.empty:
                        nxt = better.iloc[-1]
                        card.above = entity_name(nxt.get("iso3"), nxt["entity"], lang)
                        card.gap_to_above = _num(nxt["value"]) - card.value  # type: ignore[operator]
        earlier = mine[(mine["edition"] < latest_edition) & (mine["value_status"] == "published")]
        if not earlier.empty:
            prev = earlier.iloc[-1]
            card.previous_edition = int(prev["edition"])
            card.previous_rank = _int(prev["rank"])
            card.previous_value = _num(prev["value"])
            if card.rank is not None and card.previous_rank is not None:
                card.rank_change = card.previous_rank - card.rank
            if card.value is not None and card.previous_value is not None:
                card.value_change = card.value - card.previous_value
            stored = set(src_rows["edition"].unique().tolist())
            card.missing_editions = [
                e for e in source.editions if card.previous_edition < e < latest_edition and e not in stored
            ]
        card.headline = headline(card, lang)
        cards.append(card)
    return sorted(cards, key=lambda c: c.title)


def headline(card: Card, lang: str = "en") -> str:
    """One plain sentence that respects the caveats (ties, computed ranks, missing editions, not assessed)."""
    t = i18n.t
    survey = t("headline.survey", lang, title=card.title, edition=card.edition)
    if card.status == "not_assessed":
        text = t("headline.not_assessed", lang, entity=card.entity, survey=survey)
        if card.previous_edition is not None and card.previous_rank is not None:
            text += t(
                "headline.not_assessed.before",
                lang,
                place=i18n.place(card.previous_rank, lang),
                edition=card.previous_edition,
            )
        return text + "."
    if card.status == "unranked" or card.rank is None:
        return t("headline.unranked", lang, entity=card.entity, value=card.value_text, survey=survey)
    key = "headline.ranked.tied" if card.tied_with else "headline.ranked"
    text = t(
        key,
        lang,
        entity=card.entity,
        ordinal=ordinal(card.rank, lang),
        assessed=i18n.integer(card.assessed, lang),
        computed="" if card.rank_official else t("headline.computed", lang),
        survey=survey,
    )
    if card.previous_edition is not None and card.previous_rank is not None and card.rank_change is not None:
        since = card.previous_edition
        if card.rank_change == 0:
            text += t("headline.unchanged", lang, edition=since)
        else:
            key = "headline.up" if card.rank_change > 0 else "headline.down"
            text += t(key, lang, place=i18n.place(card.previous_rank, lang), edition=since)
        if card.missing_editions:
            gap = ", ".join(str(e) for e in card.missing_editions)
            key = "headline.not_loaded.many" if len(card.missing_editions) > 1 else "headline.not_loaded.one"
            text += t(key, lang, editions=gap)
    elif card.previous_edition is None:
        text += t("headline.first_edition", lang)
    text += "."
    if card.methodology_note and card.previous_edition is not None:
        text += t("headline.methodology", lang, edition=card.edition)
    return text


def gap_sentence(card: Card, decimals: int, lang: str = "en") -> str:
    """Distance to the leader and to the next country above, in the indicator's unit."""
    t = i18n.t
    if card.rank == 1 and not card.tied_with:
        return t("gap.leads", lang)
    parts = []
    if card.tied_with:
        key = "gap.tied.one" if card.tied_with == 1 else "gap.tied.many"
        parts.append(t(key, lang, n=i18n.integer(card.tied_with, lang)))
    if card.leader and card.gap_to_leader is not None and card.gap_to_leader > 0:
        gap = format_value(card.gap_to_leader, None, decimals, lang)
        if card.above == card.leader:
            parts.append(t("gap.leader_is_above", lang, gap=gap, leader=card.leader))
        else:
            parts.append(t("gap.leader", lang, gap=gap, leader=card.leader))
            if card.above and card.gap_to_above is not None:
                above_gap = format_value(card.gap_to_above, None, decimals, lang)
                parts.append(t("gap.above", lang, gap=above_gap, above=card.above))
    return " ".join(parts)


def places(change: int, lang: str = "en") -> str:
    """A rank change as '+2 places' / '-1 place' / 'unchanged' (positive = moved up; ASCII signs, which
    Streamlit's metric reads to colour the change)."""
    if change == 0:
        return i18n.t("places.unchanged", lang)
    category = "one" if abs(change) == 1 else "other"
    return i18n.t(f"places.{category}", lang, n=f"{change:+d}")
