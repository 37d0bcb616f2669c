"""Open a raw file as cells, whatever its container: CSV (any common encoding and delimiter) or a workbook.

Readers never touch bytes: they get a :class:`RawFile` whose sheets are lists of rows of cell values. CSV cells
are the text as written (so a reader can see how many decimals the publisher printed); workbook cells are what
the workbook stores (numbers, text, dates; formulas as their cached result).
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from rankings.errors import InputError

DATA_SUFFIXES = {".csv", ".tsv", ".xlsx", ".xlsm", ".xls"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}

# Limits that keep a hostile or mistaken file from exhausting the machine.
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
MAX_ZIP_RATIO = 200

Cell = object  # str | float | int | bool | datetime | None
Row = list[Cell]


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
            try:
                rows = self._workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)  # type: ignore[attr-defined]
            except Exception as exc:  # calamine raises its own error types for corrupt parts
                raise self.fail(f"sheet {name!r} cannot be read ({_short(exc)})") from None
            self._sheets[name] = Sheet(name, [list(r) for r in rows])
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
    if content != "text" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise raw.fail(f"is named {raw.path.suffix} but is not a text file: its content is {content}")
    text = decode_text(raw, data)
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ","
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise raw.fail(f"is not valid CSV ({_short(exc)})") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise raw.fail("has no rows")
    return rows


def normalise_header(cell: Cell) -> str:
    """Header text as compared by readers: lower case, single spaces, no line breaks or stray punctuation."""
    text = "" if cell is None else str(cell)
    text = text.replace("\ufeff", "").replace("\n", " ").replace("\r", " ")
    return " ".join(text.lower().split()).strip(" :*")
