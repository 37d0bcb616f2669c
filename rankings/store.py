"""The Parquet store under ``data/processed/``: immutable part files plus one manifest that says which are live.

Layout::

    data/processed/
      manifest.json                                        which raw file gave which parts (replaced atomically)
      manifest.journal                                     entries committed since (one JSON line each, appended)
      observations/source=<source>/edition=<edition>/<id>.parquet   one part per raw file, source and edition
      revisions/<id>.parquet                               the revision log: one part per revising file
      .lock                                                one ingest at a time

Why this layout: a part is written once under a new name and never modified. During an ingest each file's entry
is committed by appending one line to the journal (made durable before the next file starts); at the end of the
run the manifest is rewritten once, with every entry, in a single ``os.replace``, and the journal is removed.
Reading the manifest replays the journal's lines newer than it, and a torn last line (a kill mid-append) is
ignored. A reader therefore sees each file's old parts or its new ones, never a mix; a failed or killed run leaves
at worst unreferenced part files, which the next run deletes. Rewriting the whole manifest for every file would
make an ingest quadratic in files (at 1,300 entries one rewrite takes 0.1-0.16 s). Partitioning by source and
edition keeps each part small and lets DuckDB prune by path.

The revision log (:mod:`rankings.revisions`) is kept the same way: a file that revises stored figures gets an
immutable log part, written and made durable before the journal line that commits the file's new parts and lists
the log part, so a kill leaves both or neither.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rankings.errors import StoreError

# pandas and pyarrow are imported where parts are written or read: an ingest that finds nothing changed needs
# neither, and importing them is most of its time.
if TYPE_CHECKING:
    import pandas as pd

MANIFEST = "manifest.json"
JOURNAL = "manifest.journal"
PARTS = "observations"
REVISIONS = "revisions"
FORMAT_VERSION = 1
# Rows per Parquet row group. A part is sorted by country, so each row group covers a narrow range of ISO3 codes
# and its min/max statistics let a one-country query skip the others.
ROW_GROUP_ROWS = 16384


@dataclass
class FileEntry:
    """One raw file as the store knows it."""

    path: str  # relative to the raw folder, with forward slashes
    sha256: str
    size: int
    status: str  # "stored", "failed", "skipped"
    message: str = ""
    source: str | None = None
    layout: str | None = None
    editions: list[int] = field(default_factory=list)
    reference_periods: list[str] = field(default_factory=list)
    rows: int = 0
    ingested_at: str = ""
    is_demo: bool = False
    # Parts that hold this file's observations; kept from the last good version when a changed file fails.
    parts: list[str] = field(default_factory=list)
    stored_sha256: str | None = None  # checksum of the version whose parts are live
    stored_at: str = ""
    fingerprint: str = ""  # readers and reference data that produced the stored parts
    # Modification time of the file when its checksum was taken: same size and time, same checksum (not re-read).
    mtime_ns: int = 0


@dataclass
class Manifest:
    files: dict[str, FileEntry] = field(default_factory=dict)
    generation: int = 0
    revisions: list[str] = field(default_factory=list)  # the revision log's parts, oldest first

    def live_parts(self) -> list[str]:
        return sorted(p for e in self.files.values() for p in e.parts)

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for e in self.files.values():
            d = asdict(e)
            d["editions"] = ", ".join(str(x) for x in e.editions)
            d["reference_periods"] = ", ".join(e.reference_periods)
            d["parts"] = len(e.parts)
            rows.append(d)
        cols = list(FileEntry.__dataclass_fields__)
        return pd.DataFrame(rows, columns=cols)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old content or the new, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _write_durably(dest: Path, write: Callable[[Path], object]) -> None:
    """Write a new immutable file: ``write`` fills a hidden temporary file beside ``dest``, which is made durable
    and renamed; a failure leaves no file behind."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    try:
        write(tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


class Store:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    @property
    def journal_path(self) -> Path:
        return self.root / JOURNAL

    def load_manifest(self) -> Manifest:
        """The manifest with the journal's newer entries applied."""
        manifest = Manifest()
        if self.manifest_path.exists():
            try:
                raw = json.loads(self.manifest_path.read_text(encoding="utf-8"))
                files = {k: FileEntry(**v) for k, v in raw["files"].items()}
                revisions = [str(p) for p in raw.get("revisions", [])]
                manifest = Manifest(files=files, generation=int(raw.get("generation", 0)), revisions=revisions)
            except (ValueError, KeyError, TypeError) as exc:
                raise StoreError(f"{self.manifest_path}: the store's manifest cannot be read ({exc})") from None
        self._replay(manifest)
        return manifest

    def _replay(self, manifest: Manifest) -> None:
        try:
            lines = self.journal_path.read_bytes().split(b"\n")
        except FileNotFoundError:
            return
        complete = lines[:-1]  # what follows the last newline is a torn line, never committed: ignored
        for number, line in enumerate(complete, start=1):
            try:
                record = json.loads(line)
                generation = int(record["generation"])
                if generation <= manifest.generation:
                    continue  # already in the manifest (the run was killed between rewrite and removal)
                changes = record.get("changes", [record])
                for change in changes:
                    if change.get("entry") is None:
                        manifest.files.pop(str(change["path"]), None)
                    else:
                        manifest.files[str(change["path"])] = FileEntry(**change["entry"])
                manifest.revisions.extend(str(p) for p in record.get("revisions", []))
                manifest.generation = generation
            except (ValueError, KeyError, TypeError) as exc:
                raise StoreError(f"{self.journal_path}: line {number} cannot be read ({exc})") from None

    def commit_entry(self, manifest: Manifest, path: str, entry: FileEntry | None) -> None:
        """Set (or, with None, remove) one file's entry, durably: see :meth:`commit`."""
        self.commit(manifest, {path: entry})

    def commit(
        self, manifest: Manifest, changes: dict[str, FileEntry | None], revisions: list[str] | None = None
    ) -> None:
        """Set (or, with None, remove) some files' entries and add revision-log parts, durably and together: one
        line appended to the journal.

        The entries' parts and the log parts must already be durable. Cheap whatever the manifest's size;
        :meth:`save_manifest` folds the journal into the manifest at the end of a run."""
        for path, entry in changes.items():
            if entry is None:
                manifest.files.pop(path, None)
            else:
                manifest.files[path] = entry
        manifest.revisions.extend(revisions or [])
        manifest.generation += 1
        record: dict[str, object] = {
            "generation": manifest.generation,
            "changes": [{"path": p, "entry": None if e is None else asdict(e)} for p, e in changes.items()],
        }
        if revisions:
            record["revisions"] = list(revisions)
        line = json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
        self.root.mkdir(parents=True, exist_ok=True)
        new = not self.journal_path.exists()
        with self.journal_path.open("ab") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        if new:
            _fsync_dir(self.root)

    def save_manifest(self, manifest: Manifest) -> None:
        """Rewrite the whole manifest (atomically) and drop the journal it now holds."""
        manifest.generation += 1
        payload = {
            "format": FORMAT_VERSION,
            "generation": manifest.generation,
            "files": {k: asdict(v) for k, v in sorted(manifest.files.items())},
            "revisions": manifest.revisions,
        }
        atomic_write_bytes(self.manifest_path, json.dumps(payload, indent=1, ensure_ascii=False).encode("utf-8"))
        if self.journal_path.exists():
            self.journal_path.unlink()
            _fsync_dir(self.root)

    def write_parts(self, observations: pd.DataFrame) -> list[str]:
        """Write one new immutable part per source and edition; return their paths relative to the root."""
        import pyarrow.parquet as pq

        from rankings import model

        written: list[str] = []
        for (source, edition), group in observations.groupby(["source", "edition"], sort=True):
            rel = Path(PARTS) / f"source={source}" / f"edition={int(edition)}" / f"{uuid.uuid4().hex}.parquet"
            group = group.sort_values(["iso3", "indicator", "reference_period"], kind="stable", na_position="last")
            _write_durably(
                self.root / rel,
                lambda tmp, group=group: pq.write_table(
                    model.to_arrow(group), tmp, compression="zstd", row_group_size=ROW_GROUP_ROWS
                ),
            )
            written.append(rel.as_posix())
        return written

    def write_revisions(self, log: pd.DataFrame) -> str:
        """Write one immutable part of the revision log (durably); return its path relative to the root."""
        import pyarrow.parquet as pq

        from rankings import revisions

        rel = Path(REVISIONS) / f"{uuid.uuid4().hex}.parquet"
        _write_durably(self.root / rel, lambda tmp: pq.write_table(revisions.to_arrow(log), tmp, compression="zstd"))
        return rel.as_posix()

    def read_revisions(self, manifest: Manifest) -> pd.DataFrame:
        """The whole revision log, oldest first."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        from rankings import revisions

        if not manifest.revisions:
            return revisions.empty()
        tables = [pq.read_table(self.root / p) for p in manifest.revisions]
        return revisions.conform(pa.concat_tables(tables).to_pandas())

    def read_parts(self, parts: list[str], columns: list[str] | None = None) -> pd.DataFrame:
        import pyarrow.parquet as pq

        from rankings import model

        if not parts:
            return model.empty() if columns is None else model.empty()[columns]
        tables = [pq.read_table(self.root / p, columns=columns) for p in parts]
        import pyarrow as pa

        return pa.concat_tables(tables).to_pandas()

    def collect_garbage(self, manifest: Manifest) -> int:
        """Delete part files (and leftovers of killed runs) that the manifest does not reference."""
        live = {str(self.root / p) for p in [*manifest.live_parts(), *manifest.revisions]}
        removed = 0
        for base in (self.root / PARTS, self.root / REVISIONS):
            if not base.exists():
                continue
            for path in base.rglob("*"):
                if path.is_file() and str(path) not in live:
                    path.unlink(missing_ok=True)
                    removed += 1
            for d in sorted((p for p in base.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
                with contextlib.suppress(OSError):
                    d.rmdir()
        for tmp in self.root.glob(f".{MANIFEST}.*.tmp"):
            tmp.unlink(missing_ok=True)
        return removed

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One writer at a time; a second ingest waits for the first."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
