"""Publication on the portal: both languages, idempotent, display windows, withdrawal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from yaojian.audit.models import AuditEntry
from yaojian.core.errors import Conflict, NotFound, ValidationFailed
from yaojian.portal import publications
from yaojian.portal.publications import Kind, Status

pytestmark = pytest.mark.django_db


def publish(actor, source, **overrides):
    values = {
        "actor": actor,
        "kind": Kind.PENALTY_DECISION,
        "source": source,
        "title": f"{source.name} 行政处罚决定",
        "summary": "未按规定储存药品",
        "fields": [(gettext_lazy("Enterprise"), source.name), (gettext_lazy("Fine"), "20000")],
        "division_code": source.region_code,
        "enterprise": source,
    }
    return publications.publish(**{**values, **overrides})


def today():
    return timezone.localdate()


def test_published_item_is_listed_and_shown_in_the_readers_language(
    enterprises, county_regulator, client
):
    donghu = enterprises["donghu"]
    item = publish(county_regulator, donghu)
    assert item.fields["zh-hans"][0][0] != item.fields["en"][0][0]
    assert item.fields["en"][0] == ["Enterprise", donghu.name]
    page = client.get("/publications/").content.decode()
    assert donghu.name in page
    detail = client.get(f"/publications/{item.pk}/", headers={"accept-language": "en"})
    assert detail.status_code == 200 and "Fine" in detail.content.decode()
    api = client.get("/api/v1/public/publications?kind=penalty_decision").json()
    assert api["count"] == 1 and api["items"][0]["id"] == item.pk
    assert AuditEntry.objects.filter(action="portal.publication_publish").count() == 1


def test_publishing_again_updates_the_text_but_keeps_the_first_date_and_verdict(
    enterprises, county_regulator
):
    donghu = enterprises["donghu"]
    first = publish(county_regulator, donghu, due_by=today() - dt.timedelta(days=1))
    assert first.on_time is False
    again = publish(county_regulator, donghu, summary="更正后的事实", due_by=today())
    assert again.pk == first.pk and again.published_at == first.published_at
    assert again.on_time is False and again.summary == "更正后的事实"
    assert publications.Publication.objects.count() == 1


def test_on_time_when_published_by_the_due_date(enterprises, county_regulator):
    assert publish(county_regulator, enterprises["donghu"], due_by=today()).on_time is True
    assert publish(county_regulator, enterprises["xihu"]).on_time is None


def test_an_item_past_its_display_window_is_no_longer_shown(enterprises, county_regulator, client):
    old = publish(
        county_regulator, enterprises["donghu"], display_until=today() - dt.timedelta(days=1)
    )
    current = publish(county_regulator, enterprises["xihu"], display_until=today())
    assert old.status == Status.EXPIRED and current.status == Status.PUBLISHED
    ids = [row["id"] for row in client.get("/api/v1/public/publications").json()["items"]]
    assert ids == [current.pk]
    assert client.get(f"/publications/{old.pk}/").status_code == 404


def test_withdrawal_hides_the_item_keeps_the_reason_and_cannot_be_undone_by_publishing(
    enterprises, county_regulator, client
):
    donghu = enterprises["donghu"]
    item = publish(county_regulator, donghu)
    with pytest.raises(ValidationFailed) as refused:
        publications.withdraw(
            actor=county_regulator, kind=Kind.PENALTY_DECISION, source=donghu, reason=" "
        )
    assert "reason" in refused.value.errors
    withdrawn = publications.withdraw(
        actor=county_regulator, kind=Kind.PENALTY_DECISION, source=donghu, reason="复议撤销"
    )
    assert withdrawn.status == Status.WITHDRAWN and withdrawn.withdrawal_reason == "复议撤销"
    assert client.get(f"/api/v1/public/publications/{item.pk}").status_code == 404
    with pytest.raises(Conflict):
        publish(county_regulator, donghu)
    with pytest.raises(Conflict):
        publications.remove_early(
            actor=county_regulator, kind=Kind.PENALTY_DECISION, source=donghu, reason="申请"
        )


def test_early_removal_and_nothing_to_withdraw(enterprises, county_regulator):
    donghu, xihu = enterprises["donghu"], enterprises["xihu"]
    publish(county_regulator, donghu)
    removed = publications.remove_early(
        actor=county_regulator, kind=Kind.PENALTY_DECISION, source=donghu, reason="信用修复"
    )
    assert removed.status == Status.REMOVED
    assert not publications.visible().exists()
    with pytest.raises(NotFound):
        publications.withdraw(
            actor=county_regulator, kind=Kind.PENALTY_DECISION, source=xihu, reason="撤销"
        )


def test_search_and_kind_filter(enterprises, county_regulator, client):
    donghu, xihu = enterprises["donghu"], enterprises["xihu"]
    publish(county_regulator, donghu)
    publish(county_regulator, xihu, kind=Kind.SAMPLING_RESULT, title=f"{xihu.name} 抽检结果")
    found = client.get("/api/v1/public/publications", {"q": xihu.name}).json()
    assert [row["kind"] for row in found["items"]] == ["sampling_result"]
    page = client.get("/publications/", {"kind": "penalty_decision"}).content.decode()
    assert donghu.name in page and xihu.name not in page
    bad = client.get("/api/v1/public/publications", {"kind": "gossip"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "kind"


def test_bad_input_is_refused_naming_the_field(enterprises, county_regulator):
    with pytest.raises(ValidationFailed) as refused:
        publish(county_regulator, enterprises["donghu"], kind="gossip")
    assert "kind" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        publish(county_regulator, enterprises["donghu"], title="  ")
    assert "title" in refused.value.errors
    assert not publications.Publication.objects.exists()
