"""Files uploaded in the app: checked completely before anything is stored, then ingested like any raw file."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rankings import ingest
from rankings.errors import InputError
from rankings.rawfile import DATA_SUFFIXES, sha256_of
from rankings.store import Store, atomic_write_bytes

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
    with tempfile.TemporaryDirectory(prefix="rankings-upload-") as tmp:
        path = Path(tmp) / display
        path.write_bytes(data)
        sha = sha256_of(path)
        try:
            source, layout, obs = ingest.read_file(path, display, sha)
            store = Store(processed)
            clash = ingest.conflicts(store, store.load_manifest(), f"{UPLOAD_FOLDER}/{display}", obs)
            if clash:
                raise InputError(display, clash)
        except InputError as exc:
            return UploadCheck(display, False, exc.message)
    return UploadCheck(
        display,
        True,
        f"{display}: {layout}, {len(obs)} observations",
        source=source,
        layout=layout,
        editions=sorted(int(e) for e in obs["edition"].unique()),
        rows=len(obs),
        warnings=list(obs.attrs.get("warnings", [])),
    )


def accept(name: str, data: bytes, raw_dir: Path | str, processed: Path | str) -> ingest.IngestReport:
    """Store a checked upload under ``raw/uploads/`` and ingest the raw folder (a type or size that
    :func:`check` refuses is refused here too, before anything is written)."""
    refused = _refused(safe_name(name), data)
    if refused:
        raise InputError(safe_name(name), refused)
    target = Path(raw_dir) / UPLOAD_FOLDER / safe_name(name)
    atomic_write_bytes(target, data)
    return ingest.ingest(raw_dir, processed)
