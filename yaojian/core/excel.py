"""Excel export: regulators live in Excel. One writer for every list the platform exports."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

MAX_ROWS = 200_000


def export_response(
    *,
    filename: str,
    sheet: str,
    columns: Sequence[tuple[str, Callable[[Any], Any]]],
    rows: Iterable[Any],
) -> HttpResponse:
    """An .xlsx download: a header row of column titles, then one row per object."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    widths = [max(len(str(title)) * 2, 10) for title, _ in columns]
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = min(width + 4, 60)
    header = []
    for title, _ in columns:
        header.append(str(title))
    worksheet.append(header)
    for count, row in enumerate(rows):
        if count >= MAX_ROWS:
            break
        worksheet.append([_cell(value(row)) for _, value in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str | int | float) or hasattr(value, "isoformat"):
        return value
    return str(value)


__all__ = ["export_response"]
