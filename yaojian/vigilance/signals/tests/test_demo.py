"""The demo loader runs detection over the demo cases and takes signals through review."""

from __future__ import annotations

import pytest

from yaojian.vigilance.signals import demo
from yaojian.vigilance.signals.models import Signal, SignalRun

pytestmark = pytest.mark.django_db


def test_demo_load_over_cases(analyst, hospital):
    from yaojian.vigilance import services as case_services
    from yaojian.vigilance.tests.factories import case_data

    for i in range(9):
        case_services.case_submit(actor=hospital, data=case_data(drug="甲药片", pt="99111001"))
        case_services.case_submit(
            actor=hospital, data=case_data(drug=["乙药胶囊", "丙药片"][i % 2], pt="99211001")
        )
    report = demo.load(seed=0)
    assert report["run_status"] == "done" and report["pairs"] >= 3
    run = SignalRun.objects.get()
    assert run.parameters["thresholds"]["n_min"] == 2  # the sensitive preset
    assert (
        Signal.objects.filter(first_run=run).exclude(status="new").count()
        == report["signals_reviewed"]
    )
