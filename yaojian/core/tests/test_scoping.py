"""The one scope mechanism: restrict() and get_visible() for every kind of account.

Enterprises in Donghu (360102) and Xihu (360103) districts of Nanchang and in Lianxi district
(360402) of Jiujiang, plus one in every city, so that each regulator's view can be compared
with the jurisdiction it should have.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from yaojian.accounts.choices import Role
from yaojian.accounts.models import User
from yaojian.core import regions, scoping
from yaojian.core.errors import NotFound
from yaojian.core.models import ScheduledRun
from yaojian.core.scoping import get_visible, restrict
from yaojian.registry.models import Enterprise
from yaojian.testing import factories


@pytest.fixture
def spread(enterprises):
    """The three named enterprises plus one in a county of every city."""
    extra = {
        city.code: factories.EnterpriseFactory(region_code=regions.children(city.code)[-1].code)
        for city in regions.children_of_province()
    }
    return {**enterprises, **extra}


def visible(user) -> set[int]:
    return set(restrict(Enterprise.objects.all(), user).values_list("pk", flat=True))


def inside(code: str) -> set[int]:
    """Computed from the enterprises' own codes, independently of restrict()."""
    return {e.pk for e in Enterprise.objects.all() if regions.contains(code, e.region_code)}


def test_province_regulator_sees_every_enterprise_of_the_province(province_regulator, spread):
    assert visible(province_regulator) == set(Enterprise.objects.values_list("pk", flat=True))
    assert len(visible(province_regulator)) == 3 + 11


def test_city_regulator_sees_exactly_the_enterprises_of_its_counties(city_regulator, spread):
    seen = visible(city_regulator)
    assert seen == inside("360100")
    assert {spread["donghu"].pk, spread["xihu"].pk, spread["360100"].pk} == seen
    assert spread["lianxi"].pk not in seen


def test_county_regulator_sees_only_its_county(county_regulator, spread):
    assert visible(county_regulator) == {spread["donghu"].pk}


def test_regulator_of_another_city_sees_none_of_nanchang(other_county_regulator, spread):
    assert visible(other_county_regulator) == {spread["lianxi"].pk}


@pytest.mark.parametrize("city", [c.code for c in regions.children_of_province()])
def test_each_city_bureau_sees_its_own_jurisdiction(spread, city):
    regulator = factories.regulator(city, roles=[Role.INSPECTOR])
    assert visible(regulator) == inside(city)
    assert spread[city].pk in visible(regulator)


def test_enterprise_account_sees_its_own_enterprise_only(enterprise_master, spread):
    assert visible(enterprise_master) == {spread["donghu"].pk}
    sub_account = factories.enterprise_user(spread["lianxi"], master=False, rights=["view"])
    assert visible(sub_account) == {spread["lianxi"].pk}


def test_inactive_anonymous_and_public_users_see_nothing(county_regulator, spread):
    county_regulator.is_active = False
    county_regulator.save(update_fields=["is_active"])
    inactive = User.objects.get(pk=county_regulator.pk)
    assert visible(inactive) == set()
    assert visible(AnonymousUser()) == set()
    assert visible(None) == set()
    assert visible(factories.UserFactory()) == set()


def test_get_visible_returns_an_object_inside_scope(city_regulator, spread):
    found = get_visible(Enterprise.objects.all(), city_regulator, pk=spread["xihu"].pk)
    assert found == spread["xihu"]


@pytest.mark.parametrize("key", ["lianxi", "360400"])
def test_get_visible_says_not_found_for_an_existing_object_outside_scope(
    city_regulator, spread, key
):
    assert Enterprise.objects.filter(pk=spread[key].pk).exists()
    with pytest.raises(NotFound) as caught:
        get_visible(Enterprise.objects.all(), city_regulator, pk=spread[key].pk)
    assert caught.value.status == 404


def test_get_visible_says_not_found_the_same_way_for_missing_and_malformed_keys(
    county_regulator, spread, enterprise_master
):
    outside = get_visible_error(county_regulator, pk=spread["xihu"].pk)
    missing = get_visible_error(county_regulator, pk=10**9)
    malformed = get_visible_error(county_regulator, pk="not-a-number")
    assert outside.as_problem() == missing.as_problem() == malformed.as_problem()
    assert get_visible_error(enterprise_master, pk=spread["xihu"].pk).status == 404
    assert get_visible_error(AnonymousUser(), pk=spread["donghu"].pk).status == 404


def get_visible_error(user, **lookup) -> NotFound:
    with pytest.raises(NotFound) as caught:
        get_visible(Enterprise.objects.all(), user, **lookup)
    return caught.value


def test_restrict_keeps_the_callers_own_filters(city_regulator, spread):
    only_xihu = Enterprise.objects.filter(region_code="360103")
    assert set(restrict(only_xihu, city_regulator)) == {spread["xihu"]}
    only_lianxi = Enterprise.objects.filter(region_code="360402")
    assert not restrict(only_lianxi, city_regulator).exists()


def test_a_model_without_scope_paths_is_refused(province_regulator):
    assert not hasattr(ScheduledRun, "scope_paths")
    with pytest.raises(TypeError, match="ScheduledRun declares no scope"):
        restrict(ScheduledRun.objects.all(), province_regulator)
    with pytest.raises(TypeError):
        get_visible(ScheduledRun.objects.all(), province_regulator, pk=1)


def test_the_public_sees_what_a_model_declares_public_and_nothing_otherwise():
    """A model with a `public` condition shows those rows to everyone else."""
    from django.db.models import Q

    class Published:
        scope_paths = scoping.ScopePaths(region="region_code", public=lambda: Q(published=True))

    assert scoping.filter_for(Published, scoping.NOTHING) == Q(published=True)

    class Private:
        scope_paths = scoping.ScopePaths(region="region_code")

    assert scoping.filter_for(Private, scoping.NOTHING) is None


def test_scope_covers_region_for_regulators_only(county_regulator, enterprise_master):
    scope = county_regulator.scope
    assert scope.covers_region("360102")
    assert not scope.covers_region("360103") and not scope.covers_region(None)
    assert not enterprise_master.scope.covers_region("360102")
