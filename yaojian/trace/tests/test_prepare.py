"""Preparing a capture's events: chunks in order, hashes and codes, problems of invalid events."""

from __future__ import annotations

import pytest
from django.utils import translation

from yaojian.trace.services.prepare import prepared_chunks


def _event(n: int, **extra) -> dict:
    return {
        "type": "ObjectEvent",
        "eventTime": "2026-11-02T08:00:00+08:00",
        "eventTimeZoneOffset": "+08:00",
        "epcList": [f"urn:epc:id:sgtin:0614141.107346.{n}"],
        "action": "OBSERVE",
        "bizStep": "shipping",
        **extra,
    }


def _stream(count: int):
    def events():
        for n in range(count):
            yield n, _event(n), {}

    return events


def chunk_parses(chunks) -> set[str]:
    return {text for chunk in chunks for text in chunk.parses}


def test_chunks_come_in_order_hashed_and_parsed():
    got = list(prepared_chunks(_stream(1_234)(), 500))
    assert [len(c.items) for c in got] == [500, 500, 234]
    items = [item for chunk in got for item in chunk.items]
    assert [item.index for item in items] == list(range(1_234))
    assert all(not item.problems and item.digest.startswith("ni:///sha-256;") for item in items)
    assert items[7].named.epcs == ["https://id.gs1.org/01/10614141073464/21/7"]  # canonical
    assert "urn:epc:id:sgtin:0614141.107346.7" in chunk_parses(got)
    assert len({item.digest for item in items}) == 1_234


def test_invalid_events_carry_their_problems_and_no_hash():
    def events():
        yield 0, _event(0), {}
        yield 1, _event(1, action="MAYBE"), {}

    (chunk,) = list(prepared_chunks(events(), 10))
    valid, invalid = chunk.items
    assert not valid.problems and valid.digest
    assert invalid.problems and any(p.field == "action" for p in invalid.problems)
    assert invalid.digest == "" and invalid.named is None


@pytest.mark.parametrize(("language", "chinese"), [("en", False), ("zh-hans", True)])
def test_problems_are_worded_in_the_language_of_the_capture(language, chinese):
    def events():
        yield 0, _event(0, action="MAYBE"), {}

    with translation.override(language):
        (chunk,) = list(prepared_chunks(events(), 10))
    messages = " ".join(p.message for p in chunk.items[0].problems)
    assert "MAYBE" in messages
    assert any("\u4e00" <= c <= "\u9fff" for c in messages) is chinese, messages
