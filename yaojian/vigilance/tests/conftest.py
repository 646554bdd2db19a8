from __future__ import annotations

import pytest

from yaojian.accounts.choices import Role
from yaojian.registry.choices import EnterpriseKind
from yaojian.testing import factories


@pytest.fixture
def meddra(db):
    from yaojian.vigilance import meddra

    return meddra.load_synthetic()


@pytest.fixture
def centre(province, meddra):
    """A reviewer of the provincial monitoring centre."""
    return factories.regulator("360000", roles=[Role.REVIEWER, Role.ANALYST])


@pytest.fixture
def county_centre(province, meddra):
    return factories.regulator("360102", roles=[Role.REVIEWER])


@pytest.fixture
def hospital(enterprises, meddra):
    enterprise = factories.EnterpriseFactory(
        region_code="360102", kind=EnterpriseKind.MEDICAL_INSTITUTION, name="南昌市第一医院"
    )
    return factories.enterprise_user(enterprise, master=True)


@pytest.fixture
def mah(enterprises, meddra):
    enterprise = factories.EnterpriseFactory(
        region_code="360402", kind=EnterpriseKind.MAH, name="九江制药有限公司"
    )
    return factories.enterprise_user(enterprise, master=True)
