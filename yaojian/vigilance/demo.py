"""Demo data: the synthetic MedDRA set and ~300 adverse-reaction cases over the demo province's
drugs, with a few planted disproportionate drug-event pairs (so the signal table shows
something) and probable duplicates for the reviewer. Deterministic for a seed."""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.utils import timezone

from yaojian.core import regions
from yaojian.vigilance import meddra, services
from yaojian.vigilance.models import Case

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
# planted pairs: (index of drug, PT code) reported far more often than expected
PLANTED = [(0, "99511001"), (1, "99311001"), (2, "99111004")]


def _drugs(limit: int = 25):
    from yaojian.registry.models import Product

    products = list(
        Product.objects.filter(kind="drug", approval_number__isnull=False).order_by("pk")[:limit]
    )
    if products:
        return [(p.name, p.approval_number, p.holder_name) for p in products]
    names = [
        "阿莫西林胶囊",
        "头孢曲松钠注射液",
        "左氧氟沙星片",
        "布洛芬缓释胶囊",
        "二甲双胍片",
        "阿托伐他汀钙片",
        "苯磺酸氨氯地平片",
        "复方丹参滴丸",
        "奥美拉唑肠溶胶囊",
        "双黄连注射液",
    ]
    return [(n, "", "") for n in names]


def _reporters():
    from yaojian.accounts.models import User
    from yaojian.registry.choices import EnterpriseKind

    return list(
        User.objects.filter(
            kind="enterprise",
            is_enterprise_master=True,
            is_active=True,
            enterprise__kind__in=(
                EnterpriseKind.MEDICAL_INSTITUTION,
                EnterpriseKind.MAH,
                EnterpriseKind.DRUG_MANUFACTURER,
            ),
        ).select_related("enterprise")[:20]
    )


def load(seed: int = 0) -> dict:
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    release = meddra.load_synthetic()
    if Case.objects.filter(safety_report_id__startswith="CN-DEMO-").exists():
        return {"meddra": release.version, "cases": Case.objects.count(), "skipped": True}
    pts = list(meddra.synthetic_distribution().terms["pt"])
    drugs = _drugs()
    reporters = _reporters()
    counties = [
        r.code
        for city in regions.children(settings.YAOJIAN_PROVINCE_CODE)
        for r in regions.children(city.code)
    ]
    today = timezone.localdate()
    made = 0

    def one(
        i: int,
        drug,
        pt: str,
        *,
        patient=None,
        sex=None,
        age=None,
        onset=None,
        actor="auto",
        organisation=None,
    ):
        nonlocal made
        aware = today - dt.timedelta(days=rng.randint(0, 360))
        onset = onset or aware - dt.timedelta(days=rng.randint(0, 10))
        death = rng.random() < 0.02
        serious = death or rng.random() < 0.2
        name, approval, holder = drug
        data = {
            "safety_report_id": f"CN-DEMO-{seed}-{i:05d}",
            "first_received": aware.strftime("%Y%m%d"),
            "most_recent": aware.strftime("%Y%m%d"),
            "reporter_name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            "reporter_qualification": rng.choice(["1", "1", "2", "3", "5"]),
            "reporter_organisation": organisation or "",
            "reporter_phone": f"139{rng.randint(10000000, 99999999)}",
            "reporter_country": "CN",
            "patient_name": patient or rng.choice(SURNAMES) + rng.choice(GIVEN),
            "patient_sex": sex or rng.choice("12"),
            "patient_age": str(age if age is not None else rng.randint(1, 90)),
            "patient_age_unit": "a",
            "narrative": "患者用药后出现不良反应，经对症处理后好转。"
            if not death
            else "患者用药后病情恶化，抢救无效死亡。",
            "reactions": [
                {
                    "llt_code": pt,
                    "meddra_version": release.version,
                    "onset": onset.strftime("%Y%m%d"),
                    "outcome": "5" if death else rng.choice("1122"),
                    "hospitalisation": serious and not death,
                    "death": death,
                }
            ],
            "drugs": [
                {
                    "role": "1",
                    "name": name,
                    "approval_number": approval or "",
                    "holder_name": holder or "",
                    "dosages": [
                        {
                            "dose": str(rng.choice([0.25, 0.5, 1, 2])),
                            "unit": "g",
                            "frequency": "8",
                            "frequency_unit": "h",
                            "route": rng.choice(["048", "042"]),
                        }
                    ],
                    "action_taken": rng.choice(["1", "2", "4"]),
                    "dechallenge": rng.choice(["positive", "positive", "unknown"]),
                }
            ],
            "causalities": [
                {
                    "drug": 0,
                    "reaction": 0,
                    "result": rng.choice(["很可能", "可能", "可能"]),
                    "scale": "china",
                    "source": "Reporter",
                    "assessor_kind": "reporter",
                }
            ],
        }
        if actor == "auto":
            actor = rng.choice(reporters) if reporters and rng.random() < 0.7 else None
        if actor is not None:
            data["reporter_organisation"] = data["reporter_organisation"] or actor.enterprise.name
        made += 1
        return services.case_submit(
            actor=actor,
            data=data,
            region_code=None if actor else rng.choice(counties),
            received=min(today, aware + dt.timedelta(days=rng.choice([1, 3, 7, 20, 40]))),
        )

    i = 0
    for _ in range(240):
        i += 1
        one(i, rng.choice(drugs), rng.choice(pts))
    for drug_index, pt in PLANTED:
        for _ in range(15):
            i += 1
            one(i, drugs[drug_index % len(drugs)], pt)
    # the same patient reported twice by different reporters
    for k in range(8):
        drug, pt = rng.choice(drugs), rng.choice(pts)
        patient, sex, age = (
            rng.choice(SURNAMES) + rng.choice(GIVEN),
            rng.choice("12"),
            rng.randint(20, 80),
        )
        onset = today - dt.timedelta(days=rng.randint(5, 90))
        i += 1
        one(
            i,
            drug,
            pt,
            patient=patient,
            sex=sex,
            age=age,
            onset=onset,
            actor=None,
            organisation="患者家属",
        )
        i += 1
        one(
            i,
            drug,
            pt,
            patient=patient,
            sex=sex,
            age=age,
            onset=onset + dt.timedelta(days=1),
            actor=reporters[k % len(reporters)] if reporters else None,
            organisation="医院药剂科",
        )
    # a few cases the centre has assessed
    from yaojian.accounts.models import User

    centre = User.objects.filter(
        kind="regulator",
        bureau__region_code=settings.YAOJIAN_PROVINCE_CODE,
        role_assignments__role__in=services.CENTRE_ROLES,
    ).first()
    assessed = 0
    if centre is not None:
        for case in Case.objects.filter(status="received").order_by("pk")[:30]:
            services.causality_assess(
                actor=centre,
                case_id=case.pk,
                drug=0,
                reaction=0,
                scale="china",
                result=rng.choice(["很可能", "可能", "可能无关"]),
            )
            assessed += 1
    from yaojian.vigilance.models import DuplicateCandidate

    return {
        "meddra": release.version,
        "cases": made,
        "duplicate_pairs": DuplicateCandidate.objects.count(),
        "assessed": assessed,
    }
