"""The demo's penalty cases: Donghu district's bureau (南昌市东湖区) at every stage.

A pending clue from a complaint, a proposed filing, investigations (one with a testing pause,
one past its 90 days), a rights notice with the party's windows open, a hearing requested, two
published decisions (a 3-year fine and a 3-month warning, closed), one decision annulled after
publication (withdrawn), and a case being transferred to the city bureau.

Everything goes through the services. Steps in the past are taken "as of" their day (the
case clock's today is set while they run), so the deadlines and durations look real; the
publications themselves happen at load time, within their 20 working days.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import random
from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone

from yaojian.accounts.choices import Role
from yaojian.accounts.models import User
from yaojian.enforcement import clock, publishing, services
from yaojian.enforcement.models import Case
from yaojian.registry.models import Enterprise

COUNTY = "360102"
PDF = b"%PDF-1.4\n% yaojian demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@contextlib.contextmanager
def as_of(day: dt.date) -> Iterator[None]:
    original = clock.today
    clock.today = lambda: day
    try:
        yield
    finally:
        clock.today = original


def _people():
    officer = User.objects.filter(username="county").first()
    second = (
        User.objects.filter(
            bureau__region_code=COUNTY, role_assignments__role=Role.CASE_OFFICER, is_active=True
        )
        .exclude(pk=getattr(officer, "pk", None))
        .order_by("username")
        .first()
    )
    leader = (
        User.objects.filter(bureau__region_code=COUNTY, role_assignments__role=Role.LEADER)
        .order_by("username")
        .first()
    )
    return officer, second, leader or officer


def load(seed: int = 0) -> dict:
    """Create the demo cases (once: a second call changes nothing)."""
    if Case.objects.filter(bureau__region_code=COUNTY).exists():
        return {"cases": Case.objects.filter(bureau__region_code=COUNTY).count(), "created": 0}
    officer, second, _leader = _people()
    if officer is None or second is None:
        return {"cases": 0, "created": 0, "skipped": "no case officers in the demo county"}
    draw = random.Random(seed)  # noqa: S311 - deterministic demo data
    pool = list(Enterprise.objects.filter(region_code=COUNTY).order_by("pk")[:200])
    draw.shuffle(pool)
    if not pool:
        return {"cases": 0, "created": 0, "skipped": "no enterprise in the demo county"}
    today = timezone.localdate()
    officers = [officer.pk, second.pk]

    def filed(enterprise, days_ago, *, kind="inspection", title, provision="dal-126", **extra):
        with as_of(today - dt.timedelta(days=days_ago + 3)):
            clue = services.case_register_source(
                actor=officer,
                enterprise=enterprise,
                source_kind=kind,
                source_ref=f"DEMO-{enterprise.pk}",
                summary=extra.pop("summary", title.removeprefix("涉嫌").removesuffix("案")),
            )
            case = services.case_propose(
                actor=officer,
                source_id=clue.pk,
                title=title,
                facts=extra.pop("facts", ""),
                officer_ids=officers,
                provision=provision,
                **extra,
            )
        with as_of(today - dt.timedelta(days=days_ago)):
            return services.case_approve_filing(actor=officer, case_id=case.pk)

    def evidence(case, day, title="现场检查笔录"):
        with as_of(day):
            services.evidence_add(
                actor=officer,
                case_id=case.pk,
                kind="on_site",
                title=title,
                name=f"{title}.pdf",
                data=PDF,
            )

    def notify(case, day, **penalty):
        with as_of(day):
            return services.case_notify(actor=officer, case_id=case.pk, **penalty)

    def decide(case, day, reasons, **penalty):
        with as_of(day):
            services.rights_waiver_record(
                actor=second, case_id=case.pk, note="当事人书面放弃陈述、申辩和听证权利"
            )
            return services.case_decide(actor=officer, case_id=case.pk, reasons=reasons, **penalty)

    # cases filed oldest first, so that case and decision numbers run in order of time
    e = itertools.cycle(pool)  # a small demo county: an enterprise may have several cases
    # 1. a clue from a complaint, awaiting the filing decision
    services.case_register_source(
        actor=officer,
        enterprise=next(e),
        source_kind="complaint",
        source_ref="TS-2026-0417",
        summary="群众举报该药店未凭处方销售处方药（阿莫西林胶囊）。",
    )
    # 2. a proposed filing, awaiting the head's approval
    clue = services.case_register_source(
        actor=officer,
        enterprise=next(e),
        source_kind="sampling",
        source_ref="CY-2026-031",
        summary="抽检发现板蓝根颗粒（批号 260312）检验不合格（性状）。",
    )
    services.case_propose(
        actor=officer,
        source_id=clue.pk,
        title="涉嫌销售劣药案",
        officer_ids=officers,
        provision="dal-117",
        goods_value=Decimal("8600"),
    )
    # 4. investigating, past its 90 days
    filed(
        next(e),
        96,
        title="涉嫌从无资质企业购进药品案",
        provision="dal-129",
        goods_value=Decimal("32000"),
    )
    # 9. published, then annulled on reconsideration: withdrawn
    annulled = filed(next(e), 70, title="涉嫌未建立药品追溯制度案", provision="dal-127")
    evidence(annulled, today - dt.timedelta(days=65))
    notify(
        annulled,
        today - dt.timedelta(days=30),
        provision="dal-127",
        discretion="lighter",
        fine=Decimal("120000"),
        warning=True,
    )
    decide(
        annulled,
        today - dt.timedelta(days=12),
        "依裁量基准从轻处罚",
        provision="dal-127",
        discretion="lighter",
        fine=Decimal("120000"),
        warning=True,
    )
    publishing.case_publish(actor=officer, case_id=annulled.pk)
    services.case_annul(
        actor=officer, case_id=annulled.pk, reason="南昌市市场监督管理局行政复议决定撤销原处罚决定"
    )
    # 7. a 150,000 yuan fine, decided and published (shown for 3 years)
    fined = filed(
        next(e),
        60,
        title="涉嫌未遵守药品经营质量管理规范案",
        facts="阴凉库温度超过20℃达3日，未采取调控措施。",
    )
    evidence(fined, today - dt.timedelta(days=55))
    notify(
        fined,
        today - dt.timedelta(days=20),
        provision="dal-126",
        discretion="lighter",
        fine=Decimal("150000"),
        warning=True,
    )
    decide(
        fined,
        today - dt.timedelta(days=6),
        "初次违法，积极整改，依裁量基准从轻处罚",
        provision="dal-126",
        discretion="lighter",
        fine=Decimal("150000"),
        warning=True,
    )
    publishing.case_publish(actor=officer, case_id=fined.pk)
    # 8. a warning, published (3 months) and closed
    warned = filed(next(e), 45, title="涉嫌未按规定调配处方案", provision="dal-130")
    evidence(warned, today - dt.timedelta(days=40))
    notify(
        warned,
        today - dt.timedelta(days=15),
        provision="dal-130",
        discretion="lighter",
        warning=True,
    )
    decide(
        warned,
        today - dt.timedelta(days=4),
        "违法情节轻微，已当场改正",
        provision="dal-130",
        discretion="lighter",
        warning=True,
    )
    publishing.case_publish(actor=officer, case_id=warned.pk)
    services.case_close(actor=officer, case_id=warned.pk, note="警告已送达")
    # 3. investigating, with samples at the laboratory (the clock stopped)
    testing = filed(
        next(e), 40, kind="trace_anomaly", title="涉嫌未按规定履行追溯义务案", provision="dal-127"
    )
    evidence(testing, today - dt.timedelta(days=38), "询问笔录")
    with as_of(today - dt.timedelta(days=20)):
        services.pause_start(
            actor=officer, case_id=testing.pk, reason="testing", note="送省药检院检验"
        )
    # 6. a hearing requested
    heard = filed(
        next(e), 35, title="涉嫌销售劣药案", provision="dal-117", goods_value=Decimal("12000")
    )
    evidence(heard, today - dt.timedelta(days=30), "检验报告")
    notify(
        heard,
        today - dt.timedelta(days=3),
        provision="dal-117",
        discretion="lighter",
        fine=Decimal("1200000"),
    )
    services.hearing_request_record(
        actor=officer, case_id=heard.pk, requested_on=today - dt.timedelta(days=1)
    )
    # 5. rights notice served two days ago: the party's windows are open
    open_case = filed(next(e), 30, title="涉嫌未遵守药品经营质量管理规范案")
    evidence(open_case, today - dt.timedelta(days=25))
    notify(
        open_case,
        today - dt.timedelta(days=2),
        provision="dal-126",
        discretion="ordinary",
        fine=Decimal("250000"),
        warning=True,
    )
    # 10. transferred to the city bureau (the case is beyond the district's competence)
    moving = filed(
        next(e), 10, title="涉嫌生产销售假药案", provision="dal-116", goods_value=Decimal("560000")
    )
    services.case_transfer_out(
        actor=officer,
        case_id=moving.pk,
        bureau_code="360100",
        reason="涉案货值金额大、案情复杂，依法由市局管辖",
    )
    return {
        "cases": Case.objects.filter(bureau__region_code=COUNTY).count(),
        "created": Case.objects.count(),
        "published": 3,
        "withdrawn": 1,
    }
