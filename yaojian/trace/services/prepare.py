"""Reading, validating and hashing a capture's events, a chunk at a time, before storing them.

Each event is checked against the schema and CBV; a valid one also gets its canonical hash
and the canonical codes it names, parsed once into the chunk's memo (`Parses`), which the
state book then reuses. Nothing here touches the database.

Preparing the next chunk in a thread while the current one was stored was tried and
measured: on SQLite it made captures slower (about 9 s to 12 s for 10,000 events), because
the storing thread gives up the interpreter at every row it inserts and then waits to get it
back from the preparing thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from yaojian.trace import epcis
from yaojian.trace.services.apply import Codes, Parses, codes_of


@dataclass(slots=True)
class Prepared:
    """One event as read, with its validation problems; valid ones also carry their
    canonical hash and the codes they name."""

    index: int
    event: dict
    problems: list[epcis.Problem]
    digest: str = ""
    named: Codes | None = None


@dataclass
class PreparedChunk:
    items: list[Prepared] = field(default_factory=list)
    parses: Parses = field(default_factory=Parses)  # the codes' parses, for the state book


def prepare(event: dict, index: int, namespaces: dict, parses: Parses) -> Prepared:
    problems = epcis.validate_event(event, index=index, context=namespaces)
    if problems:
        return Prepared(index, event, problems)
    return Prepared(
        index,
        event,
        problems,
        epcis.event_hash(event, namespaces),
        codes_of(event, parses.parse),
    )


def prepared_chunks(events: Iterable[tuple[int, dict, dict]], size: int) -> Iterator[PreparedChunk]:
    """The events, `size` at a time, prepared."""
    chunk = PreparedChunk()
    for index, event, namespaces in events:
        chunk.items.append(prepare(event, index, namespaces, chunk.parses))
        if len(chunk.items) >= size:
            yield chunk
            chunk = PreparedChunk()
    if chunk.items:
        yield chunk
