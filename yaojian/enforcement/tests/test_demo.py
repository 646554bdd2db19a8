"""The demo loader runs through the services and leaves cases at every stage."""

from __future__ import annotations

import pytest

from yaojian.accounts.choices import Role
from yaojian.enforcement import demo
from yaojian.enforcement.choices import PublicationState, Status
from yaojian.enforcement.models import Case, CaseSource
from yaojian.portal import publications
from yaojian.testing import factories

pytestmark = pytest.mark.django_db


def test_demo_cases(province):
    factories.regulator("360102", roles=[Role.CASE_OFFICER, Role.APPROVER], username="county")
    factories.regulator("360102", roles=[Role.CASE_OFFICER, Role.INSPECTOR], username="r3601022")
    factories.regulator("360102", roles=[Role.LEADER, Role.APPROVER], username="r3601023")
    for _ in range(12):
        factories.EnterpriseFactory(region_code="360102")
    report = demo.load(seed=0)
    assert report["cases"] == 9
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {
        Status.PROPOSED,
        Status.INVESTIGATING,
        Status.NOTIFIED,
        Status.HEARING,
        Status.DECIDED,
        Status.CLOSED,
        Status.ANNULLED,
        Status.TRANSFERRING,
    } <= statuses
    assert CaseSource.objects.filter(status="pending").count() == 1
    assert Case.objects.filter(publication_state=PublicationState.PUBLISHED).count() == 2
    assert Case.objects.filter(publication_state=PublicationState.WITHDRAWN).count() == 1
    visible = publications.visible(kind=publications.Kind.PENALTY_DECISION)
    assert visible.count() == 2 and all(p.on_time for p in visible)
    overdue = Case.objects.filter(
        status=Status.INVESTIGATING, deadline__lt=demo.timezone.localdate()
    )
    assert overdue.count() == 1
    assert demo.load(seed=0)["created"] == 0  # idempotent
