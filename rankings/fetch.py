"""``python -m rankings fetch``: download the publishers' current files into the raw folder.

What is downloaded is reviewed metadata: ``fetch`` in ``rankings/reference/sources/<source>.yaml`` lists each
file's URL and published name, or names the page to download from by hand (``manual``) where the publisher
offers no direct link. A file goes to ``<raw>/<source folder>/<published name>`` like this:

- a conditional request (``If-None-Match`` / ``If-Modified-Since`` with the validators the publisher sent last
  time), so an unchanged file is not downloaded again;
- streamed to a hidden temporary file in the same folder (ingest skips hidden files), then checked by content
  (a workbook must be one, a CSV must be text and not an HTML page) and only then moved over the old file with
  ``os.replace``: a partial or wrong file never replaces anything, and a failed download leaves the old file;
- timeouts (connect and read) and retries with exponential backoff on connection errors, timeouts and 5xx
  answers (not on 4xx, which do not get better by asking again);
- the standard proxy variables (``HTTPS_PROXY``, ``HTTP_PROXY``, ``NO_PROXY``) honoured, by ``requests``;
- provenance beside the files, as OWID's snapshots keep it: ``<folder>/.provenance.json`` maps each file name to
  its URL, SHA-256, size, date accessed and the publisher's ``ETag`` / ``Last-Modified``.

The app never fetches by itself (agency networks may be air-gapped): the Data page offers an admin's fetch only
when ``fetch: {enabled: true}`` is set in ``config/app.yaml``.
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import json
import os
import tempfile
import time
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rankings import i18n, metadata

if TYPE_CHECKING:
    import requests

    from rankings.ingest import IngestReport

PROVENANCE = ".provenance.json"
USER_AGENT = "rankings-fetch/0.1 (digital-government rankings; python-requests)"
DEFAULT_TIMEOUT = (10.0, 60.0)  # seconds to connect, seconds between bytes
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 1.0  # seconds before the first retry; doubled for each further one
CHUNK = 1 << 16
ZIP_MAGIC = b"PK\x03\x04"  # .xlsx and .xlsm are zip packages
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
KINDS = {".xlsx": "workbook", ".xlsm": "workbook", ".xls": "old workbook", ".csv": "text", ".tsv": "text"}


class UnknownSource(ValueError):
    """A source id that the metadata does not hold (a usage error: exit 2)."""


class FetchConfigError(ValueError):
    """``fetch`` in config/app.yaml cannot be read."""


class _Failed(Exception):
    """One file could not be fetched; ``retry`` when asking again may help (connection, timeout, 5xx)."""

    def __init__(self, reason: str, *, retry: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


@dataclass(frozen=True)
class Target:
    """One file to fetch: its URL, where it goes and the sources that declare it."""

    sources: tuple[str, ...]
    url: str
    path: Path


@dataclass(frozen=True)
class Outcome:
    source: str  # source ids, comma-joined where one file serves several
    url: str
    status: str  # fetched, unchanged, failed, manual, planned (dry run)
    path: Path | None = None
    message: str = ""

    def line(self) -> str:
        if self.status == "manual":
            return self.message
        if self.status == "planned":
            return f"would fetch {self.url} -> {self.path}"
        if self.status == "failed":
            return f"failed: {self.url}: {self.message}"
        return f"{self.status}: {self.path} ({self.message})" if self.message else f"{self.status}: {self.path}"


@dataclass
class FetchReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def changed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "fetched"]


def enabled(path: Path | None = None) -> bool:
    """Whether the app offers an admin's fetch: ``fetch: {enabled: true}`` in config/app.yaml (default off)."""
    path = path or i18n.app_config_path()
    if not path.exists():
        return False
    try:
        raw = metadata.load_reference(path) or {}
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise FetchConfigError(f"{path}: cannot be read as YAML ({exc})") from None
    spec = raw.get("fetch", {}) if isinstance(raw, dict) else None
    if spec is None:
        return False
    if not isinstance(spec, dict) or set(spec) - {"enabled"} or not isinstance(spec.get("enabled", False), bool):
        raise FetchConfigError(f"{path}: fetch must be 'fetch: {{enabled: true}}' or 'fetch: {{enabled: false}}'")
    return bool(spec.get("enabled", False))


def source_folder(source: metadata.Source, raw_dir: Path) -> Path:
    """``raw_folder`` of the metadata (``data/raw/un_egov/``) under ``raw_dir``."""
    folder = Path(source.raw_folder)
    try:
        folder = folder.relative_to("data/raw")
    except ValueError:
        folder = Path(folder.name)
    return raw_dir / folder


def plan(
    source_ids: Sequence[str] | None, raw_dir: Path, catalogue: Mapping[str, metadata.Source] | None = None
) -> tuple[list[Target], list[Outcome]]:
    """The files to fetch for these sources (all when none), one target per destination, and the sources to
    download by hand. ``catalogue`` replaces the reviewed sources metadata (the tests point it at a local server).
    An unknown id is :class:`UnknownSource`, with the close matches."""
    known = dict(catalogue) if catalogue is not None else metadata.sources()
    for sid in source_ids or ():
        if sid not in known:
            close = difflib.get_close_matches(sid, list(known), n=3, cutoff=0.5)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise UnknownSource(f"unknown source {sid!r}{hint} (sources: {', '.join(known)})")
    chosen = [known[sid] for sid in dict.fromkeys(source_ids or known)]
    targets: dict[Path, Target] = {}
    manual: list[Outcome] = []
    for src in chosen:
        if src.manual:
            message = f"{src.title}: manual download from {src.manual}"
            manual.append(Outcome(src.id, src.manual, "manual", message=message))
        for file in src.files:
            if Path(file.name).suffix.lower() not in KINDS:
                raise ValueError(
                    f"{metadata.REFERENCE / 'sources' / (src.id + '.yaml')}: fetch: {file.name} is not a data file "
                    f"({', '.join(sorted(KINDS))})"
                )
            path = source_folder(src, raw_dir) / file.name
            if path in targets:
                if targets[path].url != file.url:
                    raise ValueError(f"sources {', '.join(targets[path].sources)} and {src.id}: two URLs for {path}")
                targets[path] = Target((*targets[path].sources, src.id), file.url, path)
            else:
                targets[path] = Target((src.id,), file.url, path)
    return list(targets.values()), manual


def fetch(
    source_ids: Sequence[str] | None = None,
    raw_dir: Path | str = "data/raw",
    *,
    dry_run: bool = False,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
    progress: bool = False,
    catalogue: Mapping[str, metadata.Source] | None = None,
) -> FetchReport:
    """Fetch the sources' files (all sources when none are named); ``dry_run`` only says what it would fetch.
    ``catalogue`` replaces the reviewed sources metadata (see :func:`plan`)."""
    raw_dir = Path(raw_dir)
    targets, manual = plan(source_ids, raw_dir, catalogue)
    report = FetchReport(list(manual))
    if dry_run:
        report.outcomes += [Outcome(",".join(t.sources), t.url, "planned", t.path) for t in targets]
        return report
    import requests

    with requests.Session() as session:  # trust_env: the proxy variables and NO_PROXY are honoured
        session.headers["User-Agent"] = USER_AGENT
        for target in targets:
            for stale in target.path.parent.glob(f".{target.path.name}.*.part"):
                stale.unlink(missing_ok=True)  # left by a killed run
            report.outcomes.append(_fetch_with_retries(session, target, timeout, retries, backoff, progress))
    return report


def refresh(
    source_ids: Sequence[str] | None = None,
    raw_dir: Path | str = "data/raw",
    processed_dir: Path | str = "data/processed",
    **options: Any,
) -> tuple[FetchReport, IngestReport | None]:
    """Fetch, then ingest when a file changed (the Data page's admin fetch); the ingest's report, or None."""
    from rankings.ingest import ingest

    report = fetch(source_ids, raw_dir, **options)
    return report, (ingest(raw_dir, processed_dir) if report.changed else None)


def _fetch_with_retries(
    session: requests.Session,
    target: Target,
    timeout: tuple[float, float],
    retries: int,
    backoff: float,
    progress: bool,
) -> Outcome:
    source = ",".join(target.sources)
    attempts = retries + 1
    for attempt in range(attempts):
        try:
            status, message = _fetch_one(session, target, timeout, progress)
            return Outcome(source, target.url, status, target.path, message)
        except _Failed as exc:
            if not exc.retry:
                return Outcome(source, target.url, "failed", target.path, exc.reason)
            if attempt + 1 == attempts:
                tries = f" (after {attempts} attempts)" if attempts > 1 else ""
                return Outcome(source, target.url, "failed", target.path, exc.reason + tries)
            time.sleep(backoff * 2**attempt)
    raise AssertionError("unreachable")


def _fetch_one(
    session: requests.Session, target: Target, timeout: tuple[float, float], progress: bool
) -> tuple[str, str]:
    """One attempt: (status, message); :class:`_Failed` when it did not work."""
    import requests

    folder, name = target.path.parent, target.path.name
    records = read_provenance(folder)
    previous = records.get(name)
    headers = {}
    current_sha = None
    if target.path.exists():
        from rankings.rawfile import sha256_of

        current_sha = sha256_of(target.path)
    if previous and previous.get("sha256") == current_sha and previous.get("url") == target.url:
        # the file is still the one the validators describe: ask only for a newer one
        if previous.get("etag"):
            headers["If-None-Match"] = previous["etag"]
        if previous.get("last_modified"):
            headers["If-Modified-Since"] = previous["last_modified"]
    try:
        with session.get(target.url, headers=headers, timeout=timeout, stream=True) as response:
            if response.status_code == 304 and previous:
                _write_provenance(folder, name, {**previous, "checked": _now()})
                return "unchanged", "not modified"
            if response.status_code >= 500:
                raise _Failed(f"HTTP {response.status_code} {response.reason}", retry=True)
            if response.status_code != 200:
                raise _Failed(f"HTTP {response.status_code} {response.reason}")
            folder.mkdir(parents=True, exist_ok=True)
            record = _download(response, target, progress)
    except requests.Timeout:
        raise _Failed(f"timed out (no answer within {timeout[1]:g} s)", retry=True) from None
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
        raise _Failed(_connection_reason(exc), retry=True) from None
    except requests.RequestException as exc:
        raise _Failed(f"{type(exc).__name__}: {exc}") from None
    record["url"] = target.url
    if record.pop("sha256_before") == record["sha256"]:
        status, message = "unchanged", "same content"
    else:
        status, message = "fetched", f"{record['size']:,} bytes"
    _write_provenance(folder, name, record)
    return status, message


def _download(response: requests.Response, target: Target, progress: bool) -> dict[str, Any]:
    """Stream the answer to a hidden temporary file beside the target, check it, then move it into place."""
    expected = response.headers.get("Content-Length")
    encoded = bool(response.headers.get("Content-Encoding"))  # Content-Length then counts the compressed bytes
    total = int(expected) if expected and expected.isdigit() and not encoded else None
    fd, tmp_name = tempfile.mkstemp(dir=target.path.parent, prefix=f".{target.path.name}.", suffix=".part")
    tmp = Path(tmp_name)
    bar = None
    try:
        if progress:
            import sys

            from tqdm import tqdm

            bar = tqdm(total=total, unit="B", unit_scale=True, desc=target.path.name, file=sys.stderr, leave=False)
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out:
            for chunk in response.iter_content(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                if bar is not None:
                    bar.update(len(chunk))
            out.flush()
            os.fsync(out.fileno())
        if total is not None and size != total:
            raise _Failed(f"the connection closed after {size:,} of {total:,} bytes", retry=True)
        problem = content_problem(tmp, target.path.name)
        if problem:
            raise _Failed(problem)
        before = None
        if target.path.exists():
            from rankings.rawfile import sha256_of

            before = sha256_of(target.path)
        sha = digest.hexdigest()
        if before == sha:
            tmp.unlink()  # same bytes: the stored file keeps its modification time (ingest skips it)
        else:
            os.replace(tmp, target.path)
        record: dict[str, Any] = {
            "sha256": sha,
            "sha256_before": before,
            "size": size,
            "accessed": _now(),
            "etag": response.headers.get("ETag"),
            "last_modified": response.headers.get("Last-Modified"),
            "content_type": response.headers.get("Content-Type"),
        }
        if response.url != target.url:
            record["fetched_from"] = response.url  # after redirects
        return record
    finally:
        if bar is not None:
            bar.close()
        tmp.unlink(missing_ok=True)


def content_problem(path: Path, name: str) -> str | None:
    """Why these bytes are not the kind of file ``name`` says (None when they are): a workbook must start with
    its signature, a CSV must be text and not an HTML page."""
    with path.open("rb") as fh:
        head = fh.read(CHUNK)
    kind = KINDS.get(Path(name).suffix.lower(), "text")
    if not head:
        return "the server sent an empty file"
    if _looks_like_html(head):
        return f"the server sent an HTML page, not the expected {Path(name).suffix.lower()} file"
    if kind == "workbook" and not (head.startswith(ZIP_MAGIC) and _is_xlsx(path)):
        return f"not an Excel workbook (.xlsx), expected {name}"
    if kind == "old workbook" and not head.startswith((OLE_MAGIC, ZIP_MAGIC)):
        return f"not an Excel workbook (no .xls signature), expected {name}"
    if kind == "text" and not _is_text(head):
        return f"not a text file (binary content), expected {name}"
    return None


def _is_xlsx(path: Path) -> bool:
    """An Office Open XML workbook: a readable zip package holding ``xl/workbook.xml``."""
    try:
        with zipfile.ZipFile(path) as package:
            return "xl/workbook.xml" in package.namelist() and package.testzip() is None
    except (zipfile.BadZipFile, OSError):
        return False


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()[:512]
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--")) or (
        start.startswith(b"<?xml") and b"<html" in start
    )


def _is_text(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _connection_reason(exc: Exception) -> str:
    text = str(exc)
    if "ProxyError" in type(exc).__name__ or "Unable to connect to proxy" in text:
        return "the proxy refused or failed (HTTPS_PROXY / HTTP_PROXY)"
    if "IncompleteRead" in text or "Connection broken" in text or "prematurely" in text:
        return "the connection closed before the whole file arrived"
    if "timed out" in text.lower():
        return "timed out"
    if "Connection refused" in text:
        return "connection refused"
    if "Name or service not known" in text or "NameResolutionError" in text or "nodename" in text:
        return "the host name cannot be resolved (no network, or a proxy is needed: HTTPS_PROXY)"
    return f"connection failed ({type(exc).__name__})"


def read_provenance(folder: Path) -> dict[str, dict[str, Any]]:
    """``<folder>/.provenance.json``: file name -> its record (empty when there is none or it cannot be read)."""
    path = folder / PROVENANCE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return files if isinstance(files, dict) else {}


def _write_provenance(folder: Path, name: str, record: dict[str, Any]) -> None:
    records = read_provenance(folder)
    records[name] = {k: v for k, v in record.items() if v is not None}
    data = {"about": "written by python -m rankings fetch: where each file came from", "files": records}
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f"{PROVENANCE}.", suffix=".part")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2, sort_keys=True)
        out.write("\n")
    os.replace(tmp, folder / PROVENANCE)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
