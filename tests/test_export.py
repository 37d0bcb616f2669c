"""Downloads never carry a live spreadsheet formula."""

from __future__ import annotations

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
