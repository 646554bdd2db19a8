"""Importing a received E2B(R3) batch: one transaction per batch, each report all or nothing
(a savepoint each), and an acknowledgement for the batch and every report.

A report whose worldwide case id (C.1.8.1, else C.1.1) matches an open case becomes a
follow-up version of that case; a message already received (same message id and report id)
is acknowledged again without a new version.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.db.models import Q

from yaojian.audit import services as audit
from yaojian.core.errors import DomainError, PermissionDenied
from yaojian.vigilance.choices import AckCode, CaseSource, CaseStatus
from yaojian.vigilance.e2b.ack import build_ack
from yaojian.vigilance.e2b.parse import E2BError, parse_batch
from yaojian.vigilance.models import Case, E2BBatch


def _region(actor: Any) -> str:
    if getattr(actor, "is_regulator", False):
        return actor.bureau.region_code
    if getattr(actor, "is_enterprise_user", False):
        return actor.enterprise.region_code
    return ""


def batch_import(*, actor: Any, content: bytes, file_name: str = "") -> E2BBatch:
    """Read, store and acknowledge one batch; returns the batch (its ack_code says how it went)."""
    from yaojian.accounts.choices import EnterpriseRight
    from yaojian.vigilance import services

    allowed = (getattr(actor, "is_regulator", False) and services._is_centre(actor)) or (
        getattr(actor, "is_enterprise_user", False)
        and actor.has_enterprise_right(EnterpriseRight.REPORT)
    )
    if not allowed:
        audit.record_denied(actor, "vigilance.e2b.import", "not allowed to import E2B")
        raise PermissionDenied()
    digest = hashlib.sha256(content or b"").hexdigest()
    common = {
        "direction": "in",
        "file_name": file_name[:255],
        "sha256": digest,
        "size": len(content or b""),
        "region_code": _region(actor),
        "uploaded_by": actor,
    }
    try:
        parsed = parse_batch(content)
    except E2BError as error:
        batch = E2BBatch(**common, ack_code=AckCode.REJECTED, error=str(error.detail))
        batch.ack_xml = build_ack(
            batch_number="",
            batch_sender="",
            batch_receiver="",
            transmitted="",
            code=AckCode.REJECTED,
            detail=str(error.detail),
            reports=[],
        )
        batch.save()
        audit.record(
            actor=actor,
            action="vigilance.e2b.import",
            obj=batch,
            outcome="failed",
            detail=str(error.detail)[:500],
        )
        return batch
    with transaction.atomic():
        batch = E2BBatch.objects.create(
            **common,
            batch_number=parsed.batch_number[:100],
            sender_id=parsed.sender_id[:100],
            receiver_id=parsed.receiver_id[:100],
            transmitted=parsed.transmitted[:24],
        )
        results = []
        for report in parsed.reports:
            result = {
                "index": report.index,
                "message_id": report.message_id,
                "safety_report_id": report.safety_report_id,
                "created": report.created,
                "accepted": False,
                "case": None,
                "case_number": "",
                "detail": "",
            }
            if not report.ok:
                result["detail"] = "; ".join(report.errors)
                results.append(result)
                continue
            try:
                with transaction.atomic():
                    case, note = _store(actor, report.data, batch)
                result.update(accepted=True, case=case.pk, case_number=case.case_number)
                result["detail"] = "; ".join([note, *report.warnings])
            except DomainError as error:
                problems = [f"{field}: {m}" for field, ms in error.errors.items() for m in ms]
                result["detail"] = "; ".join(problems) or str(error.detail)
            results.append(result)
        accepted = sum(r["accepted"] for r in results)
        if accepted == len(results):
            code, detail = AckCode.ACCEPTED, "message successfully processed, no further action"
        elif accepted:
            code, detail = (
                AckCode.ERROR,
                f"{len(results) - accepted} of {len(results)} reports rejected",
            )
        else:
            code, detail = AckCode.REJECTED, "no report of the batch could be loaded"
        batch.results, batch.ack_code = results, code
        batch.ack_xml = build_ack(
            batch_number=parsed.batch_number,
            batch_sender=parsed.sender_id,
            batch_receiver=parsed.receiver_id,
            transmitted=parsed.transmitted,
            code=code,
            detail=detail,
            reports=[
                {
                    **r,
                    "detail": r["detail"]
                    or ("Report Loaded Successfully" if r["accepted"] else ""),
                    "local_number": r["case_number"],
                }
                for r in results
            ],
            local_number=str(batch.pk),
        )
        batch.save()
        audit.record(
            actor=actor,
            action="vigilance.e2b.import",
            obj=batch,
            changes={
                "batch": parsed.batch_number,
                "ack": code,
                "accepted": accepted,
                "reports": len(results),
            },
        )
    return batch


def _store(actor: Any, data: dict[str, Any], batch: E2BBatch) -> tuple[Case, str]:
    from yaojian.vigilance import services

    key = data.get("worldwide_id") or data["safety_report_id"]
    existing = (
        Case.objects.filter(status__in=(CaseStatus.RECEIVED, CaseStatus.ASSESSED))
        .filter(
            Q(worldwide_id=key) | Q(safety_report_id=key) | Q(worldwide_id=data["safety_report_id"])
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        from yaojian.vigilance import data as casedata

        repeat = casedata.same_content(
            casedata.from_version(existing.current_version), casedata.clean(data)
        )
        if repeat:
            return existing, "already received, no new version"
        services._follow_up(
            actor=actor,
            case=Case.objects.select_for_update().get(pk=existing.pk),
            data=data,
            batch=batch,
        )
        return existing, f"follow-up of {existing.case_number}"
    case = services._case_submit(
        actor=actor,
        data=data,
        region_code=batch.region_code or None,
        received=None,
        batch=batch,
        source=CaseSource.E2B,
    )
    return case, f"new case {case.case_number}"
