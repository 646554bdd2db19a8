"""The government-service portal: public pages, language switch, the pharmacy finder."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yaojian.testing import factories

PUBLIC_PAGES = [
    "portal:home",
    "portal:verify",
    "portal:pharmacies",
    "portal:publications",
    "portal:complaints",
    "accounts:login",
    "accounts:register_enterprise",
    "accounts:register_public",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_need_no_account_and_speak_chinese_first(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    assert "江西省智慧药品监管平台" in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_english_is_one_click_away(client, name):
    switched = client.post(reverse("set_language"), {"language": "en", "next": reverse(name)})
    assert switched.status_code == 302
    html = client.get(reverse(name)).content.decode()
    assert '<html lang="en">' in html
    assert "Jiangxi Smart Drug Regulation Platform" in html
    assert "江西省智慧药品监管平台" not in html


@pytest.mark.django_db
def test_no_page_loads_anything_from_the_internet(client):
    for name in PUBLIC_PAGES:
        html = client.get(reverse(name)).content.decode()
        assert 'src="http' not in html and 'href="http' not in html, name
    docs = client.get("/api/docs").content.decode()
    assert "cdn" not in docs.lower() and 'src="http' not in docs


def test_pharmacy_finder_lists_only_pharmacies_in_business(client, province):
    open_store = factories.EnterpriseFactory(name="南昌市东湖区大福药房", region_code="360102")
    factories.EnterpriseFactory(
        name="南昌市东湖区关门药房", region_code="360102", status="cancelled"
    )
    factories.EnterpriseFactory(
        name="江西大福医药有限公司", region_code="360102", kind="wholesaler"
    )
    response = client.get(reverse("portal:pharmacies"), {"q": "大福"})
    names = [p.name for p in response.context["page"].object_list]
    assert names == [open_store.name]


def test_pharmacy_finder_by_pinyin_initials_and_city(client, province):
    nanchang = factories.EnterpriseFactory(name="大福药房", region_code="360102")
    factories.EnterpriseFactory(name="大福药店", region_code="360402")
    response = client.get(reverse("portal:pharmacies"), {"q": "dfyf", "region": "360100"})
    assert [p.name for p in response.context["page"].object_list] == [nanchang.name]


def test_pharmacy_finder_answers_htmx_with_the_result_fragment(client, province):
    factories.EnterpriseFactory(name="大福药房", region_code="360102")
    response = client.get(reverse("portal:pharmacies"), {"q": "大福"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "大福药房" in html and "<html" not in html


def test_pharmacy_finder_never_shows_personal_data(client, province):
    pharmacy = factories.EnterpriseFactory(name="大福药房", region_code="360102")
    html = client.get(reverse("portal:pharmacies"), {"q": "大福"}).content.decode()
    assert pharmacy.legal_representative not in html
    assert pharmacy.legal_representative_id_number() not in html


def test_enterprise_home_shows_own_enterprise(client, enterprise_master, enterprises):
    client.force_login(enterprise_master)
    response = client.get(reverse("portal:enterprise_home"))
    assert response.status_code == 200
    assert response.context["enterprise"] == enterprises["donghu"]
    assert enterprises["xihu"].name not in response.content.decode()


def test_enterprise_pages_are_not_for_regulators_or_the_public(client, county_regulator, province):
    client.force_login(county_regulator)
    assert client.get(reverse("portal:enterprise_home")).status_code == 404
    client.force_login(factories.UserFactory())
    assert client.get(reverse("portal:my_applications")).status_code == 404


def test_login_required_pages_send_anonymous_visitors_to_login(client, db):
    response = client.get(reverse("portal:enterprise_home"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def test_pharmacy_finder_shows_the_licence_and_its_validity(client, province):
    import datetime as dt

    from django.utils import timezone

    valid = factories.EnterpriseFactory(name="东湖有证药房", region_code="360102")
    licence = factories.LicenceFactory(holder=valid)
    lapsed = factories.EnterpriseFactory(name="东湖过期药房", region_code="360102")
    factories.LicenceFactory(holder=lapsed, valid_until=timezone.localdate() - dt.timedelta(days=1))
    factories.EnterpriseFactory(name="东湖无证药房", region_code="360102")
    html = client.get(reverse("portal:pharmacies"), {"q": "东湖"}).content.decode()
    assert licence.number in html
    results = {
        p.name: p
        for p in client.get(reverse("portal:pharmacies"), {"q": "东湖"}).context["page"].object_list
    }
    assert results["东湖有证药房"].licence_number == licence.number
    assert results["东湖无证药房"].licence_number is None
    assert html.count("bi-exclamation-triangle") >= 1


def test_pharmacy_finder_nearest_first_with_distances(client, province):
    far = factories.EnterpriseFactory(
        name="远处药房", region_code="360402", latitude=29.71, longitude=116.00
    )
    near = factories.EnterpriseFactory(
        name="近处药房", region_code="360102", latitude=28.683, longitude=115.861
    )
    middle = factories.EnterpriseFactory(
        name="中间药房", region_code="360103", latitude=28.70, longitude=115.95
    )
    factories.EnterpriseFactory(name="无坐标药房", region_code="360102")
    page = client.get(reverse("portal:pharmacies"), {"lat": "28.68", "lng": "115.86"}).context[
        "page"
    ]
    assert [p.name for p in page.object_list] == [near.name, middle.name, far.name]
    distances = [p.distance for p in page.object_list]
    assert distances == sorted(distances) and distances[0] < 1 and 100 < distances[-1] < 140


@pytest.mark.django_db
def test_pharmacy_finder_draws_a_map_only_from_a_configured_tile_server(client, settings):
    settings.YAOJIAN_TILE_URL = ""
    assert "leaflet" not in client.get(reverse("portal:pharmacies")).content.decode()
    settings.YAOJIAN_TILE_URL = "https://tiles.gov.example/{z}/{x}/{y}.png"
    html = client.get(reverse("portal:pharmacies")).content.decode()
    assert (
        "vendor/leaflet/leaflet.js" in html
        and 'data-tile-url="https://tiles.gov.example/{z}/{x}/{y}.png"' in html
    )


@pytest.mark.django_db
def test_pharmacy_finder_ignores_a_malformed_position(client):
    response = client.get(reverse("portal:pharmacies"), {"lat": "north", "lng": "999"})
    assert response.status_code == 200 and response.context["near"] is None


def test_enterprise_home_lists_its_own_licences_and_pharmacists(
    client, enterprise_master, enterprises
):
    own = factories.LicenceFactory(holder=enterprises["donghu"])
    other = factories.LicenceFactory(holder=enterprises["xihu"])
    pharmacist = factories.PersonFactory(enterprise=enterprises["donghu"])
    client.force_login(enterprise_master)
    html = client.get(reverse("portal:enterprise_home")).content.decode()
    assert own.number in html and pharmacist.name in html and other.number not in html
