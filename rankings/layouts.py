"""What the readers will read of a workbook, known without importing them (they import pandas, which is most of
an ingest's start-up): the ingest parses these sheets ahead, in a second thread, while the readers are imported
and the file before is processed.

The rule mirrors the readers' detection (:func:`rankings.readers.detect`): the EU eGovernment Benchmark report
workbook is recognised by its ``1. Scores <year>`` sheet, and then only that sheet and the ``7. DESI ...`` sheet are
read; in any other workbook every layout's detection looks at every sheet. A sheet read ahead that no reader needs
costs time, never correctness: the readers ask for what they need either way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

SCORES_SHEET = re.compile(r"^\s*\d*\s*\.?\s*scores\b", re.IGNORECASE)
DESI_SHEET = re.compile(r"^\s*\d*\s*\.?\s*desi\b", re.IGNORECASE)


def is_scores_sheet(name: str | None) -> bool:
    return name is not None and bool(SCORES_SHEET.match(name))


def is_desi_sheet(name: str | None) -> bool:
    return name is not None and bool(DESI_SHEET.match(name))


def sheets_read_first(names: Sequence[str | None]) -> list[str | None]:
    """The sheets of a workbook its reader will read, in the order it reads them."""
    if any(is_scores_sheet(n) for n in names):
        return [n for n in names if is_scores_sheet(n)] + [n for n in names if is_desi_sheet(n)]
    return list(names)
