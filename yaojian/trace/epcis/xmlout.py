"""Stored EPCIS 2.0 events (their JSON form) written as an EPCIS 2.0 XML query document.

The query side of the REST binding answers in XML when asked (``Accept: application/xml``).
Events are stored in the EPCIS 2.0 JSON form (:mod:`.reader` converts XML captures to it); this
module is the way back, with lxml:

* the document is an ``epcisq:EPCISQueryDocument`` (``urn:epcglobal:epcis-query:xsd:2``,
  ``schemaVersion="2.0"``) holding ``EPCISBody/epcisq:QueryResults/queryName``,
  ``resultsBody/EventList``;
* every event is written in the element order of the ratified EPCIS 2.0 XSD: the common head
  (eventTime, recordTime, eventTimeZoneOffset, certificationInfo, eventID, errorDeclaration),
  then the members of its type (see :data:`EVENT_ORDER`), then the user extensions;
* bare CBV words (JSON only) become the CBV URNs of the XML binding
  (``shipping`` → ``urn:epcglobal:cbv:bizstep:shipping``; likewise dispositions, business
  transaction types, source/destination types, error reasons); ``cbv:`` CURIEs become URNs too;
  sensor report types and exceptions become ``gs1:`` CURIEs and components ``cbv:Comp-`` CURIEs,
  as in the conformance XML; any other value (a private URI, a CURIE of a declared prefix) is
  written as it was sent;
* user extensions (``prefix:name`` keys) become elements in the namespace the prefix stands for:
  first the event's own ``@context``, then the namespaces of the document it came in (given by
  the caller), then the prefixes of the EPCIS 2.0 JSON-LD context. ``cbvmda`` is written in its
  XML namespace ``urn:epcglobal:cbv:mda`` (the JSON-LD context spells it with a trailing colon).
  A prefix nobody declared is bound to ``urn:yaojian:epcis:undeclared:<prefix>`` so the document
  stays well-formed and the name survives a round trip.

What has no XML form is left out: the JSON-LD node identifiers (``id``, the ``type`` of a sensor
element) and ``@context`` itself (its prefixes become namespace declarations). Extension values
that were JSON numbers or booleans come back from XML as text: XML has no types there.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from lxml import etree

from .cbv import STANDARD_PREFIXES, normalise_cbv
from .context import namespaces_from_context

EPCISQ_NS = "urn:epcglobal:epcis-query:xsd:2"
EPCIS_NS = "urn:epcglobal:epcis:xsd:2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
UNDECLARED_NS = "urn:yaojian:epcis:undeclared:"
CBVMDA_XML_NS = "urn:epcglobal:cbv:mda"
# JSON-LD namespace spelling -> the namespace the XML binding uses for the same vocabulary
XML_NAMESPACE = {"urn:epcglobal:cbv:mda:": CBVMDA_XML_NS}

_HEAD = (
    "eventTime",
    "recordTime",
    "eventTimeZoneOffset",
    "certificationInfo",
    "eventID",
    "errorDeclaration",
)
_WHY = ("bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation")

#: The members of each event type, in the order of the EPCIS 2.0 XSD.
EVENT_ORDER: dict[str, tuple[str, ...]] = {
    "ObjectEvent": (
        *_HEAD,
        "epcList",
        "action",
        *_WHY,
        "bizTransactionList",
        "quantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "ilmd",
    ),
    "AggregationEvent": (
        *_HEAD,
        "parentID",
        "childEPCs",
        "action",
        *_WHY,
        "bizTransactionList",
        "childQuantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
    ),
    "TransactionEvent": (
        *_HEAD,
        "bizTransactionList",
        "parentID",
        "epcList",
        "action",
        *_WHY,
        "quantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
    ),
    "TransformationEvent": (
        *_HEAD,
        "inputEPCList",
        "inputQuantityList",
        "outputEPCList",
        "outputQuantityList",
        "transformationID",
        *_WHY,
        "bizTransactionList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "ilmd",
    ),
    "AssociationEvent": (
        *_HEAD,
        "parentID",
        "childEPCs",
        "childQuantityList",
        "action",
        *_WHY,
        "bizTransactionList",
        "sourceList",
        "destinationList",
        "sensorElementList",
    ),
}
# Lists the XSD requires even when empty (an ObjectEvent with only a quantityList, ...).
_REQUIRED_LISTS = {
    "ObjectEvent": ("epcList",),
    "AggregationEvent": ("childEPCs",),
    "TransactionEvent": ("epcList",),
}
_EPC_LISTS = frozenset(("epcList", "childEPCs", "inputEPCList", "outputEPCList"))
_QUANTITY_LISTS = frozenset(
    ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
)
_PAIR_LISTS = {
    "bizTransactionList": ("bizTransaction", "bizTransactionType"),
    "sourceList": ("source", "sourceDestType"),
    "destinationList": ("destination", "sourceDestType"),
}
_URN = {
    "bizStep": "urn:epcglobal:cbv:bizstep:",
    "disposition": "urn:epcglobal:cbv:disp:",
    "bizTransactionType": "urn:epcglobal:cbv:btt:",
    "sourceDestType": "urn:epcglobal:cbv:sdt:",
    "errorReason": "urn:epcglobal:cbv:er:",
}
_METADATA_ORDER = (
    "time",
    "startTime",
    "endTime",
    "deviceID",
    "deviceMetadata",
    "rawData",
    "dataProcessingMethod",
    "bizRules",
)
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SCHEMES = frozenset(("urn", "http", "https", "tag", "mailto", "ni"))


# -- values -------------------------------------------------------------------------------------


def text_of(value: Any) -> str:
    """The XML text of a JSON scalar: ``true``/``false``, numbers without exponents.

    Characters XML 1.0 cannot carry (control characters, lone surrogates) become U+FFFD."""
    if isinstance(value, str):
        return _NOT_XML.sub("\ufffd", value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return "INF" if value > 0 else "-INF" if value < 0 else "NaN"
        text = repr(value)
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
        return text
    return _NOT_XML.sub("\ufffd", str(value))


def cbv_xml(value: Any, kind: str) -> str:
    """A CBV value as the XML binding writes it: bare words and ``cbv:`` CURIEs as URNs."""
    text = text_of(value).strip()
    if not text:
        return text
    word = normalise_cbv(text, kind)
    if ":" not in word and (":" not in text or text.startswith("cbv:")):
        return _URN[kind] + word
    return text


def _gs1_term(value: Any) -> str:
    text = text_of(value).strip()
    if text.startswith("https://gs1.org/voc/"):
        return "gs1:" + text[len("https://gs1.org/voc/") :]
    return "gs1:" + text if text and ":" not in text else text


def _component(value: Any) -> str:
    text = text_of(value).strip()
    word = normalise_cbv(text, "component")
    if word and ":" not in word:
        return "cbv:Comp-" + word
    return text


# -- namespaces ---------------------------------------------------------------------------------


def _split_key(key: str) -> tuple[str, str] | None:
    """``(prefix, local)`` of a ``prefix:local`` extension key, or None for other keys."""
    if not isinstance(key, str) or key.startswith("@"):
        return None
    prefix, sep, local = key.partition(":")
    if not sep or not prefix or local.startswith("//"):
        return None
    return prefix, local


def _add_key(found: set[str], key: Any) -> None:
    split = _split_key(key)
    if split and split[0] not in _SCHEMES:
        found.add(split[0])


def _walk(found: set[str], value: Any) -> None:
    """The prefixes of every key of (nested) extension content."""
    if isinstance(value, dict):
        for key, member in value.items():
            _add_key(found, key)
            if isinstance(member, (dict, list)):
                _walk(found, member)
    elif isinstance(value, list):
        for member in value:
            if isinstance(member, (dict, list)):
                _walk(found, member)


# members whose content holds no extension names (lists of identifiers, fixed structures)
_NO_EXTENSIONS = _EPC_LISTS | _QUANTITY_LISTS | frozenset(_PAIR_LISTS) | frozenset(_HEAD)


def used_prefixes(body: Mapping) -> set[str]:
    """The namespace prefixes an event's members use (extension names and attribute names)."""
    found: set[str] = set()
    for key, value in body.items():
        if key in _NO_EXTENSIONS and key != "errorDeclaration":
            continue
        if key == "sensorElementList":
            for sensor in value if isinstance(value, list) else ():
                if not isinstance(sensor, dict):
                    continue
                _walk(found, {k: v for k, v in sensor.items() if k != "sensorReport"})
                reports = sensor.get("sensorReport") or ()
                for report in [reports] if isinstance(reports, dict) else reports:
                    if not isinstance(report, dict):
                        continue
                    _walk(found, report)
                    if report.get("type") or report.get("exception"):
                        found.add("gs1")  # written as gs1: CURIEs
                    if report.get("component"):
                        found.add("cbv")  # written as cbv:Comp- CURIEs
        elif key in ("readPoint", "bizLocation", "ilmd", "errorDeclaration"):
            _walk(found, value)
        elif key in ("bizStep", "disposition"):
            split = _split_key(value) if isinstance(value, str) else None
            if split and split[0] not in _SCHEMES and split[0] != "cbv":  # cbv: → URNs
                found.add(split[0])
        elif key != "@context":
            _add_key(found, key)
            if isinstance(value, (dict, list)):
                _walk(found, value)
    return found


def undeclared_prefixes(body: Mapping, namespaces: Mapping[str, str] | None = None) -> set[str]:
    """Prefixes used by ``body`` that neither it, ``namespaces`` nor the EPCIS context declare.

    A caller that knows the document the event came in can resolve them (see the views)."""
    known = set(STANDARD_PREFIXES) | set(namespaces or ())
    known |= set(namespaces_from_context(body.get("@context")))
    return {p for p in used_prefixes(body) if p not in known}


def _resolve(body: Mapping, namespaces: Mapping[str, str] | None) -> dict[str, str]:
    resolved: dict[str, str] = dict(STANDARD_PREFIXES)
    resolved.update(namespaces or {})
    resolved.update(namespaces_from_context(body.get("@context")))
    out: dict[str, str] = {}
    for prefix in used_prefixes(body):
        uri = resolved.get(prefix)
        out[prefix] = XML_NAMESPACE.get(uri, uri) if uri else UNDECLARED_NS + prefix
    return out


def _clark(uri: str, local: str) -> str:
    return "{" + uri + "}" + local


# -- writer -------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, namespaces: Mapping[str, str]):
        self.ns = namespaces

    def qname(self, key: str) -> str | None:
        """The lxml tag/attribute name of a JSON member name; None when it has no XML form."""
        split = _split_key(key)
        if split is None:
            return key if _NCNAME.match(key or "") else None
        prefix, local = split
        if prefix in _SCHEMES:
            # a full URI as a member name: namespace up to the last "/" or "#"
            cut = max(key.rfind("/"), key.rfind("#"))
            uri, local = key[: cut + 1], key[cut + 1 :]
            return _clark(uri, local) if _NCNAME.match(local) else None
        if not _NCNAME.match(local):
            return None
        return _clark(self.ns.get(prefix, UNDECLARED_NS + prefix), local)

    def leaf(self, parent: Any, tag: str, value: Any) -> Any:
        element = etree.SubElement(parent, tag)
        element.text = text_of(value)
        return element

    def extension(self, parent: Any, key: str, value: Any) -> None:
        tag = self.qname(key)
        if tag is None:
            return
        members = value if isinstance(value, list) else [value]
        for member in members:
            element = etree.SubElement(parent, tag)
            if isinstance(member, Mapping):
                for child_key, child in member.items():
                    if child_key in ("#text", "@value"):
                        element.text = text_of(child)
                    elif not str(child_key).startswith("@"):
                        self.extension(element, child_key, child)
            elif isinstance(member, list):  # a list in a list: one element per item
                for item in member:
                    self.extension(element, key, item)
            else:
                element.text = text_of(member)

    def extensions(self, parent: Any, obj: Mapping, known: Iterable[str]) -> None:
        known = set(known)
        for key, value in obj.items():
            if key in known or _split_key(key) is None:
                continue
            self.extension(parent, key, value)

    # standard members
    def member(self, event: Any, name: str, value: Any) -> None:
        if name in _EPC_LISTS:
            element = etree.SubElement(event, name)
            for epc in value or ():
                self.leaf(element, "epc", epc)
        elif name in _QUANTITY_LISTS:
            element = etree.SubElement(event, name)
            for quantity in value or ():
                if isinstance(quantity, Mapping):
                    self.quantity(element, quantity)
        elif name in _PAIR_LISTS:
            item_name, kind = _PAIR_LISTS[name]
            if not value:
                return
            element = etree.SubElement(event, name)
            for item in value:
                if not isinstance(item, Mapping):
                    continue
                child = self.leaf(element, item_name, item.get(item_name, ""))
                if item.get("type") not in (None, ""):
                    child.set("type", cbv_xml(item["type"], kind))
        elif name in ("bizStep", "disposition"):
            self.leaf(event, name, cbv_xml(value, name))
        elif name == "persistentDisposition":
            element = etree.SubElement(event, name)
            for part in ("unset", "set"):
                members = (value or {}).get(part) or []
                for member in members if isinstance(members, list) else [members]:
                    self.leaf(element, part, cbv_xml(member, "disposition"))
        elif name in ("readPoint", "bizLocation"):
            element = etree.SubElement(event, name)
            if isinstance(value, Mapping):
                self.leaf(element, "id", value.get("id", ""))
                self.extensions(element, value, ("id",))
            else:
                self.leaf(element, "id", value)
        elif name == "errorDeclaration":
            self.error_declaration(event, value if isinstance(value, Mapping) else {})
        elif name == "sensorElementList":
            element = etree.SubElement(event, name)
            for sensor in value or ():
                if isinstance(sensor, Mapping):
                    self.sensor_element(element, sensor)
        elif name == "ilmd":
            element = etree.SubElement(event, name)
            for key, member in (value or {}).items():
                self.extension(element, key, member)
        elif name == "certificationInfo":
            for member in value if isinstance(value, list) else [value]:
                self.leaf(event, name, member)
        else:  # eventTime, recordTime, eventID, action, parentID, transformationID, ...
            self.leaf(event, name, value)

    def quantity(self, parent: Any, quantity: Mapping) -> None:
        element = etree.SubElement(parent, "quantityElement")
        self.leaf(element, "epcClass", quantity.get("epcClass", ""))
        has_quantity = quantity.get("quantity") is not None
        if has_quantity:
            self.leaf(element, "quantity", quantity["quantity"])
        if quantity.get("uom") not in (None, ""):
            if not has_quantity:  # the XSD keeps uom inside the (nillable) quantity's sequence
                nil = etree.SubElement(element, "quantity")
                nil.set(f"{{{XSI_NS}}}nil", "true")
            self.leaf(element, "uom", quantity["uom"])

    def error_declaration(self, event: Any, value: Mapping) -> None:
        element = etree.SubElement(event, "errorDeclaration")
        if "declarationTime" in value:
            self.leaf(element, "declarationTime", value["declarationTime"])
        if value.get("reason"):
            self.leaf(element, "reason", cbv_xml(value["reason"], "errorReason"))
        if "correctiveEventIDs" in value:
            ids = etree.SubElement(element, "correctiveEventIDs")
            members = value["correctiveEventIDs"] or []
            for member in members if isinstance(members, list) else [members]:
                self.leaf(ids, "correctiveEventID", member)
        self.extensions(element, value, ("declarationTime", "reason", "correctiveEventIDs"))

    def attributes(self, element: Any, value: Mapping, order: Iterable[str] = ()) -> None:
        keys = [k for k in order if k in value] + [k for k in value if k not in set(order)]
        for key in keys:
            member = value[key]
            if member is None or isinstance(member, (Mapping, list)):
                continue
            if key == "type" or key == "exception":
                text = _gs1_term(member)
            elif key == "component":
                text = _component(member)
            else:
                text = text_of(member)
            name = self.qname(key)
            if name is not None:
                element.set(name, text)

    def sensor_element(self, parent: Any, sensor: Mapping) -> None:
        element = etree.SubElement(parent, "sensorElement")
        metadata = sensor.get("sensorMetadata")
        if isinstance(metadata, Mapping):
            self.attributes(etree.SubElement(element, "sensorMetadata"), metadata, _METADATA_ORDER)
        reports = sensor.get("sensorReport") or []
        for report in [reports] if isinstance(reports, Mapping) else reports:
            if isinstance(report, Mapping):
                self.attributes(etree.SubElement(element, "sensorReport"), report)
        # "type" (epcis:SensorElement) is a JSON-LD node type with no XML form
        self.extensions(element, sensor, ("sensorMetadata", "sensorReport", "type"))


def event_element(
    body: Mapping,
    namespaces: Mapping[str, str] | None = None,
    *,
    parent: Any = None,
    _resolved: dict[str, str] | None = None,
) -> Any:
    """One event as an lxml element (appended to ``parent`` when given).

    ``namespaces`` are the ``{prefix: uri}`` pairs of the document the event came in; the
    event's own ``@context`` takes precedence. Prefixes the parent does not already bind the
    same way are declared on the event element.
    """
    kind = str(body.get("type") or "ObjectEvent")
    order = EVENT_ORDER.get(kind, _HEAD)
    resolved = _resolved if _resolved is not None else _resolve(body, namespaces)
    inherited = parent.nsmap if parent is not None else {}
    own = {p: u for p, u in resolved.items() if inherited.get(p) != u}
    tag = kind
    if kind not in EVENT_ORDER and (split := _split_key(kind)):
        tag = _clark(resolved.get(split[0], UNDECLARED_NS + split[0]), split[1])
    if parent is None:
        element = etree.Element(tag, nsmap=own or None)
    else:
        element = etree.SubElement(parent, tag, nsmap=own or None)
    writer = _Writer(resolved)
    required = _REQUIRED_LISTS.get(kind, ())
    for name in order:
        if name in body and body[name] is not None:
            writer.member(element, name, body[name])
        elif name in required:
            writer.member(element, name, [])
    writer.extensions(element, body, order)
    return element


def query_document(
    events: Iterable[Mapping | tuple[Mapping, Mapping[str, str] | None]],
    *,
    query_name: str = "SimpleEventQuery",
    creation_date: str | None = None,
    subscription_id: str | None = None,
) -> bytes:
    """An ``epcisq:EPCISQueryDocument`` (UTF-8 bytes with an XML declaration) of the events.

    Each item is an event body or a pair ``(body, namespaces of its document)``. Namespaces that
    every event binds the same way are declared once on the root element.
    """
    pairs: list[tuple[Mapping, Mapping[str, str] | None]] = [
        item if isinstance(item, tuple) else (item, None) for item in events
    ]
    resolved = [_resolve(body, namespaces) for body, namespaces in pairs]
    shared: dict[str, str] = {}
    clashing: set[str] = set()
    for mapping in resolved:
        for prefix, uri in mapping.items():
            if prefix in clashing:
                continue
            if shared.setdefault(prefix, uri) != uri:
                clashing.add(prefix)
                del shared[prefix]
    nsmap = {"epcisq": EPCISQ_NS, "epcis": EPCIS_NS}
    for prefix, uri in sorted(shared.items()):
        if prefix not in nsmap and uri not in nsmap.values():
            nsmap[prefix] = uri
    if any(_needs_xsi(body) for body, _ns in pairs):
        nsmap["xsi"] = XSI_NS
    root = etree.Element(f"{{{EPCISQ_NS}}}EPCISQueryDocument", nsmap=nsmap)
    root.set("schemaVersion", "2.0")
    root.set("creationDate", creation_date or dt.datetime.now(dt.UTC).isoformat())
    body_element = etree.SubElement(root, "EPCISBody")
    results = etree.SubElement(body_element, f"{{{EPCISQ_NS}}}QueryResults")
    etree.SubElement(results, "queryName").text = query_name
    if subscription_id:
        etree.SubElement(results, "subscriptionID").text = subscription_id
    event_list = etree.SubElement(etree.SubElement(results, "resultsBody"), "EventList")
    for (body, namespaces), mapping in zip(pairs, resolved, strict=True):
        event_element(body, namespaces, parent=event_list, _resolved=mapping)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _needs_xsi(body: Mapping) -> bool:
    for name in _QUANTITY_LISTS:
        for quantity in body.get(name) or ():
            if (
                isinstance(quantity, Mapping)
                and quantity.get("quantity") is None
                and quantity.get("uom") not in (None, "")
            ):
                return True
    return False


__all__ = [
    "EPCISQ_NS",
    "EPCIS_NS",
    "EVENT_ORDER",
    "cbv_xml",
    "event_element",
    "query_document",
    "text_of",
    "undeclared_prefixes",
    "used_prefixes",
]
