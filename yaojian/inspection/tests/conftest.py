import pytest

from yaojian.accounts.choices import Role
from yaojian.inspection.tests import factories as inspection_factories
from yaojian.testing import factories


@pytest.fixture
def checklists(db):
    inspection_factories.checklists()


@pytest.fixture
def team(province):
    """Two inspectors of Donghu county bureau (360102)."""
    return [
        inspection_factories.inspector("360102", full_name="李检查"),
        inspection_factories.inspector("360102", full_name="王检查"),
    ]


@pytest.fixture
def leader(province):
    return factories.regulator("360100", roles=[Role.LEADER, Role.INSPECTOR])


@pytest.fixture
def pharmacy(enterprises):
    return enterprises["donghu"]


@pytest.fixture
def scheduled(checklists, team, pharmacy):
    return inspection_factories.schedule(team[0], pharmacy, team)


@pytest.fixture
def owner(pharmacy):
    return factories.enterprise_user(pharmacy, master=True)


@pytest.fixture(autouse=True)
def _english(english):
    """These tests read the English messages (the root conftest's `english`)."""
