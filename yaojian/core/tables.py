"""Reading an uploaded file: what it is (by its content), its encoding, its rows.

An .xlsx workbook is read with openpyxl in read-only mode and *without* data_only, so that a
cell holding a formula is seen as a formula (and refused: a formula is not a value). A CSV
file may be UTF-8, UTF-8 with a byte-order mark, UTF-16 with one (Excel's "Unicode text"),
or GBK/GB18030 (Excel's "CSV" on a Chinese Windows): it is detected, never asked. A CSV cell
that starts like a formula (= + - @) is refused the same way (CSV injection).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from yaojian.core.errors import ValidationFailed

XLSX, CSV = "xlsx", "csv"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BINARY_SIGNATURES = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"Rar!": "RAR",
    b"7z\xbc\xaf": "7z",
    b"\x1f\x8b": "gzip",
}
# = anything; + - @ followed by something that is not a plain number or phone number
_NUMBER_LIKE = re.compile(r"[+-]?[\d\s().,/-]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LONG_NUMBER = 1e15  # Excel keeps 15 significant digits: longer numbers have lost some


class Cell(NamedTuple):
    text: str
    problem: str = ""  # "", "formula" or "long_number"


def refused(message: str, code: str = "import_file") -> ValidationFailed:
    return ValidationFailed.field("file", message, code=code)


def looks_like_formula(text: str) -> bool:
    """A CSV cell that Excel would run as a formula (CSV injection), e.g. =HYPERLINK(…)."""
    if not text or text[0] not in "=+-@":
        return False
    return text[0] in "=@" or not _NUMBER_LIKE.fullmatch(text)


# --- what the file is ---------------------------------------------------------------------------


def sniff(data: bytes) -> str:
    """XLSX or CSV, judged by the content (never by the name); refused otherwise."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise refused(_("The file is empty."), "import_empty")
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            raise refused(_("The file is a damaged ZIP archive, not an Excel workbook.")) from None
        if "xl/workbook.xml" in names:
            return XLSX
        if "content.xml" in names:
            raise refused(
                _("The file is an OpenDocument spreadsheet: save it as an Excel workbook (.xlsx).")
            )
        raise refused(_("The file is a ZIP archive, not an Excel workbook (.xlsx) or a CSV file."))
    if data.startswith(OLE_SIGNATURE):
        raise refused(
            _(
                "The file is an old Excel 97–2003 workbook (.xls) or another Office binary file: "
                "save it as an Excel workbook (.xlsx) or as CSV."
            )
        )
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise refused(
                _("The file is a %(kind)s file, neither an Excel workbook (.xlsx) nor a CSV file.")
                % {"kind": kind}
            )
    decode(data)  # refuses what is not text
    return CSV


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding."""
    text, encoding = None, ""
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _try(data[3:], "utf-8"), "UTF-8 (BOM)"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _try(data, "utf-16"), "UTF-16"
    else:
        text, encoding = _try(data, "utf-8"), "UTF-8"
        if text is None:
            text, encoding = _try(data, "gb18030"), "GB18030"
    if text is None:
        raise refused(
            _("The file is neither an Excel workbook (.xlsx) nor a CSV text file in UTF-8 or GBK.")
        )
    sample = text[:20000]
    if "\x00" in sample or len(_CONTROL.findall(sample)) > max(2, len(sample) // 200):
        raise refused(
            _(
                "The file is neither an Excel workbook (.xlsx) nor a CSV text file: it holds binary data."
            )
        )
    return text, encoding


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


# --- the rows -----------------------------------------------------------------------------------


@dataclass
class Table:
    """A file's header and a way to read its rows (once)."""

    format: str
    encoding: str
    headers: list[str]
    header_number: int
    row_count_hint: int | None  # rows below the header, when cheap to know
    _rows: Iterator[tuple[int, list[Cell]]]

    def rows(self, max_rows: int) -> Iterator[tuple[int, list[Cell]]]:
        """(row number in the file, cells) of every non-empty row below the header."""
        count = 0
        for number, cells in self._rows:
            if not any(cell.text for cell in cells):
                continue
            count += 1
            if count > max_rows:
                raise too_many_rows(max_rows)
            yield number, cells


def too_many_rows(max_rows: int) -> ValidationFailed:
    return refused(
        _("The file has more than %(max)s rows: split it into smaller files.") % {"max": max_rows},
        "import_too_many_rows",
    )


def open_table(data: bytes, file_format: str, *, sheet: str = "") -> Table:
    if file_format == XLSX:
        return _open_xlsx(data, sheet)
    return _open_csv(data)


def _open_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = ((number, row) for number, row in enumerate(reader, start=1))
    header_number, headers = _first_non_empty(
        (n, [Cell(v.strip()) for v in row]) for n, row in records
    )
    # one line a row in nearly every file: cheap to count, exact enough for the limit
    hint = max(0, text.count("\n") - header_number + (0 if text.endswith("\n") else 1))

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        for number, row in records:
            cells = []
            for value in row:
                value = value.strip()
                cells.append(Cell(value, "formula" if looks_like_formula(value) else ""))
            yield number, cells

    return Table(CSV, encoding, [c.text for c in headers], header_number, hint, rows())


def _open_xlsx(data: bytes, sheet: str) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # a damaged or encrypted workbook: say so, never a 500
        raise refused(
            _("The workbook cannot be read (%(reason)s): save it again as .xlsx.")
            % {"reason": type(error).__name__}
        ) from None
    if not workbook.worksheets:
        raise refused(_("The workbook has no worksheet."), "import_empty")
    worksheet = workbook[sheet] if sheet in workbook.sheetnames else workbook.worksheets[0]
    hint = worksheet.max_row if worksheet.max_row else None
    # a wrong <dimension> would cut rows off: read every row the sheet holds
    worksheet.reset_dimensions()
    records = (
        (number, [_xlsx_cell(cell) for cell in row])
        for number, row in enumerate(worksheet.iter_rows(), start=1)
    )
    header_number, headers = _first_non_empty(records)
    return Table(
        XLSX,
        "",
        [c.text for c in headers],
        header_number,
        (hint - header_number) if hint else None,
        records,
    )


def _first_non_empty(records) -> tuple[int, list[Cell]]:
    for number, cells in records:
        if any(cell.text for cell in cells):
            while cells and not cells[-1].text:
                cells.pop()
            return number, cells
    raise refused(_("The file is empty."), "import_empty")


def _xlsx_cell(cell: Any) -> Cell:
    value = getattr(cell, "value", None)
    if value is None:
        return Cell("")
    if getattr(cell, "data_type", "") == "f" or not isinstance(
        value, str | int | float | bool | dt.date | dt.time | dt.timedelta
    ):
        return Cell(str(getattr(value, "text", value)), "formula")
    return Cell(*cell_text(value))


def cell_text(value: Any) -> tuple[str, str]:
    """The text of a cell value as a person reads it, and a problem if digits were lost."""
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), ""
    if isinstance(value, int):
        return str(value), ("long_number" if abs(value) >= LONG_NUMBER else "")
    if isinstance(value, float):
        problem = "long_number" if abs(value) >= LONG_NUMBER else ""
        if value.is_integer():
            return str(int(value)), problem
        return f"{value:.15g}", problem
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat(), ""
        return value.isoformat(sep=" ", timespec="seconds"), ""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat(), ""
    return str(value).strip(), ""
