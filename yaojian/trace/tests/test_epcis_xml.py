"""The EPCIS query side in XML: the serialiser (epcis/xmlout.py) and Accept negotiation.

Every valid conformance document is captured with an enterprise token, queried back as XML,
checked against a structural schema of the EPCIS 2.0 query document (element order of each event
type, required members, no bare CBV words, namespaced extensions) and read back with the
project's own XML reader: the events must equal the stored JSON bodies (up to the spellings the
two bindings differ in) and have the same event hash.

Negotiation (decided per the EPCIS 2.0 REST binding, whose OpenAPI lists JSON, JSON-LD and XML
for the query endpoints and 406 for anything else): no Accept header or ``*/*`` → JSON-LD;
``application/json`` → JSON; ``application/xml`` / ``text/xml`` → XML; q-values are honoured;
an Accept header that admits none of these → 406 problem (JSON). Errors are always RFC 7807 JSON.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from yaojian.accounts import services as accounts
from yaojian.testing import factories
from yaojian.trace.epcis import event_hash, iter_events, normalise_cbv
from yaojian.trace.epcis.cbv import STANDARD_PREFIXES
from yaojian.trace.epcis.xmlout import (
    CBVMDA_XML_NS,
    EPCISQ_NS,
    EVENT_ORDER,
    UNDECLARED_NS,
    cbv_xml,
    event_element,
    query_document,
)
from yaojian.trace.models import Event

from .test_capture import _documents, capture

CONFORMANCE = Path("/work/shared/conformance/epcis")
OPEN = CONFORMANCE / "openepcis-test-resources/2.0/EPCIS"
SCHEMA = etree.XMLSchema(
    etree.parse(str(Path(__file__).parent / "data/epcis-query-2_0-structure.xsd"))
)
VALID = _documents(valid=True) if CONFORMANCE.is_dir() else []
XML = {"HTTP_ACCEPT": "application/xml"}

pytestmark = pytest.mark.skipif(not CONFORMANCE.is_dir(), reason="conformance fixtures missing")


# -- comparing a stored JSON event with the same event read back from XML ----------------------

_PAIRS = {
    "bizTransactionList": ("bizTransaction", "bizTransactionType"),
    "sourceList": ("source", "sourceDestType"),
    "destinationList": ("destination", "sourceDestType"),
}
_EPC_LISTS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
_QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
_NUMERIC = {"value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue"}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _scalar(value: Any) -> Any:
    """XML text of a JSON scalar, numbers compared by value (1e16 is written 10000000000000000)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def _ext(value: Any) -> Any:
    """Extension content: XML keeps the text of JSON scalars, and a one-item list is one item."""
    if isinstance(value, list):
        items = [_ext(v) for v in value]
        return items[0] if len(items) == 1 else items
    if isinstance(value, dict):
        members = {k: _ext(v) for k, v in value.items() if v != []}
        if set(members) <= {"#text"}:
            return members.get("#text", "")
        return members
    return _scalar(value)


def _gs1(value: str) -> str:
    for prefix in ("gs1:", "https://gs1.org/voc/"):
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def _attributes(values: dict) -> dict:
    out = {}
    for key, value in values.items():
        if key in ("type", "exception"):
            out[key] = _gs1(_scalar(value))
        elif key == "component":
            out[key] = normalise_cbv(_scalar(value), "component")
        elif key in _NUMERIC:
            out[key] = float(value)
        elif key == "booleanValue":
            out[key] = value in (True, "true", "1")
        else:
            out[key] = _scalar(value)
    return out


def normalised(event: dict) -> dict:
    """The reading of an event both bindings agree on (CBV spellings, types of XML text)."""
    out: dict[str, Any] = {}
    for key, value in event.items():
        if key in ("@context", "id") or value is None:
            continue
        if key in ("bizStep", "disposition"):
            value = normalise_cbv(value, key)
        elif key == "persistentDisposition":
            value = {
                part: [normalise_cbv(v, "disposition") for v in _list(members)]
                for part, members in value.items()
            }
        elif key in _PAIRS:
            item, kind = _PAIRS[key]
            value = [
                {
                    **({"type": normalise_cbv(p["type"], kind)} if p.get("type") else {}),
                    item: p[item],
                }
                for p in value
            ]
        elif key in _EPC_LISTS:
            value = [_scalar(v) for v in value]
            if not value:
                continue
        elif key in _QUANTITY_LISTS:
            value = [
                {
                    k: float(v) if k == "quantity" else _scalar(v)
                    for k, v in q.items()
                    if v is not None
                }
                for q in value
            ]
        elif key == "errorDeclaration":
            value = {
                k: (
                    normalise_cbv(v, "errorReason")
                    if k == "reason"
                    else [_scalar(x) for x in _list(v)]
                    if k == "correctiveEventIDs"
                    else _ext(v)
                )
                for k, v in value.items()
            }
        elif key == "sensorElementList":
            value = [
                {
                    k: (
                        _attributes(v)
                        if k == "sensorMetadata"
                        else [_attributes(r) for r in _list(v)]
                        if k == "sensorReport"
                        else _ext(v)
                    )
                    for k, v in element.items()
                    if k != "type"  # the JSON-LD node type has no XML form
                }
                for element in value
            ]
        elif key in ("readPoint", "bizLocation", "ilmd"):
            value = {k: _ext(v) for k, v in value.items()}
        elif key == "certificationInfo":
            value = [_scalar(v) for v in _list(value)]
        elif ":" in key:
            value = _ext(value)
            if value == []:
                continue
        out[key] = value
    return out


def _namespaces_ok(read_back: dict, document: dict[str, str]) -> None:
    """Every extension namespace of the XML is the one the document declared for the prefix."""
    declared = {**STANDARD_PREFIXES, **document}
    for prefix, uri in (read_back.get("@context") or [{}])[0].items():
        expected = declared.get(prefix)
        if expected == STANDARD_PREFIXES["cbvmda"] or (expected or "").rstrip(":") == CBVMDA_XML_NS:
            assert uri == CBVMDA_XML_NS
        else:
            assert uri == expected, (prefix, uri, expected)


def _read(data: bytes) -> list[dict]:
    return [event for _i, event in iter_events(io.BytesIO(data), "application/xml")]


def _assert_valid(data: bytes) -> Any:
    document = etree.fromstring(data)  # well-formed
    assert SCHEMA.validate(document), SCHEMA.error_log
    assert document.tag == f"{{{EPCISQ_NS}}}EPCISQueryDocument"
    assert document.get("schemaVersion") == "2.0"
    return document


def _assert_order(document: Any) -> None:
    """Belt and braces beside the schema: standard members follow EVENT_ORDER."""
    for event in document.iterfind(".//EventList/*"):
        order = EVENT_ORDER[event.tag]
        names = [c.tag for c in event if isinstance(c.tag, str) and not c.tag.startswith("{")]
        positions = [order.index(n) for n in names]
        assert positions == sorted(positions), (event.tag, names)
        tail = [c.tag.startswith("{") for c in event if isinstance(c.tag, str)]
        assert tail == sorted(tail), "extensions come after the standard members"


def _source(path: Path) -> tuple[dict[str, str], list[dict]]:
    content_type = "application/xml" if path.suffix == ".xml" else "application/json"
    with path.open("rb") as stream:
        events = iter_events(stream, content_type)
        pairs = [event for _i, event in events]
    return dict(events.header.namespaces), pairs


# -- the serialiser on its own -------------------------------------------------------------------


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_every_conformance_document_round_trips_through_xml(path):
    namespaces, events = _source(path)
    data = query_document([(e, namespaces) for e in events], creation_date="2026-03-01T08:00:00Z")
    document = _assert_valid(data)
    _assert_order(document)
    back = _read(data)
    assert len(back) == len(events)
    for original, read_back in zip(events, back, strict=True):
        assert normalised(read_back) == normalised(original)
        _namespaces_ok(read_back, namespaces)
        plain = {k: v for k, v in read_back.items() if k != "@context"}
        assert event_hash(plain, namespaces) == event_hash(original, namespaces)


def test_cbv_words_become_urns_and_other_values_stay():
    assert cbv_xml("shipping", "bizStep") == "urn:epcglobal:cbv:bizstep:shipping"
    assert cbv_xml("cbv:BizStep-receiving", "bizStep") == "urn:epcglobal:cbv:bizstep:receiving"
    assert cbv_xml("in_transit", "disposition") == "urn:epcglobal:cbv:disp:in_transit"
    assert cbv_xml("po", "bizTransactionType") == "urn:epcglobal:cbv:btt:po"
    assert cbv_xml("owning_party", "sourceDestType") == "urn:epcglobal:cbv:sdt:owning_party"
    assert cbv_xml("incorrect_data", "errorReason") == "urn:epcglobal:cbv:er:incorrect_data"
    for kept in (
        "urn:epcglobal:cbv:bizstep:shipping",
        "https://ref.gs1.org/cbv/BizStep-shipping",
        "ext1:summarising_discharge",
        "https://example.com/steps/mixing",
    ):
        assert cbv_xml(kept, "bizStep") == kept


def _event(**members) -> dict:
    return {
        "type": "ObjectEvent",
        "eventTime": "2026-03-01T10:00:00.000+08:00",
        "eventTimeZoneOffset": "+08:00",
        "epcList": ["urn:epc:id:sgtin:6901234.012345.1001"],
        "action": "OBSERVE",
        **members,
    }


def test_a_document_written_out_of_json_order_is_put_in_xsd_order():
    event = dict(
        reversed(
            list(
                _event(
                    bizStep="shipping",
                    disposition="in_transit",
                    persistentDisposition={"set": ["completeness_verified"]},
                    readPoint={"id": "urn:epc:id:sgln:6901234.00001.0"},
                    bizTransactionList=[{"type": "po", "bizTransaction": "urn:epc:id:gdti:1.2.3"}],
                    quantityList=[{"epcClass": "urn:epc:class:lgtin:6901234.012345.L1"}],
                    eventID="urn:uuid:1c0c6c8e-4b1e-4b53-9f5c-4d0a8b3f0a11",
                    recordTime="2026-03-01T02:00:01Z",
                    **{"ext1:note": "后置"},
                    **{"@context": [{"ext1": "http://example.com/ext1/"}]},
                ).items()
            )
        )
    )
    data = query_document([event])
    document = _assert_valid(data)
    names = [etree.QName(c).localname for c in document.find(".//ObjectEvent")]
    assert names == [
        "eventTime",
        "recordTime",
        "eventTimeZoneOffset",
        "eventID",
        "epcList",
        "action",
        "bizStep",
        "disposition",
        "persistentDisposition",
        "readPoint",
        "bizTransactionList",
        "quantityList",
        "note",
    ]
    # a bad order is caught by the schema the tests use
    moved = document.find(".//ObjectEvent")
    moved.insert(0, moved.find("action"))
    assert not SCHEMA.validate(document)


def test_transaction_event_starts_with_its_business_transactions():
    event = {
        "type": "TransactionEvent",
        "eventTime": "2026-03-01T10:00:00+08:00",
        "eventTimeZoneOffset": "+08:00",
        "epcList": ["urn:epc:id:sgtin:6901234.012345.1001"],
        "action": "ADD",
        "parentID": "urn:epc:id:sscc:6901234.0000000001",
        "bizTransactionList": [{"type": "inv", "bizTransaction": "urn:epc:id:gdti:1.2.3"}],
    }
    document = _assert_valid(query_document([event]))
    names = [c.tag for c in document.find(".//TransactionEvent")]
    assert names[2:6] == ["bizTransactionList", "parentID", "epcList", "action"]


def test_required_lists_and_a_unit_without_quantity():
    event = _event(
        quantityList=[{"epcClass": "urn:epc:class:lgtin:6901234.012345.L1", "uom": "KGM"}]
    )
    del event["epcList"]
    data = query_document([event])
    document = _assert_valid(data)
    assert document.find(".//ObjectEvent/epcList") is not None  # the XSD requires it
    back = _read(data)[0]
    assert back["quantityList"] == [
        {"epcClass": "urn:epc:class:lgtin:6901234.012345.L1", "uom": "KGM"}
    ]
    assert back["epcList"] == []


def test_one_prefix_bound_two_ways_in_one_page():
    first = _event(**{"ex:note": "a", "@context": [{"ex": "http://one.example/"}]})
    second = _event(**{"ex:note": "b", "@context": [{"ex": "http://two.example/"}]})
    third = _event(**{"cbvmda:lotNumber": "B2601"})
    data = query_document([first, second, third])
    document = _assert_valid(data)
    notes = document.findall(".//ObjectEvent/{http://one.example/}note")
    notes += document.findall(".//ObjectEvent/{http://two.example/}note")
    assert [n.text for n in notes] == ["a", "b"]
    back = _read(data)
    assert back[0]["@context"] == [{"ex": "http://one.example/"}]
    assert back[1]["@context"] == [{"ex": "http://two.example/"}]
    assert back[2]["@context"] == [{"cbvmda": CBVMDA_XML_NS}]


def test_an_undeclared_prefix_keeps_the_document_well_formed():
    data = query_document([_event(**{"nobody:field": "x"})])
    _assert_valid(data)
    back = _read(data)[0]
    assert back["nobody:field"] == "x"
    assert back["@context"] == [{"nobody": UNDECLARED_NS + "nobody"}]


def test_characters_xml_cannot_carry_are_replaced():
    data = query_document([_event(**{"ex:note": "a\x00b\x1bc", "@context": [{"ex": "http://e/"}]})])
    _assert_valid(data)
    assert _read(data)[0]["ex:note"] == "a\ufffdb\ufffdc"


def test_event_element_alone():
    element = event_element(_event(bizStep="receiving"))
    assert element.tag == "ObjectEvent"
    assert element.findtext("bizStep") == "urn:epcglobal:cbv:bizstep:receiving"


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    max_size=12,
)
_SCALARS = st.one_of(
    _TEXT,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
)
_KEYS = st.sampled_from(["ext1:a", "ext1:b", "ext2:c", "ext2:d"])
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.dictionaries(_KEYS, inner, min_size=1, max_size=3),
        st.lists(
            st.one_of(_SCALARS, st.dictionaries(_KEYS, inner, min_size=1, max_size=2)),
            min_size=2,
            max_size=3,
        ),
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    extensions=st.dictionaries(_KEYS, _VALUES, max_size=3),
    ilmd=st.dictionaries(_KEYS, _VALUES, max_size=2),
    quantity=st.one_of(st.none(), st.integers(0, 10**9), st.decimals(0, 10**6, places=3)),
)
def test_extension_content_round_trips(extensions, ilmd, quantity):
    context = [{"ext1": "http://example.com/ext1/", "ext2": "urn:example:ext2:"}]
    event = _event(action="ADD", **extensions, **{"@context": context})
    if ilmd:
        event["ilmd"] = ilmd
    if quantity is not None:
        event["quantityList"] = [
            {"epcClass": "urn:epc:class:lgtin:6901234.012345.L1", "quantity": float(quantity)}
        ]
    data = query_document([event])
    _assert_valid(data)
    back = _read(data)[0]
    assert normalised(back) == normalised(event)
    assert event_hash(back) == event_hash(event)


# -- over HTTP: capture, then query as XML ---------------------------------------------------


def _token(enterprise) -> dict:
    master = factories.enterprise_user(enterprise, master=True)
    _token, raw = accounts.token_create(actor=master, name="WMS", rights=["trace", "view"])
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def bearer(enterprises):
    return _token(enterprises["donghu"])


@pytest.fixture
def other_bearer(enterprises):
    return _token(enterprises["lianxi"])


def _varies_on_accept(response) -> bool:
    return "Accept" in [v.strip() for v in response.get("Vary", "").split(",")]


def _stored(job) -> list[Event]:
    return list(Event.objects.filter(job_id=job["captureID"]).order_by("id"))


@pytest.mark.django_db
@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_every_captured_conformance_document_is_queryable_as_xml(
    client, bearer, path, django_capture_on_commit_callbacks
):
    content_type = "application/xml" if path.suffix == ".xml" else "application/ld+json"
    job = capture(
        client, bearer, path.read_bytes(), content_type, hooks=django_capture_on_commit_callbacks
    )
    assert job["success"] is True, job["errors"]
    stored = _stored(job)
    assert stored
    response = client.get("/epcis/events", {"perPage": 1000}, **bearer, **XML)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert response["GS1-EPCIS-Version"] == "2.0.0" and _varies_on_accept(response)
    document = _assert_valid(response.content)
    _assert_order(document)
    back = _read(response.content)
    assert len(back) == len(stored)
    namespaces, _events = _source(path)
    for event, read_back in zip(stored, back, strict=True):
        assert normalised(read_back) == normalised(event.published())
        _namespaces_ok(read_back, namespaces)
        plain = {k: v for k, v in read_back.items() if k != "@context"}
        assert event_hash(plain, namespaces) == event.event_hash
    # the same page in JSON holds the same events
    as_json = client.get("/epcis/events", {"perPage": 1000}, **bearer).json()
    assert as_json["epcisBody"]["queryResults"]["resultsBody"]["eventList"] == [
        e.published() for e in stored
    ]


@pytest.fixture
def combination(client, bearer, django_capture_on_commit_callbacks):
    path = OPEN / "JSON/Capture/Documents/Combination_of_different_event.json"
    job = capture(
        client,
        bearer,
        path.read_bytes(),
        "application/json",
        hooks=django_capture_on_commit_callbacks,
    )
    assert job["success"] is True
    return _stored(job)


def _next(response) -> dict | None:
    if "Link" not in response:
        return None
    from urllib.parse import parse_qs, urlsplit

    url = response["Link"].split("<", 1)[1].split(">", 1)[0]
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.mark.django_db
def test_paging_in_xml_follows_the_same_tokens_as_json(client, bearer, combination):
    assert len(combination) > 4
    seen, params, pages = [], {"perPage": 2}, 0
    while params is not None and pages < 20:
        xml = client.get("/epcis/events", params, **bearer, **XML)
        as_json = client.get("/epcis/events", params, **bearer)
        assert xml.status_code == as_json.status_code == 200
        _assert_valid(xml.content)
        page = _read(xml.content)
        assert len(page) <= 2
        json_page = as_json.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        assert [normalised(e) for e in page] == [normalised(e) for e in json_page]
        assert ("Link" in xml) == ("Link" in as_json)
        if "Link" in xml:
            assert xml["Link"].endswith('>; rel="next"')
            assert "nextPageToken=" in xml["Link"] and "perPage=2" in xml["Link"]
        for header in ("GS1-EPCIS-Version", "GS1-CBV-Version"):
            assert xml[header] == as_json[header]
        seen += page
        params = _next(xml)
        pages += 1
    assert [normalised(e) for e in seen] == [normalised(e.published()) for e in combination]


@pytest.mark.django_db
def test_one_event_and_the_events_of_a_code_in_xml(client, bearer, combination):
    with_id = next(e for e in combination if e.event_id)
    response = client.get(f"/epcis/events/{with_id.event_id}", **bearer, **XML)
    assert response.status_code == 200
    _assert_valid(response.content)
    assert [normalised(e) for e in _read(response.content)] == [normalised(with_id.published())]
    as_json = client.get(f"/epcis/events/{with_id.event_id}", **bearer)
    assert as_json["Content-Type"] == "application/ld+json"
    assert as_json.json() == with_id.published()
    missing = client.get(
        "/epcis/events/urn:uuid:00000000-0000-4000-8000-000000000000", **bearer, **XML
    )
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"

    epc = "urn:epc:id:sgtin:4012345.011122.25"
    expected = [e for e in combination if epc in json.dumps(e.body)]
    assert expected
    response = client.get(f"/epcis/epcs/{epc}/events", **bearer, HTTP_ACCEPT="text/xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    _assert_valid(response.content)
    assert [normalised(e) for e in _read(response.content)] == [
        normalised(e.published()) for e in expected
    ]


@pytest.mark.django_db
def test_another_enterprise_gets_an_empty_xml_page(client, other_bearer, combination):
    response = client.get("/epcis/events", **other_bearer, **XML)
    assert response.status_code == 200
    _assert_valid(response.content)
    assert _read(response.content) == []


@pytest.mark.django_db
def test_extension_namespaces_are_kept_with_the_capture(client, bearer, combination):
    # The JSON document declared ext1 in its @context, which the stored bodies do not keep:
    # the capture job keeps it, so the answer no longer needs the document on disk.
    job = combination[0].job
    assert job.namespaces.get("ext1") == "http://example.com/ext1/"
    Path(job.path).unlink()
    data = client.get("/epcis/events", {"perPage": 100}, **bearer, **XML).content
    _assert_valid(data)
    assert b'xmlns:ext1="http://example.com/ext1/"' in data
    # A job that kept no prefixes: the name survives under a placeholder namespace.
    type(job).objects.filter(pk=job.pk).update(namespaces={})
    data = client.get("/epcis/events", {"perPage": 100}, **bearer, **XML).content
    _assert_valid(data)
    assert (f'xmlns:ext1="{UNDECLARED_NS}ext1"').encode() in data


@pytest.mark.django_db
def test_answers_carry_the_repositorys_record_time(client, bearer, combination):
    page = client.get("/epcis/events", {"perPage": 100}, **bearer).json()
    listed = page["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert len(listed) == len(combination)
    for event, answered in zip(combination, listed, strict=True):
        assert "recordTime" not in event.body  # stored as sent
        recorded = dt.datetime.fromisoformat(answered["recordTime"].replace("Z", "+00:00"))
        assert abs(recorded - event.record_time) < dt.timedelta(milliseconds=1)
        assert answered["recordTime"].endswith("Z")
    back = _read(client.get("/epcis/events", {"perPage": 100}, **bearer, **XML).content)
    assert [e["recordTime"] for e in back] == [e["recordTime"] for e in listed]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "application/ld+json"),
        ("*/*", "application/ld+json"),
        ("application/json", "application/json"),
        ("application/ld+json", "application/ld+json"),
        ("application/xml", "application/xml"),
        ("text/xml", "text/xml"),
        ("application/*", "application/ld+json"),
        ("text/*", "text/xml"),
        ("application/xml;q=0.5, application/json", "application/json"),
        ("application/json;q=0.2, application/xml;q=0.9", "application/xml"),
        ("text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8", "application/xml"),
        ("text/csv, */*;q=0.1", "application/ld+json"),
    ],
)
def test_accept_negotiation(client, bearer, combination, accept, media):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = client.get("/epcis/events", **bearer, **headers)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == media
    assert _varies_on_accept(response)
    if "xml" in media:
        _assert_valid(response.content)
    else:
        assert response.json()["type"] == "EPCISQueryDocument"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "accept", ["text/html", "text/csv, image/png", "application/xml;q=0, text/plain"]
)
def test_unacceptable_media_types_get_406(client, bearer, combination, accept):
    for url in (
        "/epcis/events",
        f"/epcis/events/{next(e for e in combination if e.event_id).event_id}",
        "/epcis/epcs/urn:epc:id:sgtin:4012345.011122.25/events",
    ):
        response = client.get(url, **bearer, HTTP_ACCEPT=accept)
        assert response.status_code == 406
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["code"] == "not_acceptable"
        assert problem["errors"][0]["field"] == "Accept"
        assert response["GS1-EPCIS-Version"] == "2.0.0"


@pytest.mark.django_db
def test_errors_stay_json_problems_when_xml_is_asked_for(client, bearer, combination):
    bad = client.get("/epcis/events", {"perPage": 0}, **bearer, **XML)
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"][0]["field"] == "perPage"
    anonymous = client.get("/epcis/events", **XML)
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/problem+json"
