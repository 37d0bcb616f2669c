"""Country harmonisation: the library plus reviewed overrides; unknown names fail loudly."""

from __future__ import annotations

import pytest
import yaml

from rankings import countries
from rankings.errors import InputError


def test_namibia_code_na_survives_pandas_3():
    table = countries.country_table()
    assert table.loc[table["ISO3"] == "NAM", "ISO2"].item() == "NA"
    assert countries.harmonise(["Namibia"], "test", "f")["Namibia"].iso3 == "NAM"
    assert countries.harmonise(["NA"], "test", "f", codes="ISO2")["NA"].iso3 == "NAM"


def test_kosovo_is_xkx():
    assert countries.harmonise(["Kosovo"], "test", "f")["Kosovo"].iso3 == "XKX"


def test_names_are_cleaned_before_matching():
    found = countries.harmonise(["  Denmark  ", "Den\u00admark"[:0] + "Denmark\n"], "test", "f")
    assert {e.iso3 for e in found.values()} == {"DNK"}


def test_canonical_display_names():
    assert countries.display_name("KOR") == "South Korea"
    assert countries.display_name("DNK") == "Denmark"


def test_unknown_names_fail_and_are_all_listed():
    with pytest.raises(InputError) as err:
        countries.harmonise(["Denmark", "Atlantis", "Serbia and Montenegro", "Korea"], "un_egov", "x.csv")
    message = err.value.message
    assert message.startswith("x.csv: 2 country names cannot be matched")
    assert "'Atlantis'" in message and "'Serbia and Montenegro'" in message
    assert "rankings/reference/countries/un_egov.yaml" in message


def test_codes_are_looked_up_exactly_never_by_pattern():
    assert countries.harmonise(["DNK"], "test", "f", codes="ISO3")["DNK"].iso3 == "DNK"
    with pytest.raises(InputError, match="ISO3 codes cannot be matched"):
        countries.harmonise(["DENMARK"], "test", "f", codes="ISO3")


def test_overrides_and_aggregates_from_reviewed_files(tmp_path, monkeypatch):
    (tmp_path / "mysource.yaml").write_text(
        yaml.safe_dump({"countries": {"Danmark": "DNK"}, "aggregates": {"EU27_AVG": "EU27 average"}})
    )
    monkeypatch.setattr(countries, "REFERENCE_DIR", tmp_path)
    countries.overrides.cache_clear()
    try:
        found = countries.harmonise(["Danmark", "EU27_AVG"], "mysource", "f")
    finally:
        countries.overrides.cache_clear()
    assert found["Danmark"].iso3 == "DNK" and found["Danmark"].entity == "Denmark"
    assert found["EU27_AVG"].is_aggregate and found["EU27_AVG"].entity == "EU27 average"


def test_every_override_file_is_valid():
    for path in countries.REFERENCE_DIR.glob("*.yaml"):
        ov = countries.overrides(path.stem)
        for spelling, iso3 in ov.countries.items():
            assert countries.is_iso3(iso3), f"{path.name}: {spelling} -> {iso3}"
        assert not set(ov.countries) & set(ov.aggregates), path.name
