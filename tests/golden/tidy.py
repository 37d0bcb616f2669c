"""The tidy observations of the publishers' real files, pinned by checksum.

``tidy_sha256.json`` holds, per file of ``../shared/realdata``, the row count and a SHA-256 of its tidy table in a
canonical text form (rows sorted by the contract's key, every column written with ``repr``). A refactoring of the
readers, the ingest or the reference data must leave every checksum as it is: the same observations, value by
value. Only checksums are kept in the repository, never the tables themselves.

Regenerate (after a reviewed, intended change of the observations) with ``python -m tests.golden.tidy --update``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
REALDATA = ROOT.parent / "shared" / "realdata"
PINNED = Path(__file__).with_name("tidy_sha256.json")


def canonical(obs: pd.DataFrame) -> str:
    """The table as text: sorted by key, one line per row, each cell as ``repr`` of its Python value."""
    from rankings import model

    table = obs[model.COLUMNS].sort_values(model.KEY, kind="stable").reset_index(drop=True)
    lines = ["\t".join(model.COLUMNS)]
    for row in table.astype(object).itertuples(index=False):
        lines.append("\t".join("None" if pd.isna(v) else repr(v) for v in row))
    return "\n".join(lines) + "\n"


def digest(obs: pd.DataFrame) -> str:
    return hashlib.sha256(canonical(obs).encode("utf-8")).hexdigest()


def real_files() -> list[Path]:
    from rankings.ingest import scan

    return scan(REALDATA)[0] if REALDATA.is_dir() else []


def tidy(path: Path) -> pd.DataFrame:
    """One real file's validated observations, as the ingest reads them (display name: the path in realdata)."""
    from rankings.ingest import read_file
    from rankings.rawfile import sha256_of

    return read_file(path, path.relative_to(REALDATA).as_posix(), sha256_of(path))[2]


def compute() -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for path in real_files():
        obs = tidy(path)
        out[path.relative_to(REALDATA).as_posix()] = {"rows": len(obs), "sha256": digest(obs)}
    return out


if __name__ == "__main__":
    if "--update" not in sys.argv:
        print(json.dumps(compute(), indent=1))
    else:
        PINNED.write_text(json.dumps(compute(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {PINNED}")
