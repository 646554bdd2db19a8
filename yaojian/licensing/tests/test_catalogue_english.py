"""The catalogue's materials, form fields, choices and scope items read in the reader's
language (apply page, application pages, the review page, the API), while what is stored stays
the Chinese the licence prints; the installer and migration 0006 give existing databases the
English without overwriting what administrators wrote; a bad `choices_en` is refused."""

from __future__ import annotations

import copy
import importlib

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse
from django.utils import translation

from yaojian.core import shipped
from yaojian.licensing import prechecks, services
from yaojian.licensing.catalogue import MATTERS, fill_english_config
from yaojian.licensing.config import FieldSpec, validate_config
from yaojian.licensing.models import Application, Matter
from yaojian.registry.scopes import SCOPE_ENGLISH, display_scope_item

from .test_pages import SCOPE, draft, submitted

pytestmark = pytest.mark.django_db

API = "/api/v1/licensing"
RETAIL = "drug-retail-new"


def reader(language: str, user=None) -> Client:
    """A browser whose language cookie says `language` (as the language switcher sets it)."""
    client = Client()
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def spec_of(code: str) -> dict:
    return next(spec for spec in MATTERS if spec["code"] == code)


def english_and_chinese(code: str = RETAIL):
    """The shipped matter's material names, field labels and scope items, in both languages."""
    spec = spec_of(code)
    english = [m["name_en"] for m in spec["materials"]] + [
        f["label_en"] for f in spec["form_fields"]
    ]
    chinese = [m["name"] for m in spec["materials"]] + [f["label"] for f in spec["form_fields"]]
    return english, chinese


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- the shipped catalogue ----------------------------------------------------------------------


def test_every_shipped_material_field_and_choice_has_its_english():
    for matter in MATTERS:
        for material in matter["materials"]:
            assert material["name_en"].strip(), (matter["code"], material["code"])
        for field in matter["form_fields"]:
            assert field["label_en"].strip(), (matter["code"], field["name"])
            if field.get("choices"):
                assert len(field["choices_en"]) == len(field["choices"]), field["name"]
        # every scope item a licence may hold reads in English through the glossary
        assert all(item in SCOPE_ENGLISH for item in matter["scope_choices"]), matter["code"]


# --- configuration -------------------------------------------------------------------------------


def test_choices_en_of_the_wrong_length_is_refused_naming_the_field():
    errors = validate_config(
        [],
        [
            {
                "name": "dosage_forms",
                "label": "剂型",
                "type": "multi",
                "choices": ["片剂", "丸剂"],
                "choices_en": ["Tablets"],
            }
        ],
    )
    [message] = errors["form_fields"]
    assert message.startswith("form_fields.0")
    assert "dosage_forms" in message and "choices_en" in message


def test_choices_en_of_the_right_length_passes_and_empty_english_falls_back():
    spec = FieldSpec(
        name="dosage_forms",
        label="剂型",
        type="choice",
        choices=["片剂", "自定剂型"],
        choices_en=["Tablets", ""],
    )
    with translation.override("en"):
        assert spec.display_label == "剂型"  # no label_en: the Chinese rather than nothing
        assert spec.display_choices == [("片剂", "Tablets"), ("自定剂型", "自定剂型")]
    with translation.override("zh-hans"):
        assert spec.display_choices == [("片剂", "片剂"), ("自定剂型", "自定剂型")]


def test_the_matter_editor_refuses_a_bad_choices_en(matters, province):
    from yaojian.accounts.choices import Role
    from yaojian.testing import factories

    admin = factories.regulator("360000", roles=[Role.SYSTEM_ADMIN], username="sys-admin")
    matter = matters[RETAIL]
    fields = copy.deepcopy(matter.form_fields)
    scope = next(f for f in fields if f["name"] == "scope")
    scope["choices_en"] = scope["choices_en"][:-1]
    from yaojian.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        services.matter_save(actor=admin, code=RETAIL, form_fields=fields)
    assert "scope" in str(refused.value.errors["form_fields"])
    matter.refresh_from_db()
    assert len(next(f for f in matter.form_fields if f["name"] == "scope")["choices_en"]) == 7


# --- pages ----------------------------------------------------------------------------------------


def test_the_apply_page_lists_the_materials_in_the_readers_language(matters, applicant):
    url = reverse("licensing:apply", args=[RETAIL])
    english = html(reader("en", applicant).get(url))
    chinese = html(reader("zh-hans", applicant).get(url))
    for material in spec_of(RETAIL)["materials"]:
        assert material["name_en"] in english and material["name"] not in english
        assert material["name"] in chinese and material["name_en"] not in chinese


def test_the_draft_form_reads_in_english_and_stores_chinese(matters, applicant):
    application = draft(applicant, upload=False)
    url = reverse("licensing:my_application", args=[application.pk])
    english = html(reader("en", applicant).get(url))
    labels_en, labels_zh = english_and_chinese()
    for text in labels_en:
        assert text in english
    for text in labels_zh:
        assert text not in english
    for item in spec_of(RETAIL)["scope_choices"]:
        # the checkbox sends the stored Chinese value; its label is English
        assert f'value="{item}"' in english
        assert f">{SCOPE_ENGLISH[item]}</label>" in english
    assert "Still missing: Application form (signed by the legal representative" in english

    chinese = html(reader("zh-hans", applicant).get(url))
    for text in labels_zh:
        assert text in chinese
    for text in labels_en:
        assert text not in chinese
    assert "Prescription drugs" not in chinese

    # an English reader saves the form: the scope is stored in Chinese, as the licence prints it
    response = reader("en", applicant).post(
        url,
        {
            "action": "save",
            **{f"form-{k}": v for k, v in application.form_data.items() if k != "scope"},
            "form-scope": ["处方药", "中药饮片"],
        },
    )
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).form_data["scope"] == ["处方药", "中药饮片"]


def test_the_submitted_application_reads_in_the_applicants_language(matters, applicant):
    application = submitted(applicant)
    url = reverse("licensing:my_application", args=[application.pk])
    english = html(reader("en", applicant).get(url))
    assert "Prescription drugs, Class A OTC drugs, Class B OTC drugs, Chinese patent medicines" in (
        english
    )
    assert "Business scope" in english and "Person in charge" in english
    assert "Business licence" in english
    assert "Every required material and field is present." in english  # the completeness check
    for text in ("处方药", "经营范围", "营业执照"):
        assert text not in english
    chinese = html(reader("zh-hans", applicant).get(url))
    assert "、".join(SCOPE) in chinese and "经营范围" in chinese and "营业执照" in chinese
    assert "Prescription drugs" not in chinese and "Business licence" not in chinese


def test_the_review_page_reads_in_the_regulators_language(matters, applicant, city_staff):
    with translation.override("zh-hans"):  # the applicant submits in Chinese
        application = submitted(applicant)
    url = reverse("licensing:application_detail", args=[application.pk])
    english = html(reader("en", city_staff["reviewer"]).get(url))
    labels_en, labels_zh = english_and_chinese()
    for text in labels_en:
        assert text in english
    for text in labels_zh:
        assert text not in english
    assert "Prescription drugs, Class A OTC drugs" in english
    assert "处方药" not in english
    # the pre-check report names the bureau in English, whatever the submitter read
    assert f"inside {application.handling_bureau.name_en}" in english
    assert application.handling_bureau.name not in english

    chinese = html(reader("zh-hans", city_staff["reviewer"]).get(url))
    for text in labels_zh:
        assert text in chinese
    for text in labels_en:
        assert text not in chinese
    assert "、".join(SCOPE) in chinese and application.handling_bureau.name in chinese


# --- pre-checks -----------------------------------------------------------------------------------


def test_prechecks_explain_in_every_language(matters, applicant):
    application = draft(applicant, upload=False, scope=["处方药", "麻醉药品"])
    with translation.override("en"):  # whoever submits, each reader reads their language
        report = {item["code"]: item for item in prechecks.run(application)}
    missing, scope = report["completeness"], report["scope"]
    assert "营业执照" in missing["explanation"]  # the default language's text
    assert "Business licence" in missing["explanation_i18n"]["en"]
    assert "营业执照" not in missing["explanation_i18n"]["en"]
    assert "Missing: Application form" in missing["explanation_i18n"]["en"]
    assert scope["explanation_i18n"]["en"] == "Not allowed for this licence: Narcotic drugs."
    assert "麻醉药品" in scope["explanation_i18n"]["zh-hans"]
    bureau = application.handling_bureau
    jurisdiction = report["jurisdiction"]["explanation_i18n"]
    assert bureau.name_en in jurisdiction["en"] and bureau.name not in jurisdiction["en"]
    assert bureau.name in jurisdiction["zh-hans"]


# --- the API --------------------------------------------------------------------------------------


def test_the_catalogue_api_gives_both_languages_and_the_callers(matters):
    english = {m["code"]: m for m in reader("en").get(f"{API}/matters").json()}
    chinese = {m["code"]: m for m in reader("zh-hans").get(f"{API}/matters").json()}
    spec = spec_of(RETAIL)
    en, zh = english[RETAIL], chinese[RETAIL]
    for answer in (en, zh):
        assert answer["scope_choices"] == spec["scope_choices"]  # stored values, unchanged
        assert [m["name_en"] for m in answer["materials"]] == [
            m["name_en"] for m in spec["materials"]
        ]
    assert [m["display_name"] for m in en["materials"]] == [m["name_en"] for m in spec["materials"]]
    assert [m["display_name"] for m in zh["materials"]] == [m["name"] for m in spec["materials"]]
    assert en["scope_choices_display"] == [SCOPE_ENGLISH[i] for i in spec["scope_choices"]]
    assert zh["scope_choices_display"] == spec["scope_choices"]
    [scope_en] = [f for f in en["form_fields"] if f["name"] == "scope"]
    [scope_zh] = [f for f in zh["form_fields"] if f["name"] == "scope"]
    assert scope_en["display_label"] == "Business scope" and scope_zh["display_label"] == "经营范围"
    assert scope_en["choices"] == scope_zh["choices"] == spec["scope_choices"]
    assert scope_en["choice_labels"] == scope_en["choices_en"]
    assert scope_zh["choice_labels"] == scope_zh["choices"]


def test_the_application_api_shows_the_form_in_the_callers_language(matters, applicant):
    application = submitted(applicant)
    url = f"{API}/applications/{application.pk}"
    english = reader("en", applicant).get(url).json()
    chinese = reader("zh-hans", applicant).get(url).json()
    assert english["form_data"]["scope"] == chinese["form_data"]["scope"] == SCOPE
    scope_en = next(row for row in english["form_display"] if row["name"] == "scope")
    scope_zh = next(row for row in chinese["form_display"] if row["name"] == "scope")
    assert scope_en["label"] == "Business scope" and scope_zh["label"] == "经营范围"
    assert scope_en["value"] == scope_zh["value"] == scope_zh["display"] == SCOPE
    assert scope_en["display"] == [SCOPE_ENGLISH[item] for item in SCOPE]
    [check_en] = english["prechecks"]  # the applicant sees completeness only
    assert check_en["explanation"] == "Every required material and field is present."


# --- installer and migration ----------------------------------------------------------------------


def _strip_english(matter: Matter) -> None:
    for material in matter.materials:
        material.pop("name_en", None)
    for field in matter.form_fields:
        for key in ("label_en", "help_en", "choices_en"):
            field.pop(key, None)


@pytest.mark.parametrize("how", ["install", "migration"])
def test_existing_matters_get_the_english_without_losing_edits(matters, how):
    matter = matters[RETAIL]
    _strip_english(matter)
    materials = {m["code"]: m for m in matter.materials}
    fields = {f["name"]: f for f in matter.form_fields}
    materials["business_licence"]["name_en"] = "Our business licence"  # their English
    materials["floor_plan"]["name"] = "经营场所及仓库平面图"  # their Chinese, no English
    fields["principal"]["label_en"] = "Head of the pharmacy"  # their English
    fields["quality_manager"]["label"] = "质量管理负责人"  # their Chinese
    fields["scope"]["choices"] = [*fields["scope"]["choices"], "医疗器械"]  # their choices
    Matter.objects.filter(pk=matter.pk).update(
        materials=matter.materials, form_fields=matter.form_fields
    )

    if how == "install":
        assert shipped.install()["licensing"] == 0
    else:
        migration = importlib.import_module(
            "yaojian.licensing.migrations.0006_matter_english_config"
        )
        migration.fill(django_apps, None)

    matter.refresh_from_db()
    materials = {m["code"]: m for m in matter.materials}
    fields = {f["name"]: f for f in matter.form_fields}
    shipped_materials = {m["code"]: m for m in spec_of(RETAIL)["materials"]}
    assert (
        materials["application_form"]["name_en"] == shipped_materials["application_form"]["name_en"]
    )
    assert materials["business_licence"]["name_en"] == "Our business licence"
    assert "name_en" not in materials["floor_plan"]
    assert fields["enterprise_name"]["label_en"] == "Enterprise name"
    assert fields["principal"]["label_en"] == "Head of the pharmacy"
    assert "label_en" not in fields["quality_manager"]
    # the choices differ from the shipped ones: their English is not guessed, the label's is
    assert "choices_en" not in fields["scope"] and fields["scope"]["label_en"] == "Business scope"
    assert fill_english_config(Matter) == 0  # nothing twice
    with translation.override("en"):  # their added item still reads through the glossary
        assert display_scope_item("处方药") == "Prescription drugs"
