"""The country profile's tables and the groups a country belongs to."""

from __future__ import annotations

from rankings import profile


def test_memberships_name_the_groups_the_division_works_in() -> None:
    assert profile.memberships("DNK", "da") == [
        "Nordisk-baltiske lande (NB8)",
        "MR-DIGITAL (nordisk-baltisk med Færøerne, Grønland og Åland)",
        "EU's medlemslande",
        "OECD's medlemslande",
        "Digital Nations",
    ]
    assert "Digital Nations" in profile.memberships("URY", "en")
    faroes = profile.memberships("FRO", "en")
    assert faroes == ["MR-DIGITAL (Nordic-Baltic with the Faroe Islands, Greenland and Åland)"]
