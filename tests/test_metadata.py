"""Reviewed metadata: the YAML files are read as they are in git, with libyaml, and nothing is written beside them."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from rankings import metadata


def test_libyaml_parses_the_reference_files() -> None:
    assert metadata.YAML_LOADER is yaml.CSafeLoader


def test_a_changed_file_is_read_as_it_now_is_and_nothing_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "indicators"
    shutil.copytree(metadata.REFERENCE / "indicators", folder, ignore=shutil.ignore_patterns("__pycache__"))
    path = folder / "un_egov.yaml"
    before = metadata.load_reference(path)
    path.write_text(path.read_text(encoding="utf-8").replace("E-Government Development Index", "EGDI (renamed)"))
    after = metadata.load_reference(path)
    assert "EGDI (renamed)" in str(after) and "EGDI (renamed)" not in str(before)
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(p.name for p in [folder, *folder.iterdir()])


def test_no_project_module_reads_or_writes_pycache() -> None:
    root = Path(metadata.__file__).resolve().parents[1]
    offenders = [
        p.relative_to(root).as_posix()
        for folder in ("rankings", "pages")
        for p in (root / folder).rglob("*.py")
        if "__pycache__" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []
