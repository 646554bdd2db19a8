"""One step puts back the shipped data (matters, checklists) an emptied database lacks."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from yaojian.core import shipped
from yaojian.inspection.models import Checklist, ChecklistItem
from yaojian.inspection.standard import CHECKLISTS
from yaojian.licensing.catalogue import MATTERS
from yaojian.licensing.models import Matter

pytestmark = pytest.mark.django_db


def _empty() -> None:
    ChecklistItem.objects.all().delete()
    Checklist.objects.all().delete()
    Matter.objects.all().delete()


def test_an_emptied_database_gets_every_shipped_row_back():
    _empty()
    added = shipped.install()
    assert added["licensing"] == len(MATTERS) == Matter.objects.count()
    assert Checklist.objects.count() == len(CHECKLISTS)
    assert (
        added["inspection"]
        == ChecklistItem.objects.count()
        == sum(len(spec["items"]) for spec in CHECKLISTS)
    )
    assert shipped.install() == {"licensing": 0, "inspection": 0}  # nothing twice


def test_edited_rows_are_kept_and_only_the_missing_come_back():
    shipped.install()
    edited = Matter.objects.order_by("code").first()
    edited.name = "本局调整后的事项名称"
    edited.save()
    gone = Matter.objects.order_by("code").last()
    gone.delete()
    assert shipped.install()["licensing"] == 1
    assert Matter.objects.get(code=edited.code).name == "本局调整后的事项名称"
    assert Matter.objects.filter(code=gone.code).exists()


def test_the_command_says_what_it_added():
    _empty()
    out = io.StringIO()
    call_command("install_shipped_data", stdout=out)
    assert f"licensing: {len(MATTERS)} added" in out.getvalue()
    assert Matter.objects.count() == len(MATTERS)
