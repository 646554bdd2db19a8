"""Matters read in the reader's language (pages, API, export, to-dos, messages), the shipped
data installer gives existing matters their English names, and a correction notice's items
are punctuated the way the reader's language punctuates."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from yaojian.core import shipped
from yaojian.licensing import services
from yaojian.licensing.catalogue import MATTERS
from yaojian.licensing.models import Matter

from .test_pages import submitted

pytestmark = pytest.mark.django_db

API = "/api/v1/licensing"


def reader(language: str, user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def own_matter(matters):
    """A matter an administrator added with a Chinese name only."""
    spec = next(spec for spec in MATTERS if spec["code"] == "drug-retail-new")
    return Matter.objects.create(
        **{**spec, "code": "local-pharmacy-notice", "name": "本省药房告知事项", "name_en": ""}
    )


# --- pages -----------------------------------------------------------------------------------------


def test_the_hall_names_matters_in_english_for_an_english_reader(client, matters, own_matter):
    body = reader("en").get(reverse("licensing:hall")).content.decode()
    for matter in matters.values():
        assert matter.name_en in body
        assert matter.name not in body
    # without an English name, the Chinese one rather than nothing
    assert own_matter.name in body


def test_the_hall_names_matters_in_chinese_for_a_chinese_reader(client, matters):
    body = reader("zh-hans").get(reverse("licensing:hall")).content.decode()
    for matter in matters.values():
        assert matter.name in body
        assert matter.name_en not in body


def test_regulators_pages_and_export_name_the_matter_in_their_language(
    matters, applicant, city_staff
):
    application = submitted(applicant)
    services.application_accept(actor=city_staff["reviewer"], application_id=application.pk)
    matter = application.matter
    leader = city_staff["leader"]
    pages = [
        reverse("licensing:application_list"),
        reverse("licensing:application_detail", args=[application.pk]),
        reverse("licensing:efficiency"),
    ]
    for language, shown, hidden in (
        ("en", matter.name_en, matter.name),
        ("zh-hans", matter.name, matter.name_en),
    ):
        client = reader(language, leader)
        for url in pages:
            body = client.get(url).content.decode()
            assert shown in body and hidden not in body, (language, url)
        export = client.get(pages[0], {"export": "xlsx"})
        rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
        assert rows[1][1] == shown


def test_the_applicant_reads_the_matter_in_their_language(matters, applicant):
    application = submitted(applicant)
    url = reverse("licensing:my_application", args=[application.pk])
    english = reader("en", applicant).get(url).content.decode()
    chinese = reader("zh-hans", applicant).get(url).content.decode()
    assert application.matter.name_en in english and application.matter.name not in english
    assert application.matter.name in chinese and application.matter.name_en not in chinese


# --- the API ---------------------------------------------------------------------------------------


def test_the_catalogue_api_gives_both_names_and_the_callers(client, matters, own_matter):
    english = {m["code"]: m for m in reader("en").get(f"{API}/matters").json()}
    chinese = {m["code"]: m for m in reader("zh-hans").get(f"{API}/matters").json()}
    for code, matter in matters.items():
        for answer in (english[code], chinese[code]):
            assert (answer["name"], answer["name_en"]) == (matter.name, matter.name_en)
        assert english[code]["display_name"] == matter.name_en
        assert chinese[code]["display_name"] == matter.name
    assert english[own_matter.code]["display_name"] == own_matter.name


def test_the_applications_api_names_the_matter_in_the_callers_language(matters, applicant):
    application = submitted(applicant)
    matter = application.matter
    for language, name in (("en", matter.name_en), ("zh-hans", matter.name)):
        client = reader(language, applicant)
        [listed] = client.get(f"{API}/applications").json()["items"]
        detail = client.get(f"{API}/applications/{application.pk}").json()
        assert listed["matter_name"] == detail["matter_name"] == name
        assert listed["matter"] == matter.code


# --- to-dos and messages ---------------------------------------------------------------------------


def test_a_review_to_do_names_the_matter_in_each_readers_language(matters, applicant, city_staff):
    application = submitted(applicant)
    with translation.override("en"):  # posted by a reviewer who reads English
        services.application_accept(actor=city_staff["reviewer"], application_id=application.pk)
    matter, number = application.matter, application.number

    def review_todo(language: str) -> dict:
        todos = reader(language, city_staff["reviewer"]).get("/api/v1/todos").json()
        [todo] = [t for t in todos if t["kind"] == "licensing.review"]
        return todo

    assert review_todo("en")["title"] == f"Review application {number}: {matter.name_en}"
    assert review_todo("zh-hans")["title"] == f"审查申请{number}：{matter.name}"


def test_the_correction_message_is_punctuated_in_each_readers_language(
    matters, applicant, city_staff
):
    application = submitted(applicant)
    with translation.override("en"):  # the reviewer reads English, the items are as typed
        services.application_request_correction(
            actor=city_staff["reviewer"],
            application_id=application.pk,
            items=[
                {"item": "营业执照", "reason": "复印件不清晰"},
                {"item": "平面布局图", "reason": ""},
            ],
        )
    number = application.number

    def correction_message(language: str) -> str:
        messages = reader(language, applicant).get("/api/v1/messages").json()
        [message] = [m for m in messages if "平面布局图" in m["subject"]]
        return message["body"]

    assert correction_message("en") == (
        f"Application {number} needs corrections: 营业执照 (复印件不清晰); 平面布局图"
    )
    assert (
        correction_message("zh-hans")
        == f"申请{number}需要补正：营业执照（复印件不清晰）；平面布局图"
    )
    page = reverse("licensing:my_application", args=[application.pk])
    english = reader("en", applicant).get(page).content.decode()
    assert "<strong>营业执照</strong>: 复印件不清晰" in english
    chinese = reader("zh-hans", applicant).get(page).content.decode()
    assert "<strong>营业执照</strong>：复印件不清晰" in chinese


# --- the shipped data ------------------------------------------------------------------------------


def test_the_installer_names_existing_matters_in_english(matters):
    unnamed, renamed, edited = "drug-retail-new", "drug-wholesale-new", "online-drug-sales-filing"
    Matter.objects.filter(code__in=[unnamed, renamed]).update(name_en="")
    Matter.objects.filter(code=renamed).update(name="本局调整后的批发事项")
    Matter.objects.filter(code=edited).update(name_en="Online drug sales report")
    out = io.StringIO()
    call_command("install_shipped_data", stdout=out)
    assert "licensing: 0 added" in out.getvalue()  # named, not added
    shipped_en = {spec["code"]: spec["name_en"] for spec in MATTERS}
    assert Matter.objects.get(code=unnamed).name_en == shipped_en[unnamed]
    # the administrators' own name and English name stay theirs
    assert Matter.objects.get(code=renamed).name_en == ""
    assert Matter.objects.get(code=edited).name_en == "Online drug sales report"
    assert shipped.install()["licensing"] == 0


def test_every_shipped_matter_has_an_english_name(matters):
    assert len(matters) == len(MATTERS)
    assert all(matter.name_en.strip() for matter in Matter.objects.all())
    assert len({matter.name_en for matter in matters.values()}) == len(matters)


def test_efficiency_counts_each_bureau_once_in_every_language(matters, applicant, city_staff):
    """Decided and still open applications of one bureau meet on one row, whichever language
    names the bureau (they were counted under its English and its Chinese name apart)."""
    from django.utils import timezone

    from yaojian.licensing import selectors
    from yaojian.licensing.choices import Status
    from yaojian.licensing.models import Application

    decided, still_open = submitted(applicant), submitted(applicant)
    for application in (decided, still_open):
        services.application_accept(actor=city_staff["reviewer"], application_id=application.pk)
    # decided: the counting reads only the decision's status and time
    Application.objects.filter(pk=decided.pk).update(
        status=Status.ISSUED, decided_at=timezone.now()
    )
    bureau = decided.handling_bureau
    for language, name in (("en", bureau.name_en), ("zh-hans", bureau.name)):
        with translation.override(language):
            rows = selectors.efficiency(city_staff["leader"])["by_bureau"]
        assert [(row["name"], row["decided"], row["open"]) for row in rows] == [(name, 1, 1)]
