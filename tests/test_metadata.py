"""Reviewed metadata: the parsed copies of the YAML files are used only for the very bytes they were made from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rankings import metadata


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    folder = tmp_path / "reference"
    shutil.copytree(
        metadata.REFERENCE / "indicators", folder / "indicators", ignore=shutil.ignore_patterns("__pycache__")
    )
    return folder


def test_a_compiled_copy_is_read_instead_of_the_yaml(reference, monkeypatch):
    path = reference / "indicators" / "un_egov.yaml"
    expected = metadata.load_yaml(path.read_text(encoding="utf-8"))
    written = metadata.compile_reference(reference)
    assert len(written) == len(list(reference.rglob("*.yaml")))

    def no_parsing(text: str) -> None:
        raise AssertionError("the YAML was parsed although a copy of these bytes exists")

    monkeypatch.setattr(metadata, "load_yaml", no_parsing)
    assert metadata.load_reference(path) == expected


def test_a_changed_file_is_parsed_again_and_its_old_copy_dropped(reference, monkeypatch):
    path = reference / "indicators" / "un_egov.yaml"
    metadata.compile_reference(reference)
    path.write_text(path.read_text(encoding="utf-8").replace("E-Government Development Index", "EGDI (renamed)"))
    parsed: list[str] = []
    original = metadata.load_yaml
    monkeypatch.setattr(metadata, "load_yaml", lambda text: parsed.append(text) or original(text))
    data = metadata.load_reference(path)
    assert parsed and "EGDI (renamed)" in str(data)
    monkeypatch.undo()
    metadata.compile_reference(reference)
    assert len(list((path.parent / "__pycache__").glob("un_egov.*.pickle"))) == 1


def test_a_damaged_copy_falls_back_to_the_yaml(reference):
    path = reference / "indicators" / "un_egov.yaml"
    (compiled,) = [p for p in metadata.compile_reference(reference) if p.name.startswith("un_egov.")]
    compiled.write_bytes(b"not a pickle")
    assert metadata.load_reference(path) == metadata.load_yaml(path.read_text(encoding="utf-8"))
