"""Preparing a capture's events: chunks in order, hashes and codes, problems of invalid events."""

from __future__ import annotations

import multiprocessing
import os

import pytest
from django.utils import translation

from yaojian.trace import epcis
from yaojian.trace.services.prepare import (
    PreparingStopped,
    prepared_chunks,
    prepared_chunks_aside,
)


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


def _said(problems) -> list[tuple]:
    return [(p.event_index, p.field, p.code, str(p.message), p.line) for p in problems]


def _items(chunks) -> list:
    return [
        (item.index, item.event, item.digest, item.named, _said(item.problems))
        for chunk in chunks
        for item in chunk.items
    ]


def _with_an_invalid_event(count: int):
    def events():
        for n, event, namespaces in _stream(count)():
            yield n, (_event(n, action="MAYBE") if n == 700 else event), namespaces

    return events


def _preparing_children() -> list:
    return [p for p in multiprocessing.active_children() if p.name == "capture-prepare"]


def test_prepared_aside_gives_what_inline_gives():
    events = _with_an_invalid_event(1_234)
    inline = list(prepared_chunks(events(), 500))
    aside = list(prepared_chunks_aside(events, 500))
    assert [len(c.items) for c in aside] == [500, 500, 234]
    assert _items(aside) == _items(inline)
    assert _items(aside)[700][4] and not _items(aside)[699][4]  # the invalid one's problems
    # the first chunk is prepared by the caller; the child's are parsed again where stored
    assert aside[0].parses and not any(chunk.parses for chunk in aside[1:])
    assert not _preparing_children()


def test_a_document_unreadable_midway_raises_as_inline():
    def events():
        yield from _stream(3)()
        raise epcis.DocumentInvalid(
            [epcis.Problem(None, "", "", "json_syntax", "Expecting ',' delimiter", line=9)]
        )

    problems = []
    for prepare in (
        lambda: prepared_chunks(events(), 500),
        lambda: prepared_chunks_aside(events, 500),
    ):
        with pytest.raises(epcis.DocumentInvalid) as raised:
            list(prepare())
        problems.append(_said(raised.value.problems))
    assert problems[0] == problems[1] and problems[0][0][4] == 9


def test_a_caller_that_stops_reading_stops_the_child():
    chunks = prepared_chunks_aside(_stream(50_000), 500)
    assert len(next(chunks).items) == 500
    assert len(_preparing_children()) == 1
    chunks.close()
    assert not _preparing_children()


def test_a_child_that_dies_or_fails_is_an_error_not_an_end():
    def killed():
        yield from _stream(600)()
        os._exit(3)  # as the kernel's OOM killer would leave it: no word sent

    def failing():
        yield from _stream(510)()
        raise KeyError("surprise")

    with pytest.raises(PreparingStopped, match="exit code 3"):
        list(prepared_chunks_aside(killed, 500))
    with pytest.raises(PreparingStopped, match="KeyError: 'surprise'"):
        list(prepared_chunks_aside(failing, 500))
    assert not _preparing_children()
