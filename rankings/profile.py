"""The country profile's tables: the latest edition per ranking, every stored figure, and the citations.

Tables are built in the interface's language (``lang``): headers, values as text and ranking titles. The
downloads take :func:`figures_for_download`, which keeps the numbers as numbers.
"""

from __future__ import annotations

import pandas as pd

from rankings import i18n, metadata, peer_groups, revisions
from rankings.overview import format_value, revision_notes

SHOWN_GROUPS = ("nordic_baltic", "mr_digital", "eu", "oecd", "digital_nations")


def memberships(iso3: str, lang: str = "en") -> list[str]:
    """Titles of the reviewed peer groups the country belongs to today."""
    from datetime import date

    out = []
    for gid in SHOWN_GROUPS:
        if gid in peer_groups.groups() and iso3 in peer_groups.members_on(gid, date.today()):
            out.append(peer_groups.group(gid).title_in(lang))
    return out


def _value_text(source: str, indicator: str, status: str, value: object, decimals: object, lang: str) -> str:
    if status in ("not_assessed", "missing"):
        return i18n.t(f"status.{status}", lang)
    try:
        fallback = metadata.indicator(source, indicator).decimals
    except KeyError:
        fallback = 2
    return format_value(value, decimals, fallback, lang)  # type: ignore[arg-type]


def _rank_text(rank: object, official: object, lang: str) -> str:
    if pd.isna(rank):  # type: ignore[call-overload]
        return ""
    text = i18n.integer(int(rank), lang)  # type: ignore[call-overload]
    return text if official else i18n.t("profile.rank.computed", lang, rank=text)


def _texts(rows: pd.DataFrame, lang: str) -> tuple[list[str], list[str]]:
    """Value and rank of each row as text (a loop over plain columns: iterrows would build a Series per row); a
    revised value carries the mark."""
    values = [
        _value_text(*cells, lang)
        for cells in zip(
            rows["source"], rows["indicator"], rows["value_status"], rows["value"], rows["decimals"], strict=True
        )
    ]
    if "revised_at" in rows.columns:
        values = revisions.mark(values, rows["revised_at"])
    ranks = [_rank_text(r, o, lang) for r, o in zip(rows["rank"], rows["rank_official"], strict=True)]
    return values, ranks


def latest_table(observations: pd.DataFrame, source: str, edition: int, lang: str = "en") -> pd.DataFrame:
    """The main indicators of one edition (no breakdown series), with value and rank as text."""
    columns = [i18n.t(f"column.{c}", lang) for c in ("indicator", "value", "rank")]
    rows = observations[(observations["source"] == source) & (observations["edition"] == edition)]
    rows = rows[~rows["indicator"].str.contains("__")]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    # The headline period of each indicator: the widest or latest label, as the store's headline view does.
    rows = rows.sort_values(["indicator", "reference_period"]).groupby("indicator").tail(1)
    values, ranks = _texts(rows, lang)
    table = pd.DataFrame(
        dict(zip(columns, [rows["indicator_title"].fillna(rows["indicator"]), values, ranks], strict=True))
    )
    return _with_revisions(table, rows, lang)


def _with_revisions(table: pd.DataFrame, rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``table`` with a column saying when and from what each revised figure of ``rows`` was revised (only when
    one was)."""
    notes = revision_notes(rows, lang)
    if (notes != "").any():
        table[i18n.t("revision.column", lang)] = notes.to_numpy()
    return table


def _titles(lang: str) -> dict[str, str]:
    return {s.id: s.title_in(lang) for s in metadata.sources().values()}


def all_figures(observations: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Every stored figure of the country, readable: ranking, edition, period, indicator, value, rank, file."""
    if observations.empty:
        return pd.DataFrame()
    titles = _titles(lang)
    values, ranks = _texts(observations, lang)
    names = ("ranking", "edition", "reference period", "indicator", "value", "rank", "source file")
    data = [
        observations["source"].map(lambda s: titles.get(s, s)),
        observations["edition"],
        observations["reference_period"],
        observations["indicator_title"].fillna(observations["indicator"]),
        values,
        ranks,
        observations["source_file"],
    ]
    table = pd.DataFrame({i18n.column(n, lang): d for n, d in zip(names, data, strict=True)})
    return _with_revisions(table, observations, lang)


def figures_for_download(observations: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Every stored figure with numbers as numbers (value, decimals printed, rank) for CSV and Excel."""
    if observations.empty:
        return pd.DataFrame()
    titles = _titles(lang)
    return pd.DataFrame(
        {
            "ranking": observations["source"].map(lambda s: titles.get(s, s)),
            "edition": observations["edition"],
            "reference_period": observations["reference_period"],
            "indicator": observations["indicator"],
            "indicator_title": observations["indicator_title"].fillna(observations["indicator"]),
            "value": observations["value"],
            "decimals": observations["decimals"],
            "value_status": observations["value_status"],
            "rank": observations["rank"],
            "rank_official": observations["rank_official"],
            "source_file": observations["source_file"],
            **{
                c: observations[c] if c in observations.columns else pd.NA
                for c in ("revised_at", "was_value", "was_value_status", "was_decimals")
            },
        }
    )


def citations(observations: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """One citation per ranking and edition shown."""
    names = [i18n.column(c, lang) for c in ("ranking", "edition", "citation", "licence", "url")]
    if observations.empty:
        return pd.DataFrame(columns=names)
    sources = metadata.sources()
    rows = []
    for (sid, edition), _ in observations.groupby(["source", "edition"]):
        src = sources.get(str(sid))
        values = [
            src.title_in(lang) if src else str(sid),
            edition,
            src.cite(int(edition)) if src else "",
            src.licence if src else "",
            src.url if src else "",
        ]
        rows.append(dict(zip(names, values, strict=True)))
    return pd.DataFrame(rows, columns=names)
