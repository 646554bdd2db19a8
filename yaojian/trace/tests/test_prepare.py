"""The capture's read-ahead thread: order, errors, early stops and the language of problems."""

from __future__ import annotations

import threading

import pytest
from django.utils import translation

from yaojian.trace.epcis import DocumentInvalid, Problem
from yaojian.trace.services.prepare import Ahead


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


def _stream(count: int, bad_at: int | None = None):
    def events():
        for n in range(count):
            if n == bad_at:
                raise DocumentInvalid([Problem(n, "", "", "json_syntax", "broken")])
            yield n, _event(n), {}

    return events


def chunk_parses(chunks) -> set[str]:
    return {text for chunk in chunks for text in chunk.parses}


def _producers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "capture-prepare"]


def test_chunks_come_in_order_hashed_and_parsed():
    with Ahead(_stream(1_234), 500) as chunks:
        got = list(chunks)
    assert [len(c.items) for c in got] == [500, 500, 234]
    items = [item for chunk in got for item in chunk.items]
    assert [item.index for item in items] == list(range(1_234))
    assert all(not item.problems and item.digest.startswith("ni:///sha-256;") for item in items)
    assert items[7].named.epcs == ["https://id.gs1.org/01/10614141073464/21/7"]  # canonical
    assert "urn:epc:id:sgtin:0614141.107346.7" in chunk_parses(got)
    assert len({item.digest for item in items}) == 1_234
    assert not _producers()


def test_invalid_events_carry_their_problems_and_no_hash():
    def events():
        yield 0, _event(0), {}
        yield 1, _event(1, action="MAYBE"), {}

    with Ahead(events, 10) as chunks:
        (chunk,) = list(chunks)
    valid, invalid = chunk.items
    assert not valid.problems and valid.digest
    assert invalid.problems and any(p.field == "action" for p in invalid.problems)
    assert invalid.digest == "" and invalid.named is None


def test_a_failure_while_reading_is_raised_in_the_capture_after_the_chunks_before_it():
    seen = []
    with pytest.raises(DocumentInvalid), Ahead(_stream(5_000, bad_at=1_200), 500) as chunks:
        for chunk in chunks:
            seen.extend(item.index for item in chunk.items)
    assert seen == list(range(1_000))
    assert not _producers()


def test_stopping_early_stops_the_reader_even_when_it_is_waiting_on_a_full_queue():
    with Ahead(_stream(50_000), 100) as chunks:
        first = next(chunks)
        # the producer fills the queue and blocks on it
        for _ in range(100):
            if _producers():
                break
    assert len(first.items) == 100
    assert not _producers()


@pytest.mark.parametrize(("language", "chinese"), [("en", False), ("zh-hans", True)])
def test_problems_are_worded_in_the_language_of_the_capture(language, chinese):
    def events():
        yield 0, _event(0, action="MAYBE"), {}

    with translation.override(language), Ahead(events, 10) as chunks:
        (chunk,) = list(chunks)
    messages = " ".join(p.message for p in chunk.items[0].problems)
    assert "MAYBE" in messages
    assert any("\u4e00" <= c <= "\u9fff" for c in messages) is chinese, messages
