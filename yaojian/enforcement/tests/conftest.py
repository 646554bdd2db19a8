from __future__ import annotations

import datetime as dt

import pytest

from yaojian.enforcement import clock

from . import factories as f


@pytest.fixture
def officers(province):
    return [f.officer("360102"), f.officer("360102")]


@pytest.fixture
def approver(province):
    return f.head("360102")


@pytest.fixture
def leader(province):
    return f.head("360102", "leader")


@pytest.fixture
def donghu(enterprises):
    return enterprises["donghu"]


@pytest.fixture
def today(monkeypatch):
    """Set the clock's today: `today(date)` (the services and selectors read clock.today)."""

    def set_today(day: dt.date):
        monkeypatch.setattr(clock, "today", lambda: day)
        return day

    return set_today
