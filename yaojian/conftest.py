"""Shared fixtures: the bureau tree, regulators at three levels, enterprises and their users."""

from __future__ import annotations

import pytest

from yaojian.accounts.choices import Role
from yaojian.testing import factories


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Per-client limits are counted in the process by default: each test starts unused."""
    from yaojian.core import ratelimit

    ratelimit.reset()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language. A request through the test client leaves
    its language active in the thread (LocaleMiddleware activates it and nothing deactivates
    it), so without this a test would read in the language of the last request before it."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _isolated_tasks(settings):
    """Run background tasks in-process during tests unless a test asks for the real queue."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def english(settings):
    """For tests that read the English messages: the interface is Chinese unless asked."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def province(db):
    from yaojian.core import shipped

    # Shipped data comes with data migrations; a browser test before this one may have
    # flushed it (transactional tests empty the tables), so put back what is missing.
    shipped.install()
    return factories.create_bureau_tree()


@pytest.fixture
def province_regulator(province):
    return factories.regulator("360000", roles=[Role.LEADER, Role.APPROVER])


@pytest.fixture
def city_regulator(province):
    return factories.regulator("360100", roles=[Role.APPROVER, Role.REVIEWER])


@pytest.fixture
def county_regulator(province):
    return factories.regulator("360102", roles=[Role.INSPECTOR, Role.REVIEWER])


@pytest.fixture
def other_county_regulator(province):
    """A county bureau in another city (Jiujiang's Lianxi district)."""
    return factories.regulator("360402", roles=[Role.INSPECTOR, Role.REVIEWER])


@pytest.fixture
def sysadmin(province):
    return factories.regulator("360000", roles=[Role.SYSTEM_ADMIN])


@pytest.fixture
def secadmin(province):
    return factories.regulator("360000", roles=[Role.SECURITY_ADMIN])


@pytest.fixture
def auditor(province):
    return factories.regulator("360000", roles=[Role.AUDIT_ADMIN])


@pytest.fixture
def enterprises(province):
    """One enterprise in each of: Donghu (Nanchang), Xihu (Nanchang), Lianxi (Jiujiang)."""
    return {
        "donghu": factories.EnterpriseFactory(region_code="360102"),
        "xihu": factories.EnterpriseFactory(region_code="360103"),
        "lianxi": factories.EnterpriseFactory(region_code="360402"),
    }


@pytest.fixture
def enterprise_master(enterprises):
    return factories.enterprise_user(enterprises["donghu"], master=True)


from yaojian.testing.browser import browser, page, phone  # noqa: E402, F401 - fixtures for the browser tests
