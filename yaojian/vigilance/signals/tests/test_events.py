"""Database runs count a reaction under its MedDRA PT code, whatever language the case was
submitted in; uncoded reactions are their own events; names are shown in the reader's
language."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import translation

from yaojian.vigilance.signals import events, selectors, services
from yaojian.vigilance.signals.choices import RunStatus
from yaojian.vigilance.signals.models import Signal, SignalResult, SignalRun
from yaojian.vigilance.signals.tests.conftest import minimal_rows

pytestmark = pytest.mark.django_db
RASH = "99111001"  # synthetic PT: "Skin rash" / "皮疹"
BASE = "/api/v1/vigilance/signals"


def _submit(hospital, *, drug, pt=RASH, language="en", free_text=""):
    from yaojian.vigilance import services as case_services
    from yaojian.vigilance.tests.factories import case_data

    data = case_data(drug=drug, pt=pt)
    if free_text:
        data["reactions"][0].update(llt_code="", meddra_version="", reported_term=free_text)
    with translation.override(language):
        case = case_services.case_submit(actor=hospital, data=data)
    if not free_text:
        # a case typed here keeps the default language's names; one that arrived as an E2B
        # file keeps the names of the language it was written in, as these stand for
        from yaojian.vigilance.models import MeddraTerm, Reaction

        term = MeddraTerm.objects.filter(level="pt", code=pt).first()
        name = term.name_zh if language.startswith("zh") else term.name
        Reaction.objects.filter(version__case=case).update(pt_name=name)
    return case


@pytest.fixture
def mixed_cases(hospital):
    """甲药片 with the rash PT once in Chinese and once in English, plus a free-text 皮疹;
    other drugs and PTs as background."""
    _submit(hospital, drug="甲药片", language="zh-hans")
    _submit(hospital, drug="甲药片", language="en")
    _submit(hospital, drug="甲药片", language="zh-hans", free_text="皮疹")
    for i in range(6):
        _submit(
            hospital,
            drug=["乙药胶囊", "丙药片"][i % 2],
            pt=["99211001", "99212001", "99211002"][i % 3],
            language=["zh-hans", "en"][i % 2],
        )


def _db_run(analyst, capture):
    with capture(execute=True):
        run = services.run_request(actor=analyst, parameters={"preset": "standard"})
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    return run


def test_one_pt_in_two_languages_is_one_pair_and_free_text_apart(
    analyst, mixed_cases, django_capture_on_commit_callbacks
):
    from yaojian.vigilance.models import Reaction

    # the cases stored the PT name in the language they arrived in
    stored = set(Reaction.objects.filter(pt_code=RASH).values_list("pt_name", flat=True))
    assert stored == {"皮疹", "Skin rash"}
    run = _db_run(analyst, django_capture_on_commit_callbacks)
    assert run.report_count == 9
    rows = SignalResult.objects.filter(run=run, product="甲药片").order_by("event_code")
    assert [(r.event_code, r.n) for r in rows] == [("", 1), (RASH, 2)]
    free, coded = rows
    assert free.event == "皮疹"  # the free text, not merged with the PT of the same name
    assert coded.product_reports == 3 and coded.event_reports == 2
    # the reader sees the PT's name in their own language
    with translation.override("en"):
        names = {r.event_code: r.event_name for r in selectors.result_list(analyst, run)}
        assert names[RASH] == "Skin rash" and names[""] == "皮疹"
    with translation.override("zh-hans"):
        names = {r.event_code: r.event_name for r in selectors.result_list(analyst, run)}
        assert names[RASH] == "皮疹"
        # searching by the English name finds the PT, whatever the stored name
        found = selectors.result_list(analyst, run, product="甲药片", event="skin rash")
        assert [r.event_code for r in found] == [RASH]


def test_signal_rows_with_codes(hospital, mixed_cases):
    from yaojian.vigilance import selectors as case_selectors

    rows = [r for r in case_selectors.signal_rows(codes=True) if r[1] == "甲药片"]
    assert sorted((r[2], r[5]) for r in rows) == [("Skin rash", RASH), ("皮疹", ""), ("皮疹", RASH)]
    # the plain interface is unchanged: five values, the stored names
    plain = [r for r in case_selectors.signal_rows() if r[1] == "甲药片"]
    assert {len(r) for r in plain} == {5}
    assert sorted(r[2] for r in plain) == ["Skin rash", "皮疹", "皮疹"]


def test_a_signal_follows_its_code_across_runs_and_languages(analyst):
    """The second run names the PT differently (another language): same signal, no new one."""

    def coded(rows, name):
        return [(r[0], r[1], name, r[3], r[4], RASH) if r[2] == "皮疹" else (*r, "") for r in rows]

    first = SignalRun.objects.create(trigger="manual", parameters=services.clean_parameters({}))
    services.run_execute(first.pk, rows=coded(minimal_rows(), "皮疹"))
    signal = Signal.objects.get(product="甲药片", event_code=RASH)
    second = SignalRun.objects.create(trigger="manual", parameters=services.clean_parameters({}))
    second = services.run_execute(second.pk, rows=coded(minimal_rows(strong=10), "Skin rash"))
    assert second.status == RunStatus.DONE and second.new_signal_count == 0
    signal.refresh_from_db()
    assert signal.last_result.run_id == second.pk and signal.last_result.n == 10
    assert Signal.objects.filter(product="甲药片", event_code=RASH).count() == 1


def test_free_text_is_keyed_on_its_normalised_form(analyst):
    rows = [
        ("R1", "甲药", "Itchy  skin", "F", "45-64"),
        ("R2", "甲药", "ｉｔｃｈｙ skin", "M", "45-64"),  # full-width, other case
        ("R3", "甲药", "itchy skin ", "M", "45-64"),
        ("R4", "乙药", "头痛", "M", "45-64"),
    ]
    run = SignalRun.objects.create(trigger="manual", parameters=services.clean_parameters({}))
    run = services.run_execute(run.pk, rows=rows)
    assert run.status == RunStatus.DONE, run.error
    result = SignalResult.objects.get(run=run, product="甲药")
    assert result.n == 3 and result.event_code == ""
    assert events.normalise_text(result.event) == "itchy skin"


def test_the_api_gives_the_code_and_the_readers_name(
    analyst, meddra, django_capture_on_commit_callbacks
):
    rows = [(*r, RASH if r[2] == "皮疹" else "") for r in minimal_rows()]
    run = SignalRun.objects.create(trigger="manual", parameters=services.clean_parameters({}))
    run = services.run_execute(run.pk, rows=rows)
    client = Client()
    client.force_login(analyst)
    url = f"{BASE}/runs/{run.pk}/results"
    english = client.get(
        url, {"product": "甲药片", "event": "skin rash"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    items = english.json()["items"]
    assert [(i["event_code"], i["event"]) for i in items] == [(RASH, "Skin rash")]
    chinese = client.get(url, {"product": "甲药片", "event": RASH}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert [(i["event_code"], i["event"]) for i in chinese.json()["items"]] == [(RASH, "皮疹")]
    signal = Signal.objects.get(product="甲药片", event_code=RASH)
    detail = client.get(f"{BASE}/signals/{signal.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (detail["event"], detail["event_code"]) == ("Skin rash", RASH)
    listed = client.get(f"{BASE}/signals", {"q": "Skin rash"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert [i["id"] for i in listed["items"]] == [signal.pk]
    page = client.get(reverse("vigilance:signal_detail", args=[signal.pk]))
    assert page.status_code == 200 and "Skin rash" in page.text and RASH in page.text


def test_migration_gives_stored_signals_their_code(analyst, meddra):
    """Signals and results stored by name before: coded when the name is one PT's, in either
    language; a second row of the same pair (the other language) keeps its text key."""
    run = SignalRun.objects.create(trigger="manual", status="done")
    common = {"n": 1, "product_reports": 1, "event_reports": 1, "expected": 0.5}
    SignalResult.objects.create(run=run, product="甲药片", event="皮疹", **common)
    SignalResult.objects.create(run=run, product="甲药片", event="Skin rash", **common)
    SignalResult.objects.create(run=run, product="甲药片", event="胸口发闷", **common)
    old = Signal.objects.create(product="甲药片", event="Skin rash")
    second = Signal.objects.create(product="甲药片", event="皮疹")
    other = Signal.objects.create(product="乙药胶囊", event="皮疹")
    migration = importlib.import_module("yaojian.vigilance.migrations.0003_signal_event_code")
    migration.backfill_codes(apps, None)
    codes = dict(SignalResult.objects.filter(run=run).values_list("event", "event_code"))
    assert codes == {"皮疹": RASH, "Skin rash": "", "胸口发闷": ""}
    assert Signal.objects.get(pk=old.pk).event_code == RASH
    assert Signal.objects.get(pk=second.pk).event_code == ""
    assert Signal.objects.get(pk=other.pk).event_code == RASH


@pytest.mark.parametrize(("language", "name"), [("en", "Skin rash"), ("zh-hans", "皮疹")])
def test_the_latest_figures_name_the_event_in_the_readers_language(analyst, meddra, language, name):
    rows = [(*r, RASH if r[2] == "皮疹" else "") for r in minimal_rows()]
    run = SignalRun.objects.create(trigger="manual", parameters=services.clean_parameters({}))
    services.run_execute(run.pk, rows=rows)
    signal = Signal.objects.get(product="甲药片", event_code=RASH)
    # the stored names are neither language's PT name: what is shown comes from MedDRA
    Signal.objects.filter(pk=signal.pk).update(event="rash (as stored)")
    SignalResult.objects.filter(pk=signal.last_result_id).update(event="rash (as stored)")
    client = Client()
    client.force_login(analyst)
    detail = client.get(f"{BASE}/signals/{signal.pk}", HTTP_ACCEPT_LANGUAGE=language).json()
    assert (detail["event"], detail["last_result"]["event"]) == (name, name)
    assert detail["last_result"]["event_code"] == RASH
    listed = client.get(f"{BASE}/signals", {"q": "甲药片"}, HTTP_ACCEPT_LANGUAGE=language).json()
    [item] = [i for i in listed["items"] if i["id"] == signal.pk]
    assert (item["event"], item["last_result"]["event"]) == (name, name)
    # an uncoded event keeps its stored name in both places
    text = Signal.objects.filter(event_code="").exclude(last_result=None).first()
    detail = client.get(f"{BASE}/signals/{text.pk}", HTTP_ACCEPT_LANGUAGE=language).json()
    assert detail["last_result"]["event"] == text.last_result.event == text.event
