"""Country harmonisation: every publisher spelling to ISO 3166-1 alpha-3 and one canonical display name.

The matching itself is country_converter's (its regular expressions cover the UN, World Bank, EU and OECD
spellings); what this module adds is reviewed data kept in git, per source, in
``rankings/reference/countries/<source>.yaml``:

- ``countries``: publisher spelling -> ISO3, for spellings the library does not know or gets wrong;
- ``aggregates``: publisher label -> display label, for rows that are not countries (``EU27``, ``OECD``).

A name that neither the overrides nor the library can place fails the whole file, and the message lists every
such name. Nothing is dropped silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import pandas as pd

from rankings.errors import InputError
from rankings.metadata import load_reference

REFERENCE_DIR = Path(__file__).parent / "reference" / "countries"


@dataclass(frozen=True)
class Entity:
    """Where one publisher spelling lands: a country (iso3 set) or an aggregate (iso3 None)."""

    iso3: str | None
    entity: str

    @property
    def is_aggregate(self) -> bool:
        return self.iso3 is None


def clean_name(name: object) -> str:
    """Trim, fold runs of white space and normalise Unicode, so ``"Denmark "`` and ``"Denmark"`` are one name."""
    return _clean_text(name if type(name) is str else str(name))


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def _clean_text(text: str) -> str:
    # Readers clean every name and label cell, and a file repeats the same few hundred: cached by the text.
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


@cache
def country_table() -> pd.DataFrame:
    """country_converter's own data, read so that Namibia's ISO2 code ``NA`` stays a code.

    country_converter 1.3.2 reads its table with pandas' default missing-value markers, which under pandas 3
    turn ``NA`` into a missing value and make ``CountryConverter()`` fail. We read the same file without the
    default markers and hand the frame to the library.
    """
    path = _library_folder() / "country_data.tsv"
    df = pd.read_csv(path, sep="\t", encoding="utf-8", dtype=str, keep_default_na=False, na_values=[""])
    for col in ("ISOnumeric", "UNcode", "FAOcode", "GBDcode", "EURO", "UN", "UNmember", "obsolete", "GEOnumeric"):
        if col in df.columns:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
    return df


def _library_folder() -> Path:
    """country_converter's installed folder, found without importing it (its import costs more than the read)."""
    import importlib.util

    spec = importlib.util.find_spec("country_converter")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("country_converter is not installed (see requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def _by_iso3() -> dict[str, str]:
    df = country_table()
    return dict(zip(df["ISO3"], df["name_short"], strict=True))


@cache
def _by_iso2() -> dict[str, str]:
    df = country_table()
    return dict(zip(df["ISO2"], df["ISO3"], strict=True))


@cache
def _exact_names() -> dict[str, str]:
    """Short and official names, case-folded: a fast exact path before the library's regular expressions."""
    df = country_table()
    out: dict[str, str] = {}
    for col in ("name_short", "name_official"):
        for name, iso3 in zip(df[col], df["ISO3"], strict=True):
            out[clean_name(name).casefold()] = iso3
    return out


def display_name(iso3: str) -> str:
    """The canonical short name of a country (country_converter's ``name_short``)."""
    try:
        return _by_iso3()[iso3]
    except KeyError:
        raise KeyError(f"{iso3!r} is not an ISO3 code that country_converter knows") from None


def is_iso3(code: str) -> bool:
    return code in _by_iso3()


@dataclass(frozen=True)
class Overrides:
    source: str
    countries: dict[str, str]
    aggregates: dict[str, str]
    path: Path | None


@cache
def overrides(source: str) -> Overrides:
    """The reviewed override file of ``source`` (empty when the source needs none)."""
    path = REFERENCE_DIR / f"{source}.yaml"
    if not path.exists():
        return Overrides(source, {}, {}, None)
    raw = load_reference(path) or {}
    countries = {clean_name(k).casefold(): str(v) for k, v in (raw.get("countries") or {}).items()}
    aggregates = {clean_name(k).casefold(): str(v) for k, v in (raw.get("aggregates") or {}).items()}
    for iso3 in countries.values():
        if not is_iso3(iso3):
            raise ValueError(f"{path}: {iso3!r} is not an ISO3 code")
    return Overrides(source, countries, aggregates, path)


@cache
def _regexes() -> list[tuple[re.Pattern[str], str]]:
    """country_converter's regular expressions and the ISO3 code of each, from its table as ``CountryConverter``
    keeps it (no obsolete entries; of duplicated names or expressions the last).

    Matching them here gives what ``CountryConverter().convert(name, src="regex", to="ISO3")`` gives (a test
    compares the two on every name of the table and on the publishers' spellings), without building a converter:
    that took half a second of every ingest that reads a file with country names.
    """
    df = country_table()
    df = df[df["obsolete"].isna()]
    for column in ("name_short", "name_official", "regex"):
        df = df.drop_duplicates(subset=[column], keep="last")
    return [(re.compile(rx, re.IGNORECASE), str(iso3)) for rx, iso3 in zip(df["regex"], df["ISO3"], strict=True)]


# country_converter reads what follows these words as exclusions ("Asia excluding China" is Asia).
_EXCLUDE = re.compile(r"excl\w.*|without|w/o")


def _regex_match(name: str) -> str | None:
    """The ISO3 code of the one regular expression that matches ``name``; None for none or several (ambiguous)."""
    spec = _EXCLUDE.split(name)[0]
    found = [iso3 for rx, iso3 in _regexes() if rx.search(spec)]
    if len(found) != 1:
        return None
    return "".join(c for c in found[0].split("|")[0] if c.isalnum()).upper()


@lru_cache(maxsize=4096)
def _match_name(name: str) -> str | None:
    # Cached by name: the files of one publisher repeat the spellings that need the regular expressions.
    key = name.casefold()
    if key in _exact_names():
        return _exact_names()[key]
    found = _regex_match(name)
    return found if found is not None and is_iso3(found) else None


def harmonise(names: Iterable[object], source: str, file: str | Path, *, codes: str | None = None) -> dict[str, Entity]:
    """Map each distinct publisher spelling in ``names`` to an :class:`Entity`.

    ``codes`` says the column holds codes rather than names (``"ISO2"`` or ``"ISO3"``); codes are looked up
    exactly, never by regular expression. Raises :class:`InputError` listing every name that cannot be placed.
    """
    ov = overrides(source)
    result: dict[str, Entity] = {}
    unmatched: list[str] = []
    for raw in dict.fromkeys(clean_name(n) for n in names):
        key = raw.casefold()
        if key in ov.aggregates:
            result[raw] = Entity(None, ov.aggregates[key])
            continue
        if key in ov.countries:
            iso3: str | None = ov.countries[key]
        elif codes == "ISO3":
            iso3 = raw.upper() if is_iso3(raw.upper()) else None
        elif codes == "ISO2":
            iso3 = _by_iso2().get(raw.upper())
        else:
            iso3 = _match_name(raw)
        if iso3 is None:
            unmatched.append(raw)
        else:
            result[raw] = Entity(iso3, display_name(iso3))
    if unmatched:
        kind = f"{codes} codes" if codes else "country names"
        shown = ", ".join(repr(n) for n in sorted(unmatched)[:20])
        more = f" and {len(unmatched) - 20} more" if len(unmatched) > 20 else ""
        where = f"rankings/reference/countries/{source}.yaml"
        raise InputError(
            file,
            f"{len(unmatched)} {kind} cannot be matched to a country: {shown}{more}. "
            f"If they are countries or aggregates, add them to {where}.",
        )
    return result
