"""The briefing's content: the overview's sentences and figures for both countries, in the chosen language."""

from __future__ import annotations

import pandas as pd
import pytest

from rankings import overview, queries
from rankings.briefing import content


def cards(store, iso3: str, lang: str) -> dict[str, overview.Card]:
    return {c.source: c for c in overview.build_cards(queries.headline_series(iso3, store), iso3, lang)}


@pytest.mark.parametrize("lang", ["en", "da"])
def test_headlines_and_figures_are_the_overviews(demo_store, lang):
    b = content.gather(demo_store, "EST", "DNK", lang)
    for iso3 in ("DNK", "EST"):
        mine = cards(demo_store, iso3, lang)
        assert b.headlines[iso3] == [c.headline for c in sorted(mine.values(), key=lambda c: c.title)]
        for ranking in b.rankings:
            position = next(p for p in ranking.positions if p.iso3 == iso3)
            card = mine[ranking.source]
            assert ranking.edition == card.edition
            assert position.score == card.value_text
            assert overview.ordinal(card.rank, lang) in position.rank
            computed = "(computed)" if lang == "en" else "(beregnet)"
            assert (computed in position.rank) == (not card.rank_official)
            assert position.rank.startswith("=") == bool(card.tied_with)
    assert {r.source for r in b.rankings} == set(cards(demo_store, "DNK", lang))


def test_ties_computed_ranks_and_changes_are_written_as_the_app_writes_them(demo_store):
    dnk = cards(demo_store, "DNK", "en")
    tied = [s for s, c in dnk.items() if c.tied_with]
    assert tied, "the demo data hold a tie for Denmark"
    b = content.gather(demo_store, "EST", "DNK", "en")
    by_source = {r.source: r.positions[0] for r in b.rankings}
    card = dnk[tied[0]]
    assert by_source[tied[0]].rank == f"={overview.ordinal(card.rank, 'en')} of {card.assessed} (computed)"
    un = dnk["un_egov"]
    change = by_source["un_egov"].change
    assert change.endswith(f"since {un.previous_edition}")
    assert overview.places(un.rank_change, "en") in change


def test_danish_names_numbers_and_dates(demo_store):
    import datetime

    b = content.gather(demo_store, "EST", "DNK", "da", today=datetime.date(2026, 3, 5))
    assert (b.focus_name, b.counterpart_name) == ("Danmark", "Estland")
    assert b.title == "Danmark og Estland"
    assert "," in b.rankings[0].positions[0].score or b.rankings[0].positions[0].score.isdigit()
    assert all("Denmark" not in s and "Estonia" not in s for s in b.headlines["DNK"] + b.headlines["EST"])
    assert b.data_as_of.startswith("Data pr.:")


def test_a_country_missing_from_a_ranking_says_so(demo_store):
    stored = set(queries.countries(demo_store)["iso3"])
    eu = set(queries.edition("eu_egov_benchmark", 2023, demo_store)["iso3"].dropna())
    outside = sorted(stored - eu)[0]  # a country the EU benchmark does not cover
    b = content.gather(demo_store, outside, "DNK", "en")
    row = next(r for r in b.rankings if r.source == "eu_egov_benchmark")
    assert row.positions[1].rank == "no figures stored"
    assert row.positions[1].score == "–"


def test_sub_index_profiles_hold_the_stored_values(demo_store):
    b = content.gather(demo_store, "EST", "DNK", "en")
    assert [p.source for p in b.profiles] == ["un_egov", "eu_egov_benchmark"]
    un = b.profiles[0]
    rows = queries.edition("un_egov", un.edition, demo_store)
    for _, part in un.parts.iterrows():
        sel = rows[(rows["short"] == part["short"]) & (rows["iso3"] == "EST")]
        assert float(sel["value"].iloc[0]) == pytest.approx(part["counterpart"])
    assert not any("__" in str(s) for s in b.profiles[1].parts["short"])


def test_demo_flag_and_sources(demo_store):
    b = content.gather(demo_store, "EST", "DNK", "en")
    assert b.demo
    assert {s.title for s in b.sources} == {r.title for r in b.rankings}
    assert all(s.licence and s.citation for s in b.sources)


def test_side_by_side_table(demo_store):
    b = content.gather(demo_store, "EST", "DNK", "da")
    table = content.side_by_side(b)
    assert isinstance(table, pd.DataFrame) and len(table) == 2 * len(b.rankings)
    assert list(table.columns) == ["måling", "Land", "Placering", "Score", "Ændring siden forrige udgave"]
    assert list(table["Land"][:2]) == ["Danmark", "Estland"]


def test_the_real_files_are_not_demo(real_store):
    b = content.gather(real_store, "EST", "DNK", "en")
    assert not b.demo
    un = next(r for r in b.rankings if r.source == "un_egov")
    assert un.edition == 2020 and un.positions[0].score == "0.97580"
