"""Raw folder -> tidy observations -> Parquet store, one raw file at a time.

Each raw file is detected by content, read by its publisher's reader, validated against the data contract and
committed to the store on its own: a file that fails leaves everything stored before it (including its own
previous version) untouched, and the store mirrors the raw folder (a removed file's observations go too).

A file that replaces an edition already stored (the same path with a new checksum, or a new file in place of a
removed one with the same source and edition) is a revision: its figures are compared with the old version's and
the differences go to the revision log in the same commit (:mod:`rankings.revisions`). A removed file's entry is
therefore dropped at the end of the run, or together with the file that replaces it.

One file after the other, in one thread: detect, read, validate, write its Parquet parts and wait for the disk,
then save the manifest. (A read-ahead thread and a committer thread were measured and removed: a cold ingest of
the real files took 1.81 s with them and 1.80 s without, medians of five interleaved runs.)
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from rankings.errors import InputError
from rankings.rawfile import RawFile, scan, sha256_of
from rankings.store import FileEntry, Manifest, Store

# The readers, pandas and pyarrow are imported when a file has to be read: a run that finds every file unchanged
# needs none of them (importing them is most of such a run).
if TYPE_CHECKING:
    import pandas as pd

    from rankings.revisions import EditionRevision

DEMO_MARKER = ".rankings-demo.json"
PACKAGE = Path(__file__).parent


@dataclass
class FileResult:
    path: str
    status: str  # stored, unchanged, failed, skipped, removed
    source: str | None = None
    editions: list[int] = field(default_factory=list)
    rows: int = 0
    message: str = ""
    warnings: list[str] = field(default_factory=list)  # e.g. summary rows a reader skipped


@dataclass
class IngestReport:
    results: list[FileResult]
    ignored: list[str]
    revisions: list[EditionRevision] = field(default_factory=list)  # one per revised edition

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]


@cache
def code_fingerprint() -> str:
    """Checksum of the readers and the reviewed reference data: when they change, stored files are re-read."""
    digest = hashlib.sha256()
    code = [PACKAGE / name for name in ("model.py", "countries.py", "peer_groups.py", "rawfile.py")]
    for path in sorted([*PACKAGE.glob("readers/*.py"), *PACKAGE.rglob("reference/**/*.yaml"), *code]):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def demo_checksums(raw_dir: Path) -> set[str]:
    """Checksums of the files that ``rankings demo`` wrote (listed in its marker files)."""
    found: set[str] = set()
    for marker in raw_dir.rglob(DEMO_MARKER):
        try:
            found.update(json.loads(marker.read_text(encoding="utf-8")).get("files", {}).values())
        except ValueError:
            continue
    return found


def read_file(path: Path, display: str, sha256: str) -> tuple[str, str, pd.DataFrame]:
    """Detect and read one raw file into validated observations (source, layout, table).

    The source is the ``source`` column's (one file may hold several sources, e.g. the OECD export: then their
    ids comma-joined, sorted). Warnings of the reader (``obs.attrs["warnings"]``) stay in the table's attrs.
    """
    from rankings import model, readers

    raw = RawFile(path, display)
    reader, found = readers.detect(raw)
    obs = reader.read(raw, found)
    warnings = list(obs.attrs.get("warnings", []))
    obs["source_file"] = display
    obs["file_sha256"] = sha256
    valid = model.validate(obs, display)
    valid.attrs["warnings"] = warnings
    source = ",".join(sorted(valid["source"].dropna().unique())) or reader.SOURCE
    return source, reader.LAYOUT, valid


def _checksum(path: Path, stat: os.stat_result, previous: FileEntry | None, force: bool) -> str:
    """The file's SHA-256; the stored one when the file has the size and modification time it had when stored
    (as git and make trust them), so an unchanged folder is not read again. ``--force`` reads every file."""
    if (
        not force
        and previous is not None
        and previous.mtime_ns
        and previous.mtime_ns == stat.st_mtime_ns
        and previous.size == stat.st_size
    ):
        return previous.sha256
    return sha256_of(path)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def conflicts(
    store: Store, manifest: Manifest, path: str, obs: pd.DataFrame, going: frozenset[str] = frozenset()
) -> str | None:
    """Another stored file that already holds any of these observation keys, as a message; else None. Files
    removed from the raw folder in this run (``going``) do not count."""
    from rankings import model

    sources = set(obs["source"].unique().tolist())
    editions = set(obs["edition"].unique().tolist())
    indicators = obs["indicator"].unique().tolist()
    for other in manifest.files.values():
        if other.path == path or other.path in going or not other.parts:
            continue
        if not sources & set((other.source or "").split(",")):
            continue
        if not editions & set(other.editions):
            continue
        theirs = store.read_parts(other.parts, columns=model.KEY)
        theirs = theirs[theirs["indicator"].isin(indicators)]  # often none: a report and its long file differ
        if theirs.empty:
            continue
        clash = obs[model.KEY].merge(theirs.astype(obs[model.KEY].dtypes.to_dict()), on=model.KEY)
        if not clash.empty:
            first = clash.iloc[0]
            return (
                f"{len(clash)} observations are already stored from {other.path} "
                f"(e.g. {first['entity']} / {first['indicator']} / edition {first['edition']}); "
                "remove one of the two files"
            )
    return None


def ingest(
    raw_dir: Path | str = "data/raw",
    processed_dir: Path | str = "data/processed",
    *,
    force: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> IngestReport:
    raw_dir, store = Path(raw_dir), Store(processed_dir)
    if not raw_dir.is_dir():
        raise InputError(raw_dir, "is not a folder")
    with store.lock():
        manifest = store.load_manifest()
        if store.journal_path.exists():  # a killed run's journal (maybe with a torn line): fold it in first
            store.save_manifest(manifest)
        store.collect_garbage(manifest)  # leftovers of a killed run
        data_files, ignored = scan(raw_dir)
        demo = demo_checksums(raw_dir)
        fingerprint = code_fingerprint()
        results: list[FileResult] = []

        found = {p.relative_to(raw_dir).as_posix(): p for p in data_files}
        # Removed files stay in the manifest until the end of the run, or until a file that replaces them commits.
        going = {rel: manifest.files[rel] for rel in sorted(set(manifest.files) - set(found))}
        revised: list[EditionRevision] = []

        stats = {rel: p.stat() for rel, p in found.items()}
        checksums = {rel: _checksum(p, stats[rel], manifest.files.get(rel), force) for rel, p in found.items()}
        official_present = any(sha not in demo for sha in checksums.values())
        touched = False  # an unchanged file's modification time to record

        def skipped_as_demo(rel: str) -> bool:
            return checksums[rel] in demo and official_present

        def unchanged(rel: str) -> bool:
            previous = manifest.files.get(rel)
            return (
                previous is not None
                and previous.status == "stored"
                and previous.sha256 == checksums[rel]
                and previous.layout is not None
                and previous.fingerprint == fingerprint
                and not force
            )

        for i, (rel, path) in enumerate(sorted(found.items())):
            if progress:
                progress(i, len(found), rel)
            touched |= _ingest_one(
                store, manifest, results, rel, path, checksums[rel], stats[rel],
                demo=checksums[rel] in demo, skip_demo=skipped_as_demo(rel), unchanged=unchanged(rel),
                fingerprint=fingerprint, going=going, revised=revised,
            )  # fmt: skip
        if progress:
            progress(len(found), len(found), "")
        for gone in going:
            store.commit_entry(manifest, gone, None)
            results.append(FileResult(gone, "removed", message="no longer in the raw folder; its data were removed"))
        if touched or store.journal_path.exists():  # one rewrite per run, folding in the journal
            store.save_manifest(manifest)
        store.collect_garbage(manifest)
    return IngestReport(results, [p.relative_to(raw_dir).as_posix() for p in ignored], revised)


def _ingest_one(
    store: Store,
    manifest: Manifest,
    results: list[FileResult],
    rel: str,
    path: Path,
    sha: str,
    stat: os.stat_result,
    *,
    demo: bool,
    skip_demo: bool,
    unchanged: bool,
    fingerprint: str,
    going: dict[str, FileEntry],
    revised: list[EditionRevision],
) -> bool:
    """Store (or skip, or fail) one raw file and commit its entry: its parts (and its revision log, if it revises
    stored figures) are written and made durable first, so the manifest on disk never lists a part that is not.
    True when only its modification time is new."""

    def commit(entry: FileEntry) -> None:
        store.commit_entry(manifest, rel, entry)

    previous = manifest.files.get(rel)
    size, mtime = stat.st_size, stat.st_mtime_ns
    base = FileEntry(path=rel, sha256=sha, size=size, status="", is_demo=demo, mtime_ns=mtime)
    if skip_demo:
        base.status = "skipped"
        base.message = "demo data; not stored because official data are in the raw folder"
        commit(base)
        results.append(FileResult(rel, "skipped", message=base.message))
        return False
    if unchanged:
        assert previous is not None
        results.append(FileResult(rel, "unchanged", previous.source, previous.editions, previous.rows))
        if previous.mtime_ns != mtime:  # touched but the same, or stored by an older version: note the time
            previous.mtime_ns = mtime
            return True
        return False
    try:
        source, layout, obs = read_file(path, rel, sha)
        clash = conflicts(store, manifest, rel, obs, frozenset(going))
        if clash:
            raise InputError(rel, clash)
    except InputError as exc:
        entry = base
        entry.status = "failed"
        entry.message = exc.problem
        if previous is not None and previous.parts:
            # Keep serving the last good version of this file.
            entry.parts, entry.source, entry.layout = previous.parts, previous.source, previous.layout
            entry.editions, entry.reference_periods = previous.editions, previous.reference_periods
            entry.rows, entry.stored_sha256 = previous.rows, previous.stored_sha256
            entry.stored_at, entry.fingerprint = previous.stored_at, previous.fingerprint
            entry.message += " (the previously stored version of this file is still used)"
        entry.ingested_at = _now()
        commit(entry)
        results.append(FileResult(rel, "failed", message=exc.message))
        return False
    now = _now()
    entry = base
    entry.status = "stored"
    entry.fingerprint = fingerprint
    entry.source, entry.layout = source, layout
    entry.editions = sorted(int(e) for e in obs["edition"].unique())
    entry.reference_periods = sorted(str(r) for r in obs["reference_period"].unique())
    entry.rows = len(obs)
    entry.ingested_at = entry.stored_at = now
    entry.stored_sha256 = sha
    warnings = list(obs.attrs.get("warnings", []))
    entry.message = "; ".join(f"warning: {w}" for w in warnings)
    replaced = {} if demo else _replaced(store, previous, obs, going)
    log = revision_log(store, rel, sha, now, obs, previous, replaced)
    entry.parts = store.write_parts(obs)
    log_parts = []
    if log is not None:
        log["generation"] = manifest.generation + 1  # the commit below
        log_parts.append(store.write_revisions(log))
    store.commit(manifest, {rel: entry, **dict.fromkeys(replaced)}, log_parts)
    for gone in replaced:
        del going[gone]
        results.append(FileResult(gone, "removed", message=f"no longer in the raw folder; replaced by {rel}"))
    results.append(FileResult(rel, "stored", source, entry.editions, entry.rows, warnings=warnings))
    if log is not None:
        from rankings import revisions

        revised.extend(revisions.summarise(log))
    return False


def _pairs(df: pd.DataFrame) -> set[tuple[str, int]]:
    """The (source, edition) pairs a table holds."""
    return {(str(s), int(e)) for s, e in df[["source", "edition"]].drop_duplicates().itertuples(index=False)}


def _replaced(
    store: Store, previous: FileEntry | None, obs: pd.DataFrame, going: dict[str, FileEntry]
) -> dict[str, tuple[FileEntry, pd.DataFrame]]:
    """The removed files this new file takes the place of, with their observations: official ones with its source
    and an edition of it that share figures with it (a file with other indicators of the same edition, such as the
    EU benchmark's report beside its machine-readable file, is not a replacement). A file whose own previous
    version is stored replaces that version, not another file."""
    if not going or (previous is not None and previous.parts):
        return {}
    from rankings import model

    pairs = _pairs(obs)
    out = {}
    for rel, entry in going.items():
        if entry.is_demo or not entry.parts:
            continue
        if not pairs & {(s, int(e)) for s in (entry.source or "").split(",") for e in entry.editions}:
            continue
        theirs = store.read_parts(entry.parts)
        shared = obs[model.KEY].merge(theirs[model.KEY].astype(obs[model.KEY].dtypes.to_dict()), on=model.KEY)
        if not shared.empty:
            out[rel] = (entry, theirs)
    return out


def revision_log(
    store: Store,
    rel: str,
    sha: str,
    now: str,
    obs: pd.DataFrame,
    previous: FileEntry | None,
    replaced: dict[str, tuple[FileEntry, pd.DataFrame]],
) -> pd.DataFrame | None:
    """What this version of a file revises, as revision-log records; None when it revises nothing (a file seen for
    the first time is not compared at all)."""
    revises_itself = bool(previous and previous.parts and not previous.is_demo and previous.stored_sha256 != sha)
    if not revises_itself and not replaced:
        return None
    import pandas as pd

    from rankings import revisions

    new = revisions.Version(rel, sha)
    logs = []
    if revises_itself:
        assert previous is not None
        old = revisions.Version(rel, previous.stored_sha256 or previous.sha256, previous.stored_at)
        logs.append(revisions.compare(store.read_parts(previous.parts), obs, old, new, now))
    for gone, (entry, theirs) in replaced.items():
        old = revisions.Version(gone, entry.stored_sha256 or entry.sha256, entry.stored_at)
        logs.append(revisions.compare(theirs, obs, old, new, now, scope=_pairs(theirs) & _pairs(obs)))
    logs = [log for log in logs if not log.empty]
    return revisions.conform(pd.concat(logs, ignore_index=True)) if logs else None
