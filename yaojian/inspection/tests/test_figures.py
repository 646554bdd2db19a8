"""The leaders' figures: coverage by jurisdiction and type, findings by grade and kind, overdue
items; computed from inspections made through the services, scoped, exported to Excel."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yaojian.audit.models import AuditEntry
from yaojian.inspection import figures, services
from yaojian.inspection.choices import Status
from yaojian.inspection.models import Inspection
from yaojian.inspection.tests import factories as f
from yaojian.registry.choices import EnterpriseKind, EnterpriseStatus
from yaojian.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(checklists, enterprises, team):
    """Nanchang: Donghu's pharmacy inspected twice (a clean pass; then critical + minor
    findings, rectification now overdue), a Donghu wholesaler never inspected, a cancelled Donghu
    pharmacy, Xihu's pharmacy scheduled and now past due. Jiujiang: Lianxi's pharmacy inspected
    with a major finding."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    donghu, xihu, lianxi = enterprises["donghu"], enterprises["xihu"], enterprises["lianxi"]
    factories.EnterpriseFactory(region_code="360102", kind=EnterpriseKind.WHOLESALER)
    factories.EnterpriseFactory(region_code="360102", status=EnterpriseStatus.CANCELLED)

    second = f.schedule(team[0], donghu, team)
    f.submit(team[0], second)
    services.inspection_decide(actor=team[0], inspection_id=second.pk, outcome="pass")

    first = f.schedule(team[0], donghu, team, origin="complaint")
    f.submit(team[0], first, failing={"R03": "critical", "R11": "minor"})
    services.inspection_decide(actor=team[0], inspection_id=first.pk, outcome="rectify")
    Inspection.objects.filter(pk=first.pk).update(rectification_deadline=yesterday)

    xihu_team = [f.inspector("360103"), f.inspector("360103")]
    late = f.schedule(xihu_team[0], xihu, xihu_team)
    Inspection.objects.filter(pk=late.pk).update(due_date=yesterday)

    lianxi_team = [f.inspector("360402"), f.inspector("360402")]
    third = f.schedule(lianxi_team[0], lianxi, lianxi_team)
    f.submit(lianxi_team[0], third, failing={"R05": "major"})
    return {"first": first, "second": second, "late": late, "third": third}


def _by_key(rows):
    return {r.key: r for r in rows}


def test_province_sees_its_cities(world, province_regulator):
    data = figures.figures(province_regulator)
    assert data.year == timezone.localdate().year
    cities = _by_key(data.by_region)
    assert len(cities) == 11  # every city of Jiangxi, zeros included
    nanchang, jiujiang = cities["3601"], cities["3604"]
    assert (nanchang.register, nanchang.inspected, nanchang.coverage) == (3, 1, 33.3)
    assert (jiujiang.register, jiujiang.inspected, jiujiang.coverage) == (1, 1, 100.0)
    assert cities["3607"].register == 0 and cities["3607"].coverage is None
    assert (data.total.register, data.total.inspected) == (4, 2)

    kinds = _by_key(data.by_kind)
    assert set(kinds) == {"retail_pharmacy", "wholesaler"}
    assert (kinds["retail_pharmacy"].register, kinds["retail_pharmacy"].inspected) == (3, 2)
    assert kinds["retail_pharmacy"].coverage == 66.7
    assert (kinds["wholesaler"].register, kinds["wholesaler"].inspected) == (1, 0)
    assert kinds["wholesaler"].coverage == 0.0

    found = _by_key(data.findings)
    assert found["gsp_retail"].grades == {"critical": 1, "minor": 1, "major": 1}
    assert found["gsp_retail"].total == 3 and found["gmp"].total == 0
    assert data.findings_total.critical == 1

    late = _by_key(data.overdue)
    assert (late["3601"].past_due, late["3601"].rectification_overdue) == (1, 1)
    assert late["3604"].total == 0
    assert (data.past_due, data.rectification_overdue) == (1, 1)


def test_city_sees_its_counties_only(world, city_regulator):
    data = figures.figures(city_regulator)
    counties = _by_key(data.by_region)
    assert "360402" not in counties and "3604" not in counties
    assert all(key.startswith("3601") and len(key) == 6 for key in counties)
    assert (counties["360102"].register, counties["360102"].inspected) == (2, 1)
    assert (counties["360103"].register, counties["360103"].inspected) == (1, 0)
    assert counties["360103"].coverage == 0.0
    assert _by_key(data.findings)["gsp_retail"].grades == {"critical": 1, "minor": 1}
    late = _by_key(data.overdue)
    assert (late["360102"].past_due, late["360102"].rectification_overdue) == (0, 1)
    assert (late["360103"].past_due, late["360103"].rectification_overdue) == (1, 0)


def test_county_sees_itself_only(world, county_regulator, other_county_regulator):
    data = figures.figures(county_regulator)
    assert [r.key for r in data.by_region] == ["360102"]
    assert (data.by_region[0].register, data.by_region[0].inspected) == (2, 1)
    assert data.findings_total.grades == {"critical": 1, "major": 0, "minor": 1}
    assert (data.past_due, data.rectification_overdue) == (0, 1)

    other = figures.figures(other_county_regulator)
    assert [(r.key, r.register, r.inspected) for r in other.by_region] == [("360402", 1, 1)]
    assert other.findings_total.grades == {"critical": 0, "major": 1, "minor": 0}
    assert (other.past_due, other.rectification_overdue) == (0, 0)


def test_the_year_counts_submissions_of_that_year_and_not_cancelled_ones(world, province_regulator):
    this_year = timezone.localdate().year
    last_year = timezone.make_aware(dt.datetime(this_year - 1, 6, 1, 10, 0))
    Inspection.objects.filter(pk=world["third"].pk).update(submitted_at=last_year)
    now = figures.figures(province_regulator, year=this_year)
    assert _by_key(now.by_region)["3604"].inspected == 0
    assert now.findings_total.major == 0
    before = figures.figures(province_regulator, year=this_year - 1)
    assert (before.total.register, before.total.inspected) == (4, 1)
    assert before.findings_total.grades == {"critical": 0, "major": 1, "minor": 0}

    # a cancelled inspection is not an inspection
    Inspection.objects.filter(pk=world["third"].pk).update(
        status=Status.CANCELLED, submitted_at=timezone.now()
    )
    assert _by_key(figures.figures(province_regulator).by_region)["3604"].inspected == 0


def test_page_shows_the_figures_and_the_overview_links_to_it(client, world, city_regulator):
    client.force_login(city_regulator)
    overview = client.get(reverse("inspection:overview")).content.decode()
    assert reverse("inspection:figures") in overview
    response = client.get(reverse("inspection:figures"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Coverage by jurisdiction" in html and "vendor/echarts/echarts.min.js" in html
    assert 'data-testid="total-register">3<' in html
    assert 'data-testid="total-inspected">1<' in html
    assert 'data-testid="total-coverage">33.3%<' in html
    assert "Lianxi" not in html and "Donghu" in html
    chart = response.context["chart"]
    index = chart["region"]["labels"].index("Donghu District")
    assert chart["region"]["register"][index] == 2 and chart["region"]["inspected"][index] == 1
    # a year out of range falls back to this one; a past year is empty
    response = client.get(reverse("inspection:figures"), {"year": "1066"})
    assert response.context["figures"].year == timezone.localdate().year
    response = client.get(reverse("inspection:figures"), {"year": timezone.localdate().year - 1})
    assert response.context["figures"].total.inspected == 0


def test_excel_export_holds_the_same_numbers(client, world, province_regulator):
    client.force_login(province_regulator)
    response = client.get(reverse("inspection:figures"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == (
        "Table",
        "Row",
        "Enterprises in the register",
        "Enterprises inspected",
        "Coverage %",
    )
    table = {(r[0], r[1]): dict(zip(header, r, strict=True)) for r in rows[1:]}
    nanchang = table[("Coverage by jurisdiction", "Nanchang City")]
    assert (nanchang["Enterprises in the register"], nanchang["Enterprises inspected"]) == (3, 1)
    assert nanchang["Coverage %"] == 33.3
    assert table[("Coverage by jurisdiction", "Total")]["Enterprises inspected"] == 2
    pharmacies = table[("Coverage by enterprise type", "Independent retail pharmacy")]
    assert (pharmacies["Enterprises in the register"], pharmacies["Coverage %"]) == (3, 66.7)
    gsp = table[("Findings by checklist kind", "GSP, retail pharmacy")]
    assert (gsp["Critical"], gsp["Major"], gsp["Minor"], gsp["Findings"]) == (1, 1, 1, 3)
    late = table[("Overdue items by jurisdiction", "Nanchang City")]
    assert (late["Inspections past due"], late["Rectifications overdue"]) == (1, 1)
    assert AuditEntry.objects.filter(action="inspection.figures.export").exists()


def test_enterprises_and_anonymous_users_do_not_get_the_figures(client, world, enterprise_master):
    url = reverse("inspection:figures")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(enterprise_master)
    assert client.get(url).status_code == 404
    assert client.get(url, {"format": "xlsx"}).status_code == 404
    assert figures.figures(enterprise_master).by_region == []
