"""The sheets of the EU eGovernment Benchmark report workbook that its reader reads: the ``1. Scores <year>`` sheet
and the ``7. DESI ...`` sheet, recognised by name."""

from __future__ import annotations

import re

SCORES_SHEET = re.compile(r"^\s*\d*\s*\.?\s*scores\b", re.IGNORECASE)
DESI_SHEET = re.compile(r"^\s*\d*\s*\.?\s*desi\b", re.IGNORECASE)


def is_scores_sheet(name: str | None) -> bool:
    return name is not None and bool(SCORES_SHEET.match(name))


def is_desi_sheet(name: str | None) -> bool:
    return name is not None and bool(DESI_SHEET.match(name))
