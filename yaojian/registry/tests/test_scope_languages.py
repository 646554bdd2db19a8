"""Licence scopes are stored and printed in Chinese; readers of English read them in English,
on the licence pages, in the Excel export and in the API, through one glossary."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from yaojian.accounts.choices import Role
from yaojian.registry.scopes import SCOPE_ENGLISH, display_scope, display_scope_item
from yaojian.testing import factories

SCOPE = "处方药、甲类非处方药：中成药、生物制品（除疫苗）"
ENGLISH = (
    "Prescription drugs, Class A OTC drugs: Chinese patent medicines, "
    "Biological products (excluding vaccines)"
)


def test_scope_items_read_through_the_glossary():
    with translation.override("en"):
        assert display_scope_item("甲类非处方药") == "Class A OTC drugs"
        assert display_scope_item("6815 注射穿刺器械") == "6815 Injection and puncture instruments"
        assert display_scope_item("本局自定范围") == "本局自定范围"  # unknown: as stored
        # a licence's scope text: the longest item wins, punctuation follows the reader
        assert display_scope("生物制品（除疫苗）、化学原料药：中成药") == (
            "Biological products (excluding vaccines), Chemical active pharmaceutical "
            "ingredients: Chinese patent medicines"
        )
        assert display_scope(["处方药", "08 呼吸、麻醉和急救器械"]) == (
            "Prescription drugs; 08 Respiratory, anaesthesia and emergency devices"
        )
        assert display_scope(SCOPE) == ENGLISH
    with translation.override("zh-hans"):
        assert display_scope_item("甲类非处方药") == "甲类非处方药"
        assert display_scope(["处方药", "中成药"]) == "处方药、中成药"
        assert display_scope(SCOPE) == SCOPE
    assert all(english and english != chinese for chinese, english in SCOPE_ENGLISH.items())


def _reader(user, language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_licence_reads_its_scope_in_the_readers_language(province, enterprises):
    approver = factories.regulator("360100", roles=[Role.APPROVER])
    licence = factories.LicenceFactory(holder=enterprises["donghu"], scope=SCOPE)
    for language, expected, absent in (("en", ENGLISH, SCOPE), ("zh-hans", SCOPE, ENGLISH)):
        reader = _reader(approver, language)
        page = reader.get(reverse("registry:licence_detail", args=[licence.pk])).content.decode()
        assert expected in page and absent not in page
        export = reader.get(reverse("registry:licence_list"), {"export": "xlsx"})
        rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
        scope_column = [str(cell) for cell in rows[0]].index(
            "Scope" if language == "en" else "经营（生产）范围"
        )
        assert rows[1][scope_column] == expected
        answer = reader.get(f"/api/v1/registry/licences/{licence.pk}").json()
        assert answer["scope"] == SCOPE  # as stored and printed
        assert answer["scope_display"] == expected


def test_a_scope_with_a_part_the_glossary_does_not_know_reads_as_stored():
    own = "处方药、本局自定范围：中成药"
    with translation.override("en"):
        assert display_scope(own) == own  # not "Prescription drugs, 本局自定范围: ..."
        # a contract manufacturer's name is a name: kept, the rest read in English
        assert display_scope("委托生产：片剂、丸剂（浓缩丸）（受托方：江西赣康药业有限公司）") == (
            "Contract manufacturing: Tablets, Pills (concentrated pills) "
            "(contract manufacturer: 江西赣康药业有限公司)"
        )
        assert display_scope("第二类医疗器械：07医用诊察和监护器械，14注输、护理和防护器械") == (
            "Class II medical devices: 07 Medical diagnostic and monitoring devices, "
            "14 Infusion, nursing and protective devices"
        )


def test_every_scope_of_the_demo_registers_reads_in_english():
    """The demo shows English readers English scopes, names of manufacturers apart."""
    import datetime as dt
    import re

    from yaojian.demo.generator import ProvinceGenerator
    from yaojian.demo.registers import RegisterGenerator

    rows = list(ProvinceGenerator(2026).enterprises(600))
    registers = RegisterGenerator(2026, today=dt.date(2026, 11, 20)).registers(rows)
    scopes = {licence.scope for licence in registers.licences if licence.scope}
    assert len(scopes) > 50
    with translation.override("en"):
        for scope in scopes:
            english = re.sub(r"contract manufacturer: [^)]+", "", display_scope(scope))
            assert not re.search(r"[\u3400-\u9fff]", english), scope
