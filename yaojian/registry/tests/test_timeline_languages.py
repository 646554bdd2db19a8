"""The files' timeline reads in the reader's language, whoever posted a fact and in what language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from yaojian.accounts.choices import Role
from yaojian.registry import services
from yaojian.registry.models import TimelineEvent
from yaojian.registry.services import bulk
from yaojian.testing import factories

# the Chinese of msgids already in the catalogue
SUSPENDED_EN = "Drug trading licence (retail) {}: Valid → Suspended"
SUSPENDED_ZH = "药品经营许可证（零售） {}：有效 → 暂停"
REASON = "洪市监处罚〔2026〕12号"


@pytest.fixture
def approver(province):
    return factories.regulator("360100", roles=[Role.APPROVER])


def _reader(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _suspended_in_english(approver, holder):
    """An approver reading in English suspends a licence: the fact goes on the holder's file."""
    licence = factories.LicenceFactory(holder=holder, kind="drug_retail", status="valid")
    with translation.override("en"):
        services.licence_set_status(
            actor=approver, licence_id=licence.pk, status="suspended", reason=REASON
        )
    return licence


def test_the_enterprise_file_page_shows_the_timeline_in_the_readers_language(
    approver, county_regulator, enterprises
):
    holder = enterprises["donghu"]
    licence = _suspended_in_english(approver, holder)
    url = reverse("registry:enterprise_detail", args=[holder.pk])
    english = _reader(county_regulator, "en").get(url).content.decode()
    chinese = _reader(county_regulator, "zh-hans").get(url).content.decode()
    assert SUSPENDED_EN.format(licence.number) in english
    assert SUSPENDED_ZH.format(licence.number) not in english
    assert SUSPENDED_ZH.format(licence.number) in chinese
    assert SUSPENDED_EN.format(licence.number) not in chinese
    # the reason is the officer's words: the same for every reader
    assert REASON in english and REASON in chinese
    partial = (
        _reader(county_regulator, "en")
        .get(url, {"part": "timeline"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert SUSPENDED_EN.format(licence.number) in partial


def test_the_file_api_gives_the_timeline_in_the_callers_language(
    approver, county_regulator, enterprises
):
    holder = enterprises["donghu"]
    licence = _suspended_in_english(approver, holder)
    url = f"/api/v1/registry/enterprises/{holder.pk}/file"
    [english] = _reader(county_regulator, "en").get(url).json()["timeline"]
    [chinese] = _reader(county_regulator, "zh-hans").get(url).json()["timeline"]
    assert english["title"] == SUSPENDED_EN.format(licence.number)
    assert chinese["title"] == SUSPENDED_ZH.format(licence.number)
    assert english["summary"] == chinese["summary"] == REASON


def test_the_plain_columns_hold_the_default_language(approver, enterprises, settings):
    licence = _suspended_in_english(approver, enterprises["donghu"])
    event = TimelineEvent.objects.get(enterprise=licence.holder, kind="licence")
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert event.title == SUSPENDED_ZH.format(licence.number)
    assert event.title_i18n == {
        "zh-hans": SUSPENDED_ZH.format(licence.number),
        "en": SUSPENDED_EN.format(licence.number),
    }
    assert (event.summary, event.summary_i18n) == (REASON, {})


def test_a_bureaus_name_is_data_read_in_the_readers_language(approver, county_regulator, province):
    """Registration by a bureau: its name comes out in each language, not the poster's."""
    bureau = approver.bureau
    assert bureau.name != bureau.name_en
    with translation.override("en"):
        enterprise = services.enterprise_create(
            actor=approver,
            uscc=factories.EnterpriseFactory.build().uscc,
            name="南昌市东湖区益寿堂药店",
            kind="retail_pharmacy",
            region_code="360102",
            address="南昌市东湖区八一大道1号",
            legal_representative="张三",
        )
    url = f"/api/v1/registry/enterprises/{enterprise.pk}/file"
    [english] = _reader(county_regulator, "en").get(url).json()["timeline"]
    [chinese] = _reader(county_regulator, "zh-hans").get(url).json()["timeline"]
    assert english["title"] == f"Entered in the register by {bureau.name_en}"
    assert chinese["title"] == f"由{bureau.name}录入名录"


def test_an_old_row_shows_its_stored_text(county_regulator, enterprises):
    holder = enterprises["donghu"]
    TimelineEvent.objects.create(
        enterprise=holder,
        kind="inspection",
        source="inspection",
        title="日常检查：未发现问题",
        summary="旧的摘要",
        region_code=holder.region_code,
    )
    url = f"/api/v1/registry/enterprises/{holder.pk}/file"
    [event] = _reader(county_regulator, "en").get(url).json()["timeline"]
    assert (event["title"], event["summary"]) == ("日常检查：未发现问题", "旧的摘要")
    page = (
        _reader(county_regulator, "en")
        .get(reverse("registry:enterprise_detail", args=[holder.pk]))
        .content.decode()
    )
    assert "日常检查：未发现问题" in page and "旧的摘要" in page


def test_a_plain_string_is_kept_as_given_and_a_long_title_is_cut_in_every_language(enterprises):
    holder = enterprises["donghu"]
    plain = services.timeline_post(
        source="x", kind="complaint", enterprise=holder, title="投诉", summary="举报人写的内容"
    )
    plain.refresh_from_db()
    assert (plain.title, plain.title_i18n, plain.summary, plain.summary_i18n) == (
        "投诉",
        {},
        "举报人写的内容",
        {},
    )
    with translation.override("en"):
        assert plain.title_text == "投诉" and plain.summary_text == "举报人写的内容"
    long = services.timeline_post(
        source="x",
        kind="complaint",
        enterprise=holder,
        title={"zh-hans": "长" * 150, "en": "long " * 60},
    )
    long.refresh_from_db()
    assert long.title == "长" * 150
    assert len(long.title_i18n["en"]) == 200 and long.title_i18n["en"].endswith("…")


def test_the_product_file_reads_in_the_readers_language(county_regulator, province):
    product = factories.ProductFactory()
    services.timeline_post(
        source="sampling",
        kind="sampling",
        product=product,
        title={"zh-hans": "抽检合格", "en": "Sampled: conforming"},
    )
    url = f"/api/v1/registry/products/{product.pk}/file"
    [english] = _reader(county_regulator, "en").get(url).json()["timeline"]
    [chinese] = _reader(county_regulator, "zh-hans").get(url).json()["timeline"]
    assert (english["title"], chinese["title"]) == ("Sampled: conforming", "抽检合格")
    page = (
        _reader(county_regulator, "en")
        .get(reverse("registry:product_detail", args=[product.pk]))
        .content.decode()
    )
    assert "Sampled: conforming" in page and "抽检合格" not in page


def test_an_import_puts_facts_on_the_files_in_every_language(approver, enterprises):
    """The bulk writer (the data centre's imports) keeps the texts per language as well."""
    holder = enterprises["donghu"]
    today = timezone.localdate()
    number = factories.licence_number("drug_retail", holder.region_code)
    row = bulk.Row(
        number=2,
        values={
            "number": number,
            "kind": "drug_retail",
            "holder_uscc": holder.uscc,
            "scope": "处方药、甲类非处方药",
            "valid_from": today,
            "valid_until": today.replace(year=today.year + 4),
            "status": "valid",
        },
    )
    with translation.override("en"):
        outcomes = bulk.prepare("licences", approver, [row])
        assert outcomes[0].ok, outcomes[0].errors
        bulk.make_ready("licences", outcomes)
        bulk.apply("licences", approver, outcomes)
    event = TimelineEvent.objects.get(enterprise=holder, kind="licence")
    with translation.override("en"):
        assert event.title_text.startswith(f"Drug trading licence (retail) {number} entered")
    with translation.override("zh-hans"):
        assert event.title_text.startswith(f"药品经营许可证（零售） {number} 已录入")
