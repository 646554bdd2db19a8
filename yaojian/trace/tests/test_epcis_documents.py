"""Tests of yaojian.trace.epcis: streaming reading, validation and hashing of EPCIS 2.0 documents."""

from __future__ import annotations

import copy
import io
import json
import time
import tracemalloc
from pathlib import Path

import pytest

from yaojian.trace.epcis import (
    CBV_BIZ_STEPS,
    CBV_DISPOSITIONS,
    DocumentInvalid,
    document_header,
    event_hash,
    iter_events,
    normalise_cbv,
    validate_document_envelope,
    validate_event,
)

CONFORMANCE = Path("/work/shared/conformance/epcis")
GS1 = CONFORMANCE / "gs1-EPCIS-55762a8"
OPEN = CONFORMANCE / "openepcis-test-resources/2.0/EPCIS"

pytestmark = pytest.mark.skipif(not CONFORMANCE.is_dir(), reason="conformance fixtures missing")


def _content_type(path: Path) -> str:
    return "application/xml" if path.suffix == ".xml" else "application/ld+json"


def _all_documents() -> list[Path]:
    if not CONFORMANCE.is_dir():
        return []
    paths = sorted(
        p
        for p in CONFORMANCE.rglob("*")
        if p.suffix in (".json", ".jsonld", ".xml") and p.name != "EPCIS-JSON-Schema.json"
    )
    return [p for p in paths if p.name != "SimpleEventQuery.json"]  # a query body, not a document


def _is_invalid(path: Path) -> bool:
    return "Invalid" in path.parts


VALID = [p for p in _all_documents() if not _is_invalid(p)]
INVALID = [p for p in _all_documents() if _is_invalid(p)]


def _read(path: Path):
    """(header, [(index, event)], problems) of a document file."""
    with path.open("rb") as stream:
        events = iter_events(stream, _content_type(path))
        pairs = list(events)
    header = events.header
    problems = list(validate_document_envelope(header))
    for index, event in pairs:
        problems.extend(validate_event(event, index=index, context=header.namespaces))
    return header, pairs, problems


def _ids(paths):
    return [str(p.relative_to(CONFORMANCE)) for p in paths]


def test_fixture_inventory():
    assert len(VALID) == 28
    assert len(INVALID) == 11


@pytest.mark.parametrize("path", VALID, ids=_ids(VALID))
def test_valid_documents_have_no_problems(path):
    header, pairs, problems = _read(path)
    assert pairs, "no events read"
    assert [i for i, _event in pairs] == list(range(len(pairs)))
    assert problems == []
    for _index, event in pairs:
        digest = event_hash(event, header.namespaces)
        assert digest.startswith("ni:///sha-256;") and digest.endswith("?ver=CBV2.0")
        assert len(digest.split(";")[1].split("?")[0]) == 64


EXPECTED_INVALID = {
    "Combination_of_events_with_missing_mandatory_fields.json": ("schema", "action"),
    "EPCISDocument_without_context.json": ("context_missing", "@context"),
    "ObjectEvent_with_invalid_action.json": ("schema", "action"),
    "ObjectEvent_with_invalid_eventTime_format.json": ("event_time", "eventTime"),
    "ObjectEvent_with_quantity_as_text.json": ("schema", "quantity"),
    "ObjectEvent_without_action_and_eventTime.json": ("event_time", "eventTime"),
    "ObjectEvent_without_identifier_list.json": ("identifier_list", "epcList"),
    "ObjectEvent_with_non_standard_bizStep.json": ("cbv_bizstep", "bizStep"),
    "ObjectEvent_with_non_standard_disposition.json": ("cbv_disposition", "disposition"),
    "ObjectEvent_with_ilmd_field_without_namespace.json": (
        "extension_namespace",
        "ilmd.materialType",
    ),
    "ObjectEvent_without_eventTime.xml": ("event_time", "eventTime"),
}


@pytest.mark.parametrize("path", INVALID, ids=_ids(INVALID))
def test_invalid_documents_name_the_reason(path):
    _header, _pairs, problems = _read(path)
    assert problems
    code, field_end = EXPECTED_INVALID[path.name]
    assert any(p.code == code and p.field.endswith(field_end) for p in problems), problems
    for problem in problems:
        assert str(problem.message)
        if problem.field:
            assert problem.field.split("[")[0].split(".")[0] in str(problem.message)


def test_missing_event_time_in_xml_is_reported_on_event_time():
    path = OPEN / "XML/Capture/Invalid/ObjectEvent_without_eventTime.xml"
    _header, pairs, problems = _read(path)
    assert "eventTime" not in pairs[0][1]
    assert [p.field for p in problems if p.event_index == 0] == ["eventTime"]


def test_query_documents_iterate_their_events():
    for path in (GS1 / "JSON/EPCISQueryDocument.jsonld", OPEN / "JSON/Query/queryDocument.json"):
        header, pairs, problems = _read(path)
        assert header.type == "EPCISQueryDocument"
        assert pairs and problems == []


def test_header_is_known_when_the_first_event_arrives():
    events = iter_events(_json_bytes(PAIR_JSON), "application/json")
    next(events)
    assert events.header.namespaces == {"ext1": "http://example.com/ext1/"}
    assert events.header.schema_version == "2.0"


def test_bare_event_document():
    path = OPEN / "JSON/Capture/Events/ObjectEvent.json"
    header, pairs, problems = _read(path)
    assert header.type == "ObjectEvent"
    assert len(pairs) == 1 and problems == []
    assert pairs[0][1]["example:myField"]


def test_context_after_the_body_is_found():
    path = GS1 / "JSON/WithFullCombinationOfFields/transaction_event_all_possible_fields.jsonld"
    with path.open("rb") as stream:
        header = document_header(stream, "application/json")
        assert stream.tell() == 0
    assert header.namespaces["ext1"] == "http://example.com/ext1/"
    assert header.has_event_list and header.schema_version == "2.0"


def test_xml_document_header_and_conversion():
    path = OPEN / "XML/Capture/Documents/Combination_of_different_event.xml"
    header, pairs, _problems = _read(path)
    assert header.format == "xml" and header.type == "EPCISDocument"
    events = [event for _i, event in pairs]
    assert [e["type"] for e in events] == [
        "ObjectEvent",
        "AggregationEvent",
        "TransactionEvent",
        "TransformationEvent",
        "AssociationEvent",
        "AssociationEvent",
    ]
    report = events[0]["sensorElementList"][0]["sensorReport"][0]
    assert report["value"] == -477979.89 and report["type"] == "gs1:Length"
    assert events[2]["bizTransactionList"] == [
        {"bizTransaction": "urn:epc:id:gdti:95252084.0001.0003555480001000"}
    ]
    transformation = events[3]
    assert transformation["inputQuantityList"][0] == {
        "epcClass": "urn:epc:class:lgtin:4012345.011111.4444",
        "quantity": 10,
        "uom": "KGM",
    }
    assert transformation["persistentDisposition"]["set"] == [
        "urn:epcglobal:cbv:disp:completeness_verified"
    ]
    assert transformation["ext1:int"] == "10"
    assert transformation["@context"] == [{"ext1": "http://example.com/ext1/"}]
    assert events[4]["errorDeclaration"]["correctiveEventIDs"] == [
        "urn:uuid:fd338495-0e6d-41dd-afee-a862ecd32518"
    ]


def test_xml_nil_quantity_is_absent():
    path = GS1 / "XML/WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.xml"
    _header, pairs, problems = _read(path)
    assert problems == []
    assert pairs[0][1]["inputQuantityList"] == [
        {"epcClass": "urn:epc:class:lgtin:4012345.022222.87545GHGH"}
    ]
    assert pairs[0][1]["errorDeclaration"]["example:vendorExtension"] == "Test1"


# -- hashing ---------------------------------------------------------------------------------


def _hashes(path: Path) -> list[str]:
    with path.open("rb") as stream:
        events = iter_events(stream, _content_type(path))
        pairs = list(events)
    return [event_hash(event, events.header.namespaces) for _i, event in pairs]


def test_example_961_json_ld_and_xml_hashes():
    json_hashes = _hashes(GS1 / "JSON/Example_9.6.1-ObjectEvent.jsonld")
    xml_hashes = _hashes(GS1 / "XML/Example_9.6.1-ObjectEvent-2020_06_18a.xml")
    # The first events are identical.
    assert json_hashes[0] == xml_hashes[0]
    # The second events differ: the JSON-LD declares the extension namespace
    # "http://ns.example.com/epcis/", the XML "http://ns.example.com/epcis" (no slash), so
    # the user extension field is not the same field.
    assert json_hashes[1] != xml_hashes[1]


def test_example_961_matches_the_reference_implementation():
    # Values computed by the installed reference implementation (epcis-event-hash-generator)
    # for the XML twin of example 9.6.1.
    assert _hashes(GS1 / "XML/Example_9.6.1-ObjectEvent-2020_06_18a.xml") == [
        "ni:///sha-256;df6523665bc5e5803d6c7b84f5a04e103694d8220f2abc4f2c74310e89f31bc6?ver=CBV2.0",
        "ni:///sha-256;e340d1f945e85a1b89a060b537585d7ae9df4f952299c7f982c93190a2266631?ver=CBV2.0",
    ]
    assert _hashes(GS1 / "JSON/Example_9.6.1-ObjectEvent.jsonld")[1] == (
        "ni:///sha-256;32547b2344d525ea60ab1b899d82a9011fd9c39bb26ed936e113066146f49941?ver=CBV2.0"
    )


PAIR_JSON = {
    "@context": [
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        {"ext1": "http://example.com/ext1/"},
    ],
    "type": "EPCISDocument",
    "schemaVersion": "2.0",
    "creationDate": "2024-03-01T08:00:00Z",
    "epcisBody": {
        "eventList": [
            {
                "type": "ObjectEvent",
                "eventTime": "2024-03-01T10:00:00.000+08:00",
                "eventTimeZoneOffset": "+08:00",
                "epcList": [
                    "urn:epc:id:sgtin:6901234.012345.1001",
                    "https://id.gs1.org/01/06901234123457/21/1002",
                ],
                "quantityList": [
                    {
                        "epcClass": "urn:epc:class:lgtin:6901234.012345.L01",
                        "quantity": 12.0,
                        "uom": "KGM",
                    }
                ],
                "action": "ADD",
                "bizStep": "commissioning",
                "disposition": "cbv:Disp-active",
                "readPoint": {"id": "urn:epc:id:sgln:6901234.00001.0"},
                "bizTransactionList": [
                    {"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:6901234000017:PO-1"}
                ],
                "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:6901234.00001"}],
                "sensorElementList": [
                    {
                        "sensorMetadata": {"time": "2024-03-01T01:59:00Z"},
                        "sensorReport": [
                            {
                                "type": "Temperature",
                                "value": 4.5,
                                "uom": "CEL",
                                "booleanValue": True,
                            }
                        ],
                    }
                ],
                "ilmd": {"ext1:lot": "L01", "ext1:detail": {"ext1:line": 3}},
                "ext1:note": "made in Hangzhou",
            }
        ]
    },
}

PAIR_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:e="http://example.com/ext1/"
    schemaVersion="2.0" creationDate="2024-03-01T08:00:00Z">
  <EPCISBody><EventList>
    <ObjectEvent>
      <eventTime>2024-03-01T02:00:00Z</eventTime>
      <eventTimeZoneOffset>+08:00</eventTimeZoneOffset>
      <epcList>
        <epc>https://id.gs1.org/01/06901234123457/21/1002</epc>
        <epc>urn:epc:id:sgtin:6901234.012345.1001</epc>
      </epcList>
      <action>ADD</action>
      <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
      <disposition>https://ref.gs1.org/cbv/Disp-active</disposition>
      <readPoint><id>urn:epc:id:sgln:6901234.00001.0</id></readPoint>
      <bizTransactionList>
        <bizTransaction type="urn:epcglobal:cbv:btt:po">urn:epcglobal:cbv:bt:6901234000017:PO-1</bizTransaction>
      </bizTransactionList>
      <extension>
        <quantityList>
          <quantityElement>
            <epcClass>urn:epc:class:lgtin:6901234.012345.L01</epcClass>
            <quantity>12</quantity>
            <uom>KGM</uom>
          </quantityElement>
        </quantityList>
        <sourceList>
          <source type="urn:epcglobal:cbv:sdt:owning_party">urn:epc:id:pgln:6901234.00001</source>
        </sourceList>
        <ilmd><e:lot>L01</e:lot><e:detail><e:line>3</e:line></e:detail></ilmd>
      </extension>
      <sensorElementList>
        <sensorElement>
          <sensorMetadata time="2024-03-01T09:59:00+08:00"/>
          <sensorReport type="gs1:Temperature" value="4.50" uom="CEL" booleanValue="true"/>
        </sensorElement>
      </sensorElementList>
      <e:note>made in Hangzhou</e:note>
    </ObjectEvent>
  </EventList></EPCISBody>
</epcis:EPCISDocument>
"""


def _json_bytes(doc) -> io.BytesIO:
    return io.BytesIO(json.dumps(doc).encode())


def _events(stream, content_type):
    events = iter_events(stream, content_type)
    pairs = list(events)
    return events.header, [event for _i, event in pairs]


def test_constructed_json_xml_pair_hashes_are_equal():
    json_header, json_events = _events(_json_bytes(PAIR_JSON), "application/json")
    xml_header, xml_events = _events(io.BytesIO(PAIR_XML), "application/xml")
    assert validate_event(json_events[0], index=0, context=json_header.namespaces) == []
    assert validate_event(xml_events[0], index=0, context=xml_header.namespaces) == []
    assert event_hash(json_events[0], json_header.namespaces) == event_hash(
        xml_events[0], xml_header.namespaces
    )
    # The raw JSON-LD @context works as well as the prefix mapping.
    assert event_hash(json_events[0], PAIR_JSON["@context"]) == event_hash(xml_events[0])


def _pair_event() -> dict:
    return copy.deepcopy(PAIR_JSON["epcisBody"]["eventList"][0])


CTX = {"ext1": "http://example.com/ext1/"}


def test_hash_ignores_order():
    event = _pair_event()
    reordered = dict(reversed(list(event.items())))
    reordered["epcList"] = list(reversed(event["epcList"]))
    reordered["ilmd"] = dict(reversed(list(event["ilmd"].items())))
    assert event_hash(reordered, CTX) == event_hash(event, CTX)
    # eventID, recordTime and errorDeclaration are not part of the hash.
    reordered["eventID"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
    reordered["recordTime"] = "2024-03-02T00:00:00Z"
    assert event_hash(reordered, CTX) == event_hash(event, CTX)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("eventTime",), "2024-03-01T10:00:00.001+08:00"),
        (("eventTimeZoneOffset",), "+09:00"),
        (("epcList", 0), "urn:epc:id:sgtin:6901234.012345.1003"),
        (("quantityList", 0, "quantity"), 13),
        (("quantityList", 0, "uom"), "LTR"),
        (("action",), "OBSERVE"),
        (("bizStep",), "shipping"),
        (("disposition",), "in_transit"),
        (("readPoint", "id"), "urn:epc:id:sgln:6901234.00002.0"),
        (("bizTransactionList", 0, "type"), "inv"),
        (("sourceList", 0, "source"), "urn:epc:id:pgln:6901234.00002"),
        (("sensorElementList", 0, "sensorReport", 0, "value"), 4.6),
        (("ilmd", "ext1:lot"), "L02"),
        (("ilmd", "ext1:detail", "ext1:line"), 4),
        (("ext1:note",), "made in Ningbo"),
        (("type",), "TransactionEvent"),
    ],
)
def test_hash_changes_with_any_field(path, value):
    event = _pair_event()
    target = event
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert event_hash(event, CTX) != event_hash(_pair_event(), CTX)


def test_hash_of_equivalent_spellings():
    event = _pair_event()
    other = _pair_event()
    other["bizStep"] = "cbv:BizStep-commissioning"
    other["eventTime"] = "2024-03-01T02:00:00Z"
    other["quantityList"][0]["quantity"] = 12
    assert event_hash(other, CTX) == event_hash(event, CTX)


# -- CBV and extension rules -------------------------------------------------------------------


def test_normalise_cbv():
    assert normalise_cbv("shipping", "bizStep") == "shipping"
    assert normalise_cbv("cbv:BizStep-shipping", "bizStep") == "shipping"
    assert normalise_cbv("https://ref.gs1.org/cbv/BizStep-shipping", "bizStep") == "shipping"
    assert normalise_cbv("urn:epcglobal:cbv:bizstep:shipping", "bizStep") == "shipping"
    assert normalise_cbv("urn:epcglobal:cbv:disp:in_transit", "disposition") == "in_transit"
    assert normalise_cbv("cbv:BTT-po", "bizTransactionType") == "po"
    assert normalise_cbv("urn:epcglobal:cbv:sdt:owning_party", "sourceDestType") == "owning_party"
    assert normalise_cbv("https://example.com/steps/mixing", "bizStep") == (
        "https://example.com/steps/mixing"
    )
    assert "shipping" in CBV_BIZ_STEPS and "sensor_reporting" in CBV_BIZ_STEPS
    assert "in_transit" in CBV_DISPOSITIONS and "in_transport" not in CBV_DISPOSITIONS


def test_cbv_rules():
    event = _pair_event()
    event["bizStep"] = "mixing"
    event["disposition"] = "cbv:Disp-active"
    event["bizTransactionList"][0]["type"] = "order"
    event["sourceList"][0]["type"] = "urn:example:party"
    codes = {(p.field, p.code) for p in validate_event(event, index=3, context=CTX)}
    assert codes == {
        ("bizStep", "cbv_bizstep"),
        ("bizTransactionList[0].type", "cbv_biz_transaction_type"),
    }


def test_extension_rules():
    event = _pair_event()
    event["note"] = "x"
    event["readPoint"]["floor"] = 2
    event["ilmd"]["ext1:detail"]["line"] = 3
    event["ext9:other"] = "undeclared prefix"
    problems = validate_event(event, index=0, context=CTX)
    assert {p.field for p in problems if p.code == "extension_namespace"} == {
        "note",
        "readPoint.floor",
        "ilmd.ext1:detail.line",
        "ext9:other",
    }
    assert all(p.event_index == 0 for p in problems)


def test_ilmd_only_with_add():
    event = _pair_event()
    event["action"] = "OBSERVE"
    problems = validate_event(event, context=CTX)
    assert [(p.field, p.code) for p in problems] == [("ilmd", "schema")]


def test_envelope_checks():
    doc = copy.deepcopy(PAIR_JSON)
    doc["schemaVersion"] = "1.2"
    doc["creationDate"] = "yesterday"
    del doc["@context"]
    events = iter_events(_json_bytes(doc), "application/json")
    list(events)
    codes = {p.code for p in validate_document_envelope(events.header)}
    assert codes == {"context_missing", "schema_version", "creation_date"}


# -- malformed input ---------------------------------------------------------------------------


def test_truncated_json():
    data = json.dumps(PAIR_JSON).encode()
    with pytest.raises(DocumentInvalid) as caught:
        list(iter_events(io.BytesIO(data[: len(data) // 2]), "application/json"))
    assert caught.value.problems[0].code == "json_syntax"


def test_truncated_xml():
    with pytest.raises(DocumentInvalid) as caught:
        list(iter_events(io.BytesIO(PAIR_XML[: len(PAIR_XML) // 2]), "application/xml"))
    problem = caught.value.problems[0]
    assert problem.code == "xml_syntax"
    assert problem.line is not None


def test_xml_entities_are_not_expanded():
    doc = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"
  creationDate="2024-03-01T08:00:00Z"><EPCISBody><EventList><ObjectEvent>
  <eventTime>2024-03-01T02:00:00Z</eventTime><eventTimeZoneOffset>+08:00</eventTimeZoneOffset>
  <epcList><epc>&x;</epc></epcList><action>ADD</action>
</ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>"""
    try:
        pairs = list(iter_events(io.BytesIO(doc), "application/xml"))
    except DocumentInvalid:
        return
    assert "root:" not in json.dumps(pairs)


def test_too_many_events():
    doc = copy.deepcopy(PAIR_JSON)
    doc["epcisBody"]["eventList"] *= 3
    with pytest.raises(DocumentInvalid) as caught:
        list(iter_events(_json_bytes(doc), "application/json", max_events=2))
    assert caught.value.problems[0].code == "too_large"


def test_unsupported_content_type():
    with pytest.raises(DocumentInvalid) as caught:
        iter_events(io.BytesIO(b"{}"), "text/csv")
    assert caught.value.problems[0].code == "content_type"


# -- streaming and speed -----------------------------------------------------------------------


class _GeneratedDocument(io.RawIOBase):
    """A large EPCIS JSON document generated on the fly (never held in memory)."""

    def __init__(self, count: int):
        self.count = count
        self._chunks = self._generate()
        self._buffer = b""

    def _generate(self):
        yield (
            b'{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],'
            b'"type": "EPCISDocument", "schemaVersion": "2.0",'
            b'"creationDate": "2024-03-01T08:00:00Z", "epcisBody": {"eventList": ['
        )
        for i in range(self.count):
            event = {
                "type": "ObjectEvent",
                "eventTime": "2024-03-01T10:00:00.000+08:00",
                "eventTimeZoneOffset": "+08:00",
                "epcList": [f"urn:epc:id:sgtin:6901234.012345.{i}"],
                "action": "OBSERVE",
                "bizStep": "shipping",
                "readPoint": {"id": "urn:epc:id:sgln:6901234.00001.0"},
            }
            yield (b"," if i else b"") + json.dumps(event).encode()
        yield b"]}}"

    def readable(self):
        return True

    def readinto(self, buffer):
        while len(self._buffer) < len(buffer):
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        size = min(len(buffer), len(self._buffer))
        buffer[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def test_streaming_memory_stays_flat():
    count = 40_000
    tracemalloc.start()
    try:
        seen = 0
        for index, event in iter_events(_GeneratedDocument(count), "application/json"):
            assert index == seen
            seen += 1
            del event
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count
    assert peak < 30 * 1024 * 1024, peak


def test_validation_speed():
    event = {
        "type": "ObjectEvent",
        "eventTime": "2024-03-01T10:00:00.000+08:00",
        "eventTimeZoneOffset": "+08:00",
        "epcList": ["urn:epc:id:sgtin:6901234.012345.1001"],
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "readPoint": {"id": "urn:epc:id:sgln:6901234.00001.0"},
    }
    assert validate_event(event) == []
    rounds = 2000
    start = time.perf_counter()
    for _ in range(rounds):
        validate_event(event)
    per_event = (time.perf_counter() - start) / rounds
    assert per_event < 0.002, per_event  # generous for slow CI machines; typically far less
