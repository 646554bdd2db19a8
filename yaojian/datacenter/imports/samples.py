"""Import files built from rows: for the tests, the benchmarks and trying the import out.

Rows are dicts keyed by column key ("uscc", "name"…) holding text as a person would type it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

from yaojian.core import regions
from yaojian.datacenter.imports import columns
from yaojian.demo.generator import ProvinceGenerator
from yaojian.registry.choices import EnterpriseKind


def enterprise_rows(
    count: int,
    *,
    seed: int = 11,
    counties: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
) -> list[dict[str, str]]:
    """Valid enterprises from the demo generator (in `counties` if given, else anywhere)."""
    generator = ProvinceGenerator(seed=seed)
    if counties is None and kinds is None:
        source = generator.enterprises(count)
    else:
        places = [regions.get(code) for code in (counties or [])] or [None]
        chosen = list(kinds or [EnterpriseKind.RETAIL_PHARMACY])
        source = (
            generator.enterprise(chosen[i % len(chosen)], places[i % len(places)])
            for i in range(count)
        )
    kind_column = columns.ENTERPRISES.column("kind")
    rows = []
    for row in source:
        rows.append(
            {
                "uscc": row.uscc,
                "name": row.name,
                "kind": kind_column.chinese_name(row.kind),
                "legal_representative": row.legal_representative,
                "legal_representative_id": row.legal_representative_id,
                "address": row.address,
                "region_code": row.region_code,
                "phone": row.phone,
                "risk_grade": row.risk_grade,
            }
        )
    return rows


def headers_for(register: str, keys: Iterable[str], *, english: bool = False) -> list[str]:
    spec = columns.REGISTERS[register]
    return [spec.column(k).en if english else spec.column(k).zh for k in keys]


def table(
    register: str, rows: Sequence[dict[str, str]], *, english: bool = False
) -> tuple[list[str], list[list[str]]]:
    """The header row and the rows of a file holding every column the rows use."""
    spec = columns.REGISTERS[register]
    used = {key for row in rows for key in row}
    keys = [c.key for c in spec.columns if c.key in used or c.required]
    return headers_for(register, keys, english=english), [
        [str(row.get(k, "")) for k in keys] for row in rows
    ]


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    headers: Sequence[str], rows: Iterable[Sequence[object]], *, encoding: str = "utf-8-sig"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def file_for(
    register: str,
    rows: Sequence[dict[str, str]],
    *,
    fmt: str = "xlsx",
    encoding: str = "utf-8-sig",
    english: bool = False,
) -> bytes:
    headers, body = table(register, rows, english=english)
    if fmt == "csv":
        return csv_bytes(headers, body, encoding=encoding)
    return xlsx_bytes(headers, body)
