"""The case's to-dos and the party's messages read in each reader's language, whatever the
language of the officer whose step posted them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from yaojian.enforcement import services
from yaojian.testing import factories

from . import factories as f

pytestmark = pytest.mark.django_db


def reader(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def todos(user, language: str, kind: str) -> list[dict]:
    return [t for t in reader(user, language).get("/api/v1/todos").json() if t["kind"] == kind]


def test_a_transfer_to_do_names_the_sending_bureau_in_the_readers_language(
    officers, approver, donghu, province
):
    case = f.filed(officers, approver, donghu)
    with translation.override("en"):
        services.case_transfer_out(
            actor=officers[0], case_id=case.pk, bureau_code="360100", reason="属上级局管辖"
        )
    city_officer = f.officer("360100")
    county = factories.bureau("360102")
    [english] = todos(city_officer, "en", "case_transfer")
    [chinese] = todos(city_officer, "zh-hans", "case_transfer")
    assert english["title"] == f"Accept a case transferred by {county.name_en}"
    assert chinese["title"] == f"接收 {county.name} 移送的案件"
    assert english["body"] == chinese["body"] == "属上级局管辖"  # the officer's words, as typed


def test_the_party_reads_the_rights_notice_in_its_own_language(officers, approver, donghu):
    party = factories.enterprise_user(donghu, master=True)
    case = f.filed(officers, approver, donghu)
    with translation.override("en"):
        case = f.notified(case, officers[0])
    [english] = reader(party, "en").get("/api/v1/messages").json()
    [chinese] = reader(party, "zh-hans").get("/api/v1/messages").json()
    assert english["subject"] == (f"Notice of a proposed administrative penalty: {case.number}")
    assert chinese["subject"] == f"行政处罚事先告知书：{case.number}"
    assert english["body"].startswith(f"You may state your case by {case.statement_due}.")
    assert chinese["body"].startswith(f"您可在{case.statement_due}前进行陈述申辩。")
    assert case.hearing_right
    assert english["body"].endswith(f"You may request a hearing by {case.hearing_request_due}.")
    assert chinese["body"].endswith(f"您可在{case.hearing_request_due}前申请听证。")


def test_the_case_on_the_enterprise_file_reads_in_each_readers_language(officers, approver, donghu):
    with translation.override("en"):  # the officers read in English
        case = f.filed(officers, approver, donghu)
        case = f.notified(case, officers[0])
    url = f"/api/v1/registry/enterprises/{donghu.pk}/file?kind=penalty"
    english = [e["title"] for e in reader(approver, "en").get(url).json()["timeline"]]
    chinese = reader(approver, "zh-hans").get(url).json()["timeline"]
    assert english == [
        f"Notice of proposed penalty served: {case.number}",
        f"Penalty case filed: {case.number}",
    ]
    assert [e["title"] for e in chinese] == [
        f"已送达行政处罚事先告知书：{case.number}",
        f"已立案：{case.number}",
    ]
    # the case's title is the officers' words: the same for every reader
    assert chinese[1]["summary"] == case.title
