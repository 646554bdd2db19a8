"""The demo's inspections in the demo province, at every stage, made through the services.

Donghu county bureau (东湖区局, the `county` account and its two staff inspectors) inspects the
enterprises of its county: one scheduled, one in progress, one awaiting its outcome, one passed,
one whose rectification is overdue, one referred to a penalty case, one requested by the
traceability module and waiting to be scheduled. The demo chain (江西康宁大药房连锁有限公司, the
`enterprise` account) was inspected by its bureau and has submitted its rectification, waiting
for the inspector's review. Photos are small generated JPEGs.

    from yaojian.inspection import demo
    demo.load(seed=0)   # after the demo province is loaded; a second run adds nothing
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from yaojian.accounts.choices import Role
from yaojian.accounts.models import User
from yaojian.inspection import services, standard
from yaojian.inspection.choices import KIND_FOR_ENTERPRISE
from yaojian.inspection.models import Inspection
from yaojian.registry.choices import EnterpriseStatus
from yaojian.registry.models import Enterprise

DEMO_COUNTY = "360102"
DEMO_CHAIN = "江西康宁大药房连锁有限公司"
REF = "DEMO-"

NOTES = {
    "gsp_retail": ("R08", "冷藏药品专用冷藏柜温度显示11℃，超出2–8℃要求，当日无调控记录"),
    "gsp_wholesale": ("W09", "阴凉库温湿度自动监测系统第3号探头离线两日，未报警、未处置"),
    "gmp": ("M16", "批号2611032批生产记录中混合工序时间与设备日志不一致，未见偏差记录"),
    "device_distribution": ("D12", "抽查3个品种，进货查验记录缺少生产批号和有效期"),
    "device_production": ("P13", "抽查批生产记录不完整，灭菌参数记录缺失"),
    "cosmetics_production": ("C15", "灌装工序清场记录缺失，现场残留上批次物料"),
}
MINOR = {
    "gsp_retail": ("R11", "部分药品类别标签与陈列药品不符"),
    "gsp_wholesale": ("W19", "近效期药品预警清单未按月更新"),
}


def _photo(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    rng = random.Random(seed)  # noqa: S311 - demo data, not cryptography
    image = Image.new("RGB", (480, 360), (rng.randint(180, 230), rng.randint(180, 230), 210))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, 400), rng.randint(0, 280)
        draw.rectangle(
            [x, y, x + rng.randint(30, 120), y + rng.randint(20, 90)], outline=(60, 60, 60), width=3
        )
    draw.text((12, 330), f"yaojian demo {seed}", fill=(20, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _answers(inspection: Inspection, failing: dict[str, tuple[str, str]]) -> tuple[dict, list]:
    results, findings = {}, []
    for item in inspection.checklist.items.filter(active=True):
        if item.code in failing:
            grade, note = failing[item.code]
            results[item.code] = {"result": "non_compliant"}
            findings.append(
                {
                    "item": item.code,
                    "grade": "critical" if item.key_item else grade,
                    "rule": item.rule,
                    "note": note,
                }
            )
        else:
            results[item.code] = {"result": "compliant"}
    return results, findings


def _failing(kind: str, *, minor_too: bool = False) -> dict[str, tuple[str, str]]:
    code, note = NOTES[kind]
    failing = {code: ("major", note)}
    if minor_too and kind in MINOR:
        minor_code, minor_note = MINOR[kind]
        failing[minor_code] = ("minor", minor_note)
    return failing


def _submit(actor, inspection, *, failing, seed: int) -> Inspection:
    results, findings = _answers(inspection, failing)
    photos = [
        services.PhotoIn(
            name=f"现场照片{index + 1}.jpg",
            data=_photo(seed * 10 + index),
            item=code,
            caption=f"{code} 现场",
        )
        for index, code in enumerate(failing)
    ]
    return services.inspection_submit_checklist(
        actor=actor,
        inspection_id=inspection.pk,
        key=f"demo-{inspection.number}",
        results=results,
        findings=findings,
        acknowledgement={
            "name": inspection.enterprise.legal_representative,
            "acknowledged": True,
            "statement": "已阅，对检查记录无异议。",
        },
        summary="检查组依据检查表逐项检查，现场查看了营业场所、仓储设施，抽查了购进、验收和销售记录。",
        photos=photos,
    ).inspection


def _team(code: str) -> list:
    """The bureau's inspectors: the named demo account first, then the staff inspectors."""
    named = {"360102": "county", "360100": "city"}.get(code)
    people = list(User.objects.filter(username=named)) if named else []
    people += list(
        User.objects.filter(
            bureau__region_code=code,
            role_assignments__role=Role.INSPECTOR,
            username__startswith="r",
        )
        .distinct()
        .order_by("username")[:2]
    )
    return people


def load(seed: int = 0) -> dict[str, Any]:
    """Create the demo inspections (once); returns what it made."""
    standard.install_now()
    if Inspection.objects.filter(origin_ref__startswith=REF).exists():
        return {"inspections": 0, "skipped": True}
    rng = random.Random(seed)  # noqa: S311 - demo data, not cryptography
    team = _team(DEMO_COUNTY)
    if len(team) < 2:
        return {"inspections": 0, "skipped": True, "reason": "the demo province is not loaded"}
    lead = team[0]
    candidates = list(
        Enterprise.objects.filter(
            region_code=DEMO_COUNTY,
            status=EnterpriseStatus.ACTIVE,
            kind__in=list(KIND_FOR_ENTERPRISE),
        )
        .exclude(name=DEMO_CHAIN)
        .order_by("pk")[:60]
    )
    rng.shuffle(candidates)
    retail = [e for e in candidates if KIND_FOR_ENTERPRISE[e.kind] == "gsp_retail"]
    others = [e for e in candidates if e not in retail]
    picks = (retail[:5] + others[:3] + retail[5:])[:8]
    today = timezone.localdate()
    made: dict[str, Any] = {}

    def schedule(enterprise, index, due_in=10, actor=lead, members=team):
        return services.inspection_schedule(
            actor=actor,
            enterprise=enterprise,
            team=members,
            lead=members[0],
            kind="",
            origin="random_draw",
            origin_ref=f"{REF}2026-{index:03d}",
            due_date=today + dt.timedelta(days=due_in),
        )

    with transaction.atomic():
        stages = [
            "scheduled",
            "in_progress",
            "submitted",
            "passed",
            "rectifying_overdue",
            "referred",
            "rectifying",
        ]
        for index, (stage, enterprise) in enumerate(zip(stages, picks, strict=False), start=1):
            inspection = schedule(enterprise, index, due_in=5 + index)
            kind = inspection.kind
            if stage == "in_progress":
                services.inspection_start(actor=lead, inspection_id=inspection.pk)
            elif stage == "submitted":
                _submit(lead, inspection, failing=_failing(kind, minor_too=True), seed=index)
            elif stage == "passed":
                _submit(lead, inspection, failing={}, seed=index)
                services.inspection_decide(
                    actor=lead, inspection_id=inspection.pk, outcome="pass", note="检查未发现缺陷。"
                )
            elif stage in ("rectifying", "rectifying_overdue"):
                _submit(lead, inspection, failing=_failing(kind, minor_too=True), seed=index)
                services.inspection_decide(
                    actor=lead,
                    inspection_id=inspection.pk,
                    outcome="rectify",
                    days=15,
                    note="责令限期整改，整改完成后提交整改报告及证明材料。",
                )
                if stage == "rectifying_overdue":
                    # the demo shows an overdue rectification: its deadline is moved into the past
                    # (time cannot pass in a demo; everything else went through the services)
                    Inspection.objects.filter(pk=inspection.pk).update(
                        rectification_deadline=today - dt.timedelta(days=3)
                    )
            elif stage == "referred":
                _submit(lead, inspection, failing=_failing(kind), seed=index)
                services.inspection_decide(
                    actor=lead,
                    inspection_id=inspection.pk,
                    outcome="refer",
                    note="冷链药品储存温度失控且未采取措施，涉嫌违反《药品管理法》第五十三条，移送立案。",
                )
            made[stage] = inspection.number
        if picks:
            requested = services.inspection_request(
                actor=None,
                enterprise=picks[7] if len(picks) > 7 else picks[0],
                origin="trace_anomaly",
                origin_ref=f"{REF}anomaly-1",
                reason="追溯码在两家药店均有销售记录，需现场核查购销记录。",
            )
            made["pending"] = requested.number
        chain = Enterprise.objects.filter(name=DEMO_CHAIN).first()
        owner = User.objects.filter(username="enterprise").first()
        if chain is not None and owner is not None:
            code = chain.region_code
            chain_team = _team(code) if len(_team(code)) >= 2 else _team(code[:4] + "00")
            actor = chain_team[0]
            if actor.scope.covers_region(code) and len(chain_team) >= 2:
                inspection = schedule(chain, 99, due_in=3, actor=actor, members=chain_team)
                _submit(
                    actor, inspection, failing=_failing(inspection.kind, minor_too=True), seed=99
                )
                services.inspection_decide(
                    actor=actor,
                    inspection_id=inspection.pk,
                    outcome="rectify",
                    days=20,
                    note="责令限期整改。",
                )
                services.rectification_submit(
                    actor=owner,
                    inspection_id=inspection.pk,
                    statement="已更换阴凉库3号温湿度探头并恢复监测，补录两日温湿度数据并说明原因；已对质量管理员开展专项培训，近效期药品预警清单改为每周更新。",
                    files=[
                        services.FileIn(name="整改报告.pdf", data=_evidence_pdf()),
                        services.FileIn(name="探头更换照片.jpg", data=_photo(199)),
                    ],
                )
                made["rectification_submitted"] = inspection.number
    made["inspections"] = Inspection.objects.filter(origin_ref__startswith=REF).count()
    return made


def _evidence_pdf() -> bytes:
    """A one-page PDF (text only, no font needed: the file is evidence, not the report)."""
    content = b"BT /F1 12 Tf 72 720 Td (Rectification report - yaojian demo) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()
