"""Fixtures for the accounts tests (English browsers, extra accounts)."""

from __future__ import annotations

import pytest
from django.test import Client

from yaojian.accounts.choices import Role
from yaojian.testing import factories


@pytest.fixture
def client():
    """A browser that asks for English pages (the Chinese catalogue is being written)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def make_client():
    """Further browsers (several sessions of one account, CSRF-enforcing browsers)."""

    def make(**kwargs) -> Client:
        return Client(HTTP_ACCEPT_LANGUAGE="en", **kwargs)

    return make


@pytest.fixture
def public_user(db):
    return factories.UserFactory(username="13800138000", phone="13800138000")


@pytest.fixture
def city_sysadmin(province):
    return factories.regulator("360100", roles=[Role.SYSTEM_ADMIN])


@pytest.fixture
def city_secadmin(province):
    return factories.regulator("360100", roles=[Role.SECURITY_ADMIN])
