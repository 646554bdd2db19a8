"""The state machine of codes: transitions, refusals and every anomaly rule of capture."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from yaojian.accounts import services as accounts
from yaojian.trace.choices import CodeStatus
from yaojian.trace.models import Anomaly, Batch, CodeState, Event
from yaojian.trace.services import recall as recall_service
from yaojian.trace.services import register
from yaojian.trace.services import verify as verify_service
from yaojian.trace.tests.helpers import (
    CASE_PRODUCT,
    EXPIRY,
    LOT,
    SSCC,
    aggregation,
    at,
    chain,
    cn,
    event,
    is_refused,
    sgtin,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(enterprises):
    return chain(enterprises)


def state(code: str) -> CodeState:
    return CodeState.objects.get(code=code)


def raised(rule: str, code: str | None = None) -> list[Anomaly]:
    found = Anomaly.objects.filter(rule=rule)
    if code is not None:
        found = found.filter(code=code)
    return list(found)


def assert_ok(job) -> None:
    assert job.status == "succeeded", job.problems


# --- transitions ----------------------------------------------------------------------------


def test_commissioning_makes_active_codes_held_by_the_sender_with_batch_and_expiry(c):
    donghu = c["donghu"]
    assert_ok(donghu.commission([cn(1), cn(2)], when=at(0)))
    batch = Batch.objects.get(product_key="cn:8123456", batch_no="B2601")
    assert batch.holder == donghu.enterprise and batch.product == c["product"]
    assert batch.expiry_date == EXPIRY
    for code in (cn(1), cn(2)):
        found = state(code)
        assert found.status == CodeStatus.ACTIVE
        assert found.holder == donghu.enterprise
        assert found.batch == batch and found.batch_no == "B2601"
        assert found.expiry_date == EXPIRY
        assert found.product_key == "cn:8123456"
        assert found.path == ["360102"]
        assert found.commissioned_at == dt.datetime.fromisoformat(at(0))
    assert Anomaly.objects.count() == 0


def test_a_gs1_pack_is_commissioned_under_its_filed_gtin(c):
    assert_ok(c["donghu"].commission([sgtin(2018)], when=at(0)))
    found = state("https://id.gs1.org/01/10614141073464/21/2018")
    assert found.product_key == "gtin:10614141073464"
    assert found.batch.batch_no == "B2601"
    assert Anomaly.objects.count() == 0


def test_ship_then_receive_moves_the_code_to_the_consignee(c):
    donghu, xihu = c["donghu"], c["xihu"]
    donghu.commission([cn(1)], when=at(0))
    assert_ok(donghu.ship([cn(1)], xihu, when=at(10)))
    shipped = state(cn(1))
    assert shipped.status == CodeStatus.IN_TRANSIT
    assert shipped.holder == donghu.enterprise
    assert shipped.next_holder == xihu.enterprise
    assert_ok(xihu.receive([cn(1)], when=at(60)))
    received = state(cn(1))
    assert received.status == CodeStatus.ACTIVE
    assert received.holder == xihu.enterprise
    assert received.next_holder is None
    assert received.region_code == "360103"
    assert received.path == ["360102", "360103"]
    assert received.last_biz_step == "receiving"
    assert Anomaly.objects.count() == 0


def test_retail_selling_destroying_and_delete_end_a_code(c):
    donghu = c["donghu"]
    donghu.commission([cn(1), cn(2), cn(3)], when=at(0))
    assert_ok(donghu.sell([cn(1)], when=at(10)))
    sold = state(cn(1))
    assert sold.status == CodeStatus.DISPENSED
    assert sold.dispense_count == 1
    assert sold.dispensed_at == dt.datetime.fromisoformat(at(10))
    assert_ok(
        donghu.send(
            event(
                "destroying", [cn(2)], when=at(11), disposition="destroyed", read_point=donghu.site
            )
        )
    )
    assert state(cn(2)).status == CodeStatus.DESTROYED
    assert_ok(donghu.send(event("decommissioning", [cn(3)], when=at(12), action="DELETE")))
    assert state(cn(3)).status == CodeStatus.DECOMMISSIONED
    assert Anomaly.objects.count() == 0


def test_children_travel_with_their_sscc_and_are_released_by_disaggregation(c):
    donghu, lianxi = c["donghu"], c["lianxi"]
    donghu.commission([cn(1), cn(2), cn(3)], when=at(0))
    assert_ok(donghu.send(aggregation(SSCC, [cn(1), cn(2)], when=at(5))))
    sscc = "https://id.gs1.org/00/106141412345678908"
    assert state(cn(1)).parent == sscc and state(cn(2)).parent == sscc
    assert state(cn(3)).parent == ""

    assert_ok(donghu.ship([SSCC], lianxi, when=at(10)))
    for code in (sscc, cn(1), cn(2)):
        moved = state(code)
        assert moved.status == CodeStatus.IN_TRANSIT, code
        assert moved.next_holder == lianxi.enterprise, code
    assert state(cn(3)).status == CodeStatus.ACTIVE

    assert_ok(lianxi.receive([SSCC], when=at(240)))
    for code in (sscc, cn(1), cn(2)):
        moved = state(code)
        assert moved.status == CodeStatus.ACTIVE, code
        assert moved.holder == lianxi.enterprise, code
        assert moved.next_holder is None
        assert moved.path == ["360102", "360402"], code

    assert_ok(
        lianxi.send(aggregation(SSCC, [cn(1)], when=at(250), action="DELETE", step="unpacking"))
    )
    assert state(cn(1)).parent == "" and state(cn(2)).parent == sscc
    # only what is still packed travels with the case now
    assert_ok(lianxi.sell([SSCC], when=at(260)))
    assert state(cn(2)).status == CodeStatus.DISPENSED
    assert state(cn(1)).status == CodeStatus.ACTIVE
    assert Anomaly.objects.count() == 0


# --- refusals -------------------------------------------------------------------------------


def test_a_code_held_by_another_enterprise_is_refused_and_nothing_is_stored(c):
    donghu, xihu = c["donghu"], c["xihu"]
    donghu.commission([cn(1)], when=at(0))
    before = Event.objects.count()
    job = xihu.ship([cn(1)], c["lianxi"], when=at(10))
    assert is_refused(job, "code_held_by_other")
    assert Event.objects.count() == before
    assert state(cn(1)).status == CodeStatus.ACTIVE
    assert state(cn(1)).holder == donghu.enterprise
    # a consignee other than the one named may not receive it either
    donghu.ship([cn(1)], xihu, when=at(20))
    assert is_refused(c["lianxi"].receive([cn(1)], when=at(30)), "code_held_by_other")
    assert state(cn(1)).next_holder == xihu.enterprise


def test_a_code_held_by_another_enterprise_is_refused_over_http(c, client):
    c["donghu"].commission([cn(1)], when=at(0))
    xihu = c["xihu"]
    _token, raw = accounts.token_create(actor=xihu.user, name="WMS", rights=["trace", "view"])
    body = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        **event("shipping", [cn(1)], when=at(10), read_point=xihu.site),
    }
    response = client.post(
        "/epcis/events",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert Event.objects.filter(sender=xihu.enterprise).count() == 0


def test_a_read_point_of_another_enterprise_is_refused(c):
    donghu = c["donghu"]
    job = donghu.send(
        event(
            "commissioning",
            [cn(1)],
            when=at(0),
            action="ADD",
            read_point=c["xihu"].site,
            ilmd=LOT,
        )
    )
    assert is_refused(job, "site_of_other")
    assert not CodeState.objects.exists() and not Event.objects.exists()


def test_commissioning_a_product_filed_by_another_enterprise_is_refused(c):
    job = c["xihu"].commission([cn(1)], when=at(0))
    assert is_refused(job, "product_of_other")
    assert not CodeState.objects.exists() and not Batch.objects.exists()


# --- anomaly rules --------------------------------------------------------------------------


def test_duplicate_commissioning(c):
    donghu = c["donghu"]
    donghu.commission([cn(1)], when=at(0))
    assert not raised("duplicate_commissioning")
    assert_ok(donghu.commission([cn(1)], when=at(30), ilmd={"cbvmda:lotNumber": "B9999"}))
    [found] = raised("duplicate_commissioning", cn(1))
    assert found.evidence["first_holder"] == donghu.enterprise.name
    # the anomaly points at the event that raised it: the second commissioning
    assert found.event.body["ilmd"]["cbvmda:lotNumber"] == "B9999"
    assert state(cn(1)).batch_no == "B2601"  # the first commissioning stands


def test_event_after_end(c):
    donghu = c["donghu"]
    donghu.commission([cn(1), cn(2)], when=at(0))
    donghu.ship([cn(1)], c["xihu"], when=at(5))
    donghu.send(event("destroying", [cn(2)], when=at(6), disposition="destroyed"))
    assert not raised("event_after_end")
    assert_ok(donghu.ship([cn(2)], c["xihu"], when=at(10)))
    [found] = raised("event_after_end", cn(2))
    assert found.evidence["status"] == CodeStatus.DESTROYED


def test_impossible_travel(c):
    donghu, lianxi = c["donghu"], c["lianxi"]
    donghu.commission([cn(1), cn(2)], when=at(0))
    # a delivery to another city is no copy, however soon it is received
    donghu.ship([cn(2)], lianxi, when=at(1))
    lianxi.receive([cn(2)], when=at(5))
    donghu.sell([cn(1)], when=at(10))
    assert not raised("impossible_travel")
    # the same code sold in Jiujiang ten minutes after Nanchang: a copy
    assert_ok(lianxi.sell([cn(1)], when=at(20)))
    [found] = raised("impossible_travel", cn(1))
    assert found.evidence["earlier_region"] == "360102"
    assert found.evidence["region"] == "360402"
    assert found.enterprise == lianxi.enterprise
    # a day later it is only sold twice, not in two places at once
    lianxi.sell([cn(1)], when=at(0, days=1))
    assert len(raised("impossible_travel", cn(1))) == 1


def test_receipt_without_shipment(c):
    donghu, xihu = c["donghu"], c["xihu"]
    donghu.commission([cn(1), cn(2)], when=at(0))
    donghu.ship([cn(1)], xihu, when=at(5))
    xihu.receive([cn(1)], when=at(30))
    assert not raised("receipt_without_shipment")
    # a code nobody reported, and a code received although it was never shipped
    assert_ok(xihu.receive([cn(99)], when=at(40)))
    assert_ok(donghu.receive([cn(2)], when=at(41)))
    assert raised("receipt_without_shipment", cn(99))
    assert raised("receipt_without_shipment", cn(2))


def test_unlicensed_party(enterprises):
    c = chain(enterprises, licensed=("donghu", "xihu"))
    donghu, xihu, lianxi = c["donghu"], c["xihu"], c["lianxi"]
    donghu.commission([cn(1), cn(2)], when=at(0))
    donghu.ship([cn(1)], xihu, when=at(5))
    xihu.receive([cn(1)], when=at(30))
    assert not raised("unlicensed_party")
    assert_ok(donghu.ship([cn(2)], lianxi, when=at(40)))
    [found] = raised("unlicensed_party", cn(2))
    assert found.evidence == {"consignee": lianxi.enterprise.name}


def test_unlicensed_shipper(enterprises):
    c = chain(enterprises, licensed=("xihu",))
    donghu, xihu = c["donghu"], c["xihu"]
    donghu.commission([cn(1)], when=at(0))
    donghu.ship([cn(1)], xihu, when=at(5))
    assert not raised("unlicensed_party")
    xihu.receive([cn(1)], when=at(30))
    [found] = raised("unlicensed_party", cn(1))
    assert found.evidence == {"shipper": donghu.enterprise.name}


def test_dispensed_after_expiry(c):
    donghu = c["donghu"]
    donghu.commission([cn(1)], when=at(0))
    donghu.commission(
        [cn(2)],
        when=at(0),
        ilmd={"cbvmda:lotNumber": "B2501", "cbvmda:itemExpirationDate": "2026-01-05"},
    )
    donghu.sell([cn(1)], when=at(0, days=2))
    assert not raised("dispensed_after_expiry")
    donghu.sell([cn(2)], when=at(0, days=2))
    [found] = raised("dispensed_after_expiry", cn(2))
    assert found.evidence == {"expiry_date": "2026-01-05"}


def test_dispensed_after_recall(c, province_regulator):
    donghu = c["donghu"]
    donghu.commission([cn(1)], when=at(0))
    donghu.commission([cn(2)], when=at(0), ilmd={"cbvmda:lotNumber": "B2602"})
    donghu.sell([cn(2)], when=at(5))
    assert not raised("dispensed_after_recall")
    recall_service.recall_issue(
        actor=province_regulator,
        batch_ids=[state(cn(1)).batch_id],
        level="II",
        reason="溶出度不合格",
    )
    donghu.sell([cn(1)], when=at(10))
    assert raised("dispensed_after_recall", cn(1))
    # a pack put back to "recalled" by an event and then sold is caught too
    donghu.commission([cn(3)], when=at(0), ilmd={"cbvmda:lotNumber": "B2603"})
    assert_ok(donghu.send(event("holding", [cn(3)], when=at(20), disposition="recalled")))
    donghu.sell([cn(3)], when=at(30))
    assert raised("dispensed_after_recall", cn(3))


def test_aggregation_count(c):
    donghu = c["donghu"]
    donghu.commission([cn(1), cn(2), cn(3), cn(4), cn(5)], when=at(0))
    good, bad = cn(1, CASE_PRODUCT), cn(2, CASE_PRODUCT)
    assert_ok(donghu.send(aggregation(good, [cn(1), cn(2)], when=at(5))))
    assert not raised("aggregation_count")
    assert_ok(donghu.send(aggregation(bad, [cn(3), cn(4), cn(5)], when=at(6))))
    [found] = raised("aggregation_count", bad)
    assert found.evidence == {"children": 3, "expected": 2}


def test_dispensed_twice(c):
    donghu, xihu = c["donghu"], c["xihu"]
    donghu.commission([cn(1), cn(2)], when=at(0))
    donghu.ship([cn(1), cn(2)], xihu, when=at(5))
    xihu.receive([cn(1), cn(2)], when=at(30))
    xihu.sell([cn(1)], when=at(40))
    xihu.sell([cn(2)], when=at(40))
    assert not raised("dispensed_twice")
    # sold again by the same pharmacy, and by another one in the city (回流药)
    assert_ok(xihu.sell([cn(1)], when=at(0, days=3)))
    assert_ok(donghu.sell([cn(2)], when=at(0, days=3)))
    [first] = raised("dispensed_twice", cn(1))
    [second] = raised("dispensed_twice", cn(2))
    assert first.evidence["first_region"] == "360103"
    assert second.enterprise == donghu.enterprise
    assert state(cn(2)).dispense_count == 2
    assert not raised("event_after_end")


def test_unregistered_identifier(c):
    donghu = c["donghu"]
    donghu.commission([cn(1)], when=at(0))
    assert not raised("unregistered_identifier")
    stranger = "urn:epc:id:sgln:0614141.99999.0"
    assert_ok(
        donghu.send(event("shipping", [cn(1)], when=at(5), read_point=donghu.site, to=stranger))
    )
    [found] = raised("unregistered_identifier")
    assert found.evidence == {"identifier": stranger}
    assert state(cn(1)).status == CodeStatus.IN_TRANSIT
    assert state(cn(1)).next_holder is None


def test_unknown_product(c):
    donghu = c["donghu"]
    donghu.commission([cn(1)], when=at(0))
    assert not raised("unknown_product")
    assert_ok(donghu.commission([cn(1, "8999999")], when=at(5)))
    [found] = raised("unknown_product", cn(1, "8999999"))
    assert found.evidence == {"product_key": "cn:8999999"}
    assert state(cn(1, "8999999")).batch is None
    assert not Batch.objects.filter(product_key="cn:8999999").exists()


def test_out_of_order(c):
    donghu, xihu = c["donghu"], c["xihu"]
    donghu.commission([cn(1), cn(2)], when=at(60))
    donghu.ship([cn(1)], xihu, when=at(70))
    assert not raised("out_of_order")
    assert_ok(donghu.ship([cn(2)], xihu, when=at(30)))
    [found] = raised("out_of_order", cn(2))
    last = dt.datetime.fromisoformat(found.evidence["last_event_time"])
    assert last == dt.datetime.fromisoformat(at(60))
    assert state(cn(2)).status == CodeStatus.ACTIVE  # stored, but the state did not move
    assert Event.objects.filter(biz_step="shipping").count() == 2


def test_distant_verifications(c):
    donghu = c["donghu"]
    donghu.commission([cn(1), cn(2)], when=at(0))
    verify_service.verify(cn(2), ip="10.0.0.1", region_code="360102")
    verify_service.verify(cn(2), ip="10.0.0.2", region_code="360103")  # same city
    assert not raised("distant_verifications")
    verify_service.verify(cn(1), ip="10.0.0.1", region_code="360102")
    answer = verify_service.verify(cn(1), ip="10.0.0.3", region_code="360402")
    [found] = raised("distant_verifications", cn(1))
    assert sorted(found.evidence["regions"]) == ["360102", "360402"]
    assert found.enterprise == donghu.enterprise
    assert answer["result"] in ("authentic", "suspect")
    assert verify_service.verify(cn(1), ip="10.0.0.4")["result"] == "suspect"


def test_anomalies_reach_the_enterprise_file_and_the_bureaus_inbox(c):
    from yaojian.registry.models import TimelineEvent
    from yaojian.workbench.models import Todo

    donghu, xihu = c["donghu"], c["xihu"]
    donghu.commission([cn(1), cn(2), cn(3)], when=at(0))
    assert not TimelineEvent.objects.filter(kind="trace_alert").exists()
    donghu.commission([cn(1), cn(2)], when=at(10))  # two duplicates in one capture
    [fact] = TimelineEvent.objects.filter(kind="trace_alert", enterprise=donghu.enterprise)
    assert fact.severity == "alert" and "2" in fact.summary
    [todo] = Todo.objects.filter(kind="trace_anomaly:duplicate_commissioning")
    assert todo.bureau.region_code == donghu.enterprise.region_code
    assert todo.role == "inspector" and todo.link.endswith("rule=duplicate_commissioning")
    donghu.commission([cn(3)], when=at(20))  # the same rule again: the open to-do is kept
    assert Todo.objects.filter(kind="trace_anomaly:duplicate_commissioning").count() == 1
    assert not TimelineEvent.objects.filter(kind="trace_alert", enterprise=xihu.enterprise).exists()
    # a critical rule asks the county bureau for an inspection, once while it is open
    from yaojian.inspection.models import Inspection

    [requested] = Inspection.objects.filter(origin="trace_anomaly")
    assert requested.enterprise == donghu.enterprise and requested.status == "pending"
    assert requested.origin_ref == "trace:duplicate_commissioning"


def test_a_warning_rule_raises_no_inspection_request(c):
    from yaojian.inspection.models import Inspection

    xihu = c["xihu"]
    assert_ok(xihu.receive([cn(99)], when=at(5)))  # never shipped to it: only a warning
    assert raised("receipt_without_shipment", cn(99))
    assert not Inspection.objects.filter(origin="trace_anomaly").exists()


def test_the_product_file_shows_batches_seen_with_the_decoction_chain(
    c, client, province_regulator
):
    donghu = c["donghu"]
    donghu.commission([cn(1), cn(2)], when=at(0))
    donghu.sell([cn(2)], when=at(30))
    batch = Batch.objects.get(batch_no=LOT["cbvmda:lotNumber"])
    Batch.objects.filter(pk=batch.pk).update(herb_origin="甘肃岷县", processing="酒炙")
    client.force_login(province_regulator)
    page = client.get(reverse("registry:product_detail", args=[batch.product_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert batch.batch_no in html and "甘肃岷县" in html and 'data-testid="tcm-chain"' in html
    body = client.get(f"/api/v1/registry/products/{batch.product_id}/file").json()
    [row] = body["batches"]
    assert (row["number"], row["packs"], row["herb_origin"]) == (batch.batch_no, 2, "甘肃岷县")
    assert sorted(n for _label, n in row["by_status"]) == [1, 1]


def test_the_flows_page_shows_what_an_enterprise_received_and_shipped(
    c, client, province_regulator, county_regulator
):
    donghu, xihu, lianxi = c["donghu"], c["xihu"], c["lianxi"]
    donghu.commission([cn(1), cn(2), cn(3)], when=at(0))
    donghu.ship([cn(1), cn(2)], xihu, when=at(5))
    xihu.receive([cn(1), cn(2)], when=at(30))
    xihu.ship([cn(1)], lianxi, when=at(60))
    client.force_login(province_regulator)
    page = client.get(reverse("trace:flows", args=[xihu.enterprise.pk]))
    assert page.status_code == 200
    found = page.context["found"]
    assert [row["packs"] for row in found["inbound"]] == [2]
    assert found["outbound"][0]["packs"] == 1
    assert found["outbound"][0]["counterpart"] == lianxi.enterprise.name
    assert 'id="data-flows"' in page.content.decode()
    later = client.get(reverse("trace:flows", args=[xihu.enterprise.pk]), {"since": "2999-01-01"})
    assert later.context["found"] == {"inbound": [], "outbound": []}
    client.force_login(county_regulator)  # Donghu's bureau does not see Jiujiang's enterprise
    assert client.get(reverse("trace:flows", args=[lianxi.enterprise.pk])).status_code == 404


def test_a_return_is_shipped_back_and_received_by_the_maker(c):
    donghu, xihu, lianxi = c["donghu"], c["xihu"], c["lianxi"]
    donghu.commission([cn(1)], when=at(0))
    donghu.ship([cn(1)], xihu, when=at(5))
    xihu.receive([cn(1)], when=at(30))
    returned = event("shipping", [cn(1)], when=at(60), disposition="returned", to=donghu.site)
    assert_ok(xihu.send(returned))
    assert state(cn(1)).status == CodeStatus.RETURNED
    # only the enterprise the return is addressed to may take it back
    assert is_refused(lianxi.receive([cn(1)], when=at(90)), "code_held_by_other")
    taken = event("receiving", [cn(1)], when=at(120), disposition="returned")
    assert_ok(donghu.send(taken))
    back = state(cn(1))
    assert (back.status, back.holder_id) == (CodeStatus.RETURNED, donghu.enterprise.pk)
    assert not raised("receipt_without_shipment")


def test_steps_outside_cbv_are_refused_not_mapped(c):
    donghu = c["donghu"]
    donghu.commission([cn(1)], when=at(0))
    job = donghu.send(event("returning", [cn(1)], when=at(5)))
    assert is_refused(job, "cbv_bizstep")
    assert state(cn(1)).status == CodeStatus.ACTIVE


def test_regulators_read_anomalies_in_words(c, client, province_regulator):
    donghu = c["donghu"]
    donghu.commission([cn(1)], when=at(0))
    donghu.commission([cn(1)], when=at(10))
    client.force_login(province_regulator)
    with translation.override("en"):
        html = client.get(reverse("trace:overview"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "first holder" in html and donghu.enterprise.name in html
    assert cn(1)[len("urn:yaojian:cn:") :] in html  # the code as printed on the pack
    path = client.get(reverse("trace:code_path"), {"code": cn(1)[len("urn:yaojian:cn:") :]})
    assert "赋码激活" in path.content.decode()  # steps in words, Chinese by default


def test_outside_scope(c):
    from yaojian.testing import factories

    donghu, xihu, lianxi = c["donghu"], c["xihu"], c["lianxi"]
    donghu.commission([cn(1), cn(2), cn(3)], when=at(0))
    donghu.ship([cn(1)], xihu, when=at(5))  # maker to wholesaler: in scope
    xihu.receive([cn(1)], when=at(30))
    xihu.ship([cn(1)], lianxi, when=at(60))  # wholesaler to pharmacy: in scope
    lianxi.receive([cn(1)], when=at(90))
    assert not raised("outside_scope")
    # a retail pharmacy supplying another business (零售不得批发)
    assert_ok(lianxi.ship([cn(1)], xihu, when=at(120)))
    [retail] = raised("outside_scope", cn(1))
    assert retail.evidence["shipper"] == lianxi.enterprise.name
    # a drug shipped to a holder of device licences only
    shop = factories.EnterpriseFactory(kind="device_distributor", region_code="360102")
    factories.LicenceFactory(holder=shop, kind="device_trading_iii")
    user = factories.enterprise_user(shop, master=True)
    register.site_register(actor=user, identifier="urn:epc:id:sgln:0614141.00044.0")
    assert_ok(
        donghu.send(event("shipping", [cn(2)], when=at(130), to="urn:epc:id:sgln:0614141.00044.0"))
    )
    [device] = raised("outside_scope", cn(2))
    assert device.evidence["consignee"] == shop.name
    # a return to the maker is not trade
    xihu.receive([cn(1)], when=at(150))
    returned = event("shipping", [cn(1)], when=at(160), disposition="returned", to=donghu.site)
    assert_ok(xihu.send(returned))
    assert len(raised("outside_scope")) == 2


def test_a_capture_never_fails_for_want_of_an_inspection_checklist(c):
    from yaojian.inspection.models import Checklist, Inspection
    from yaojian.workbench.models import Todo

    Checklist.objects.all().delete()  # no checklist configured for any kind
    donghu = c["donghu"]
    donghu.commission([cn(1)], when=at(0))
    assert_ok(donghu.commission([cn(1)], when=at(10)))  # a duplicate: a critical rule
    assert raised("duplicate_commissioning", cn(1))
    assert Todo.objects.filter(kind="trace_anomaly:duplicate_commissioning").exists()
    assert not Inspection.objects.exists()
