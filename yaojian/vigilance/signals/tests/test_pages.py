"""The signal pages: home, run with its filterable table and charts, review pages."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from yaojian.testing import factories
from yaojian.vigilance.signals import services
from yaojian.vigilance.signals.models import Signal, SignalRun
from yaojian.vigilance.signals.tests.conftest import minimal_rows, varied_rows

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def finished_run(analyst):
    run = SignalRun.objects.create(
        trigger="manual", parameters=services.clean_parameters({}), requested_by=analyst
    )
    return services.run_execute(run.pk, rows=minimal_rows())


def test_home_lists_runs_and_starts_one(analyst, finished_run, django_capture_on_commit_callbacks):
    client = _client(analyst)
    response = client.get(reverse("vigilance:signal_home"))
    assert response.status_code == 200
    assert f'href="{reverse("vigilance:signal_run", args=[finished_run.pk])}"' in response.text
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("vigilance:signal_run_start"), {"preset": "standard", "stratify": "on"}
        )
    run = SignalRun.objects.exclude(pk=finished_run.pk).get()
    assert response.status_code == 302 and response["Location"].endswith(f"/runs/{run.pk}/")
    response = client.post(
        reverse("vigilance:signal_run_start"), {"since": "not a date"}, follow=True
    )
    assert "since" in response.text
    assert SignalRun.objects.count() == 2


def test_run_page_filters_and_charts(analyst):
    run = SignalRun.objects.create(trigger="manual", parameters=services.clean_parameters({}))
    run = services.run_execute(run.pk, rows=varied_rows())
    assert run.hyperparameters["converged"]
    client = _client(analyst)
    url = reverse("vigilance:signal_run", args=[run.pk])
    response = client.get(url, {"method": ["prr"], "min_n": 3, "product": "甲药片"})
    assert response.status_code == 200
    assert "甲药片" in response.text and 'data-testid="fit-not-confirmed"' not in response.text
    found = re.search(r'id="data-signal-charts"[^>]*>(.*?)</script>', response.text, re.S)
    charts = json.loads(found.group(1))
    assert charts["product"] == "甲药片"
    assert any(row["event"] == "皮疹" for row in charts["intervals"])
    assert charts["volcano"]
    # the htmx partial is the table alone
    partial = client.get(url, {"event": "不存在的事件"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.text and 'data-testid="no-results"' in partial.text


def test_a_table_too_small_for_mgps_says_so(analyst, finished_run):
    assert not finished_run.hyperparameters["converged"]
    assert not SignalRun.objects.get(pk=finished_run.pk).results.filter(ebgm__isnull=False).exists()
    response = _client(analyst).get(reverse("vigilance:signal_run", args=[finished_run.pk]))
    assert 'data-testid="fit-not-confirmed"' in response.text


def test_a_registered_product_is_linked(analyst):
    holder = factories.EnterpriseFactory(kind="mah", region_code="360102")
    product = factories.ProductFactory(name="甲药片", holder=holder, manufacturer=holder)
    run = SignalRun.objects.create(trigger="manual", parameters=services.clean_parameters({}))
    services.run_execute(run.pk, rows=minimal_rows())
    response = _client(analyst).get(
        reverse("vigilance:signal_run", args=[run.pk]), {"product": "甲药片"}
    )
    assert reverse("registry:product_detail", args=[product.pk]) in response.text
    assert Signal.objects.get(product="甲药片", event="皮疹").product_ref == product


def test_review_pages(analyst, finished_run):
    client = _client(analyst)
    signal = Signal.objects.get(product="甲药片", event="皮疹")
    response = client.get(reverse("vigilance:signal_list"), {"status": "new"})
    assert reverse("vigilance:signal_detail", args=[signal.pk]) in response.text
    step = reverse("vigilance:signal_step", args=[signal.pk])
    client.post(step, {"step": "assess"})
    response = client.post(step, {"step": "validate", "note": ""}, follow=True)
    assert (
        "Give the reasons" in response.text
        or "给出" in response.text
        or response.status_code == 200
    )
    signal.refresh_from_db()
    assert signal.status == "assessing"
    client.post(step, {"step": "validate", "note": "证据充分"})
    signal.refresh_from_db()
    assert signal.status == "validated"
    page = client.get(reverse("vigilance:signal_detail", args=[signal.pk]))
    assert "证据充分" in page.text


def test_pages_are_scoped(leader, city_analyst, enterprises, finished_run):
    signal = Signal.objects.first()
    assert _client(leader).get(reverse("vigilance:signal_home")).status_code == 200
    assert (
        _client(leader)
        .post(reverse("vigilance:signal_step", args=[signal.pk]), {"step": "assess"})
        .status_code
        == 403
    )
    assert _client(city_analyst).get(reverse("vigilance:signal_home")).status_code == 403
    enterprise_user = factories.enterprise_user(enterprises["donghu"], master=True)
    assert _client(enterprise_user).get(reverse("vigilance:signal_list")).status_code == 404
    assert (
        _client(enterprise_user)
        .get(reverse("vigilance:signal_run", args=[finished_run.pk]))
        .status_code
        == 404
    )
    anonymous = Client().get(reverse("vigilance:signal_home"))
    assert anonymous.status_code == 302
