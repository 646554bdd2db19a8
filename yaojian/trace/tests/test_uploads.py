"""Uploads: rows to EPCIS events (pure), file reading (CSV UTF-8/BOM/GBK, XLSX), refusals that
name the row and column, and capture through the same path as an EPCIS document."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json

import pytest
from django.utils import translation
from openpyxl import Workbook
from stdnum.cn import uscc

from yaojian.trace import uploads
from yaojian.trace.models import CaptureJob, CodeState, Event
from yaojian.trace.tests.helpers import PRODUCT, SITES, at, chain, cn

NOW = dt.datetime(2026, 11, 20, 1, 30, tzinfo=dt.UTC)
# a bare 20-digit code (as printed under the barcode) and its canonical form
BARE = f"{PRODUCT}0000000010000"
PARTY = "91360100MA35ABCD1" + uscc.calc_check_digit("91360100MA35ABCD1")
CASE = "81234570000000020000"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _rows(*rows):
    return [(number, list(row)) for number, row in enumerate(rows, start=2)]


# --- pure mapping -------------------------------------------------------------------------------


def test_hierarchy_rows_become_one_packing_event_per_parent_inner_first():
    pallet = "(00)106141411234567897"
    events = uploads.map_rows(
        uploads.HIERARCHY,
        ["父码", "子码", "包装层级"],
        _rows(
            [pallet, CASE, "托"],
            [CASE, BARE, "箱"],
            [CASE, cn(2), "箱"],
            [CASE, cn(2), "箱"],  # repeated row: one child
        ),
        now=NOW,
    )
    assert [e["parentID"] for e in events] == [
        f"urn:yaojian:cn:{CASE}",
        "https://id.gs1.org/00/106141411234567897",
    ]
    case = events[0]
    assert case["type"] == "AggregationEvent"
    assert case["action"] == "ADD" and case["bizStep"] == "packing"
    assert case["childEPCs"] == [cn(1), cn(2)]
    assert case["eventTime"] == "2026-11-20T09:30:00+08:00"
    assert case["eventTimeZoneOffset"] == "+08:00"


def test_english_headers_in_any_order_and_level_optional():
    events = uploads.map_rows(
        uploads.HIERARCHY,
        ["Child code", "Parent Code"],
        _rows([BARE, CASE]),
        now=NOW,
    )
    assert events[0]["childEPCs"] == [cn(1)]


def test_documents_group_by_document_number_and_name_the_counterpart():
    rows = _rows(
        ["发货", "FH-001", "2026-11-20 09:30", SITES["xihu"], BARE],
        ["发货", "FH-001", "2026-11-20 09:30", SITES["xihu"], cn(2)],
        ["收货", "SH/7", "2026/11/21 8:05:09", PARTY, cn(3)],
    )
    events = uploads.map_rows(
        uploads.DOCUMENTS,
        ["单据类型", "单据号", "日期时间", "对方", "追溯码"],
        rows,
        issuer="91360102MA35ABCD1X",
        counterpart={SITES["xihu"]: "urn:test:xihu", PARTY: "urn:test:party"}.__getitem__,
    )
    shipping, receiving = events
    assert shipping["bizStep"] == "shipping" and shipping["disposition"] == "in_transit"
    assert shipping["epcList"] == [cn(1), cn(2)]
    assert shipping["eventTime"] == "2026-11-20T09:30:00+08:00"
    assert shipping["bizTransactionList"] == [
        {"type": "desadv", "bizTransaction": "urn:yaojian:bt:91360102MA35ABCD1X:FH-001"}
    ]
    assert shipping["destinationList"] == [{"type": "owning_party", "destination": "urn:test:xihu"}]
    assert receiving["bizStep"] == "receiving" and receiving["disposition"] == "active"
    assert receiving["bizTransactionList"][0]["type"] == "recadv"
    assert receiving["bizTransactionList"][0]["bizTransaction"].endswith(":SH%2F7")
    assert receiving["sourceList"] == [{"type": "owning_party", "source": "urn:test:party"}]
    assert receiving["eventTime"] == "2026-11-21T08:05:09+08:00"


def test_a_credit_code_counterpart_becomes_a_party_uri():
    assert uploads.counterpart_uri(PARTY.lower()) == f"urn:yaojian:party:{PARTY}"
    assert uploads.counterpart_uri(SITES["xihu"]).startswith("https://id.gs1.org/414/")
    with pytest.raises(uploads.CounterpartError):
        uploads.counterpart_uri("某某医药公司")


def test_a_bad_code_is_refused_with_its_row_column_and_reason():
    with pytest.raises(uploads.UploadInvalid) as caught:
        uploads.map_rows(
            uploads.HIERARCHY,
            ["父码", "子码"],
            _rows([CASE, BARE], [CASE, "8123456000000001000X"]),
            now=NOW,
        )
    (problem,) = caught.value.problems
    assert problem.row == 3 and problem.column.startswith("子码")
    assert str(problem).startswith("Row 3, column 子码 (child code): 8123456000000001000X")


def test_every_bad_row_is_named_and_missing_columns_are_listed():
    with pytest.raises(uploads.UploadInvalid) as caught:
        uploads.map_rows(
            uploads.DOCUMENTS,
            ["type", "document number", "date-time", "counterpart", "code"],
            _rows(
                ["退货", "X1", "2026-11-20 09:30", SITES["xihu"], BARE],
                ["发货", "X2", "2026-11-20", SITES["xihu"], BARE],
                ["发货", "X3", "2026-11-20 10:00", "某某公司", BARE],
            ),
        )
    assert [(p.row, p.column.split()[0]) for p in caught.value.problems] == [
        (2, "单据类型"),
        (3, "日期时间"),
        (4, "对方"),
    ]
    with pytest.raises(uploads.UploadInvalid) as caught:
        uploads.map_rows(uploads.DOCUMENTS, ["单据号", "追溯码", "备注"], _rows(["1", BARE]))
    message = str(caught.value.problems[0])
    assert "单据类型 (type)" in message and "对方 (counterpart)" in message and "备注" in message


def test_a_header_without_rows_is_refused():
    with pytest.raises(uploads.UploadInvalid, match="no rows"):
        uploads.map_rows(uploads.HIERARCHY, ["父码", "子码"], [])


def test_one_document_with_two_times_is_refused():
    with pytest.raises(uploads.UploadInvalid) as caught:
        uploads.map_rows(
            uploads.DOCUMENTS,
            ["单据类型", "单据号", "日期时间", "对方", "追溯码"],
            _rows(
                ["发货", "FH1", "2026-11-20 09:30", SITES["xihu"], BARE],
                ["发货", "FH1", "2026-11-20 10:30", SITES["xihu"], cn(2)],
            ),
        )
    assert caught.value.problems[0].row == 3


def test_the_document_is_epcis_2_json_ld():
    document = json.loads(uploads.epcis_document([{"type": "ObjectEvent"}], now=NOW))
    assert document["@context"] == [
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
    ]
    assert document["type"] == "EPCISDocument" and document["schemaVersion"] == "2.0"
    assert document["creationDate"] == "2026-11-20T01:30:00Z"
    assert document["epcisBody"]["eventList"] == [{"type": "ObjectEvent"}]


# --- reading files ------------------------------------------------------------------------------

HIERARCHY_CSV = f"父码,子码,包装层级\r\n{CASE},{BARE},箱\r\n{CASE},{cn(2)},箱\r\n"


@pytest.mark.parametrize(
    "data",
    [
        HIERARCHY_CSV.encode(),
        codecs.BOM_UTF8 + HIERARCHY_CSV.encode(),
        HIERARCHY_CSV.encode("gbk"),
        HIERARCHY_CSV.encode("gb18030"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030"],
)
def test_csv_in_every_encoding_reads_the_same(data):
    headers, rows = uploads.read_file(data)
    events = uploads.map_rows(uploads.HIERARCHY, headers, rows, now=NOW)
    assert events[0]["childEPCs"] == [cn(1), cn(2)]


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_is_read_and_a_code_excel_turned_into_a_number_is_refused():
    headers, rows = uploads.read_file(
        _xlsx(
            [
                ["单据类型", "单据号", "日期时间", "对方", "追溯码"],
                ["发货", "FH1", dt.datetime(2026, 11, 20, 9, 30), SITES["xihu"], BARE],
            ]
        )
    )
    (event,) = uploads.map_rows(uploads.DOCUMENTS, headers, rows, issuer="X")
    assert event["epcList"] == [cn(1)] and event["eventTime"] == "2026-11-20T09:30:00+08:00"
    headers, rows = uploads.read_file(_xlsx([["父码", "子码"], [CASE, int(BARE)]]))
    with pytest.raises(uploads.UploadInvalid) as caught:
        uploads.map_rows(uploads.HIERARCHY, headers, rows)
    assert caught.value.problems[0].row == 2
    assert "as a number" in str(caught.value.problems[0])


def test_what_is_not_csv_or_xlsx_is_refused():
    with pytest.raises(uploads.UploadInvalid, match="neither"):
        uploads.read_file(bytes(range(256)) * 8)
    with pytest.raises(uploads.UploadInvalid, match="PDF"):
        uploads.read_file(b"%PDF-1.4 ...")


# --- capture ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_upload_is_captured_with_the_same_validation_and_idempotency(
    enterprises, django_capture_on_commit_callbacks
):
    parties = chain(enterprises)
    maker = parties["donghu"]
    maker.commission([cn(1), cn(2)], when=at(0))
    data = (
        "单据类型,单据号,日期时间,对方,追溯码\r\n"
        f"发货,FH-9,2026-01-05 10:00,{parties['xihu'].enterprise.uscc},{BARE}\r\n"
        f"发货,FH-9,2026-01-05 10:00,{parties['xihu'].enterprise.uscc},{cn(2)}\r\n"
    ).encode("gbk")
    with django_capture_on_commit_callbacks(execute=True):
        job = uploads.upload_submit(
            actor=maker.user, kind=uploads.DOCUMENTS, data=data, filename="发货.csv"
        )
    job.refresh_from_db()
    assert job.channel == "upload" and job.content_type == "application/ld+json"
    assert job.status == "succeeded", job.problems
    assert (job.events_total, job.events_stored) == (1, 1)
    state = CodeState.objects.get(code=cn(1))
    assert state.status == "in_transit"
    # the credit code named the consignee's registered site: the consignee is known
    assert state.next_holder == parties["xihu"].enterprise
    with django_capture_on_commit_callbacks(execute=True):
        again = uploads.upload_submit(actor=maker.user, kind=uploads.DOCUMENTS, data=data)
    again.refresh_from_db()
    assert (again.events_stored, again.events_duplicate) == (0, 1)
    assert Event.objects.filter(biz_step="shipping").count() == 1


@pytest.mark.django_db
def test_a_refused_upload_stores_nothing(enterprises):
    parties = chain(enterprises)
    data = f"父码,子码\r\n{CASE},{BARE}\r\n{CASE},123\r\n".encode()
    with pytest.raises(uploads.UploadInvalid):
        uploads.upload_submit(actor=parties["donghu"].user, kind=uploads.HIERARCHY, data=data)
    assert not CaptureJob.objects.exists()
