"""Demo raw files: seeded, plausible, clearly fictitious values for real countries, in the publishers' layouts.

The project cannot ship the publishers' files, so a fresh clone gets these instead. They go through the same
readers as official files. A marker file beside them lists their checksums, which is how ingestion tells demo
data from official data (and never stores the two side by side).

One module per source (``rankings/demo/<source>.py``) defines ``write(folder) -> list[Path]``; ``WRITERS``
names them. The shared fictitious "digital maturity" of each country lives in ``maturity.py``, so that every
demo ranking tells a consistent story.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from rankings.ingest import DEMO_MARKER
from rankings.rawfile import scan, sha256_of

DEMO_FOLDER = "demo"


def _writers() -> dict[str, Callable[[Path], list[Path]]]:
    from rankings.demo import eu_desi, eu_egov_benchmark, oecd, un_egov, wb_gtmi

    return {
        "un_egov": un_egov.write,
        "oecd": oecd.write,
        "wb_gtmi": wb_gtmi.write,
        "eu_egov_benchmark": eu_egov_benchmark.write,
        "eu_desi": eu_desi.write,
    }


def write_demo(raw_dir: Path | str) -> list[Path]:
    """Write every demo file under ``raw_dir/demo/`` and the marker that lists their checksums."""
    folder = Path(raw_dir) / DEMO_FOLDER
    written: list[Path] = []
    for source, writer in _writers().items():
        written += writer(folder / source)
    marker = {
        "note": "Demo data written by `python -m rankings demo`: fictitious values, not published figures.",
        "files": {p.relative_to(folder).as_posix(): sha256_of(p) for p in written},
    }
    (folder / DEMO_MARKER).write_text(json.dumps(marker, indent=1), encoding="utf-8")
    from rankings.survey import demo as survey_demo

    survey_demo.write(survey_demo_folder(raw_dir))  # not ranking data: beside the raw folder, never in it
    return written


def survey_demo_folder(raw_dir: Path | str) -> Path:
    """Where the demo survey submission goes: ``data/raw`` -> ``data/surveys/demo`` (see docs/survey-check.md)."""
    return Path(raw_dir).resolve().parent / "surveys" / DEMO_FOLDER


def has_data_files(raw_dir: Path | str) -> bool:
    raw = Path(raw_dir)
    return raw.is_dir() and bool(scan(raw)[0])
