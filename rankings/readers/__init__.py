"""One reader module per publisher layout, all of the same shape.

Each module in this package defines:

- ``SOURCE``: the source id its observations carry (``un_egov``);
- ``LAYOUT``: the layout's name in the users' words, used in messages;
- ``detect(raw) -> Detection``: how well the file's content matches the layout (never the file name);
- ``read(raw, detection) -> pandas.DataFrame``: tidy observations (see :mod:`rankings.model`), harmonised,
  with ``sheet`` and ``source_row`` filled in. The ingest step adds the file's name and checksum.

Adding a publisher is adding a module here and naming it in ``READERS``.
"""

from __future__ import annotations

from types import ModuleType

from rankings.errors import InputError
from rankings.rawfile import RawFile
from rankings.readers import eu_desi, eu_egov_benchmark, eu_egov_benchmark_mrf, oecd, template, un_egov, wb_gtmi
from rankings.readers.common import Detection

# The EU report workbook first: it is found by its sheet name alone, before the others scan every sheet.
READERS: list[ModuleType] = [eu_egov_benchmark, un_egov, oecd, wb_gtmi, template, eu_egov_benchmark_mrf, eu_desi]


def detect(raw: RawFile) -> tuple[ModuleType, Detection]:
    """The reader whose layout the file matches; otherwise an error naming the closest layout and its gaps."""
    scored: list[tuple[ModuleType, Detection]] = []
    for reader in READERS:
        found = reader.detect(raw)
        if found.complete and found.score >= 1:
            return reader, found  # a full match: spare the other layouts' scans of a large workbook's sheets
        scored.append((reader, found))
    matches = [(r, d) for r, d in scored if d.complete]
    if matches:
        return max(matches, key=lambda rd: rd[1].score)
    reader, best = max(scored, key=lambda rd: rd[1].score)
    if best.score == 0:
        layouts = "; ".join(r.LAYOUT for r in READERS)
        raise raw.fail(f"is in no supported layout (none of its headers match any of: {layouts})")
    missing = ", ".join(repr(m) for m in best.missing)
    raise raw.fail(
        f"is in no supported layout; closest is the {reader.LAYOUT} "
        f"({best.found} of {best.found + len(best.missing)} columns found), missing: {missing}"
    )


__all__ = ["READERS", "Detection", "InputError", "detect"]
