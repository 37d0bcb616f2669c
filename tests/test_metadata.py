"""Reviewed metadata: the YAML files are read as they are in git, with libyaml, and nothing is written beside them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
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


@pytest.mark.parametrize(
    ("fetch", "message"),
    [
        ("fetch: {manual: publicadministration.un.org}", "manual must be the http(s) URL"),
        ("fetch: {files: [{url: 'ftp://x/a.csv', name: a.csv}]}", "file 1: url must be an http(s) URL"),
        ("fetch: {files: [{url: 'https://x/a.csv', name: ../a.csv}]}", "file 1: name must be a plain file name"),
        ("fetch: {files: [{url: 'https://x/a.csv', name: a.csv, editions: [twenty]}]}", "editions must be a list"),
        ("fetch: {download: 'https://x'}", "expected 'manual: <page URL>'"),
        (
            "fetch: {files: [{url: 'https://x/a.csv', name: a.csv}, {url: 'https://y/a.csv', name: a.csv}]}",
            "two files have the same name",
        ),
    ],
)
def test_a_malformed_fetch_entry_names_the_file(tmp_path: Path, fetch: str, message: str) -> None:
    path = tmp_path / "un_egov.yaml"
    spec = metadata.load_reference(metadata.REFERENCE / "sources" / "un_egov.yaml")
    spec.pop("fetch")
    spec.update(yaml.safe_load(fetch))
    with pytest.raises(ValueError, match=re.escape(f"{path}: fetch: ") + ".*" + re.escape(message)):
        metadata.source_from(path, spec)


def test_the_fetch_entries_are_read() -> None:
    oecd = metadata.sources()["oecd_dgi"]
    assert oecd.manual is None and [f.name for f in oecd.files] == ["DF_GOV_DGOGD_2025.csv"]
    assert oecd.files[0].editions == (2019, 2023)
    assert metadata.sources()["un_egov"].manual.startswith("https://") and not metadata.sources()["un_egov"].files
