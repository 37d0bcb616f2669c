"""Indicator and source metadata: reviewed data in ``rankings/reference/``, read once, used by every page."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

REFERENCE = Path(__file__).parent / "reference"
# libyaml's parser when PyYAML was built with it (same results, about fifteen times faster than the pure-Python one)
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load``, with libyaml's parser where available (the reference data are read at every start)."""
    return yaml.load(text, Loader=YAML_LOADER)  # a safe loader: plain data only


def load_reference(path: Path) -> Any:
    """A reviewed YAML file's data, parsed with libyaml (50 ms for all the reference files; nothing is cached)."""
    return load_yaml(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class MethodologyNote:
    edition: int
    note: str
    note_da: str | None = None

    def text(self, lang: str) -> str:
        return self.note_da if lang == "da" and self.note_da else self.note


@dataclass(frozen=True)
class Indicator:
    source: str
    id: str
    title: str
    short: str
    unit: str
    scale: tuple[float, float]
    plausible: tuple[float, float]
    higher_is_better: bool
    decimals: int
    rank: str  # "published" or "computed"
    description: str
    composite: bool = False
    parent: str | None = None
    methodology: tuple[MethodologyNote, ...] = field(default_factory=tuple)
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class FetchFile:
    """A file ``rankings fetch`` downloads: the publisher's direct URL and the name the publisher gives it."""

    url: str
    name: str
    editions: tuple[int, ...] = ()  # the editions the file holds, where the metadata says (else: all)


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    short: str
    publisher: str
    url: str
    download: str
    raw_folder: str
    licence: str
    citation: str
    editions: tuple[int, ...]
    headline_indicator: str
    ranked_among: str
    reference_period_note: str = ""
    # Which reference period is the edition's headline where an edition holds several: "latest" (the
    # greatest) or "widest" (the longest label, e.g. the biennial "2022+2023" over the single year "2023").
    headline_reference_period: str = "latest"
    # The publisher's own Danish title, only where the publisher has one (else the interface keeps ``title``).
    title_da: str | None = None
    ranked_among_da: str | None = None
    reference_period_note_da: str | None = None
    # ``fetch`` in the YAML: the files ``rankings fetch`` downloads, or the page to download them from by hand
    # (``manual``) where the publisher offers no direct link (a JavaScript download page).
    files: tuple[FetchFile, ...] = ()
    manual: str | None = None

    def title_in(self, lang: str) -> str:
        """The ranking's title as the publisher writes it in ``lang`` (the original where there is no other)."""
        return self.title_da if lang == "da" and self.title_da else self.title

    def ranked_among_in(self, lang: str) -> str:
        return self.ranked_among_da if lang == "da" and self.ranked_among_da else self.ranked_among

    def reference_period_note_in(self, lang: str) -> str:
        return (
            self.reference_period_note_da
            if lang == "da" and self.reference_period_note_da
            else (self.reference_period_note)
        )

    def cite(self, edition: int | None = None) -> str:
        return self.citation.replace("{edition}", str(edition) if edition else "").strip()


_INDICATOR_FIELDS = {
    "title",
    "short",
    "unit",
    "scale",
    "plausible",
    "higher_is_better",
    "decimals",
    "rank",
    "description",
    "composite",
    "parent",
    "methodology",
}


def _per_source(folder: str) -> dict[str, dict[str, Any]]:
    """``reference/<folder>/<source>.yaml`` files, by source id."""
    return {path.stem: load_reference(path) or {} for path in sorted((REFERENCE / folder).glob("*.yaml"))}


@cache
def header_quirks(source_id: str) -> dict[str, str]:
    """A source's reviewed header quirks (``reference/layouts/<source>.yaml``, ``headers``): the header as
    published -> the header it stands for."""
    path = layouts_path(source_id)
    data = (load_reference(path) or {}) if path.exists() else {}
    headers = data.get("headers") or {}
    if not isinstance(headers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
        raise ValueError(f"{path}: 'headers' must map each header as published to the header it stands for")
    return dict(headers)


def layouts_path(source_id: str) -> Path:
    return REFERENCE / "layouts" / f"{source_id}.yaml"


_SOURCE_FIELDS = {f for f in Source.__dataclass_fields__ if f not in {"id", "files", "manual"}} | {"fetch"}


def _fetch_spec(path: Path, spec: Any) -> tuple[tuple[FetchFile, ...], str | None]:
    """``fetch: {manual: URL}`` or ``fetch: {files: [{url, name, editions}]}``, checked; a malformed entry is a
    ValueError naming the file and the entry."""
    if spec is None:
        return (), None

    def bad(what: str) -> ValueError:
        return ValueError(f"{path}: fetch: {what}")

    if not isinstance(spec, dict) or set(spec) - {"files", "manual"} or not spec:
        raise bad("expected 'manual: <page URL>' or 'files: [{url, name, editions}]'")
    manual = spec.get("manual")
    if manual is not None and not (isinstance(manual, str) and manual.startswith(("http://", "https://"))):
        raise bad(f"manual must be the http(s) URL of the download page, not {manual!r}")
    entries = spec.get("files") or []
    if not isinstance(entries, list):
        raise bad("files must be a list of {url, name, editions}")
    files = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or set(entry) - {"url", "name", "editions"}:
            raise bad(f"file {i}: expected the keys url, name and (optionally) editions")
        url, name, editions = entry.get("url"), entry.get("name"), entry.get("editions") or []
        if not (isinstance(url, str) and url.startswith(("http://", "https://"))):
            raise bad(f"file {i}: url must be an http(s) URL, not {url!r}")
        if not (isinstance(name, str) and name and name == Path(name).name and not name.startswith(".")):
            raise bad(f"file {i}: name must be a plain file name (no folder, not hidden), not {name!r}")
        if not isinstance(editions, list) or not all(isinstance(e, int) for e in editions):
            raise bad(f"file {i}: editions must be a list of years")
        files.append(FetchFile(url=url, name=name, editions=tuple(editions)))
    if len({f.name for f in files}) < len(files):
        raise bad("two files have the same name")
    return tuple(files), manual


def source_from(path: Path, spec: dict[str, Any]) -> Source:
    """One source's metadata from its YAML file; an unknown or malformed key is a ValueError naming the file."""
    spec = dict(spec)
    unknown = sorted(set(spec) - _SOURCE_FIELDS)
    if unknown:
        raise ValueError(f"{path}: unknown keys {', '.join(unknown)}")
    files, manual = _fetch_spec(path, spec.pop("fetch", None))
    spec["editions"] = tuple(spec.get("editions") or ())
    try:
        return Source(id=path.stem, files=files, manual=manual, **spec)
    except TypeError as exc:  # a required key is missing
        raise ValueError(f"{path}: {exc}") from None


@cache
def sources() -> dict[str, Source]:
    return {
        path.stem: source_from(path, load_reference(path) or {})
        for path in sorted((REFERENCE / "sources").glob("*.yaml"))
    }


@cache
def indicators() -> dict[tuple[str, str], Indicator]:
    out: dict[tuple[str, str], Indicator] = {}
    for source, items in _per_source("indicators").items():
        for iid, spec in items.items():
            notes = tuple(
                MethodologyNote(int(m["edition"]), str(m["note"]), str(m["note_da"]) if m.get("note_da") else None)
                for m in spec.get("methodology") or ()
            )
            out[(source, iid)] = Indicator(
                source=source,
                id=iid,
                title=spec["title"],
                short=spec.get("short", spec["title"]),
                unit=spec["unit"],
                scale=tuple(spec["scale"]),  # type: ignore[arg-type]
                plausible=tuple(spec.get("plausible", spec["scale"])),  # type: ignore[arg-type]
                higher_is_better=bool(spec["higher_is_better"]),
                decimals=int(spec["decimals"]),
                rank=spec["rank"],
                description=" ".join(str(spec.get("description", "")).split()),
                composite=bool(spec.get("composite", False)),
                parent=spec.get("parent"),
                methodology=notes,
                extra={k: v for k, v in spec.items() if k not in _INDICATOR_FIELDS},
            )
    return out


def indicator(source: str, indicator_id: str) -> Indicator:
    try:
        return indicators()[(source, indicator_id)]
    except KeyError:
        raise KeyError(f"no metadata for indicator {indicator_id!r} of source {source!r}") from None


def source(source_id: str) -> Source:
    return sources()[source_id]


def indicators_frame() -> pd.DataFrame:
    """All indicator metadata as a table (registered in DuckDB as ``indicators``)."""
    rows = []
    for ind in indicators().values():
        rows.append(
            {
                "source": ind.source,
                "indicator": ind.id,
                "title": ind.title,
                "short": ind.short,
                "unit": ind.unit,
                "scale_min": float(ind.scale[0]),
                "scale_max": float(ind.scale[1]),
                "higher_is_better": ind.higher_is_better,
                "decimals": ind.decimals,
                "rank": ind.rank,
                "composite": ind.composite,
                "parent": ind.parent,
                "description": ind.description,
                "methodology": "\n".join(f"{m.edition}: {m.note}" for m in ind.methodology),
                "extra": json.dumps(ind.extra, default=str, ensure_ascii=False) if ind.extra else None,
            }
        )
    return pd.DataFrame(rows)


def sources_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "source": s.id,
                "title": s.title,
                "short": s.short,
                "publisher": s.publisher,
                "url": s.url,
                "licence": s.licence,
                "citation": s.cite(),
                "headline_indicator": s.headline_indicator,
                "ranked_among": s.ranked_among,
                "headline_reference_period": s.headline_reference_period,
            }
            for s in sources().values()
        ]
    )


def methodology_notes(
    source_id: str, indicator_ids: list[str], editions: list[int], lang: str = "en"
) -> list[tuple[int, str]]:
    """(edition, note) for every methodology change the metadata records for these indicators and editions."""
    notes: set[tuple[int, str]] = set()
    for iid in indicator_ids:
        ind = indicators().get((source_id, iid))
        if ind is not None:
            notes |= {(m.edition, m.text(lang)) for m in ind.methodology if m.edition in editions}
    return sorted(notes)
