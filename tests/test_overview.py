"""Overview cards and their headline sentences, on small hand-made series."""

from __future__ import annotations

import pandas as pd

from rankings import overview


def series(rows: list[tuple]) -> pd.DataFrame:
    """rows: (edition, iso3, entity, value, rank, official, status)."""
    df = pd.DataFrame(rows, columns=["edition", "iso3", "entity", "value", "rank", "rank_official", "value_status"])
    df["source"] = "un_egov"
    df["indicator"] = "egdi"
    df["reference_period"] = df["edition"].astype(str)
    df["decimals"] = 4
    df["assessed"] = df.groupby("edition")["rank"].transform("count")
    return df


BASE = [
    (2022, "DNK", "Denmark", 0.97, 1, True, "published"),
    (2022, "EST", "Estonia", 0.95, 2, True, "published"),
    (2022, "FIN", "Finland", 0.94, 3, True, "published"),
    (2024, "DNK", "Denmark", 0.98, 1, True, "published"),
    (2024, "EST", "Estonia", 0.97, 2, True, "published"),
    (2024, "FIN", "Finland", 0.96, 3, True, "published"),
]


def card(rows, iso3="DNK") -> overview.Card:
    (only,) = overview.build_cards(series(rows), iso3)
    return only


def test_unchanged_first_place():
    c = card(BASE)
    assert c.headline == "Denmark ranked 1st of 3 in the UN E-Government Survey 2024, unchanged since 2022."
    assert (c.rank, c.assessed, c.rank_change) == (1, 3, 0)
    assert overview.gap_sentence(c, 4) == "Leads this ranking."


def test_moving_down_with_gaps_to_leader_and_next_above():
    c = card(BASE, "FIN")
    assert c.headline == "Finland ranked 3rd of 3 in the UN E-Government Survey 2024, unchanged since 2022."
    assert overview.gap_sentence(c, 4) == "0.0200 behind the leader, Denmark. 0.0100 behind Estonia, the next above."
    rows = [*BASE[:3], (2024, "DNK", "Denmark", 0.96, 2, True, "published"), BASE[4], BASE[5]]
    rows[4] = (2024, "EST", "Estonia", 0.99, 1, True, "published")
    rows[5] = (2024, "FIN", "Finland", 0.90, 3, True, "published")
    c = card(rows)
    assert c.headline.endswith("ranked 2nd of 3 in the UN E-Government Survey 2024, down from 1st in 2022.")
    assert c.rank_change == -1 and overview.places(c.rank_change) == "-1 place"
    assert overview.gap_sentence(c, 4) == "0.0300 behind the leader, Estonia, the next country above."


def test_ties_are_called_joint():
    rows = [
        *BASE[:3],
        (2024, "DNK", "Denmark", 0.97, 2, True, "published"),
        (2024, "EST", "Estonia", 0.97, 2, True, "published"),
        (2024, "FIN", "Finland", 0.99, 1, True, "published"),
    ]
    c = card(rows)
    assert c.tied_with == 1
    assert "ranked joint 2nd of 3" in c.headline
    assert overview.gap_sentence(c, 4).startswith("Tied with 1 other country.")


def test_computed_ranks_are_said_to_be_computed():
    rows = [(e, i, n, v, r, False, s) for e, i, n, v, r, _o, s in BASE]
    assert "(rank computed from the published scores)" in card(rows).headline


def test_not_assessed_in_the_latest_edition():
    rows = [*BASE[:3], (2024, "DNK", "Denmark", None, None, None, "not_assessed"), BASE[4], BASE[5]]
    c = card(rows)
    assert c.status == "not_assessed"
    assert c.headline == "Denmark was not assessed in the UN E-Government Survey 2024 (ranked 1st in 2022)."


def test_missing_editions_are_named():
    rows = [(2018, i, n, v, r, o, s) for _e, i, n, v, r, o, s in BASE[:3]] + BASE[3:]
    c = card(rows)
    assert c.missing_editions == [2020, 2022]
    assert c.headline.endswith("unchanged since 2018 (editions 2020, 2022 not loaded).")


def test_ordinals_and_formatting():
    assert [overview.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th",
    ]  # fmt: skip
    assert overview.format_value(0.9758, 5) == "0.97580"
    assert overview.format_value(None, 2) == "–"
    assert overview.format_value(85.116677, None, 1) == "85.1"


def da_card(rows, iso3="DNK") -> overview.Card:
    (only,) = overview.build_cards(series(rows), iso3, "da")
    return only


def test_danish_headlines_names_and_numbers():
    c = da_card(BASE)
    assert c.headline == "Danmark ligger på 1. plads ud af 3 i UN E-Government Survey 2024, uændret siden 2022."
    assert overview.gap_sentence(c, 4, "da") == "Fører denne rangliste."
    c = da_card(BASE, "FIN")
    assert c.entity == "Finland" and c.value_text == "0,9600"
    gaps = overview.gap_sentence(c, 4, "da")
    assert gaps == "0,0200 efter førerlandet Danmark. 0,0100 efter Estland, nærmeste land foran."
    rows = [*BASE[:3], (2024, "DNK", "Denmark", 0.96, 2, True, "published"), BASE[4], BASE[5]]
    rows[4] = (2024, "EST", "Estonia", 0.99, 1, True, "published")
    c = da_card(rows)
    assert c.headline.endswith("ligger på 2. plads ud af 3 i UN E-Government Survey 2024, ned fra 1. plads i 2022.")
    assert overview.places(c.rank_change, "da") == "-1 plads" and overview.places(3, "da") == "+3 pladser"
    assert overview.gap_sentence(c, 4, "da") == "0,0300 efter førerlandet Estland, som også er nærmeste land foran."


def test_danish_ties_computed_ranks_and_missing_editions():
    rows = [
        *BASE[:3],
        (2024, "DNK", "Denmark", 0.97, 2, False, "published"),
        (2024, "EST", "Estonia", 0.97, 2, False, "published"),
        (2024, "FIN", "Finland", 0.99, 1, False, "published"),
    ]
    c = da_card(rows)
    assert c.headline.startswith(
        "Danmark ligger på en delt 2. plads ud af 3 (placeringen er beregnet ud fra de offentliggjorte scorer) i "
    )
    assert overview.gap_sentence(c, 4, "da").startswith("Deler placeringen med 1 andet land.")
    rows = [(2018, i, n, v, r, o, s) for _e, i, n, v, r, o, s in BASE[:3]] + BASE[3:]
    assert da_card(rows).headline.endswith("uændret siden 2018 (udgaverne 2020, 2022 er ikke indlæst).")
    rows = [*BASE[:3], (2024, "DNK", "Denmark", None, None, None, "not_assessed"), BASE[4], BASE[5]]
    assert da_card(rows).headline == "Danmark blev ikke vurderet i UN E-Government Survey 2024 (1. plads i 2022)."


def test_danish_title_where_the_publisher_has_one():
    rows = series(BASE)
    rows["source"] = "eu_egov_benchmark"
    rows["indicator"] = "overall"
    (c,) = overview.build_cards(rows, "DNK", "da")
    assert c.title == "Benchmark for e-forvaltning"
    (c,) = overview.build_cards(rows, "DNK", "en")
    assert c.title == "EU eGovernment Benchmark"


# --- Revisions (issue 15) ------------------------------------------------------------------------------------------
def revised(rows) -> pd.DataFrame:
    df = series(rows)
    df["revised_at"] = None
    df["was_value"] = None
    df["was_value_status"] = None
    df["was_decimals"] = None
    latest_dk = (df["edition"] == 2024) & (df["iso3"] == "DNK")
    df.loc[latest_dk, ["revised_at", "was_value", "was_value_status", "was_decimals"]] = [
        "2026-12-07T09:30:00Z",
        0.9712,
        "published",
        4,
    ]
    return df


def test_a_revised_latest_figure_puts_a_note_on_the_card_and_only_there():
    (dk,) = overview.build_cards(revised(BASE), "DNK")
    assert dk.revision == "revised by the publisher (stored December 7, 2026); previously 0.9712"
    (ee,) = overview.build_cards(revised(BASE), "EST")
    assert ee.revision is None
    (da,) = overview.build_cards(revised(BASE), "DNK", "da")
    assert da.revision == "revideret af udgiveren (gemt 7. december 2026); tidligere 0,9712"


def test_the_caption_names_each_revised_figure_with_old_and_new_value():
    caption = overview.revised_figures(revised(BASE), "en")
    assert caption == (
        "✎ Figures revised after they were first stored: Denmark, E-Government Development Index 2024: revised by "
        "the publisher (stored December 7, 2026); previously 0.9712 (now 0.9800)."
    )
    assert overview.revised_figures(series(BASE), "en") is None  # no marker columns: nothing revised


def test_the_trend_chart_hover_carries_the_note():
    from rankings import charts

    data = revised(BASE).assign(indicator_title="E-Government Development Index")
    fig = charts.trend(data, measure="value", focus="DNK", editions=[2022, 2024], notes=[], title="t")
    dk = next(trace for trace in fig.data if trace.name == "Denmark")
    notes = [row[2] for row in dk.customdata]
    assert notes == ["", "<br>✎ revised by the publisher (stored December 7, 2026); previously 0.9712"]
    assert "%{customdata[2]}" in dk.hovertemplate
