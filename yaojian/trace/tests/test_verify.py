"""Public verification over HTTP: every result, nothing private, every call kept, rate limit."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from yaojian.trace.choices import VerificationResult
from yaojian.trace.models import CodeState, Verification
from yaojian.trace.services import recall as recall_service
from yaojian.trace.tests.helpers import EXPIRY, at, chain, cn, event

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/trace/verify"


@pytest.fixture
def c(enterprises):
    return chain(enterprises)


def check(client, code: str, **params) -> dict:
    response = client.get(URL, {"code": code, **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_every_result_of_the_public_verification(c, client, province_regulator):
    donghu, xihu = c["donghu"], c["xihu"]
    donghu.commission([cn(n) for n in range(1, 7)], when=at(0))
    yesterday = dt.date.today() - dt.timedelta(days=1)
    donghu.commission(
        [cn(7)],
        when=at(0),
        ilmd={"cbvmda:lotNumber": "B2501", "cbvmda:itemExpirationDate": yesterday.isoformat()},
    )
    donghu.commission([cn(8)], when=at(0), ilmd={"cbvmda:lotNumber": "B2609"})
    donghu.ship([cn(1)], xihu, when=at(10))
    xihu.receive([cn(1)], when=at(60))
    donghu.sell([cn(2)], when=at(10))
    donghu.send(event("destroying", [cn(3)], when=at(10), disposition="destroyed"))
    donghu.commission([cn(4)], when=at(30))  # a second commissioning: a copied code
    batch = CodeState.objects.get(code=cn(8)).batch
    recall_service.recall_issue(
        actor=province_regulator, batch_ids=[batch.pk], level="I", reason="检出异物"
    )

    answers = {
        "authentic": check(client, cn(1)),
        "unknown_code": check(client, cn(500)),
        "unknown_batch": check(client, cn(501), batch="B0000"),
        "batch_mismatch": check(client, cn(5), batch="B2699"),
        "expiry_mismatch": check(client, cn(6), expiry="2030-01-01"),
        "dispensed": check(client, cn(2)),
        "recalled": check(client, cn(8)),
        "expired": check(client, cn(7)),
        "destroyed": check(client, cn(3)),
        "suspect": check(client, cn(4)),
    }
    assert set(answers) == set(VerificationResult.values)
    for result, answer in answers.items():
        assert answer["result"] == result, (result, answer)
        assert answer["explanation"] and answer["result_label"]
    # a code of a known batch that was never reported is unknown, not an unknown batch
    assert check(client, cn(502), batch="B2601")["result"] == "unknown_code"
    assert check(client, cn(5), batch="B2601", expiry=EXPIRY.isoformat())["result"] == ("authentic")

    authentic = answers["authentic"]
    assert authentic["product"]["name"] == c["product"].name
    assert authentic["product"]["batch_no"] == "B2601"
    assert authentic["product"]["expiry_date"] == EXPIRY.isoformat()
    assert authentic["cities"] == ["南昌市"]
    assert Verification.objects.count() == len(answers) + 2


def test_a_malformed_code_is_unknown_and_says_why(c, client):
    answer = check(client, "8123456789O123456789")
    assert answer["result"] == "unknown_code"
    assert answer["reason"]
    assert answer["product"] == {} and answer["cities"] == []
    kept = Verification.objects.get()
    assert kept.code_text == "8123456789O123456789" and kept.code == ""
    assert kept.result == "unknown_code"


def test_the_answer_shows_cities_but_never_holders_or_quantities(c, client):
    donghu, xihu, lianxi = c["donghu"], c["xihu"], c["lianxi"]
    donghu.commission([cn(1), cn(2)], when=at(0))
    donghu.ship([cn(1)], lianxi, when=at(10))
    lianxi.receive([cn(1)], when=at(300))
    response = client.get(URL, {"code": cn(1), "region": "360402"})
    answer = response.json()
    assert answer["result"] == "authentic"
    assert answer["cities"] == ["南昌市", "九江市"]
    text = response.content.decode()
    for private in (lianxi.enterprise.name, xihu.enterprise.name, lianxi.enterprise.uscc):
        assert private not in text
    for key in ("quantity", "packs", "holder_id", "next_holder", "region_code"):
        assert f'"{key}"' not in text
    kept = Verification.objects.get()
    assert kept.code == cn(1) and kept.region_code == "360402"
    assert kept.client and "127.0.0.1" not in kept.client


def test_too_many_verifications_from_one_client_answer_429(c, client, settings):
    settings.YAOJIAN_VERIFY_PER_MINUTE = 3
    c["donghu"].commission([cn(1)], when=at(0))
    if time.time() % 60 > 55:  # keep the four calls inside one minute
        time.sleep(61 - time.time() % 60)
    for _ in range(3):
        assert client.get(URL, {"code": cn(1)}).status_code == 200
    refused = client.get(URL, {"code": cn(1)})
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["status"] == 429
    assert Verification.objects.count() == 3
    other = client.get(URL, {"code": cn(1)}, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200


def test_a_decoction_piece_batch_code_shows_its_origin(c, client, province_regulator):
    from yaojian.testing import factories
    from yaojian.trace.services import register

    maker = c["donghu"]
    piece = factories.ProductFactory(
        kind="tcm_piece", name="酒当归", holder=maker.enterprise, approval_number=None
    )
    register.code_rule_file(
        actor=maker.user, product_id=piece.pk, code=f"TCM:{maker.enterprise.uscc}:X"
    )
    batch = register.batch_register(
        actor=maker.user,
        product_key=f"tcm:{maker.enterprise.uscc}",
        batch_no="JDG0001",
        expiry_date=EXPIRY,
        herb_origin="甘肃岷县",
        harvest_date=dt.date(2026, 10, 15),
        processing="酒炙",
        inspection_report="JY2026-118",
    )
    code = f"TCM:{maker.enterprise.uscc}:JDG0001"
    answer = check(client, code)
    assert answer["result"] == "authentic"
    assert answer["product"]["name"] == "酒当归"
    assert answer["product"]["origin"]["herb_origin"] == "甘肃岷县"
    assert answer["product"]["origin"]["processing"] == "酒炙"
    assert check(client, f"TCM:{maker.enterprise.uscc}:JDG0002")["result"] == "unknown_batch"
    recall_service.recall_issue(
        actor=province_regulator, batch_ids=[batch.pk], level="III", reason="性状不符"
    )
    assert check(client, code)["result"] == "recalled"


def test_verifications_are_logged_in_batches_and_nothing_waiting_is_lost(c, settings):
    from yaojian.trace.services import verify as verify_service
    from yaojian.trace.services.verification_log import LOG

    settings.YAOJIAN_VERIFY_LOG_BATCHED = True
    settings.YAOJIAN_VERIFY_LOG_SECONDS = 3600  # this test flushes by hand
    LOG.flush()
    c["donghu"].commission([cn(1)], when=at(0))
    for code in (cn(1), cn(1), "12345"):
        verify_service.verify(code, ip="10.1.1.1")
    # the answers were given; the rows wait (or were already written), none is lost
    assert Verification.objects.count() + LOG.pending() == 3
    # a verification with a place is written at once: the distant-places rule reads it
    verify_service.verify(cn(1), ip="10.1.1.2", region_code="360102")
    assert Verification.objects.filter(region_code="360102").count() == 1
    LOG.flush()
    assert LOG.pending() == 0
    kept = Verification.objects.order_by("at")
    assert kept.count() == 4
    assert [v.result for v in kept][:3] == ["authentic", "authentic", "unknown_code"]


@pytest.mark.django_db
def test_the_lookup_is_prepared_once_per_postgresql_connection(c):
    """PostgreSQL plans the verification lookup once per connection, not once per code; the
    answers are the same as the plain query's."""
    from django.db import connection

    from yaojian.trace.services import verify as verify_service

    c["donghu"].commission([cn(1), cn(2)], when=at(0))
    codes = [cn(1), cn(2), cn(999)]
    first = [verify_service.verify(code, record=False)["result"] for code in codes]
    again = [verify_service.verify(code, record=False)["result"] for code in codes]
    assert first == again
    assert first[0] != VerificationResult.UNKNOWN_CODE
    assert first[2] == VerificationResult.UNKNOWN_CODE
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE name = %s",
            [verify_service._STATEMENT],
        )
        assert cursor.fetchone()[0] == 1


def test_an_impossible_printed_expiry_is_refused_naming_the_field(c, client):
    c["donghu"].commission([cn(1)], when=at(0))
    refused = client.get(URL, {"code": cn(1), "expiry": "2026-02-30"})
    assert refused.status_code == 422
    assert [error["field"] for error in refused.json()["errors"]] == ["expiry"]
    assert not Verification.objects.exists()  # nothing answered, nothing kept


@pytest.mark.parametrize(
    ("language", "message"), [("zh-hans", "格式不正确。"), ("en", "Not in the expected form.")]
)
def test_a_parameter_out_of_its_form_is_refused_in_the_readers_language(client, language, message):
    refused = client.get(URL, {"code": cn(1), "region": "36-01"}, HTTP_ACCEPT_LANGUAGE=language)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "region", "message": message}]


@pytest.mark.django_db
def test_the_high_volume_tables_keep_no_pattern_index(c):
    """On PostgreSQL Django builds a second, LIKE-only index beside every unique or indexed
    text column declared on the field; no query of the trace tables uses one, and at 10 M
    codes they took 1.4 GB. The unique ones are declared in Meta instead."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("pattern indexes are a PostgreSQL matter")
    tables = ("trace_event", "trace_eventcode", "trace_codestate")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [list(tables)]
        )
        indexes = dict(cursor.fetchall())
    assert not {name for name, sql in indexes.items() if "pattern_ops" in sql}
    # the lookups those columns serve still have their unique indexes
    for name in ("trace_codestate_code_unique", "trace_event_hash_unique", "trace_event_id_unique"):
        assert "UNIQUE" in indexes[name]
