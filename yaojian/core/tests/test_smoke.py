import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_reports_database_and_tasks(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["tasks"]["status"] == "ok"


def test_regulator_home_shows_counts_of_own_jurisdiction(client, county_regulator, enterprises):
    client.force_login(county_regulator)
    response = client.get(reverse("workbench:home"))
    assert response.status_code == 200
    assert response.context["counts"]["enterprises"] == 1
