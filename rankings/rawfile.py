"""Open a raw file as cells, whatever its container: CSV (any common encoding and delimiter) or a workbook.

Readers never touch bytes: they get a :class:`RawFile` whose sheets are lists of rows of cell values. CSV cells
are the text as written (so a reader can see how many decimals the publisher printed); workbook cells are what
the workbook stores (numbers, text, dates; formulas as their cached result, and a formula whose result the
workbook does not store as a :class:`Formula`, never as an empty cell).
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from rankings.errors import InputError

if TYPE_CHECKING:  # numpy is imported by the functions that scan a workbook's XML (a CSV file needs none of it)
    import numpy as np

DATA_SUFFIXES = {".csv", ".tsv", ".xlsx", ".xlsm", ".xls"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}

# Limits that keep a hostile or mistaken file from exhausting the machine.
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
MAX_ZIP_RATIO = 200
# Cells of one sheet or CSV file, the empty ones included (a sheet is read as the rectangle its cells span): a
# workbook of a few kilobytes can hold two cells a million rows and sixteen thousand columns apart, and reading
# it would need terabytes. The largest published sheet read so far spans about a million cells.
MAX_CELLS = 10_000_000

Cell = object  # str | float | int | bool | datetime | Formula | None
Row = list[Cell]


class Formula(str):
    """A formula cell whose workbook stores no result (saved by a program that does not calculate, never by
    Excel): the formula's text, ``=1+1``. It is not a published value, so a reader that needs a number from it
    fails; as text (a survey answer) it is what was typed."""


@dataclass
class Sheet:
    name: str | None  # None for a CSV file
    rows: list[Row]


@dataclass
class RawFile:
    path: Path
    display: str  # the path as shown to the user (relative to the raw folder)
    _sheets: dict[str | None, Sheet] = field(default_factory=dict, repr=False)
    _sheet_names: list[str | None] | None = field(default=None, repr=False)
    _workbook: object = field(default=None, repr=False)

    @property
    def kind(self) -> str:
        return "excel" if self.path.suffix.lower() in EXCEL_SUFFIXES else "csv"

    def fail(self, problem: str) -> InputError:
        return InputError(self.display, problem)

    @property
    def sheet_names(self) -> list[str | None]:
        if self._sheet_names is None:
            if self.kind == "csv":
                self._sheets[None] = Sheet(None, _read_csv(self))
                self._sheet_names = [None]
            else:
                self._workbook = _open_workbook(self)
                self._sheet_names = list(self._workbook.sheet_names)  # type: ignore[attr-defined]
        return self._sheet_names

    def sheet(self, name: str | None) -> Sheet:
        if name not in self.sheet_names:
            raise self.fail(f"has no sheet {name!r}")
        if name not in self._sheets:
            # Before calamine lays the sheet out as a rectangle: how far its cells reach, and its formulas.
            formulas = _inspect_sheet(self, name) if self.path.suffix.lower() in ZIP_SUFFIXES else {}
            try:
                sheet = self._workbook.get_sheet_by_name(name)  # type: ignore[attr-defined]
                end = sheet.end
            except Exception as exc:  # calamine raises its own error types for corrupt parts
                raise self.fail(f"sheet {name!r} cannot be read ({_short(exc)})") from None
            if end is not None and (end[0] + 1) * (end[1] + 1) > MAX_CELLS:
                raise self.fail(_too_large(name, end[0] + 1, end[1] + 1))
            try:
                rows = [list(r) for r in sheet.to_python(skip_empty_area=False)]
            except Exception as exc:
                raise self.fail(f"sheet {name!r} cannot be read ({_short(exc)})") from None
            for (r, c), formula in formulas.items():
                if r < len(rows) and c < len(rows[r]) and rows[r][c] in (None, ""):
                    rows[r][c] = formula
            self._sheets[name] = Sheet(name, rows)
        return self._sheets[name]

    def sheets(self) -> list[Sheet]:
        return [self.sheet(n) for n in self.sheet_names]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def _check_size(raw: RawFile) -> int:
    size = raw.path.stat().st_size
    if size == 0:
        raise raw.fail("is empty")
    if size > MAX_FILE_BYTES:
        raise raw.fail(f"is {size / 1e6:.0f} MB; files over {MAX_FILE_BYTES / 1e6:.0f} MB are not read")
    return size


def _sniff_content(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "a zip container (Excel workbook)"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old-style Excel or Office file"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff") or head.startswith(b"GIF8"):
        return "an image"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    if b"\x00" in head:
        return "binary data"
    return "text"


ZIP_SUFFIXES = {".xlsx", ".xlsm"}
_SPACE = (b" ", b">", b"/", b"\t", b"\n", b"\r")  # what follows an element's name
_CHUNK, _WINDOW = 1 << 24, 24
# A reference in an ``r`` attribute (a cell's ``r="B7"``, a row's ``r="7"``), however it is quoted or spaced.
_ANY_REF = re.compile(rb'\br\s*=\s*["\']([A-Za-z]*)([0-9]+)["\']')


def _too_large(sheet: str | None, rows: int, columns: int) -> str:
    return (
        f"sheet {sheet!r} spans {rows:,} rows and {columns:,} columns ({rows * columns / 1e6:,.0f} million cells, "
        f"the empty ones included); sheets over {MAX_CELLS / 1e6:.0f} million cells are not read"
    )


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _extent(xml: bytes) -> tuple[int, int]:
    """At least as many rows and columns as the cells of a worksheet's XML span, without laying them out.

    A cell written as ``<c r="B7" ...>`` (as Excel and the libraries write them) is placed by its reference; a
    cell written otherwise may follow the one before it, and then every cell and row may add a column or a row.
    """
    import numpy as np

    space_codes = np.frombuffer(b"".join(_SPACE), dtype=np.uint8)
    data = np.frombuffer(xml, dtype=np.uint8)
    rows = columns = irregular = 0
    for offset in range(0, len(data), _CHUNK):  # in slices, so the temporary arrays stay small
        part = data[offset : offset + _CHUNK + _WINDOW]
        size = min(_CHUNK, len(part))
        if len(part) < size + _WINDOW:
            part = np.concatenate([part, np.zeros(size + _WINDOW - len(part), dtype=np.uint8)])
        head = part[:size]
        starts = np.flatnonzero(((head == ord("<")) | (head == ord(":"))) & (part[1 : size + 1] == ord("c")))
        cells = starts[np.isin(part[starts + 2], space_codes)]  # "<c " but not "<col", also "<x:c "
        plain = cells[
            (part[cells] == ord("<"))
            & (part[cells + 2] == ord(" "))
            & (part[cells + 3] == ord("r"))
            & (part[cells + 4] == ord("="))
            & (part[cells + 5] == ord('"'))
        ]
        irregular += len(cells) - len(plain)
        if len(plain):
            r, c = _references(part[plain[:, None] + 6 + np.arange(_WINDOW - 6)])
            rows, columns = max(rows, r), max(columns, c)
    if irregular:
        for letters, digits in _ANY_REF.findall(xml):
            rows = max(rows, int(digits))
            columns = max(columns, _column_number(letters) if letters else 0)
        rows += xml.count(b"<row") + xml.count(b":row")
        columns += irregular
    return rows, columns


def _leading(mask: np.ndarray, limit: int) -> np.ndarray:
    """Length of the run of True at the start of each row of ``mask`` (at most ``limit``)."""
    import numpy as np

    run = mask[:, 0].copy()
    count = run.astype(np.int64)
    for j in range(1, limit):
        run &= mask[:, j]
        count += run
    return count


def _references(window: np.ndarray) -> tuple[int, int]:
    """The largest row and column of the references at the start of the window's rows (letters, digits)."""
    import numpy as np

    folded = window | 0x20
    n_letters = _leading((folded >= ord("a")) & (folded <= ord("z")), 4)
    rows = columns = 0
    for width in np.unique(n_letters).tolist():
        chosen = n_letters == width
        if width:
            letters = (folded[chosen, :width] - (ord("a") - 1)).astype(np.int64)
            columns = max(columns, int((letters @ (26 ** np.arange(width - 1, -1, -1))).max()))
        digits = window[chosen, width : width + 10]
        n_digits = _leading((digits >= ord("0")) & (digits <= ord("9")), 10)
        longest = int(n_digits.max())
        if longest:
            values = (digits[n_digits == longest, :longest] - ord("0")).astype(np.int64)
            rows = max(rows, int((values @ (10 ** np.arange(longest - 1, -1, -1))).max()))
    return rows, columns


def _formulas(xml: bytes) -> dict[tuple[int, int], Formula]:
    """Formula cells of a worksheet's XML that store no result, by (row, column), 0-based."""
    out: dict[tuple[int, int], Formula] = {}
    pos = xml.find(b"<f")
    while pos >= 0:
        if xml[pos + 2 : pos + 3] not in _SPACE:  # another element (<filterColumn>)
            pos = xml.find(b"<f", pos + 2)
            continue
        close = xml.find(b"</c>", pos)
        if close < 0:
            break
        content = xml[pos:close]
        if not re.search(rb"<v(?:\s[^>]*)?>[^<]", content):  # no stored result, or an empty one
            begin = xml.rfind(b"<c", 0, pos)
            tag = xml[begin : xml.find(b">", begin) + 1] if begin >= 0 else b""
            ref = re.search(rb'\sr\s*=\s*["\']([A-Za-z]{1,3})([0-9]+)["\']', tag)
            text_type = re.search(rb'\st\s*=\s*["\'](str|inlineStr)["\']', tag)
            if ref is not None and not (text_type and b"<v" in content):  # an empty text is a stored result
                body = re.match(rb"<f[^>]*?(?:/>|>(.*?)</f>)", content, re.S)
                text = body[1].decode("utf-8", "replace") if body and body[1] else "(a shared formula)"
                out[(int(ref[2]) - 1, _column_number(ref[1]) - 1)] = Formula("=" + html.unescape(text))
        pos = xml.find(b"<f", close)
    return out


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the worksheet part inside a workbook's zip ({} when the workbook does not say)."""
    try:
        infos = [zf.getinfo("xl/workbook.xml"), zf.getinfo("xl/_rels/workbook.xml.rels")]
        if any(i.file_size > 5 << 20 for i in infos):
            return {}
        book, rels = (ET.fromstring(zf.read(i)) for i in infos)
    except (KeyError, ET.ParseError, zipfile.BadZipFile, zlib.error, OSError, EOFError):
        return {}
    targets = {r.get("Id"): r.get("Target") or "" for r in rels.iter() if r.tag.endswith("Relationship")}
    parts = {}
    for sheet in book.iter():
        if sheet.tag.endswith("}sheet") or sheet.tag == "sheet":
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            if target:
                part = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
                parts[sheet.get("name", "")] = part
    return parts


def _inspect_sheet(raw: RawFile, name: str | None) -> dict[tuple[int, int], Formula]:
    """Refuse a sheet whose cells span more than :data:`MAX_CELLS` before anything lays them out (calamine
    allocates the whole rectangle at once, and aborts the process when it cannot); return its formulas that
    store no result."""
    try:
        with zipfile.ZipFile(raw.path) as zf:
            part = _sheet_parts(zf).get(str(name))
            # A part that cannot be named is checked with every part of the workbook, as if it were the sheet.
            names = [part] if part in zf.NameToInfo else [i.filename for i in zf.infolist()]
            found: dict[tuple[int, int], Formula] = {}
            for part_name in names:
                xml = zf.read(part_name)  # no more than its declared size, which is checked
                rows, columns = _extent(xml)
                if rows * columns > MAX_CELLS:
                    raise raw.fail(_too_large(name, rows, columns))
                if len(names) == 1:
                    found = _formulas(xml)
            return found
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise raw.fail(f"is a damaged workbook: sheet {name!r} cannot be read ({_short(exc)})") from None


def _open_workbook(raw: RawFile) -> object:
    from python_calamine import CalamineWorkbook

    size = _check_size(raw)
    with raw.path.open("rb") as fh:
        head = fh.read(512)
    content = _sniff_content(head)
    suffix = raw.path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        if not head.startswith(b"PK\x03\x04"):
            raise raw.fail(f"is named {suffix} but is not an Excel workbook: its content is {content}")
        try:
            with zipfile.ZipFile(raw.path) as zf:
                unzipped = sum(i.file_size for i in zf.infolist())
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise raw.fail(f"is a damaged or truncated workbook ({_short(exc)})") from None
        if unzipped > MAX_UNZIPPED_BYTES or unzipped > MAX_ZIP_RATIO * size:
            raise raw.fail(
                f"expands to {unzipped / 1e6:.0f} MB when unpacked (from {size / 1e6:.1f} MB); "
                "refusing to open it as it may be a zip bomb"
            )
        if "xl/workbook.xml" not in names:
            raise raw.fail("is a zip file but not an Excel workbook (no xl/workbook.xml inside)")
    elif suffix == ".xls" and not head.startswith(b"\xd0\xcf\x11\xe0"):
        raise raw.fail(f"is named .xls but is not an Excel workbook: its content is {content}")
    try:
        return CalamineWorkbook.from_path(str(raw.path))
    except Exception as exc:
        raise raw.fail(f"is a damaged workbook and cannot be opened ({_short(exc)})") from None


def decode_text(raw: RawFile, data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252/Latin-1, the encodings publishers' CSVs come in."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise raw.fail("starts like UTF-16 text but cannot be decoded") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _read_csv(raw: RawFile) -> list[Row]:
    _check_size(raw)
    data = raw.path.read_bytes()
    content = _sniff_content(data[:512])
    if content == "text" and b"\x00" in data:
        content = "binary data"
    if content != "text" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise raw.fail(f"is named {raw.path.suffix} but is not a text file: its content is {content}")
    text = decode_text(raw, data)
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ","
    cells = text.count(delimiter) + text.count("\n") + 1
    if cells > MAX_CELLS:
        limit = MAX_CELLS / 1e6
        raise raw.fail(f"has about {cells / 1e6:,.0f} million cells; files over {limit:.0f} million cells are not read")
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise raw.fail(f"is not valid CSV ({_short(exc)})") from None
    if len(rows) > 1 and not text.endswith(("\n", "\r")) and 1 < len(rows[-1]) < len(rows[-2]):
        raise raw.fail(
            f"ends in the middle of a line: its last line has {len(rows[-1])} of the {len(rows[-2])} fields of the "
            "line before, so the file seems cut short; download it again"
        )
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise raw.fail("has no rows")
    return rows


def normalise_header(cell: Cell) -> str:
    """Header text as compared by readers: lower case, single spaces, no line breaks or stray punctuation."""
    if type(cell) is str:
        return _normalise_text(cell)  # every layout's detection looks at the same first rows: cached by text
    return _normalise_text("" if cell is None else str(cell))


@lru_cache(maxsize=1 << 16)
def _normalise_text(text: str) -> str:
    text = text.replace("\ufeff", "").replace("\n", " ").replace("\r", " ")
    return " ".join(text.lower().split()).strip(" :*")


def scan(raw_dir: Path) -> tuple[list[Path], list[Path]]:
    """Data files (by suffix; content decides the layout) and everything else, which is ignored."""
    data, ignored = [], []
    for path in sorted(p for p in raw_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(raw_dir)
        if any(part.startswith(".") for part in rel.parts) or path.name.startswith("~$"):
            continue  # hidden files, markers, Excel lock files
        (data if path.suffix.lower() in DATA_SUFFIXES else ignored).append(path)
    return data, ignored
