"""Uploads of code hierarchies and shipping/receiving documents as CSV or Excel files.

Chinese enterprises keep their traceability data in the spreadsheets their warehouse or
invoicing software exports: a table of parent and child codes (赋码关联关系) and a table of
shipping and receiving documents (出入库单据). An upload is turned into one EPCIS 2.0 JSON-LD
document and captured like any other (`capture_submit`), so that the same validation,
idempotency and code states apply.

`map_rows` is pure (rows in, EPCIS events out): the file reading and the database look-ups
(which site or party a counterpart names) are around it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.audit import services as audit
from yaojian.core import tables as reading
from yaojian.core.errors import ValidationFailed
from yaojian.core.validators import normalise_uscc, uscc_is_valid
from yaojian.trace import codes as code_parser
from yaojian.trace.models import CaptureJob, Site
from yaojian.trace.services.capture import capture_submit, require_trace_right

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
HIERARCHY, DOCUMENTS = "hierarchy", "documents"
KINDS = {
    HIERARCHY: gettext_lazy("Code hierarchy (parent and child codes)"),
    DOCUMENTS: gettext_lazy("Shipping and receiving documents"),
}
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_ERRORS = 50
CHINA = dt.timezone(dt.timedelta(hours=8))
SHIPPING, RECEIVING = "shipping", "receiving"
DOCUMENT_TYPES = {
    "发货": SHIPPING,
    "发货单": SHIPPING,
    "出库": SHIPPING,
    "出库单": SHIPPING,
    "销售出库": SHIPPING,
    "shipping": SHIPPING,
    "ship": SHIPPING,
    "shipment": SHIPPING,
    "收货": RECEIVING,
    "收货单": RECEIVING,
    "入库": RECEIVING,
    "入库单": RECEIVING,
    "采购入库": RECEIVING,
    "receiving": RECEIVING,
    "receive": RECEIVING,
    "receipt": RECEIVING,
}
LEVELS = {
    "1": 1,
    "2": 2,
    "3": 3,
    "小包装": 1,
    "中包装": 2,
    "大包装": 3,
    "盒": 1,
    "箱": 2,
    "托": 3,
    "托盘": 3,
    "pack": 1,
    "unit": 1,
    "case": 2,
    "pallet": 3,
}


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # as shown in messages: "父码 (parent code)"
    names: tuple[str, ...]  # accepted headers, compared without case, spaces or punctuation
    required: bool = True


COLUMNS: dict[str, tuple[Column, ...]] = {
    HIERARCHY: (
        Column("parent", "父码 (parent code)", ("父码", "parent code", "parent", "上级码", "箱码")),
        Column("child", "子码 (child code)", ("子码", "child code", "child", "下级码", "追溯码")),
        Column(
            "level",
            "包装层级 (level)",
            ("包装层级", "层级", "level", "package level", "packaging level"),
            required=False,
        ),
    ),
    DOCUMENTS: (
        Column("type", "单据类型 (type)", ("单据类型", "类型", "type", "document type")),
        Column(
            "number",
            "单据号 (document number)",
            ("单据号", "单据编号", "单号", "document number", "document no", "number"),
        ),
        Column(
            "time",
            "日期时间 (date-time)",
            ("日期时间", "时间", "日期", "date-time", "datetime", "date time", "date", "time"),
        ),
        Column(
            "counterpart",
            "对方 (counterpart)",
            ("对方", "对方单位", "往来单位", "counterpart", "counterparty", "partner"),
        ),
        Column(
            "code", "追溯码 (code)", ("追溯码", "药品追溯码", "code", "traceability code", "epc")
        ),
    ),
}

_HEADER_NOISE = re.compile(r"[\s_\-:：/()（）*]+")
_DATETIME = re.compile(
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:：时](\d{1,2})分?"
    r"(?:[:：](\d{1,2})秒?)?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RowError:
    """What is wrong on one row of the file (row numbers as a spreadsheet shows them)."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return _("Column %(column)s: %(message)s") % {
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)d, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class UploadInvalid(ValidationFailed):
    """The file cannot be captured; `problems` says where (nothing was stored)."""

    code = "upload_invalid"

    def __init__(self, problems: Sequence[RowError | str]) -> None:
        messages = [str(p) for p in problems]
        self.problems = list(problems)
        super().__init__(messages[0], errors={"file": messages})


class CounterpartError(ValueError):
    pass


# --- reading the file ---------------------------------------------------------------------------


def read_file(data: bytes) -> tuple[list[str], Iterable[tuple[int, list[Any]]]]:
    """The header and the rows (number, cells) of a CSV (UTF-8, with or without BOM, or
    GB18030/GBK) or .xlsx file; the type and the encoding are judged by the content."""
    if len(data) > MAX_BYTES:
        raise UploadInvalid(
            [_("The file is larger than %(mb)d MB: split it.") % {"mb": MAX_BYTES // 2**20}]
        )
    try:
        table = reading.open_table(data, reading.sniff(data))
    except ValidationFailed as error:
        raise UploadInvalid([str(m) for m in error.errors.get("file", [error.detail])]) from None
    return table.headers, table.rows(MAX_ROWS)


def _normal(header: str) -> str:
    return _HEADER_NOISE.sub("", (header or "").lstrip("\ufeff")).lower()


def match_columns(kind: str, headers: Sequence[str]) -> dict[str, int]:
    """Which column holds what: headers in Chinese or English, in any order."""
    wanted = COLUMNS[kind]
    found: dict[str, int] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        if not (header or "").strip():
            continue
        # "父码/parent code" or "父码（parent code）": any part may name the column
        variants = {_normal(header)} | {
            _normal(part) for part in re.split(r"[/|（(]", header) if part.strip()
        }
        column = next((c for c in wanted if variants & {_normal(name) for name in c.names}), None)
        if column is None:
            unknown.append(header)
        elif column.key in found:
            raise UploadInvalid(
                [
                    RowError(
                        1,
                        column.title,
                        _("The column is given twice (columns %(first)d and %(second)d).")
                        % {"first": found[column.key] + 1, "second": index + 1},
                    )
                ]
            )
        else:
            found[column.key] = index
    missing = [c.title for c in wanted if c.required and c.key not in found]
    if missing:
        expected = ", ".join(c.title for c in wanted)
        message = _(
            "The file lacks the column(s) %(missing)s. The first row must name the columns: "
            "%(expected)s."
        ) % {"missing": ", ".join(missing), "expected": expected}
        if unknown:
            message += " " + _("Columns not understood: %(unknown)s.") % {
                "unknown": ", ".join(unknown[:10])
            }
        raise UploadInvalid([message])
    return found


# --- rows to events (pure) ----------------------------------------------------------------------


@dataclass
class _Rows:
    """Cell access by column key, with every problem collected."""

    columns: dict[str, int]
    titles: dict[str, str]
    errors: list[RowError] = field(default_factory=list)

    def text(self, number: int, cells: Sequence[Any], key: str) -> str:
        index = self.columns.get(key)
        if index is None or index >= len(cells):
            return ""
        cell = cells[index]
        text, problem = (cell.text, cell.problem) if hasattr(cell, "problem") else (cell, "")
        text = "" if text is None else str(text).strip()
        if problem == "formula":
            self.fail(number, key, _("A formula is not a value: paste the values only."))
            return ""
        if problem == "long_number":
            self.fail(
                number,
                key,
                _(
                    "Excel stored %(text)s as a number and lost digits: format the column as "
                    "text and enter the codes again."
                )
                % {"text": text},
            )
            return ""
        return text

    def fail(self, number: int | None, key: str, message: str) -> None:
        self.errors.append(RowError(number, self.titles.get(key, key), message))
        if len(self.errors) >= MAX_ERRORS:
            raise UploadInvalid(
                [*self.errors, _("… and maybe more: correct these rows first and upload again.")]
            )

    def code(self, number: int, cells: Sequence[Any], key: str) -> str:
        text = self.text(number, cells, key)
        if not text:
            if not any(e.row == number and e.column == self.titles[key] for e in self.errors):
                self.fail(number, key, _("No code was given."))
            return ""
        try:
            parsed = code_parser.parse_code(text)
        except code_parser.CodeError as error:
            self.fail(number, key, f"{text}: {error.message}")
            return ""
        if not parsed.is_instance:
            self.fail(
                number,
                key,
                _("%(text)s names a product or a lot, not one pack, case or pallet.")
                % {"text": text},
            )
            return ""
        return parsed.canonical


def _titles(kind: str) -> dict[str, str]:
    return {c.key: c.title for c in COLUMNS[kind]}


def parse_time(text: str) -> dt.datetime | None:
    """A date and time as written in Chinese spreadsheets (2026-11-20 09:30, 2026/11/20 9:30:05,
    2026年11月20日 9时30分, ISO 8601 with an offset); China time unless an offset is given."""
    match = _DATETIME.match((text or "").strip())
    if not match or match.group(4) is None:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    if offset is None:
        zone = CHINA
    elif offset.upper() == "Z":
        zone = dt.UTC
    else:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        zone = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        return dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=zone
        )
    except ValueError:
        return None


def _offset(moment: dt.datetime) -> str:
    total = int(moment.utcoffset().total_seconds() // 60)
    sign = "-" if total < 0 else "+"
    return f"{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"


def counterpart_uri(text: str) -> str:
    """The URI an event names a counterpart by: a site's or party's identifier as the code
    parser writes it (SGLN, GLN, Digital Link), or urn:yaojian:party:<credit code>."""
    text = (text or "").strip()
    credit = normalise_uscc(text)
    if len(credit) == 18 and uscc_is_valid(credit):
        return f"urn:yaojian:party:{credit}"
    parsed = code_parser.try_parse(text)
    if parsed is not None:
        return parsed.canonical
    if re.match(r"^(urn:[a-z0-9][a-z0-9-]{0,31}:\S+|https?://\S+)$", text, re.IGNORECASE):
        return text
    raise CounterpartError(
        _(
            "%(text)s is neither a site or party identifier (SGLN, GLN, Digital Link, URN) nor a "
            "unified social credit code."
        )
        % {"text": text}
    )


def map_rows(
    kind: str,
    headers: Sequence[str],
    rows: Iterable[tuple[int, Sequence[Any]]],
    *,
    issuer: str = "",
    counterpart: Callable[[str], str] = counterpart_uri,
    now: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """EPCIS events for the rows of an upload, or `UploadInvalid` naming every bad row.

    `rows` are (row number, cells); a cell is a string or a `reading.Cell`. `issuer` is the
    uploader's credit code (document numbers are its own); `counterpart` turns what the
    file says of the other party into the URI events name it by."""
    if kind not in COLUMNS:
        raise UploadInvalid([_("Choose what the file holds.")])
    columns = match_columns(kind, headers)
    state = _Rows(columns, _titles(kind))
    if kind == HIERARCHY:
        events = _hierarchy(state, rows, now or timezone.now())
    else:
        events = _documents(state, rows, issuer, counterpart)
    if state.errors:
        raise UploadInvalid(state.errors)
    if not events:
        raise UploadInvalid([_("The file has a header but no rows.")])
    return events


def _hierarchy(state: _Rows, rows, now: dt.datetime) -> list[dict[str, Any]]:
    children_of: dict[str, list[str]] = {}
    level_of: dict[str, int] = {}
    parent_of: dict[str, tuple[str, int]] = {}
    for number, cells in rows:
        parent = state.code(number, cells, "parent")
        child = state.code(number, cells, "child")
        level_text = state.text(number, cells, "level")
        if level_text:
            level = LEVELS.get(level_text.lower().removesuffix("级"))
            if level is None:
                state.fail(
                    number,
                    "level",
                    _("%(text)s is not a package level: write 1, 2 or 3 (or 盒, 箱, 托).")
                    % {"text": level_text},
                )
            elif parent and level_of.setdefault(parent, level) != level:
                state.fail(
                    number, "level", _("This parent code was given another level on another row.")
                )
        if not (parent and child):
            continue
        if parent == child:
            state.fail(number, "child", _("A code cannot be packed in itself."))
            continue
        earlier = parent_of.get(child)
        if earlier and earlier[0] != parent:
            state.fail(
                number,
                "child",
                _("This code is already packed in %(parent)s on row %(row)d.")
                % {"parent": earlier[0], "row": earlier[1]},
            )
            continue
        parent_of[child] = (parent, number)
        siblings = children_of.setdefault(parent, [])
        if child not in siblings:
            siblings.append(child)

    # inner packages first: a case is packed before the pallet it goes on
    heights: dict[str, int] = {}

    def height(code: str, seen: frozenset = frozenset()) -> int:
        if code not in heights:
            inner = [c for c in children_of.get(code, []) if c in children_of and c not in seen]
            heights[code] = 1 + max((height(c, seen | {code}) for c in inner), default=0)
        return heights[code]

    order = sorted(children_of, key=lambda p: (height(p), level_of.get(p, 0)))
    when = timezone.localtime(now, CHINA).replace(microsecond=0)
    return [
        {
            "type": "AggregationEvent",
            "eventTime": when.isoformat(),
            "eventTimeZoneOffset": _offset(when),
            "parentID": parent,
            "childEPCs": children_of[parent],
            "action": "ADD",
            "bizStep": "packing",
        }
        for parent in order
    ]


def _documents(state: _Rows, rows, issuer: str, counterpart: Callable) -> list[dict[str, Any]]:
    documents: dict[tuple[str, str], dict[str, Any]] = {}
    for number, cells in rows:
        type_text = state.text(number, cells, "type")
        step = DOCUMENT_TYPES.get(type_text.lower())
        if step is None:
            state.fail(
                number,
                "type",
                _("%(text)s is not a document type: write 发货 (shipping) or 收货 (receiving).")
                % {"text": type_text or "—"},
            )
        document_no = state.text(number, cells, "number")
        if not document_no:
            state.fail(number, "number", _("Give the document number."))
        elif len(document_no) > 60:
            state.fail(number, "number", _("A document number has at most 60 characters."))
        time_text = state.text(number, cells, "time")
        moment = parse_time(time_text)
        if moment is None:
            state.fail(
                number,
                "time",
                _(
                    "%(text)s is not a date and time: write it like 2026-11-20 09:30 "
                    "(China time) or 2026-11-20T09:30:00+08:00."
                )
                % {"text": time_text or "—"},
            )
        party_text = state.text(number, cells, "counterpart")
        party = ""
        if not party_text:
            state.fail(number, "counterpart", _("Give the counterpart's site or credit code."))
        else:
            try:
                party = counterpart(party_text)
            except CounterpartError as error:
                state.fail(number, "counterpart", str(error))
        code = state.code(number, cells, "code")
        if not (step and document_no and moment and party and code):
            continue
        key = (step, document_no)
        document = documents.get(key)
        if document is None:
            documents[key] = {
                "row": number,
                "time": moment,
                "party": party,
                "codes": [code],
            }
            continue
        if document["time"] != moment or document["party"] != party:
            state.fail(
                number,
                "number",
                _(
                    "Document %(number)s has another date-time or counterpart on row %(row)d: "
                    "one document is one shipment or receipt."
                )
                % {"number": document_no, "row": document["row"]},
            )
        elif code not in document["codes"]:
            document["codes"].append(code)
    events = []
    for (step, document_no), document in documents.items():
        moment = document["time"]
        shipping = step == SHIPPING
        transaction_uri = f"urn:yaojian:bt:{quote(issuer or 'unknown', safe='')}:" + quote(
            document_no, safe="-._~"
        )
        event: dict[str, Any] = {
            "type": "ObjectEvent",
            "eventTime": moment.isoformat(),
            "eventTimeZoneOffset": _offset(moment),
            "epcList": document["codes"],
            "action": "OBSERVE",
            "bizStep": step,
            "disposition": "in_transit" if shipping else "active",
            "bizTransactionList": [
                {"type": "desadv" if shipping else "recadv", "bizTransaction": transaction_uri}
            ],
        }
        if shipping:
            event["destinationList"] = [{"type": "owning_party", "destination": document["party"]}]
        else:
            event["sourceList"] = [{"type": "owning_party", "source": document["party"]}]
        events.append(event)
    events.sort(key=lambda e: e["eventTime"])
    return events


def epcis_document(events: list[dict[str, Any]], *, now: dt.datetime | None = None) -> bytes:
    """One EPCIS 2.0 JSON-LD document holding the events."""
    created = (now or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    document = {
        "@context": [EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": created.isoformat().replace("+00:00", "Z"),
        "epcisBody": {"eventList": events},
    }
    return json.dumps(document, ensure_ascii=False).encode()


# --- the service ---------------------------------------------------------------------------------


def site_identifier(text: str) -> str:
    """How a site or party registered from a form is named in events: a credit code becomes
    urn:yaojian:party:<credit code> (events name parties by URIs)."""
    credit = normalise_uscc(text)
    if len(credit) == 18 and uscc_is_valid(credit):
        return f"urn:yaojian:party:{credit}"
    return (text or "").strip()


def registered_counterpart(text: str) -> str:
    """`counterpart_uri`, preferring an identifier the counterpart registered: a credit code
    becomes the identifier of the enterprise's registered party (or site)."""
    uri = counterpart_uri(text)
    if not uri.startswith("urn:yaojian:party:") or Site.objects.filter(identifier=uri).exists():
        return uri
    credit = uri.removeprefix("urn:yaojian:party:")
    sites = [
        site
        for site in Site.objects.filter(enterprise__uscc=credit).order_by("kind", "identifier")
        if ":" in site.identifier
    ]
    # parties before sites ("party" < "site"): the consignee is the enterprise, not a dock
    return sites[0].identifier if sites else uri


def upload_submit(*, actor: Any, kind: str, data: bytes, filename: str = "") -> CaptureJob:
    """Read an upload, map it to events and capture them as one EPCIS document.

    Nothing is stored when any row is wrong (`UploadInvalid` names them); the capture then
    runs like any other and may still refuse events (the job lists why)."""
    enterprise = require_trace_right(actor)
    headers, rows = read_file(data)
    events = map_rows(
        kind, headers, rows, issuer=enterprise.uscc, counterpart=registered_counterpart
    )
    document = epcis_document(events)
    with transaction.atomic():
        job = capture_submit(
            actor=actor,
            stream=io.BytesIO(document),
            content_type="application/ld+json",
            channel="upload",
        )
        audit.record(
            actor=actor,
            action="trace.upload",
            obj=job,
            detail=f"{kind}: {filename[:100]} ({len(events)} events)",
        )
    return job


def event_labels(job: CaptureJob) -> dict[int, str]:
    """For an upload's result page: what each event index stands for in the file (the
    document number, or the parent code)."""
    if job.channel != "upload" or not job.path or job.size > MAX_BYTES * 4:
        return {}
    try:
        with open(job.path, "rb") as stream:
            events = json.load(stream)["epcisBody"]["eventList"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    labels = {}
    for index, event in enumerate(events):
        if event.get("parentID"):
            labels[index] = str(event["parentID"])
        for entry in event.get("bizTransactionList") or []:
            number = str(entry.get("bizTransaction", "")).rsplit(":", 1)[-1]
            labels[index] = f"{event.get('bizStep', '')} {unquote(number)}"
    return labels
