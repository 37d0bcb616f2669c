"""Opening raw files: encodings, delimiters, wrong content behind a data suffix, damaged and hostile workbooks."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from rankings.errors import InputError
from rankings.rawfile import RawFile, normalise_header


def open_rows(path: Path) -> list[list[object]]:
    return RawFile(path, path.name).sheets()[0].rows


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("a,b\nDanmark,Côte\n".encode(), ["Danmark", "Côte"]),
        (b"\xef\xbb\xbfa,b\nDanmark,C\xc3\xb4te\n", ["Danmark", "Côte"]),  # UTF-8 with BOM
        ("a,b\nDanmark,Côte\n".encode("latin-1"), ["Danmark", "Côte"]),
        (b"a;b\nDanmark;0,5\n", ["Danmark", "0,5"]),  # semicolons, decimal comma kept as text
        (b"a\tb\r\nDanmark\t1\r\n", ["Danmark", "1"]),
    ],
)
def test_csv_encodings_and_delimiters(tmp_path, data, expected):
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    rows = open_rows(path)
    assert rows[0] == ["a", "b"]
    assert rows[1] == expected


def test_bom_does_not_reach_the_header(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"\xef\xbb\xbfSurvey Year,Country Name\n2024,Denmark\n")
    assert open_rows(path)[0][0] == "Survey Year"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "is empty"),
        ("blank.csv", b"\n\n  \n", "has no rows"),
        ("pdf.csv", b"%PDF-1.7 binary", "is not a text file: its content is a PDF document"),
        ("pdf.xlsx", b"%PDF-1.7 binary", "is not an Excel workbook: its content is a PDF document"),
        ("text.xlsx", b"Survey Year,Country", "is not an Excel workbook: its content is text"),
        ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "its content is an image"),
        ("trunc.xlsx", b"PK\x03\x04\x14\x00\x00\x00", "damaged or truncated workbook"),
    ],
)
def test_wrong_or_broken_content_is_one_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        RawFile(path, name).sheets()
    assert err.value.file == name


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match="not an Excel workbook"):
        RawFile(path, "a.xlsx").sheets()


def test_zip_bomb_is_refused_before_unpacking(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (600 * 1024 * 1024))
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(InputError, match="may be a zip bomb"):
        RawFile(path, "bomb.xlsx").sheets()


def test_header_normalisation():
    assert normalise_header("  Biennial\naverage  2022-2023 ") == "biennial average 2022-2023"
    assert normalise_header(None) == ""
    assert normalise_header("\ufeffCountry:") == "country"
