"""Files an import offers: the templates (Excel and CSV) and the error report (Excel)."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from yaojian.datacenter.imports import columns
from yaojian.datacenter.models import ImportJob, ImportRow, RowOutcome

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FONT = Font(bold=True)
EXAMPLE_FONT = Font(italic=True, color="808080")
ERROR_FILL = PatternFill("solid", fgColor="FCE4E4")
ERROR_FONT = Font(color="C00000")


def template_xlsx(register: str) -> bytes:
    """Sheet 1: the Chinese headers (required ones in red) and an example row in grey;
    sheet 2: what each column means and the allowed values; sheet 3: the division codes."""
    spec = columns.get(register)
    workbook = Workbook()
    data = workbook.active
    data.title = spec.sheet
    for index, column in enumerate(spec.columns, start=1):
        cell = data.cell(row=1, column=index, value=column.zh)
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.fill = HEADER_FILL
        cell.comment = Comment(f"{column.en}\n{_help(column)}"[:1000], "yaojian")
        example = data.cell(row=2, column=index, value=column.example or None)
        example.font = EXAMPLE_FONT
        example.number_format = "@"  # text: codes keep their leading zeros and all digits
        data.column_dimensions[get_column_letter(index)].width = min(
            max(len(column.zh) * 2 + 4, len(column.example) + 4, 12), 48
        )
        for row in range(3, 1002):  # typed codes stay text, not numbers
            data.cell(row=row, column=index).number_format = "@"
    data.freeze_panes = "A2"

    guide = workbook.create_sheet(_("Instructions"))
    guide.append(
        [
            _("Column (Chinese)"),
            _("Column (English)"),
            _("Required"),
            _("Meaning"),
            _("Allowed values"),
        ]
    )
    for cell in guide[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for column in spec.columns:
        guide.append(
            [
                column.zh,
                column.en,
                _("yes") if column.required else "",
                _help(column),
                column.allowed() if column.choices else "",
            ]
        )
    guide.append([])
    for note in _notes():
        guide.append([note])
    for letter, width in zip("ABCDE", (26, 30, 8, 60, 80), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    codes = workbook.create_sheet(_("Division codes"))
    codes.append([_("Division code"), _("Division")])
    for cell in codes[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for code, name in columns.divisions():
        codes.append([code, name])
    codes.column_dimensions["A"].width, codes.column_dimensions["B"].width = 14, 30
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _help(column: columns.Column) -> str:
    text = str(column.help) if column.help else ""
    if column.kind == columns.DATE:
        text = (text + " " + _("A date: 2026-03-31, 2026/3/31 or 2026年3月31日.")).strip()
    return text


def _notes() -> list[str]:
    return [
        _("The first row holds the column headers: Chinese or English names are both accepted."),
        _("Delete the grey example row before you upload the file."),
        _(
            "A row whose key (credit code, licence number, approval or certificate number) is "
            "already in the register updates that record; an empty cell leaves its value as it is."
        ),
        _("Cells must hold values, not formulas."),
        _("Save as Excel workbook (.xlsx) or CSV (UTF-8 or GBK)."),
    ]


def template_csv(register: str) -> bytes:
    """The Chinese headers and the example row, UTF-8 with a byte-order mark (Excel reads it)."""
    spec = columns.get(register)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.zh for column in spec.columns])
    writer.writerow(spec.example_row())
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def error_report(job: ImportJob, rows: Iterable[ImportRow]) -> bytes:
    """The file's rows as read, with a column of errors (rows with errors in red).

    The column is ignored when the corrected report is uploaded again.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(columns.REGISTERS[job.register].sheet)
    headers = [header for header, _key in job.columns]
    width = len(headers)
    sheet.freeze_panes = "A2"
    title = WriteOnlyCell(sheet, value=columns.ERRORS_COLUMN)
    title.font, title.fill = REQUIRED_FONT, HEADER_FILL
    header_cells = []
    for header in headers:
        cell = _text_cell(sheet, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header_cells.append(cell)
    sheet.column_dimensions["A"].width = 60
    sheet.append([title, *header_cells])
    for row in rows:
        message = "；".join(
            f"{e['column']}: {e['message']}" if e.get("column") else e["message"]
            for e in row.errors
        )
        first = WriteOnlyCell(sheet, value=message or None)
        texts = row.cells + [""] * (width - len(row.cells))
        cells = [_text_cell(sheet, text) for text in texts]
        if row.outcome == RowOutcome.ERROR:
            first.font = ERROR_FONT
            for cell in [first, *cells]:
                cell.fill = ERROR_FILL
        sheet.append([first, *cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, text: str) -> WriteOnlyCell:
    """A cell that holds `text` as text: '=…' stays text and is never run as a formula."""
    cell = WriteOnlyCell(sheet, value=text or None)
    if text:
        cell.data_type = "s"
        cell.number_format = "@"
    return cell
