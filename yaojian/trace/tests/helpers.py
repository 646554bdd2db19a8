"""Shared builders for the state, verification and recall tests: a small supply chain.

Donghu (Nanchang) manufactures and commissions, Xihu (Nanchang) wholesales, Lianxi (Jiujiang)
sells; each holds a valid licence, a master user and a registered site.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from yaojian.testing import factories
from yaojian.trace.models import CaptureJob
from yaojian.trace.services import capture, register

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
PRODUCT = "8123456"
CASE_PRODUCT = "8123457"
SSCC = "urn:epc:id:sscc:0614141.1234567890"
GTIN = "10614141073464"
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
# far enough ahead that the packs are not expired whenever the tests run
EXPIRY = dt.date.today() + dt.timedelta(days=800)
LOT = {"cbvmda:lotNumber": "B2601", "cbvmda:itemExpirationDate": EXPIRY.isoformat()}
SITES = {
    "donghu": "urn:epc:id:sgln:0614141.00001.0",
    "xihu": "urn:epc:id:sgln:0614141.00002.0",
    "lianxi": "urn:epc:id:sgln:0614141.00003.0",
}


def cn(serial: int, product: str = PRODUCT) -> str:
    """A Chinese 20-digit code in its canonical form."""
    return f"urn:yaojian:cn:{product}{serial:09d}0000"


def sgtin(serial: int) -> str:
    return f"urn:epc:id:sgtin:0614141.107346.{serial}"


def at(minutes: float = 0, *, days: float = 0) -> str:
    return (T0 + dt.timedelta(days=days, minutes=minutes)).isoformat()


def event(
    step: str,
    epcs: list[str],
    *,
    when: str,
    action: str = "OBSERVE",
    disposition: str | None = None,
    read_point: str | None = None,
    to: str | None = None,
    ilmd: dict | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventTime": when,
        "eventTimeZoneOffset": "+08:00",
        "epcList": epcs,
        "action": action,
        "bizStep": step,
    }
    if disposition:
        body["disposition"] = disposition
    if read_point:
        body["readPoint"] = {"id": read_point}
    if to:
        body["destinationList"] = [{"type": "owning_party", "destination": to}]
    if ilmd:
        body["ilmd"] = ilmd
    return body


def aggregation(
    parent: str, children: list[str], *, when: str, action: str = "ADD", step: str = "packing"
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "AggregationEvent",
        "eventTime": when,
        "eventTimeZoneOffset": "+08:00",
        "parentID": parent,
        "action": action,
        "bizStep": step,
    }
    if children:
        body["childEPCs"] = children
    return body


@dataclass
class Party:
    enterprise: Any
    user: Any
    site: str

    @property
    def region(self) -> str:
        return self.enterprise.region_code

    def send(self, body: dict[str, Any]) -> CaptureJob:
        return capture.capture_event(actor=self.user, event={"@context": CONTEXT, **body})

    def commission(self, codes: list[str], *, when: str, ilmd: dict | None = None) -> CaptureJob:
        return self.send(
            event(
                "commissioning",
                codes,
                when=when,
                action="ADD",
                disposition="active",
                read_point=self.site,
                ilmd=LOT if ilmd is None else ilmd,
            )
        )

    def ship(self, codes: list[str], to: Party | None, *, when: str) -> CaptureJob:
        return self.send(
            event(
                "shipping",
                codes,
                when=when,
                disposition="in_transit",
                read_point=self.site,
                to=to.site if to else None,
            )
        )

    def receive(self, codes: list[str], *, when: str) -> CaptureJob:
        return self.send(
            event("receiving", codes, when=when, disposition="in_progress", read_point=self.site)
        )

    def sell(self, codes: list[str], *, when: str) -> CaptureJob:
        return self.send(
            event(
                "retail_selling",
                codes,
                when=when,
                disposition="retail_sold",
                read_point=self.site,
            )
        )


# A maker, a wholesaler and a pharmacy: the licences a real chain holds.
LICENCE_OF = {"donghu": "drug_manufacturing", "xihu": "drug_wholesale", "lianxi": "drug_retail"}


def chain(enterprises, *, licensed: tuple[str, ...] = ("donghu", "xihu", "lianxi")) -> dict:
    """The three parties, Donghu's product filed under PRODUCT (packs) and CASE_PRODUCT (cases
    of two), and the GTIN under Donghu too."""
    parties = {}
    for key, enterprise in enterprises.items():
        if key in licensed:
            factories.LicenceFactory(holder=enterprise, kind=LICENCE_OF[key])
        user = factories.enterprise_user(enterprise, master=True)
        register.site_register(actor=user, identifier=SITES[key], name=f"{key} warehouse")
        parties[key] = Party(enterprise, user, SITES[key])
    maker = parties["donghu"]
    product = factories.ProductFactory(holder=maker.enterprise)
    register.code_rule_file(actor=maker.user, product_id=product.pk, code=PRODUCT)
    register.code_rule_file(
        actor=maker.user,
        product_id=product.pk,
        code=CASE_PRODUCT,
        package_level=2,
        units_per_package=2,
    )
    register.code_rule_file(actor=maker.user, product_id=product.pk, code=GTIN)
    parties["product"] = product
    return parties


def is_refused(job: CaptureJob, code: str) -> bool:
    return job.status == "failed" and any(p["code"] == code for p in job.problems)
