"""Downloads never carry a live spreadsheet formula."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd

from rankings import export


def test_formula_like_text_is_neutralised_in_csv_and_excel():
    df = pd.DataFrame(
        {"entity": ['=HYPERLINK("http://x")', "+1", "-cmd", "@SUM(A1)", "Denmark"], "value": [1.0, -2.0, 3.0, 4.0, 5.0]}
    )
    csv = export.to_csv_bytes(df).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "'+1" in csv and "'-cmd" in csv and "'@SUM" in csv
    assert ",-2.0" in csv  # numbers stay numbers
    book = openpyxl.load_workbook(io.BytesIO(export.to_excel_bytes({"data": df})))
    cells = [c.value for c in book["data"]["A"]][1:]
    assert cells[:4] == ['\'=HYPERLINK("http://x")', "'+1", "'-cmd", "'@SUM(A1)"]
    assert all(c.data_type != "f" for c in book["data"]["A"])
    assert book["data"]["B"][2].value == -2.0


def test_every_text_dtype_and_the_column_names_are_neutralised():
    df = pd.DataFrame(
        {
            "=cmd|' /C calc'!A0": ["a", "b"],
            "category": pd.Categorical(["=1+1", "ok"]),
            "string": pd.array(["\t=2", None], dtype="string"),
            "object": ["\r@x", 3],
            "number": [-1.5, 2.0],
        }
    )
    rows = list(csv.reader(io.StringIO(export.to_csv_bytes(df).decode("utf-8-sig"), newline="")))
    assert rows[0][0].startswith("'=cmd") and rows[1] == ["a", "'=1+1", "'\t=2", "'\r@x", "-1.5"]
    book = openpyxl.load_workbook(io.BytesIO(export.to_excel_bytes({"data": df})))
    values = [[c.value for c in row] for row in book["data"].iter_rows()]
    assert values[0][0].startswith("'=") and values[1][1:3] == ["'=1+1", "'\t=2"]
    assert values[1][3].startswith("'")  # (the workbook stores the CR as _x000D_)
    assert values[1][4] == -1.5 and values[2][3] == 3


def test_a_line_break_inside_a_value_cannot_start_a_row_of_its_own():
    """A lone CR ends a row in a spreadsheet: a value holding one is quoted, so what follows it is no new cell."""
    df = pd.DataFrame({"source_file": ["raw\r=1+1", "raw\n@SUM(A1)", "plain"], "value": [1.0, 2.0, 3.0]})
    data = export.to_csv_bytes(df).decode("utf-8-sig")
    assert '"raw\r=1+1"' in data and '"raw\n@SUM(A1)"' in data
    assert data.count("\r\n") == 4 and data.replace("\r\n", "").count("\r") == 1  # CRLF ends rows only
    rows = list(csv.reader(io.StringIO(data, newline="")))
    assert [r[0] for r in rows] == ["source_file", "raw\r=1+1", "raw\n@SUM(A1)", "plain"]


def test_a_csv_that_danish_excel_opens_as_written():
    import pandas as pd

    from rankings import export

    frame = pd.DataFrame({"land": ["Danmark", "Færøerne", "=cmd"], "score": [0.9717, 1234.5, None], "n": [1, 2, 3]})
    data = export.to_spreadsheet_csv_bytes(frame, "da")
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark, so that Excel reads æ, ø, å
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "land;score;n"
    assert lines[1] == "Danmark;0,9717;1"
    assert lines[2] == "Færøerne;1234,5;2"  # no thousands separator: Excel reads the number as written
    assert lines[3] == "'=cmd;;3"  # formulas stay neutralised
    machine = export.to_csv_bytes(frame).decode("utf-8-sig").split("\r\n")
    assert machine[1] == "Danmark,0.9717,1"  # the machine-readable CSV is unchanged
