"""Briefings: the focus country beside a visitor's country, as a PDF or a PowerPoint deck, in Danish or English.

:func:`build` is what the command line, the app's download buttons and the benchmark call: the store's figures
through the query layer (:mod:`.content`), static charts (:mod:`.charts`), one renderer per format (:mod:`.pdf`,
:mod:`.pptx`). :func:`check` says, in one sentence, why a briefing cannot be made.
"""

from __future__ import annotations

from pathlib import Path

from rankings import queries
from rankings.errors import InputError

FORMATS = ("pdf", "pptx")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def _names() -> dict[str, str]:
    """Every way the command line accepts a country, case-folded -> ISO3: the code, the English short and
    official names (country_converter's) and the Danish name (CLDR's)."""
    from rankings import i18n
    from rankings.countries import country_table

    table = country_table()
    table = table[table["obsolete"].isna()]
    out: dict[str, str] = {}
    for iso3, short, official in zip(table["ISO3"], table["name_short"], table["name_official"], strict=True):
        for name in (short, official, i18n.country(iso3, "da"), iso3):
            if isinstance(name, str):
                out.setdefault(name.casefold(), iso3)
    return out


def resolve_country(text: str, option: str = "--country") -> str:
    """The ISO3 code of a country given by code or name (English or Danish); InputError with close matches."""
    import difflib

    from rankings import i18n

    names = _names()
    key = " ".join(text.split()).casefold()
    if key in names:
        return names[key]
    close = difflib.get_close_matches(key, list(names), n=4, cutoff=0.6)
    shown = list(dict.fromkeys(f"{i18n.country(names[c], 'en')} ({names[c]})" for c in close))
    hint = f"; did you mean {', '.join(shown)}?" if shown else "; give an ISO 3166 alpha-3 code such as DNK"
    raise InputError(None, f"{option} {text!r} is not a country code or name this tool knows{hint}")


def check(processed: Path | str, countries: tuple[str, ...]) -> None:
    """InputError unless the store holds rankings and figures for each of ``countries`` (ISO3 codes)."""
    from rankings import i18n

    if queries.coverage(processed).empty:
        raise InputError(processed, "the store holds no rankings yet; run `python -m rankings ingest` first")
    stored = set(queries.countries(processed)["iso3"])
    for iso3 in countries:
        if iso3 not in stored:
            name = i18n.country(iso3, "en")
            raise InputError(processed, f"the store holds no figures for {name} ({iso3})")


def build(processed: Path | str, country: str, focus: str = "DNK", lang: str = "en", fmt: str = "pdf") -> bytes:
    """The briefing of ``focus`` beside ``country`` (ISO3 codes) in ``lang`` as ``fmt`` ("pdf" or "pptx")."""
    from rankings.briefing import content

    if fmt not in FORMATS:
        raise InputError(None, f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    check(processed, (focus, country))
    briefing = content.gather(processed, country, focus, lang)
    if fmt == "pdf":
        from rankings.briefing import pdf

        return pdf.render(briefing)
    from rankings.briefing import pptx

    return pptx.render(briefing)


def file_name(focus: str, country: str, lang: str, fmt: str) -> str:
    """``briefing-DNK-EST-da.pdf``."""
    return f"briefing-{focus}-{country}-{lang}.{fmt}"


def write_briefing(
    out: Path, processed: Path, country: str, focus: str = "DNK", lang: str | None = None, fmt: str | None = None
) -> Path:
    """Build the briefing and write it to ``out`` whole or not at all (a temporary file beside it, renamed).

    Every problem (an unknown country, one without figures, an empty store, a path that cannot be written) is an
    InputError raised before anything appears at ``out``."""
    import os
    import tempfile

    from rankings import i18n

    fmt = fmt or out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(out, "cannot tell the format from the file name; give --format pdf or --format pptx")
    lang = i18n.check(lang) if lang else i18n.default_language()
    country_iso3, focus_iso3 = resolve_country(country), resolve_country(focus, "--focus")
    if country_iso3 == focus_iso3:
        raise InputError(
            None, f"--country and --focus are both {focus_iso3}; a briefing sets two countries side by side"
        )
    if out.is_dir():
        raise InputError(out, "is a folder; give a file name")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    except OSError as exc:
        raise InputError(out, f"cannot be written ({exc.strerror or exc})") from None
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(build(processed, country_iso3, focus_iso3, lang, fmt))
        os.replace(temp, out)
    except OSError as exc:
        raise InputError(out, f"cannot be written ({exc.strerror or exc})") from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return out
