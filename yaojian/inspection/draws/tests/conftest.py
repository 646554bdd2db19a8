import pytest

from yaojian.accounts.choices import Role
from yaojian.inspection.draws.tests import factories as draw_factories
from yaojian.testing import factories


@pytest.fixture
def planner(province):
    """A leader of Nanchang city bureau (plans are the city's)."""
    return factories.regulator("360100", roles=[Role.LEADER, Role.APPROVER])


@pytest.fixture
def decider(province):
    return factories.regulator("360000", roles=[Role.LEADER, Role.APPROVER])


@pytest.fixture
def pool(province):
    """Twenty pharmacies in Nanchang (grades mixed), seven GSP inspectors (three leads)."""
    shops = []
    for index in range(20):
        shops.append(
            factories.EnterpriseFactory(
                region_code="360102" if index % 2 else "360103", risk_grade="ABCD"[index % 4]
            )
        )
    inspectors = [
        draw_factories.inspector("360100" if i < 3 else "360102", quals=["gsp"], lead=i < 3)
        for i in range(7)
    ]
    return {"shops": shops, "inspectors": inspectors}


@pytest.fixture
def approved(planner, decider, pool):
    general = draw_factories.item("GSP-01", ratio="25")
    return draw_factories.approved_plan(planner, decider, [general])
