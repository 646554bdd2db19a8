"""Readable names for CBV business steps and dispositions, and for anomaly evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from yaojian.core.texts import join_items

BIZ_STEPS = {
    "commissioning": _("Commissioned (code activated)"),
    "packing": _("Packed"),
    "unpacking": _("Unpacked"),
    "shipping": _("Shipped"),
    "receiving": _("Received"),
    "departing": _("Departed"),
    "arriving": _("Arrived"),
    "accepting": _("Accepted"),
    "retail_selling": _("Sold at retail"),
    "dispensing": _("Dispensed"),
    "destroying": _("Destroyed"),
    "decommissioning": _("Decommissioned"),
    "holding": _("Held"),
    "inspecting": _("Inspected"),
    "storing": _("Stored"),
    "stocking": _("Stocked"),
    "transporting": _("In transport"),
    "loading": _("Loaded"),
    "unloading": _("Unloaded"),
    "sampling": _("Sampled"),
}
DISPOSITIONS = {
    "active": _("active"),
    "in_progress": _("in progress"),
    "in_transit": _("in transit"),
    "retail_sold": _("sold"),
    "dispensed": _("dispensed"),
    "returned": _("returned"),
    "recalled": _("recalled"),
    "destroyed": _("destroyed"),
    "expired": _("expired"),
    "inactive": _("inactive"),
    "damaged": _("damaged"),
    "sellable_accessible": _("sellable"),
    "sellable_not_accessible": _("sellable, not accessible"),
    "non_sellable_other": _("not sellable"),
}
EVIDENCE = {
    "first_commissioned_at": _("first commissioned"),
    "first_holder": _("first holder"),
    "first_dispensed_at": _("first dispensed"),
    "first_region": _("first sold in"),
    "second_region": _("sold again in"),
    "earlier_region": _("seen earlier in"),
    "earlier_time": _("seen earlier at"),
    "region": _("now in"),
    "regions": _("checked in"),
    "status": _("status then"),
    "step": _("reported step"),
    "children": _("children packed"),
    "expected": _("expected"),
    "expiry_date": _("expiry date"),
    "identifier": _("identifier"),
    "product_key": _("product identifier"),
    "last_event_time": _("latest event"),
    "shipper": _("shipper"),
    "consignee": _("consignee"),
    "licences": _("valid licences"),
}
CN_PREFIX = "urn:yaojian:cn:"


def step_label(step: str) -> str:
    return str(BIZ_STEPS.get(step, step))


def disposition_label(value: str) -> str:
    return str(DISPOSITIONS.get(value, value))


def code_display(code: str) -> str:
    """A Chinese code as printed on the pack (its 20 digits); other codes as stored."""
    return code[len(CN_PREFIX) :] if code.startswith(CN_PREFIX) else code


def _value(key: str, value: Any) -> str:
    from yaojian.core import regions

    if isinstance(value, list):
        return join_items(_value(key, v) for v in value)
    if isinstance(value, str) and "region" in key and value.isdigit():
        return regions.full_name(value) or value
    if isinstance(value, str) and ("_at" in key or "time" in key):
        moment = parse_datetime(value)
        if moment is not None:
            from django.utils import timezone

            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if key == "status":
        from yaojian.trace.choices import CodeStatus

        return str(dict(CodeStatus.choices).get(value, value))
    if key == "step":
        return step_label(str(value))
    return str(value)


def evidence_lines(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(EVIDENCE.get(k, k)), _value(k, v)) for k, v in (evidence or {}).items()]
