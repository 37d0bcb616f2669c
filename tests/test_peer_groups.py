"""Peer groups: members as of a date and as of an edition of a source, the reviewed data, ranks within a group."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from rankings import countries, peer_groups
from rankings.errors import InputError


@pytest.fixture
def user_groups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary peer_groups.d folder; the group cache is cleared around the test."""
    folder = tmp_path / "peer_groups.d"
    folder.mkdir()
    monkeypatch.setattr(peer_groups, "USER_GROUPS_DIR", folder)
    peer_groups.groups.cache_clear()
    yield folder
    peer_groups.groups.cache_clear()


def cc_members(column: str) -> set[str]:
    table = countries.country_table()
    return set(table.loc[table[column].notna(), "ISO3"])


def test_nordic_baltic() -> None:
    assert peer_groups.members_on("nordic_baltic", date(2024, 1, 1)) == sorted(
        ["DNK", "FIN", "ISL", "NOR", "SWE", "EST", "LVA", "LTU"]
    )
    assert peer_groups.members("nordic_baltic", 2003, "un_egov") == peer_groups.members(
        "nordic_baltic", 2024, "un_egov"
    )


@pytest.mark.parametrize(
    ("when", "size", "with_", "without"),
    [
        (date(1995, 1, 1), 15, {"AUT", "FIN", "SWE", "GBR"}, {"EST"}),
        (date(2004, 4, 30), 15, {"GBR"}, {"EST", "POL"}),
        (date(2004, 5, 1), 25, {"EST", "LVA", "LTU", "POL"}, {"ROU"}),
        (date(2007, 1, 1), 27, {"ROU", "BGR"}, {"HRV"}),
        (date(2013, 6, 30), 27, {"GBR"}, {"HRV"}),
        (date(2013, 7, 1), 28, {"HRV", "GBR"}, set()),
        (date(2020, 1, 31), 28, {"GBR"}, set()),
        (date(2020, 2, 1), 27, {"HRV"}, {"GBR"}),
    ],
)
def test_eu_accessions_and_exit(when: date, size: int, with_: set[str], without: set[str]) -> None:
    members = set(peer_groups.members_on("eu", when))
    assert len(members) == size
    assert with_ <= members
    assert not without & members


def test_eu_agrees_with_country_converter() -> None:
    assert set(peer_groups.members_on("eu", date(2019, 12, 31))) == cc_members("EU28")
    assert set(peer_groups.members_on("eu", date(2024, 12, 31))) == cc_members("EU27")
    assert set(peer_groups.members_on("eu", date(2005, 12, 31))) == cc_members("EU25")
    assert set(peer_groups.members_on("eu", date(2000, 12, 31))) == cc_members("EU15")


def test_oecd_accession_years_agree_with_country_converter() -> None:
    table = countries.country_table()
    cc = {iso3: int(year) for iso3, year in zip(table["ISO3"], table["OECD"], strict=True) if pd.notna(year)}
    ours = {m.iso3: m.start.year for m in peer_groups.group("oecd").memberships if m.start}
    assert ours == cc


def test_oecd_recent_members() -> None:
    assert "COL" not in peer_groups.members_on("oecd", date(2019, 12, 31))
    assert "COL" in peer_groups.members_on("oecd", date(2020, 12, 31))
    assert "CRI" not in peer_groups.members_on("oecd", date(2020, 12, 31))
    assert len(peer_groups.members_on("oecd", date(2022, 12, 31))) == 38
    assert len(peer_groups.members_on("oecd", date(2019, 12, 31))) == 36


def test_membership_date_rules() -> None:
    # The DGI 2023 refers to 2022 (reviewed mapping in the indicator metadata): members as of 2022-12-31.
    assert peer_groups.reference_period_of("oecd_dgi", 2023) == "2022"
    assert peer_groups.membership_date("oecd_dgi", 2023) == date(2022, 12, 31)
    assert "CRI" in peer_groups.members("oecd", 2023, "oecd_dgi")
    # Sources without a mapping: the edition year is the reference period.
    assert peer_groups.membership_date("un_egov", 2020) == date(2020, 12, 31)
    assert "GBR" not in peer_groups.members("eu", 2020, "un_egov")
    assert "GBR" in peer_groups.members("eu", 2018, "un_egov")
    # An observation's own reference period wins over the derived one.
    assert peer_groups.membership_date("eu_egov_benchmark", 2023, "2021-2022") == date(2022, 12, 31)
    # The eGovernment Benchmark's biennial periods are written "Y1+Y2".
    assert peer_groups.membership_date("eu_egov_benchmark", 2023, "2021+2022") == date(2022, 12, 31)
    assert peer_groups.membership_date("x", 2024, "2023-06") == date(2023, 6, 30)
    assert peer_groups.membership_date("x", 2024, "2023-03-15") == date(2023, 3, 15)


def test_unknown_group_and_period_are_clear_errors() -> None:
    with pytest.raises(InputError, match=r"unknown peer group 'nordics'; known groups: .*nordic_baltic"):
        peer_groups.members("nordics", 2024, "un_egov")
    with pytest.raises(InputError, match="reference period 'spring' has no end date"):
        peer_groups.period_end("spring")


def obs(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=["source", "edition", "reference_period", "iso3", "indicator", "value", "value_status", "decimals"],
    )


def test_rank_within_members_only_as_of_each_edition() -> None:
    df = obs(
        [
            ("un_egov", 2018, "2018", "GBR", "egdi", 0.90, "published", 4),
            ("un_egov", 2018, "2018", "DNK", "egdi", 0.92, "published", 4),
            ("un_egov", 2018, "2018", "NOR", "egdi", 0.95, "published", 4),
            ("un_egov", 2020, "2020", "GBR", "egdi", 0.99, "published", 4),
            ("un_egov", 2020, "2020", "DNK", "egdi", 0.97, "published", 4),
            ("un_egov", 2020, "2020", "FIN", "egdi", None, "not_assessed", None),
        ]
    )
    ranked = peer_groups.rank_within(df, "eu")
    got = {(r.edition, r.iso3): (r.peer_rank, r.peer_count) for r in ranked.itertuples()}
    # Norway is not in the EU; the UK is a member as of 2018, not as of 2020.
    assert got == {(2018, "GBR"): (2, 2), (2018, "DNK"): (1, 2), (2020, "DNK"): (1, 1), (2020, "FIN"): (pd.NA, pd.NA)}
    assert ranked.loc[ranked["peer_rank"].notna(), "peer_rank_official"].eq(False).all()
    assert ranked["rank_note"].str.contains("computed by this tool").sum() == 3
    assert set(ranked["as_of"]) == {date(2018, 12, 31), date(2020, 12, 31)}


def test_rank_within_says_when_rounded_values_tie() -> None:
    df = obs(
        [
            ("oecd_dgi", 2023, "2022", "DNK", "dgi", 0.74, "published", 2),
            ("oecd_dgi", 2023, "2022", "EST", "dgi", 0.74, "published", 2),
            ("oecd_dgi", 2023, "2022", "NOR", "dgi", 0.77, "published", 2),
        ]
    )
    ranked = peer_groups.rank_within(df, "nordic_baltic").set_index("iso3")
    assert ranked["peer_rank"].to_dict() == {"DNK": 2, "EST": 2, "NOR": 1}
    assert ranked.loc["DNK", "peer_tied"]
    assert "tied: the published values are rounded to 2 decimals" in ranked.loc["DNK", "rank_note"]
    assert "tied" not in ranked.loc["NOR", "rank_note"]


def test_rank_within_lower_is_better() -> None:
    df = obs(
        [
            ("x", 2024, "2024", "DNK", "cost", 3.0, "published", 0),
            ("x", 2024, "2024", "SWE", "cost", 5.0, "published", 0),
        ]
    )
    ranked = peer_groups.rank_within(df, "nordic_baltic", higher_is_better=False).set_index("iso3")
    assert ranked["peer_rank"].to_dict() == {"DNK": 1, "SWE": 2}


def test_user_defined_group(user_groups: Path) -> None:
    (user_groups / "mine.yaml").write_text(
        "groups:\n"
        "  digital_nine:\n"
        "    title: Digital Nine (example)\n"
        "    members:\n"
        "      DNK: {from: 2016-01-01}\n"
        "      EST: {from: 2014-01-01}\n"
        "      GBR: {from: 2014-01-01, until: 2019-12-31}\n",
        encoding="utf-8",
    )
    assert peer_groups.members_on("digital_nine", date(2015, 6, 1)) == ["EST", "GBR"]
    assert peer_groups.members_on("digital_nine", date(2020, 6, 1)) == ["DNK", "EST"]
    assert "eu" in peer_groups.groups()  # the reviewed groups are still there


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("groups:\n  eu:\n    title: x\n    members: [DNK]\n", "group 'eu' is already defined in peer_groups.yaml"),
        ("groups:\n  g:\n    members: [DNK, XYZ]\n", "group 'g': 'XYZ' is not an ISO3 country code"),
        ("groups:\n  g:\n    members:\n      DNK: {from: 2020}\n", "2020 is a year; write the date"),
        ("groups:\n  g:\n    members:\n      DNK: {from: 2020-13-01}\n", "impossible date"),
        ("groups:\n  g:\n    members:\n      DNK: {from: 2020-01-01, until: 2019-01-01}\n", "is before `from`"),
        ("groups:\n  g:\n    members:\n      DNK: {from: 1st May}\n", "is not a date"),
        ("groups:\n  Big Group:\n    members: [DNK]\n", "must be lower case"),
        ("groups: [\n", "is not valid YAML"),
        ("membership_date:\n  default: end_of_edition_year\n", "membership dates are set in peer_groups.yaml only"),
    ],
)
def test_user_group_errors(user_groups: Path, text: str, message: str) -> None:
    (user_groups / "bad.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        peer_groups.groups()
    assert "bad.yaml" in info.value.message


@pytest.mark.parametrize(
    ("when", "members"),
    [
        (date(2014, 12, 8), set()),
        (date(2014, 12, 9), {"EST", "ISR", "NZL", "KOR", "GBR"}),
        (date(2018, 1, 31), {"EST", "ISR", "NZL", "KOR", "GBR"}),
        (date(2018, 2, 1), {"EST", "ISR", "NZL", "KOR", "GBR", "CAN", "URY"}),
        (date(2018, 11, 1), {"EST", "ISR", "NZL", "KOR", "GBR", "CAN", "URY", "MEX", "PRT"}),
        (date(2019, 12, 31), {"EST", "ISR", "NZL", "KOR", "GBR", "CAN", "URY", "MEX", "PRT", "DNK"}),
    ],
)
def test_digital_nations_membership_over_time(when: date, members: set[str]) -> None:
    assert set(peer_groups.members_on("digital_nations", when)) == members


def test_digital_nations_and_mr_digital_are_reviewed_with_their_sources_and_danish_titles() -> None:
    dn, mr = peer_groups.group("digital_nations"), peer_groups.group("mr_digital")
    assert "digital.govt.nz" in dn.note and "canada.ca" in dn.note
    assert mr.title_da and "Færøerne" in mr.title_in("da")
    assert set(mr.members_on(date(2024, 1, 1))) == {
        "DNK", "FIN", "ISL", "NOR", "SWE", "EST", "LVA", "LTU", "FRO", "GRL", "ALA",
    }  # fmt: skip
