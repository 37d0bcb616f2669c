"""Stores for the briefing tests: the demo data (generated in code) and the real files when present."""

from __future__ import annotations

from pathlib import Path

import pytest

from rankings import ingest
from rankings.demo import write_demo

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata"  # as tests/conftest.py


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("briefing-demo")
    write_demo(tmp / "raw")
    ingest.ingest(tmp / "raw", tmp / "processed")
    return tmp / "processed"


@pytest.fixture(scope="session")
def real_store(tmp_path_factory) -> Path:
    if not REALDATA.is_dir():
        pytest.skip(f"real published files not available ({REALDATA} is absent)")
    tmp = tmp_path_factory.mktemp("briefing-real")
    ingest.ingest(REALDATA, tmp / "processed")
    return tmp / "processed"
