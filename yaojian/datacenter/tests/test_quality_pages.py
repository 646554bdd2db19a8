"""The data-quality pages: scope per bureau level, drill-down, Excel export, chart and table.

Planted in three divisions: Donghu (360102) and Xihu (360103) of Nanchang, Lianxi (360402) of
Jiujiang. A county sees its own, the city its counties, the province its cities; the
drill-down and the export never show what lies outside.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yaojian.accounts.choices import Role
from yaojian.datacenter.quality import selectors
from yaojian.datacenter.quality.checks import BY_CODE, checks_of
from yaojian.registry.models import Person
from yaojian.testing import factories

OVERVIEW = reverse("datacenter:quality")
NANCHANG = {"latitude": 28.68, "longitude": 115.89}


def findings_url(code: str) -> str:
    return reverse("datacenter:quality_findings", args=[code])


def _bad_uscc(region_code: str) -> str:
    good = factories.EnterpriseFactory.build(region_code=region_code).uscc
    return good[:-1] + ("1" if good[-1] != "1" else "2")


@pytest.fixture
def planted(province):
    """In each of the three divisions: an enterprise without phone (a database check), one
    with a broken credit code (a Python check) and a pharmacy without a pharmacist (the rule);
    products held in Donghu and in Lianxi and one whose holder is not in the register."""
    records = {}
    for key, code in {"donghu": "360102", "xihu": "360103", "lianxi": "360402"}.items():
        records[key] = {
            "no_phone": factories.EnterpriseFactory(region_code=code, phone="", **NANCHANG),
            "bad_uscc": factories.EnterpriseFactory(
                region_code=code, uscc=_bad_uscc(code), **NANCHANG
            ),
        }
        for enterprise in records[key].values():
            Person.objects.create(
                enterprise=enterprise,
                role="licensed_pharmacist",
                name="测试药师",
                certificate_number=f"ZY{enterprise.pk:010d}",
                category="pharmacy",
                id_number_hash=f"hash-{enterprise.pk}",
                registered_until=timezone.localdate().replace(year=2099),
            )
        records[key]["no_pharmacist"] = factories.EnterpriseFactory(region_code=code, **NANCHANG)
    for key, code, bad in (("donghu", "360102", "81"), ("lianxi", "360402", "82")):
        holder = factories.EnterpriseFactory(kind="mah", region_code=code)
        records[key]["bad_trace_code"] = factories.ProductFactory(
            holder=holder, trace_product_code=bad
        )
    records["nowhere"] = {
        "bad_trace_code": factories.ProductFactory(
            holder=None, manufacturer=None, holder_name="外省某药业有限公司", trace_product_code="8"
        )
    }
    return records


REGULATORS = {
    "province": ("360000", {"donghu", "xihu", "lianxi", "nowhere"}),
    "city": ("360100", {"donghu", "xihu"}),
    "county": ("360102", {"donghu"}),
    "other_county": ("360402", {"lianxi"}),
}
CHECKS = {
    "enterprise.phone_missing": "no_phone",
    "enterprise.uscc_invalid": "bad_uscc",
    "enterprise.pharmacy_without_pharmacist": "no_pharmacist",
    "product.trace_code_invalid": "bad_trace_code",
}


@pytest.fixture(params=sorted(REGULATORS))
def case(request, planted):
    code, visible = REGULATORS[request.param]
    user = factories.regulator(code, roles=[Role.INSPECTOR])
    return request.param, user, visible, planted


def _expected(planted, visible, record):
    return {planted[d][record].pk for d in visible if record in planted[d]}


def test_overview_counts_only_the_jurisdiction(case):
    _name, user, visible, planted = case
    report = selectors.overview(user)
    for code, record in CHECKS.items():
        assert report.results[code].total_found == len(_expected(planted, visible, record)), code


def test_rows_are_the_divisions_one_level_below(case):
    name, user, _visible, _planted = case
    report = selectors.overview(user)
    keys = [d.key for d in report.rows()]
    if name == "province":
        assert keys[:11] == [f"36{n:02d}00" for n in range(1, 12)]
        assert keys[11:] == ["none"]  # the product whose holder is not in the register
        assert report.results["enterprise.phone_missing"].found == {"360100": 2, "360400": 1}
        assert report.results["product.trace_code_invalid"].found == {
            "360100": 1,
            "360400": 1,
            "none": 1,
        }
    elif name == "city":
        assert "360102" in keys and "360103" in keys and "360402" not in keys
        assert all(k.startswith("3601") for k in keys)
        assert report.results["enterprise.uscc_invalid"].found == {"360102": 1, "360103": 1}
    else:
        assert keys == [user.bureau.region_code]


def test_drill_down_never_shows_what_lies_outside(client, case):
    _name, user, visible, planted = case
    client.force_login(user)
    for code, record in CHECKS.items():
        response = client.get(findings_url(code))
        assert response.status_code == 200
        assert {row["pk"] for row in response.context["rows"]} == _expected(
            planted, visible, record
        )
        hidden = {d for d in planted if d not in visible}
        page = response.content.decode()
        for division in hidden:
            obj = planted[division].get(record)
            if obj is not None:
                assert f'data-pk="{obj.pk}"' not in page
                assert obj.name not in page


def test_drill_down_by_division_and_outside_rows_are_404(client, planted, city_regulator):
    client.force_login(city_regulator)
    response = client.get(findings_url("enterprise.phone_missing"), {"division": "360103"})
    assert [row["pk"] for row in response.context["rows"]] == [planted["xihu"]["no_phone"].pk]
    response = client.get(findings_url("enterprise.uscc_invalid"), {"division": "360102"})
    assert [row["pk"] for row in response.context["rows"]] == [planted["donghu"]["bad_uscc"].pk]
    # a division outside the city, a province-only row, an unknown check: not found
    assert (
        client.get(findings_url("enterprise.phone_missing"), {"division": "360402"}).status_code
        == 404
    )
    assert (
        client.get(findings_url("product.trace_code_invalid"), {"division": "none"}).status_code
        == 404
    )
    assert client.get(findings_url("enterprise.nothing")).status_code == 404


@pytest.mark.parametrize("code", sorted(CHECKS))
@pytest.mark.parametrize("division", ["", "360102", "360103"])
def test_export_holds_exactly_the_drill_down_rows(client, planted, city_regulator, code, division):
    client.force_login(city_regulator)
    query = {"division": division} if division else {}
    page = client.get(findings_url(code), query)
    export = client.get(findings_url(code), {**query, "export": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    register = page.context["register"]
    assert len(rows[0]) == len(register.columns) + 2  # division, the register's, the finding
    exported = [row[1] for row in rows[1:]]  # the register's first column: the name
    shown = [r["cells"][0][1] for r in page.context["rows"]]
    assert exported == shown
    assert len(exported) == page.context["page"].paginator.count


def test_drill_down_is_paginated(client, province, county_regulator):
    for _ in range(30):
        factories.EnterpriseFactory(phone="")
    client.force_login(county_regulator)
    first = client.get(findings_url("enterprise.phone_missing"))
    second = client.get(findings_url("enterprise.phone_missing"), {"page": 2})
    assert len(first.context["rows"]) == 25 and len(second.context["rows"]) == 5
    assert not {r["pk"] for r in first.context["rows"]} & {r["pk"] for r in second.context["rows"]}
    export = client.get(findings_url("enterprise.phone_missing"), {"export": "xlsx"})
    assert load_workbook(io.BytesIO(export.content)).active.max_row == 31


LINKED = {
    "enterprise.phone_missing": "enterprise_detail",
    "licence.expired_still_valid": "licence_detail",
    "product.trace_code_invalid": "product_detail",
    "person.registration_expired": "person_detail",
}


@pytest.mark.parametrize("user_kind", ["province", "county"])
def test_each_finding_links_to_its_record_and_the_record_opens(client, planted, user_kind):
    donghu = planted["donghu"]["no_phone"]
    long_ago = timezone.localdate().replace(year=2020)
    factories.LicenceFactory(holder=donghu, valid_from=long_ago, valid_until=long_ago)
    Person.objects.create(
        enterprise=donghu,
        role="licensed_pharmacist",
        name="过期药师",
        certificate_number="ZY00360000009",
        category="pharmacy",
        registered_until=long_ago,
    )
    client.force_login(factories.regulator(REGULATORS[user_kind][0], roles=[Role.INSPECTOR]))
    for code, page_name in LINKED.items():
        response = client.get(findings_url(code))
        rows = response.context["rows"]
        assert rows, code
        for row in rows:
            assert row["link"] == reverse(f"registry:{page_name}", args=[row["pk"]])
            assert f'href="{row["link"]}"' in response.content.decode()
            assert client.get(row["link"]).status_code == 200, row["link"]


def _chart(response) -> dict:
    match = re.search(
        r'<script id="quality-chart-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


@pytest.mark.parametrize("register", ["enterprises", "licences", "products", "people"])
def test_chart_data_matches_the_table(client, planted, province_regulator, register):
    client.force_login(province_regulator)
    response = client.get(OVERVIEW, {"register": register})
    assert response.status_code == 200
    chart, table = _chart(response), response.context["table"]
    assert chart["divisions"] == [row["division"].name for row in table["rows"]]
    assert [s["code"] for s in chart["series"]] == [c.code for c in checks_of(register)]
    for index, series in enumerate(chart["series"]):
        column = [row["cells"][index] for row in table["rows"]]
        assert series["data"] == [cell["found"] for cell in column]
        assert series["urls"] == [cell["url"] for cell in column]
        assert sum(series["data"]) == table["totals"][index]["found"]
    # and the table's counts appear on the page as links to the drill-down
    page = response.content.decode()
    for row in table["rows"]:
        for cell in row["cells"]:
            if cell["found"]:
                assert f'<a href="{cell["url"].replace("&", "&amp;")}">{cell["found"]}</a>' in page


def test_overview_page_shows_the_counts(client, planted, city_regulator):
    client.force_login(city_regulator)
    response = client.get(OVERVIEW)
    page = response.content.decode()
    assert 'data-testid="total-enterprise.phone_missing"' in page
    assert re.search(r'data-testid="total-enterprise.phone_missing">2<', page)
    assert re.search(r'data-testid="found-enterprises">(\d+)<', page).group(1) == str(
        response.context["report"].found("enterprises")
    )
    assert 'src="/static/vendor/echarts/echarts.min.js"' in page
    assert "http://" not in page.replace("http://testserver", "") and "https://" not in page


def test_an_unknown_register_falls_back_to_enterprises(client, province, county_regulator):
    client.force_login(county_regulator)
    response = client.get(OVERVIEW, {"register": "<script>"})
    assert response.status_code == 200
    assert response.context["register"].key == "enterprises"


@pytest.mark.parametrize("user_kind", ["province", "city", "county"])
def test_pages_answer_200_to_regulators(client, province, user_kind):
    user = factories.regulator(REGULATORS[user_kind][0], roles=[Role.ANALYST])
    client.force_login(user)
    assert client.get(OVERVIEW).status_code == 200
    for register in ("licences", "products", "people"):
        assert client.get(OVERVIEW, {"register": register}).status_code == 200
    for code in BY_CODE:
        assert client.get(findings_url(code)).status_code == 200, code


def test_pages_are_404_for_enterprise_accounts(client, enterprises, enterprise_master):
    client.force_login(enterprise_master)
    assert client.get(OVERVIEW).status_code == 404
    assert client.get(findings_url("enterprise.phone_missing")).status_code == 404
    response = client.get(findings_url("enterprise.phone_missing"), {"export": "xlsx"})
    assert response.status_code == 404


def test_pages_send_the_anonymous_to_login(client, province):
    response = client.get(OVERVIEW)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_single_finding_never_shows_as_100_per_cent():
    from collections import Counter

    from yaojian.datacenter.quality import tables

    check = BY_CODE["licence.number_invalid"]
    result = selectors.CheckResult(check, Counter({"360100": 4000}), Counter({"360100": 1}))
    report = selectors.Overview("360000", [], {check.code: result}, timezone.now())
    (row,) = tables.checks_table(report, "licences")
    assert result.share_ok > 99.95 and row["share_shown"] == 99.9
    result.found.clear()
    assert tables.checks_table(report, "licences")[0]["share_shown"] == 100.0
