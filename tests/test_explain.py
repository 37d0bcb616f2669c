"""The rank-change decomposition: the parts add up to the change, and each part means what it says."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rankings import explain


def edition(year: int, values: dict[str, float]) -> pd.DataFrame:
    df = pd.DataFrame({"iso3": list(values), "value": list(values.values())})
    df["entity"] = df["iso3"]
    df["source"] = "un_egov"
    df["indicator"] = "egdi"
    df["edition"] = year
    df["value_status"] = "published"
    df["is_aggregate"] = False
    df["rank"] = df["value"].rank(method="min", ascending=False).astype(int)
    return df


def test_own_score_alone():
    before = edition(2022, {"DNK": 0.5, "A": 0.9, "B": 0.8, "C": 0.7})
    after = edition(2024, {"DNK": 0.85, "A": 0.9, "B": 0.8, "C": 0.7})
    change = explain.explain(before, after, "DNK")
    assert (change.before_rank, change.after_rank, change.places) == (4, 2, 2)
    assert (change.own_score, change.others, change.entrants, change.leavers) == (2, 0, 0, 0)
    assert change.fell_behind == ["B", "C"]


def test_others_overtaking():
    before = edition(2022, {"DNK": 0.8, "A": 0.9, "B": 0.7})
    after = edition(2024, {"DNK": 0.8, "A": 0.9, "B": 0.85})
    change = explain.explain(before, after, "DNK")
    assert (change.own_score, change.others) == (0, -1)
    assert change.overtook == ["B"]


def test_entrants_and_leavers():
    before = edition(2022, {"DNK": 0.8, "A": 0.9, "GONE": 0.95})
    after = edition(2024, {"DNK": 0.8, "A": 0.9, "NEW": 0.99, "NEW2": 0.5})
    change = explain.explain(before, after, "DNK")
    assert (change.entrants, change.leavers) == (-1, 1)
    assert (change.before_assessed, change.after_assessed) == (3, 4)
    assert change.places == change.own_score + change.others + change.entrants + change.leavers


@pytest.mark.parametrize("seed", range(20))
def test_parts_always_add_up(seed):
    rng = np.random.default_rng(seed)
    codes = [f"C{i}" for i in range(30)] + ["DNK"]
    before = edition(
        2022,
        {c: float(v) for c, v in zip(codes, rng.random(len(codes)), strict=True) if rng.random() > 0.1 or c == "DNK"},
    )
    after = edition(
        2024,
        {c: float(v) for c, v in zip(codes, rng.random(len(codes)), strict=True) if rng.random() > 0.1 or c == "DNK"},
    )
    change = explain.explain(before, after, "DNK")
    assert change.places == change.own_score + change.others + change.entrants + change.leavers
    assert change.sentences()[0].startswith("DNK ranked")


def test_no_value_no_explanation():
    before = edition(2022, {"DNK": 0.8, "A": 0.9})
    after = edition(2024, {"A": 0.9})
    assert explain.explain(before, after, "DNK") is None


def test_the_explanation_in_danish():
    before = edition(2022, {"DNK": 0.8, "A": 0.9, "B": 0.7})
    after = edition(2024, {"DNK": 0.95, "A": 0.9, "B": 0.7})
    change = explain.explain(before, after, "DNK")
    first, own, *_ = change.sentences("da")
    assert first == "DNK lå på 2. plads af 3 i 2022 og på 1. plads af 3 i 2024: op 1 plads."
    assert own.startswith("Egen score 0,8 → 0,95: i sig selv +1 plads")
