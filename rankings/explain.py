"""Why did a country's rank change between two editions? A decomposition an analyst can say out loud.

The change in rank is split, by a counterfactual, into:

- **own score**: the rank the country would have had in the later edition had every other country kept its
  earlier score, compared with its earlier rank;
- **others**: the rest, i.e. the effect of the other countries' scores moving (overtaking it or falling behind);
- **entrants**: countries assessed only in the later edition that rank above it (they push it down);
- **leavers**: countries assessed only in the earlier edition that ranked above it (their absence lifts it).

Together with how many countries were assessed each time and which sub-index moved most. Ranks here are
competition ranks recomputed from the published scores so the parts add up; the published ranks are shown
beside them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from rankings import i18n, metadata
from rankings.overview import entity_name, ordinal


@dataclass
class SubIndexMove:
    indicator: str
    title: str
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


@dataclass
class RankChange:
    entity: str
    source: str
    indicator: str
    before_edition: int
    after_edition: int
    before_rank: int  # published rank, or computed where the publisher ranks none
    after_rank: int
    before_assessed: int
    after_assessed: int
    before_value: float
    after_value: float
    own_score: int  # places gained (+) or lost (-) through the country's own score
    others: int  # places gained (+) or lost (-) through the other countries' scores
    entrants: int  # places lost (as a negative number) to countries new in the later edition
    leavers: int  # places gained through countries no longer assessed
    overtook: list[str] = field(default_factory=list)  # were below, now above
    fell_behind: list[str] = field(default_factory=list)  # were above, now below
    sub_indices: list[SubIndexMove] = field(default_factory=list)
    methodology_notes: list[str] = field(default_factory=list)

    @property
    def places(self) -> int:
        """Places gained (+) or lost (-)."""
        return self.before_rank - self.after_rank

    def sentences(self, lang: str = "en") -> list[str]:
        """The explanation said out loud, in ``lang`` (the entity name is the caller's, in the same language)."""
        t = i18n.t

        def places(n: int) -> str:
            return t("places.one" if abs(n) == 1 else "places.other", lang, n=f"{n:+d}")

        def num(x: float) -> str:
            return i18n.plain(float(f"{x:g}"), lang)  # six significant digits, as before

        if self.places == 0:
            move = t("places.unchanged", lang)
        else:
            key = "explain.up" if self.places > 0 else "explain.down"
            move = t(
                key,
                lang,
                places=t(
                    "places.one" if abs(self.places) == 1 else "places.other",
                    lang,
                    n=i18n.integer(abs(self.places), lang),
                ),
            )
        out = [
            t(
                "explain.ranks",
                lang,
                entity=self.entity,
                before=ordinal(self.before_rank, lang),
                before_assessed=i18n.integer(self.before_assessed, lang),
                before_edition=self.before_edition,
                after=ordinal(self.after_rank, lang),
                after_assessed=i18n.integer(self.after_assessed, lang),
                after_edition=self.after_edition,
                move=move,
            ),
            t(
                "explain.own",
                lang,
                before=num(self.before_value),
                after=num(self.after_value),
                places=places(self.own_score),
            ),
            t(
                "explain.others",
                lang,
                places=places(self.others),
                overtook=len(self.overtook),
                entity=self.entity,
                fell_behind=len(self.fell_behind),
            ),
        ]
        if self.entrants or self.leavers:
            out.append(t("explain.entrants", lang, entrants=places(self.entrants), leavers=places(self.leavers)))
        if self.sub_indices:
            top = self.sub_indices[0]
            out.append(
                t(
                    "explain.sub_index",
                    lang,
                    title=top.title,
                    before=num(top.before),
                    after=num(top.after),
                    change=_signed(top.change, lang),
                )
            )
        out.extend(t("explain.methodology", lang, note=note) for note in self.methodology_notes)
        return out


def _signed(change: float, lang: str) -> str:
    """A change to four significant digits with its sign, as ``{:+.4g}`` printed it (``+0.0837``)."""
    text = i18n.plain(float(f"{change:.4g}"), lang)
    return text if change <= 0 or text.startswith("+") else "+" + text


def _ranks(values: pd.Series, higher_is_better: bool) -> pd.Series:
    return values.rank(method="min", ascending=not higher_is_better).astype(int)


def explain(before: pd.DataFrame, after: pd.DataFrame, iso3: str, lang: str = "en") -> RankChange | None:
    """Explain ``iso3``'s rank change between two editions of one indicator.

    ``before`` and ``after`` are rows of one source, edition and indicator (columns ``iso3``, ``entity``,
    ``value``, ``value_status``, ``rank``, ``is_aggregate``), plus optional rows of its sub-indices (other
    ``indicator`` values). None when the country has no published value in either edition. Country names and
    methodology notes are in ``lang``.
    """
    if before.empty or after.empty:
        return None
    source = str(before["source"].iloc[0])
    indicator = str(before["indicator"].iloc[0]) if before["indicator"].nunique() == 1 else None
    if indicator is None:
        raise ValueError("explain() takes one indicator at a time; pass sub-indices with sub_before/sub_after")
    try:
        higher = metadata.indicator(source, indicator).higher_is_better
    except KeyError:
        higher = True

    def scored(df: pd.DataFrame) -> pd.DataFrame:
        ok = (df["value_status"] == "published") & ~df["is_aggregate"].astype(bool) & df["iso3"].notna()
        return df[ok].set_index("iso3")

    b, a = scored(before), scored(after)
    if iso3 not in b.index or iso3 not in a.index:
        return None
    both = b.index.intersection(a.index)
    b_rank, a_rank = _ranks(b["value"], higher), _ranks(a["value"], higher)
    # Counterfactual: the country's later score among the others' earlier scores.
    mixed = b["value"].copy()
    mixed[iso3] = a["value"][iso3]
    mixed_rank = _ranks(mixed, higher)[iso3]
    own = int(b_rank[iso3] - mixed_rank)

    def better_than(values: pd.Series, code: str) -> pd.Series:
        return values > values[code] if higher else values < values[code]

    entrants = -int(better_than(a["value"], iso3)[a.index.difference(b.index)].sum())
    leavers = int(better_than(b["value"], iso3)[b.index.difference(a.index)].sum())
    total = int(b_rank[iso3] - a_rank[iso3])
    others = total - own - entrants - leavers
    above_before = set(both[better_than(b["value"], iso3)[both].to_numpy()])
    above_after = set(both[better_than(a["value"], iso3)[both].to_numpy()])
    names = {c: entity_name(c, e, lang) for c, e in (b["entity"].to_dict() | a["entity"].to_dict()).items()}

    def published_rank(df: pd.DataFrame, computed: pd.Series) -> int:
        rank = df["rank"].get(iso3) if "rank" in df.columns else None
        return int(rank) if rank is not None and not pd.isna(rank) else int(computed[iso3])

    change = RankChange(
        entity=names[iso3],
        source=source,
        indicator=indicator,
        before_edition=int(before["edition"].iloc[0]),
        after_edition=int(after["edition"].iloc[0]),
        before_rank=published_rank(b, b_rank),
        after_rank=published_rank(a, a_rank),
        before_assessed=len(b),
        after_assessed=len(a),
        before_value=float(b["value"][iso3]),
        after_value=float(a["value"][iso3]),
        own_score=own,
        others=others,
        entrants=entrants,
        leavers=leavers,
        overtook=sorted((names[c] for c in above_after - above_before), key=lambda n: i18n.sort_key(n, lang)),
        fell_behind=sorted((names[c] for c in above_before - above_after), key=lambda n: i18n.sort_key(n, lang)),
    )
    lo, hi = change.before_edition, change.after_edition
    try:
        notes = metadata.indicator(source, indicator).methodology
    except KeyError:
        notes = ()
    change.methodology_notes = [f"{m.edition}: {m.text(lang)}" for m in notes if lo < m.edition <= hi]
    return change


def with_sub_indices(change: RankChange, sub_before: pd.DataFrame, sub_after: pd.DataFrame) -> RankChange:
    """Add the country's sub-index moves (rows of the sub-indices for the same country, both editions)."""
    moves = []
    b = sub_before[sub_before["value_status"] == "published"].set_index("indicator")
    a = sub_after[sub_after["value_status"] == "published"].set_index("indicator")
    for ind in b.index.intersection(a.index):
        title = str(a.loc[ind, "indicator_title"]) if "indicator_title" in a.columns else ind
        moves.append(SubIndexMove(ind, title, float(b.loc[ind, "value"]), float(a.loc[ind, "value"])))
    change.sub_indices = sorted(moves, key=lambda m: -abs(m.change))
    return change


def between(
    source: str,
    indicator: str,
    iso3: str,
    before: int,
    after: int,
    processed: str | None = None,
    lang: str = "en",
) -> RankChange | None:
    """:func:`explain` for two stored editions, with the sub-indices the metadata names as the indicator's parts."""
    from rankings import queries

    kwargs: dict[str, Any] = {"processed": processed} if processed else {}
    parts = [i.id for i in metadata.indicators().values() if i.source == source and i.parent == indicator]
    # The indicator's rows and the country's sub-index rows only (not thousands of other rows at scale).
    both = queries.rank_change_rows(source, indicator, tuple(parts), iso3, (before, after), **kwargs)
    b_all = both[both["edition"] == before].reset_index(drop=True)
    a_all = both[both["edition"] == after].reset_index(drop=True)
    change = explain(b_all[b_all["indicator"] == indicator], a_all[a_all["indicator"] == indicator], iso3, lang)
    if change is None:
        return None

    def subs(df: pd.DataFrame) -> pd.DataFrame:
        return df[(df["iso3"] == iso3) & df["indicator"].isin(parts)]

    return with_sub_indices(change, subs(b_all), subs(a_all))
