"""The survey store: submission workbooks normalised into Parquet, like every other input.

Layout (inside the processed folder)::

    surveys/
      manifest.json                  every workbook of the survey folder: checksum, status, its parts; the flags
      parts/<kind>/<id>.parquet      immutable parts: submission, questions, answers (per workbook), flags
      decisions.sqlite               coordinators' decisions and the audit trail (see decisions.py)
      .lock                          one sync at a time

The workbooks themselves stay in the survey folder (``data/surveys/`` or ``RANKINGS_SURVEYS``); uploads from
the page are saved there under ``uploads/<submission id>.xlsx``. :meth:`SurveyStore.sync` mirrors the folder,
as ingest mirrors ``data/raw``: new or changed workbooks are read and stored, removed ones dropped, a workbook
that cannot be read is listed with its message (and its last good version, if any, stays). Several workbooks
may hold versions of one submission (same survey, cycle and country): the most recently modified is current.
The previous cycle of a submission is the stored submission of the same survey and country with the latest
earlier cycle. Flags are stored per current submission and recomputed when the draft, its previous cycle, the
stored rankings, the mappings or the code of the rules change. Parts and manifest are written as in the ranking
store (new files, then the manifest replaced atomically), so a reader never sees half a sync.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from rankings.errors import InputError, StoreError
from rankings.store import atomic_write_bytes
from rankings.survey import surveys_dir
from rankings.survey.files import (
    FLAG_COLUMNS,
    PARTS,
    FlagsEntry,
    SurveyFiles,
    SurveyManifest,
    Version,
    current_versions,
)
from rankings.survey.rules import Flag, check
from rankings.survey.workbook import (
    WORKBOOK_SUFFIXES,
    Submission,
    read_submission,
    slug,
)

UPLOADS = "uploads"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SUBMISSION_COLUMNS = [
    "submission_id",
    "survey",
    "cycle",
    "country",
    "country_name",
    "reference_period_start",
    "reference_period_end",
    "deadline",
    "file",
    "sha256",
]


@dataclass
class SyncReport:
    stored: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)  # older versions of a submission, not current
    flagged: list[str] = field(default_factory=list)  # submissions whose flags were (re)computed


def cycle_key(cycle: str) -> tuple[object, ...]:
    """Natural order of cycles: ``2023`` < ``2023-2024`` < ``2025``; numbers compare as numbers."""
    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.findall(r"\d+|\D+", cycle))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class SurveyStore(SurveyFiles):
    """Sync, flags and uploads; the manifest and the parts' listing are :class:`SurveyFiles`'."""

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # --- parts ---

    def _write_part(self, kind: str, frame: pd.DataFrame) -> str:
        rel = Path(PARTS) / kind / f"{uuid.uuid4().hex}.parquet"
        dest = self.root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        buffer = pa.BufferOutputStream()
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer, compression="zstd")
        atomic_write_bytes(dest, buffer.getvalue().to_pybytes())
        return rel.as_posix()

    def _read_part(self, rel: str) -> pd.DataFrame:
        return _read_part(self.root, rel)

    def _collect_garbage(self, manifest: SurveyManifest) -> None:
        live = {str(self.root / p) for p in manifest.live_parts()}
        base = self.root / PARTS
        if base.exists():
            for path in base.rglob("*.parquet"):
                if str(path) not in live:
                    path.unlink(missing_ok=True)

    # --- sync ---

    def sync(self, folder: Path | str | None = None) -> SyncReport:
        """Mirror the survey folder into the store (see the module's docstring)."""
        folder = Path(folder) if folder is not None else surveys_dir()
        report = SyncReport()
        with self.lock():
            manifest = self.load_manifest()
            changed = False
            found = _scan(folder)
            for rel in sorted(set(manifest.versions) - set(found)):
                del manifest.versions[rel]
                report.removed.append(rel)
                changed = True
            for rel, path in found.items():
                changed |= self._sync_file(manifest, folder, rel, path, report)
            current = current_versions(manifest)
            report.superseded = sorted(
                v.path for v in manifest.versions.values() if v.parts and current.get(v.submission_id) is not v
            )
            changed |= self._sync_flags(manifest, current, report)
            for sid, version in current.items():
                if sid in report.flagged or not self.decisions.has_submission(sid):
                    self.decisions.sync_answers(self._load_version(version))
            if changed:
                self._save_manifest(manifest)
                self._collect_garbage(manifest)
        return report

    def _sync_file(self, manifest: SurveyManifest, folder: Path, rel: str, path: Path, report: SyncReport) -> bool:
        st = path.stat()
        old = manifest.versions.get(rel)
        if old is not None and (old.size, old.mtime_ns) == (st.st_size, st.st_mtime_ns):
            return False
        try:
            submission = read_submission(path, rel)
        except InputError as exc:
            from rankings.rawfile import sha256_of

            keep = old.parts if old is not None else {}
            message = exc.problem + (" (the last good version is kept)" if keep else "")
            good = old if old is not None and keep else Version(rel, "", 0, 0, "failed")
            manifest.versions[rel] = Version(
                path=rel,
                sha256=sha256_of(path),
                size=st.st_size,
                mtime_ns=st.st_mtime_ns,
                status="failed",
                message=message,
                submission_id=good.submission_id,
                survey=good.survey,
                cycle=good.cycle,
                country=good.country,
                parts=keep,
                stored_at=good.stored_at,
            )
            report.failed.append((rel, exc.message))
            return True
        if old is not None and old.sha256 == submission.sha256 and old.status == "stored":
            old.mtime_ns, old.size = st.st_mtime_ns, st.st_size
            return True
        parts = {kind: self._write_part(kind, frame) for kind, frame in submission.frames().items()}
        m = submission.meta
        manifest.versions[rel] = Version(
            path=rel,
            sha256=submission.sha256,
            size=st.st_size,
            mtime_ns=st.st_mtime_ns,
            status="stored",
            submission_id=submission.submission_id,
            survey=m.survey,
            cycle=m.cycle,
            country=m.country,
            parts=parts,
            stored_at=_now(),
        )
        report.stored.append(rel)
        return True

    def _context(self, draft: Version, previous: Version | None) -> str:
        from rankings.store import Store

        try:
            generation = Store(self.processed).load_manifest().generation
        except StoreError:
            generation = -1
        # The stored parts, not the workbooks' checksums: a changed workbook that fails keeps its last good parts,
        # and its flags stand (recomputing them would rewrite the store for nothing).
        parts = [sorted(v.parts.values()) if v is not None else None for v in (draft, previous)]
        key = [_code_fingerprint(), generation, *parts]
        return hashlib.sha256(json.dumps(key).encode()).hexdigest()[:24]

    def _sync_flags(self, manifest: SurveyManifest, current: dict[str, Version], report: SyncReport) -> bool:
        from rankings.survey.mapping import published_lookup

        changed = False
        for sid in sorted(set(manifest.flags) - set(current)):
            del manifest.flags[sid]
            changed = True
        for sid, draft in current.items():
            prev = _previous(draft, current)
            context = self._context(draft, prev)
            entry = manifest.flags.get(sid)
            if entry is not None and entry.context == context:
                continue
            submission = self._load_version(draft)
            previous = self._load_version(prev) if prev else None
            flags = check(submission, previous, published_lookup(self.processed))
            checked_at = _now()
            prev_id = prev.submission_id if prev else None
            frame = pd.DataFrame(
                [
                    [sid, f.question_id, f.rule, f.severity, f.message, f.section, f.row, prev_id, checked_at]
                    for f in flags
                ],
                columns=FLAG_COLUMNS,
            ).astype({c: "string" for c in FLAG_COLUMNS if c != "source_row"} | {"source_row": "Int64"})
            counts = {s: sum(f.severity == s for f in flags) for s in ("error", "warning", "info")}
            manifest.flags[sid] = FlagsEntry(
                submission_id=sid,
                draft_sha256=draft.sha256,
                previous_id=prev_id,
                context=context,
                part=self._write_part("flags", frame),
                checked_at=checked_at,
                counts=counts,
            )
            report.flagged.append(sid)
            changed = True
        return changed

    # --- reading ---

    def _load_version(self, version: Version) -> Submission:
        loaded = _loaded(self.root, tuple(sorted(version.parts.items())))
        return replace(loaded, questions=list(loaded.questions), answers=list(loaded.answers))

    def current(self) -> dict[str, Version]:
        return current_versions(self.load_manifest())

    def load(self, submission_id: str) -> Submission:
        version = self.current().get(submission_id)
        if version is None:
            raise InputError(None, f"no stored submission {submission_id!r}")
        return self._load_version(version)

    def previous(self, submission_id: str) -> Submission | None:
        current = self.current()
        prev = _previous(current[submission_id], current) if submission_id in current else None
        return self._load_version(prev) if prev else None

    def flags(self, submission_id: str) -> list[Flag]:
        entry = self.load_manifest().flags.get(submission_id)
        if entry is None:
            return []
        return list(_flags(self.root, entry.part))

    # --- uploads ---

    def save_upload(
        self, data: bytes, filename: str, folder: Path | str | None = None, *, previous_of: Submission | None = None
    ) -> Submission:
        """Check an uploaded workbook's content and, when it is a readable submission, save it in the survey
        folder (``uploads/<submission id>.xlsx``, replacing an earlier upload of the same submission) and sync.

        ``previous_of``: the upload is the previous cycle of that draft, so it must be of the same country and
        an earlier cycle."""
        folder = Path(folder) if folder is not None else surveys_dir()
        name = Path(filename).name or "upload"
        if Path(name).suffix.lower() != ".xlsx":
            raise InputError(name, "is not an .xlsx workbook; upload the submission workbook (.xlsx)")
        if not data:
            raise InputError(name, "is empty")
        if len(data) > MAX_UPLOAD_BYTES:
            size, limit = len(data) / 2**20, MAX_UPLOAD_BYTES // 2**20
            raise InputError(name, f"is {size:.1f} MB; uploads over {limit} MB are refused")
        incoming = folder / ".incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=incoming, suffix=".xlsx")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            submission = read_submission(Path(tmp), name)
            if previous_of is not None:
                _check_previous(name, submission, previous_of)
            dest = folder / UPLOADS / f"{submission.submission_id}.xlsx"  # the id is made of [a-z0-9_-]
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, dest)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        self.sync(folder)
        return submission


# Parts are immutable (a new version is written under a new name), so what was read from them is kept: the survey
# page reads the current submission, its previous cycle and their flags on every rerun.
@lru_cache(maxsize=32)
def _loaded(root: Path, parts: tuple[tuple[str, str], ...]) -> Submission:
    return Submission.from_frames({kind: _read_part(root, rel) for kind, rel in parts})


@lru_cache(maxsize=32)
def _flags(root: Path, part: str) -> tuple[Flag, ...]:
    return tuple(
        Flag(
            question_id=str(r["question_id"]),
            rule=str(r["rule"]),
            severity=str(r["severity"]),
            message=str(r["message"]),
            section=str(r["section"]),
            row=None if pd.isna(r["source_row"]) else int(r["source_row"]),
        )
        for r in _read_part(root, part).to_dict("records")
    )


def _read_part(root: Path, rel: str) -> pd.DataFrame:
    try:
        return pq.read_table(root / rel).to_pandas()
    except (OSError, pa.ArrowException) as exc:
        raise StoreError(f"{root / rel}: a stored survey part cannot be read ({exc})") from None


def _check_previous(name: str, previous: Submission, draft: Submission) -> None:
    if previous.meta.country != draft.meta.country:
        raise InputError(
            name, f"is the submission of {previous.meta.country_name}, the draft is {draft.meta.country_name}'s"
        )
    if cycle_key(previous.meta.cycle) >= cycle_key(draft.meta.cycle):
        raise InputError(name, f"is cycle {previous.meta.cycle}, not a cycle before the draft's ({draft.meta.cycle})")


@cache
def _code_fingerprint() -> str:
    """The rules, the reader and the mappings that compute flags: a change to any recomputes stored flags."""
    from rankings.survey import mapping, rules, workbook

    digest = hashlib.sha256()
    for path in (Path(rules.__file__), Path(workbook.__file__), Path(mapping.__file__), mapping.MAPPINGS_PATH):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _scan(folder: Path) -> dict[str, Path]:
    """Workbooks of the survey folder by relative path (Office lock files and hidden folders skipped)."""
    if not folder.is_dir():
        return {}
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or path.name.startswith("~$"):
            continue
        if path.is_file() and path.suffix.lower() in WORKBOOK_SUFFIXES:
            out[rel.as_posix()] = path
    return out


def _previous(draft: Version, current: dict[str, Version]) -> Version | None:
    """The stored submission of the same survey and country with the latest cycle before the draft's."""
    candidates = [
        v
        for v in current.values()
        if v.country == draft.country
        and _survey_key(v.survey) == _survey_key(draft.survey)
        and cycle_key(v.cycle) < cycle_key(draft.cycle)
    ]
    return max(candidates, key=lambda v: cycle_key(v.cycle), default=None)


def _survey_key(survey: str) -> str:
    """A survey's name compared across cycles: a year in the name (``... 2023``) does not make another survey."""
    return slug(re.sub(r"\b(19|20)\d{2}\b", "", survey)).casefold()
