"""The interface's two languages: the message catalogue and numbers, dates, places and country names per language.

Messages sit in one reviewed catalogue, ``rankings/reference/messages.yaml`` (key -> ``en`` and ``da`` text, with
``{name}`` parameters filled by :meth:`str.format`); ``tests/test_i18n.py`` fails when a message lacks its Danish
text or when the code asks for a key the catalogue does not hold. Everything that depends on the language beyond
words comes from Babel's copy of the Unicode CLDR locale data, not from tables of our own:

- numbers: decimal and grouping symbols (``0.9717`` / ``0,9717``; ``42,237`` / ``42.237``) and the plus and minus
  signs (CLDR's minus sign for English and Danish is the ASCII hyphen-minus);
- dates: CLDR's date patterns (``March 5, 2024`` / ``5. marts 2024``);
- places: CLDR's ordinal plural rules choose the catalogue's pattern: English ``1st 2nd 3rd 4th``; Danish has one
  ordinal category, written as the numeral with a full stop (``3. plads``). CLDR's spelled-out ordinals (RBNF) are
  not in Babel, and the interface writes numerals anyway;
- country names: CLDR's territory names (``Danmark``, ``Estland``, ``Færøerne``); in English the app keeps the
  names it has always shown (country_converter's short names), so English links and downloads do not change.

The default language is configuration: ``language`` in ``config/app.yaml`` (or the file named by
``RANKINGS_APP_CONFIG``); the environment variable ``RANKINGS_LANGUAGE`` overrides it for one process. The file
ships with Danish, since the agency works in Danish; without a file the default is English.
"""

from __future__ import annotations

import datetime
import math
import os
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from rankings.metadata import load_reference

LANGUAGES: tuple[str, ...] = ("en", "da")
FALLBACK_LANGUAGE = "en"
CATALOGUE = Path(__file__).parent / "reference" / "messages.yaml"
DEFAULT_APP_CONFIG = Path(__file__).resolve().parents[1] / "config" / "app.yaml"
MISSING = "–"  # an en dash for a value that is not there, in both languages
REVISED = "✎"  # beside a figure the publisher revised after it was first stored


class LanguageError(ValueError):
    """A language code the interface does not offer, or a broken language setting."""


def app_config_path() -> Path:
    return Path(os.environ.get("RANKINGS_APP_CONFIG", DEFAULT_APP_CONFIG))


def default_language() -> str:
    """The configured language: ``RANKINGS_LANGUAGE``, else ``language`` in config/app.yaml, else English."""
    env = os.environ.get("RANKINGS_LANGUAGE")
    if env:
        if env not in LANGUAGES:
            raise LanguageError(f"RANKINGS_LANGUAGE={env!r} is not one of {', '.join(LANGUAGES)}")
        return env
    path = app_config_path()
    if not path.exists():
        return FALLBACK_LANGUAGE
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LanguageError(f"{path}: cannot be read as YAML ({exc})") from None
    value = raw.get("language", FALLBACK_LANGUAGE) if isinstance(raw, dict) else None
    if value not in LANGUAGES:
        raise LanguageError(f"{path}: language must be one of {', '.join(LANGUAGES)}, not {value!r}")
    return str(value)


def check(lang: str) -> str:
    """``lang`` itself when the interface offers it; else :class:`LanguageError`."""
    if lang not in LANGUAGES:
        raise LanguageError(f"{lang!r} is not a language of the interface ({', '.join(LANGUAGES)})")
    return lang


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """The reviewed messages: key -> {language: text}."""
    raw: Any = load_reference(CATALOGUE) or {}
    return {str(k): {str(lang): str(text) for lang, text in (v or {}).items()} for k, v in raw.items()}


def t(key: str, lang: str, /, **params: object) -> str:
    """The message ``key`` in ``lang``, with ``params`` filled in; KeyError for a key the catalogue lacks."""
    try:
        text = catalogue()[key][check(lang)]
    except KeyError:
        raise KeyError(f"message {key!r} has no {lang!r} text in {CATALOGUE.name}") from None
    return text.format(**params) if params else text


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "NaT")


def _decimal(value: float, decimals: int) -> Decimal:
    # Rounded as Python prints a float (the digits the app has always shown), then laid out by Babel.
    d = Decimal(f"{float(value):.{decimals}f}")
    return abs(d) if d == 0 else d  # no "-0.00"


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def number(value: float | None, lang: str, decimals: int) -> str:
    """``value`` with ``decimals`` places in the language's number format; "–" when missing."""
    from babel.numbers import format_decimal

    if _missing(value):
        return MISSING
    assert value is not None
    return format_decimal(_decimal(value, decimals), format=_pattern(decimals), locale=check(lang))


def join(items: list[str], lang: str) -> str:
    """``items`` as a list in the language's words (``A, B and C`` / ``A, B og C``)."""
    from babel.lists import format_list

    return format_list(list(items), locale=check(lang)) if items else ""


def integer(n: int, lang: str) -> str:
    """A count with the language's grouping (``42,237`` / ``42.237``). Not for years: those are printed as is."""
    from babel.numbers import format_decimal

    return format_decimal(int(n), format="#,##0", locale=check(lang))


def signed(value: float | None, lang: str, decimals: int) -> str:
    """A change with its sign (``+0.0123`` / ``-0,0123``); zero carries no sign; "–" when missing."""
    from babel.numbers import get_minus_sign_symbol, get_plus_sign_symbol

    if _missing(value):
        return MISSING
    assert value is not None
    d = _decimal(value, decimals)
    text = number(float(abs(d)), lang, decimals)
    if d > 0:
        return get_plus_sign_symbol(lang) + text
    if d < 0:
        return get_minus_sign_symbol(lang) + text
    return text


def percent(share: float, lang: str) -> str:
    """A share as a whole percentage in the language's format (``7%`` / ``7 %``)."""
    from babel.numbers import format_percent

    return format_percent(share, locale=check(lang))  # the locale's own pattern (Danish: a space before %)


def plain(value: object, lang: str) -> str:
    """A number in a table, with the digits it has (no rounding): ``0.9717`` / ``0,9717``; "–" when missing."""
    from babel.numbers import format_decimal

    if _missing(value) or value is None:
        return MISSING
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return format_decimal(int(value), format="#,##0", locale=check(lang))
    try:
        d = Decimal(f"{float(value):.12g}")  # type: ignore[arg-type]  # twelve digits: no binary noise (0.1 + 0.2)
    except (TypeError, ValueError):
        return str(value)
    places = max(0, -d.as_tuple().exponent)  # type: ignore[operator]
    return format_decimal(d, format=_pattern(places), locale=check(lang))


def column(name: str, lang: str) -> str:
    """A table's column name in ``lang`` where the catalogue has it (``column.<name>``), else as it is."""
    key = f"column.{name}"
    return t(key, lang) if key in catalogue() else name


# Danish alphabetical order puts Æ, Ø and Å after Z (and aa with å); other accented letters sort with their base.
_DANISH_LAST = {"æ": "{", "ø": "|", "å": "}"}  # the characters after "z"


def sort_key(text: str, lang: str) -> str:
    """A key that orders names as the language's alphabet does (CLDR's collation is not in Babel)."""
    import unicodedata

    folded = text.casefold()
    if lang == "da":
        folded = "".join(_DANISH_LAST.get(c, c) for c in folded)
    return "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))


def date(d: datetime.date, lang: str, format: str = "long") -> str:
    """A date in the language's CLDR pattern (``format``: short, medium, long, full or a Babel pattern)."""
    from babel.dates import format_date

    return format_date(d, format=format, locale=check(lang))


@cache
def _locale(lang: str) -> Any:
    from babel import Locale

    return Locale.parse(lang)


@cache
def _iso2() -> dict[str, str]:
    from rankings.countries import country_table

    df = country_table()
    # A few ISO2 cells are alternatives (United Kingdom: ``^GB$|^UK$``): the first is the ISO code.
    return {
        iso3: "".join(c for c in iso2.split("|")[0] if c.isalnum()).upper()
        for iso3, iso2 in zip(df["ISO3"], df["ISO2"], strict=True)
        if isinstance(iso2, str)
    }


def country(iso3: str, lang: str) -> str:
    """A country's name: CLDR's territory name in Danish, the app's usual (country_converter) name in English."""
    from rankings.countries import display_name

    if check(lang) == "en":
        return display_name(iso3)
    iso2 = _iso2().get(iso3)
    name = _locale(lang).territories.get(iso2) if iso2 else None
    return str(name) if name else display_name(iso3)


def ordinal(n: int, lang: str) -> str:
    """The bare ordinal numeral: ``1st`` / ``1.``, by CLDR's ordinal plural rule of the language."""
    category = _locale(check(lang)).ordinal_form(int(n))
    return t(f"ordinal.{category}", lang, n=integer(n, lang))


def place(rank: int, lang: str, tied: bool = False) -> str:
    """A place in a ranking: ``1st`` / ``tied 3rd``; ``1. plads`` / ``delt 3. plads``."""
    text = t("place", lang, ordinal=ordinal(rank, lang))
    return t("place.tied", lang, place=text) if tied else text
