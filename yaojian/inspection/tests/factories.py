"""Test data of the inspections: inspectors, scheduled inspections, a filled checklist, photos."""

from __future__ import annotations

import datetime as dt
import io
import itertools

from django.utils import timezone

from yaojian.accounts.choices import Role
from yaojian.inspection import services, standard
from yaojian.testing import factories

_keys = itertools.count(1)


def png_bytes(width: int = 8, height: int = 6, color=(200, 30, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(width: int = 16, height: int = 12) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def checklists() -> None:
    standard.install_now()


def inspector(code: str = "360102", **fields):
    return factories.regulator(code, roles=[Role.INSPECTOR], **fields)


def key() -> str:
    return f"test-key-{next(_keys):06d}"


def schedule(actor, enterprise, team, *, kind: str = "", due_in: int = 10, origin="random_draw"):
    return services.inspection_schedule(
        actor=actor,
        enterprise=enterprise,
        team=team,
        lead=team[0],
        kind=kind,
        origin=origin,
        origin_ref="DRAW-TEST",
        due_date=timezone.localdate() + dt.timedelta(days=due_in),
    )


def answers(inspection, *, failing: dict[str, str] | None = None) -> tuple[dict, list]:
    """Results for every item (compliant, or not compliant for the codes in `failing`, which
    maps code → grade) and the findings that go with them."""
    failing = failing or {}
    results, findings = {}, []
    for item in inspection.checklist.items.filter(active=True):
        if item.code in failing:
            results[item.code] = {"result": "non_compliant", "note": ""}
            findings.append(
                {
                    "item": item.code,
                    "grade": failing[item.code],
                    "rule": item.rule,
                    "note": f"{item.code} 现场发现问题：温湿度记录缺失三天",
                }
            )
        else:
            results[item.code] = {"result": "compliant"}
    return results, findings


ACK = {"name": "张经理", "acknowledged": True, "statement": "对检查记录无异议"}


def submit(actor, inspection, *, failing=None, photos=None, submission_key=None):
    results, findings = answers(inspection, failing=failing)
    return services.inspection_submit_checklist(
        actor=actor,
        inspection_id=inspection.pk,
        key=submission_key or key(),
        results=results,
        findings=findings,
        acknowledgement=ACK,
        summary="现场检查情况总体良好。",
        photos=photos or [],
    )
