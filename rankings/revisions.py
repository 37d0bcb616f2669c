"""Revisions: a publisher's corrected file compared figure by figure with the version it replaces.

A file revises what is stored when it replaces an edition already stored: the same path with a new checksum, or a
new file with the same source and edition put in place of one that was removed. :func:`compare` lists what
changed, one record per figure; the ingest writes the records as a part of the revision log in the same commit as
the file's new parts (:meth:`rankings.store.Store.commit`), and says per edition how many figures changed.

A *figure* is a published value or a published rank. A rank the tool computed (e.g. the UN's sub-index ranks) is
recorded with the value it belongs to, but a computed rank that moved only because another country's value moved
is not a revision of the publisher's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from rankings import i18n, metadata, model

SCHEMA = pa.schema(
    [
        pa.field("source", pa.string()),
        pa.field("edition", pa.int32()),
        pa.field("reference_period", pa.string()),
        pa.field("iso3", pa.string()),
        pa.field("entity", pa.string()),
        pa.field("indicator", pa.string()),
        pa.field("change", pa.string()),  # changed, added, removed
        pa.field("old_value", pa.float64()),
        pa.field("new_value", pa.float64()),
        pa.field("old_value_status", pa.string()),
        pa.field("new_value_status", pa.string()),
        pa.field("old_decimals", pa.int8()),
        pa.field("new_decimals", pa.int8()),
        pa.field("old_rank", pa.int32()),
        pa.field("new_rank", pa.int32()),
        pa.field("old_rank_official", pa.bool_()),
        pa.field("new_rank_official", pa.bool_()),
        pa.field("old_file", pa.string()),
        pa.field("old_sha256", pa.string()),
        pa.field("new_file", pa.string()),
        pa.field("new_sha256", pa.string()),
        pa.field("old_stored_at", pa.string()),  # when the old version was stored
        pa.field("revised_at", pa.string()),  # when the new one was (UTC, ISO 8601)
        pa.field("generation", pa.int64()),  # the store's commit that wrote it: orders revisions of one figure
    ]
)
COLUMNS: list[str] = SCHEMA.names
CHANGES = ("changed", "added", "removed")

_DTYPES = {
    "edition": "Int32",
    "old_value": "Float64",
    "new_value": "Float64",
    "old_decimals": "Int8",
    "new_decimals": "Int8",
    "old_rank": "Int32",
    "new_rank": "Int32",
    "old_rank_official": "boolean",
    "new_rank_official": "boolean",
    "generation": "Int64",
}


def conform(df: pd.DataFrame) -> pd.DataFrame:
    columns = {}
    for col in COLUMNS:
        series = df[col] if col in df.columns else pd.Series(pd.NA, index=df.index, dtype=object)
        columns[col] = series.astype(_DTYPES.get(col, "string")).array
    return pd.DataFrame(columns, index=pd.RangeIndex(len(df)))


def empty() -> pd.DataFrame:
    return conform(pd.DataFrame({c: [] for c in COLUMNS}))


def to_arrow(df: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(conform(df), schema=SCHEMA, preserve_index=False)


@dataclass(frozen=True)
class Version:
    """One version of a raw file, as the log names it."""

    file: str
    sha256: str
    stored_at: str = ""


_FIGURE = ["iso3", "is_aggregate", "value", "value_status", "decimals", "rank", "rank_official"]


def _differs(old: pd.Series, new: pd.Series) -> pd.Series:
    """Element-wise "not the same", where two nulls are the same."""
    both_null = old.isna() & new.isna()
    return (~both_null & (old.isna() | new.isna() | (old != new).fillna(True))).astype(bool)


def compare(
    old: pd.DataFrame,
    new: pd.DataFrame,
    old_version: Version,
    new_version: Version,
    revised_at: str,
    *,
    scope: set[tuple[str, int]] | None = None,
) -> pd.DataFrame:
    """The figures of ``new`` that differ from ``old``, as revision-log records (possibly none).

    Compared are the (source, edition) pairs of ``scope`` (default: every pair of ``old``): an edition that only
    ``new`` holds is new, not revised. Within them a key only ``new`` holds was added, one only ``old`` holds was
    removed; a key both hold changed when its value or value status differs, or a published rank does.
    """

    def pairs(df: pd.DataFrame) -> pd.Series:
        return pd.Series(list(zip(df["source"], df["edition"].astype(int), strict=True)), index=df.index, dtype=object)

    if scope is None:
        scope = set(pairs(old)) if not old.empty else set()
    if not scope:
        return empty()
    old = old[pairs(old).isin(scope)] if not old.empty else old
    new = new[pairs(new).isin(scope)] if not new.empty else new
    columns = [*model.KEY, *_FIGURE]
    both = old[columns].merge(new[columns], on=model.KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
    if both.empty:
        return empty()
    o = {c: both[f"{c}_old"] for c in _FIGURE}
    n = {c: both[f"{c}_new"] for c in _FIGURE}
    added = both["_merge"] == "right_only"
    removed = both["_merge"] == "left_only"
    matched = both["_merge"] == "both"
    value_moved = _differs(o["value_status"], n["value_status"]) | _differs(o["value"], n["value"])
    published_rank = o["rank_official"].fillna(False).astype(bool) | n["rank_official"].fillna(False).astype(bool)
    rank_moved = _differs(o["rank"], n["rank"]) & published_rank
    changed = matched & (value_moved | rank_moved)
    keep = added | removed | changed
    if not keep.any():
        return empty()
    both = both[keep]
    log = pd.DataFrame({c: both[c] for c in model.KEY})
    log["iso3"] = both["iso3_new"].fillna(both["iso3_old"])
    log["change"] = "changed"
    log.loc[added[keep], "change"] = "added"
    log.loc[removed[keep], "change"] = "removed"
    for c in ("value", "value_status", "decimals", "rank", "rank_official"):
        log[f"old_{c}"] = both[f"{c}_old"]
        log[f"new_{c}"] = both[f"{c}_new"]
    log["old_file"], log["old_sha256"] = old_version.file, old_version.sha256
    log["old_stored_at"] = old_version.stored_at
    log["new_file"], log["new_sha256"] = new_version.file, new_version.sha256
    log["revised_at"] = revised_at
    log = log.sort_values(["source", "edition", "entity", "indicator", "reference_period"], kind="stable")
    return conform(log)


@dataclass(frozen=True)
class EditionRevision:
    """What one file's revision did to one edition."""

    source: str
    edition: int
    changed: int
    added: int
    removed: int
    file: str

    def line(self) -> str:
        """``UN E-Government Survey 2022 revised: 2 figures changed, 0 added, 0 removed (python -m rankings ...)``"""
        try:
            title = metadata.source(self.source).title
        except KeyError:
            title = self.source
        figures = "figure" if self.changed == 1 else "figures"
        return (
            f"{title} {self.edition} revised: {self.changed} {figures} changed, {self.added} added, "
            f"{self.removed} removed (python -m rankings revisions)"
        )


def summarise(log: pd.DataFrame) -> list[EditionRevision]:
    """One summary per source, edition and new file of the log's records."""
    out = []
    for (source, edition, file), group in log.groupby(["source", "edition", "new_file"], sort=True):
        counts = group["change"].value_counts()
        out.append(
            EditionRevision(str(source), int(edition), *(int(counts.get(c, 0)) for c in CHANGES), file=str(file))
        )
    return out


def value_text(value: object, status: object, decimals: object) -> str:
    """A value at the publisher's precision (as printed), or what stands in its place."""
    if status is None or pd.isna(status):  # type: ignore[call-overload]
        return "–"
    if status != "published" or pd.isna(value):  # type: ignore[call-overload]
        return str(status).replace("_", " ")
    if pd.isna(decimals):  # type: ignore[call-overload]
        return f"{float(value):.15g}"  # type: ignore[arg-type]
    return f"{float(value):.{int(decimals)}f}"  # type: ignore[arg-type]


def rank_text(rank: object, official: object) -> str:
    if pd.isna(rank):  # type: ignore[call-overload]
        return "–"
    return f"{int(rank)}" if official else f"{int(rank)} (computed)"  # type: ignore[call-overload]


def describe(record: pd.Series) -> str:
    """One record as a line: ``DNK egdi 0.97170 -> 0.97210``, with the rank where a published one moved."""
    who = record["iso3"] if not pd.isna(record["iso3"]) else record["entity"]
    old = value_text(record["old_value"], record["old_value_status"], record["old_decimals"])
    new = value_text(record["new_value"], record["new_value_status"], record["new_decimals"])
    period = "" if str(record["reference_period"]) == str(record["edition"]) else f" [{record['reference_period']}]"
    line = f"{who} {record['indicator']}{period} {old} -> {new}"
    old_rank = rank_text(record["old_rank"], record["old_rank_official"])
    new_rank = rank_text(record["new_rank"], record["new_rank_official"])
    if old_rank != new_rank:
        line += f" (rank {old_rank} -> {new_rank})"
    if record["change"] != "changed":
        line += f" ({record['change']})"
    return line


def _localised_value(value: object, status: object, decimals: object, fallback: int, lang: str) -> str:
    if status is None or pd.isna(status):  # type: ignore[call-overload]
        return i18n.MISSING
    if status != "published" or pd.isna(value):  # type: ignore[call-overload]
        return i18n.t(f"status.{status}", lang)
    places = fallback if pd.isna(decimals) else int(decimals)  # type: ignore[call-overload]
    return i18n.number(float(value), lang, places)  # type: ignore[arg-type]


def _localised_rank(rank: object, official: object, lang: str) -> str:
    if pd.isna(rank):  # type: ignore[call-overload]
        return i18n.MISSING
    text = i18n.integer(int(rank), lang)  # type: ignore[call-overload]
    return text if official else i18n.t("profile.rank.computed", lang, rank=text)


def table(log: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The log as the Data page shows it: one row per revised figure, newest first, in ``lang``."""
    names = (
        "revised_at", "ranking", "edition", "reference period", "country", "indicator", "change",
        "old value", "new value", "old rank", "new rank", "old file", "new file",
    )  # fmt: skip
    columns = [i18n.column(n, lang) for n in names]
    if log.empty:
        return pd.DataFrame(columns=columns)
    sources = metadata.sources()
    indicators = metadata.indicators()
    rows = []
    for r in log.itertuples(index=False):
        ind = indicators.get((r.source, r.indicator))
        fallback = ind.decimals if ind else 2
        who = i18n.country(r.iso3, lang) if isinstance(r.iso3, str) and lang != "en" else str(r.entity)
        rows.append(
            [
                i18n.date(_date(r.revised_at), lang, "medium"),
                sources[r.source].title_in(lang) if r.source in sources else r.source,
                int(r.edition),
                r.reference_period,
                who,
                ind.title if ind else r.indicator,
                i18n.t(f"revision.change.{r.change}", lang),
                _localised_value(r.old_value, r.old_value_status, r.old_decimals, fallback, lang),
                _localised_value(r.new_value, r.new_value_status, r.new_decimals, fallback, lang),
                _localised_rank(r.old_rank, r.old_rank_official, lang),
                _localised_rank(r.new_rank, r.new_rank_official, lang),
                f"{r.old_file} ({str(r.old_sha256)[:12]})",
                f"{r.new_file} ({str(r.new_sha256)[:12]})",
            ]
        )
    return pd.DataFrame(rows, columns=columns)


def _date(stamp: object) -> object:
    import datetime

    return datetime.date.fromisoformat(str(stamp)[:10])


def note(row: object, fallback: int | None = None, lang: str = "en") -> str | None:
    """``revised by the publisher (stored 8 December 2026); previously 0.97170`` for a row (a Series or dict with
    the marker columns of the store's ``headline`` and ``marked`` views) whose figure was revised, else None.

    ``fallback``: the decimals where the file printed none (default: the row's indicator's, from the metadata)."""
    get = getattr(row, "get", None)
    revised_at = get("revised_at") if get else None
    if revised_at is None or pd.isna(revised_at):
        return None
    if fallback is None:
        ind = metadata.indicators().get((str(get("source")), str(get("indicator"))))
        fallback = ind.decimals if ind else 2
    was = _localised_value(get("was_value"), get("was_value_status"), get("was_decimals"), fallback, lang)
    return i18n.t("revision.note", lang, date=i18n.date(_date(revised_at), lang), was=was)  # type: ignore[arg-type]


def mark(texts: list[str], revised_at: pd.Series) -> list[str]:
    """``texts`` (one per row) with the mark after each figure the publisher revised (``revised_at`` not null)."""
    return [f"{v} {i18n.REVISED}" if pd.notna(r) else v for v, r in zip(texts, revised_at, strict=True)]
