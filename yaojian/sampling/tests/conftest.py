from __future__ import annotations

import pytest

from yaojian.accounts.choices import Role
from yaojian.sampling.tests import factories as sf
from yaojian.testing import factories


@pytest.fixture
def lab(province):
    return sf.lab()


@pytest.fixture
def analyst(province):
    """An analyst of the province bureau, where the province's institute belongs."""
    return factories.regulator("360000", roles=[Role.ANALYST])


@pytest.fixture
def samplers(county_regulator):
    return [county_regulator, factories.regulator("360102", roles=[Role.INSPECTOR])]


@pytest.fixture
def county_leader(province):
    return factories.regulator("360102", roles=[Role.APPROVER, Role.LEADER])


@pytest.fixture
def plan(province_regulator):
    return sf.approved_plan(province_regulator)


@pytest.fixture
def product(enterprises):
    return factories.ProductFactory(name="阿莫西林胶囊", holder=enterprises["donghu"])


@pytest.fixture
def task(county_regulator, plan, enterprises, samplers, lab, product):
    return sf.new_task(
        county_regulator, plan, enterprises["donghu"], samplers, lab, product=product
    )


@pytest.fixture(autouse=True)
def _english(english):
    """These tests read the English messages (the root conftest's `english`)."""
