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
    made = demo.load(seed=0)
    statuses = set(Inspection.objects.values_list("status", flat=True))
    assert {
        Status.SCHEDULED,
        Status.IN_PROGRESS,
        Status.SUBMITTED,
        Status.CLOSED,
        Status.RECTIFYING,
    } <= statuses
    assert "rectification_submitted" in made
    chain = Inspection.objects.get(number=made["rectification_submitted"])
    assert chain.status == Status.RECTIFICATION_SUBMITTED
    assert chain.rectifications.get().evidence.count() == 2
    assert Inspection.objects.filter(status=Status.RECTIFYING).exists()
    assert demo.load(seed=0)["inspections"] == 0  # a second run adds nothing
