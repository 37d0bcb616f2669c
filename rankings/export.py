"""Downloads: CSV and Excel bytes of exactly the data behind a view, safe to open in a spreadsheet."""

from __future__ import annotations

import io

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [str(neutralise(str(c))) for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    # CRLF line ends (RFC 4180): a value holding a lone CR is quoted too, so that no spreadsheet starts a new row
    # (whose first cell could be a formula) in the middle of it.
    return safe_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_spreadsheet_csv_bytes(df: pd.DataFrame, lang: str) -> bytes:
    """A CSV that a spreadsheet set to ``lang`` opens as written: for Danish Excel, semicolons between fields
    and decimal commas (CLDR's symbols), UTF-8 with a byte-order mark so that æ, ø and å survive."""
    from babel.numbers import get_decimal_symbol

    decimal = get_decimal_symbol(lang)
    separator = ";" if decimal == "," else ","
    return safe_frame(df).to_csv(index=False, sep=separator, decimal=decimal, lineterminator="\r\n").encode("utf-8-sig")


EXCEL_MAX_ROWS = 1_048_575  # a worksheet holds 1,048,576 rows, the header included


def to_excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One workbook, a sheet per frame; text is written as text, never as a formula."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(
        buffer, engine="xlsxwriter", engine_kwargs={"options": {"strings_to_formulas": False}}
    ) as writer:
        for name, df in sheets.items():
            safe_frame(df).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()
