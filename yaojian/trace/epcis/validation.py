"""Validation of EPCIS 2.0 events and document envelopes.

Per event: the event sub-schema of the EPCIS JSON Schema (the draft copy in ``data/``, patched in
memory to the ratified EPCIS 2.0 rules), checked with format checking, then the rules the schema
cannot express: bare-word CBV values must come from the CBV 2.0 vocabularies, and user extension
members must be namespaced.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
import jsonschema
from django.utils.translation import gettext_lazy as _

from .cbv import STANDARD_PREFIXES, is_bare_word, vocabulary
from .context import EPCIS_CONTEXT_URLS, context_urls, namespaces_from_context
from .problems import Problem
from .reader import DOCUMENT_TYPES, EVENT_TYPES, DocumentHeader

STANDARD_EVENT_KEYS = frozenset(
    [
        "type",
        "@context",
        "id",
        "eventID",
        "eventTime",
        "eventTimeZoneOffset",
        "recordTime",
        "errorDeclaration",
        "certificationInfo",
        "epcList",
        "quantityList",
        "parentID",
        "childEPCs",
        "childQuantityList",
        "inputEPCList",
        "inputQuantityList",
        "outputEPCList",
        "outputQuantityList",
        "transformationID",
        "action",
        "bizStep",
        "disposition",
        "persistentDisposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "ilmd",
    ]
)
# Objects whose non-standard members are user extensions.
_OBJECT_KEYS = {
    "readPoint": frozenset(("id",)),
    "bizLocation": frozenset(("id",)),
    "errorDeclaration": frozenset(("declarationTime", "reason", "correctiveEventIDs")),
    "sensorMetadata": frozenset(
        [
            "time",
            "startTime",
            "endTime",
            "deviceID",
            "deviceMetadata",
            "rawData",
            "dataProcessingMethod",
            "bizRules",
        ]
    ),
    "sensorReport": frozenset(
        [
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
        ]
    ),
    "sensorElement": frozenset(("sensorMetadata", "sensorReport", "type")),
    "quantityElement": frozenset(("epcClass", "quantity", "uom")),
}
_CBV_CODES = {
    "bizStep": "cbv_bizstep",
    "disposition": "cbv_disposition",
    "bizTransactionType": "cbv_biz_transaction_type",
    "sourceDestType": "cbv_source_dest_type",
    "errorReason": "cbv_error_reason",
}
_URI_SCHEMES = frozenset(("http", "https", "urn", "ni", "tag", "did", "mailto"))


def _load_schema() -> dict:
    text = resources.files(__package__).joinpath("data/epcis-json-schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def patched_schema() -> dict:
    """The draft schema with the ratified EPCIS 2.0 differences applied."""
    schema = copy.deepcopy(_load_schema())
    defs = schema["definitions"]
    # Ratified: quantity is optional in a quantityElement.
    defs["quantityElement"]["required"] = ["epcClass"]
    # Ratified: certificationInfo (one URI or several).
    defs["Event"]["properties"]["certificationInfo"] = {
        "anyOf": [
            {"$ref": "#/definitions/uri"},
            {"type": "array", "items": {"$ref": "#/definitions/uri"}},
        ]
    }
    # CBV values are checked by check_cbv() so that the problem says which vocabulary; bare
    # words (also sensor types such as "Temperature") are not URIs.
    for name in (
        "bizStep",
        "disposition",
        "bizTransaction-type",
        "source-dest-type",
        "error-reason",
    ):
        defs[name] = {"type": "string"}
    defs["persistentDisposition"]["properties"]["set"]["items"] = {"type": "string"}
    defs["persistentDisposition"]["properties"]["unset"]["items"] = {"type": "string"}
    defs["sensorReport"]["properties"]["type"] = {"type": "string"}
    defs["sensorReport"]["properties"]["exception"] = {"type": "string"}
    defs["sensorReport"]["properties"]["component"] = {"type": "string"}
    # Extension member names are checked by check_extensions().
    defs["ilmd"] = {"type": "object"}
    # The @context of an event is checked with the envelope.
    defs["@context"] = {}
    return schema


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(("date-time", "uri"))
    return checker


@cache
def _event_validators() -> dict[str, Any]:
    schema = patched_schema()
    cls = jsonschema.Draft7Validator
    checker = _format_checker()
    validators = {}
    definitions = schema["definitions"]
    for name in (*EVENT_TYPES, "Extended-Event"):
        # $refs inlined: resolving them through the registry on every event is the main cost.
        sub = _inline_refs(definitions[name], definitions, ())
        validators[name] = cls(sub, format_checker=checker)
    return validators


@cache
def _fast_validator(name: str) -> Any:
    """The same inlined sub-schema of one event type compiled to Python by fastjsonschema: about ten times
    faster than jsonschema on a valid event, which nearly every event is. They only say valid
    or not; `validate_event` asks the jsonschema validator for the detailed problems when the
    fast one says invalid. The formats call jsonschema's own checks, so both agree on them;
    any other difference can only make the fast one stricter, which costs a second look,
    never a missed problem (the schema has no numeric enums or consts, where fastjsonschema's
    `in` would take True for 1). Compiled when an event of the type is first seen (compiling
    all six cost a document of one type half a second)."""
    checker = _format_checker()
    formats = {
        "date-time": lambda value: checker.conforms(value, "date-time"),
        "uri": lambda value: (
            _SIMPLE_URI.fullmatch(value) is not None or checker.conforms(value, "uri")
        ),
    }
    definitions = patched_schema()["definitions"]
    return fastjsonschema.compile(
        _inline_refs(definitions[name], definitions, ()),
        formats=formats,
        use_default=False,  # never fill defaults into the event
    )


# A URI of the simplest shape, `scheme:` then characters RFC 3986 allows anywhere in a path
# segment (no "/", "?", "#" or "%"): always a valid URI (its hier-part is a path-rootless), so
# the full RFC 3986 grammar (a large regular expression, the main cost of validating an event's
# EPC URNs) is only asked about other shapes.
_SIMPLE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[A-Za-z0-9\-._~!$&'()*+,;=:@]*")


def _schema_valid(name: str, event: dict) -> bool:
    try:
        _fast_validator(name)(event)
    except Exception:
        # invalid (JsonSchemaException), or any surprise: jsonschema gives the answer
        return False
    return True


def _inline_refs(node: Any, definitions: dict, stack: tuple[str, ...]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/") and len(node) == 1:
            name = ref.removeprefix("#/definitions/")
            if name in stack:  # recursive definition: not expected in the event schemas
                raise ValueError(f"recursive schema definition {name}")
            return _inline_refs(definitions[name], definitions, (*stack, name))
        return {key: _inline_refs(val, definitions, stack) for key, val in node.items()}
    if isinstance(node, list):
        return [_inline_refs(member, definitions, stack) for member in node]
    return node


def _path(parts: Any) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _join(base: str, name: str) -> str:
    return f"{base}.{name}" if base else name


_REQUIRED_RE = re.compile(r"^'([^']+)' is a required property")


def _schema_problem(error: jsonschema.ValidationError, index: int | None, event_id: str) -> Problem:
    field = _path(error.absolute_path)
    code = "schema"
    if error.validator == "required":
        match = _REQUIRED_RE.match(error.message)
        missing = match.group(1) if match else ""
        field = _join(field, missing)
        message = _("The field %(field)s is required.") % {"field": field}
        if field == "eventTime":
            code = "event_time"
    elif error.validator == "format" and error.validator_value == "date-time":
        code = "event_time" if field == "eventTime" else "schema"
        message = _(
            "The field %(field)s must be a date and time with a time zone offset (RFC 3339), not %(value)s."
        ) % {
            "field": field,
            "value": json.dumps(error.instance, ensure_ascii=False)[:80],
        }
    elif error.validator == "format" and error.validator_value == "uri":
        message = _("The field %(field)s must be a URI, not %(value)s.") % {
            "field": field,
            "value": json.dumps(error.instance, ensure_ascii=False)[:80],
        }
    elif error.validator == "enum":
        message = _("The field %(field)s has the value %(value)s; allowed values: %(allowed)s.") % {
            "field": field,
            "value": json.dumps(error.instance, ensure_ascii=False)[:80],
            "allowed": ", ".join(str(v) for v in error.validator_value),
        }
    elif error.validator == "type":
        message = _("The field %(field)s must be of type %(type)s, not %(value)s.") % {
            "field": field,
            "type": error.validator_value,
            "value": json.dumps(error.instance, ensure_ascii=False)[:80],
        }
    elif (
        error.validator == "anyOf"
        and not error.absolute_path
        and '"action"' in json.dumps(error.validator_value)
    ):
        if isinstance(error.instance, dict) and "ilmd" in error.instance:
            field = "ilmd"
            message = _("The field ilmd is only allowed in an event whose action is ADD.")
        else:
            field = "action"
            message = _("The field action must be OBSERVE, ADD or DELETE.")
    elif error.validator == "anyOf" and not error.absolute_path:
        message = _(
            "The event lists no objects: it needs an epcList, a quantityList (or the lists of its event type), or sensor data with a readPoint."
        )
        field = field or "epcList"
        code = "identifier_list"
    else:
        message = _("The field %(field)s is invalid: %(reason)s") % {
            "field": field or _("(event)"),
            "reason": error.message[:200],
        }
    return Problem(index, event_id, field, code, message)


def _cbv_problem(index, event_id, field, kind, value) -> Problem:
    return Problem(
        index,
        event_id,
        field,
        _CBV_CODES[kind],
        _(
            "The field %(field)s has the value %(value)s, which is not a word of the CBV 2.0 vocabulary; write a CBV word or a full URI."
        )
        % {"field": field, "value": json.dumps(value, ensure_ascii=False)[:80]},
    )


def check_cbv(event: dict, index: int | None = None, event_id: str = "") -> list[Problem]:
    problems: list[Problem] = []

    def check(field: str, value: Any, kind: str) -> None:
        if (
            isinstance(value, str)
            and is_bare_word(value.strip())
            and value.strip() not in vocabulary(kind)
        ):
            problems.append(_cbv_problem(index, event_id, field, kind, value))

    check("bizStep", event.get("bizStep"), "bizStep")
    check("disposition", event.get("disposition"), "disposition")
    persistent = event.get("persistentDisposition")
    if isinstance(persistent, dict):
        for key in ("set", "unset"):
            for i, value in enumerate(persistent.get(key) or []):
                check(f"persistentDisposition.{key}[{i}]", value, "disposition")
    for list_name, kind in (
        ("bizTransactionList", "bizTransactionType"),
        ("sourceList", "sourceDestType"),
        ("destinationList", "sourceDestType"),
    ):
        members = event.get(list_name)
        if isinstance(members, list):
            for i, member in enumerate(members):
                if isinstance(member, dict):
                    check(f"{list_name}[{i}].type", member.get("type"), kind)
    declaration = event.get("errorDeclaration")
    if isinstance(declaration, dict):
        check("errorDeclaration.reason", declaration.get("reason"), "errorReason")
    return problems


def _extension_problem(index, event_id, field, key, reason) -> Problem:
    if reason == "undeclared":
        message = _(
            "The field %(field)s uses the prefix %(prefix)s, which the @context does not declare."
        ) % {
            "field": field,
            "prefix": key.split(":", 1)[0],
        }
    else:
        message = _(
            "The field %(field)s is not an EPCIS field; a user extension field must be namespaced (prefix:name, with the prefix declared in @context)."
        ) % {"field": field}
    return Problem(index, event_id, field, "extension_namespace", message)


def check_extensions(
    event: dict,
    index: int | None = None,
    event_id: str = "",
    namespaces: dict[str, str] | None = None,
) -> list[Problem]:
    """User extension members (in the event, in ilmd, in standard objects, nested in extensions)
    must be namespaced; when ``namespaces`` is known, their prefix must be declared."""
    problems: list[Problem] = []

    def key_ok(key: str, field: str) -> bool:
        if key.startswith("@") or key == "#text":
            return True
        prefix, sep, rest = key.partition(":")
        if not sep or not prefix or not rest:
            problems.append(_extension_problem(index, event_id, field, key, "bare"))
            return False
        if (
            namespaces is not None
            and prefix not in namespaces
            and prefix not in STANDARD_PREFIXES
            and prefix not in _URI_SCHEMES
        ):
            problems.append(_extension_problem(index, event_id, field, key, "undeclared"))
            return False
        return True

    def extension_value(value: Any, field: str) -> None:
        if isinstance(value, dict):
            for key, member in value.items():
                sub = _join(field, key)
                if key_ok(key, sub):
                    extension_value(member, sub)
        elif isinstance(value, list):
            for i, member in enumerate(value):
                extension_value(member, f"{field}[{i}]")

    def standard_object(value: Any, field: str, known: frozenset[str]) -> None:
        if isinstance(value, dict):
            for key, member in value.items():
                if key not in known and key_ok(key, _join(field, key)):
                    extension_value(member, _join(field, key))

    for key, value in event.items():
        if key in STANDARD_EVENT_KEYS:
            continue
        if key_ok(key, key):
            extension_value(value, key)
    ilmd = event.get("ilmd")
    if isinstance(ilmd, dict):
        extension_value(ilmd, "ilmd")
    for name in ("readPoint", "bizLocation", "errorDeclaration"):
        standard_object(event.get(name), name, _OBJECT_KEYS[name])
    for list_name in (
        "quantityList",
        "childQuantityList",
        "inputQuantityList",
        "outputQuantityList",
    ):
        members = event.get(list_name)
        if isinstance(members, list):
            for i, member in enumerate(members):
                standard_object(member, f"{list_name}[{i}]", _OBJECT_KEYS["quantityElement"])
    sensors = event.get("sensorElementList")
    if isinstance(sensors, list):
        for i, element in enumerate(sensors):
            field = f"sensorElementList[{i}]"
            standard_object(element, field, _OBJECT_KEYS["sensorElement"])
            if isinstance(element, dict):
                standard_object(
                    element.get("sensorMetadata"),
                    field + ".sensorMetadata",
                    _OBJECT_KEYS["sensorMetadata"],
                )
                reports = element.get("sensorReport")
                if isinstance(reports, list):
                    for j, report in enumerate(reports):
                        standard_object(
                            report, f"{field}.sensorReport[{j}]", _OBJECT_KEYS["sensorReport"]
                        )
    return problems


def validate_event(event: dict, *, index: int | None = None, context: Any = None) -> list[Problem]:
    """Check one EPCIS 2.0 event (JSON form). Returns the problems; an empty list means valid.

    ``context`` is the document's namespace prefixes (``{prefix: uri}``, e.g.
    ``EventStream.header.namespaces``) or its JSON-LD ``@context``; when given (or when the event
    has its own ``@context``), extension prefixes must be declared in it. Fields are relative to
    the event (``"action"``, ``"quantityList[0].quantity"``).
    """
    if not isinstance(event, dict):
        return [
            Problem(index, "", "", "schema", _("The event is not a JSON object.")),
        ]
    event_id = event.get("eventID") if isinstance(event.get("eventID"), str) else ""
    event_type = event.get("type")
    validators = _event_validators()
    validator = validators.get(event_type) if isinstance(event_type, str) else None
    if validator is None:
        if not isinstance(event_type, str) or not event_type:
            return [
                Problem(
                    index,
                    event_id,
                    "type",
                    "schema",
                    _(
                        "The field type is required: ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent or AssociationEvent."
                    ),
                )
            ]
        event_type = "Extended-Event"
        validator = validators[event_type]
    problems = (
        []
        if _schema_valid(event_type, event)
        else [_schema_problem(e, index, event_id) for e in validator.iter_errors(event)]
    )
    problems.extend(check_cbv(event, index, event_id))

    namespaces: dict[str, str] | None = None
    if context is not None:
        if isinstance(context, dict) and all(isinstance(v, str) for v in context.values()):
            namespaces = dict(context)
        else:
            namespaces = namespaces_from_context(context)
    if "@context" in event:
        namespaces = {**(namespaces or {}), **namespaces_from_context(event["@context"])}
    problems.extend(check_extensions(event, index, event_id, namespaces))
    seen: set[tuple[str, str]] = set()
    unique = []
    for problem in problems:
        if (problem.field, problem.code) not in seen:
            seen.add((problem.field, problem.code))
            unique.append(problem)
    return unique


def validate_document_envelope(header: DocumentHeader) -> list[Problem]:
    """Document-level checks: @context (JSON), type, schemaVersion "2.0", creationDate."""
    problems: list[Problem] = []
    is_event = header.type in EVENT_TYPES
    if header.format == "json":
        if not header.has_context or not header.context:
            problems.append(
                Problem(
                    None,
                    "",
                    "@context",
                    "context_missing",
                    _(
                        "The document has no @context; EPCIS 2.0 JSON needs the EPCIS @context, e.g. https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld."
                    ),
                )
            )
        elif not any(url in EPCIS_CONTEXT_URLS for url in context_urls(header.context)):
            problems.append(
                Problem(
                    None,
                    "",
                    "@context",
                    "context_missing",
                    _(
                        "The @context does not include the EPCIS 2.0 context https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld."
                    ),
                )
            )
    if header.type not in DOCUMENT_TYPES and not is_event:
        problems.append(
            Problem(
                None,
                "",
                "type",
                "document_type",
                _(
                    "The document type %(type)s is not EPCISDocument, EPCISQueryDocument or an EPCIS event."
                )
                % {"type": json.dumps(header.type)},
            )
        )
    if is_event:
        return problems
    if header.schema_version != "2.0":
        problems.append(
            Problem(
                None,
                "",
                "schemaVersion",
                "schema_version",
                _('The field schemaVersion must be "2.0", not %(value)s.')
                % {"value": json.dumps(header.schema_version)},
            )
        )
    if header.type == "EPCISDocument" or header.creation_date is not None:
        checker = _format_checker()
        if not isinstance(header.creation_date, str) or not checker.conforms(
            header.creation_date, "date-time"
        ):
            problems.append(
                Problem(
                    None,
                    "",
                    "creationDate",
                    "creation_date",
                    _(
                        "The field creationDate must be a date and time with a time zone offset (RFC 3339), not %(value)s."
                    )
                    % {"value": json.dumps(header.creation_date)},
                )
            )
    if not header.has_event_list:
        problems.append(
            Problem(
                None,
                "",
                "epcisBody.eventList",
                "schema",
                _("The document has no event list (epcisBody.eventList)."),
            )
        )
    return problems
