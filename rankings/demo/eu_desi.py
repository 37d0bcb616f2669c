"""Demo file in the layout of the Commission's DESI dataset (``DESI.csv``, long format), DESI 2020 edition.

Fictitious values for the years 2015-2020 of the EU Member States, the United Kingdom and the EU aggregate, from
the shared demo maturity (so Denmark sits near the top): the five dimension scores (``desi_sliders``), their
weighted contributions to the overall index (``desi``, DESI 2020 weights), the digital public services indicators
with the publisher's quirks (e-government users and open data as fractions 0-1, open data empty before 2020, a
few empty values), and a handful of rows of other indicators that the reader ignores. Every field is quoted
except the value, as in the Commission's file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rankings.demo.eu_egov_benchmark import EU27, ISO3
from rankings.demo.maturity import SEED, maturity_by_iso3

EDITION = 2020
YEARS = range(2015, EDITION + 1)
AREAS = sorted([*EU27, "UK"])
WEIGHTS = {"desi_1_conn": 0.25, "desi_2_hc": 0.25, "desi_3_ui": 0.15, "desi_4_idt": 0.2, "desi_5_dps": 0.15}
HEADER = '"observation","time_period","ref_area","indicator","breakdown","unit_measure","value","flag","note"'


def _printed(value: float | None, decimals: int = 4) -> str:
    """As the Commission prints values: up to ``decimals`` decimals, no trailing zeros; empty when missing."""
    if value is None:
        return ""
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".") or "0"


def _line(year: int, area: str, indicator: str, breakdown: str, unit: str, value: str) -> str:
    uri = f"http://semantic.digital-agenda-data.eu/data/DESI/{indicator}/{breakdown}/{unit}/{area}/{year}"
    return f'"{uri}","{year}","{area}","{indicator}","{breakdown}","{unit}",{value},,'


def country_values() -> dict[tuple[str, int], dict[str, float | None]]:
    """Per area and year: the DPS indicators (fractions as published) and the five dimension scores."""
    rng = np.random.default_rng(SEED + 20)
    maturity = maturity_by_iso3()
    out: dict[tuple[str, int], dict[str, float | None]] = {}
    for area in AREAS:
        level = maturity.get(ISO3[area], 0.6)
        for year in YEARS:
            growth = 0.015 * (year - YEARS.start)
            draw = {k: float(rng.normal(0, 0.06)) for k in ("u", "p", "o", "b", "d", *WEIGHTS)}
            values: dict[str, float | None] = {
                "egovu": round(min(0.98, max(0.05, 0.15 + 0.8 * level + growth + draw["u"])), 6),
                "prefform": round(100 * min(1.0, max(0.0, level - 0.3 + growth + draw["p"])), 4),
                "osercomp": round(100 * min(1.0, max(0.0, level + 0.05 + growth + draw["o"])), 4),
                "psb": round(100 * min(1.0, max(0.0, level + 0.1 + growth + draw["b"])), 4),
                # Open data maturity enters the index in DESI 2020: earlier years are empty in the file.
                "opendata": round(min(1.0, max(0.0, level - 0.1 + draw["d"])), 4) if year == EDITION else None,
            }
            if area in ("BG", "RO") and year == YEARS.start:
                values["egovu"] = None  # a value the Commission did not publish
            dps_parts = [v * (100 if k in ("egovu", "opendata") else 1) for k, v in values.items() if v is not None]
            dims = {d: round(100 * min(1.0, max(0.0, 0.05 + 0.6 * level + growth + draw[d])), 4) for d in WEIGHTS}
            dims["desi_5_dps"] = round(sum(dps_parts) / len(dps_parts), 4)
            out[(area, year)] = {**values, **dims}
    for year in YEARS:  # the EU aggregate: the average of the Member States of the edition
        rows = [out[(a, year)] for a in AREAS]
        out[("EU", year)] = {
            k: (round(float(np.mean([r[k] for r in rows if r[k] is not None])), 4) if rows[0][k] is not None else None)
            for k in rows[0]
        }
    return out


def lines() -> list[str]:
    rows = [HEADER]
    for (area, year), v in sorted(country_values().items(), key=lambda kv: (kv[0][1], kv[0][0])):
        for dim, weight in WEIGHTS.items():
            score = v[dim]
            assert score is not None
            rows.append(_line(year, area, "desi_sliders", dim, "pc_desi_sliders", _printed(score)))
            rows.append(_line(year, area, "desi", dim, "egov_score", _printed(score * weight)))
        rows += [
            _line(year, area, "desi_5a1_egovu", "ind_total", "pc_ind_form", _printed(v["egovu"], 6)),
            _line(year, area, "desi_5a2_prefform", "all_egov_le", "egov_score", _printed(v["prefform"])),
            _line(year, area, "desi_5a3_osercomp", "all_egov_le", "egov_score", _printed(v["osercomp"])),
            _line(year, area, "desi_5a4_psb", "all_egov_le", "egov_score", _printed(v["psb"])),
            _line(year, area, "desi_5a5_opendata", "total", "od_score", _printed(v["opendata"])),
            # Another dimension's indicator, which the reader leaves alone.
            _line(year, area, "desi_3b1_news", "ind_total", "pc_ind_iu3", _printed(0.6 + 0.05 * (year - 2015), 4)),
        ]
    return rows


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "DEMO_DESI.csv"
    path.write_text("\n".join(lines()) + "\n", encoding="utf-8")
    return [path]
