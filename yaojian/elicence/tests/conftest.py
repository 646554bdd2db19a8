"""Fixtures of the e-licence tests: a bureau that issues, a licence it issued, clean caches."""

from __future__ import annotations

import pytest

from yaojian.accounts.choices import Role
from yaojian.elicence import signing
from yaojian.testing import factories


@pytest.fixture(autouse=True)
def _fresh_verification_cache():
    """Every test verifies from scratch (the cache is an optimisation, never the proof)."""
    signing.verified.clear()
    yield
    signing.verified.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.YAOJIAN_PUBLIC_URL = "https://yaojian.example.gov.cn"


@pytest.fixture
def approver(province):
    """An approver of the Nanchang city bureau, whose jurisdiction covers Donghu."""
    return factories.regulator("360100", roles=[Role.APPROVER, Role.REVIEWER])


@pytest.fixture
def licence(enterprises, province):
    """A retail pharmacy's drug trading licence in Donghu, issued by the Nanchang bureau."""
    return factories.LicenceFactory(
        holder=enterprises["donghu"],
        issuing_bureau=province["360100"],
        warehouse_address="南昌市东湖区八一大道1号仓库",
    )


@pytest.fixture
def security_admin(province):
    return factories.regulator("360000", roles=[Role.SECURITY_ADMIN])
