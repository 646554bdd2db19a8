"""Reading import files: type by content, encodings, formulas, headers, cell values."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from yaojian.core import tables as reading
from yaojian.core.errors import ValidationFailed
from yaojian.datacenter.imports import columns, samples

# cells as people type them: Chinese, ASCII, full-width, punctuation, quotes, separators
CELL = st.text(
    alphabet=st.sampled_from(
        list("药监江西南昌市东湖区大药房有限公司（）〔〕，。、“”")
        + list("abcXYZ0123456789 -_/.,;:'\"\t")
        + ["０", "Ａ", "号", "\n"]
    ),
    max_size=30,
).map(str.strip)


def _rows(table: reading.Table) -> list[list[str]]:
    return [[c.text for c in cells] for _n, cells in table.rows(1000)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=8))
def test_csv_round_trips_in_every_accepted_encoding(encoding, rows):
    rows = [r for r in rows if any(r)] or [["药", "b", "c"]]
    headers = ["企业名称", "统一社会信用代码", "地址"]
    data = samples.csv_bytes(headers, rows, encoding=encoding)
    assert reading.sniff(data) == reading.CSV
    table = reading.open_table(data, reading.CSV)
    assert table.headers == headers
    expected = [[cell.strip() for cell in row] for row in rows]
    read = _rows(table)
    assert [r + [""] * (3 - len(r)) for r in read] == expected


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 (BOM)"), ("gbk", "GB18030"), ("utf-16", "UTF-16")],
)
def test_the_encoding_is_detected_and_named(encoding, label):
    data = "企业名称,地址\n南昌大药房,东湖区\n".encode(encoding)
    text, found = reading.decode(data)
    assert found == label
    assert text.lstrip("\ufeff").startswith("企业名称")


def test_tab_and_semicolon_separated_files_are_read():
    for separator in ("\t", ";"):
        data = f"企业名称{separator}地址\n甲{separator}乙\n".encode()
        table = reading.open_table(data, reading.CSV)
        assert table.headers == ["企业名称", "地址"]
        assert _rows(table) == [["甲", "乙"]]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"\r\n \r\n", "empty"),
        (codecs.BOM_UTF8, "empty"),
        (reading.OLE_SIGNATURE + b"\x00" * 100, ".xls"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (bytes(range(256)) * 4, "neither"),
        (b"name\x00\x01\x02,x\n" * 50, "binary data"),
    ],
)
def test_what_is_neither_xlsx_nor_csv_is_refused_by_content(data, words):
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        reading.sniff(data)
    assert words in caught.value.errors["file"][0]


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        reading.sniff(buffer.getvalue())
    assert "ZIP archive" in caught.value.errors["file"][0]


def test_an_xlsx_is_recognised_whatever_its_name_and_its_formulas_are_seen():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["企业名称", "联系电话", "纬度"])
    sheet.append(["南昌大药房", "=A1&B1", 28.5])
    sheet.append(["=SUM(1,2)", 13800138000, 1234567890123456789])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    assert reading.sniff(data) == reading.XLSX
    table = reading.open_table(data, reading.XLSX)
    rows = [cells for _n, cells in table.rows(10)]
    assert rows[0][1] == reading.Cell("=A1&B1", "formula")
    assert rows[0][2] == reading.Cell("28.5")
    assert rows[1][0].problem == "formula"
    assert rows[1][1] == reading.Cell("13800138000")
    assert rows[1][2].problem == "long_number"


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("=1+1", True),
        ('=HYPERLINK("http://x")', True),
        ("@SUM(A1)", True),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3+cmd|' /C calc'!A0", True),
        ("+86 138 0013 8000", False),
        ("-12.5", False),
        ("0791-86001234", False),
        ("-", False),
        ("南昌", False),
        ("", False),
    ],
)
def test_csv_cells_that_look_like_formulas(text, formula):
    assert reading.looks_like_formula(text) is formula


def test_too_many_rows_are_refused_while_reading():
    data = samples.csv_bytes(["企业名称"], [[f"药房{i}"] for i in range(12)])
    table = reading.open_table(data, reading.CSV)
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        list(table.rows(10))
    assert "more than 10 rows" in caught.value.errors["file"][0]


def test_empty_rows_are_skipped_but_numbered_as_in_the_file():
    data = "企业名称\n\n甲\n,\n乙\n".encode()
    table = reading.open_table(data, reading.CSV)
    assert [(n, [c.text for c in cells]) for n, cells in table.rows(10)] == [
        (3, ["甲"]),
        (5, ["乙"]),
    ]


def test_cell_text_reads_numbers_and_dates_as_people_do():
    assert reading.cell_text(360102) == ("360102", "")
    assert reading.cell_text(360102.0) == ("360102", "")
    assert reading.cell_text(28.68) == ("28.68", "")
    assert reading.cell_text(dt.datetime(2030, 12, 31)) == ("2030-12-31", "")
    assert reading.cell_text(dt.date(2030, 1, 2)) == ("2030-01-02", "")
    assert reading.cell_text(True) == ("TRUE", "")
    assert reading.cell_text(362301199001011234)[1] == "long_number"


# --- headers and values ------------------------------------------------------------------------


def test_chinese_and_english_headers_are_accepted_in_any_order():
    spec = columns.ENTERPRISES
    headers = [
        "Name",
        "统一社会信用代码*",
        "企业类型",
        " legal  representative ",
        "注册地址",
        "division code",
    ]
    mapping = spec.match_header(headers)
    assert [key for _h, key in mapping] == [
        "name",
        "uscc",
        "kind",
        "legal_representative",
        "address",
        "region_code",
    ]


def test_unknown_twice_and_missing_columns_are_named():
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        columns.ENTERPRISES.match_header(["企业名称", "企业名称", "备注", "统一社会信用代码"])
    message = caught.value.errors["file"][0]
    assert "Unknown columns: 备注" in message
    assert "Columns given twice: 企业名称" in message
    assert "Missing required columns: 企业类型, 法定代表人, 注册地址, 所在地区划代码" in message


def test_the_error_column_of_a_report_is_ignored():
    mapping = columns.ENTERPRISES.match_header(
        [
            columns.ERRORS_COLUMN,
            *samples.headers_for(
                "enterprises",
                ["uscc", "name", "kind", "legal_representative", "address", "region_code"],
            ),
        ]
    )
    assert mapping[0] == [columns.ERRORS_COLUMN, ""]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("单体零售药店", "retail_pharmacy"),
        ("retail_pharmacy", "retail_pharmacy"),
        ("Independent retail pharmacy", "retail_pharmacy"),
        ("药品零售连锁企业(总部)", "retail_chain_hq"),  # half-width brackets
        (" 连锁门店 ", "retail_chain_store"),
    ],
)
def test_choice_values_are_accepted_in_chinese_code_or_english(text, value):
    assert columns.ENTERPRISES.column("kind").convert(text) == value


def test_an_unknown_choice_lists_the_allowed_values():
    with (
        translation.override("en"),
        pytest.raises(ValueError, match="not one of the allowed") as caught,
    ):
        columns.LICENCES.column("kind").convert("药品许可证")
    assert "药品经营许可证（零售） (drug_retail)" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    ["2030-12-31", "2030/12/31", "2030.12.31", "2030年12月31日", "20301231", "2030-12-31 00:00:00"],
)
def test_dates_in_the_usual_forms(text):
    assert columns.parse_date(text) == dt.date(2030, 12, 31)


@pytest.mark.parametrize("text", ["2030-02-30", "31/12/2030", "明年", "2030-13-01"])
def test_impossible_dates_say_how_to_write_them(text):
    with translation.override("en"), pytest.raises(ValueError, match="2026-03-31"):
        columns.parse_date(text)


def test_template_csv_reads_back_as_its_own_register():
    from yaojian.datacenter.imports import downloads

    for register in columns.REGISTERS:
        data = downloads.template_csv(register)
        assert data.startswith(codecs.BOM_UTF8)
        table = reading.open_table(data, reading.sniff(data))
        columns.REGISTERS[register].match_header(table.headers)
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0] == [c.zh for c in columns.REGISTERS[register].columns]
