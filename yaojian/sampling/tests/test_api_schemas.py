"""The sampling record's amounts: what the API document says is what the schema reads."""

import re
from decimal import Decimal

import pytest
from pydantic import ValidationError

from yaojian.sampling.schemas import SampleIn

RECORD = {
    "record_number": "CYJL-1",
    "place": "仓库",
    "quantity": 6,
    "sealed_ids": ["A1"],
    "price_paid": "36.50",
    "payment_method": "transfer",
    "payment_reference": "ZF1",
    "enterprise_signatory": "王丽",
    "enterprise_acknowledged": True,
}


@pytest.mark.parametrize(
    ("value", "amount"),
    [("36.50", Decimal("36.50")), ("7", Decimal(7)), (36, Decimal(36)), (100.0, Decimal(100))],
)
def test_an_amount_is_text_or_a_whole_number(value, amount):
    assert SampleIn(**{**RECORD, "price_paid": value}).price_paid == amount


@pytest.mark.parametrize("value", ["", "36.505", "1e3", " 36", "-1", 36.5, True, None, "123456789"])
def test_other_amounts_are_refused(value):
    with pytest.raises(ValidationError) as caught:
        SampleIn(**{**RECORD, "price_paid": value})
    assert caught.value.errors()[0]["loc"] == ("price_paid",)


def test_the_document_states_the_amounts_and_the_rules(client):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    record = schemas["SampleIn"]["properties"]
    price = {branch["type"]: branch for branch in record["price_paid"]["anyOf"]}
    assert price["integer"]["minimum"] == 1 and price["string"]["pattern"]
    # the service refuses a price of 0 (samples are bought): the document does not offer it
    for text in ("0.01", "0.5", "00.5", "1", "36.50", "99999999.99"):
        assert re.search(price["string"]["pattern"], text), text
        assert SampleIn(**{**RECORD, "price_paid": text})
    for text in ("0", "0.00", ".5", "100000000", "1.234"):
        assert not re.search(price["string"]["pattern"], text), text
    fee = {branch["type"]: branch for branch in record["fees_charged"]["anyOf"]}
    assert fee["integer"]["const"] == 0
    assert set(record["payment_method"]["enum"]) == {"transfer", "cash", "card", "invoice"}
    assert record["sealed_ids"]["contains"] == {"pattern": r"\S"}
    assert "SamplingPlanOut" in schemas and "SamplingResultOut" in schemas
