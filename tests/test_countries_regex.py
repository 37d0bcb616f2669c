"""The country-name matching by country_converter's regular expressions gives what country_converter gives."""

from __future__ import annotations

import csv
import logging

import country_converter
import pytest

from conftest import REALDATA
from rankings import countries

NOT_FOUND = "\x00not found"
TRICKY = [
    "Congo", "Democratic Republic of the Congo", "Congo (Democratic Republic of the)", "Korea", "Republic of Korea",
    "Korea (Democratic People's Republic of)", "Niger", "Nigeria", "Guinea", "Equatorial Guinea", "Guinea-Bissau",
    "Dominica", "Dominican Republic", "Sudan", "South Sudan", "Asia excluding China", "China without Hong Kong",
    "Virgin Islands", "Samoa", "American Samoa", "Northern Ireland", "Ireland", "Micronesia (Federated States of)",
    "Türkiye", "Côte d'Ivoire", "Cote d'Ivoire", "Kosovo", "Czechia", "Czech Republic", "Viet Nam", "Lao PDR",
    "Bolivia (Plurinational State of)", "Iran (Islamic Republic of)", "United Republic of Tanzania", "Eswatini",
    "Swaziland", "Holy See", "State of Palestine", "Atlantis", "", "EU27", "OECD average", "Georgia", "Jersey",
]  # fmt: skip


def names() -> list[str]:
    table = countries.country_table()
    found = [*table["name_short"], *table["name_official"], *TRICKY]
    if REALDATA.is_dir():
        for path in sorted((REALDATA / "un-egov").glob("*.csv")):
            with path.open(encoding="utf-8-sig", newline="") as fh:
                found += [row["Country Name"] for row in csv.DictReader(fh)]
    return sorted({countries.clean_name(n) for n in found if isinstance(n, str)})


@pytest.fixture(scope="module")
def converter() -> country_converter.CountryConverter:
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return country_converter.CountryConverter(country_data=countries.country_table())


def test_regex_matching_agrees_with_country_converter(converter):
    disagree = {}
    for name in names():
        theirs = converter.convert(name, src="regex", to="ISO3", not_found=NOT_FOUND)
        expected = theirs if isinstance(theirs, str) and theirs != NOT_FOUND else None  # a list: ambiguous
        mine = countries._regex_match(name)
        if mine != expected:
            disagree[name] = (mine, theirs)
    assert not disagree
