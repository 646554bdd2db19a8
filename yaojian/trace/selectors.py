"""Every read of the traceability app, scoped by the user.

An enterprise (account or token) reads the events it sent and the codes it holds; a regulator
reads what was reported inside the jurisdiction of their bureau.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core import signing
from django.db.models import Count, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from yaojian.core import scoping
from yaojian.core.errors import ValidationFailed
from yaojian.trace.choices import CodeStatus
from yaojian.trace.models import (
    Anomaly,
    Batch,
    CaptureJob,
    CodeState,
    Event,
    EventCode,
    Recall,
)
from yaojian.trace.services.apply import END_STATUSES, canonical

MAX_PER_PAGE = 1000
PAGE_SALT = "yaojian.trace.events.page"

# SimpleEventQuery parameters that compare a stored column.
EQUALS = {
    "EQ_action": "action",
    "EQ_bizStep": "biz_step",
    "EQ_disposition": "disposition",
    "EQ_readPoint": "read_point",
    "EQ_bizLocation": "biz_location",
    "EQ_eventID": "event_id",
}
TIMES = {
    "GE_eventTime": "event_time__gte",
    "LT_eventTime": "event_time__lt",
    "GE_recordTime": "record_time__gte",
    "LT_recordTime": "record_time__lt",
}
MATCHES = {
    "MATCH_epc": ["epc", "child"],
    "MATCH_parentID": ["parent"],
    "MATCH_inputEPC": ["input"],
    "MATCH_outputEPC": ["output"],
    "MATCH_epcClass": ["class"],
    "MATCH_anyEPC": ["epc", "child", "parent", "input", "output"],
}
ORDER_FIELDS = {"eventTime": "event_time", "recordTime": "record_time"}
EVENT_TYPES = {
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
}


def events_visible(user: Any) -> QuerySet[Event]:
    return scoping.restrict(Event.objects.all(), user)


def _values(raw: str) -> list[str]:
    # EPCIS query parameters take several values separated by "|"
    return [part for part in (raw or "").split("|") if part]


def event_query(user: Any, params: dict[str, str]) -> tuple[list[Event], str | None]:
    """SimpleEventQuery over the events the user may read: (page of events, next page token)."""
    from yaojian.trace.epcis import normalise_cbv

    queryset = events_visible(user)
    unknown = [
        key
        for key in params
        if key not in EQUALS
        and key not in TIMES
        and key not in MATCHES
        and key not in {"eventType", "orderBy", "orderDirection", "perPage", "nextPageToken"}
        and not key.startswith(("EQ_", "GE_", "LT_", "GT_", "LE_", "MATCH_", "EXISTS_"))
    ]
    if unknown:
        raise ValidationFailed.field(
            unknown[0],
            _("This is not a parameter of the SimpleEventQuery."),
            code="query_parameter",
        )
    if params.get("eventType"):
        kinds = _values(params["eventType"])
        wrong = [k for k in kinds if k not in EVENT_TYPES]
        if wrong:
            raise ValidationFailed.field(
                "eventType", _("%(value)s is not an EPCIS event type.") % {"value": wrong[0]}
            )
        queryset = queryset.filter(type__in=kinds)
    for name, column in EQUALS.items():
        if params.get(name):
            values = _values(params[name])
            if column in ("biz_step", "disposition"):
                values = [normalise_cbv(v, "bizStep") for v in values]
            queryset = queryset.filter(**{f"{column}__in": values})
    for name, lookup in TIMES.items():
        if params.get(name):
            moment = parse_datetime(params[name])
            if moment is None:
                raise ValidationFailed.field(
                    name, _("Give a date and time such as 2026-11-23T08:00:00+08:00.")
                )
            queryset = queryset.filter(**{lookup: moment})
    for name, roles in MATCHES.items():
        if params.get(name):
            wanted = [canonical(v) for v in _values(params[name])]
            queryset = queryset.filter(
                pk__in=EventCode.objects.filter(code__in=wanted, role__in=roles).values("event_id")
            )
    order = ORDER_FIELDS.get(params.get("orderBy") or "", "id")
    if params.get("orderBy") and params["orderBy"] not in ORDER_FIELDS:
        raise ValidationFailed.field("orderBy", _("Order by eventTime or recordTime."))
    descending = (params.get("orderDirection") or "ASC").upper() == "DESC"
    per_page = _per_page(params.get("perPage"))
    offset = 0
    if params.get("nextPageToken"):
        try:
            offset = int(signing.loads(params["nextPageToken"], salt=PAGE_SALT)["offset"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise ValidationFailed.field(
                "nextPageToken",
                _("This page token is not valid; start the query again."),
                code="page_token",
            ) from None
    prefix = "-" if descending else ""
    rows = list(
        queryset.order_by(f"{prefix}{order}", f"{prefix}id")[offset : offset + per_page + 1]
    )
    token = None
    if len(rows) > per_page:
        rows = rows[:per_page]
        token = signing.dumps({"offset": offset + per_page}, salt=PAGE_SALT)
    return rows, token


def _per_page(raw: str | None) -> int:
    if not raw:
        return 30
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_PER_PAGE:
        raise ValidationFailed.field(
            "perPage",
            _("perPage must be a whole number from 1 to %(max)d.") % {"max": MAX_PER_PAGE},
        )
    return value


def events_of_code(user: Any, code: str) -> list[Event]:
    """Every visible event that names one code (in any role), oldest first."""
    key = canonical(code)
    return list(
        events_visible(user)
        .filter(pk__in=EventCode.objects.filter(code=key).values("event_id"))
        .order_by("event_time", "id")
    )


def document_namespaces(events: list[Event]) -> dict[int, dict[str, str]]:
    """The namespace prefixes of the documents the events came in: ``{event pk: {prefix: uri}}``.

    Stored bodies keep the user extension names (``example:myField``) but not the ``@context`` of
    their document, which the XML answer needs to write them as namespaced elements. Capture
    keeps each document's prefixes with its job; only events whose prefixes are not declared in
    the body itself or by the EPCIS context are looked up.
    """
    from yaojian.trace.epcis.xmlout import undeclared_prefixes

    wanted = {e.pk: e.job_id for e in events if e.job_id and undeclared_prefixes(e.body)}
    if not wanted:
        return {}
    by_job = dict(
        CaptureJob.objects.filter(pk__in=set(wanted.values())).values_list("pk", "namespaces")
    )
    return {pk: by_job.get(job_id) or {} for pk, job_id in wanted.items()}


def capture_job_get(user: Any, job_id: Any) -> CaptureJob:
    return scoping.get_visible(CaptureJob.objects.all(), user, pk=job_id)


def code_state_get(user: Any, code: str) -> CodeState:
    return scoping.get_visible(
        CodeState.objects.select_related("holder", "batch"), user, code=canonical(code)
    )


def code_path(user: Any, code: str) -> dict[str, Any]:
    """A pack's whole path: every event naming it or the cases it travelled in."""
    state = CodeState.objects.filter(code=canonical(code)).select_related("holder", "batch").first()
    codes = [canonical(code)]
    parent = state.parent if state else ""
    while parent and len(codes) < 5:
        codes.append(parent)
        parent = (
            CodeState.objects.filter(code=parent).values_list("parent", flat=True).first() or ""
        )
    events = list(
        events_visible(user)
        .filter(pk__in=EventCode.objects.filter(code__in=codes).values("event_id"))
        .select_related("sender")
        .order_by("event_time", "id")
    )
    return {"state": state, "events": events, "containers": codes[1:]}


def batch_holders(user: Any, batch: Batch) -> list[dict[str, Any]]:
    """Every current holder of a batch with the packs it holds (the recall scope)."""
    rows = (
        scoping.restrict(CodeState.objects.all(), user)
        .filter(batch=batch)
        .exclude(status__in=list(END_STATUSES))
        .values("holder_id", "holder__name", "holder__region_code", "status")
        .annotate(packs=Count("id"))
        .order_by("holder__region_code", "holder_id")
    )
    holders: dict[Any, dict[str, Any]] = {}
    for row in rows:
        entry = holders.setdefault(
            row["holder_id"],
            {
                "enterprise_id": row["holder_id"],
                "name": row["holder__name"],
                "region_code": row["holder__region_code"],
                "packs": 0,
                "by_status": {},
            },
        )
        entry["packs"] += row["packs"]
        entry["by_status"][row["status"]] = row["packs"]
    return list(holders.values())


def batches_visible(user: Any) -> QuerySet[Batch]:
    return scoping.restrict(Batch.objects.select_related("product", "holder"), user)


def batch_get(user: Any, batch_id: int) -> Batch:
    return scoping.get_visible(batches_visible(user), user, pk=batch_id)


def flows(user: Any, enterprise_id: int, *, since=None, until=None) -> dict[str, Any]:
    """An enterprise's inbound and outbound flows of packs by product and counterpart, from
    the shipping and receiving events it reported in the period."""
    from yaojian.trace.models import CodeRule, Site

    visible = events_visible(user).filter(sender_id=enterprise_id)
    if since:
        visible = visible.filter(event_time__gte=since)
    if until:
        visible = visible.filter(event_time__lt=until)
    outbound: dict[tuple[str, str], int] = defaultdict(int)
    inbound: dict[tuple[str, str], int] = defaultdict(int)
    events = visible.filter(biz_step__in=["shipping", "receiving"]).only("biz_step", "body")
    for event in events.iterator(chunk_size=2000):
        body = event.body
        epcs = body.get("epcList") or []
        count = len(epcs) + sum(
            int(q.get("quantity") or 0)
            for q in body.get("quantityList") or []
            if isinstance(q, dict)
        )
        if event.biz_step == "shipping":
            parties = [d.get("destination", "") for d in body.get("destinationList") or []]
            outbound[(_product_of(epcs), parties[0] if parties else "")] += count
        else:
            parties = [d.get("source", "") for d in body.get("sourceList") or []]
            inbound[(_product_of(epcs), parties[0] if parties else "")] += count
    keys = {k for k, _c in [*outbound, *inbound] if k}
    products = dict(
        CodeRule.objects.filter(product_key__in=keys).values_list("product_key", "product__name")
    )
    identifiers = {c for _k, c in [*outbound, *inbound] if c}
    sites = {
        site.identifier: site.enterprise.name
        for site in Site.objects.filter(identifier__in=identifiers).select_related("enterprise")
    }

    def rows(table: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
        return sorted(
            (
                {
                    "product": products.get(key) or key or _("Unidentified product"),
                    "counterpart": sites.get(party) or party or _("Not named"),
                    "packs": packs,
                }
                for (key, party), packs in table.items()
            ),
            key=lambda row: -row["packs"],
        )

    return {"outbound": rows(outbound), "inbound": rows(inbound)}


def _product_of(epcs: list[str]) -> str:
    from yaojian.trace import codes

    for epc in epcs:
        parsed = codes.try_parse(epc)
        if parsed and parsed.product_key:
            return parsed.product_key
    return ""


def anomalies_visible(user: Any) -> QuerySet[Anomaly]:
    return scoping.restrict(Anomaly.objects.select_related("enterprise"), user)


def recalls_visible(user: Any) -> QuerySet[Recall]:
    return scoping.restrict(Recall.objects.select_related("product", "bureau"), user).distinct()


def open_statuses() -> list[str]:
    return [s for s in CodeStatus.values if s not in END_STATUSES]


def capture_jobs(user: Any) -> QuerySet[CaptureJob]:
    return scoping.restrict(CaptureJob.objects.all(), user).order_by("-created_at")


def batches_of_product(user: Any, product_id: int, *, limit: int = 100) -> list[dict[str, Any]]:
    """The product file's "batches seen": each batch with its holder, dates, the chain of a
    decoction piece (origin, harvest, processing, report) and its packs by current status."""
    batches = list(
        batches_visible(user).filter(product_id=product_id).order_by("-created_at", "-pk")[:limit]
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        CodeState.objects.filter(batch__in=batches)
        .values_list("batch_id", "status")
        .annotate(n=Count("id"))
    )
    for batch_id, status, n in rows:
        counts[batch_id][status] = n
    labels = dict(CodeStatus.choices)
    return [
        {
            "id": batch.pk,
            "number": batch.batch_no,
            "holder": batch.holder.name,
            "production_date": batch.production_date,
            "expiry_date": batch.expiry_date,
            "packs": sum(counts[batch.pk].values()),
            "by_status": [[str(labels.get(s, s)), n] for s, n in sorted(counts[batch.pk].items())],
            "is_tcm": bool(batch.herb_origin or batch.harvest_date or batch.processing),
            "herb_origin": batch.herb_origin,
            "harvest_date": batch.harvest_date,
            "processing": batch.processing,
            "inspection_report": batch.inspection_report,
        }
        for batch in batches
    ]
