"""Opening raw files: encodings, delimiters, wrong content behind a data suffix, damaged and hostile workbooks."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from rankings import rawfile
from rankings.errors import InputError
from rankings.rawfile import Formula, RawFile, normalise_header


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


# ---------------------------------------------------------------- sheets that would expand in memory, formulas

SHEET_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{}</sheetData>'
    "</worksheet>"
)


def workbook_with_sheet(path: Path, sheet_data: str) -> Path:
    """A real workbook (openpyxl) whose one sheet's cells are ``sheet_data``, written as raw XML."""
    base = path.with_name("base-" + path.name)
    book = openpyxl.Workbook()
    book.active.title = "Data"
    book.save(base)
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = SHEET_XML.format(sheet_data).encode()
            out.writestr(info.filename, data)
    return path


def cell(ref: str, value: str = "1", attrs: str = "") -> str:
    return f'<c r="{ref}"{attrs}><v>{value}</v></c>'


@pytest.mark.parametrize(
    "sheet_data",
    [
        # Two cells far apart: calamine lays out the whole rectangle (here 20 million cells) before anything else.
        f'<row r="1">{cell("A1")}</row><row r="10000">{cell("BXX10000")}</row>',
        # The same with the reference after another attribute, in single quotes, and spaced.
        f"<row r=\"1\">{cell('A1')}</row><row r='10000'><c s='0' r = 'bxx10000'><v>1</v></c></row>",
        # Cells without references follow the one before: 2,000 empty cells push the last one far right.
        '<row r="1"><c><v>1</v></c></row><row r="10000">' + "<c/>" * 2000 + "<c><v>1</v></c></row>",
        # One far cell alone: the rectangle from A1 that is handed to Python holds it.
        f'<row r="10000">{cell("BXX10000")}</row>',
    ],
)
def test_a_sheet_spanning_millions_of_cells_is_refused_before_it_is_laid_out(tmp_path, sheet_data):
    path = workbook_with_sheet(tmp_path / "sparse.xlsx", sheet_data)
    assert path.stat().st_size < 50_000
    with pytest.raises(InputError, match=r"sheet 'Data' spans 10,\d{3} rows and \d,\d{3} columns \(\d+ million cells"):
        RawFile(path, "sparse.xlsx").sheets()


def test_the_largest_sheet_allowed_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(rawfile, "MAX_CELLS", 300 * 20)
    path = workbook_with_sheet(tmp_path / "ok.xlsx", f'<row r="1">{cell("A1")}</row><row r="300">{cell("T300")}</row>')
    rows = RawFile(path, "ok.xlsx").sheet("Data").rows
    assert (len(rows), len(rows[0]), rows[0][0], rows[299][19]) == (300, 20, 1.0, 1.0)
    monkeypatch.setattr(rawfile, "MAX_CELLS", 300 * 20 - 1)
    with pytest.raises(InputError, match="spans 300 rows and 20 columns"):
        RawFile(path, "ok.xlsx").sheet("Data")


def test_a_workbook_whose_parts_are_larger_than_declared_is_refused(tmp_path):
    """A zip bomb that lies about its size: the declared sizes pass, reading stops at them."""
    path = workbook_with_sheet(tmp_path / "lying.xlsx", cell("A1") + "<row><c><v>1</v></c></row>" * 50_000)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for at in range(len(data)):
        if data[at : at + len(name)] == name:
            if data[at - 30 : at - 26] == b"PK\x03\x04":  # local header: uncompressed size at 22
                struct.pack_into("<I", data, at - 30 + 22, 500)
            if data[at - 46 : at - 42] == b"PK\x01\x02":  # central directory: uncompressed size at 24
                struct.pack_into("<I", data, at - 46 + 24, 500)
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"is a damaged workbook: sheet 'Data' cannot be read \(Bad CRC-32"):
        RawFile(path, "lying.xlsx").sheets()


def test_a_formula_without_a_stored_result_is_a_formula_not_an_empty_cell(tmp_path):
    path = tmp_path / "formulas.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["value", "total", "text"])
    sheet.append([0.5, "=A2*2", '="a"&"b"'])  # openpyxl stores no result
    book.save(path)
    rows = RawFile(path, path.name).sheets()[0].rows
    assert rows[1][0] == 0.5
    assert rows[1][1] == "=A2*2" and isinstance(rows[1][1], Formula)
    assert rows[1][2] == '="a"&"b"' and isinstance(rows[1][2], Formula)


def test_a_formula_with_a_stored_result_is_its_result(tmp_path):
    path = tmp_path / "cached.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["value", "total", "text", "error"])
    sheet.write_number(1, 0, 0.5)
    sheet.write_formula(1, 1, "=A2*2", None, 1.0)
    sheet.write_formula(1, 2, "=A1", None, "value")
    sheet.write_formula(1, 3, "=1/0", None, "#DIV/0!")
    book.close()
    rows = RawFile(path, path.name).sheets()[0].rows
    assert rows[1][:3] == [0.5, 1.0, "value"]
    assert not any(isinstance(c, Formula) for c in rows[1])


def test_a_csv_cut_short_in_the_middle_of_a_line_is_refused(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes(b"a,b,c,d\n1,2,3,4\n5,6")
    with pytest.raises(InputError, match="ends in the middle of a line: its last line has 2 of the 4 fields"):
        open_rows(path)
    path.write_bytes(b"a,b,c,d\n1,2,3,4\n5,6,7,8")  # no final line break, but a whole line
    assert open_rows(path)[-1] == ["5", "6", "7", "8"]
    path.write_bytes(b"a,b,c,d\n1,2,3,4\nSource: a footnote")  # one field: left to the readers
    assert open_rows(path)[-1] == ["Source: a footnote"]


def test_a_csv_with_too_many_cells_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    monkeypatch.setattr(rawfile, "MAX_CELLS", 1000)
    path = tmp_path / "many.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 600)
    with pytest.raises(InputError, match="has about 0 million cells; files over 0 million cells are not read"):
        open_rows(path)


def test_a_nul_byte_anywhere_in_a_csv_is_binary_data(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"a,b\n" + b"text,1\n" * 200 + b"te\x00xt,1\n")
    with pytest.raises(InputError, match=r"is named \.csv but is not a text file: its content is binary data"):
        open_rows(path)


def test_a_reader_that_needs_a_number_says_the_cell_is_a_formula_without_a_result():
    from rankings.readers.common import parse_number

    with pytest.raises(ValueError, match=r"'=A2\*2' is a formula whose result the workbook does not store"):
        parse_number(Formula("=A2*2"))
