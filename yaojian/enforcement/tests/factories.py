"""Test helpers of the penalty cases: officers, a filed case, a case at any stage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from yaojian.accounts.choices import Role
from yaojian.enforcement import services
from yaojian.enforcement.models import Case
from yaojian.testing import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def officer(code: str = "360102", *roles, **fields):
    return factories.regulator(code, roles=[Role.CASE_OFFICER, *roles], **fields)


def head(code: str = "360102", *roles):
    return factories.regulator(code, roles=[Role.APPROVER, *roles])


def source(actor, enterprise, **kwargs):
    return services.case_register_source(
        actor=actor,
        enterprise=enterprise,
        source_kind=kwargs.pop("source_kind", "inspection"),
        source_ref=kwargs.pop("source_ref", "INS-1"),
        summary=kwargs.pop("summary", "日常检查发现未按规定储存药品"),
        **kwargs,
    )


def proposed(officers, enterprise, **kwargs) -> Case:
    first, second = officers[0], officers[1]
    clue = source(first, enterprise)
    return services.case_propose(
        actor=first,
        source_id=clue.pk,
        title=kwargs.pop("title", "涉嫌未遵守药品经营质量管理规范案"),
        facts=kwargs.pop("facts", "现场检查发现阴凉库温度超标。"),
        officer_ids=[first.pk, second.pk],
        provision=kwargs.pop("provision", "dal-126"),
        **kwargs,
    )


def filed(officers, approver, enterprise, **kwargs) -> Case:
    case = proposed(officers, enterprise, **kwargs)
    return services.case_approve_filing(actor=approver, case_id=case.pk)


def with_evidence(case: Case, officer_user) -> Case:
    services.evidence_add(
        actor=officer_user,
        case_id=case.pk,
        kind="on_site",
        title="现场检查笔录",
        name="笔录.pdf",
        data=PDF,
    )
    return case


PENALTY = {
    "provision": "dal-126",
    "discretion": "lighter",
    "fine": Decimal("150000"),
    "warning": True,
}


def notified(case: Case, officer_user, served_on: dt.date | None = None, **penalty) -> Case:
    with_evidence(case, officer_user)
    return services.case_notify(
        actor=officer_user, case_id=case.pk, served_on=served_on, **{**PENALTY, **penalty}
    )
