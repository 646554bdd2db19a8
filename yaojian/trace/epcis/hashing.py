"""The CBV 2.0 canonical event hash (CBV 2.0 section 8.9), computed from an EPCIS 2.0 JSON event.

The rules follow the reference implementation (the ``epcis-event-hash-generator`` package, which
is installed): canonical property order, values canonicalised (timestamps to UTC with
milliseconds, EPCIS 1.x CBV URNs to CBV Web URIs, numbers without trailing zeros, GS1 identifiers
to canonical GS1 Digital Link URIs), list members sorted, user extensions written with their
expanded namespace (``{http://ns.example.com/epcis/}myField=...``) and sorted after the standard
fields. That package cannot hash a JSON event dict directly: it needs a whole document, expands
it with a JSON-LD processor (slow; it may fetch unknown contexts from the network) and keeps its
state in module globals, so the rules are implemented here on the event dict itself. As in the
reference implementation, ``bizTransactionList``, ``sourceList`` and ``destinationList`` are
sorted together with the user extensions. Where the reference implementation depends on JSON key
order or crashes (a business transaction without a type, a value of ``inf``) this module picks
the XML-equivalent reading.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from epcis_event_hash_generator.dl_normaliser import normaliser as _dl_normaliser

from .cbv import GS1_VOC, STANDARD_PREFIXES, URN_TO_WEB, cbv_web_uri, is_bare_word
from .context import namespaces_from_context

# The normaliser is a pure function of its text and the slowest step of a hash (a dozen regular
# expressions per value): memoised, since the values it is given (locations, parties, classes)
# repeat from event to event; bounded, so that memory stays flat.
_dl_normalised = functools.lru_cache(maxsize=16384)(_dl_normaliser)
_URN_HEAD = "urn:epcglobal:cbv:"
assert all(urn.startswith(_URN_HEAD) for urn, _web in URN_TO_WEB)

_EPC_LISTS = ("epcList", "inputEPCList", "childEPCs", "outputEPCList")
_QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
_QUANTITY_ORDER = ("epcClass", "quantity", "uom")
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
_REPORT_ORDER = (
    "type",
    "exception",
    "deviceID",
    "deviceMetadata",
    "rawData",
    "dataProcessingMethod",
    "time",
    "microorganism",
    "chemicalSubstance",
    "value",
    "component",
    "stringValue",
    "booleanValue",
    "hexBinaryValue",
    "uriValue",
    "minValue",
    "maxValue",
    "meanValue",
    "sDev",
    "percRank",
    "percValue",
    "uom",
    "coordinateReferenceSystem",
)
# Handled in canonical order (bizTransactionList, sourceList and destinationList are not: the
# reference implementation sorts them with the remaining fields).
_ORDERED = frozenset(
    (
        "eventTime",
        "eventTimeZoneOffset",
        "certificationInfo",
        "parentID",
        *_EPC_LISTS,
        *_QUANTITY_LISTS,
        "action",
        "transformationID",
        "bizStep",
        "disposition",
        "persistentDisposition",
        "readPoint",
        "bizLocation",
        "sensorElementList",
    )
)
_IGNORED = frozenset(
    (
        "type",
        "eventID",
        "recordTime",
        "errorDeclaration",
        "@context",
        "id",
        "rdfs:comment",
        "comment",
    )
)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value).strip()


def _numeric(text: str) -> str:
    if not text or not (text[0].isdigit() or text[0] in "+-."):
        return text  # not a number: skip the float() attempt and its exception
    try:
        number = float(text)
        if int(number) == number:
            return str(int(number))
        return str(number)
    except (ValueError, OverflowError):
        return text


def _canonize(text: str) -> str:
    if text.startswith(_URN_HEAD):
        for urn, web in URN_TO_WEB:
            if text.startswith(urn):
                text = web + text[len(urn) :]
                break
    text = _numeric(text)
    if "." not in text:
        return text  # the normaliser gives up on anything without a dot (urn:yaojian:…)
    return _dl_normalised(text) or text


def _timestamp(text: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        try:
            import dateutil.parser  # a dependency of epcis-event-hash-generator

            moment = dateutil.parser.isoparse(text)
        except (ValueError, OverflowError):
            return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    moment = moment.astimezone(dt.UTC)
    micro = round(moment.microsecond, -3)  # the reference implementation's rounding
    moment = moment.replace(microsecond=0) + dt.timedelta(microseconds=micro)
    return moment.isoformat(timespec="milliseconds")[:-6] + "Z"


class _Hasher:
    def __init__(self, namespaces: Mapping[str, str]):
        self.ns = namespaces

    # -- values -------------------------------------------------------------------------
    def expand_curie(self, text: str) -> str:
        prefix, sep, rest = text.partition(":")
        if sep and not rest.startswith("//"):
            uri = self.ns.get(prefix)
            if uri:
                return uri + rest
        return text

    def value(self, name: str, raw: Any, *, timestamp: bool = False) -> str:
        text = _text(raw)
        if not text:
            return ""
        if timestamp:
            return f"{name}={_timestamp(text)}"
        return f"{name}={_canonize(self.expand_curie(text))}"

    def epc_values(self, members: Iterable[Any]) -> list[str]:
        """``epc=…`` of each member of an EPC list (`value("epc", v)`, inlined for the common
        member, a string: an event's EPCs are most of what a hash reads)."""
        out = []
        for member in members:
            if type(member) is str:
                text = member.strip()
                if text:
                    out.append("epc=" + _canonize(self.expand_curie(text)))
            else:
                text = self.value("epc", member)
                if text:
                    out.append(text)
        return out

    def key(self, key: str) -> str:
        prefix, sep, rest = key.partition(":")
        if sep and not rest.startswith("//"):
            uri = self.ns.get(prefix)
            if uri:
                return "{" + uri + "}" + rest
        return key

    # -- generic (extension) content ----------------------------------------------------
    def generic_items(self, items: Iterable[tuple[str, Any]]) -> list[str]:
        out = []
        for key, val in items:
            if key in ("#text", "@context", "rdfs:comment", "comment"):
                continue
            if isinstance(val, list):
                out.extend(self.generic_one(key, member) for member in val)
            else:
                out.append(self.generic_one(key, val))
        return out

    def generic_one(self, key: str, val: Any) -> str:
        name = self.key(key)
        if isinstance(val, Mapping):
            text = _text(val.get("#text"))
            head = name + ("=" + _canonize(self.expand_curie(text)) if text else "")
            return head + "".join(sorted(self.generic_items(val.items())))
        text = _text(val)
        if text:
            return f"{name}={_canonize(self.expand_curie(text))}"
        return name

    def extensions(self, obj: Mapping, known: Iterable[str]) -> str:
        known = set(known)
        return "".join(sorted(self.generic_items((k, v) for k, v in obj.items() if k not in known)))

    # -- structured fields ----------------------------------------------------------------
    def ordered(
        self, obj: Mapping, order: tuple[str, ...], *, vocab: Mapping[str, str] = {}
    ) -> str:
        parts = []
        for name in order:
            if name not in obj:
                continue
            members = obj[name] if isinstance(obj[name], list) else [obj[name]]
            strings = []
            for member in members:
                text = _text(member)
                if name in vocab and text:
                    text = self.vocab_value(text, vocab[name])
                strings.append(self.value(name, text, timestamp="time" in name.lower()))
            parts.extend(sorted(s for s in strings if s))
        return "".join(parts) + self.extensions(obj, order)

    def vocab_value(self, text: str, kind: str) -> str:
        if kind == "gs1":
            return GS1_VOC + text if is_bare_word(text) else self.expand_curie(text)
        return cbv_web_uri(self.expand_curie(text), kind)

    def pairs(self, name: str, members: Any, value_key: str, kind: str) -> str:
        strings = []
        for member in members or ():
            if not isinstance(member, Mapping):
                continue
            part = ""
            if _text(member.get("type")):
                part = self.value("type", self.vocab_value(_text(member["type"]), kind))
            part += self.value(value_key, member.get(value_key))
            strings.append(part)
        strings.sort()
        return name + "".join(strings) if "".join(strings) else ""

    def event(self, event: Mapping) -> str:
        parts = ["eventType=" + _text(event.get("type"))]
        for name in (
            "eventTime",
            "eventTimeZoneOffset",
            "certificationInfo",
            "parentID",
            "epcList",
            "inputEPCList",
            "childEPCs",
            "quantityList",
            "childQuantityList",
            "inputQuantityList",
            "outputEPCList",
            "outputQuantityList",
            "action",
            "transformationID",
            "bizStep",
            "disposition",
            "persistentDisposition",
            "readPoint",
            "bizLocation",
            "sensorElementList",
        ):
            if name in event and event[name] is not None:
                parts.append(self.field(name, event[name]))
        rest = [
            self.rest_field(key, val)
            for key, val in event.items()
            if key not in _ORDERED and key not in _IGNORED
        ]
        parts.extend(sorted(s for s in rest if s))
        return "".join(parts)

    def field(self, name: str, val: Any) -> str:
        if name == "eventTime":
            return self.value(name, val, timestamp=True)
        if name in _EPC_LISTS:
            epcs = sorted(self.epc_values(val or ()))
            return name + "".join(epcs) if epcs else ""
        if name in _QUANTITY_LISTS:
            elements = sorted(
                "quantityElement" + self.ordered(q, _QUANTITY_ORDER)
                for q in val or ()
                if isinstance(q, Mapping)
            )
            return name + "".join(elements) if elements else ""
        if name == "certificationInfo":
            members = val if isinstance(val, list) else [val]
            return "".join(sorted(self.value(name, v) for v in members))
        if name in ("bizStep", "disposition"):
            return self.value(name, self.vocab_value(_text(val), name))
        if name == "persistentDisposition":
            body = self.ordered(
                val, ("set", "unset"), vocab={"set": "disposition", "unset": "disposition"}
            )
            return name + body if body else ""
        if name in ("readPoint", "bizLocation"):
            body = self.ordered(val, ("id",)) if isinstance(val, Mapping) else self.value("id", val)
            return name + body if body else ""
        if name == "sensorElementList":
            elements = sorted(self.sensor_element(e) for e in val or () if isinstance(e, Mapping))
            return name + "".join(elements) if elements else ""
        return self.value(name, val)

    def sensor_element(self, element: Mapping) -> str:
        text = "sensorElement"
        metadata = element.get("sensorMetadata")
        if isinstance(metadata, Mapping):
            body = self.ordered(metadata, _METADATA_ORDER)
            if body:
                text += "sensorMetadata" + body
        reports = element.get("sensorReport") or []
        if isinstance(reports, Mapping):
            reports = [reports]
        vocab = {"type": "gs1", "exception": "gs1", "component": "component"}
        text += "".join(
            sorted(
                "sensorReport" + self.ordered(r, _REPORT_ORDER, vocab=vocab)
                for r in reports
                if isinstance(r, Mapping)
            )
        )
        # "type" (epcis:SensorElement) is a JSON-LD node type with no XML equivalent.
        return text + self.extensions(element, ("sensorMetadata", "sensorReport", "type"))

    def rest_field(self, key: str, val: Any) -> str:
        if key == "bizTransactionList":
            return self.pairs(key, val, "bizTransaction", "bizTransactionType")
        if key == "sourceList":
            return self.pairs(key, val, "source", "sourceDestType")
        if key == "destinationList":
            return self.pairs(key, val, "destination", "sourceDestType")
        if isinstance(val, list):
            return "".join(sorted(self.generic_one(key, member) for member in val))
        return self.generic_one(key, val)


def _namespaces(event: Mapping, context: Any) -> dict[str, str]:
    namespaces = dict(STANDARD_PREFIXES)
    if isinstance(context, Mapping) and all(isinstance(v, str) for v in context.values()):
        namespaces.update(context)
    elif context is not None:
        namespaces.update(namespaces_from_context(context))
    if "@context" in event:
        namespaces.update(namespaces_from_context(event["@context"]))
    return namespaces


def event_prehash(event: Mapping, context: Any = None) -> str:
    """The canonical pre-hash string of an event (useful when comparing two hashes)."""
    return _Hasher(_namespaces(event, context)).event(event)


def event_hash(event: Mapping, context: Any = None) -> str:
    """The CBV 2.0 event hash ``ni:///sha-256;<hex>?ver=CBV2.0`` of an EPCIS 2.0 JSON event.

    ``context`` gives the namespace prefixes of the document the event comes from: either a
    ``{prefix: uri}`` mapping or a JSON-LD ``@context`` value. An ``@context`` in the event
    itself (a bare event, or an event converted from XML by :func:`iter_events`) is used too.
    Without the prefixes, user extension names cannot be expanded and the hash will differ from
    the same event written in XML.
    """
    digest = hashlib.sha256(event_prehash(event, context).encode("utf-8")).hexdigest()
    return f"ni:///sha-256;{digest}?ver=CBV2.0"
