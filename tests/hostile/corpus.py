"""A corpus of hostile and broken input, generated in code from a valid minimal file of every layout.

Each :class:`Variant` is a file name, its bytes and what must happen to it: ``expect`` is a fragment of the one
message the file must fail with, or None when the file must be read exactly like the valid one (another
encoding, delimiter or decimal mark is not an error). The valid files come from the readers' own test builders
(``tests/readers/``, ``tests/survey/conftest.py``), so the corpus follows the layouts as their tests do.

What each variant is, layout by layout, is in :data:`VARIANTS` (and the survey workbook's in
:data:`SURVEY_VARIANTS`); ``python -m hostile.corpus`` (from ``tests/``) prints the table.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import readers.test_eu_desi as desi_tests
import readers.test_eu_egov_benchmark as eu_tests
import readers.test_oecd as oecd_tests
import readers.test_template as template_tests
import readers.test_un_egov as un_tests
import readers.test_wb_gtmi as wb_tests
import survey.conftest as survey_tests

from conftest import UN_HEADER
from rankings import rawfile

SCRIPT = "<script>alert(1)</script>"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>The page is gone.</body></html>\n"

Grid = list[list[Any]]


@dataclass(frozen=True)
class Variant:
    layout: str
    name: str
    filename: str
    data: bytes
    expect: str | None  # a fragment of the failure message; None: read like the valid file
    what: str = ""

    @property
    def id(self) -> str:
        return f"{self.layout}-{self.name}"


@dataclass(frozen=True)
class Layout:
    """A valid minimal file of one reader layout, and where in it the damage goes."""

    key: str
    filename: str
    build: Callable[[Path], bytes]
    sheet: str | None  # the data sheet of a workbook
    header: int  # 0-based row of the header in the sheet (or CSV)
    row: int  # 0-based row of a data row to damage
    country: str  # header of the country (or country code) column
    value: str  # header of a value with a bounded scale
    too_big: float  # a value beyond that scale
    negative: tuple[str, float]  # a column and a negative value for it (a rank where the layout has ranks)
    drop: str  # a required column
    expect: dict[str, str | None] = field(default_factory=dict)  # the layout's own words, by variant

    @property
    def suffix(self) -> str:
        return Path(self.filename).suffix

    @property
    def is_csv(self) -> bool:
        return self.suffix == ".csv"


# ---------------------------------------------------------------------------------------------------- valid files


def _path(scratch: Path, name: str) -> Path:
    path = scratch / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _un_rows() -> Grid:
    return [list(r) for r in csv.reader([UN_HEADER, *(",".join(r) for r in un_tests.ROWS)])]


def _un_csv(scratch: Path) -> bytes:
    return ("\n".join([UN_HEADER, *(",".join(r) for r in un_tests.ROWS)]) + "\n").encode()


def _typed(cell: str) -> object:
    try:
        number = float(cell)
    except ValueError:
        return cell.strip() or None
    return int(number) if number.is_integer() and "." not in cell else number


def _xlsx(grid: Grid, sheet: str = "Data") -> bytes:
    book = openpyxl.Workbook()
    book.active.title = sheet
    for row in grid:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _un_xlsx(scratch: Path) -> bytes:
    header, *rows = _un_rows()
    return _xlsx([header, *([_typed(c) for c in r] for r in rows)])


def _eu_benchmark(scratch: Path) -> bytes:
    return eu_tests.write_workbook(_path(scratch, "eu.xlsx"), eu_tests.BASIC).read_bytes()


def _eu_mrf(scratch: Path) -> bytes:
    return eu_tests.write_mrf(_path(scratch, "mrf.xlsx"), eu_tests.MRF_ROWS).read_bytes()


def _desi(scratch: Path) -> bytes:
    return ("\n".join([desi_tests.HEADER, *desi_tests.BASIC]) + "\n").encode()


def _oecd(labels: bool) -> Callable[[Path], bytes]:
    def build(scratch: Path) -> bytes:
        rows = oecd_tests.rows_of(oecd_tests.DATA)
        return oecd_tests.sdmx(_path(scratch, f"oecd-{labels}.csv"), rows, labels=labels).read_bytes()

    return build


def _wb(scratch: Path) -> bytes:
    return wb_tests.workbook(_path(scratch, "gtmi.xlsx"), wb_tests.ROWS).read_bytes()


TEMPLATE_ROWS = [
    template_tests.row("DNK", "80.5", "2"),
    template_tests.row("Türkiye", "91.0", "1"),
    template_tests.row("Côte d'Ivoire", "45.25", "3"),
]


def _template_csv(scratch: Path) -> bytes:
    return template_tests.csv_file(scratch / "template", TEMPLATE_ROWS).read_bytes()


def _template_xlsx(scratch: Path) -> bytes:
    return _xlsx([template_tests.HEADER, *([_typed(c) for c in r] for r in TEMPLATE_ROWS)], "Ranking")


def survey_valid(scratch: Path) -> bytes:
    return survey_tests.write_xlsx(_path(scratch, "survey.xlsx"), survey_tests.sheets_of()).read_bytes()


UN = {
    "country": "Country Name",
    "value": "E-Government Index",
    "too_big": 7.0,
    "negative": ("E-Government Rank", -3),
    "drop": "Online Service Index",
    "expect": {"negative": "row 2: E-Government Rank -3 is not a rank (ranks start at 1)"},
}
TEMPLATE = {
    "country": "country",
    "value": "value",
    "too_big": 7.0,
    "negative": ("rank", -3),
    "drop": "citation",
    "expect": {"duplicate_row": "give the same observation twice", "negative": "rank -3 is below 1 (ranks start at 1)"},
}
OECD = {"country": "REF_AREA", "value": "OBS_VALUE", "too_big": 7.0, "negative": ("OBS_VALUE", -0.5)}

LAYOUTS: list[Layout] = [
    Layout("un_csv", "EGOV_DATA_2024.csv", _un_csv, None, 0, 1, **UN),  # type: ignore[arg-type]
    Layout("un_xlsx", "EGOV_DATA_2024.xlsx", _un_xlsx, "Data", 0, 1, **UN),  # type: ignore[arg-type]
    Layout(
        "eu_benchmark",
        "eGovernment_Benchmark_2023.xlsx",
        _eu_benchmark,
        "1. Scores 2022",
        5,
        6,
        country="Country",
        value="Biennial average 2021 + 2022",
        too_big=700.0,
        negative=("Biennial average 2021 + 2022", -5.0),
        drop="Scoring",
        expect={"extra_column": "has columns this reader does not know: 'Comment'", "far_cell": None},
    ),
    Layout(
        "eu_mrf",
        "eGovernment_Benchmark_2023_MRF.xlsx",
        _eu_mrf,
        "Machine Readable Format",
        0,
        3,
        country="Country",
        value="Value",
        too_big=700.0,
        negative=("Value", -5.0),
        drop="unit",
    ),
    Layout(
        "desi_csv",
        "DESI.csv",
        _desi,
        None,
        0,
        6,  # a dimension score (desi_sliders, 0-100)
        country="ref_area",
        value="value",
        too_big=700.0,
        negative=("value", -5.0),
        drop="unit_measure",
    ),
    Layout("oecd_labels", "oecd_dgi.csv", _oecd(True), None, 0, 1, drop="TIME_PERIOD", **OECD),  # type: ignore[arg-type]
    Layout("oecd_codes", "oecd_dgi_codes.csv", _oecd(False), None, 0, 1, drop="MEASURE", **OECD),  # type: ignore[arg-type]
    Layout(
        "wb_gtmi",
        "groups_data.xlsx",
        _wb,
        "Sheet1",
        0,
        1,
        country="country_code",
        value="gtmi",
        too_big=7.0,
        negative=("gtmi", -0.5),
        drop="cgsi",
    ),
    Layout("template_csv", "my_ranking.csv", _template_csv, None, 0, 1, **TEMPLATE),  # type: ignore[arg-type]
    Layout("template_xlsx", "my_ranking.xlsx", _template_xlsx, "Ranking", 0, 1, **TEMPLATE),  # type: ignore[arg-type]
]
LAYOUT = {layout.key: layout for layout in LAYOUTS}


def readers_layout(layout: Layout) -> str:
    """The reader's own name of the layout, as messages give it."""
    from rankings.readers import eu_desi, eu_egov_benchmark, eu_egov_benchmark_mrf, oecd, template, un_egov, wb_gtmi

    modules = {"un": un_egov, "eu_benchmark": eu_egov_benchmark, "eu_mrf": eu_egov_benchmark_mrf, "desi": eu_desi}
    modules |= {"oecd": oecd, "wb": wb_gtmi, "template": template}
    return next(m for prefix, m in modules.items() if layout.key.startswith(prefix)).LAYOUT


# ---------------------------------------------------------------------------------------------------- grids


def csv_grid(data: bytes) -> Grid:
    return [list(r) for r in csv.reader(io.StringIO(data.decode("utf-8"), newline=""))]


def csv_bytes(grid: Grid, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(grid)
    return buffer.getvalue().encode("utf-8")


def _edit_xlsx(data: bytes, sheet: str, edit: Callable[[Grid], None]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book[sheet]
    grid: Grid = [list(r) for r in ws.iter_rows(values_only=True)]
    edit(grid)
    for row in ws.iter_rows():
        for cell in row:
            cell.value = None
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if value is not None:
                ws.cell(r + 1, c + 1).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def edited(layout: Layout, valid: bytes, edit: Callable[[Grid], None]) -> bytes:
    """The valid file with its data sheet (or CSV table) changed by ``edit``."""
    if layout.is_csv:
        grid = csv_grid(valid)
        edit(grid)
        return csv_bytes(grid)
    assert layout.sheet is not None
    return _edit_xlsx(valid, layout.sheet, edit)


def column(layout: Layout, grid: Grid, header: str) -> int:
    texts = [" ".join(str(c).split()) if c is not None else "" for c in grid[layout.header]]
    return texts.index(header)


def set_cell(layout: Layout, header: str, value: object) -> Callable[[Grid], None]:
    def edit(grid: Grid) -> None:
        grid[layout.row][column(layout, grid, header)] = value if not layout.is_csv else str(value)

    return edit


def drop_column(layout: Layout, header: str) -> Callable[[Grid], None]:
    def edit(grid: Grid) -> None:
        at = column(layout, grid, header)
        for row in grid:
            if at < len(row):
                del row[at]

    return edit


def add_column(layout: Layout) -> Callable[[Grid], None]:
    def edit(grid: Grid) -> None:
        width = max(len(r) for r in grid)
        for i, row in enumerate(grid):
            row.extend([None if not layout.is_csv else ""] * (width - len(row)))
            row.append("Comment" if i == layout.header else ("a note" if i > layout.header else None))

    return edit


def duplicate_row(layout: Layout) -> Callable[[Grid], None]:
    def edit(grid: Grid) -> None:
        grid.insert(layout.row + 1, list(grid[layout.row]))

    return edit


# ---------------------------------------------------------------------------------------------------- zip damage


def zip_rewrite(data: bytes, change: Callable[[str, bytes], bytes] = lambda _n, d: d, add: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, change(info.filename, src.read(info)))
        for name, content in (add or {}).items():
            out.writestr(name, content)
    return buffer.getvalue()


def sheet_part(data: bytes, sheet: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return rawfile._sheet_parts(zf)[sheet]


def _local_header(data: bytes, name: str) -> tuple[int, int, int]:
    """Offset of a zip entry's local header, of its compressed data, and the compressed size."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    offset = info.header_offset
    name_length, extra_length = struct.unpack_from("<HH", data, offset + 26)
    return offset, offset + 30 + name_length + extra_length, info.compress_size


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with ``name``'s uncompressed size declared as ``size``, in its local header and the directory."""
    out = bytearray(data)
    offset, _, _ = _local_header(data, name)
    struct.pack_into("<I", out, offset + 22, size)
    encoded = name.encode()
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length] == encoded:
            struct.pack_into("<I", out, at + 24, size)
        at += 4
    return bytes(out)


def corrupt_entry(data: bytes, name: str) -> bytes:
    """The zip with bytes in the middle of ``name``'s compressed data overwritten."""
    _, start, size = _local_header(data, name)
    out = bytearray(data)
    middle = start + size // 2
    out[middle : middle + 16] = b"\xff" * 16
    return bytes(out)


def add_to_sheet(data: bytes, sheet: str, xml: bytes) -> bytes:
    part = sheet_part(data, sheet)
    return zip_rewrite(data, lambda n, d: d.replace(b"</sheetData>", xml + b"</sheetData>") if n == part else d)


def ratio_bomb(data: bytes) -> bytes:
    """Honest sizes, but the workbook unpacks to hundreds of times its size."""
    return zip_rewrite(data, add={"xl/media/padding.bin": b"\0" * (8 << 20)})


def gigabyte_bomb(data: bytes, sheet: str) -> bytes:
    """A sheet that says it unpacks to 4.3 GB."""
    return declare_size(data, sheet_part(data, sheet), 0xFFFFFFF0)


def lying_bomb(data: bytes, sheet: str) -> bytes:
    """A sheet that unpacks to far more than it says (20 MB of rows, declared as its original size)."""
    part = sheet_part(data, sheet)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        declared = zf.getinfo(part).file_size
    padding = b"<row><c><v>1</v></c></row>" * 800_000
    grown = zip_rewrite(data, lambda n, d: d.replace(b"</sheetData>", padding + b"</sheetData>") if n == part else d)
    return declare_size(grown, part, declared)


SPARSE_CORNER = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def far_cell_sheet(data: bytes) -> bytes:
    """A second sheet with one cell, far out: laid out from A1, it is 400 million cells."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    book.create_sheet("Notes").cell(200_000, 2_000).value = 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def formula_text(layout: Layout, valid: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(valid))
    ws = book[layout.sheet]
    headers = [" ".join(str(c.value).split()) if c.value is not None else "" for c in ws[layout.header + 1]]
    return f"={float(ws.cell(layout.row + 1, headers.index(layout.value) + 1).value)!r}*1"


def formula_cell(layout: Layout, valid: bytes, cached: bool) -> bytes:
    """The valid workbook with a value cell replaced by a formula, with or without its stored result."""
    assert layout.sheet is not None
    book = openpyxl.load_workbook(io.BytesIO(valid))
    ws = book[layout.sheet]
    headers = [" ".join(str(c.value).split()) if c.value is not None else "" for c in ws[layout.header + 1]]
    target = ws.cell(layout.row + 1, headers.index(layout.value) + 1)
    original = float(target.value)
    target.value = f"={original!r}*1"
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if not cached:
        return data
    part = sheet_part(data, layout.sheet)
    # An empty result element: <v/> from openpyxl's own XML writer, <v></v> when it writes through lxml.
    pattern = re.compile(rb"(<f>" + re.escape(f"{original!r}*1".encode()) + rb"</f>)(?:<v\s*/>|<v></v>)")

    def fill(name: str, xml: bytes) -> bytes:
        if name != part:
            return xml
        filled, n = pattern.subn(rb"\1<v>" + repr(original).encode() + b"</v>", xml)
        assert n == 1, "the formula's empty result element was not found"  # the fixture must not silently fail
        return filled

    return zip_rewrite(data, fill)


# ---------------------------------------------------------------------------------------------------- variants


def _truncated_csv(valid: bytes) -> bytes:
    """Cut in the middle of the last line (after its fourth field)."""
    body = valid.rstrip(b"\r\n")
    last = body.rfind(b"\n") + 1
    cut = last
    for _ in range(4):
        cut = body.index(b",", cut) + 1
    return body[: cut + 2]


def _semicolons_and_decimal_commas(valid: bytes) -> bytes:
    grid = csv_grid(valid)
    number = re.compile(r"^-?\d+\.\d+$")
    return csv_bytes([[c.replace(".", ",") if number.match(c) else c for c in row] for row in grid], ";")


def _expect(layout: Layout, name: str, default: str | None) -> str | None:
    return layout.expect.get(name, default)


def _known_source_out_of_range(layout: Layout) -> Callable[[Grid], None]:
    """A template row for the UN's EGDI (a 0-1 index) typed as 7."""

    def edit(grid: Grid) -> None:
        for header, value in {"source": "un_egov", "indicator": "egdi", "unit": "index", "value": 7.0}.items():
            set_cell(layout, header, value)(grid)

    return edit


def variants(layout: Layout, scratch: Path) -> Iterator[Variant]:
    valid = layout.build(scratch)
    text = valid.decode("utf-8") if layout.is_csv else ""
    kind = "a text file" if layout.is_csv else "an Excel workbook"

    def v(name: str, data: bytes, default: str | None, what: str, filename: str = "") -> Variant:
        return Variant(layout.key, name, filename or layout.filename, data, _expect(layout, name, default), what)

    yield v("empty", b"", "is empty", "an empty file")
    yield v("pdf", PDF, f"is not {kind}: its content is a PDF document", "a PDF saved under the data name")
    yield v("html_page", HTML, "its content is an HTML page", "an HTML error page saved under the data name")
    if layout.is_csv:
        other = LAYOUT["un_xlsx"].build(scratch)
        yield v("workbook_renamed", other, "is not a text file: its content is a zip container", "a workbook, .csv")
        yield v("truncated", _truncated_csv(valid), "ends in the middle of a line", "cut short in its last line")
        middle = len(valid) // 2
        yield v("corrupt", valid[:middle] + b"\x00\x13\x00" + valid[middle:], "its content is binary data", "NULs")
        big = csv_grid(valid)
        big[layout.row][column(layout, big, layout.country)] = "x" * 200_000
        yield v("huge_field", csv_bytes(big), "field larger than field limit", "a 200,000-character field")
        yield v("latin1", text.encode("cp1252"), None, "Windows-1252 (Latin-1)")
        yield v("utf8_bom", b"\xef\xbb\xbf" + valid, None, "UTF-8 with a byte-order mark")
        yield v("utf16_tabs", text.replace(",", "\t").encode("utf-16"), None, "UTF-16, tab-separated (Excel)")
        yield v("semicolons", _semicolons_and_decimal_commas(valid), None, "';' delimiters and decimal commas")
    else:
        yield v("csv_renamed", _un_csv(scratch), "is not an Excel workbook: its content is text", "CSV text, .xlsx")
        yield v("truncated", valid[: len(valid) // 2], "is a damaged or truncated workbook", "its first half")
        part = sheet_part(valid, layout.sheet or "")
        yield v("corrupt", corrupt_entry(valid, part), "is a damaged workbook", "bytes overwritten in the sheet")
        yield v("zip_bomb", ratio_bomb(valid), "refusing to open it as it may be a zip bomb", "unpacks 8 MB")
        yield v("gigabyte_bomb", gigabyte_bomb(valid, layout.sheet or ""), "expands to 4295 MB", "says 4.3 GB")
        yield v("lying_bomb", lying_bomb(valid, layout.sheet or ""), "is a damaged workbook", "20 MB declared small")
        yield v(
            "sparse_bomb",
            add_to_sheet(valid, layout.sheet or "", SPARSE_CORNER),
            "spans 1,048,576 rows and 16,384 columns",
            "a cell at XFD1048576: 17 billion cells laid out",
        )
        yield v("far_cell", far_cell_sheet(valid), "sheet 'Notes' spans 200,000 rows", "one cell at BXX200000")
        formula = formula_cell(layout, valid, cached=False)
        formula_says = f"'{formula_text(layout, valid)}' is a formula whose result the workbook does not store"
        yield v("formula", formula, formula_says, "a value cell: a formula with no stored result")
        yield v("formula_cached", formula_cell(layout, valid, cached=True), None, "a formula with its result")
    missing = f"is in no supported layout; closest is the {readers_layout(layout)}"
    yield v("missing_column", edited(layout, valid, drop_column(layout, layout.drop)), missing, f"no {layout.drop}")
    yield v("extra_column", edited(layout, valid, add_column(layout)), None, "an extra column 'Comment'")
    yield v("duplicate_row", edited(layout, valid, duplicate_row(layout)), "rows share a key", "a data row twice")
    unknown = "ATL" if "code" in layout.country or layout.country == "REF_AREA" else "Atlantis"
    if layout.country in ("Country", "ref_area"):
        unknown = "QQ"  # EU codes (ISO2)
    yield v("unknown_country", edited(layout, valid, set_cell(layout, layout.country, unknown)), unknown, "")
    yield v("html_country", edited(layout, valid, set_cell(layout, layout.country, SCRIPT)), repr(SCRIPT), "")
    if layout.key.startswith("template"):
        beyond = edited(layout, valid, _known_source_out_of_range(layout))
        yield v("out_of_range", beyond, "un_egov / egdi of DNK is 7.0, outside the indicator's range 0-1", "EGDI 7")
    else:
        beyond = edited(layout, valid, set_cell(layout, layout.value, layout.too_big))
        yield v("out_of_range", beyond, f"is {layout.too_big}, outside", f"{layout.value} = {layout.too_big}")
    header, value = layout.negative
    negative = edited(layout, valid, set_cell(layout, header, value))
    yield v("negative", negative, f"is {float(value)}, outside", f"{header} = {value}")


VARIANT_NAMES = [
    "empty", "pdf", "html_page", "workbook_renamed", "csv_renamed", "truncated", "corrupt", "huge_field", "latin1",
    "utf8_bom", "utf16_tabs", "semicolons", "zip_bomb", "gigabyte_bomb", "lying_bomb", "sparse_bomb", "far_cell",
    "formula", "formula_cached", "missing_column", "extra_column", "duplicate_row", "unknown_country",
    "html_country", "out_of_range", "negative",
]  # fmt: skip


def corpus(scratch: Path) -> list[Variant]:
    return [v for layout in LAYOUTS for v in variants(layout, scratch / layout.key)]


def _survey(meta: dict | None = None, questions: list | None = None, answers: list | None = None) -> bytes:
    sheets = survey_tests.sheets_of(meta, questions, answers)
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(buffer)
    return buffer.getvalue()


def _survey_formula_answer() -> bytes:
    """Q6 (a number) answered with a formula whose result the workbook does not store."""
    return _survey(answers=survey_tests.with_answer("Q6", answer="=2000+150"))


def survey_variants(scratch: Path) -> list[Variant]:
    """The survey submission workbook's variants: ``expect`` is the fragment of the message that fails the
    workbook, or None for a workbook that is read and whose answers are carried as typed (the rules flag them)."""
    valid = _survey()
    answers = survey_tests.CLEAN_ANSWERS
    questions = survey_tests.QUESTIONS

    def v(name: str, data: bytes, expect: str | None, what: str) -> Variant:
        return Variant("survey", name, "draft.xlsx", data, expect, what)

    many = [{"question_id": f"X{i}", "answer": "x"} for i in range(6000)]
    duplicated = [*questions[:2], {**questions[1], "question": "again"}, *questions[2:]]
    no_type = _edit_xlsx(valid, "Questions", lambda g: [row.pop(3) for row in g])
    book = openpyxl.load_workbook(io.BytesIO(valid))
    del book["Answers"]
    no_answers = io.BytesIO()
    book.save(no_answers)
    return [
        v("empty", b"", "is empty", "an empty file"),
        v("pdf", PDF, "is not an Excel workbook: its content is a PDF document", "a PDF"),
        v("html_page", HTML, "its content is an HTML page", "an HTML error page"),
        v("csv_renamed", _un_csv(scratch), "is not an Excel workbook: its content is text", "CSV text, .xlsx"),
        v("truncated", valid[: len(valid) // 2], "is a damaged or truncated workbook", "its first half"),
        v("corrupt", corrupt_entry(valid, sheet_part(valid, "Answers")), "is a damaged workbook", "bytes overwritten"),
        v("zip_bomb", ratio_bomb(valid), "may be a zip bomb", "unpacks 8 MB"),
        v("gigabyte_bomb", gigabyte_bomb(valid, "Answers"), "expands to 4295 MB", "says 4.3 GB"),
        v("lying_bomb", lying_bomb(valid, "Answers"), "is a damaged workbook", "20 MB declared small"),
        v("sparse_bomb", add_to_sheet(valid, "Answers", SPARSE_CORNER), "spans 1,048,576 rows", "XFD1048576"),
        v("far_cell", _edit_xlsx(valid, "Answers", _far_cell), "sheet 'Answers' spans 200,000 rows", "BXX200000"),
        v("missing_sheet", no_answers.getvalue(), "lacks the sheet 'Answers'", "no Answers sheet"),
        v("missing_column", no_type, "sheet 'Questions' lacks the column answer_type", "no answer_type"),
        v("duplicate_question", _survey(questions=duplicated), "question_id 'Q2' is already used in row 3", "Q2 twice"),
        v("too_many_rows", _survey(answers=[*answers, *many]), "more than 5000 are not read", "6,000 answers"),
        v("unknown_country", _survey({"country": "Atlantis"}), "country 'Atlantis' is not a country", ""),
        v("html_country", _survey({"country": SCRIPT}), f"country {SCRIPT!r} is not a country", ""),
        v("bad_date", _survey({"deadline": "next week"}), "deadline 'next week' is not a date", ""),
        v("html_answer", _survey(answers=survey_tests.with_answer("Q8", answer=SCRIPT + " and more")), None, ""),
        v("formula_answer", _survey_formula_answer(), None, "Q6: =2000+150, no stored result"),
        v("out_of_range_answer", _survey(answers=survey_tests.with_answer("Q5", answer=700)), None, "700 %"),
    ]


def _far_cell(grid: Grid) -> None:
    grid.extend([[None]] * (200_000 - len(grid) - 1))
    grid.append([None] * 1_999 + [1])


def write_very_large(path: Path, head: bytes) -> Path:
    """A file one byte over the size limit, written sparsely (never held in memory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(rawfile.MAX_FILE_BYTES + 1)
    return path


if __name__ == "__main__":  # pragma: no cover - prints the corpus and what happens to each file
    import tempfile

    from rankings.errors import InputError
    from rankings.ingest import read_file

    with tempfile.TemporaryDirectory() as tmp:
        for variant in corpus(Path(tmp)):
            path = Path(tmp) / "probe" / variant.filename
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(variant.data)
            try:
                source, _layout, obs = read_file(path, variant.filename, "x")
                outcome, ok = f"read: {source}, {len(obs)} rows", variant.expect is None
            except InputError as exc:
                outcome, ok = exc.message, variant.expect is not None and variant.expect in exc.message
            print(f"{'ok ' if ok else 'BAD'} {variant.id:32} {variant.what[:50]:50} {outcome[:300]}")
