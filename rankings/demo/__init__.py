"""Demo raw files: seeded, plausible, clearly fictitious values for real countries, in the publishers' layouts.

The project cannot ship the publishers' files, so a fresh clone gets these instead. They go through the same
readers as official files. A marker file beside them lists their checksums, which is how ingestion tells demo
data from official data (and never stores the two side by side).

One module per source (``rankings/demo/<source>.py``) defines ``write(folder) -> list[Path]``; ``WRITERS``
names them. The shared fictitious "digital maturity" of each country lives here so that every demo ranking
tells a consistent story.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from rankings.countries import country_table
from rankings.ingest import DEMO_MARKER, scan
from rankings.rawfile import sha256_of

SEED = 20260101
DEMO_FOLDER = "demo"

# A fictitious but plausible ordering: these start near the top of every demo ranking.
LEADERS = ["DNK", "EST", "KOR", "FIN", "SGP", "ISL", "NZL", "SWE", "NOR", "NLD", "AUS", "GBR", "USA", "JPN"]
# Typical level per UN region, so the fictitious values look like a real ranking.
REGION_LEVEL = {
    "Northern Europe": 0.82,
    "Western Europe": 0.8,
    "Australia and New Zealand": 0.82,
    "Northern America": 0.8,
    "Southern Europe": 0.72,
    "Eastern Europe": 0.66,
    "Eastern Asia": 0.7,
    "Western Asia": 0.6,
    "South-eastern Asia": 0.52,
    "Central Asia": 0.5,
    "South America": 0.55,
    "Caribbean": 0.48,
    "Central America": 0.48,
    "Southern Asia": 0.42,
    "Northern Africa": 0.45,
    "Southern Africa": 0.42,
    "Polynesia": 0.38,
    "Micronesia": 0.34,
    "Melanesia": 0.3,
    "Eastern Africa": 0.3,
    "Western Africa": 0.28,
    "Middle Africa": 0.26,
}


def un_members() -> pd.DataFrame:
    df = country_table()
    members = df[df["UNmember"].notna()][["ISO3", "name_short", "UNregion"]].copy()
    return members.sort_values("ISO3").reset_index(drop=True)


def latent_maturity(rng: np.random.Generator, members: pd.DataFrame) -> np.ndarray:
    """A stable, fictitious 'digital maturity' per country in (0, 1)."""
    iso3 = members["ISO3"].tolist()
    level = members["UNregion"].map(REGION_LEVEL).fillna(0.45).to_numpy(dtype=float)
    base = level + rng.normal(0, 0.09, size=len(iso3))
    for i, code in enumerate(iso3):
        if code in LEADERS:
            base[i] = 0.97 - 0.012 * LEADERS.index(code) + rng.normal(0, 0.004)
    return np.clip(base, 0.02, 0.99)


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


def maturity_by_iso3() -> dict[str, float]:
    """The same fictitious maturity for every demo source, so that demo rankings agree with each other."""
    members = un_members()
    rng = np.random.default_rng(SEED)
    return dict(zip(members["ISO3"], latent_maturity(rng, members), strict=True))
