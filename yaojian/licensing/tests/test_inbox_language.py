"""The service hall's to-dos and the applicant's messages read in each reader's language,
whatever the language of the person whose step posted them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from yaojian.licensing import services

from .test_flow import draft

pytestmark = pytest.mark.django_db


def reader(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_submission_to_do_and_receipt_read_in_each_language(matters, applicant, city_staff):
    application = draft(applicant)
    with translation.override("en"):  # the applicant reads the hall in English
        services.application_submit(actor=applicant, application_id=application.pk)
    application.refresh_from_db()
    number, matter = application.number, application.matter
    assert matter.name_en  # a shipped matter, named in both languages
    reviewer = city_staff["reviewer"]
    [english] = [
        t
        for t in reader(reviewer, "en").get("/api/v1/todos").json()
        if t["kind"] == "licensing.accept"
    ]
    [chinese] = [
        t
        for t in reader(reviewer, "zh-hans").get("/api/v1/todos").json()
        if t["kind"] == "licensing.accept"
    ]
    assert english["title"] == f"Accept or correct application {number}: {matter.name_en}"
    assert chinese["title"] == f"受理或通知补正申请{number}：{matter.name}"
    [message] = reader(applicant, "zh-hans").get("/api/v1/messages").json()
    assert message["subject"].startswith(f"申请{number}")
    [message] = reader(applicant, "en").get("/api/v1/messages").json()
    assert message["subject"].startswith(f"Application {number} was received")


def test_the_acceptance_message_is_in_the_applicants_language(matters, applicant, city_staff):
    application = draft(applicant)
    services.application_submit(actor=applicant, application_id=application.pk)
    with translation.override("en"):  # the reviewer reads in English
        services.application_accept(actor=city_staff["reviewer"], application_id=application.pk)
    application.refresh_from_db()
    accepted = [
        m
        for m in reader(applicant, "zh-hans").get("/api/v1/messages").json()
        if "已受理" in m["subject"]
    ]
    assert [m["body"] for m in accepted] == [
        f"您的申请{application.number}已受理，将于{application.deadline}前作出决定。"
    ]
    page = reader(applicant, "en").get(reverse("portal:messages")).content.decode()
    assert f"Your application {application.number} was accepted" in page


def test_the_inspection_on_the_enterprise_file_reads_in_each_language(
    matters, applicant, city_staff, pharmacy
):
    application = draft(applicant)
    services.application_submit(actor=applicant, application_id=application.pk)
    services.application_accept(actor=city_staff["reviewer"], application_id=application.pk)
    services.application_start_inspection(
        actor=city_staff["reviewer"], application_id=application.pk
    )
    with translation.override("en"):  # the inspector reads in English
        services.application_finish_inspection(
            actor=city_staff["inspector"],
            application_id=application.pk,
            passed=False,
            report="无执业药师在岗",
        )
    matter = application.matter
    url = f"/api/v1/registry/enterprises/{pharmacy.pk}/file?kind=inspection"
    [english] = reader(city_staff["reviewer"], "en").get(url).json()["timeline"]
    [chinese] = reader(city_staff["reviewer"], "zh-hans").get(url).json()["timeline"]
    assert english["title"] == f"On-site inspection for {matter.name_en}: not passed"
    assert chinese["title"] == f"{matter.name}现场检查：不通过"
    # the inspector's report is their own words, the same for every reader
    assert english["summary"] == chinese["summary"] == "无执业药师在岗"
