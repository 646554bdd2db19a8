"""The demo loader: inspections at every stage in the demo province, once."""

from __future__ import annotations

import pytest

from yaojian.inspection import demo
from yaojian.inspection.choices import Status
from yaojian.inspection.models import Inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_loaded(settings, tmp_path):
    from yaojian.demo import loader

    settings.MEDIA_ROOT = tmp_path
    return loader.load(seed=3, scale="tiny")


def test_demo_inspections(province_loaded):
    # the demo loader runs `demo.load` itself; running it again adds nothing
    assert demo.load(seed=0)["inspections"] == 0
    statuses = set(Inspection.objects.values_list("status", flat=True))
    assert {
        Status.SCHEDULED,
        Status.IN_PROGRESS,
        Status.SUBMITTED,
        Status.CLOSED,
        Status.RECTIFYING,
    } <= statuses
    chain = Inspection.objects.get(
        status=Status.RECTIFICATION_SUBMITTED, enterprise__name=demo.DEMO_CHAIN
    )
    assert chain.rectifications.get().evidence.count() == 2
    assert chain.enterprise.accounts.filter(username="enterprise").exists()
    assert Inspection.objects.filter(origin_ref__startswith=demo.REF, status="pending").exists()
    assert Inspection.objects.filter(outcome="refer", case_ref__startswith="enforcement").exists()
