from __future__ import annotations

import pytest

from yaojian.accounts.choices import Role
from yaojian.core import shipped
from yaojian.licensing.models import Matter
from yaojian.testing import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def matters(db):
    shipped.install()
    return {m.code: m for m in Matter.objects.all()}


@pytest.fixture
def pharmacy(province):
    enterprise = factories.EnterpriseFactory(
        region_code="360102", kind="retail_pharmacy", name="南昌市东湖区仁心药房"
    )
    factories.PersonFactory(enterprise=enterprise)
    return enterprise


@pytest.fixture
def applicant(pharmacy):
    return factories.enterprise_user(pharmacy, username="renxin")


@pytest.fixture
def city_staff(province):
    """The Nanchang bureau, which handles retail licences of its districts."""
    return {
        "reviewer": factories.regulator("360100", roles=[Role.REVIEWER], username="nc-reviewer"),
        "inspector": factories.regulator("360100", roles=[Role.INSPECTOR], username="nc-inspector"),
        "approver": factories.regulator("360100", roles=[Role.APPROVER], username="nc-approver"),
        "leader": factories.regulator("360100", roles=[Role.LEADER], username="nc-leader"),
    }
