"""Numbers, dates, places and country names per language, and the message catalogue's completeness."""

from __future__ import annotations

import datetime
import re
import string
from pathlib import Path

import pytest

from rankings import i18n

ROOT = Path(__file__).resolve().parents[1]
# A literal key passed to t(...) / i18n.t(...) / _(...) anywhere in the app's code.
KEY_USE = re.compile(r"""(?<![\w.])(?:i18n\.)?t\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)*)["']""")


def _sources() -> list[Path]:
    return [*sorted((ROOT / "rankings").rglob("*.py")), *sorted((ROOT / "pages").glob("*.py")), ROOT / "dashboard.py"]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_english_and_danish_text_with_the_same_parameters():
    problems = []
    for key, texts in i18n.catalogue().items():
        for lang in i18n.LANGUAGES:
            if not texts.get(lang, "").strip():
                problems.append(f"{key}: no {lang} text")
        if set(texts) - set(i18n.LANGUAGES):
            problems.append(f"{key}: unknown languages {sorted(set(texts) - set(i18n.LANGUAGES))}")
        if all(texts.get(lang) for lang in i18n.LANGUAGES):
            fields = {lang: _fields(texts[lang]) for lang in i18n.LANGUAGES}
            if fields["en"] != fields["da"]:
                problems.append(f"{key}: parameters differ {fields}")
    assert not problems, "\n".join(problems)


def test_every_key_the_code_uses_is_in_the_catalogue():
    used = {(path.relative_to(ROOT), key) for path in _sources() for key in KEY_USE.findall(path.read_text("utf-8"))}
    assert len(used) >= 2  # the scanner finds the keys at all
    missing = sorted(f"{path}: {key}" for path, key in used if key not in i18n.catalogue())
    assert not missing, "keys used in the code but missing from messages.yaml:\n" + "\n".join(missing)


def test_unknown_key_and_unknown_language_are_errors():
    with pytest.raises(KeyError, match=r"no\.such\.key"):
        i18n.t("no.such.key", "en")
    with pytest.raises(i18n.LanguageError):
        i18n.t("language.label", "de")
    with pytest.raises(i18n.LanguageError):
        i18n.number(1.0, "sv", 2)


def test_parameters_are_filled_in():
    assert i18n.t("place.tied", "en", place="3rd") == "tied 3rd"
    assert i18n.t("place.tied", "da", place="3. plads") == "delt 3. plads"


@pytest.mark.parametrize(
    ("value", "decimals", "en", "da"),
    [
        (0.9717, 4, "0.9717", "0,9717"),
        (0.97174, 4, "0.9717", "0,9717"),
        (1234.5, 2, "1,234.50", "1.234,50"),
        (72.0, 1, "72.0", "72,0"),
        (3.0, 0, "3", "3"),
        (-0.25, 2, "-0.25", "-0,25"),
        (-0.00001, 4, "0.0000", "0,0000"),  # never "-0.0000"
        (None, 2, "–", "–"),
        (float("nan"), 2, "–", "–"),
    ],
)
def test_number(value, decimals, en, da):
    assert i18n.number(value, "en", decimals) == en
    assert i18n.number(value, "da", decimals) == da


def test_number_rounds_as_the_app_always_has():
    # Python's float formatting, not Decimal half-even on the printed value: 0.165 is 0.16500000000000000777.
    assert i18n.number(0.165, "en", 2) == f"{0.165:.2f}" == "0.17"
    assert i18n.number(2.675, "da", 2) == "2,67"  # 2.67499999... in binary


def test_integer():
    assert i18n.integer(42237, "en") == "42,237"
    assert i18n.integer(42237, "da") == "42.237"
    assert i18n.integer(193, "da") == "193"


def test_signed():
    assert i18n.signed(0.0123, "en", 4) == "+0.0123"
    assert i18n.signed(-0.0123, "en", 4) == "-0.0123"
    assert i18n.signed(-0.0123, "da", 4) == "-0,0123"
    assert i18n.signed(1234.5, "da", 1) == "+1.234,5"
    assert i18n.signed(0.0, "da", 2) == "0,00"
    assert i18n.signed(0.00001, "en", 2) == "0.00"
    assert i18n.signed(None, "da", 2) == "–"


def test_date():
    d = datetime.date(2024, 3, 5)
    assert i18n.date(d, "en") == "March 5, 2024"
    assert i18n.date(d, "da") == "5. marts 2024"
    assert i18n.date(d, "da", "short") == "05.03.2024"
    assert i18n.date(d, "da", "full") == "tirsdag den 5. marts 2024"


@pytest.mark.parametrize(
    ("iso3", "en", "da"),
    [
        ("DNK", "Denmark", "Danmark"),
        ("EST", "Estonia", "Estland"),
        ("FRO", "Faroe Islands", "Færøerne"),
        ("GRL", "Greenland", "Grønland"),
        ("ALA", "Åland Islands", "Åland"),
        ("GBR", "United Kingdom", "Storbritannien"),  # ISO2 cell "^GB$|^UK$" in country_converter's table
        ("KOR", "South Korea", "Sydkorea"),
        ("NLD", "Netherlands", "Nederlandene"),
        ("NAM", "Namibia", "Namibia"),  # ISO2 "NA", which must stay a code
    ],
)
def test_country(iso3, en, da):
    assert i18n.country(iso3, "en") == en
    assert i18n.country(iso3, "da") == da


def test_every_country_has_a_danish_name():
    from rankings.countries import country_table

    for iso3 in country_table()["ISO3"]:
        assert i18n.country(iso3, "da").strip()


@pytest.mark.parametrize(
    ("rank", "en", "da"),
    [
        (1, "1st", "1. plads"),
        (2, "2nd", "2. plads"),
        (3, "3rd", "3. plads"),
        (4, "4th", "4. plads"),
        (11, "11th", "11. plads"),
        (12, "12th", "12. plads"),
        (13, "13th", "13. plads"),
        (21, "21st", "21. plads"),
        (22, "22nd", "22. plads"),
        (23, "23rd", "23. plads"),
        (101, "101st", "101. plads"),
        (111, "111th", "111. plads"),
    ],
)
def test_place(rank, en, da):
    assert i18n.place(rank, "en") == en
    assert i18n.place(rank, "da") == da


def test_tied_place_and_bare_ordinal():
    assert i18n.place(3, "en", tied=True) == "tied 3rd"
    assert i18n.place(3, "da", tied=True) == "delt 3. plads"
    assert i18n.ordinal(22, "en") == "22nd"
    assert i18n.ordinal(22, "da") == "22."


def test_default_language_from_configuration(tmp_path, monkeypatch):
    monkeypatch.delenv("RANKINGS_LANGUAGE", raising=False)
    config = tmp_path / "app.yaml"
    monkeypatch.setenv("RANKINGS_APP_CONFIG", str(config))
    assert i18n.default_language() == "en"  # no file
    config.write_text("language: da\n", encoding="utf-8")
    assert i18n.default_language() == "da"
    monkeypatch.setenv("RANKINGS_LANGUAGE", "en")
    assert i18n.default_language() == "en"
    monkeypatch.delenv("RANKINGS_LANGUAGE")
    config.write_text("language: de\n", encoding="utf-8")
    with pytest.raises(i18n.LanguageError, match=r"app\.yaml: language must be one of en, da"):
        i18n.default_language()
    monkeypatch.setenv("RANKINGS_LANGUAGE", "fr")
    with pytest.raises(i18n.LanguageError, match="RANKINGS_LANGUAGE"):
        i18n.default_language()


def test_the_shipped_configuration_is_danish(monkeypatch):
    monkeypatch.delenv("RANKINGS_LANGUAGE", raising=False)
    monkeypatch.delenv("RANKINGS_APP_CONFIG", raising=False)
    assert i18n.default_language() == "da"


def test_every_survey_rule_has_a_title_in_the_catalogue():
    from rankings.survey.rules import RULES

    for rule in RULES.values():
        assert i18n.t(f"survey.rule.{rule.id}", "en") == rule.title
        assert i18n.t(f"survey.rule.{rule.id}", "da")


def test_every_peer_group_and_methodology_note_has_danish_text():
    from rankings import metadata, peer_groups

    assert all(g.title_da for g in peer_groups.groups().values()), "add title_da to the peer group"
    notes = [(i.id, m.edition) for i in metadata.indicators().values() for m in i.methodology if not m.note_da]
    assert not notes, f"methodology notes without note_da: {notes}"
    for source in metadata.sources().values():
        assert source.ranked_among_da and source.reference_period_note_da, source.id


def test_percent():
    assert i18n.percent(0.07, "en") == "7%"
    assert i18n.percent(0.07, "da") == "7\xa0%"
