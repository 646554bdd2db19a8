"""Streaming readers for EPCIS 2.0 documents in JSON / JSON-LD and XML.

Events are yielded one at a time; only the event being read is held in memory (plus, for JSON,
the small top-level members of the document such as ``@context``). XML events are converted to
the EPCIS 2.0 JSON shape, so everything downstream (validation, hashing, storage) sees one form.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import ijson
from django.utils.translation import gettext_lazy as _
from lxml import etree

from .context import namespaces_from_context
from .problems import DocumentInvalid, Problem

try:
    _ijson = ijson.get_backend("yajl2_c")
except ImportError:  # pragma: no cover - the C backend is a dependency, but stay usable
    _ijson = ijson

EVENT_TYPES = frozenset(
    (
        "ObjectEvent",
        "AggregationEvent",
        "TransactionEvent",
        "TransformationEvent",
        "AssociationEvent",
    )
)
DOCUMENT_TYPES = frozenset(("EPCISDocument", "EPCISQueryDocument"))

JSON_CONTENT_TYPES = frozenset(("application/json", "application/ld+json"))
XML_CONTENT_TYPES = frozenset(("application/xml", "text/xml"))

_EVENT_PREFIXES = frozenset(
    (
        "epcisBody.eventList.item",
        "epcisBody.queryResults.resultsBody.eventList.item",
    )
)
_SINGLE_EVENT_PREFIX = "epcisBody.event"
_INSIDE_EVENTS = tuple(prefix + "." for prefix in sorted(_EVENT_PREFIXES))
_LIST_PREFIXES = frozenset(
    ("epcisBody.eventList", "epcisBody.queryResults.resultsBody.eventList", _SINGLE_EVENT_PREFIX)
)


@dataclass
class DocumentHeader:
    """Document-level information: what :func:`validate_document_envelope` checks."""

    format: str  # "json" or "xml"
    type: str | None = None
    schema_version: str | None = None
    creation_date: str | None = None
    context: Any = None  # the JSON-LD @context value (None for XML and when absent)
    has_context: bool = False
    namespaces: dict[str, str] = field(default_factory=dict)  # prefix -> namespace URI
    has_event_list: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # other top-level members (JSON)
    # JSON: where the events were found (``epcisBody.eventList.item``…), filled by
    # document_header; one place means the events may be read with ``iter_events(prefix=…)``
    event_prefixes: set[str] = field(default_factory=set)

    @property
    def event_prefix(self) -> str | None:
        """The one place of a JSON EPCIS(Query)Document's events, or None (XML, a bare event,
        events in several places or none)."""
        if (
            self.format != "json"
            or len(self.event_prefixes) != 1
            or self.type not in DOCUMENT_TYPES
        ):
            return None
        return next(iter(self.event_prefixes))


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _is_json(content_type: str) -> bool:
    media = _media_type(content_type)
    if media in JSON_CONTENT_TYPES or media.endswith("+json"):
        return True
    if media in XML_CONTENT_TYPES or media.endswith("+xml"):
        return False
    raise DocumentInvalid(
        [
            Problem(
                None,
                "",
                "",
                "content_type",
                _(
                    "The content type %(type)s is not supported: send application/json, application/ld+json or application/xml."
                )
                % {"type": content_type or "-"},
            )
        ]
    )


def _json_problem(exc: Exception) -> DocumentInvalid:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    return DocumentInvalid(
        [
            Problem(
                None,
                "",
                "",
                "json_syntax",
                _("The document is not well-formed JSON: %(reason)s") % {"reason": reason},
            )
        ]
    )


def _xml_problem(exc: etree.XMLSyntaxError) -> DocumentInvalid:
    line, column = (exc.position if exc.position else (exc.lineno, None)) or (None, None)
    return DocumentInvalid(
        [
            Problem(
                None,
                "",
                "",
                "xml_syntax",
                _(
                    "The document is not well-formed XML (line %(line)s, column %(column)s): %(reason)s"
                )
                % {"line": line, "column": column, "reason": exc.msg or str(exc)},
                line=line,
                column=column,
            )
        ]
    )


def _too_large(limit: int) -> DocumentInvalid:
    return DocumentInvalid(
        [
            Problem(
                None,
                "",
                "epcisBody.eventList",
                "too_large",
                _("The document holds more than %(limit)s events.") % {"limit": limit},
            )
        ]
    )


class EventStream:
    """Iterator of ``(index, event)`` pairs; ``header`` fills in while the document is read.

    For JSON, the header is complete for everything written before ``epcisBody`` as soon as the
    first event is yielded, and complete in full once the iteration ends.
    """

    def __init__(
        self,
        stream: BinaryIO,
        content_type: str,
        max_events: int | None = None,
        prefix: str | None = None,
    ):
        self.is_json = _is_json(content_type)
        self.header = DocumentHeader(format="json" if self.is_json else "xml")
        self.max_events = max_events
        self._root: dict[str, Any] = {}
        if self.is_json and prefix is not None:
            self._iterator = self._iter_json_items(stream, prefix)
        else:
            self._iterator = self._iter_json(stream) if self.is_json else self._iter_xml(stream)

    def __iter__(self) -> EventStream:
        return self

    def __next__(self) -> tuple[int, dict]:
        return next(self._iterator)

    @property
    def namespaces(self) -> dict[str, str]:
        return self.header.namespaces

    def _count(self, index: int) -> None:
        if self.max_events is not None and index >= self.max_events:
            raise _too_large(self.max_events)

    # -- JSON -----------------------------------------------------------------------------
    def _update_json_header(self) -> None:
        root = self._root
        header = self.header
        header.type = root.get("type") if isinstance(root.get("type"), str) else None
        header.schema_version = root.get("schemaVersion")
        header.creation_date = root.get("creationDate")
        header.has_context = "@context" in root
        header.context = root.get("@context")
        header.namespaces = namespaces_from_context(header.context)

    def _iter_json(self, stream: BinaryIO) -> Iterator[tuple[int, dict]]:
        builder = ijson.ObjectBuilder()
        index = 0
        try:
            parser = _ijson.parse(stream, use_float=True)
            header_dirty = True
            for prefix, event, value in parser:
                if event == "start_map" and (
                    prefix in _EVENT_PREFIXES or prefix == _SINGLE_EVENT_PREFIX
                ):
                    self._count(index)
                    if header_dirty:
                        partial = getattr(builder, "value", None)
                        self._root = partial if isinstance(partial, dict) else {}
                        self._update_json_header()
                        header_dirty = False
                    yield index, _build(parser, event, value)
                    index += 1
                    continue
                if prefix in _LIST_PREFIXES:
                    self.header.has_event_list = True
                if prefix == "":
                    if event == "map_key" and value == "epcisBody":
                        continue
                    builder.event(event, value)
                    header_dirty = True
                elif prefix != "epcisBody" and not prefix.startswith("epcisBody."):
                    builder.event(event, value)
            final = getattr(builder, "value", None)
            self._root = final if isinstance(final, dict) else {}
            self._update_json_header()
        except (ijson.JSONError, UnicodeDecodeError) as exc:
            raise _json_problem(exc) from None
        if not isinstance(getattr(builder, "value", {}), dict):
            raise _json_problem(ValueError("the document is not a JSON object"))
        root = self._root
        self.header.extra = {
            k: v
            for k, v in root.items()
            if k not in ("@context", "type", "schemaVersion", "creationDate")
        }
        if self.header.type in EVENT_TYPES or (
            isinstance(self.header.type, str) and ":" in self.header.type and "eventTime" in root
        ):
            # A bare event (the body of POST /events) is its own document.
            self._count(index)
            self.header.extra = {}
            yield index, root

    def _iter_json_items(self, stream: BinaryIO, prefix: str) -> Iterator[tuple[int, dict]]:
        """The events at one known place, built by ijson's C backend (about three times as fast
        as building them token by token here). The header is not filled in: the caller read it
        with document_header, which also told the place (`DocumentHeader.event_prefix`)."""
        if prefix not in _EVENT_PREFIXES and prefix != _SINGLE_EVENT_PREFIX:
            raise ValueError(f"not a place of events: {prefix}")
        index = 0
        try:
            for event in _ijson.items(stream, prefix, use_float=True):
                if not isinstance(event, dict):
                    continue  # as _iter_json: only objects are events
                self._count(index)
                yield index, event
                index += 1
        except (ijson.JSONError, UnicodeDecodeError) as exc:
            raise _json_problem(exc) from None

    # -- XML ------------------------------------------------------------------------------
    def _iter_xml(self, stream: BinaryIO) -> Iterator[tuple[int, dict]]:
        parser = etree.iterparse(
            stream,
            events=("start", "end", "start-ns"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            remove_comments=True,
            remove_pis=True,
        )
        depth = 0
        list_depth: int | None = None
        root_is_event = False
        index = 0
        try:
            for action, obj in parser:
                if action == "start-ns":
                    prefix, uri = obj
                    self.header.namespaces.setdefault(prefix or "", uri)
                    continue
                if action == "start":
                    depth += 1
                    name = etree.QName(obj).localname
                    if depth == 1:
                        self.header.type = name
                        self.header.schema_version = obj.get("schemaVersion")
                        self.header.creation_date = obj.get("creationDate")
                        root_is_event = name in EVENT_TYPES
                    elif name == "EventList" and list_depth is None:
                        list_depth = depth
                        self.header.has_event_list = True
                    continue
                # "end"
                if list_depth is not None and depth == list_depth + 1:
                    name = etree.QName(obj).localname
                    members = list(obj) if name == "extension" else [obj]
                    for member in members:
                        if not isinstance(member.tag, str):
                            continue
                        self._count(index)
                        yield index, xml_event_to_json(member)
                        index += 1
                    obj.clear(keep_tail=False)
                    parent = obj.getparent()
                    while obj.getprevious() is not None:
                        del parent[0]
                elif list_depth is not None and depth == list_depth:
                    list_depth = None
                elif depth == 1 and root_is_event:
                    self._count(index)
                    yield index, xml_event_to_json(obj)
                    index += 1
                depth -= 1
        except etree.XMLSyntaxError as exc:
            raise _xml_problem(exc) from None
        self.header.namespaces.pop("", None)


def _build(parser: Iterator, event: str, value: Any) -> dict:
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for _prefix, ev, val in parser:
        builder.event(ev, val)
        if ev in ("start_map", "start_array"):
            depth += 1
        elif ev in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                break
    return builder.value


def iter_events(
    stream: BinaryIO,
    content_type: str,
    *,
    max_events: int | None = None,
    prefix: str | None = None,
) -> EventStream:
    """Stream the events of an EPCIS document as ``(index, event_dict)`` pairs.

    ``content_type`` is ``application/json`` or ``application/ld+json`` (JSON) or
    ``application/xml`` / ``text/xml`` (XML). Handles EPCISDocument, EPCISQueryDocument and a bare
    event. Raises :class:`DocumentInvalid` (code ``json_syntax`` / ``xml_syntax``, or
    ``too_large`` past ``max_events``) while iterating: callers must be ready to discard what they
    received before the error. The returned iterator's ``header`` is a :class:`DocumentHeader`.

    ``prefix`` (JSON only), the place of the events that :func:`document_header` found
    (``header.event_prefix``), reads the events there, faster; the iterator's header then stays
    empty.
    """
    return EventStream(stream, content_type, max_events, prefix)


def document_header(stream: BinaryIO, content_type: str) -> DocumentHeader:
    """Read only the document-level information (one streaming pass that builds no events).

    For JSON the whole document is tokenised (``@context`` may come after ``epcisBody``); for
    XML only the root element is read. The stream is rewound afterwards when it is seekable.
    """
    start = stream.tell() if stream.seekable() else None
    if _is_json(content_type):
        header = DocumentHeader(format="json")
        builder = ijson.ObjectBuilder()
        try:
            for prefix, event, value in _ijson.parse(stream, use_float=True):
                if prefix.startswith(_INSIDE_EVENTS):
                    continue  # nearly every token: nothing below concerns the inside of events
                if prefix in _LIST_PREFIXES:
                    header.has_event_list = True
                    if event == "start_map" and prefix == _SINGLE_EVENT_PREFIX:
                        header.event_prefixes.add(prefix)
                elif event == "start_map" and prefix in _EVENT_PREFIXES:
                    header.event_prefixes.add(prefix)
                if prefix == "":
                    if event == "map_key" and value == "epcisBody":
                        continue
                    builder.event(event, value)
                elif prefix != "epcisBody" and not prefix.startswith("epcisBody."):
                    builder.event(event, value)
        except (ijson.JSONError, UnicodeDecodeError) as exc:
            raise _json_problem(exc) from None
        root = builder.value if isinstance(builder.value, dict) else {}
        header.type = root.get("type") if isinstance(root.get("type"), str) else None
        header.schema_version = root.get("schemaVersion")
        header.creation_date = root.get("creationDate")
        header.has_context = "@context" in root
        header.context = root.get("@context")
        header.namespaces = namespaces_from_context(header.context)
    else:
        header = DocumentHeader(format="xml")
        try:
            for action, obj in etree.iterparse(
                stream,
                events=("start", "start-ns"),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
            ):
                if action == "start-ns":
                    prefix, uri = obj
                    if prefix:
                        header.namespaces.setdefault(prefix, uri)
                    continue
                if header.type is None:
                    header.type = etree.QName(obj).localname
                    header.schema_version = obj.get("schemaVersion")
                    header.creation_date = obj.get("creationDate")
                elif etree.QName(obj).localname == "EventList":
                    header.has_event_list = True
                    break
        except etree.XMLSyntaxError as exc:
            raise _xml_problem(exc) from None
    if start is not None:
        stream.seek(start)
    return header


# -- XML → EPCIS 2.0 JSON ---------------------------------------------------------------------

_EPC_LISTS = frozenset(("epcList", "inputEPCList", "outputEPCList", "childEPCs"))
_QUANTITY_LISTS = frozenset(
    ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
)
_PAIR_LISTS = {
    "bizTransactionList": "bizTransaction",
    "sourceList": "source",
    "destinationList": "destination",
}
_NUMERIC_ATTRIBUTES = frozenset(
    ("value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue")
)
_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


class _XmlConverter:
    def __init__(self) -> None:
        self.used: dict[str, str] = {}

    def name(self, elem: Any, tag: str) -> str:
        """``prefix:local`` for a namespaced tag or attribute name; the local name otherwise."""
        if not tag.startswith("{"):
            return tag
        uri, local = tag[1:].split("}", 1)
        prefix = None
        for candidate, candidate_uri in elem.nsmap.items():
            if candidate_uri == uri and candidate:
                prefix = candidate
                break
        if prefix is None:
            prefix = (
                next((p for p, u in self.used.items() if u == uri), None)
                or f"ns{len(self.used) + 1}"
            )
        self.used[prefix] = uri
        return f"{prefix}:{local}"

    @staticmethod
    def text(elem: Any) -> str:
        return (elem.text or "").strip()

    def ext_value(self, elem: Any) -> Any:
        children = [c for c in elem if isinstance(c.tag, str)]
        if not children and not elem.attrib:
            return self.text(elem)
        value: dict[str, Any] = {}
        for key, val in elem.attrib.items():
            if key == _XSI_NIL:
                continue
            _put(value, self.name(elem, key), val)
        for child in children:
            _put(value, self.name(child, child.tag), self.ext_value(child))
        if self.text(elem):
            value["#text"] = self.text(elem)
        return value

    def members(self, elem: Any, out: dict[str, Any], handler: Any) -> None:
        for child in elem:
            if not isinstance(child.tag, str):
                continue
            if child.tag in ("extension", "baseExtension"):
                self.members(child, out, handler)
            elif child.tag.startswith("{"):
                _put(out, self.name(child, child.tag), self.ext_value(child))
            else:
                handler(child, out)

    def event_member(self, child: Any, out: dict[str, Any]) -> None:
        tag = child.tag
        if tag in _EPC_LISTS:
            out[tag] = [self.text(c) for c in child if isinstance(c.tag, str)]
        elif tag in _QUANTITY_LISTS:
            out[tag] = [self.quantity(c) for c in child if isinstance(c.tag, str)]
        elif tag in _PAIR_LISTS:
            key = _PAIR_LISTS[tag]
            items = []
            for c in child:
                if not isinstance(c.tag, str):
                    continue
                item = {}
                if c.get("type") is not None:
                    item["type"] = c.get("type").strip()
                item[key] = self.text(c)
                items.append(item)
            out[tag] = items
        elif tag in ("readPoint", "bizLocation"):
            out[tag] = self.simple_object(child)
        elif tag == "persistentDisposition":
            value: dict[str, list[str]] = {}
            for c in child:
                if isinstance(c.tag, str):
                    value.setdefault(etree.QName(c).localname, []).append(self.text(c))
            out[tag] = value
        elif tag == "errorDeclaration":
            out[tag] = self.error_declaration(child)
        elif tag == "sensorElementList":
            out[tag] = [self.sensor_element(c) for c in child if isinstance(c.tag, str)]
        elif tag == "ilmd":
            value = {}
            self.members(child, value, lambda c, o: _put(o, c.tag, self.ext_value(c)))
            out[tag] = value
        elif tag == "certificationInfo":
            _put(out, tag, self.text(child))
        else:
            children = [c for c in child if isinstance(c.tag, str)]
            out[tag] = self.ext_value(child) if children else self.text(child)

    def simple_object(self, elem: Any) -> dict[str, Any]:
        value: dict[str, Any] = {}
        self.members(elem, value, lambda c, o: _put(o, c.tag, self.text(c)))
        return value

    def quantity(self, elem: Any) -> dict[str, Any]:
        value: dict[str, Any] = {}

        def member(c: Any, o: dict[str, Any]) -> None:
            if c.tag == "quantity":
                if c.get(_XSI_NIL) in ("true", "1") or not self.text(c):
                    return
                o["quantity"] = _number(self.text(c))
            else:
                o[c.tag] = self.text(c)

        self.members(elem, value, member)
        return value

    def error_declaration(self, elem: Any) -> dict[str, Any]:
        value: dict[str, Any] = {}

        def member(c: Any, o: dict[str, Any]) -> None:
            if c.tag == "correctiveEventIDs":
                o[c.tag] = [self.text(x) for x in c if isinstance(x.tag, str)]
            else:
                o[c.tag] = self.text(c)

        self.members(elem, value, member)
        return value

    def attributes(self, elem: Any) -> dict[str, Any]:
        value: dict[str, Any] = {}
        for key, val in elem.attrib.items():
            name = self.name(elem, key)
            if name in _NUMERIC_ATTRIBUTES:
                value[name] = _number(val.strip())
            elif name == "booleanValue":
                value[name] = val.strip() in ("true", "1")
            else:
                value[name] = val.strip()
        self.members(elem, value, lambda c, o: _put(o, c.tag, self.text(c)))
        return value

    def sensor_element(self, elem: Any) -> dict[str, Any]:
        value: dict[str, Any] = {}

        def member(c: Any, o: dict[str, Any]) -> None:
            if c.tag == "sensorMetadata":
                o[c.tag] = self.attributes(c)
            elif c.tag == "sensorReport":
                o.setdefault("sensorReport", []).append(self.attributes(c))
            else:
                _put(o, c.tag, self.text(c))

        self.members(elem, value, member)
        return value


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if key in target:
        existing = target[key]
        if isinstance(existing, list):
            existing.append(value)
        else:
            target[key] = [existing, value]
    else:
        target[key] = value


def xml_event_to_json(elem: Any) -> dict[str, Any]:
    """Convert one EPCIS 2.0 XML event element to the EPCIS 2.0 JSON form.

    Extension elements become ``prefix:name`` keys; the prefixes they use are declared in an
    ``@context`` list on the event, so the event carries what :func:`event_hash` needs.
    """
    converter = _XmlConverter()
    event: dict[str, Any] = {
        "type": converter.name(elem, elem.tag) if elem.tag.startswith("{") else elem.tag
    }
    converter.members(elem, event, converter.event_member)
    if converter.used:
        event["@context"] = [dict(converter.used)]
    return event
