"""The survey store's files: its manifest, its parts and what the DuckDB views read from them.

Kept apart from :mod:`rankings.survey.store` (which syncs workbooks and computes flags through the published
figures, that is through :mod:`rankings.db`) so that the DuckDB connection can list the survey parts without
importing what queries it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from rankings.errors import StoreError
from rankings.store import atomic_write_bytes
from rankings.survey import store_dir
from rankings.survey.decisions import EVENT_COLUMNS, DecisionStore
from rankings.survey.workbook import ANSWER_COLUMNS, QUESTION_COLUMNS

MANIFEST = "manifest.json"
PARTS = "parts"
FORMAT_VERSION = 1
FLAG_COLUMNS = [
    "submission_id",
    "question_id",
    "rule",
    "severity",
    "message",
    "section",
    "source_row",
    "previous_submission_id",
    "checked_at",
]


@dataclass
class Version:
    """One workbook of the survey folder as the store knows it."""

    path: str  # relative to the survey folder, forward slashes
    sha256: str
    size: int
    mtime_ns: int
    status: str  # "stored" or "failed"
    message: str = ""
    submission_id: str = ""
    survey: str = ""
    cycle: str = ""
    country: str = ""
    parts: dict[str, str] = field(default_factory=dict)  # kind -> part path (the last good version's)
    stored_at: str = ""


@dataclass
class FlagsEntry:
    submission_id: str
    draft_sha256: str
    previous_id: str | None
    context: str
    part: str
    checked_at: str
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class SurveyManifest:
    versions: dict[str, Version] = field(default_factory=dict)
    flags: dict[str, FlagsEntry] = field(default_factory=dict)
    generation: int = 0

    def live_parts(self) -> set[str]:
        return {p for v in self.versions.values() for p in v.parts.values()} | {f.part for f in self.flags.values()}


class SurveyFiles:
    """A survey store's manifest and parts, read-only but for the manifest's atomic replacement."""

    def __init__(self, processed: Path | str) -> None:
        self.processed = Path(processed)
        self.root = store_dir(processed)
        self.decisions = DecisionStore.for_processed(processed)

    # --- manifest ---

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def load_manifest(self) -> SurveyManifest:
        if not self.manifest_path.exists():
            return SurveyManifest()
        try:
            raw = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            return SurveyManifest(
                versions={k: Version(**v) for k, v in raw["versions"].items()},
                flags={k: FlagsEntry(**v) for k, v in raw["flags"].items()},
                generation=int(raw.get("generation", 0)),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{self.manifest_path}: the survey store's manifest cannot be read ({exc})") from None

    def _save_manifest(self, manifest: SurveyManifest) -> None:
        manifest.generation += 1
        payload = {
            "format": FORMAT_VERSION,
            "generation": manifest.generation,
            "versions": {k: asdict(v) for k, v in sorted(manifest.versions.items())},
            "flags": {k: asdict(v) for k, v in sorted(manifest.flags.items())},
        }
        atomic_write_bytes(self.manifest_path, json.dumps(payload, indent=1, ensure_ascii=False).encode("utf-8"))

    def stamp(self) -> tuple[int, ...]:
        """Changes whenever the store or a decision changes (for caches and the DuckDB views)."""
        try:
            st = self.manifest_path.stat()
            own = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            own = (0, 0)
        return own + self.decisions.stamp()

    def submissions(self) -> pd.DataFrame:
        """Every stored workbook: its submission, whether it is the current version, flags counts, status."""
        manifest = self.load_manifest()
        current = current_versions(manifest)
        rows = []
        for v in manifest.versions.values():
            flags = manifest.flags.get(v.submission_id)
            is_current = current.get(v.submission_id) is v
            rows.append(
                {
                    "submission_id": v.submission_id,
                    "survey": v.survey,
                    "cycle": v.cycle,
                    "country": v.country,
                    "file": v.path,
                    "sha256": v.sha256,
                    "status": v.status,
                    "message": v.message,
                    "is_current": is_current,
                    "previous_submission_id": flags.previous_id if flags and is_current else None,
                    "errors": flags.counts.get("error", 0) if flags and is_current else None,
                    "warnings": flags.counts.get("warning", 0) if flags and is_current else None,
                    "stored_at": v.stored_at,
                }
            )
        columns = [
            "submission_id", "survey", "cycle", "country", "file", "sha256", "status", "message", "is_current",
            "previous_submission_id", "errors", "warnings", "stored_at",
        ]  # fmt: skip
        df = pd.DataFrame(rows, columns=columns)
        df = df.sort_values(["survey", "country", "cycle", "file"], key=lambda s: s.astype(str))
        return df.reset_index(drop=True)

    # --- DuckDB ---

    def duckdb_sources(self) -> dict[str, tuple[list[Path], pd.DataFrame]]:
        """For each survey view: the Parquet parts to read, or (when there are none) a frame to show."""
        manifest = self.load_manifest()
        current = current_versions(manifest)
        out: dict[str, tuple[list[Path], pd.DataFrame]] = {
            "submissions": ([], self.submissions()),
        }
        empty = {
            "questions": pd.DataFrame(columns=["submission_id", *QUESTION_COLUMNS, "source_row"]),
            "answers": pd.DataFrame(columns=["submission_id", *ANSWER_COLUMNS, "source_row", "fingerprint"]),
        }
        for kind, frame in empty.items():
            out[kind] = ([self.root / v.parts[kind] for v in current.values()], frame.astype("string"))
        flag_parts = [self.root / f.part for sid, f in manifest.flags.items() if sid in current]
        out["survey_flags"] = (flag_parts, pd.DataFrame(columns=FLAG_COLUMNS).astype("string"))
        events = self.decisions.trail()
        out["decisions"] = ([], events if not events.empty else pd.DataFrame(columns=EVENT_COLUMNS).astype("string"))
        return out


def current_versions(manifest: SurveyManifest) -> dict[str, Version]:
    """The current version of each submission: its most recently modified stored workbook."""
    out: dict[str, Version] = {}
    for v in manifest.versions.values():
        if not v.parts or not v.submission_id:
            continue
        best = out.get(v.submission_id)
        if best is None or (v.mtime_ns, v.path) > (best.mtime_ns, best.path):
            out[v.submission_id] = v
    return out
