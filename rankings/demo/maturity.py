"""The shared fictitious "digital maturity" of each country, so that every demo ranking tells a consistent story."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rankings.countries import country_table

SEED = 20260101
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


def maturity_by_iso3() -> dict[str, float]:
    """The same fictitious maturity for every demo source, so that demo rankings agree with each other."""
    members = un_members()
    rng = np.random.default_rng(SEED)
    return dict(zip(members["ISO3"], latent_maturity(rng, members), strict=True))
