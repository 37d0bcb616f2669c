"""Demo files in the UN E-Government Survey Data Center layout (CSV per edition; the newest as .xlsx)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rankings.demo.maturity import SEED, latent_maturity, un_members

# How the UN spells some members (the library's short names differ).
UN_SPELLINGS = {
    "KOR": "Republic of Korea",
    "PRK": "Democratic People's Republic of Korea",
    "GBR": "United Kingdom of Great Britain and Northern Ireland",
    "USA": "United States of America",
    "RUS": "Russian Federation",
    "IRN": "Iran (Islamic Republic of)",
    "MDA": "Republic of Moldova",
    "TZA": "United Republic of Tanzania",
    "VNM": "Viet Nam",
    "LAO": "Lao People's Democratic Republic",
    "SYR": "Syrian Arab Republic",
    "FSM": "Micronesia (Federated States of)",
    "BOL": "Bolivia (Plurinational State of)",
    "VEN": "Venezuela (Bolivarian Republic of)",
    "COD": "Democratic Republic of the Congo",
    "COG": "Congo",
    "CZE": "Czech Republic",
    "TUR": "Türkiye",
    "CIV": "Côte d'Ivoire",
    "NLD": "Netherlands (Kingdom of the)",
    "GEO": "Georgia (Country)",
}

UN_EDITIONS = [2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024]
# Members not assessed in early editions (not yet independent), as in the UN's files.
UN_NOT_ASSESSED = {"SSD": 2012, "MNE": 2008}


def un_egov_tables() -> dict[int, pd.DataFrame]:
    """One UN Data Center table per edition, with the UN's columns."""
    rng = np.random.default_rng(SEED)
    members = un_members()
    iso3 = members["ISO3"].tolist()
    latent = latent_maturity(rng, members)
    names = [UN_SPELLINGS.get(c, n) for c, n in zip(iso3, members["name_short"], strict=True)]
    tables: dict[int, pd.DataFrame] = {}
    drift = np.zeros(len(iso3))
    for k, edition in enumerate(UN_EDITIONS):
        drift += rng.normal(0, 0.015, size=len(iso3))
        level = np.clip(latent + drift, 0.0, 1.0)
        growth = 0.25 + 0.55 * k / (len(UN_EDITIONS) - 1)
        osi = np.clip(level * (0.55 + 0.45 * growth) + rng.normal(0, 0.05, len(iso3)), 0, 1)
        hci = np.clip(0.35 + 0.6 * level + rng.normal(0, 0.04, len(iso3)), 0, 1)
        tii = np.clip(level * growth * 1.15 + rng.normal(0, 0.04, len(iso3)), 0, 1)
        epi = np.clip(osi * 0.9 + rng.normal(0, 0.08, len(iso3)), 0, 1)
        # Normalise to the UN's habit of giving the best performer exactly 1 in some sub-indices.
        osi = osi / osi.max()
        epi = epi / epi.max()
        egdi = np.round((osi + hci + tii) / 3, 4)
        df = pd.DataFrame(
            {
                "Survey Year": edition,
                "Country Name": names,
                "E-Government Index": egdi,
                "E-Participation Index": np.round(epi, 4),
                "Online Service Index": np.round(osi, 4),
                "Human Capital Index": np.round(hci, 4),
                "Telecommunication Infrastructure Index": np.round(tii, 4),
            }
        )
        assessed = np.array([edition >= UN_NOT_ASSESSED.get(c, 0) for c in iso3])
        index_cols = df.columns[2:]
        df.loc[~assessed, index_cols] = 0.0
        ranks = df.loc[assessed, "E-Government Index"].rank(method="min", ascending=False).astype(int)
        df["E-Government Rank"] = pd.array([pd.NA] * len(df), dtype="Int64")
        df.loc[assessed, "E-Government Rank"] = ranks
        tables[edition] = df[
            [
                "Survey Year",
                "Country Name",
                "E-Government Rank",
                "E-Government Index",
                "E-Participation Index",
                "Online Service Index",
                "Human Capital Index",
                "Telecommunication Infrastructure Index",
            ]
        ]
    return tables


def _un_csv(df: pd.DataFrame) -> bytes:
    """The UN's own CSV style: CRLF, names with a trailing space quoted, five decimals, empty rank if none."""
    lines = [",".join(df.columns)]
    for row in df.itertuples(index=False):
        year, name, rank, *values = row
        # Most, not all, UN names carry a trailing space and are then quoted.
        name_cell = f'"{name} "' if len(name) % 3 else (f'"{name}"' if "," in name else name)
        rank_cell = "" if pd.isna(rank) else str(int(rank))
        lines.append(",".join([str(year), name_cell, rank_cell, *(f"{v:.5f}" for v in values)]))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for edition, df in un_egov_tables().items():
        if edition == 2024:
            # The newest edition as a workbook, as analysts often save it.
            path = folder / f"DEMO_EGOV_DATA_{edition}.xlsx"
            with pd.ExcelWriter(path, engine="openpyxl") as xl:
                df.to_excel(xl, sheet_name="EGOV_DATA", index=False)
        else:
            path = folder / f"DEMO_EGOV_DATA_{edition}.csv"
            path.write_bytes(_un_csv(df))
        written.append(path)
    return written
