"""Every real published file gives the same tidy observations as when the checksums were pinned, value by value."""

from __future__ import annotations

import json

import pytest
from golden import tidy

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def computed() -> dict[str, dict[str, object]]:
    if not tidy.REALDATA.is_dir():
        pytest.skip(f"{tidy.REALDATA} is absent")
    return tidy.compute()


def test_every_pinned_file_is_still_read(computed: dict[str, dict[str, object]]) -> None:
    pinned = json.loads(tidy.PINNED.read_text(encoding="utf-8"))
    assert sorted(computed) == sorted(pinned)


@pytest.mark.parametrize("name", sorted(json.loads(tidy.PINNED.read_text(encoding="utf-8"))))
def test_tidy_table_unchanged(computed: dict[str, dict[str, object]], name: str) -> None:
    pinned = json.loads(tidy.PINNED.read_text(encoding="utf-8"))[name]
    assert computed.get(name) == pinned, f"{name}: tidy observations differ from the pinned checksum"


def test_canonical_form_sees_a_changed_value(computed: dict[str, dict[str, object]]) -> None:
    path = tidy.real_files()[0]
    obs = tidy.tidy(path)
    before = tidy.digest(obs)
    obs.loc[obs.index[0], "value"] = (obs["value"].iloc[0] or 0) + 1e-9
    assert tidy.digest(obs) != before
