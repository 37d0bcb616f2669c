"""Files uploaded in the app: checked completely before anything is stored, then ingested like any raw file.

An upload named like a stored file that holds the same figures (a publisher's corrected ``EGOV_DATA_2022.csv``)
is that file's new version: it takes the old file's place in the raw folder, and the ingest records the revision.
The check says so beforehand, with what would change.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rankings import ingest
from rankings.errors import InputError
from rankings.rawfile import DATA_SUFFIXES, sha256_of
from rankings.store import FileEntry, Manifest, Store, atomic_write_bytes

if TYPE_CHECKING:
    import pandas as pd

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
UPLOAD_FOLDER = "uploads"


@dataclass
class UploadCheck:
    name: str
    ok: bool
    message: str
    source: str | None = None
    layout: str | None = None
    editions: list[int] = field(default_factory=list)
    rows: int = 0
    warnings: list[str] = field(default_factory=list)
    replaces: str | None = None  # the stored raw file (relative path) this upload is a new version of
    revisions: list[str] = field(default_factory=list)  # what replacing it would revise, one line per edition


def safe_name(name: str) -> str:
    """A plain file name: no folders, no control or shell characters."""
    base = Path(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\- ()+]", "_", base).strip(" .")
    return cleaned or "upload"


def _refused(display: str, data: bytes) -> str | None:
    """Why an upload is refused by its type or size alone (None when it is not)."""
    suffix = Path(display).suffix.lower()
    if suffix not in DATA_SUFFIXES:
        allowed = ", ".join(sorted(DATA_SUFFIXES))
        return f"files of type {suffix or '(none)'} are not accepted ({allowed})"
    if len(data) > MAX_UPLOAD_BYTES:
        return f"{len(data) / 1e6:.0f} MB is over the {MAX_UPLOAD_BYTES / 1e6:.0f} MB limit"
    return None


def check(name: str, data: bytes, processed: Path | str) -> UploadCheck:
    """Read and validate an upload as ingest would, without storing anything."""
    display = safe_name(name)
    refused = _refused(display, data)
    if refused:
        return UploadCheck(display, False, f"{display}: {refused}")
    replaces: str | None = None
    with tempfile.TemporaryDirectory(prefix="rankings-upload-") as tmp:
        path = Path(tmp) / display
        path.write_bytes(data)
        sha = sha256_of(path)
        try:
            source, layout, obs = ingest.read_file(path, display, sha)
            store = Store(processed)
            manifest = store.load_manifest()
            own = f"{UPLOAD_FOLDER}/{display}"
            clash = ingest.conflicts(store, manifest, own, obs)
            if clash:
                replaces = _version_of(store, manifest, display, obs)
                if replaces is None:
                    raise InputError(display, clash)
            elif own in manifest.files:
                replaces = own
        except InputError as exc:
            return UploadCheck(display, False, exc.message)
    message = f"{display}: {layout}, {len(obs)} observations"
    revised: list[str] = []
    if replaces is not None:
        revised = _preview(store, manifest.files[replaces], obs, sha)
        message += f"; a new version of {replaces}" + ("" if revised else " with the same figures")
    return UploadCheck(
        display,
        True,
        message,
        source=source,
        layout=layout,
        editions=sorted(int(e) for e in obs["edition"].unique()),
        rows=len(obs),
        warnings=list(obs.attrs.get("warnings", [])),
        replaces=replaces,
        revisions=revised,
    )


def _version_of(store: Store, manifest: Manifest, display: str, obs: pd.DataFrame) -> str | None:
    """The stored official file named like the upload whose figures the upload holds (it clashes with that file
    only), else None."""
    named = [
        e.path
        for e in manifest.files.values()
        if Path(e.path).name.lower() == display.lower() and e.parts and not e.is_demo
    ]
    if len(named) != 1:
        return None
    return named[0] if ingest.conflicts(store, manifest, named[0], obs) is None else None


def _preview(store: Store, entry: FileEntry, obs: pd.DataFrame, sha: str) -> list[str]:
    """What storing ``obs`` in place of ``entry`` would revise, as the ingest will say it."""
    from rankings import revisions

    log = ingest.revision_log(store, entry.path, sha, "", obs, entry, {})
    return [] if log is None else [r.line() for r in revisions.summarise(log)]


def accept(
    name: str, data: bytes, raw_dir: Path | str, processed: Path | str, *, replaces: str | None = None
) -> ingest.IngestReport:
    """Store a checked upload under ``raw/uploads/`` (or, as the new version of a stored file, in that file's place:
    ``replaces``, from :func:`check`) and ingest the raw folder. A type or size that :func:`check` refuses is refused
    here too, and a ``replaces`` that is not a stored file inside the raw folder, before anything is written."""
    display = safe_name(name)
    refused = _refused(display, data)
    if refused:
        raise InputError(display, refused)
    raw = Path(raw_dir).resolve()
    target = raw / UPLOAD_FOLDER / display
    if replaces is not None:
        target = (raw / replaces).resolve()
        known = Store(processed).load_manifest().files
        if replaces not in known or not target.is_relative_to(raw) or target.name.lower() != display.lower():
            raise InputError(display, f"{replaces} is not a stored file this upload can replace")
    try:
        atomic_write_bytes(target, data)
    except OSError as exc:
        raise InputError(display, f"cannot be written to {target.relative_to(raw)} ({exc.strerror})") from None
    return ingest.ingest(raw_dir, processed)
