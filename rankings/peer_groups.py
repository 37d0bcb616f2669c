"""Peer groups that change over time: who was a member of a group as of an edition of a source.

The groups are reviewed data in git: ``rankings/reference/peer_groups.yaml`` (Nordic-Baltic, EU member states with
accession and exit dates, OECD members with accession dates) and any user-defined groups in
``rankings/reference/peer_groups.d/*.yaml`` (same shape; see the comments at the top of ``peer_groups.yaml``).

"As of edition E of source S" is a date, chosen by the ``membership_date`` rule of the source in that file. The
default is the last day of the edition's reference period: the OECD's DGI 2023 refers to 2022, so it is ranked
among the OECD members of 31 December 2022. Ranks within a group are always computed by this tool, and labelled so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from rankings import countries, metadata
from rankings.errors import InputError
from rankings.model import competition_rank

REFERENCE = Path(__file__).parent / "reference"
GROUPS_FILE = REFERENCE / "peer_groups.yaml"
USER_GROUPS_DIR = REFERENCE / "peer_groups.d"

RULES = ("end_of_reference_period", "end_of_edition_year")
_GROUP_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Membership:
    iso3: str
    start: date | None  # first day of membership; None: since always
    end: date | None  # last day of membership; None: still a member

    def on(self, when: date) -> bool:
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    note: str
    memberships: tuple[Membership, ...]
    path: Path
    title_da: str | None = None  # the group's name in Danish (the interface falls back to ``title``)

    def title_in(self, lang: str) -> str:
        return self.title_da if lang == "da" and self.title_da else self.title

    def members_on(self, when: date) -> list[str]:
        return sorted(m.iso3 for m in self.memberships if m.on(when))

    @property
    def ever(self) -> list[str]:
        return sorted({m.iso3 for m in self.memberships})


def _date(value: Any, path: Path, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, int) and 1900 <= value <= 2200:
        raise InputError(path, f"{where}: {value} is a year; write the date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(path, f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _parse_group(gid: str, spec: Any, path: Path) -> Group:
    if not _GROUP_ID.match(str(gid)):
        raise InputError(path, f"group id {gid!r} must be lower case letters, digits and _")
    if not isinstance(spec, Mapping) or "members" not in spec:
        raise InputError(path, f"group {gid!r} needs `title` and `members`")
    raw_members = spec["members"]
    memberships: list[Membership] = []
    if isinstance(raw_members, list):
        items: list[tuple[Any, Any]] = [(code, None) for code in raw_members]
    elif isinstance(raw_members, Mapping):
        items = list(raw_members.items())
    else:
        raise InputError(path, f"group {gid!r}: `members` must be a list of ISO3 codes or a mapping of them")
    for code, period in items:
        iso3 = str(code).strip().upper()
        if not countries.is_iso3(iso3):
            raise InputError(path, f"group {gid!r}: {code!r} is not an ISO3 country code")
        periods = period if isinstance(period, list) else [period]
        for p in periods:  # a list allows a country that left and came back
            if p is None:
                memberships.append(Membership(iso3, None, None))
                continue
            if not isinstance(p, Mapping) or set(p) - {"from", "until"}:
                raise InputError(path, f"group {gid!r}, {iso3}: give `from` and optionally `until` (YYYY-MM-DD)")
            start = _date(p.get("from"), path, f"group {gid!r}, {iso3}, from")
            end = _date(p.get("until"), path, f"group {gid!r}, {iso3}, until")
            if start and end and end < start:
                raise InputError(path, f"group {gid!r}, {iso3}: `until` {end} is before `from` {start}")
            memberships.append(Membership(iso3, start, end))
    if not memberships:
        raise InputError(path, f"group {gid!r} has no members")
    return Group(
        id=str(gid),
        title=str(spec.get("title") or gid),
        note=" ".join(str(spec.get("note") or "").split()),
        memberships=tuple(memberships),
        path=path,
        title_da=str(spec["title_da"]) if spec.get("title_da") else None,
    )


def _load(path: Path) -> dict[str, Any]:
    try:
        data = metadata.load_reference(path) or {}
    except yaml.YAMLError as exc:
        raise InputError(path, f"is not valid YAML ({str(exc).splitlines()[0]})") from None
    except ValueError as exc:  # YAML reads 2020-13-01 as a date and fails on it
        raise InputError(path, f"has an impossible date ({exc})") from None
    if not isinstance(data, Mapping):
        raise InputError(path, "must be a mapping with a `groups:` key")
    return dict(data)


def group_files() -> list[Path]:
    return [GROUPS_FILE, *sorted(USER_GROUPS_DIR.glob("*.yaml"))]


@cache
def groups() -> dict[str, Group]:
    """Every peer group, from ``peer_groups.yaml`` and ``peer_groups.d/*.yaml``."""
    out: dict[str, Group] = {}
    for path in group_files():
        data = _load(path)
        unknown = set(data) - {"groups", "membership_date"}
        if unknown:
            raise InputError(path, f"unknown top-level keys {sorted(unknown)} (expected `groups`)")
        if path != GROUPS_FILE and "membership_date" in data:
            raise InputError(path, f"membership dates are set in {GROUPS_FILE.name} only")
        for gid, spec in (data.get("groups") or {}).items():
            if gid in out:
                raise InputError(path, f"group {gid!r} is already defined in {out[gid].path.name}")
            out[gid] = _parse_group(gid, spec, path)
    return out


def group(group_id: str) -> Group:
    try:
        return groups()[group_id]
    except KeyError:
        raise InputError(
            None, f"unknown peer group {group_id!r}; known groups: {', '.join(sorted(groups()))}"
        ) from None


@cache
def _rules() -> tuple[Any, dict[str, Any]]:
    spec = _load(GROUPS_FILE).get("membership_date") or {}
    default = spec.get("default", "end_of_reference_period")
    per_source = dict(spec.get("sources") or {})
    for rule in [default, *per_source.values()]:
        if not isinstance(rule, Mapping) and rule not in RULES:
            raise InputError(GROUPS_FILE, f"membership_date rule {rule!r} is none of {', '.join(RULES)}")
    return default, per_source


def membership_rule(source: str) -> Any:
    default, per_source = _rules()
    return per_source.get(source, default)


def reference_period_of(source: str, edition: int) -> str:
    """The reference period of an edition: from the composite indicator's ``edition_of_reference_year`` mapping in
    the source's indicator metadata, else the edition year itself."""
    for ind in metadata.indicators().values():
        if ind.source != source:
            continue
        mapping = ind.extra.get("edition_of_reference_year") or {}
        for ref, ed in mapping.items():
            if int(ed) == int(edition):
                return str(ref)
    return str(edition)


_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4})\s*[-/–+]\s*(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def period_end(reference_period: str) -> date:
    """The last day of a reference period (``2022``, ``2021-2022``, ``2021+2022``, ``2022-06``, ``2022-06-30``)."""
    text = str(reference_period).strip()
    try:
        if m := _YEAR.match(text):
            return date(int(m.group(1)), 12, 31)
        if m := _RANGE.match(text):
            return date(int(m.group(2)), 12, 31)
        if m := _MONTH.match(text):
            year, month = int(m.group(1)), int(m.group(2))
            return (pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)).date()
        return date.fromisoformat(text)
    except ValueError:  # no such date: month 13, year 0, 2023-02-30
        raise InputError(None, f"reference period {reference_period!r} has no end date this tool understands") from None


def membership_date(source: str, edition: int, reference_period: str | None = None) -> date:
    """The date "as of edition ``edition`` of ``source``" means (see the module docstring)."""
    rule = membership_rule(source)
    if isinstance(rule, Mapping):
        if edition in rule or str(edition) in rule:
            value = rule.get(edition, rule.get(str(edition)))
            return _date(value, GROUPS_FILE, f"membership_date of {source} {edition}") or date(int(edition), 12, 31)
        rule = "end_of_reference_period"
    if rule == "end_of_edition_year":
        return date(int(edition), 12, 31)
    period = reference_period if reference_period is not None else reference_period_of(source, edition)
    return period_end(period)


def members_on(group_id: str, when: date) -> list[str]:
    """ISO3 codes of the members of a group on a date."""
    return group(group_id).members_on(when)


def members(group_id: str, edition: int, source: str, *, reference_period: str | None = None) -> list[str]:
    """ISO3 codes of the members of ``group_id`` as of edition ``edition`` of ``source``."""
    return members_on(group_id, membership_date(source, edition, reference_period))


def _higher_is_better(source: str, indicator: str, override: bool | Mapping[str, bool] | None) -> bool:
    if isinstance(override, bool):
        return override
    if isinstance(override, Mapping) and indicator in override:
        return bool(override[indicator])
    try:
        return metadata.indicator(source, indicator).higher_is_better
    except KeyError:
        return True


def rank_within(
    df: pd.DataFrame,
    group_id: str,
    *,
    higher_is_better: bool | Mapping[str, bool] | None = None,
) -> pd.DataFrame:
    """The rows of ``df`` (observations) whose country was a member of the group as of its edition, ranked.

    Ranks are competition ranks ("1224") among the members with a published value, per source, edition,
    reference period and indicator. Added columns: ``peer_group``, ``as_of`` (the membership date),
    ``peer_rank``, ``peer_rank_official`` (always False: computed here), ``peer_count`` (members ranked),
    ``peer_tied`` and ``rank_note``, a sentence to show beside the rank.
    ``higher_is_better`` defaults to the indicator metadata (True for sources without metadata).
    """
    g = group(group_id)
    needed = {"source", "edition", "reference_period", "iso3", "indicator", "value"}
    missing = needed - set(df.columns)
    if missing:
        raise InputError(None, f"rank_within needs the columns {sorted(missing)}")
    out = df.copy()
    keys = out[["source", "edition", "reference_period"]].drop_duplicates()
    as_of = {
        (s, int(e), str(r)): membership_date(s, int(e), str(r)) for s, e, r in keys.itertuples(index=False, name=None)
    }
    out["as_of"] = [
        as_of[(s, int(e), str(r))]
        for s, e, r in zip(out["source"], out["edition"], out["reference_period"], strict=True)
    ]
    member = [
        isinstance(iso3, str) and any(m.iso3 == iso3 and m.on(when) for m in g.memberships)
        for iso3, when in zip(out["iso3"], out["as_of"], strict=True)
    ]
    out = out[member].copy()
    out["peer_group"] = g.id
    published = out["value"].notna()
    if "value_status" in out.columns:
        published &= out["value_status"] == "published"
    out["peer_rank"] = pd.array([pd.NA] * len(out), dtype="Int32")
    out["peer_count"] = pd.array([pd.NA] * len(out), dtype="Int32")
    out["peer_tied"] = False
    out["rank_note"] = ""
    for (source, _edition, _period, indicator), part in out[published].groupby(
        ["source", "edition", "reference_period", "indicator"], sort=False
    ):
        hib = _higher_is_better(source, indicator, higher_is_better)
        ranks = competition_rank(part["value"], higher_is_better=hib)
        tied = ranks.duplicated(keep=False)
        out.loc[part.index, "peer_rank"] = ranks
        out.loc[part.index, "peer_count"] = len(part)
        out.loc[part.index, "peer_tied"] = tied.to_numpy()
        when = part["as_of"].iloc[0]
        note = f"computed by this tool among the {len(part)} {g.title} with a value as of {when.isoformat()}"
        decimals = part["decimals"].dropna() if "decimals" in part.columns else pd.Series(dtype=float)
        for idx in part.index[tied.to_numpy()]:
            precision = f"rounded to {int(decimals.max())} decimals" if len(decimals) else "as published"
            out.loc[idx, "rank_note"] = f"{note}; tied: the published values are {precision}"
        out.loc[part.index[~tied.to_numpy()], "rank_note"] = note
    out["peer_rank_official"] = pd.array([False] * len(out), dtype="boolean")
    out.loc[out["peer_rank"].isna(), "peer_rank_official"] = pd.NA
    return out.reset_index(drop=True)
