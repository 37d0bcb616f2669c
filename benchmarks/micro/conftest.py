"""Micro-measures of the readers (pytest-benchmark): ``make bench`` runs them after the end-to-end table."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEADER = "source,edition,reference_period,country,indicator,value,rank,unit,higher_is_better,citation"
COUNTRIES = ["DNK", "FIN", "EST", "SWE", "NOR", "ISL", "LVA", "LTU", "DEU", "FRA", "ITA", "ESP", "POL", "NLD", "BEL"]


@pytest.fixture(scope="session")
def template_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ranking-template CSV the size of the benchmark's larger grown files: 30,000 rows, 40 indicators."""
    rng = random.Random(7)
    lines = [HEADER]
    for edition in range(1991, 2041):
        for i in range(40):
            for country in COUNTRIES:
                value = rng.uniform(0, 100)
                lines.append(f"bench_micro,{edition},{edition},{country},ind{i},{value:.2f},,score,true,Generated")
    path = tmp_path_factory.mktemp("micro") / "template.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def template_tests() -> ModuleType:
    """The template tests' row-by-row reference reader (the plain code the column-wise reader replaced)."""
    path = ROOT / "tests" / "readers" / "test_template.py"
    sys.path.insert(0, str(ROOT / "tests"))
    spec = importlib.util.spec_from_file_location("template_reference", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
