"""Demo file in the layout of the World Bank GTMI group table with the 2020, 2022 and 2025 editions stacked.

Fictitious values, built like the real file: unrounded scores, the GTMI as the mean of its four components, the
maturity group from the GTMI (A >= 0.75, B >= 0.50, C >= 0.25, else D), World Bank codes that are not ISO
(``ROM`` for Romania in 2020, ``KSV`` for Kosovo, ``WBG`` for West Bank and Gaza), and summary rows after the
2025 block (group thresholds with counts and shares) that the reader must skip with a warning.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rankings.demo.maturity import SEED, maturity_by_iso3, un_members

EDITIONS = (2020, 2022, 2025)
COLUMNS = ["year", "country_code", "country_name", "grp", "gtmi", "cgsi", "psdi", "dcei", "gtei"]
# World Bank codes that are not ISO 3166-1 alpha-3 (by edition: None = every edition).
WB_CODES = {"ROU": ("ROM", {2020}), "XKX": ("KSV", None), "PSE": ("WBG", None)}
WB_NAMES = {"XKX": "Kosovo", "PSE": "West Bank and Gaza", "KOR": "Korea, Rep.", "COD": "Congo, Dem. Rep."}
NON_MEMBERS = {"XKX": 0.55, "PSE": 0.45}  # assessed by the World Bank, not UN members


def _group(gtmi: float) -> str:
    return "A" if gtmi >= 0.75 else "B" if gtmi >= 0.5 else "C" if gtmi >= 0.25 else "D"


def tables() -> dict[int, pd.DataFrame]:
    rng = np.random.default_rng(SEED + 5)
    maturity = {**maturity_by_iso3(), **NON_MEMBERS}
    names = dict(zip(un_members()["ISO3"], un_members()["name_short"], strict=True)) | WB_NAMES
    economies = sorted(maturity)
    out: dict[int, pd.DataFrame] = {}
    for k, year in enumerate(EDITIONS):
        level = np.array([maturity[c] for c in economies]) + 0.02 * k
        comps = np.clip(level[:, None] - 0.06 + rng.normal(0, 0.05, (len(economies), 4)), 0.0, 1.0)
        gtmi = comps.mean(axis=1)
        codes = []
        for c in economies:
            wb, years = WB_CODES.get(c, (c, None))
            codes.append(wb if years is None or year in years else c)
        out[year] = pd.DataFrame(
            {
                "year": year,
                "country_code": codes,
                "country_name": [names.get(c, c) for c in economies],
                "grp": [_group(g) for g in gtmi],
                "gtmi": gtmi,
                "cgsi": comps[:, 0],
                "psdi": comps[:, 1],
                "dcei": comps[:, 2],
                "gtei": comps[:, 3],
            }
        )
    return out


def _summary_rows(last: pd.DataFrame) -> pd.DataFrame:
    """What a spreadsheet user left under the table: thresholds with counts and shares, then two stray means."""
    n = len(last)
    rows = []
    for threshold, letter in ((0.75, "A"), (0.5, "B"), (0.25, "C")):
        count = int((last["grp"] == letter).sum())
        rows.append([2025, str(threshold), letter, str(count), count / n, None, None, None, None])
    rows.append([2025, str(last["gtmi"].mean()), None, None, 648.5, None, None, None, 6.0])
    rows.append([2025, str(last["gtmi"].median()), None, None, 648.5, None, None, None, 7.0])
    return pd.DataFrame(rows, columns=COLUMNS)


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    blocks = tables()
    stacked = pd.concat([*blocks.values(), _summary_rows(blocks[2025])], ignore_index=True)
    path = folder / "DEMO_gtmi_groups_data.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        stacked.to_excel(xl, sheet_name="Sheet1", index=False)
    return [path]
