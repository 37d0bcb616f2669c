"""Demo file in the OECD Data Explorer layout: SDMX-CSV with code and label columns, DGI and OURdata.

Fictitious values for the index edition 2023 (reference year 2022, the only reference year whose index edition is
reviewed data), built like the real dataflow: dimension values are weighted contributions (score / 6 for the DGI,
/ 3 for OURdata) rounded to 2 decimals, printed without trailing zeros, with the OECD average and a few partner
countries. The codes-only variant of the export is covered by the tests; a second demo file would need a second
reviewed reference year, which this project does not invent.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from rankings import peer_groups
from rankings.countries import display_name
from rankings.demo.maturity import SEED, maturity_by_iso3

REFERENCE_YEAR = 2022
DGI_DIMENSIONS = {
    "DG_D": "Digital by design",
    "DG_DD": "Data-driven public sector",
    "DG_PL": "Government as a platform",
    "DG_OD": "Open by default",
    "DG_UD": "User-driven",
    "DG_PR": "Proactiveness",
}
OUR_PILLARS = {
    "OUR_DAV": "Data availability",
    "OUR_DAC": "Data accessibility",
    "OUR_GSR": "Government support for data re-use",
}
COMPOSITES = {"DG": "Digital government", "OUR": "OURdata: open, useful, reusable government data"}
PARTNERS = ["BRA", "ARG", "PER", "HRV"]
NO_DGI = {"CHE", "USA"}  # members that did not take part in the DGI survey (as happens)
NO_OURDATA = {"ARG", "HUN", "USA"}

HEADER = [
    "STRUCTURE",
    "STRUCTURE_ID",
    "STRUCTURE_NAME",
    "ACTION",
    "FREQ",
    "Frequency of observation",
    "REF_AREA",
    "Reference area",
    "MEASURE",
    "Measure",
    "UNIT_MEASURE",
    "Unit of measure",
    "SECTOR",
    "Institutional sector",
    "EDITION",
    "Edition",
    "CATEGORY",
    "Category",
    "TIME_PERIOD",
    "Time period",
    "OBS_VALUE",
    "Observation value",
    "OBS_STATUS",
    "Observation status",
    "UNIT_MULT",
    "Unit multiplier",
    "PRICE_BASE",
    "Price base",
    "BASE_PER",
    "Base period",
]
STRUCTURE_ID = "OECD.GOV.GIP:DSD_GOV@DF_GOV_DGOGD_2025(1.0)"
STRUCTURE_NAME = "Digital government and open government data indexes - Government at a glance indicators, 2025 edition"


def _printed(value: float) -> str:
    """As the OECD export prints it: 2 decimals, trailing zeros dropped (0.10 -> 0.1, 0.00 -> 0)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def observations() -> list[tuple[str, str, float]]:
    """(REF_AREA, MEASURE, value) for every published value, in a stable order."""
    rng = np.random.default_rng(SEED + 4)
    maturity = maturity_by_iso3()
    members = peer_groups.members("oecd", 2023, "oecd_dgi", reference_period=str(REFERENCE_YEAR))
    areas = sorted(members) + PARTNERS
    out: list[tuple[str, str, float]] = []
    scores: dict[str, dict[str, list[float]]] = {"DG": {}, "OUR": {}}
    for area in areas:
        level = maturity.get(area, 0.5)
        for composite, parts in (("DG", DGI_DIMENSIONS), ("OUR", OUR_PILLARS)):
            if area in (NO_DGI if composite == "DG" else NO_OURDATA):
                continue
            raw = np.clip(level - 0.12 + rng.normal(0, 0.05, len(parts)), 0.0, 1.0)
            scores[composite][area] = list(raw)
    for composite, parts in (("DG", DGI_DIMENSIONS), ("OUR", OUR_PILLARS)):
        member_scores = np.array([v for a, v in scores[composite].items() if a in members])
        scores[composite]["OECD_REP"] = list(member_scores.mean(axis=0))
        for area, raw in scores[composite].items():
            weight = len(parts)
            out.append((area, composite, round(sum(raw) / weight, 2)))
            out += [(area, code, round(s / weight, 2)) for code, s in zip(parts, raw, strict=True)]
    return out


def _sdmx_csv(rows: list[tuple[str, str, float]]) -> bytes:
    labels = {**DGI_DIMENSIONS, **OUR_PILLARS, **COMPOSITES}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    for area, measure, value in rows:
        area_label = "OECD average country" if area == "OECD_REP" else display_name(area)
        writer.writerow(
            [
                "DATAFLOW", STRUCTURE_ID, STRUCTURE_NAME, "I", "A", "Annual", area, area_label, measure,
                labels[measure], "IX", "Index", "_Z", "Not applicable", "2025", "2025", "DGOGD",
                "Digital government and open government data", str(REFERENCE_YEAR), "", _printed(value), "", "A",
                "Normal value", "0", "Units", "_Z", "Not applicable", "", "",
            ]
        )  # fmt: skip
    return buf.getvalue().encode("utf-8")


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "DEMO_OECD_DGOGD_2025_labels.csv"
    path.write_bytes(_sdmx_csv(observations()))
    return [path]
