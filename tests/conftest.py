"""Shared fixtures. Test data is generated in code; the real published files are used only for golden tests."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from rankings import db

ROOT = Path(__file__).resolve().parents[1]
# Tests run in English unless they choose a language (the shipped configuration says Danish); set for the whole
# session, so that the app servers the browser tests start speak English too.
os.environ["RANKINGS_LANGUAGE"] = "en"
REALDATA = ROOT.parent / "shared" / "realdata"

UN_HEADER = (
    "Survey Year,Country Name,E-Government Rank,E-Government Index,E-Participation Index,"
    "Online Service Index,Human Capital Index,Telecommunication Infrastructure Index"
)


def realdata_dir(name: str) -> Path:
    """A folder of ../shared/realdata, or skip the test with the reason."""
    folder = REALDATA / name
    if not folder.is_dir():
        pytest.skip(f"real published files not available ({folder} is absent)")
    return folder


@pytest.fixture
def un_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write a UN Data Center CSV from data rows (lists of cells as text); returns its path."""

    def make(rows: list[list[str]], name: str = "EGOV_DATA_2024.csv", *, crlf: bool = False, header: str = UN_HEADER):
        eol = "\r\n" if crlf else "\n"
        lines = [header, *(",".join(r) for r in rows)]
        path = tmp_path / "raw" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((eol.join(lines) + eol).encode("utf-8"))
        return path

    return make


@pytest.fixture(autouse=True)
def _english_by_default(monkeypatch):
    """Tests run in English unless they choose a language (the shipped configuration says Danish)."""
    monkeypatch.setenv("RANKINGS_LANGUAGE", "en")


@pytest.fixture(autouse=True)
def _fresh_connections():
    """Each test sees its own stores, never a connection cached by another test."""
    yield
    db.reset()
