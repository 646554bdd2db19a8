"""Recalls: the order notifies every holder, progress comes from events; batch holders."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from yaojian.accounts import services as accounts
from yaojian.core.errors import PermissionDenied, TransitionNotAllowed
from yaojian.trace.choices import RecallStatus
from yaojian.trace.models import CodeState, Recall, RecallHolder
from yaojian.trace.services import recall as recall_service
from yaojian.trace.services import verify as verify_service
from yaojian.trace.tests.helpers import at, chain, cn, event
from yaojian.workbench.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(enterprises):
    """Donghu commissions four packs of B2601, ships two to Xihu (received) and one to Lianxi
    (still in transit); one pack of another batch stays with Donghu."""
    parties = chain(enterprises)
    donghu, xihu, lianxi = parties["donghu"], parties["xihu"], parties["lianxi"]
    donghu.commission([cn(1), cn(2), cn(3), cn(4)], when=at(0))
    donghu.commission([cn(9)], when=at(0), ilmd={"cbvmda:lotNumber": "B2602"})
    donghu.ship([cn(2), cn(3)], xihu, when=at(10))
    xihu.receive([cn(2), cn(3)], when=at(60))
    donghu.ship([cn(4)], lianxi, when=at(70))
    parties["batch"] = CodeState.objects.get(code=cn(1)).batch
    return parties


def issue(actor, batch) -> Recall:
    return recall_service.recall_issue(
        actor=actor, batch_ids=[batch.pk], level="II", reason="含量测定不合格"
    )


def test_a_recall_notifies_every_current_holder_with_its_quantities(c, province_regulator):
    recall = issue(province_regulator, c["batch"])
    assert recall.status == RecallStatus.OPEN and recall.number.startswith("ZH")
    held = dict(RecallHolder.objects.filter(recall=recall).values_list("enterprise", "quantity"))
    # the pack in transit is still the shipper's
    assert held == {c["donghu"].enterprise.pk: 2, c["xihu"].enterprise.pk: 2}
    for key in ("donghu", "xihu"):
        assert Message.objects.filter(recipient=c[key].user, source="trace").count() == 1
    assert not Message.objects.filter(recipient=c["lianxi"].user).exists()
    cache.clear()
    for code in (cn(1), cn(2), cn(4)):
        assert verify_service.verify(code, record=False)["result"] == "recalled"
    assert verify_service.verify(cn(9), record=False)["result"] == "authentic"


def test_progress_counts_returned_and_destroyed_packs_and_completion_waits_for_them(
    c, province_regulator
):
    donghu, xihu, lianxi = c["donghu"], c["xihu"], c["lianxi"]
    recall = issue(province_regulator, c["batch"])
    progress = recall_service.recall_progress(recall)
    assert (progress["total"], progress["remaining"], progress["complete"]) == (4, 4, False)

    xihu.send(event("destroying", [cn(2)], when=at(200), disposition="destroyed"))
    job = xihu.send(event("holding", [cn(3)], when=at(200), disposition="returned"))
    assert job.status == "succeeded", job.problems
    progress = recall_service.recall_progress(recall)
    rows = {row["holder"].enterprise_id: row for row in progress["rows"]}
    assert rows[xihu.enterprise.pk]["done"] == 2 and rows[xihu.enterprise.pk]["remaining"] == 0
    assert rows[donghu.enterprise.pk]["remaining"] == 2
    assert progress["remaining"] == 2 and progress["percent"] == 50
    with pytest.raises(TransitionNotAllowed):
        recall_service.recall_complete(actor=province_regulator, recall_id=recall.pk)

    lianxi.receive([cn(4)], when=at(300))
    lianxi.send(event("destroying", [cn(4)], when=at(310), disposition="destroyed"))
    donghu.send(event("destroying", [cn(1)], when=at(320), disposition="destroyed"))
    progress = recall_service.recall_progress(recall)
    assert progress["remaining"] == 0 and progress["complete"] and progress["percent"] == 100
    done = recall_service.recall_complete(actor=province_regulator, recall_id=recall.pk)
    assert done.status == RecallStatus.COMPLETED and done.completed_at is not None
    with pytest.raises(TransitionNotAllowed):
        recall_service.recall_complete(actor=province_regulator, recall_id=recall.pk)


def test_packs_moved_to_a_new_holder_after_the_order_still_block_completion(c, province_regulator):
    donghu, xihu, lianxi = c["donghu"], c["xihu"], c["lianxi"]
    recall = issue(province_regulator, c["batch"])
    xihu.send(event("destroying", [cn(2), cn(3)], when=at(200), disposition="destroyed"))
    donghu.send(event("destroying", [cn(1)], when=at(200), disposition="destroyed"))
    lianxi.receive([cn(4)], when=at(300))  # Lianxi was not a holder when the order was issued
    progress = recall_service.recall_progress(recall)
    assert progress["remaining"] == 1 and not progress["complete"]
    assert lianxi.enterprise.pk in [row["holder"].enterprise_id for row in progress["rows"]]
    with pytest.raises(TransitionNotAllowed):
        recall_service.recall_complete(actor=province_regulator, recall_id=recall.pk)


def test_only_an_approver_or_leader_issues_a_recall(c, county_regulator):
    with pytest.raises(PermissionDenied):
        issue(county_regulator, c["batch"])
    assert not Recall.objects.exists()


def test_batch_holders_for_a_regulator_and_not_for_another_enterprise(
    c, client, province_regulator
):
    batch = c["batch"]
    client.force_login(province_regulator)
    response = client.get(f"/api/v1/trace/batches/{batch.pk}/holders")
    assert response.status_code == 200, response.content
    holders = {row["enterprise_id"]: row for row in response.json()}
    donghu, xihu = c["donghu"].enterprise, c["xihu"].enterprise
    assert set(holders) == {donghu.pk, xihu.pk}
    assert holders[donghu.pk]["packs"] == 2
    assert holders[donghu.pk]["by_status"] == {"active": 1, "in_transit": 1}
    assert holders[xihu.pk] | {"by_status": None} == {
        "enterprise_id": xihu.pk,
        "name": xihu.name,
        "region_code": "360103",
        "packs": 2,
        "by_status": None,
    }
    client.logout()

    _token, raw = accounts.token_create(
        actor=c["lianxi"].user, name="ERP", rights=["trace", "view"]
    )
    other = client.get(
        f"/api/v1/trace/batches/{batch.pk}/holders", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert other.status_code == 404
    assert other["Content-Type"].startswith("application/problem+json")


def test_a_recall_is_published_on_the_portal_in_both_languages(c, province_regulator, client):
    recall = issue(province_regulator, c["batch"])
    product = str(recall.product)
    assert f"{product}召回公告" in client.get("/publications/?kind=recall").content.decode()
    listed = client.get("/api/v1/public/publications?kind=recall").json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert item["title"] == f"{product}召回公告"
    assert ["召回编号", recall.number] in [list(row) for row in item["fields"]]
    english = client.get(
        f"/api/v1/public/publications/{item['id']}", headers={"accept-language": "en"}
    ).json()
    assert english["title"] == f"Recall of {product}"
    assert ["Batches", "B2601"] in [list(row) for row in english["fields"]]


def test_a_holder_reads_the_recall_order_in_its_own_language(c, province_regulator):
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    with translation.override("en"):  # issued by a regulator reading in English
        recall = issue(province_regulator, c["batch"])
    reader = Client()
    reader.force_login(c["xihu"].user)
    [english] = reader.get("/api/v1/messages", HTTP_ACCEPT_LANGUAGE="en").json()
    [chinese] = reader.get("/api/v1/messages", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert english["subject"].startswith(f"Recall order {recall.number} (level II)")
    assert english["body"].startswith("Stop selling and using the batches B2601")
    assert chinese["subject"].startswith(f"召回令{recall.number}（II级）")
    assert chinese["body"].startswith("请停止销售和使用批次B2601")
    assert "含量测定不合格" in english["body"] and "含量测定不合格" in chinese["body"]
    page = reader.get(reverse("portal:messages"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Recall order {recall.number}" in page


def test_the_recall_on_the_files_reads_in_each_readers_language(c, province_regulator):
    from django.test import Client
    from django.utils import translation

    with translation.override("en"):  # issued by someone reading in English
        recall = issue(province_regulator, c["batch"])
    product = recall.product.name
    english_title = f"Recall order {recall.number} (level II): {product}"
    chinese_title = f"召回令{recall.number}（II级）：{product}"
    for url in (
        f"/api/v1/registry/enterprises/{c['xihu'].enterprise.pk}/file?kind=recall",
        f"/api/v1/registry/products/{recall.product.pk}/file?kind=recall",
    ):
        texts = {}
        for language in ("en", "zh-hans"):
            reader = Client(HTTP_ACCEPT_LANGUAGE=language)
            reader.force_login(province_regulator)
            [texts[language]] = reader.get(url).json()["timeline"]
        assert texts["en"]["title"] == english_title
        assert texts["zh-hans"]["title"] == chinese_title
        assert texts["en"]["summary"].startswith("Stop selling and using the batches")
        assert "含量测定不合格" in texts["en"]["summary"]
        assert "Stop selling" not in texts["zh-hans"]["summary"]
        assert "含量测定不合格" in texts["zh-hans"]["summary"]
