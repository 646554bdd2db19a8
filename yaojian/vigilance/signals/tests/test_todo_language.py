"""The to-do announcing new signals, read in the reader's language.

The workbench keeps a to-do's title and body in every language, rendered when it is posted;
the API and the pages show the one of the reader's language.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from yaojian.vigilance.signals import services
from yaojian.vigilance.signals.models import SignalRun
from yaojian.vigilance.signals.tests.conftest import minimal_rows

pytestmark = pytest.mark.django_db


def test_the_new_signals_to_do_is_in_the_readers_language(
    analyst, django_capture_on_commit_callbacks
):
    run = SignalRun.objects.create(trigger="manual", parameters=services.clean_parameters({}))
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        run = services.run_execute(run.pk, rows=minimal_rows())
    assert run.new_signal_count >= 1
    client = Client()
    client.force_login(analyst)
    english = client.get("/api/v1/todos", HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = client.get("/api/v1/todos", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    [en] = [t for t in english if t["kind"] == "signal_new"]
    [zh] = [t for t in chinese if t["kind"] == "signal_new"]
    count = run.new_signal_count
    assert zh["title"] == f"{count}个新的药品不良反应信号待评价"
    assert en["title"] == f"{count} new adverse-reaction signal(s) to assess"


def test_the_new_signals_to_do_names_coded_events_by_the_readers_meddra_term(
    analyst, meddra, django_capture_on_commit_callbacks
):
    rash = "99111001"  # synthetic PT: "Skin rash" / "皮疹"
    rows = [(*r, rash if r[2] == "皮疹" else "") for r in minimal_rows()]
    run = SignalRun.objects.create(trigger="manual", parameters=services.clean_parameters({}))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_execute(run.pk, rows=rows)
    client = Client()
    client.force_login(analyst)
    [en] = [
        t
        for t in client.get("/api/v1/todos", HTTP_ACCEPT_LANGUAGE="en").json()
        if t["kind"] == "signal_new"
    ]
    [zh] = [
        t
        for t in client.get("/api/v1/todos", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
        if t["kind"] == "signal_new"
    ]
    assert "甲药片 / Skin rash (" in en["body"] and "甲药片 / 皮疹 (" not in en["body"]
    assert "甲药片 / 皮疹 (" in zh["body"] and "Skin rash" not in zh["body"]
