"""Case data for tests: canonical case dicts (see vigilance/data.py)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

_serial = itertools.count(1)


def case_data(
    *,
    patient: str = "张三",
    sex: str = "1",
    age: str = "45",
    drug: str = "阿莫西林胶囊",
    approval_number: str = "",
    pt: str = "99111001",
    onset: dt.date | None = None,
    serious: bool = False,
    death: bool = False,
    reporter: str | None = None,
    organisation: str = "南昌市第一医院",
    aware: dt.date | None = None,
    **extra: Any,
) -> dict[str, Any]:
    n = next(_serial)
    today = timezone.localdate()
    aware = aware or today
    onset = onset or (aware - dt.timedelta(days=2))
    data = {
        "safety_report_id": f"CN-TEST-{n:06d}",
        "report_type": "1",
        "first_received": aware.strftime("%Y%m%d"),
        "most_recent": aware.strftime("%Y%m%d"),
        "reporter_name": reporter or f"医生{n}",
        "reporter_qualification": "1",
        "reporter_organisation": organisation,
        "reporter_phone": "13800138000",
        "patient_name": patient,
        "patient_sex": sex,
        "patient_age": age,
        "patient_age_unit": "a",
        "patient_weight": "62.5",
        "narrative": "患者用药后出现皮疹，停药后好转。",
        "reactions": [
            {
                "llt_code": pt,
                "meddra_version": "YJ-SYN-1.0",
                "onset": onset.strftime("%Y%m%d"),
                "outcome": "5" if death else "1",
                "hospitalisation": serious,
                "death": death,
            }
        ],
        "drugs": [
            {
                "role": "1",
                "name": drug,
                "approval_number": approval_number,
                "dosages": [
                    {
                        "dose": "0.5",
                        "unit": "g",
                        "frequency": "3",
                        "frequency_unit": "d",
                        "route": "048",
                        "start": (onset - dt.timedelta(days=3)).strftime("%Y%m%d"),
                    }
                ],
                "action_taken": "1",
                "dechallenge": "positive",
            },
            {"role": "2", "name": "维生素C片"},
        ],
        "causalities": [
            {
                "drug": 0,
                "reaction": 0,
                "result": "很可能",
                "assessor_kind": "reporter",
                "source": "reporter",
                "method": "国家ADR评价",
            }
        ],
    }
    data.update(extra)
    return data
