"""The review to-do of a serious case reads in the reviewer's language, whatever the language
the hospital submitted in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from yaojian.vigilance import services
from yaojian.vigilance.tests.factories import case_data

pytestmark = pytest.mark.django_db


def review_todos(user, language: str) -> list[dict]:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return [t for t in client.get("/api/v1/todos").json() if t["kind"] == "adr_review"]


def test_the_serious_case_to_do_reads_in_the_reviewers_language(
    hospital, county_centre, django_capture_on_commit_callbacks
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        case = services.case_submit(actor=hospital, data=case_data(serious=True))
    [english] = review_todos(county_centre, "en")
    [chinese] = review_todos(county_centre, "zh-hans")
    assert english["title"] == f"Review serious adverse-reaction case {case.case_number}"
    assert chinese["title"] == f"审核严重不良反应病例{case.case_number}"
