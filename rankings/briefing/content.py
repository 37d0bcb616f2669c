"""What a briefing says: the focus country beside one counterpart, in every ranking's latest stored edition.

Everything comes from the store through the query layer and the overview's cards (the same headline sentences and
caveats as the app), in the briefing's language. The renderers (:mod:`.pdf`, :mod:`.pptx`) only lay it out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from rankings import compare, i18n, metadata, overview, queries

PROFILE_SOURCES = ("un_egov", "eu_egov_benchmark")  # the sub-index profiles: the latest UN and EU editions


@dataclass
class Position:
    """One country in one ranking's latest edition, as text in the briefing's language."""

    iso3: str
    name: str
    rank: str  # "=8th of 36 (computed)", or the status ("not assessed")
    score: str
    change: str  # "+2 places, +0.0123 since 2018", or "–"


@dataclass
class Ranking:
    source: str
    title: str
    edition: int
    reference_period: str
    indicator: str
    positions: list[Position]
    histories: dict[str, pd.DataFrame]  # iso3 -> edition, rank, rank_official (both countries' cards)
    editions: list[int]  # every edition the publisher released (gaps in the rank history)


@dataclass
class Profile:
    """Sub-index values of both countries in one edition."""

    source: str
    title: str
    edition: int
    parts: pd.DataFrame  # short, focus, counterpart (values; NaN where not published)
    decimals: int


@dataclass
class Citation:
    title: str
    edition: int
    citation: str
    licence: str
    url: str


@dataclass
class Briefing:
    lang: str
    focus: str
    focus_name: str
    counterpart: str
    counterpart_name: str
    made_on: datetime.date
    data_as_of: str
    headlines: dict[str, list[str]]  # iso3 -> the overview's sentences
    rankings: list[Ranking]
    profiles: list[Profile]
    sources: list[Citation]
    demo: bool
    revised: list[str] = field(default_factory=list)  # the figures shown that a publisher revised, as notes

    @property
    def title(self) -> str:
        return i18n.t("briefing.title", self.lang, focus=self.focus_name, counterpart=self.counterpart_name)

    def t(self, key: str, /, **params: object) -> str:
        return i18n.t(key, self.lang, **params)


def _rank_text(card: overview.Card, lang: str) -> str:
    if card.rank is None:
        return (
            i18n.t("status.not_assessed", lang)
            if card.status == "not_assessed"
            else i18n.t("overview.not_ranked", lang)
        )
    text = i18n.t(
        "overview.rank.value",
        lang,
        joint="=" if card.tied_with else "",
        ordinal=overview.ordinal(card.rank, lang),
        assessed=i18n.integer(card.assessed, lang),
    )
    return text if card.rank_official else i18n.t("profile.rank.computed", lang, rank=text)


def _decimals(series: pd.DataFrame, card: overview.Card) -> int:
    """The decimals the publisher printed for the card's latest value, else the indicator's."""
    rows = series[(series["source"] == card.source) & (series["edition"] == card.edition)]
    printed = rows["decimals"].dropna()
    if len(printed):
        return int(printed.max())
    return metadata.indicator(card.source, card.indicator).decimals


def _change_text(card: overview.Card, decimals: int, lang: str) -> str:
    if card.previous_edition is None:
        return i18n.MISSING
    parts = []
    if card.rank_change is not None:
        parts.append(overview.places(card.rank_change, lang))
    if card.value_change is not None:
        parts.append(i18n.signed(card.value_change, lang, decimals))
    if not parts:
        return i18n.MISSING
    return ", ".join(parts) + " " + i18n.t("overview.since", lang, edition=card.previous_edition)


def _position(card: overview.Card | None, iso3: str, name: str, series: pd.DataFrame, lang: str) -> Position:
    if card is None:
        none = i18n.t("briefing.no_figures", lang)
        return Position(iso3, name, none, i18n.MISSING, i18n.MISSING)
    score = f"{card.value_text} {i18n.REVISED}" if card.revision else card.value_text
    return Position(iso3, name, _rank_text(card, lang), score, _change_text(card, _decimals(series, card), lang))


def _revised(cards: dict[str, dict[str, overview.Card]], names: dict[str, str], lang: str) -> list[str]:
    """A note per figure shown that the publisher revised after it was first stored."""
    return [
        i18n.t(
            "revision.figure",
            lang,
            entity=names[iso3],
            indicator=card.indicator_title,
            edition=card.edition,
            note=card.revision,
            now=card.value_text,
        )
        for iso3, by_source in cards.items()
        for card in sorted(by_source.values(), key=lambda c: c.title)
        if card.revision
    ]


def _profile(source_id: str, edition: int, focus: str, counterpart: str, processed: Path, lang: str) -> Profile | None:
    source = metadata.source(source_id)
    catalogue = queries.catalogue(processed)
    available = set(catalogue.loc[catalogue["source"] == source_id, "indicator"])
    # The main sub-indices; breakdown series (``overall__business``) are not part of the profile.
    parts = [p for p in compare.sub_indicators(source_id, source.headline_indicator, available) if "__" not in p]
    if not parts:
        return None
    rows = queries.edition(source_id, edition, processed, indicators=tuple(parts))
    rows = rows[rows["iso3"].isin([focus, counterpart]) & (rows["value_status"] == "published")]
    if rows.empty:
        return None
    out = []
    for part in parts:
        sel = rows[rows["indicator"] == part]
        if sel.empty:
            continue
        by = sel.set_index("iso3")["value"]
        out.append({"short": str(sel["short"].iloc[0]), "focus": by.get(focus), "counterpart": by.get(counterpart)})
    frame = pd.DataFrame(out, columns=["short", "focus", "counterpart"]).astype({"focus": float, "counterpart": float})
    decimals = compare.decimals_of(source_id, parts[0], rows)
    return Profile(source_id, source.title_in(lang), edition, frame, decimals)


def _data_as_of(rankings: list[Ranking], processed: Path, lang: str) -> str:
    newest = max(rankings, key=lambda r: (r.edition, r.title))
    stored = queries.stored_files(processed)["stored_at"].dropna()
    day = datetime.date.fromisoformat(str(stored.max())[:10]) if len(stored) else None
    return i18n.t(
        "briefing.data_as_of",
        lang,
        title=newest.title,
        edition=newest.edition,
        stored=i18n.date(day, lang) if day else i18n.MISSING,
    )


def gather(
    processed: Path | str,
    counterpart: str,
    focus: str = "DNK",
    lang: str = "en",
    today: datetime.date | None = None,
) -> Briefing:
    """The briefing of ``focus`` beside ``counterpart`` (ISO3 codes) from the store at ``processed``.

    The caller checks that both countries have figures (see :func:`rankings.briefing.check`)."""
    processed = Path(processed)
    i18n.check(lang)
    series = {iso3: queries.headline_series(iso3, processed) for iso3 in (focus, counterpart)}
    cards = {iso3: {c.source: c for c in overview.build_cards(series[iso3], iso3, lang)} for iso3 in series}
    names = {iso3: i18n.country(iso3, lang) for iso3 in series}
    rankings = []
    for source_id in sorted(set(cards[focus]) | set(cards[counterpart])):
        either = cards[focus].get(source_id) or cards[counterpart][source_id]
        positions = [_position(cards[c].get(source_id), c, names[c], series[c], lang) for c in (focus, counterpart)]
        histories = {c: cards[c][source_id].history for c in (focus, counterpart) if source_id in cards[c]}
        rankings.append(
            Ranking(
                source=source_id,
                title=either.title,
                edition=either.edition,
                reference_period=either.reference_period,
                indicator=either.indicator_title,
                positions=positions,
                histories=histories,
                editions=list(metadata.source(source_id).editions),
            )
        )
    rankings.sort(key=lambda r: r.title)
    latest = {r.source: r.edition for r in rankings}
    profiles = [
        p
        for s in PROFILE_SOURCES
        if s in latest and (p := _profile(s, latest[s], focus, counterpart, processed, lang)) is not None
    ]
    sources = []
    for r in rankings:
        src = metadata.source(r.source)
        sources.append(Citation(r.title, r.edition, src.cite(r.edition), src.licence, src.url))
    return Briefing(
        lang=lang,
        focus=focus,
        focus_name=names[focus],
        counterpart=counterpart,
        counterpart_name=names[counterpart],
        made_on=today or datetime.date.today(),
        data_as_of=_data_as_of(rankings, processed, lang) if rankings else "",
        headlines={iso3: [c.headline for c in sorted(cards[iso3].values(), key=lambda c: c.title)] for iso3 in cards},
        rankings=rankings,
        profiles=profiles,
        sources=sources,
        demo=queries.shows_demo_data(processed),
        revised=_revised(cards, names, lang),
    )


def side_by_side(b: Briefing) -> pd.DataFrame:
    """The latest editions, both countries one under the other in each ranking (the Country profile's table: five
    columns fit the page, where six figures per row would not)."""
    columns = [i18n.column("ranking", b.lang)] + [
        b.t(f"briefing.column.{c}") for c in ("country", "rank", "score", "change")
    ]
    rows = [[f"{r.title} {r.edition}", p.name, p.rank, p.score, p.change] for r in b.rankings for p in r.positions]
    return pd.DataFrame(rows, columns=columns)
